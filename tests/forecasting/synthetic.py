"""A synthetic interval series with known weekly and intraday seasonality, for the forecasting tests."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from supportops.forecasting import DayGrid, DayKind

FIRST = date(2024, 1, 1)  # a Monday
WEEK = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.5, 0.0])  # Sunday closed
HOURS = np.arange(24)
SHAPE = np.where((HOURS >= 8) & (HOURS < 20), np.exp(-0.5 * ((HOURS - 11.5) / 3.0) ** 2) + 0.3, 0.0)
SHAPE = SHAPE / SHAPE.sum()
LEVEL = 2000.0
HOLIDAY_FACTOR = 0.3


def truth(n_days: int, first: date = FIRST) -> np.ndarray:
    """Expected contacts per hour (days × 24) of a normal day."""
    wd = (first.weekday() + np.arange(n_days)) % 7
    return LEVEL * WEEK[wd][:, None] * SHAPE[None, :]


def series(weeks: int = 16, *, seed: int = 7, holidays: tuple[date, ...] = ()) -> DayGrid:
    """Poisson counts per hour; holidays carry ``HOLIDAY_FACTOR`` of a normal day's volume."""
    rng = np.random.default_rng(seed)
    n = weeks * 7
    lam = truth(n)
    kinds = np.zeros(n, dtype=np.int8)
    for d in holidays:
        i = (d - FIRST).days
        lam[i] *= HOLIDAY_FACTOR
        kinds[i] = DayKind.HOLIDAY
    open_ = truth(n) > 0
    values = np.where(open_, rng.poisson(lam).astype(np.float64), np.nan)
    return DayGrid(first_day=FIRST, interval_minutes=60, values=values, open=open_, kinds=kinds)


def day(i: int) -> date:
    return FIRST + timedelta(days=i)
