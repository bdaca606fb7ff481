"""Inverse problems: the fewest agents that meet every target at once, for whole arrays of intervals.

Targets (any combination, all must hold): service level (share answered within ``threshold`` seconds, at
least), ASA (mean wait of answered calls, seconds, at most), abandonment (share of arrivals, at most; needs a
patience, i.e. Erlang A) and occupancy (at most). Without a patience the model is Erlang C (nobody hangs
up); with one it is Erlang A, whose search starts at one agent, because impatient callers leave and the
queue is stable below the offered load.

Every figure is monotone in the number of agents, so the search is a vectorised bracket-and-bisect over
integers: about a dozen evaluations of the closed forms for all intervals at once. With ``fractional=True``
the same bisection continues over real agent counts (the continuous extension of Erlang B/C/A), which is
what multi-queue aggregation needs before rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from supportops.errors import ComputationError, InputError
from supportops.queueing.erlang import erlang_c_metrics
from supportops.queueing.erlang_a import erlang_a_metrics

__all__ = ["Evaluation", "StaffingResult", "Targets", "evaluate", "offered_load", "required_agents"]

Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class Targets:
    """What an interval must achieve; ``None`` switches a target off.

    ``service_level``: fraction 0-1 answered within ``threshold`` seconds (at least). ``asa``: seconds (at
    most). ``max_abandon``: fraction of arrivals that hang up (at most; Erlang A only). ``max_occupancy``:
    fraction of agent time busy (at most).
    """

    service_level: float | None = None
    threshold: float = 20.0
    asa: float | None = None
    max_abandon: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if self.service_level is not None and not 0.0 < self.service_level < 1.0:
            raise InputError(f"service level target must be a fraction in (0, 1), got {self.service_level}")
        if not (math.isfinite(self.threshold) and self.threshold >= 0.0):
            raise InputError(f"service-level threshold must be ≥ 0 seconds, got {self.threshold}")
        if self.service_level is not None and self.threshold <= 0.0:
            raise InputError("service-level threshold must be > 0 seconds (an 80/0 target can never be planned)")
        if self.asa is not None and not (math.isfinite(self.asa) and self.asa > 0.0):
            raise InputError(f"ASA target must be > 0 seconds, got {self.asa}")
        if self.max_abandon is not None and not 0.0 < self.max_abandon < 1.0:
            raise InputError(f"maximum abandonment must be a fraction in (0, 1), got {self.max_abandon}")
        if self.max_occupancy is not None and not 0.0 < self.max_occupancy <= 1.0:
            raise InputError(f"maximum occupancy must be a fraction in (0, 1], got {self.max_occupancy}")
        if self.service_level is None and self.asa is None and self.max_abandon is None and self.max_occupancy is None:
            raise InputError("give at least one target (service level, ASA, maximum abandonment or occupancy)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    """The figures of a staffing level for each interval; ``abandon_rate`` is NaN under Erlang C."""

    model: str
    agents: Array
    load: Array
    service_level: Array
    asa: Array
    occupancy: Array
    p_wait: Array
    abandon_rate: Array
    mean_wait: Array


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffingResult:
    """Fewest agents per interval meeting every target, and the figures at that staffing.

    ``agents`` holds whole numbers unless the search was fractional. ``binding`` names, per interval, the
    targets that one agent fewer (or, fractional, a hair fewer) would miss.
    """

    targets: Targets
    evaluation: Evaluation
    binding: tuple[tuple[str, ...], ...]

    @property
    def agents(self) -> Array:
        return self.evaluation.agents


def offered_load(calls: ArrayLike, aht: ArrayLike, interval: ArrayLike) -> Array:
    """Offered load in Erlangs: calls per interval × AHT seconds / interval seconds."""
    c, h, i = np.broadcast_arrays(
        np.asarray(calls, dtype=np.float64), np.asarray(aht, dtype=np.float64), np.asarray(interval, dtype=np.float64)
    )
    return np.asarray(c * h / i, dtype=np.float64)


def evaluate(
    agents: ArrayLike,
    load: ArrayLike,
    aht: ArrayLike,
    threshold: float | ArrayLike,
    patience: ArrayLike | None = None,
) -> Evaluation:
    """Figures for the given agents: Erlang C without ``patience``, Erlang A (mean patience, seconds) with it."""
    if patience is None:
        c = erlang_c_metrics(agents, load, aht, threshold)
        nan = np.full(c.p_wait.shape, np.nan)
        return Evaluation(
            model="erlang_c",
            agents=c.agents,
            load=c.load,
            service_level=c.service_level,
            asa=c.asa,
            occupancy=c.occupancy,
            p_wait=c.p_wait,
            abandon_rate=nan,
            mean_wait=c.asa,  # everyone is answered, so the mean wait of all callers is the ASA
        )
    m = erlang_a_metrics(agents, load, aht, patience, threshold)
    return Evaluation(
        model="erlang_a",
        agents=m.agents,
        load=m.load,
        service_level=m.service_level,
        asa=m.asa,
        occupancy=m.occupancy,
        p_wait=m.p_wait,
        abandon_rate=m.p_abandon,
        mean_wait=m.mean_wait,
    )


def _failures(ev: Evaluation, targets: Targets) -> dict[str, BoolArray]:
    fails: dict[str, BoolArray] = {}
    if targets.service_level is not None:
        fails["service_level"] = ~(ev.service_level >= targets.service_level)
    if targets.asa is not None:
        fails["asa"] = ~(ev.asa <= targets.asa)
    if targets.max_abandon is not None:
        fails["max_abandon"] = ~(ev.abandon_rate <= targets.max_abandon)
    if targets.max_occupancy is not None:
        fails["max_occupancy"] = ~(ev.occupancy <= targets.max_occupancy)
    return fails


def _meets(n: Array, a: Array, h: Array, p: Array | None, targets: Targets) -> BoolArray:
    ev = evaluate(n, a, h, targets.threshold, p)
    ok = np.ones(n.shape, dtype=bool)
    for fail in _failures(ev, targets).values():
        ok &= ~fail
    return ok


def _validate(load: Array, aht: Array, patience: Array | None, targets: Targets) -> None:
    bad = np.flatnonzero(~(np.isfinite(load) & (load >= 0.0)))
    if bad.size:
        raise InputError(f"interval {bad[0]}: offered load must be a finite number ≥ 0 Erlangs, got {load[bad[0]]}")
    bad = np.flatnonzero(~(np.isfinite(aht) & (aht > 0.0)))
    if bad.size:
        raise InputError(f"interval {bad[0]}: AHT must be a finite number > 0 seconds, got {aht[bad[0]]}")
    if patience is not None:
        bad = np.flatnonzero(~(np.isfinite(patience) & (patience > 0.0)))
        if bad.size:
            raise InputError(f"interval {bad[0]}: patience must be a finite number > 0 seconds, got {patience[bad[0]]}")
    elif targets.max_abandon is not None:
        raise InputError("a maximum-abandonment target needs a patience (Erlang A); Erlang C has no abandonment")


def required_agents(
    load: ArrayLike,
    aht: ArrayLike,
    targets: Targets,
    *,
    patience: ArrayLike | None = None,
    fractional: bool = False,
    max_agents: ArrayLike | None = None,
) -> StaffingResult:
    """Fewest agents per interval that meet every target (Erlang C, or Erlang A when ``patience`` is given).

    ``load`` in Erlangs, ``aht`` and ``patience`` in seconds, broadcast together. Intervals with no load need no
    agents. Raises ComputationError naming the interval when no staffing up to ``max_agents`` (default ten
    times the load plus 1,000) meets the targets.
    """
    arrays = [np.asarray(load, dtype=np.float64), np.asarray(aht, dtype=np.float64)]
    if patience is not None:
        arrays.append(np.asarray(patience, dtype=np.float64))
    bc = [np.array(v, dtype=np.float64, copy=True).reshape(-1) for v in np.broadcast_arrays(*arrays)]
    shape = np.broadcast_shapes(*(v.shape for v in arrays))
    a, h = bc[0], bc[1]
    p = bc[2] if patience is not None else None
    _validate(a, h, p, targets)

    n_lo = np.ones(a.shape) if p is not None else np.floor(a) + 1.0
    if targets.max_occupancy is not None and p is None:
        n_lo = np.maximum(n_lo, np.ceil(a / targets.max_occupancy - 1e-12))
    n_lo = np.where(a > 0.0, n_lo, 0.0)
    cap = np.ceil(10.0 * a + 1000.0)
    if max_agents is not None:
        cap = np.minimum(cap, np.floor(np.broadcast_to(np.asarray(max_agents, dtype=np.float64), shape).reshape(-1)))
    short = np.flatnonzero((a > 0.0) & (n_lo > cap))
    if short.size:
        i = int(short[0])
        raise ComputationError(
            f"interval {i}: at least {int(n_lo[i]):,} agents are needed at {a[i]:.6g} Erlangs, above the bound "
            f"of {int(cap[i]):,}"
        )

    # Bracket: grow hi until every interval meets the targets there.
    hi = np.minimum(np.maximum(n_lo, np.ceil(a + 2.0 * np.sqrt(a) + 2.0)), cap)
    hi = np.where(a > 0.0, hi, 0.0)
    lo = n_lo.copy()
    live = a > 0.0
    pending = live.copy()
    while pending.any():
        idx = np.flatnonzero(pending)
        ok = _meets(hi[idx], a[idx], h[idx], None if p is None else p[idx], targets)
        failed = idx[~ok]
        pending[:] = False
        if failed.size:
            over = failed[hi[failed] >= cap[failed]]
            if over.size:
                i = int(over[0])
                raise ComputationError(
                    f"interval {i}: no staffing up to {int(cap[i]):,} agents meets the targets at {a[i]:.6g} Erlangs"
                )
            lo[failed] = hi[failed] + 1.0
            hi[failed] = np.minimum(hi[failed] + 2.0 * (hi[failed] - n_lo[failed] + 1.0) + 8.0, cap[failed])
            pending[failed] = True

    # Bisect: smallest integer in [lo, hi] meeting the targets (hi always meets them).
    active = live & (lo < hi)
    while active.any():
        idx = np.flatnonzero(active)
        mid = np.floor((lo[idx] + hi[idx]) / 2.0)
        ok = _meets(mid, a[idx], h[idx], None if p is None else p[idx], targets)
        hi[idx[ok]] = mid[ok]
        lo[idx[~ok]] = mid[~ok] + 1.0
        active = live & (lo < hi)

    agents = hi
    if fractional:
        agents = _fractional(hi, a, h, p, targets, live)

    ev = evaluate(agents, a, h, targets.threshold, p)
    below = np.maximum(agents - (1e-6 if fractional else 1.0), 0.0)
    ev_below = evaluate(below, a, h, targets.threshold, p)
    fails = _failures(ev_below, targets)
    binding = tuple(tuple(name for name, f in fails.items() if live[i] and f[i]) for i in range(a.size))
    ev = Evaluation(
        model=ev.model,
        agents=ev.agents.reshape(shape),
        load=ev.load.reshape(shape),
        service_level=ev.service_level.reshape(shape),
        asa=ev.asa.reshape(shape),
        occupancy=ev.occupancy.reshape(shape),
        p_wait=ev.p_wait.reshape(shape),
        abandon_rate=ev.abandon_rate.reshape(shape),
        mean_wait=ev.mean_wait.reshape(shape),
    )
    return StaffingResult(targets=targets, evaluation=ev, binding=binding)


def _fractional(hi: Array, a: Array, h: Array, p: Array | None, targets: Targets, live: BoolArray) -> Array:
    """Real-valued minimum in (hi − 1, hi] by bisection on the continuous extension (to ~1e-9 agents)."""
    upper = hi.copy()
    lower = np.maximum(hi - 1.0, 0.0)
    if p is None:
        lower = np.maximum(lower, a)
        if targets.max_occupancy is not None:
            lower = np.maximum(lower, a / targets.max_occupancy * (1.0 - 1e-15))
    idx = np.flatnonzero(live)
    if idx.size == 0:
        return upper
    lo_, up_ = lower[idx], upper[idx]
    for _ in range(40):
        mid = 0.5 * (lo_ + up_)
        ok = _meets(mid, a[idx], h[idx], None if p is None else p[idx], targets)
        up_ = np.where(ok, mid, up_)
        lo_ = np.where(ok, lo_, mid)
    out = upper.copy()
    out[idx] = up_
    return out
