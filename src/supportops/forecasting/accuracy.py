"""Accuracy of a published forecast against what happened: WAPE and bias per interval, day and week."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supportops.errors import InputError
from supportops.forecasting.grid import BoolArray, FloatArray

__all__ = ["Accuracy", "accuracy"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Accuracy:
    """WAPE (fractions) of a forecast at three grains and its bias Σ(F − A)/ΣA, over the scored intervals.

    ``wape_interval`` sums |F − A| over intervals, ``wape_day`` over day totals and ``wape_week`` over totals of
    consecutive 7-day blocks from the first day. ``within_interval`` and ``within_week`` say whether the
    interval and week WAPE meet the targets given.
    """

    intervals: int
    days: int
    actual: float
    forecast: float
    wape_interval: float
    wape_day: float
    wape_week: float
    bias: float
    target_interval: float
    target_week: float
    within_interval: bool
    within_week: bool


def accuracy(
    forecast: FloatArray,
    actual: FloatArray,
    scored: BoolArray,
    *,
    target_interval: float = 0.10,
    target_week: float = 0.05,
) -> Accuracy:
    """Score ``forecast`` against ``actual`` (days × intervals, contacts) over the ``scored`` intervals.

    Intervals not scored (closed, or no actual known) count in no sum; NaN inside a scored interval is an error.
    """
    if not (forecast.shape == actual.shape == scored.shape) or forecast.ndim != 2:
        raise InputError(f"accuracy: shapes differ ({forecast.shape}, {actual.shape}, {scored.shape})")
    f = np.where(scored, forecast, 0.0)
    a = np.where(scored, actual, 0.0)
    if np.isnan(f).any() or np.isnan(a).any():
        raise InputError("accuracy: a scored interval has no forecast or no actual")
    total = float(a.sum())
    if total <= 0:
        raise InputError("accuracy: the scored intervals carry no actual contacts")
    days = f.shape[0]
    fd, ad = f.sum(axis=1), a.sum(axis=1)
    weeks = np.arange(days) // 7
    fw = np.bincount(weeks, weights=fd)
    aw = np.bincount(weeks, weights=ad)
    w_int = float(np.abs(f - a).sum() / total)
    w_week = float(np.abs(fw - aw).sum() / total)
    return Accuracy(
        intervals=int(scored.sum()),
        days=int(scored.any(axis=1).sum()),
        actual=total,
        forecast=float(f.sum()),
        wape_interval=w_int,
        wape_day=float(np.abs(fd - ad).sum() / total),
        wape_week=w_week,
        bias=float((f.sum() - total) / total),
        target_interval=target_interval,
        target_week=target_week,
        within_interval=w_int <= target_interval,
        within_week=w_week <= target_week,
    )
