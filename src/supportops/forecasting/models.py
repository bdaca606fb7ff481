"""Interval forecast models over a :class:`DayGrid`: the industry baselines and day-level statistical models.

Every model answers one question: given the history up to an origin, what would each interval of the next
``H`` days carry on a normal open day? Holidays, closed dates and events are applied afterwards
(:func:`supportops.forecasting.forecast.apply_calendar`), so models only ever learn from and predict normal days.

- ``seasonal_naive``: the same interval on the last normal same weekday (last week).
- ``week_avg_8``: mean of the same weekday-interval over the last 8 normal same weekdays (the industry default).
- ``weekday_mean_4``: mean of the last 4 normal same weekdays.
- ``weighted_index``: day level from a linearly weighted mean of the last 6 same-weekday totals (newest heaviest)
  times the weekday's intraday profile.
- ``ets``, ``theta``: daily totals of the regular open weekdays forecast by statsforecast AutoETS / AutoTheta
  (season = open weekdays per week), spread over the day by the weekday's intraday profile.
- ``ensemble``: on the first open day the mean of the ``ets`` and ``theta`` day levels; on later days half of
  that and half the mean of the last 4 same-weekday totals; spread by the same profile.

Intraday profiles are the weekday's own shape over its last 8 normal days, shrunk 30% towards the shape of the
last 20 normal days of any weekday.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from supportops.errors import InputError
from supportops.forecasting.grid import BoolArray, DayGrid, FloatArray, IntArray

__all__ = ["BASELINES", "MODELS", "forecast_aht", "forecast_models", "intraday_profile"]

BASELINES = ("seasonal_naive", "week_avg_8", "weekday_mean_4")
STATISTICAL = ("ets", "theta", "ensemble")
MODELS = (*BASELINES, "weighted_index", *STATISTICAL)

PROFILE_DAYS = 8
"""Same-weekday days averaged into an intraday profile."""
POOL_WEIGHT = 0.3
"""Weight of the all-weekday shape in an intraday profile."""
FIT_DAYS = 260
"""At most this many regular open days (about a year) feed the day-level fit."""


def _same_weekday(history: DayGrid, weekday: int, n: int) -> IntArray:
    """Row indices of the last ``n`` usable days with this weekday, newest last."""
    usable = history.usable() & (history.weekdays == weekday)
    idx = np.flatnonzero(usable)
    out: IntArray = idx[-n:]
    return out


def _mean_of_last(history: DayGrid, weekdays: IntArray, n: int) -> FloatArray:
    out = np.zeros((weekdays.shape[0], history.per_day))
    cache: dict[int, FloatArray] = {}
    for h, wd in enumerate(weekdays.tolist()):
        if wd not in cache:
            idx = _same_weekday(history, wd, n)
            if idx.size == 0:
                cache[wd] = np.zeros(history.per_day)
            else:
                cache[wd] = np.where(history.open[idx], history.values[idx], 0.0).mean(axis=0)
        out[h] = cache[wd]
    return out


def intraday_profile(
    history: DayGrid, weekday: int, n: int = PROFILE_DAYS, *, pool_weight: float = POOL_WEIGHT, pool_days: int = 20
) -> FloatArray:
    """Share of the day's contacts in each interval on this weekday (sums to 1; zeros when no history).

    The weekday's own shape is the ratio of summed volumes over its last ``n`` usable days (busy days weigh
    more, steadier than averaging shares). It is shrunk by ``pool_weight`` towards the mean shape of the last
    ``pool_days`` usable days of any weekday (restricted to this weekday's open intervals), which cuts the
    Poisson noise of a profile learnt from only eight days.
    """
    idx = _same_weekday(history, weekday, n)
    if idx.size == 0:
        return np.zeros(history.per_day)
    v = np.where(history.open[idx], history.values[idx], 0.0).sum(axis=0)
    total = float(v.sum())
    if total <= 0:
        return np.zeros(history.per_day)
    own: FloatArray = v / total
    if pool_weight <= 0:
        return own
    pool = np.flatnonzero(history.usable())[-pool_days:]
    pv = np.where(history.open[pool], history.values[pool], 0.0)
    day_sum = pv.sum(axis=1, keepdims=True)
    shares = np.divide(pv, day_sum, out=np.zeros_like(pv), where=day_sum > 0).mean(axis=0)
    shares = np.where(own > 0, shares, 0.0)
    if shares.sum() <= 0:
        return own
    out: FloatArray = (1 - pool_weight) * own + pool_weight * shares / shares.sum()
    return out


def _regular_weekdays(history: DayGrid) -> list[int]:
    """Weekdays open on most of the last eight weeks: the cycle of the day-level series."""
    recent = history.head(history.n_days).window(max(0, history.n_days - 56), history.n_days)
    has_open: BoolArray = np.asarray(recent.open.any(axis=1), dtype=np.bool_)
    out = []
    for wd in range(7):
        sel = recent.weekdays == wd
        if sel.any() and float(np.mean(has_open[sel])) >= 0.5:
            out.append(wd)
    return out


def _daily_series(history: DayGrid, regular: list[int]) -> FloatArray:
    """Totals of the regular open weekdays in order; non-usable days take the mean of nearby same weekdays.

    The stand-ins only keep the weekly cycle in phase for the fit: they are never reported as history.
    """
    rows = np.flatnonzero(np.isin(history.weekdays, regular))
    totals = history.day_totals()
    usable = history.usable()
    y = totals[rows].astype(np.float64)
    ok = usable[rows]
    if not ok.any():
        raise InputError("history: no normal open day to fit the day level on")
    wd = history.weekdays[rows]
    for i in np.flatnonzero(~ok):
        same = np.flatnonzero(ok & (wd == wd[i]))
        before = same[same < i][-4:]
        near = before if before.size else same[same > i][:4]
        y[i] = float(y[near].mean()) if near.size else float(y[ok].mean())
    out: FloatArray = y[-FIT_DAYS:]
    return out


def _stat_levels(history: DayGrid, weekdays: IntArray, names: tuple[str, ...]) -> dict[str, FloatArray]:
    """Day totals of the future days by each statistical day-level model (statsforecast, imported lazily)."""
    from statsforecast.models import AutoETS, AutoTheta

    regular = _regular_weekdays(history)
    y = _daily_series(history, regular)
    season = max(len(regular), 1)
    future = np.flatnonzero(np.isin(weekdays, regular))
    fallback = _mean_of_last(history, weekdays, 4).sum(axis=1)
    factories: dict[str, Callable[[], AutoETS | AutoTheta]] = {
        "ets": lambda: AutoETS(season_length=season),
        "theta": lambda: AutoTheta(season_length=season),
    }
    levels: dict[str, FloatArray] = {}
    for name in names:
        out = fallback.copy()
        if future.size:
            if y.size < 2 * season + 2:
                raise InputError(f"history: {y.size} open days are too few for the {name} day-level model")
            fc = factories[name]().forecast(y=y, h=int(future.size))["mean"]
            out[future] = np.clip(np.asarray(fc, dtype=np.float64), 0.0, None)
        levels[name] = out
    return levels


def _spread(history: DayGrid, weekdays: IntArray, levels: FloatArray) -> FloatArray:
    profiles = {wd: intraday_profile(history, wd) for wd in set(weekdays.tolist())}
    out: FloatArray = np.stack([levels[h] * profiles[wd] for h, wd in enumerate(weekdays.tolist())])
    return out


def _weighted_level(history: DayGrid, weekdays: IntArray) -> FloatArray:
    totals = history.day_totals()
    out = np.zeros(weekdays.shape[0])
    for h, wd in enumerate(weekdays.tolist()):
        idx = _same_weekday(history, wd, 6)
        if idx.size:
            w = np.arange(1, idx.size + 1, dtype=np.float64)
            out[h] = float((totals[idx] * w).sum() / w.sum())
    return out


def _ensemble_level(history: DayGrid, weekdays: IntArray, levels: dict[str, FloatArray]) -> FloatArray:
    """The first open day: mean of the ETS and Theta levels; later days: half that, half the mean of the last
    4 same-weekday totals (statistical models win a day or two ahead, the historical average after)."""
    stat = np.mean([levels["ets"], levels["theta"]], axis=0)
    recent = _mean_of_last(history, weekdays, 4).sum(axis=1)
    first_open = np.flatnonzero(recent > 0)
    weight = np.full(weekdays.shape[0], 0.5)
    if first_open.size:
        weight[first_open[0]] = 1.0
    out: FloatArray = weight * stat + (1 - weight) * recent
    return out


def forecast_models(history: DayGrid, weekdays: IntArray, names: tuple[str, ...] = MODELS) -> dict[str, FloatArray]:
    """Normal-day forecasts (days × intervals, contacts per interval) of the named models for future weekdays.

    ``weekdays`` gives the weekday (Monday = 0) of each future day in order, the first being the day after the
    history ends. Closed intervals are not masked here; :func:`apply_calendar` does that.
    """
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise InputError(f"model: {', '.join(unknown)} not known; models are {', '.join(MODELS)}")
    out: dict[str, FloatArray] = {}
    simple = {"seasonal_naive": 1, "week_avg_8": 8, "weekday_mean_4": 4}
    for name, n in simple.items():
        if name in names:
            out[name] = _mean_of_last(history, weekdays, n)
    if "weighted_index" in names:
        out["weighted_index"] = _spread(history, weekdays, _weighted_level(history, weekdays))
    wanted = tuple(n for n in ("ets", "theta") if n in names or "ensemble" in names)
    if wanted:
        levels = _stat_levels(history, weekdays, wanted)
        for name in wanted:
            if name in names:
                out[name] = _spread(history, weekdays, levels[name])
        if "ensemble" in names:
            out["ensemble"] = _spread(history, weekdays, _ensemble_level(history, weekdays, levels))
    return {n: out[n] for n in names}


def forecast_aht(history: DayGrid, weekdays: IntArray, n: int = PROFILE_DAYS) -> FloatArray:
    """Handle time per interval (seconds): the contact-weighted mean AHT of the last ``n`` usable same weekdays.

    Intervals without any handled contact in those days fall back to the weekday's overall mean; NaN when the
    history carries no AHT at all.
    """
    out = np.full((weekdays.shape[0], history.per_day), np.nan)
    if history.aht is None:
        return out
    for h, wd in enumerate(weekdays.tolist()):
        idx = _same_weekday(history, wd, n)
        if idx.size == 0:
            continue
        a = history.aht[idx]
        w = np.where(history.open[idx] & ~np.isnan(a), np.nan_to_num(history.values[idx]), 0.0)
        num = (np.nan_to_num(a) * w).sum(axis=0)
        den = w.sum(axis=0)
        overall = float(num.sum() / den.sum()) if den.sum() > 0 else np.nan
        out[h] = np.where(den > 0, num / np.where(den > 0, den, 1.0), overall)
    return out
