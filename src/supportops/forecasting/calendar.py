"""The forecast calendar: public holidays, closed dates, irregular days and known events as day flags and lifts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from supportops.errors import InputError
from supportops.forecasting.grid import DayKind, FloatArray

__all__ = ["Event", "day_kinds", "event_lifts", "public_holidays"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A known event (campaign, outage, launch) that multiplies volume on its dates by ``lift`` (1.3 = +30%)."""

    name: str
    start: date
    end: date
    lift: float

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InputError(f"event {self.name!r}: end {self.end} is before start {self.start}")
        if not self.lift >= 0.0:
            raise InputError(f"event {self.name!r}: lift {self.lift} must be a non-negative factor")


def public_holidays(
    country: str | None,
    first_day: date,
    last_day: date,
    *,
    subdiv: str | None = None,
    categories: tuple[str, ...] = ("public",),
) -> set[date]:
    """Holidays of ``country`` (ISO code, as the ``holidays`` package knows it) between two dates.

    ``categories`` are the package's holiday categories (``public`` by default; e.g. ``optional`` adds days
    such as Israel's Remembrance Day that many businesses observe).
    """
    if not country:
        return set()
    import holidays

    try:
        cal = holidays.country_holidays(
            country, subdiv=subdiv, years=range(first_day.year, last_day.year + 1), categories=categories
        )
    except NotImplementedError as exc:
        raise InputError(f"holidays: country {country!r} is not known to the holidays package") from exc
    return {d for d in cal if first_day <= d <= last_day}


def day_kinds(
    first_day: date,
    n_days: int,
    *,
    holidays: Iterable[date] = (),
    closed: Iterable[date] = (),
    irregular: Iterable[date] = (),
) -> npt.NDArray[np.int8]:
    """The :class:`DayKind` of each of ``n_days`` days; closed beats irregular beats holiday."""
    kinds = np.full(n_days, DayKind.NORMAL, dtype=np.int8)
    for kind, days in ((DayKind.HOLIDAY, holidays), (DayKind.IRREGULAR, irregular), (DayKind.CLOSED, closed)):
        for d in days:
            i = (d - first_day).days
            if 0 <= i < n_days:
                kinds[i] = kind
    return kinds


def event_lifts(first_day: date, n_days: int, events: Iterable[Event]) -> FloatArray:
    """Multiplicative lift per day (1.0 where no event; overlapping events multiply)."""
    lifts = np.ones(n_days, dtype=np.float64)
    for ev in events:
        d = ev.start
        while d <= ev.end:
            i = (d - first_day).days
            if 0 <= i < n_days:
                lifts[i] *= ev.lift
            d += timedelta(days=1)
    return lifts
