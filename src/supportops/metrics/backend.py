"""Ibis backends the metrics run on: the workspace's DuckDB warehouse, or any PySpark session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

__all__ = ["duckdb_backend", "pyspark_backend"]


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
