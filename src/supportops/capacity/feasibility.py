"""SLA feasibility in both directions, per interval, with the queueing package's own Erlang and shrinkage code.

* Budget → service level: a budget of rostered people (or of money, converted at the cost of one FTE per
  year) leaves, after absenteeism and shrinkage, a number of agents on the phones: the largest N whose
  shrinkage chain (:func:`supportops.queueing.apply_shrinkage`, rounding up at each step) stays within the
  roster. The service level of each interval at N agents is Erlang C (Erlang A with a patience).
* Target → budget: the fewest agents meeting the targets in each interval
  (:func:`supportops.queueing.required_agents`), carried through the same chain to scheduled and rostered;
  the roster must cover the busiest interval, and money is that roster times the cost of one FTE per year.

The brief's example (120 calls per 30 minutes, AHT 360 s, 80/20, 30% shrinkage, 8% absenteeism): 29 agents
by exact Erlang C (the brief's "~28" gives 73.3%), 42 scheduled, 46 rostered. A budget of 40 rostered
leaves 25 agents on the phones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from supportops.capacity.pipeline import FloatArray
from supportops.errors import InputError
from supportops.queueing import Targets, apply_shrinkage, evaluate, offered_load, required_agents

__all__ = [
    "BudgetAnswer",
    "TargetAnswer",
    "agents_within_roster",
    "budget_for_target",
    "fte_for_money",
    "service_level_at_budget",
]


def fte_for_money(money: float, cost_per_fte_year: float) -> int:
    """Whole FTE a yearly budget pays for (money and cost in the same currency)."""
    if not (math.isfinite(money) and money >= 0):
        raise InputError(f"budget must be ≥ 0, got {money}")
    if not (math.isfinite(cost_per_fte_year) and cost_per_fte_year > 0):
        raise InputError(f"cost per FTE per year must be > 0, got {cost_per_fte_year}")
    return math.floor(money / cost_per_fte_year + 1e-9)


def agents_within_roster(rostered: int, shrinkage: float, absenteeism: float) -> int:
    """Largest number of agents on the phones whose scheduled and rostered headcount (rounded up at each
    step, as the queueing package does) fits within ``rostered`` people."""
    if rostered < 0:
        raise InputError(f"rostered budget must be ≥ 0 people, got {rostered}")
    apply_shrinkage(0.0, shrinkage, absenteeism)  # validates the fractions
    n = math.floor(math.floor(rostered * (1.0 - absenteeism) + 1e-9) * (1.0 - shrinkage) + 1e-9)
    while n > 0 and apply_shrinkage(float(n), shrinkage, absenteeism).rostered > rostered:
        n -= 1
    while apply_shrinkage(float(n + 1), shrinkage, absenteeism).rostered <= rostered:
        n += 1
    return n


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetAnswer:
    """What a roster budget staffs for, per interval: agents on the phones (the same in every interval),
    service level, ASA (s) and occupancy, whether each interval meets the target, and the volume-weighted
    service level over all intervals."""

    budget_rostered: int
    agents: int
    scheduled: int
    load: FloatArray
    service_level: FloatArray
    asa: FloatArray
    occupancy: FloatArray
    meets_target: NDArray[np.bool_]
    overall_service_level: float


def service_level_at_budget(
    calls: ArrayLike,
    aht: ArrayLike,
    interval_s: float,
    budget_rostered: int,
    *,
    shrinkage: float,
    absenteeism: float,
    targets: Targets,
    patience: float | None = None,
) -> BudgetAnswer:
    """Service level each interval gets from ``budget_rostered`` people (see the module docstring)."""
    c = np.atleast_1d(np.asarray(calls, dtype=np.float64))
    h = np.broadcast_to(np.atleast_1d(np.asarray(aht, dtype=np.float64)), c.shape)
    if np.any(~np.isfinite(c) | (c < 0)) or np.any(~np.isfinite(h) | (h <= 0)):
        raise InputError("calls must be ≥ 0 and AHT > 0 seconds in every interval")
    if not (math.isfinite(interval_s) and interval_s > 0):
        raise InputError(f"interval must be > 0 seconds, got {interval_s}")
    n = agents_within_roster(budget_rostered, shrinkage, absenteeism)
    load = offered_load(c, h, interval_s)
    ev = evaluate(np.full(c.shape, float(n)), load, h, targets.threshold, patience)
    ok = np.ones(c.shape, dtype=bool)
    if targets.service_level is not None:
        ok &= ev.service_level >= targets.service_level
    if targets.asa is not None:
        ok &= ev.asa <= targets.asa
    if targets.max_occupancy is not None:
        ok &= ev.occupancy <= targets.max_occupancy
    if targets.max_abandon is not None and patience is not None:
        ok &= ev.abandon_rate <= targets.max_abandon
    total = float(c.sum())
    overall = float((ev.service_level * c).sum() / total) if total > 0 else 1.0
    return BudgetAnswer(
        budget_rostered=budget_rostered,
        agents=n,
        scheduled=apply_shrinkage(float(n), shrinkage, absenteeism).scheduled,
        load=load,
        service_level=ev.service_level,
        asa=ev.asa,
        occupancy=ev.occupancy,
        meets_target=ok,
        overall_service_level=overall,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetAnswer:
    """What the targets need, per interval (agents, scheduled, rostered; service level reached), and overall:
    ``rostered_needed`` (the busiest interval's roster) and, given a cost per FTE-year, ``budget_needed``."""

    agents: NDArray[np.int64]
    scheduled: NDArray[np.int64]
    rostered: NDArray[np.int64]
    service_level: FloatArray
    rostered_needed: int
    budget_needed: float | None


def budget_for_target(
    calls: ArrayLike,
    aht: ArrayLike,
    interval_s: float,
    targets: Targets,
    *,
    shrinkage: float,
    absenteeism: float,
    patience: float | None = None,
    cost_per_fte_year: float | None = None,
) -> TargetAnswer:
    """Roster (and money) that meets ``targets`` in every interval (see the module docstring)."""
    c = np.atleast_1d(np.asarray(calls, dtype=np.float64))
    h = np.broadcast_to(np.atleast_1d(np.asarray(aht, dtype=np.float64)), c.shape)
    if not (math.isfinite(interval_s) and interval_s > 0):
        raise InputError(f"interval must be > 0 seconds, got {interval_s}")
    if cost_per_fte_year is not None and not (math.isfinite(cost_per_fte_year) and cost_per_fte_year > 0):
        raise InputError(f"cost per FTE per year must be > 0, got {cost_per_fte_year}")
    res = required_agents(offered_load(c, h, interval_s), h, targets, patience=patience)
    agents = np.rint(res.agents).astype(np.int64)
    chains = [apply_shrinkage(float(a), shrinkage, absenteeism) for a in agents]
    rostered = np.array([ch.rostered for ch in chains], dtype=np.int64)
    need = int(rostered.max()) if rostered.size else 0
    return TargetAnswer(
        agents=agents,
        scheduled=np.array([ch.scheduled for ch in chains], dtype=np.int64),
        rostered=rostered,
        service_level=np.asarray(res.evaluation.service_level, dtype=np.float64),
        rostered_needed=need,
        budget_needed=None if cost_per_fte_year is None else need * cost_per_fte_year,
    )
