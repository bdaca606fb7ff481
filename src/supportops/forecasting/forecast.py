"""Publishable forecasts: model output masked to opening hours, holidays, closed dates and events applied."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from supportops.errors import InputError
from supportops.forecasting.calendar import Event, event_lifts
from supportops.forecasting.grid import BoolArray, DayGrid, DayKind, FloatArray, weekday_of
from supportops.forecasting.models import MODELS, forecast_aht, forecast_models

__all__ = ["Forecast", "apply_calendar", "forecast", "holiday_factor"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Forecast:
    """A forecast of ``volume`` (contacts per interval) and ``aht`` (seconds, NaN when unknown), days × intervals.

    Closed intervals hold 0 volume and NaN AHT. ``kinds`` flags holidays and closed dates; ``lifts`` is the event
    factor applied per day.
    """

    model: str
    first_day: date
    interval_minutes: int
    volume: FloatArray
    aht: FloatArray
    open: BoolArray
    kinds: npt.NDArray[np.int8]
    lifts: FloatArray
    holiday_factor: float

    def rows(self) -> list[tuple[str, str, float, float | None]]:
        """(date, interval start HH:MM, contacts, AHT seconds) for every open interval."""
        out: list[tuple[str, str, float, float | None]] = []
        for d in range(self.volume.shape[0]):
            day = (self.first_day + timedelta(days=d)).isoformat()
            for k in np.flatnonzero(self.open[d]).tolist():
                m = k * self.interval_minutes
                a = float(self.aht[d, k])
                out.append((day, f"{m // 60:02d}:{m % 60:02d}", float(self.volume[d, k]), None if np.isnan(a) else a))
        return out


def holiday_factor(history: DayGrid, default: float = 1.0) -> float:
    """Median ratio of a holiday's volume to the mean of the 4 normal same weekdays before it.

    Only holidays with opening hours and complete data count; ``default`` when history has none.
    """
    totals = history.day_totals()
    usable = history.usable()
    ratios = []
    for i in np.flatnonzero(history.kinds == DayKind.HOLIDAY):
        if not history.open[i].any() or np.isnan(totals[i]):
            continue
        prior = np.flatnonzero(usable[:i] & (history.weekdays[:i] == history.weekdays[i]))[-4:]
        if prior.size and totals[prior].mean() > 0:
            ratios.append(totals[i] / totals[prior].mean())
    return float(np.median(ratios)) if ratios else default


def apply_calendar(
    normal: FloatArray, open_: BoolArray, kinds: npt.NDArray[np.int8], lifts: FloatArray, factor: float
) -> FloatArray:
    """Turn normal-day forecasts into published ones: 0 outside opening hours and on closed dates, holidays
    scaled by ``factor``, event days multiplied by their lift."""
    day_scale = np.where(kinds == DayKind.HOLIDAY, factor, 1.0) * lifts
    day_scale = np.where(kinds == DayKind.CLOSED, 0.0, day_scale)
    out: FloatArray = np.where(open_, normal * day_scale[:, None], 0.0)
    return out


def forecast(
    history: DayGrid,
    *,
    model: str,
    open_: BoolArray,
    kinds: npt.NDArray[np.int8],
    events: Iterable[Event] = (),
    factor: float | None = None,
) -> Forecast:
    """Forecast the days after the history: ``open_`` (days × intervals) and ``kinds`` describe those days.

    ``factor`` is the holiday volume factor (estimated from past holidays when None).
    """
    if model not in MODELS:
        raise InputError(f"model: {model!r} is not known; models are {', '.join(MODELS)}")
    n = open_.shape[0]
    if kinds.shape != (n,) or open_.shape[1] != history.per_day:
        raise InputError(f"forecast: open mask {open_.shape} and kinds {kinds.shape} do not match the history")
    first = history.last_day + timedelta(days=1)
    weekdays = weekday_of(first, n)
    open_ = open_ & (kinds != DayKind.CLOSED)[:, None]
    lifts = event_lifts(first, n, events)
    hf = holiday_factor(history) if factor is None else factor
    normal = forecast_models(history, weekdays, (model,))[model]
    aht = np.where(open_, forecast_aht(history, weekdays), np.nan)
    return Forecast(
        model=model,
        first_day=first,
        interval_minutes=history.interval_minutes,
        volume=apply_calendar(normal, open_, kinds, lifts, hf),
        aht=aht,
        open=open_,
        kinds=kinds,
        lifts=lifts,
        holiday_factor=hf,
    )
