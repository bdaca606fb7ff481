"""Interval history as a day × interval grid: volumes, the open mask, and the kind of each day.

Every model works on a :class:`DayGrid`: one row per calendar day (closed days included, so "seven rows back"
is "the same weekday last week"), one column per interval of the day (48 at 30 minutes). Intervals outside the
opening hours are closed; they are never filled and never scored. Whole days are flagged by kind: public
holidays, closed dates and irregular days (missing or suspect data) are kept out of profiles and baselines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from supportops.errors import InputError

__all__ = ["INTERVAL_CHOICES", "DayGrid", "DayKind", "open_mask", "weekday_of"]

INTERVAL_CHOICES = (15, 30, 60)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class DayKind(IntEnum):
    """What kind of day a grid row is. Only NORMAL days feed profiles, baselines and model fits."""

    NORMAL = 0
    HOLIDAY = 1
    CLOSED = 2
    IRREGULAR = 3


def weekday_of(first_day: date, n_days: int, offset: int = 0) -> IntArray:
    """Weekday (Monday = 0) of ``n_days`` consecutive days starting ``offset`` days after ``first_day``."""
    return ((first_day.weekday() + offset + np.arange(n_days)) % 7).astype(np.int64)


def open_mask(
    first_day: date,
    n_days: int,
    interval_minutes: int,
    hours: dict[int, tuple[time, time] | None],
) -> BoolArray:
    """Open intervals of ``n_days`` days: an interval is open when it lies wholly inside the day's opening hours.

    ``hours`` maps weekday (Monday = 0) to (opens, closes) local times, ``None`` or absent meaning closed;
    ``closes`` of 00:00 after the opening means midnight (end of day).
    """
    if interval_minutes not in INTERVAL_CHOICES:
        raise InputError(f"interval: {interval_minutes} minutes is not one of {INTERVAL_CHOICES}")
    k = 1440 // interval_minutes
    starts = np.arange(k) * interval_minutes
    per_weekday = np.zeros((7, k), dtype=np.bool_)
    for wd in range(7):
        span = hours.get(wd)
        if span is None:
            continue
        lo = span[0].hour * 60 + span[0].minute
        hi = span[1].hour * 60 + span[1].minute
        if hi <= lo:
            hi = 1440
        per_weekday[wd] = (starts >= lo) & (starts + interval_minutes <= hi)
    out: BoolArray = per_weekday[weekday_of(first_day, n_days)]
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class DayGrid:
    """A regular interval series as days × intervals.

    ``values`` are contact counts per interval (NaN where closed or missing), ``open`` marks the intervals
    inside the opening hours, ``kinds`` holds a :class:`DayKind` per day. ``aht`` (seconds, optional) is the
    mean handle time per interval, NaN where unknown.
    """

    first_day: date
    interval_minutes: int
    values: FloatArray
    open: BoolArray
    kinds: npt.NDArray[np.int8]
    aht: FloatArray | None = None
    _weekdays: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape != self.open.shape:
            raise InputError(f"grid: values {self.values.shape} and open mask {self.open.shape} differ")
        if self.values.shape[1] * self.interval_minutes != 1440:
            raise InputError(f"grid: {self.values.shape[1]} intervals of {self.interval_minutes} min is not a day")
        if self.kinds.shape != (self.values.shape[0],):
            raise InputError(f"grid: {self.kinds.shape[0]} day kinds for {self.values.shape[0]} days")
        object.__setattr__(self, "_weekdays", weekday_of(self.first_day, self.values.shape[0]))

    @property
    def n_days(self) -> int:
        return int(self.values.shape[0])

    @property
    def per_day(self) -> int:
        """Intervals per day."""
        return int(self.values.shape[1])

    @property
    def weekdays(self) -> IntArray:
        """Weekday (Monday = 0) of every row."""
        return self._weekdays

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.n_days - 1)

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=index)

    def usable(self) -> BoolArray:
        """Days that can teach a model: NORMAL, at least one open interval, and no missing open interval."""
        has_open = self.open.any(axis=1)
        complete = ~np.any(self.open & np.isnan(self.values), axis=1)
        out: BoolArray = (self.kinds == DayKind.NORMAL) & has_open & complete
        return out

    def head(self, n_days: int) -> DayGrid:
        """The first ``n_days`` days (the history up to a backtest origin)."""
        return DayGrid(
            first_day=self.first_day,
            interval_minutes=self.interval_minutes,
            values=self.values[:n_days],
            open=self.open[:n_days],
            kinds=self.kinds[:n_days],
            aht=None if self.aht is None else self.aht[:n_days],
        )

    def window(self, start: int, stop: int) -> DayGrid:
        """Days ``start`` to ``stop - 1`` (the actuals of a backtest fold)."""
        return DayGrid(
            first_day=self.day(start),
            interval_minutes=self.interval_minutes,
            values=self.values[start:stop],
            open=self.open[start:stop],
            kinds=self.kinds[start:stop],
            aht=None if self.aht is None else self.aht[start:stop],
        )

    def day_totals(self) -> FloatArray:
        """Contacts per day over the open intervals (NaN where an open interval is missing)."""
        v = np.where(self.open, self.values, 0.0)
        out: FloatArray = v.sum(axis=1)
        return out
