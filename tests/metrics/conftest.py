"""Fixtures for the metrics suite: the ``load`` parameter runs a test on DuckDB and, marked ``spark`` and
``slow``, on one session-scoped local SparkSession with a temporary warehouse directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from metrics.backends import Loader, duckdb_loader, spark_loader


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local SparkSession for the run, with a temporary warehouse directory."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("supportops-metrics-tests")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# py4j leaves sockets to the JVM gateway for the garbage collector: not ours to close.
SPARK_MARKS = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(params=["duckdb", pytest.param("pyspark", marks=SPARK_MARKS)])
def load(request: pytest.FixtureRequest, tmp_path: Path) -> Loader:
    """A loader for the backend under test (DuckDB, or PySpark in local mode)."""
    if request.param == "duckdb":
        return duckdb_loader(tmp_path)
    return spark_loader(request.getfixturevalue("spark_session"))
