"""Ranking contact reasons: Pareto by volume and cost, repeat, transfer and escalation drivers, handle-time
outliers.

Every function reads a *reason frame*: a polars DataFrame with one row per contact (conversation) and

- ``reason`` (text): the reason key at the level analysed (see :func:`supportops.reasons.taxonomy.reason_key`);
- ``arrived_at`` (datetime or date): when the contact arrived;
- optional ``customer_key`` (text; null when unknown), ``handle_s`` (handle time, seconds; talk + hold +
  after-contact work), ``transferred`` and ``escalated`` (booleans).

Missing optional columns make the matching figures unavailable (``None``) rather than zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import polars as pl

from supportops.errors import InputError

__all__ = [
    "BRIEF_TOP10_BAND",
    "FlagDriver",
    "HandleOutlier",
    "Pareto",
    "ParetoRow",
    "RepeatDriver",
    "flag_drivers",
    "handle_outliers",
    "pareto",
    "repeat_drivers",
]

BRIEF_TOP10_BAND = (0.60, 0.70)
"""The brief: the top 10 reasons typically carry 60-70 % of all contacts."""


def _require(frame: pl.DataFrame, *columns: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"reason frame: missing column(s) {', '.join(missing)} (has {', '.join(frame.columns)})")


@dataclass(frozen=True, slots=True, kw_only=True)
class ParetoRow:
    """One reason's volume and cost. ``share`` and ``cumulative_share`` are fractions 0-1 of all contacts;
    ``aht_s`` is the mean handle time (seconds) and ``cost`` = volume × AHT (minutes) × cost per minute."""

    rank: int
    reason: str
    volume: int
    share: float
    cumulative_share: float
    aht_s: float | None
    handle_hours: float | None
    cost: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Pareto:
    """Reasons ranked by volume, with the share the top 10 carry against the brief's 60-70 % band."""

    total: int
    reasons: int
    rows: tuple[ParetoRow, ...]
    top10_share: float
    cost_per_minute: float | None

    @property
    def top10_verdict(self) -> str:
        """``below``, ``within`` or ``above`` the brief's 60-70 % band."""
        lo, hi = BRIEF_TOP10_BAND
        return "below" if self.top10_share < lo else "above" if self.top10_share > hi else "within"

    def by_cost(self) -> tuple[ParetoRow, ...]:
        """The same rows ordered by cost (highest first); by volume when cost is unknown."""
        return tuple(sorted(self.rows, key=lambda r: (-(r.cost or 0.0), r.rank)))


def pareto(frame: pl.DataFrame, *, cost_per_minute: float | None = None) -> Pareto:
    """Reasons by volume with cumulative share, mean handle time and cost (``cost_per_minute`` in the workspace
    currency per handled minute; cost is ``None`` without it or without ``handle_s``)."""
    _require(frame, "reason")
    if frame.height == 0:
        raise InputError("reason frame: no contacts to rank")
    has_aht = "handle_s" in frame.columns
    aggs = [pl.len().alias("volume")]
    if has_aht:
        aggs += [pl.col("handle_s").mean().alias("aht_s"), pl.col("handle_s").sum().alias("handle_s_sum")]
    g = frame.group_by("reason").agg(aggs).sort(["volume", "reason"], descending=[True, False])
    total = int(g["volume"].sum())
    rows: list[ParetoRow] = []
    cum = 0
    for i, rec in enumerate(g.iter_rows(named=True), start=1):
        vol = int(rec["volume"])
        cum += vol
        aht = rec.get("aht_s")
        hours = rec["handle_s_sum"] / 3600.0 if has_aht and rec["handle_s_sum"] is not None else None
        cost = (vol * aht / 60.0 * cost_per_minute) if (aht is not None and cost_per_minute is not None) else None
        rows.append(
            ParetoRow(
                rank=i,
                reason=str(rec["reason"]),
                volume=vol,
                share=vol / total,
                cumulative_share=cum / total,
                aht_s=float(aht) if aht is not None else None,
                handle_hours=hours,
                cost=cost,
            )
        )
    top10 = rows[min(10, len(rows)) - 1].cumulative_share
    return Pareto(total=total, reasons=len(rows), rows=tuple(rows), top10_share=top10, cost_per_minute=cost_per_minute)


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeatDriver:
    """How often a reason's contacts are followed by another contact of the same customer within the window.

    ``eligible`` contacts have a customer key and a window that ended within the data; ``repeat_rate`` =
    repeats / eligible; ``share_of_repeats`` is this reason's part of all repeats (0-1)."""

    reason: str
    eligible: int
    repeats: int
    repeat_rate: float
    share_of_repeats: float


