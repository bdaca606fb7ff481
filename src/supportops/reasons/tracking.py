"""Tracking an initiative: a reason's volume month by month after its start, against the trend before it.

The trend is the least-squares line through the monthly volumes of the full months before the start month
(a flat mean with a single month). Each month from the start on is compared with that line extended; the
reduction is 1 − actual / expected summed over those months. Partial first and last months of the data are
left out so that a half month never reads as a drop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from supportops.errors import InputError

__all__ = ["MonthVolume", "Tracking", "track_reason"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthVolume:
    """One calendar month: contacts of the reason, the trend's expectation and whether it is after the start."""

    month: date
    volume: int
    expected: float
    after_start: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Tracking:
    """Monthly volumes around an initiative; ``trend_per_month`` is the slope before the start (contacts per
    month); ``reduction`` is the fraction 0-1 of expected contacts that did not come (negative: more came);
    ``None`` when no month after the start is complete yet."""

    reason: str
    start: date
    months: tuple[MonthVolume, ...]
    trend_per_month: float
    reduction: float | None


def _month(d: date) -> date:
    return date(d.year, d.month, 1)


def track_reason(frame: pl.DataFrame, *, reason: str, start: date) -> Tracking:
    """Volume of ``reason`` per month of ``frame`` (a reason frame: ``reason``, ``arrived_at``) around an
    initiative that started on ``start``; needs at least one full month before the start month."""
    if "reason" not in frame.columns or "arrived_at" not in frame.columns:
        raise InputError("tracking: the frame needs reason and arrived_at columns")
    days = frame.select(pl.col("arrived_at").cast(pl.Date).alias("d"))["d"]
    if days.len() == 0:
        raise InputError("tracking: no contacts")
    first, last = days.min(), days.max()
    assert isinstance(first, date) and isinstance(last, date)
    lo = _month(first) if first.day == 1 else _next_month(_month(first))
    hi = _month(last) if (last + timedelta(days=1)).day == 1 else _previous_month(_month(last))
    counts = (
        frame.filter(pl.col("reason") == reason)
        .with_columns(pl.col("arrived_at").cast(pl.Date).dt.truncate("1mo").alias("m"))
        .group_by("m")
        .agg(pl.len().alias("n"))
    )
    by_month = {m: int(n) for m, n in counts.iter_rows()}
    months: list[date] = []
    m = lo
    while m <= hi:
        months.append(m)
        m = _next_month(m)
    start_m = _month(start)
    before = [x for x in months if x < start_m]
    if not before:
        raise InputError(f"tracking {reason!r}: no full month of data before {start.isoformat()}")
    xb = np.array([_index(x) for x in before], dtype=float)
    yb = np.array([by_month.get(x, 0) for x in before], dtype=float)
    if len(before) >= 2:
        slope, intercept = np.polyfit(xb, yb, 1)
    else:
        slope, intercept = 0.0, float(yb[0])
    rows = [
        MonthVolume(
            month=x,
            volume=by_month.get(x, 0),
            expected=max(0.0, float(intercept + slope * _index(x))),
            after_start=x >= start_m,
        )
        for x in months
    ]
    after = [r for r in rows if r.after_start]
    exp = sum(r.expected for r in after)
    reduction = (1.0 - sum(r.volume for r in after) / exp) if after and exp > 0 else None
    return Tracking(reason=reason, start=start, months=tuple(rows), trend_per_month=float(slope), reduction=reduction)


def _index(m: date) -> int:
    return m.year * 12 + m.month - 1


def _next_month(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def _previous_month(m: date) -> date:
    return date(m.year - (m.month == 1), (m.month - 2) % 12 + 1, 1)
