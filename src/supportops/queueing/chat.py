"""Chat with concurrency: an agent holds up to k sessions, and every session slows as the agent takes more.

The model is an exact birth–death queue, not a division of the voice answer by k. With N agents and m
sessions in progress (m ≤ N·k), sessions are spread evenly, so each agent holds c(m) = max(1, m/N) at once,
and a session handled at concurrency c takes ``aht_single · (1 + slowdown · (c − 1))`` seconds on average.
Sessions finish at rate r(m) = m / handle(c(m)); beyond N·k sessions newcomers queue (FIFO) and the whole
pool finishes at its full-concurrency rate R = N·k / handle(k). Then, exactly as in Erlang C:

* P(wait) = P(m ≥ N·k) from the stationary distribution (computed in log space),
* SL(T) = 1 − P(wait)·exp(−(R − λ)·T),  ASA = P(wait)/(R − λ),
* occupancy = mean sessions in progress / (N·k) (share of session slots in use), and the realised mean
  handle time by Little's law.

Units: arrivals per second, seconds for handle times and thresholds, fractions 0-1. ``slowdown = 0`` and
``k = 1`` give Erlang C exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from supportops.errors import ComputationError, InputError
from supportops.queueing.staffing import Targets

__all__ = ["ChatMetrics", "chat_metrics", "chat_required_agents"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatMetrics:
    """Figures of a chat queue with ``agents`` agents; times in seconds, shares 0-1."""

    agents: int
    max_concurrency: int
    p_wait: float
    service_level: float
    asa: float
    occupancy: float
    mean_concurrency: float
    mean_handle_time: float


def _check(arrival_rate: float, aht_single: float, max_concurrency: int, slowdown: float) -> None:
    if not (math.isfinite(arrival_rate) and arrival_rate >= 0.0):
        raise InputError(f"chat arrival rate must be ≥ 0 per second, got {arrival_rate}")
    if not (math.isfinite(aht_single) and aht_single > 0.0):
        raise InputError(f"chat handle time must be > 0 seconds, got {aht_single}")
    if max_concurrency < 1:
        raise InputError(f"maximum concurrency must be ≥ 1 session, got {max_concurrency}")
    if not (math.isfinite(slowdown) and slowdown >= 0.0):
        raise InputError(f"slowdown per extra session must be ≥ 0, got {slowdown}")


def chat_metrics(
    agents: int,
    arrival_rate: float,
    aht_single: float,
    threshold: float,
    *,
    max_concurrency: int = 3,
    slowdown: float = 0.25,
) -> ChatMetrics:
    """Steady-state figures for ``agents`` agents; ``arrival_rate`` in sessions per second."""
    _check(arrival_rate, aht_single, max_concurrency, slowdown)
    k = max_concurrency
    slots = agents * k
    full_handle = aht_single * (1.0 + slowdown * (k - 1))
    capacity = slots / full_handle if agents > 0 else 0.0
    if arrival_rate == 0.0:
        return ChatMetrics(
            agents=agents,
            max_concurrency=k,
            p_wait=0.0,
            service_level=1.0,
            asa=0.0,
            occupancy=0.0,
            mean_concurrency=0.0,
            mean_handle_time=aht_single,
        )
    if agents <= 0 or arrival_rate >= capacity:
        return ChatMetrics(
            agents=agents,
            max_concurrency=k,
            p_wait=1.0,
            service_level=0.0,
            asa=math.inf,
            occupancy=1.0,
            mean_concurrency=float(k),
            mean_handle_time=full_handle,
        )
    m = np.arange(1, slots + 1, dtype=np.float64)
    conc = np.maximum(1.0, m / agents)
    rate = m / (aht_single * (1.0 + slowdown * (conc - 1.0)))
    log_pi = np.concatenate(([0.0], np.cumsum(math.log(arrival_rate) - np.log(rate))))
    rho = arrival_rate / capacity
    log_tail = log_pi[-1] - math.log1p(-rho)  # Σ_{m ≥ slots} π(m), geometric beyond the last slot
    log_total = logsumexp(np.concatenate((log_pi[:-1], [log_tail])))
    p_wait = math.exp(log_tail - log_total)
    probs = np.exp(log_pi[:-1] - log_total)
    busy = float(np.dot(probs, np.arange(slots, dtype=np.float64))) + slots * p_wait
    sl = 1.0 - p_wait * math.exp(-(capacity - arrival_rate) * threshold)
    asa = p_wait / (capacity - arrival_rate)
    return ChatMetrics(
        agents=agents,
        max_concurrency=k,
        p_wait=p_wait,
        service_level=sl,
        asa=asa,
        occupancy=busy / slots,
        mean_concurrency=busy / agents,
        mean_handle_time=busy / arrival_rate,
    )


def _meets(met: ChatMetrics, targets: Targets) -> bool:
    if targets.service_level is not None and not met.service_level >= targets.service_level:
        return False
    if targets.asa is not None and not met.asa <= targets.asa:
        return False
    return not (targets.max_occupancy is not None and not met.occupancy <= targets.max_occupancy)


def chat_required_agents(
    arrival_rate: float,
    aht_single: float,
    targets: Targets,
    *,
    max_concurrency: int = 3,
    slowdown: float = 0.25,
    max_agents: int = 100_000,
) -> ChatMetrics:
    """Fewest agents meeting every target (abandonment targets do not apply to this model)."""
    _check(arrival_rate, aht_single, max_concurrency, slowdown)
    if targets.max_abandon is not None:
        raise InputError("the chat model has no abandonment; drop the maximum-abandonment target for chat rows")
    if arrival_rate == 0.0:
        return chat_metrics(0, 0.0, aht_single, targets.threshold, max_concurrency=max_concurrency, slowdown=slowdown)
    full_handle = aht_single * (1.0 + slowdown * (max_concurrency - 1))
    lo = math.floor(arrival_rate * full_handle / max_concurrency) + 1

    def at(n: int) -> ChatMetrics:
        return chat_metrics(
            n, arrival_rate, aht_single, targets.threshold, max_concurrency=max_concurrency, slowdown=slowdown
        )

    hi = lo
    while not _meets(at(hi), targets):
        if hi >= max_agents:
            raise ComputationError(f"chat: no staffing up to {max_agents:,} agents meets the targets")
        lo = hi + 1
        hi = min(max_agents, hi * 2 + 1)
    while lo < hi:
        mid = (lo + hi) // 2
        if _meets(at(mid), targets):
            hi = mid
        else:
            lo = mid + 1
    return at(hi)
