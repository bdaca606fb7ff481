"""Estimates a replay needs from a call log: patience from abandoned calls, agents on duty from service records.

Patience is observed only for callers who hang up; a served caller's patience is known only to exceed the
wait (right-censored). Both estimators below use the censored observations properly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from supportops.errors import InputError

__all__ = ["PatienceEstimate", "exponential_patience_mle", "kaplan_meier_patience", "on_duty_from_services"]

F64 = NDArray[np.float64]


def exponential_patience_mle(waits: ArrayLike, abandoned: ArrayLike) -> float:
    """Mean patience (seconds) of exponential patience by maximum likelihood with censoring.

    ``waits``: time each queued caller waited (until hanging up, or until answered); ``abandoned``: whether
    the caller hung up. The estimate is total waiting time over the number of abandons.
    """
    w = np.asarray(waits, dtype=np.float64)
    ab = np.asarray(abandoned, dtype=bool)
    if w.shape != ab.shape or (w < 0).any():
        raise InputError("waits and abandoned must have the same shape, waits >= 0")
    k = int(ab.sum())
    if k == 0:
        return float("inf")
    return float(w.sum() / k)


@dataclass(frozen=True, slots=True, kw_only=True)
class PatienceEstimate:
    """Kaplan–Meier survival of patience: ``survival[i]`` = P(patience > ``times[i]``) (seconds).

    Beyond the last observed abandon the tail is exponential with ``tail_mean`` seconds (the censored MLE).
    """

    times: F64
    survival: F64
    tail_mean: float

    def sample(self, rng: np.random.Generator, size: int) -> F64:
        """Draws from the estimated patience distribution (inverse transform on the step function)."""
        u = rng.random(size)
        if self.times.shape[0] == 0:
            return rng.exponential(self.tail_mean, size) if np.isfinite(self.tail_mean) else np.full(size, np.inf)
        # S is non-increasing; the first time where S <= u is the draw
        idx = np.searchsorted(-self.survival, -u, side="left")
        out = np.empty(size)
        inside = idx < self.times.shape[0]
        out[inside] = self.times[idx[inside]]
        beyond = ~inside
        tail = self.tail_mean if np.isfinite(self.tail_mean) else 1e12
        out[beyond] = self.times[-1] + rng.exponential(tail, int(beyond.sum()))
        return out

    def mean(self) -> float:
        """Mean patience (seconds): area under the survival curve plus the exponential tail."""
        t = np.concatenate([[0.0], self.times])
        s = np.concatenate([[1.0], self.survival])
        area = float(np.sum(np.diff(t) * s[:-1]))
        return area + float(s[-1]) * self.tail_mean


def kaplan_meier_patience(waits: ArrayLike, abandoned: ArrayLike) -> PatienceEstimate:
    """Kaplan–Meier estimate of the patience distribution from waits with censoring by service."""
    w = np.asarray(waits, dtype=np.float64)
    ab = np.asarray(abandoned, dtype=bool)
    if w.shape != ab.shape or (w < 0).any():
        raise InputError("waits and abandoned must have the same shape, waits >= 0")
    order = np.argsort(w, kind="stable")
    w, ab = w[order], ab[order]
    times, first = np.unique(w, return_index=True)
    n = w.shape[0]
    at_risk = n - first
    deaths = np.add.reduceat(ab.astype(np.int64), first) if n else np.empty(0, dtype=np.int64)
    has = deaths > 0
    factor = 1.0 - deaths[has] / at_risk[has]
    survival = np.cumprod(factor)
    return PatienceEstimate(
        times=times[has].astype(np.float64),
        survival=survival.astype(np.float64),
        tail_mean=exponential_patience_mle(w, ab),
    )


def on_duty_from_services(
    agent: ArrayLike, start: ArrayLike, end: ArrayLike, *, max_gap_s: float = 600.0
) -> tuple[NDArray[np.int64], F64, F64]:
    """On-duty windows of agents estimated from their service records.

    An agent is taken to be on duty from the start of a service to the end of the last service that follows
    with gaps of at most ``max_gap_s`` seconds; a longer gap ends the window (break, other work, end of
    shift). Returns (agent code, window start, window end) sorted by agent and start.
    """
    a = np.asarray(agent, dtype=np.int64)
    s = np.asarray(start, dtype=np.float64)
    e = np.asarray(end, dtype=np.float64)
    if not (a.shape == s.shape == e.shape) or (e < s).any():
        raise InputError("agent, start and end must have the same shape, end >= start")
    order = np.lexsort((s, a))
    a, s, e = a[order], s[order], e[order]
    out_a: list[int] = []
    out_s: list[float] = []
    out_e: list[float] = []
    for ag, st, en in zip(a.tolist(), s.tolist(), e.tolist(), strict=True):
        if out_a and out_a[-1] == ag and st - out_e[-1] <= max_gap_s:
            out_e[-1] = max(out_e[-1], en)
        else:
            out_a.append(ag)
            out_s.append(st)
            out_e.append(en)
    return np.array(out_a, dtype=np.int64), np.array(out_s), np.array(out_e)