def repeat_drivers(frame: pl.DataFrame, *, window_days: int = 7, min_eligible: int = 1) -> tuple[RepeatDriver, ...]:
    """Reasons most often followed by a repeat contact (same customer, any reason) within ``window_days`` of
    arrival, ranked by number of repeats. A contact counts only when its whole window lies within the data
    (arrival + window ≤ the last arrival); reasons with fewer than ``min_eligible`` eligible contacts are left
    out."""
    _require(frame, "reason", "arrived_at", "customer_key")
    if window_days < 1:
        raise InputError(f"repeat window must be at least 1 day, got {window_days}")
    f = frame.filter(pl.col("customer_key").is_not_null())
    if f.height == 0:
        return ()
    f = f.with_columns(pl.col("arrived_at").cast(pl.Datetime("us")).alias("_t")).sort("_t")
    end = f["_t"].max()
    window = timedelta(days=window_days)
    f = f.with_columns(pl.col("_t").shift(-1).over("customer_key").alias("_next"))
    f = f.with_columns(
        (pl.col("_t") + window <= pl.lit(end)).alias("_eligible"),
        ((pl.col("_next") - pl.col("_t")) <= window).fill_null(False).alias("_repeat"),
    ).filter(pl.col("_eligible"))
    g = (
        f.group_by("reason")
        .agg(pl.len().alias("eligible"), pl.col("_repeat").sum().alias("repeats"))
        .filter(pl.col("eligible") >= min_eligible)
    )
    all_repeats = int(g["repeats"].sum()) if g.height else 0
    out = [
        RepeatDriver(
            reason=str(r["reason"]),
            eligible=int(r["eligible"]),
            repeats=int(r["repeats"]),
            repeat_rate=r["repeats"] / r["eligible"],
            share_of_repeats=(r["repeats"] / all_repeats) if all_repeats else 0.0,
        )
        for r in g.iter_rows(named=True)
    ]
    return tuple(sorted(out, key=lambda d: (-d.repeats, -d.repeat_rate, d.reason)))


@dataclass(frozen=True, slots=True, kw_only=True)
class FlagDriver:
    """A reason's transfers (or escalations): ``rate`` = flagged / contacts, ``share`` of all flagged (0-1)."""

    reason: str
    contacts: int
    flagged: int
    rate: float
    share: float


def flag_drivers(frame: pl.DataFrame, column: str, *, min_contacts: int = 1) -> tuple[FlagDriver, ...]:
    """Reasons ranked by how many of their contacts carry ``column`` (``transferred`` or ``escalated``); a null
    flag counts as not flagged."""
    _require(frame, "reason", column)
    g = (
        frame.group_by("reason")
        .agg(pl.len().alias("contacts"), pl.col(column).fill_null(False).cast(pl.Int64).sum().alias("flagged"))
        .filter(pl.col("contacts") >= min_contacts)
    )
    total = int(g["flagged"].sum()) if g.height else 0
    out = [
        FlagDriver(
            reason=str(r["reason"]),
            contacts=int(r["contacts"]),
            flagged=int(r["flagged"]),
            rate=r["flagged"] / r["contacts"],
            share=(r["flagged"] / total) if total else 0.0,
        )
        for r in g.iter_rows(named=True)
    ]
    return tuple(sorted(out, key=lambda d: (-d.flagged, -d.rate, d.reason)))


@dataclass(frozen=True, slots=True, kw_only=True)
class HandleOutlier:
    """Handle-time outliers of one reason by Tukey's rule: above Q3 + ``k`` × IQR (seconds).

    ``excess_hours`` is the handle time above the median those outliers spent, in hours."""

    reason: str
    contacts: int
    median_s: float
    upper_fence_s: float
    outliers: int
    outlier_share: float
    excess_hours: float


def handle_outliers(frame: pl.DataFrame, *, k: float = 1.5, min_contacts: int = 20) -> tuple[HandleOutlier, ...]:
    """Per reason with at least ``min_contacts`` timed contacts, the contacts whose handle time lies above the
    upper Tukey fence, ranked by the hours they spent above the median."""
    _require(frame, "reason", "handle_s")
    f = frame.filter(pl.col("handle_s").is_not_null())
    stats = (
        f.group_by("reason")
        .agg(
            pl.len().alias("n"),
            pl.col("handle_s").median().alias("med"),
            pl.col("handle_s").quantile(0.25, interpolation="linear").alias("q1"),
            pl.col("handle_s").quantile(0.75, interpolation="linear").alias("q3"),
        )
        .filter(pl.col("n") >= min_contacts)
        .with_columns((pl.col("q3") + k * (pl.col("q3") - pl.col("q1"))).alias("fence"))
    )
    j = f.join(stats, on="reason").filter(pl.col("handle_s") > pl.col("fence"))
    over = j.group_by("reason").agg(
        pl.len().alias("outliers"), ((pl.col("handle_s") - pl.col("med")).sum() / 3600.0).alias("excess_h")
    )
    s = stats.join(over, on="reason", how="left").with_columns(
        pl.col("outliers").fill_null(0), pl.col("excess_h").fill_null(0.0)
    )
    out = [
        HandleOutlier(
            reason=str(r["reason"]),
            contacts=int(r["n"]),
            median_s=float(r["med"]),
            upper_fence_s=float(r["fence"]),
            outliers=int(r["outliers"]),
            outlier_share=r["outliers"] / r["n"],
            excess_hours=float(r["excess_h"]),
        )
        for r in s.iter_rows(named=True)
    ]
    return tuple(sorted(out, key=lambda d: (-d.excess_hours, d.reason)))
