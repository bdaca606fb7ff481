"""Ibis backends the metrics run on: the workspace's DuckDB warehouse, or any PySpark session."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

__all__ = ["duckdb_backend", "fetch_rows", "pyspark_backend", "quiet_ibis_duckdb", "with_quiet_ibis_duckdb"]

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def quiet_ibis_duckdb() -> Iterator[None]:
    """Silence the one DeprecationWarning ibis 12 triggers on duckdb 2 (``fetch_arrow_table``) and nothing else."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"fetch_arrow_table\(\) is deprecated", category=DeprecationWarning)
        yield


def with_quiet_ibis_duckdb(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` inside :func:`quiet_ibis_duckdb`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with quiet_ibis_duckdb():
            return fn(*args, **kwargs)

    return wrapper


def duckdb_backend(workspace: Path | None = None, *, memory_limit: str = "2GB") -> BaseBackend:
    """An Ibis DuckDB backend on the workspace warehouse (in memory when ``workspace`` is None).

    The session time zone is UTC: metric expressions read instants as UTC and do their own zone arithmetic.
    """
    import ibis

    if workspace is None:
        con = ibis.duckdb.connect()
        con.raw_sql("SET TimeZone='UTC'")
        return con
    from supportops.warehouse.connection import connect

    return ibis.duckdb.from_connection(connect(workspace, memory_limit=memory_limit))


def pyspark_backend(session: Any) -> BaseBackend:
    """An Ibis PySpark backend on ``session`` (its ``spark.sql.session.timeZone`` is set to UTC)."""
    import ibis

    session.conf.set("spark.sql.session.timeZone", "UTC")
    return ibis.pyspark.connect(session)


def fetch_rows(expr: ir.Table) -> list[dict[str, Any]]:
    """Run a (small, aggregated) table expression and return its rows as dicts.

    On PySpark the result goes through ``DataFrame.toArrow()`` instead of ibis's pandas round trip, which
    pandas 3 rejects with warnings and which loses integer types when a column holds NULLs. This uses
    ibis's pre-execution hook (it registers in-memory tables) and is tied to the ``ibis-framework<13`` pin.
    """
    backend = expr.get_backend()
    if backend.name == "pyspark":
        backend._run_pre_execute_hooks(expr)
        sql = backend.compile(expr)
        rows: list[dict[str, Any]] = backend._session.sql(sql).toArrow().to_pylist()
        return rows
    out: list[dict[str, Any]] = expr.to_pyarrow().to_pylist()
    return out
