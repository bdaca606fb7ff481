"""Native microseconds-since-epoch functions of the backends, as Ibis builtin UDFs.

This module deliberately has no ``from __future__ import annotations``: Ibis reads the annotations below as
types when it builds the UDFs.
"""

import ibis
import ibis.expr.datatypes as dt

__all__ = ["duckdb_epoch_us", "spark_unix_micros"]


@ibis.udf.scalar.builtin(name="epoch_us")  # type: ignore[untyped-decorator]
def duckdb_epoch_us(ts: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """DuckDB ``epoch_us``: microseconds since 1970-01-01 UTC."""


@ibis.udf.scalar.builtin(name="unix_micros")  # type: ignore[untyped-decorator]
def spark_unix_micros(ts: dt.Timestamp()) -> dt.int64:  # type: ignore[valid-type]
    """Spark ``unix_micros``: microseconds since 1970-01-01 UTC."""
