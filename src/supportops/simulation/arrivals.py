"""Arrivals and the random draws of a contact: time-varying Poisson counts, handle times, patience.

Times are seconds from the simulation origin (local midnight of the first day, as a UTC instant).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from supportops.simulation.scenario import Patience, QueueSpec

__all__ = [
    "Calendar",
    "draw_handle",
    "draw_patience",
    "intraday_shape",
    "lognormal",
    "poisson_arrivals",
]

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class Calendar:
    """Local days of the run: ``day_base[d]`` is the UTC offset (seconds from the origin) of day ``d``'s local
    midnight, taken from the offset at local noon so business hours are exact on DST change days."""

    origin: datetime
    weekday: NDArray[np.int64]
    day_base: F64

    @classmethod
    def build(cls, start: date, days: int, time_zone: str) -> Calendar:
        zone = ZoneInfo(time_zone)
        origin = datetime(start.year, start.month, start.day, tzinfo=zone).astimezone(UTC)
        bases, weekdays = [], []
        for d in range(days):
            day = start + timedelta(days=d)
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone).astimezone(UTC)
            bases.append((noon - origin).total_seconds() - 12 * 3600)
            weekdays.append(day.weekday())
        return cls(origin=origin, weekday=np.array(weekdays, dtype=np.int64), day_base=np.array(bases))


def intraday_shape(q: QueueSpec, interval_minutes: int) -> F64:
    """Relative arrival rate of each open interval, summing to 1.

    Without an explicit ``intraday`` list: voice and chat peak near 10:30 and 14:30 (local); email and bots
    follow the same shape on a higher floor (customers write at any hour).
    """
    lo, hi = q.open_minutes
    starts = np.arange(lo, hi, interval_minutes, dtype=np.float64)
    if q.intraday is not None:
        w = np.asarray(q.intraday, dtype=np.float64)
        if w.shape[0] != starts.shape[0] or (w < 0).any() or w.sum() <= 0:
            raise ValueError(
                f"queue {q.id!r}: intraday needs {starts.shape[0]} weights >= 0 (one per open interval), "
                f"got {w.shape[0]}"
            )
        return np.asarray(w / w.sum(), dtype=np.float64)
    hours = (starts + interval_minutes / 2) / 60
    shape = 0.15 + np.exp(-0.5 * ((hours - 10.5) / 1.6) ** 2) + 0.8 * np.exp(-0.5 * ((hours - 14.5) / 2.0) ** 2)
    if q.channel in ("email", "bot"):
        shape = shape + 0.3
    return np.asarray(shape / shape.sum(), dtype=np.float64)


def poisson_arrivals(rng: np.random.Generator, q: QueueSpec, cal: Calendar, interval_minutes: int) -> F64:
    """Sorted arrival times (seconds) of a queue over the run.

    Each open interval's rate is daily volume × weekday factor × intraday share, times (1 + weekly growth) per
    week since the start; with ``dispersion`` k > 0 the
    rate is multiplied by a Gamma(k, 1/k) factor per interval (gamma-Poisson: variance λ + λ²/k), so
    forecasts cannot be exact. Counts are Poisson; times are uniform within the interval.
    """
    if q.daily_volume <= 0:
        return np.empty(0)
    shape = intraday_shape(q, interval_minutes)
    lo, _hi = q.open_minutes
    wf = np.asarray(q.weekday_factors, dtype=np.float64)[cal.weekday]
    growth = (1.0 + q.weekly_growth) ** (np.arange(wf.shape[0]) // 7)
    rates = q.daily_volume * (wf * growth)[:, None] * shape[None, :]
    if q.dispersion > 0:
        rates = rates * rng.gamma(q.dispersion, 1.0 / q.dispersion, size=rates.shape)
    counts = rng.poisson(rates).ravel()
    slot_start = cal.day_base[:, None] + (lo + interval_minutes * np.arange(shape.shape[0]))[None, :] * 60.0
    base = np.repeat(slot_start.ravel(), counts)
    times = base + rng.uniform(0.0, interval_minutes * 60.0, base.shape[0])
    times.sort()
    return times


def lognormal(rng: np.random.Generator, mean: float, cv: float, size: int) -> F64:
    """Lognormal draws with the given mean (seconds) and coefficient of variation; zeros when mean is 0."""
    if mean <= 0:
        return np.zeros(size)
    if cv <= 0:
        return np.full(size, mean)
    sigma2 = np.log1p(cv * cv)
    return rng.lognormal(np.log(mean) - sigma2 / 2.0, np.sqrt(sigma2), size)


def draw_handle(rng: np.random.Generator, q: QueueSpec, size: int) -> tuple[F64, F64, F64]:
    """Talk, hold and after-contact work (seconds) for ``size`` contacts of queue ``q``.

    ``service = "exponential"`` draws talk as exponential with mean ``talk_s`` (the Erlang assumption).
    Hold happens on a ``hold_share`` of contacts.
    """
    if q.service == "exponential":
        talk = rng.exponential(q.talk_s, size) if q.talk_s > 0 else np.zeros(size)
    else:
        talk = lognormal(rng, q.talk_s, q.talk_cv, size)
    hold = lognormal(rng, q.hold_s, q.hold_cv, size) * (rng.random(size) < q.hold_share)
    acw = lognormal(rng, q.acw_s, q.acw_cv, size)
    return talk, hold, acw


def draw_patience(rng: np.random.Generator, p: Patience | None, size: int) -> F64:
    """Patience in seconds (``inf`` when the queue has no abandonment)."""
    if p is None:
        return np.full(size, np.inf)
    if p.distribution == "exponential":
        return rng.exponential(p.mean_s, size)
    if p.distribution == "lognormal":
        return lognormal(rng, p.mean_s, p.cv, size)
    from scipy.special import gamma

    scale = p.mean_s / float(gamma(1.0 + 1.0 / p.shape))
    return scale * rng.weibull(p.shape, size)
