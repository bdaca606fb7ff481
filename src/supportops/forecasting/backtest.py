"""Rolling-origin backtest: refit at each origin, forecast the next day or week, score over open intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supportops.errors import InputError
from supportops.forecasting.forecast import apply_calendar, holiday_factor
from supportops.forecasting.grid import DayGrid, DayKind, FloatArray
from supportops.forecasting.models import MODELS, forecast_models

__all__ = ["BacktestResult", "backtest", "wape"]

MIN_HISTORY_DAYS = 56
"""Eight weeks: what the longest baseline (week_avg_8) needs."""


def wape(forecast: FloatArray, actual: FloatArray) -> float:
    """Weighted absolute percentage error as a fraction: Σ|F − A| / ΣA."""
    total = float(actual.sum())
    if total <= 0:
        raise InputError("wape: actual volume is zero over the scored intervals")
    return float(np.abs(forecast - actual).sum() / total)


@dataclass(frozen=True, slots=True, kw_only=True)
class BacktestResult:
    """Accuracy per model over all folds (fractions): interval WAPE, day-total WAPE and bias Σ(F − A)/ΣA.

    ``chosen`` is the model with the lowest interval WAPE; ``folds`` the origins scored; ``intervals`` how many
    open intervals were scored per model.
    """

    chosen: str
    horizon_days: int
    folds: int
    intervals: int
    wape: dict[str, float]
    wape_day: dict[str, float]
    bias: dict[str, float]


def _origins(grid: DayGrid, horizon_days: int, folds: int) -> list[int]:
    """Origins (number of history days) for the last ``folds`` windows whose days can be scored."""
    scorable = grid.open.any(axis=1) & (grid.kinds != DayKind.IRREGULAR) & (grid.kinds != DayKind.CLOSED)
    origins: list[int] = []
    if horizon_days == 1:
        for d in np.flatnonzero(scorable)[::-1].tolist():
            if len(origins) == folds or d < MIN_HISTORY_DAYS:
                break
            origins.append(d)
    else:
        o = grid.n_days - horizon_days
        while len(origins) < folds and o >= MIN_HISTORY_DAYS:
            if scorable[o : o + horizon_days].any():
                origins.append(o)
            o -= horizon_days
    if not origins:
        raise InputError(
            f"backtest: {grid.n_days} days of history leave no fold of {horizon_days} day(s) "
            f"after the {MIN_HISTORY_DAYS} days the baselines need"
        )
    return origins[::-1]


def backtest(
    grid: DayGrid, *, horizon_days: int, folds: int, models: tuple[str, ...] = MODELS, factor: float | None = None
) -> BacktestResult:
    """Refit every model at each of the last ``folds`` origins and score the next ``horizon_days`` days.

    Only open intervals of days that are not irregular or closed are scored; holidays are scored with the
    holiday factor estimated from the history before the origin (or ``factor``).
    """
    if horizon_days < 1 or folds < 1:
        raise InputError(f"backtest: horizon {horizon_days} days and {folds} folds must both be at least 1")
    origins = _origins(grid, horizon_days, folds)
    abs_err = dict.fromkeys(models, 0.0)
    signed = dict.fromkeys(models, 0.0)
    day_err = dict.fromkeys(models, 0.0)
    actual_sum = 0.0
    scored = 0
    for o in origins:
        history = grid.head(o)
        target = grid.window(o, min(o + horizon_days, grid.n_days))
        keep = (target.kinds != DayKind.IRREGULAR) & (target.kinds != DayKind.CLOSED)
        mask = target.open & keep[:, None]
        actual = np.where(mask, np.nan_to_num(target.values), 0.0)
        hf = holiday_factor(history) if factor is None else factor
        lifts = np.ones(target.n_days)
        fcs = forecast_models(history, target.weekdays, models)
        for name, normal in fcs.items():
            f = np.where(mask, apply_calendar(normal, target.open, target.kinds, lifts, hf), 0.0)
            abs_err[name] += float(np.abs(f - actual).sum())
            signed[name] += float((f - actual).sum())
            day_err[name] += float(np.abs(f.sum(axis=1) - actual.sum(axis=1)).sum())
        actual_sum += float(actual.sum())
        scored += int(mask.sum())
    if actual_sum <= 0:
        raise InputError("backtest: the scored intervals carry no contacts")
    w = {m: abs_err[m] / actual_sum for m in models}
    return BacktestResult(
        chosen=min(models, key=lambda m: w[m]),
        horizon_days=horizon_days,
        folds=len(origins),
        intervals=scored,
        wape=w,
        wape_day={m: day_err[m] / actual_sum for m in models},
        bias={m: signed[m] / actual_sum for m in models},
    )
