"""Email and ticket staffing from a response-time deadline: the smallest steady team that answers every item
within the deadline, first in first out.

Items arrive spread evenly within each interval; each needs ``aht`` seconds of work. With cumulative work
W(t) (agent-seconds) and a constant team of N agents working at ``utilisation`` (share of their time on
items), FIFO answers the item arriving at t once the backlog B(t) = sup_{u ≤ t}[W(t) − W(u) − N·(t − u)] is
cleared, i.e. by t + B(t)/N. Every item meets the deadline D iff W(t) − W(u) ≤ N·(t − u + D) for all u ≤ t,
so

    N = max_{u ≤ t} (W(t) − W(u)) / ((t − u + D) · utilisation),

and, W being piecewise linear, the maximum is reached at interval boundaries. Work still open at the end of
the horizon is assumed to be finished by the same team after it (the deadline runs on).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from supportops.errors import InputError

__all__ = ["BacklogPlan", "backlog_required_agents"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BacklogPlan:
    """Required team (exact and whole), the binding window of intervals, and the worst backlog (agent-seconds)."""

    agents_exact: float
    agents: int
    window_start: int
    window_end: int
    peak_backlog: float
    workload: float


def backlog_required_agents(
    items: ArrayLike,
    aht: ArrayLike,
    interval: float,
    deadline: float,
    *,
    utilisation: float = 1.0,
) -> BacklogPlan:
    """Smallest constant team answering every item within ``deadline`` seconds (intervals of ``interval`` s)."""
    x = np.asarray(items, dtype=np.float64).reshape(-1)
    h = np.broadcast_to(np.asarray(aht, dtype=np.float64), x.shape)
    if x.size == 0:
        raise InputError("backlog staffing needs at least one interval")
    if np.any(~np.isfinite(x) | (x < 0)):
        raise InputError("backlog items per interval must be finite and ≥ 0")
    if np.any(~np.isfinite(h) | (h <= 0)):
        raise InputError("backlog handle time must be > 0 seconds")
    if not (math.isfinite(interval) and interval > 0):
        raise InputError(f"interval must be > 0 seconds, got {interval}")
    if not (math.isfinite(deadline) and deadline > 0):
        raise InputError(f"response deadline must be > 0 seconds, got {deadline}")
    if not 0.0 < utilisation <= 1.0:
        raise InputError(f"utilisation must be a fraction in (0, 1], got {utilisation}")
    work = np.concatenate(([0.0], np.cumsum(x * h)))
    t = np.arange(work.size, dtype=np.float64) * interval
    upper = np.triu(np.ones((work.size, work.size), dtype=bool), k=1)  # pairs u < t
    span = np.where(upper, t[None, :] - t[:, None] + deadline, 1.0)
    ratio = np.where(upper, (work[None, :] - work[:, None]) / (span * utilisation), 0.0)
    flat = int(np.argmax(ratio))
    u, v = divmod(flat, work.size)
    need = float(ratio[u, v])
    if need > 0:
        rate = need * utilisation
        gap = work[None, :] - work[:, None] - rate * (t[None, :] - t[:, None])
        peak = float(np.max(np.where(np.triu(np.ones_like(gap, dtype=bool)), gap, 0.0)))
    else:
        peak = 0.0
    return BacklogPlan(
        agents_exact=need,
        agents=math.ceil(need - 1e-9),
        window_start=u,
        window_end=v,
        peak_backlog=peak,
        workload=float(work[-1]),
    )
