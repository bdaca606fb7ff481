"""Native microseconds-since-epoch functions of the backends, as Ibis builtin UDFs.

This module deliberately has no ``from __future__ import annotations``: Ibis reads the annotations below as
types when it builds the UDFs.
"""

from typing import Any

import ibis
import ibis.expr.datatypes as dt

__all__ = ["arg_min", "duckdb_epoch_us", "spark_unix_micros"]


@ibis.udf.scalar.builtin(name="epoch_us")  # type: ignore[untyped-decorator]
def duckdb_epoch_us(ts: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """DuckDB ``epoch_us``: microseconds since 1970-01-01 UTC."""


@ibis.udf.scalar.builtin(name="unix_micros")  # type: ignore[untyped-decorator]
def spark_unix_micros(ts: dt.Timestamp()) -> dt.int64:  # type: ignore[valid-type]
    """Spark ``unix_micros``: microseconds since 1970-01-01 UTC."""


def _arg_min_signature(value: Any, key: Any) -> Any:
    """Placeholder body for the builtin aggregate (ibis reads the name and signature only)."""


def arg_min(value: Any, key: Any) -> Any:
    """The value at the smallest key: DuckDB's ``arg_min`` (ibis compiles ``argmin`` to a sorted ``FIRST``,
    which is many times slower there); Ibis's own ``argmin`` (``min_by``) elsewhere."""
    try:
        backend = value.get_backend().name
    except Exception:
        backend = ""
    if backend != "duckdb":
        return value.argmin(key)
    fn = ibis.udf.agg.builtin(_arg_min_signature, name="arg_min", signature=((value.type(), key.type()), value.type()))
    return fn(value, key)
