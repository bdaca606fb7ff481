"""Stage 3: polish the schedule against the requirement itself, one agent at a time.

Stages 1 and 2 meet the requirement through shift counts; this stage drops the counts. Each agent in turn
(in random order) gives up its week and takes the best week it may work under all of its rules against what
the others leave uncovered: the value of a shift is the weighted under-staffing it removes minus the weighted
over-staffing it adds, per coverage slot, with each break placed where it costs least. Every move lowers the
weighted gap (plus overtime, unmet preferences), so the passes stop when no agent moves or time is up.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from supportops.scheduling.assign import COVERAGE_COST, PREFERENCE_COST, add_agent_rules
from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType, eligible

__all__ = ["Placed", "improve", "placed_coverage"]

_SHORTLIST = 4  # shifts of each length per day offered first to an agent

Placed = tuple[int, int, int, tuple[int, ...]]
"""A shift as (day, type, skill, break offsets in minutes after its start)."""


def _span(t: ShiftType, d: int, per_day: int, slot: int) -> tuple[int, int]:
    first = d * per_day + t.start // slot
    return first, first + t.length // slot


def placed_coverage(
    weeks: list[list[Placed]], types: tuple[ShiftType, ...], n_skills: int, horizon: int, per_day: int, slot: int
) -> NDArray[np.float64]:
    """Agents on the phones per skill and slot (the horizon plus a day of spill-over)."""
    cov = np.zeros((n_skills, horizon + 2 * per_day))
    for week in weeks:
        for d, ti, k, offsets in week:
            t = types[ti]
            a, b = _span(t, d, per_day, slot)
            cov[k, a:b] += 1
            for length, p in zip(t.break_lengths, offsets, strict=True):
                s0 = a + p // slot
                cov[k, s0 : s0 + math.ceil(length / slot)] -= 1
    return cov


def improve(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    need: NDArray[np.float64],
    weeks: list[list[Placed]],
    *,
    deadline_s: float,
    seed: int = 0,
    progress: Callable[[int, int, float], None] | None = None,
) -> list[list[Placed]]:
    """Best-response passes over the agents against the slot requirement ``need`` (skills × slots)."""
    started = time.perf_counter()
    slot = rules.slot
    per_day = 1440 // slot
    horizon = need.shape[1]
    pad = np.zeros((need.shape[0], 2 * per_day))
    need_p = np.concatenate([need, pad], axis=1)
    inside = np.concatenate([np.ones(horizon), np.zeros(2 * per_day)])
    cov = placed_coverage(weeks, types, need.shape[0], horizon, per_day, slot)
    weeks = [list(w) for w in weeks]
    rng = np.random.default_rng(seed)
    wu, wo = float(rules.under_weight), float(rules.over_weight)

    def weighted_gap(c: NDArray[np.float64]) -> float:
        diff = c[:, :horizon] - need
        return float((wu * np.clip(-diff, 0, None) + wo * np.clip(diff, 0, None)).sum() * slot / 60)

    best_weeks, best_gap = [list(w) for w in weeks], weighted_gap(cov)
    kicked: set[int] = set()
    stale = 0
    for n in range(1, 1000):
        moved = 0
        for a in (int(i) for i in rng.permutation(len(agents))):
            if time.perf_counter() - started > deadline_s:
                return best_weeks
            agent = agents[a]
            mine = [k for k, s in enumerate(req.skills) if s in agent.skills]
            if not mine:
                continue
            own = placed_coverage([weeks[a]], types, need.shape[0], horizon, per_day, slot)
            residual = need_p - (cov - own)
            r = np.clip(residual, 0.0, 1.0)
            gain = (wu * r - wo * (1.0 - r)) * inside  # value of one more agent on the phones, per slot
            prefix = np.concatenate([np.zeros((gain.shape[0], 1)), np.cumsum(gain, axis=1)], axis=1)

            def window(k: int, lo: int, hi: int, prefix: NDArray[np.float64] = prefix) -> float:
                return float(prefix[k, hi] - prefix[k, lo])

            value: dict[tuple[int, int, int], tuple[float, tuple[int, ...]]] = {}
            for d in range(req.days):
                for t in types:
                    if not eligible(agent, req, d, t):
                        continue
                    lo, hi = _span(t, d, per_day, slot)
                    for k in mine:
                        total = window(k, lo, hi)
                        offsets = []
                        for length, options in zip(t.break_lengths, t.break_offsets, strict=True):
                            size = math.ceil(length / slot)
                            costs = [window(k, lo + p // slot, lo + p // slot + size) for p in options]
                            pick = int(np.argmin(costs))
                            total -= costs[pick]
                            offsets.append(options[pick])
                        value[(d, t.index, k)] = (total, tuple(offsets))
            # the best few shifts of each length per day, and the current week: a small model; all when that fails
            keep = {(d, ti, k) for d, ti, k, _ in weeks[a]}
            ranked: dict[tuple[int, int], list[tuple[float, tuple[int, int, int]]]] = {}
            for key, (v, _o) in value.items():
                ranked.setdefault((key[0], types[key[1]].length), []).append((v, key))
            for group in ranked.values():
                keep.update(key for _v, key in sorted(group, reverse=True)[:_SHORTLIST])
            solver, lits = _solve_week(agent, req, rules, types, value, keep, seed)
            if solver is None:
                solver, lits = _solve_week(agent, req, rules, types, value, set(value), seed)
            if solver is None:
                continue
            chosen = sorted(key for key, v in lits.y.items() if solver.boolean_value(v))
            new_week = [(d, ti, k, value[(d, ti, k)][1]) for d, ti, k in chosen]
            others = cov - own
            fresh = placed_coverage([new_week], types, need.shape[0], horizon, per_day, slot)
            current = _score(agent, req, types, weeks[a], own + others, need_p, inside, wu, wo, slot)
            proposed = _score(agent, req, types, new_week, fresh + others, need_p, inside, wu, wo, slot)
            if proposed > current + 1e-6 or a in kicked:
                moved += a not in kicked
                kicked.discard(a)
                cov = others + fresh
                weeks[a] = new_week
        gap_now = weighted_gap(cov)
        if not kicked and gap_now < best_gap - 1e-9:
            best_weeks, best_gap, stale = [list(w) for w in weeks], gap_now, 0
        if progress is not None:
            progress(n, moved, best_gap)
        if not moved and not kicked:
            # a local optimum: no agent can do better alone; take a tenth of the weeks away and rebuild them
            stale += 1
            if stale > 3:
                break
            for a in rng.choice(len(agents), size=max(1, len(agents) // 10), replace=False):
                cov = cov - placed_coverage([weeks[int(a)]], types, need.shape[0], horizon, per_day, slot)
                weeks[int(a)] = []
                kicked.add(int(a))
    return best_weeks


def _solve_week(
    agent: Agent,
    req: Requirements,
    rules: Rules,
    types: tuple[ShiftType, ...],
    value: dict[tuple[int, int, int], tuple[float, tuple[int, ...]]],
    keep: set[tuple[int, int, int]],
    seed: int,
) -> tuple[Any, Any]:
    """The agent's best week among the ``keep`` shifts (CP-SAT), or (None, None) when none keeps its rules."""
    from ortools.sat.python import cp_model

    options: dict[int, list[tuple[int, int]]] = {}
    for d, ti, k in sorted(keep):
        options.setdefault(d, []).append((ti, k))
    m = cp_model.CpModel()
    lits = add_agent_rules(m, agent, req, rules, types, options=options)
    terms = []
    for (d, ti, k), v in lits.y.items():
        t = types[ti]
        score = round(value[(d, ti, k)][0] * rules.slot * COVERAGE_COST)
        pref = agent.preferred_start
        if pref is not None and not pref[0] <= t.start <= pref[1]:
            score -= PREFERENCE_COST
        terms.append(score * v)
    over = []
    for mins in lits.minutes:
        ot = m.new_int_var(0, 7 * 1440, "")
        m.add(ot >= mins - round(agent.contract * 60))
        over.append(ot)
    m.maximize(cp_model.LinearExpr.sum(terms) - cp_model.LinearExpr.sum(over))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = 1.0
    if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    return solver, lits


def _score(
    agent: Agent,
    req: Requirements,
    types: tuple[ShiftType, ...],
    week: list[Placed],
    coverage: NDArray[np.float64],
    need_p: NDArray[np.float64],
    inside: NDArray[np.float64],
    wu: float,
    wo: float,
    slot: int,
) -> float:
    """Minus the cost, in stage-2 units, of ``coverage`` (everyone, with this agent working ``week``) and of
    this agent's overtime and unmet preferences."""
    diff = (coverage - need_p) * inside
    cost = float((wu * np.clip(-diff, 0, None) + wo * np.clip(diff, 0, None)).sum()) * slot * COVERAGE_COST
    for w in range(req.weeks):
        mins = sum(types[ti].length for d, ti, _k, _o in week if 7 * w <= d < 7 * w + 7)
        cost += max(0, mins - round(agent.contract * 60))
    if agent.preferred_start is not None:
        lo, hi = agent.preferred_start
        cost += PREFERENCE_COST * sum(1 for _d, ti, _k, _o in week if not lo <= types[ti].start <= hi)
    return -cost
