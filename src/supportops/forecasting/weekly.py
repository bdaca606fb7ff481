"""Week-level forecasts 3 to 12 months ahead, for capacity planning.

Weekly totals (Monday-started weeks of the history, holidays and irregular days replaced by their weekday's
recent normal level so a short week does not read as a dip) are forecast by statsforecast AutoETS without a
season (ETS seasons stop at 24). With at least two years of weeks, a multiplicative week-of-year index,
estimated against a centred 2×52-week moving average and averaged over the years, is taken out before the fit
and put back after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from supportops.errors import InputError
from supportops.forecasting.grid import DayGrid, FloatArray

__all__ = ["WeeklyForecast", "forecast_weeks", "weekly_totals"]

YEAR_WEEKS = 52


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyForecast:
    """Contacts per week from ``first_week`` (a Monday) on; ``yearly`` says whether a yearly index was used."""

    first_week: date
    contacts: FloatArray
    history: FloatArray
    yearly: bool


def weekly_totals(grid: DayGrid) -> tuple[date, FloatArray]:
    """(first Monday, contacts of every whole Monday-started week of the grid).

    A day that is not NORMAL or misses an open interval counts at the mean of its weekday's last 4 usable days,
    so holidays and gaps do not read as dips in the weekly level.
    """
    start = (7 - grid.first_day.weekday()) % 7
    n_weeks = (grid.n_days - start) // 7
    if n_weeks < 1:
        raise InputError(f"history: {grid.n_days} days hold no whole Monday-to-Sunday week")
    totals = grid.day_totals()
    usable = grid.usable()
    has_open = grid.open.any(axis=1)
    days = np.where(usable, totals, 0.0)
    for i in np.flatnonzero(has_open & ~usable):
        same = np.flatnonzero(usable[:i] & (grid.weekdays[:i] == grid.weekdays[i]))[-4:]
        if same.size == 0:
            same = np.flatnonzero(usable & (grid.weekdays == grid.weekdays[i]))[:4]
        days[i] = float(totals[same].mean()) if same.size else 0.0
    weeks: FloatArray = days[start : start + 7 * n_weeks].reshape(n_weeks, 7).sum(axis=1)
    return grid.first_day + timedelta(days=start), weeks


def _yearly_index(y: FloatArray) -> FloatArray:
    """Multiplicative week-of-year index (52 values, mean 1) against a centred 2×52-week moving average."""
    kernel = np.ones(YEAR_WEEKS + 1)
    kernel[[0, -1]] = 0.5
    kernel /= YEAR_WEEKS
    half = YEAR_WEEKS // 2
    trend = np.convolve(y, kernel, mode="same")
    ratio = np.full(y.shape, np.nan)
    ratio[half:-half] = y[half:-half] / trend[half:-half]
    idx = np.array(
        [
            np.nanmean(ratio[w::YEAR_WEEKS]) if np.isfinite(ratio[w::YEAR_WEEKS]).any() else 1.0
            for w in range(YEAR_WEEKS)
        ]
    )
    out: FloatArray = idx / idx.mean()
    return out


def forecast_weeks(grid: DayGrid, weeks: int) -> WeeklyForecast:
    """Contacts per week for the ``weeks`` whole weeks after the last whole week of the history."""
    from statsforecast.models import AutoETS

    if not 1 <= weeks <= 104:
        raise InputError(f"weeks: {weeks} is outside 1 to 104")
    first, y = weekly_totals(grid)
    if y.size < 8:
        raise InputError(f"history: {y.size} whole weeks are too few for a week-level forecast (need 8)")
    yearly = y.size >= 2 * YEAR_WEEKS
    pos = np.arange(y.size + weeks) % YEAR_WEEKS
    index = _yearly_index(y) if yearly else np.ones(YEAR_WEEKS)
    z = y / index[pos[: y.size]]
    fc = np.asarray(AutoETS(season_length=1, damped=True).forecast(y=z, h=weeks)["mean"], dtype=np.float64)
    out = np.clip(fc * index[pos[y.size :]], 0.0, None)
    return WeeklyForecast(first_week=first + timedelta(days=7 * y.size), contacts=out, history=y, yearly=yearly)
