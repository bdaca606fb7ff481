"""From an interval frame (``interval_start, calls[, aht]``) to a :class:`DayGrid`, and back to a frame."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Literal

import numpy as np
import polars as pl

from supportops.errors import InputError
from supportops.forecasting.calendar import day_kinds
from supportops.forecasting.grid import INTERVAL_CHOICES, BoolArray, DayGrid, DayKind, open_mask, weekday_of

__all__ = ["grid_from_frame", "infer_weekly_open", "weekly_open_from_hours"]

_MONDAY = date(2024, 1, 1)


def weekly_open_from_hours(interval_minutes: int, hours: dict[int, tuple[time, time] | None]) -> BoolArray:
    """Open intervals per weekday (7 × intervals, Monday first) from opening hours."""
    return open_mask(_MONDAY, 7, interval_minutes, hours)


def infer_weekly_open(grid_values: np.ndarray, weekdays: np.ndarray, share: float = 0.5) -> BoolArray:
    """Open intervals per weekday inferred from history: an interval is open on a weekday when at least
    ``share`` of those days carry contacts in it. Used when no opening hours are given."""
    out = np.zeros((7, grid_values.shape[1]), dtype=np.bool_)
    for wd in range(7):
        rows = grid_values[weekdays == wd]
        if rows.shape[0]:
            out[wd] = (np.nan_to_num(rows) > 0).mean(axis=0) >= share
    return out


def grid_from_frame(
    frame: pl.DataFrame,
    *,
    interval_minutes: int,
    weekly_open: BoolArray | None = None,
    holidays: Iterable[date] = (),
    closed: Iterable[date] = (),
    irregular: Iterable[date] = (),
    missing: Literal["flag", "zero"] = "flag",
) -> DayGrid:
    """Aggregate ``interval_start`` (local, naive datetime), ``calls`` and optional ``aht`` (seconds) to a grid.

    Finer intervals are summed into ``interval_minutes`` buckets (AHT weighted by calls). With ``missing="flag"``
    a day lacking any open interval is flagged IRREGULAR and left unfilled; ``"zero"`` says absent intervals
    truly had no contacts (as when counting from a complete contact log). Closed dates have no open interval.
    """
    if interval_minutes not in INTERVAL_CHOICES:
        raise InputError(f"interval: {interval_minutes} minutes is not one of {INTERVAL_CHOICES}")
    for col in ("interval_start", "calls"):
        if col not in frame.columns:
            raise InputError(f"history: column {col!r} is missing (columns: {', '.join(frame.columns)})")
    if frame.height == 0:
        raise InputError("history: no rows")
    has_aht = "aht" in frame.columns
    f = frame.select(
        pl.col("interval_start").dt.truncate(f"{interval_minutes}m").alias("slot"),
        pl.col("calls").cast(pl.Float64),
        (pl.col("aht").cast(pl.Float64) if has_aht else pl.lit(None, dtype=pl.Float64)).alias("aht"),
    )
    if f["calls"].null_count() or f["slot"].null_count():
        raise InputError("history: empty interval_start or calls values")
    if (f["calls"] < 0).any():
        raise InputError("history: negative calls")
    g = (
        f.group_by("slot")
        .agg(
            pl.col("calls").sum(),
            ((pl.col("aht") * pl.col("calls")).sum() / pl.col("calls").filter(pl.col("aht").is_not_null()).sum()).alias(
                "aht"
            ),
        )
        .sort("slot")
    )
    slots: list[datetime] = g["slot"].to_list()
    first_day = slots[0].date()
    n_days = (slots[-1].date() - first_day).days + 1
    k = 1440 // interval_minutes
    values = np.full((n_days, k), np.nan)
    aht = np.full((n_days, k), np.nan)
    day_idx = np.array([(s.date() - first_day).days for s in slots])
    slot_idx = np.array([(s.hour * 60 + s.minute) // interval_minutes for s in slots])
    values[day_idx, slot_idx] = g["calls"].to_numpy()
    aht[day_idx, slot_idx] = g["aht"].fill_null(np.nan).to_numpy()
    weekdays = weekday_of(first_day, n_days)
    if weekly_open is None:
        weekly_open = infer_weekly_open(values, weekdays)
    kinds = day_kinds(first_day, n_days, holidays=holidays, closed=closed, irregular=irregular)
    open_ = weekly_open[weekdays] & (kinds != DayKind.CLOSED)[:, None]
    if missing == "zero":
        values = np.where(np.isnan(values), 0.0, values)
    else:
        gaps = np.any(open_ & np.isnan(values), axis=1) & (kinds != DayKind.CLOSED)
        kinds = np.where(gaps, np.int8(DayKind.IRREGULAR), kinds).astype(np.int8)
    return DayGrid(
        first_day=first_day,
        interval_minutes=interval_minutes,
        values=values,
        open=open_,
        kinds=kinds,
        aht=aht if has_aht else None,
    )


def next_days(first_day: date, n_days: int) -> list[date]:
    """``n_days`` consecutive dates from ``first_day``."""
    return [first_day + timedelta(days=i) for i in range(n_days)]
