"""Where reason frames come from: the workspace warehouse, a CFPB complaints export, or a plain CSV.

A *reason frame* (see :mod:`supportops.reasons.analysis`) has one row per contact with ``reason_l1``,
``reason_l2``, ``reason_l3``, ``arrived_at`` and, when known, ``customer_key``, ``handle_s``,
``transferred`` and ``escalated``; :func:`with_reason` adds the ``reason`` key at a chosen level.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from supportops.errors import InputError
from supportops.reasons.taxonomy import SEPARATOR

__all__ = ["CFPB_COLUMNS", "cfpb_frame", "csv_frame", "warehouse_frame", "with_reason"]

CFPB_COLUMNS = {
    "reason_l1": "Product",
    "reason_l2": "Sub-product",
    "reason_l3": "Issue",
    "arrived_at": "Date received",
    "channel": "Submitted via",
}
"""How the CFPB Consumer Complaint Database's columns map onto a reason frame."""

_CONVERSATIONS_SQL = """
SELECT
  conversation_id,
  any_value(program_id) AS program_id,
  min(arrived_at) AS arrived_at,
  arg_min(customer_key, arrived_at) FILTER (WHERE customer_key IS NOT NULL) AS customer_key,
  arg_min(reason_l1, arrived_at) FILTER (WHERE reason_l1 IS NOT NULL) AS reason_l1,
  arg_min(reason_l2, arrived_at) FILTER (WHERE reason_l1 IS NOT NULL) AS reason_l2,
  arg_min(reason_l3, arrived_at) FILTER (WHERE reason_l1 IS NOT NULL) AS reason_l3,
  sum(coalesce(talk_ms, 0) + coalesce(hold_ms, 0) + coalesce(acw_ms, 0)) FILTER (WHERE answered_at IS NOT NULL)
    / 1000.0 AS handle_s,
  bool_or(coalesce(transferred, false)) AS transferred,
  bool_or(coalesce(escalated, false)) AS escalated,
  any_value(channel) AS channel
FROM contacts
WHERE direction IS DISTINCT FROM 'outbound' {where}
GROUP BY conversation_id
"""


def warehouse_frame(workspace: Path, *, program: str | None = None) -> pl.DataFrame:
    """One row per inbound conversation of the workspace warehouse (optionally one program's): its first
    labelled leg's reason, first arrival, customer key, handle time of the answered legs (seconds; null when
    no leg was answered) and whether any leg was transferred or escalated."""
    from supportops.warehouse.connection import connect

    con = connect(workspace)
    try:
        where, params = ("AND program_id = ?", [program]) if program else ("", [])
        cur = con.execute(_CONVERSATIONS_SQL.format(where=where), params)
        names = [d[0] for d in cur.description]
        frame = pl.DataFrame(cur.fetchall(), schema=names, orient="row", infer_schema_length=None)
    finally:
        con.close()
    if frame.height == 0:
        raise InputError(f"{workspace}: no inbound contacts{f' for program {program!r}' if program else ''}")
    return frame.with_columns(pl.col("arrived_at").dt.convert_time_zone("UTC").dt.replace_time_zone(None))


def cfpb_frame(path: Path) -> pl.DataFrame:
    """A CFPB complaints export (CSV, optionally gzipped) as a reason frame: product / sub-product / issue as
    L1 / L2 / L3 and the date received as the arrival.

    The export has no customer identifier. ``customer_key`` is a *proxy*: the consumer's 5-digit ZIP code,
    state and the company complained about; rows whose ZIP is redacted (``123XX``) or missing get none, so
    repeat figures cover only the rest and are an estimate (two neighbours complaining about one company
    within a week count as a repeat)."""
    try:
        raw = pl.read_csv(path, infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in (*CFPB_COLUMNS.values(), "ZIP code", "State", "Company") if c not in raw.columns]
    if missing:
        raise InputError(f"{path}: not a CFPB complaints export (missing {', '.join(missing)})")
    zip_ok = pl.col("ZIP code").str.contains(r"^\d{5}$").fill_null(False)
    return raw.select(
        *[pl.col(src).alias(dst) for dst, src in CFPB_COLUMNS.items() if dst != "arrived_at"],
        pl.col("Date received").str.strptime(pl.Date, "%Y/%m/%d", strict=False).alias("arrived_at"),
        pl.when(zip_ok)
        .then(pl.concat_str([pl.col("ZIP code"), pl.col("State"), pl.col("Company")], separator="|"))
        .otherwise(None)
        .alias("customer_key"),
        pl.col("Consumer complaint narrative").alias("text")
        if "Consumer complaint narrative" in raw.columns
        else pl.lit(None, dtype=pl.String).alias("text"),
    ).filter(pl.col("arrived_at").is_not_null())


def csv_frame(path: Path) -> pl.DataFrame:
    """A CSV already in reason-frame columns (``reason_l1`` required; ``reason_l2``, ``reason_l3``,
    ``arrived_at`` ISO date/time, ``customer_key``, ``handle_s``, ``transferred``, ``escalated`` optional)."""
    try:
        raw = pl.read_csv(path, infer_schema_length=10_000, try_parse_dates=True)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    if "reason_l1" not in raw.columns:
        raise InputError(f"{path}: needs a reason_l1 column (has {', '.join(raw.columns)})")
    return raw


def with_reason(frame: pl.DataFrame, level: int) -> pl.DataFrame:
    """``frame`` with ``reason``: the path of levels 1..``level`` joined by ``›`` (missing levels left out);
    rows without an L1 are dropped."""
    if not 1 <= level <= 3:
        raise InputError(f"reason level must be 1, 2 or 3, got {level}")
    cols = [c for c in ("reason_l1", "reason_l2", "reason_l3")[:level] if c in frame.columns]
    parts = [pl.col(c).cast(pl.String).str.strip_chars().replace("", None) for c in cols]
    if len(parts) == 3:  # an L3 under a missing L2 is left out, as in the taxonomy
        parts[2] = pl.when(parts[1].is_not_null()).then(parts[2])
    return frame.filter(pl.col("reason_l1").is_not_null() & (pl.col("reason_l1").cast(pl.String) != "")).with_columns(
        pl.concat_str(parts, separator=SEPARATOR, ignore_nulls=True).alias("reason")
    )
