"""Build a schedule: check each agent's rules, solve the tour model (whole weeks per group of interchangeable
agents, :mod:`supportops.scheduling.tours`), improve it by neighbourhood moves of many agents and by
one-agent best responses, and measure the coverage, the gap against the requirement and the service level it
buys. When the tour model is too large, shift counts per day are given to agents instead (the fallback).

Aggregating interchangeable agents is what makes a week of 200 agents solvable in seconds: a monolithic agent
× day × shift × break model finds its first solution only after minutes. The linear relaxation of the
shift-count model (unweighted under- plus over-staffing) is a lower bound on the gap of any schedule, reported
beside the result.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from supportops.errors import ComputationError
from supportops.scheduling.aggregate import Aggregate, build_aggregate, lp_bound, lp_solve, slot_requirements
from supportops.scheduling.assign import assignment_cost, build_assignment, greedy_tours
from supportops.scheduling.diagnose import Conflict, diagnose, explain
from supportops.scheduling.improve import Placed, improve, placed_coverage
from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType, shift_types
from supportops.scheduling.tour_portfolio import Portfolio
from supportops.scheduling.tour_solve import solve_tours

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["Activity", "Schedule", "Shift", "build_schedule", "coverage_of"]

Progress = Callable[[float | None, str], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """A break or lunch inside a shift, local times."""

    kind: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Shift:
    """One agent's shift on one day: local start and end, the skill worked and the breaks taken."""

    agent: str
    skill: str
    day: date
    start: datetime
    end: datetime
    breaks: tuple[Activity, ...]

    @property
    def paid_hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """The outcome. ``status``: ``optimal`` (both stages proven optimal and every counted shift staffed),
    ``feasible`` or ``infeasible`` (then ``reasons`` say why and ``shifts`` is empty).

    ``coverage[k, i]`` is the mean number of agents of skill ``k`` on the phones (not on break) in interval
    ``i``; ``service_level[k, i]`` what that coverage achieves (NaN without volumes). Hours of under- and
    over-staffing are summed per coverage slot (``slot`` minutes) and skill; ``lp_bound_hours`` is the linear
    relaxation's lower bound on their sum.
    """

    status: str
    start: date
    interval: int
    slot: int
    skills: tuple[str, ...]
    shifts: tuple[Shift, ...]
    conflicts: tuple[Conflict, ...]
    reasons: tuple[str, ...]
    required: NDArray[np.float64]
    coverage: NDArray[np.float64]
    service_level: NDArray[np.float64]
    under_hours: float
    over_hours: float
    lp_bound_hours: float
    overtime_hours: float
    unmet_preferences: int
    most_weekend_shifts: int
    most_late_shifts: int
    agents_scheduled: int
    solve_s: float

    @property
    def gap_hours(self) -> float:
        return self.under_hours + self.over_hours


def _solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    from ortools.sat.python import cp_model

    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.5, time_limit)
    s.parameters.num_workers = max(1, workers)
    s.parameters.random_seed = seed
    return s


def coverage_of(shifts: tuple[Shift, ...], req: Requirements, slot: int) -> NDArray[np.int64]:
    """Agents on the phones per skill and ``slot``-minute slot of the horizon (breaks subtracted)."""
    per_day = 1440 // slot
    horizon = req.days * per_day
    cov = np.zeros((len(req.skills), horizon + 2 * per_day), dtype=np.int64)
    origin = datetime.combine(req.start, datetime.min.time())
    index = {s: k for k, s in enumerate(req.skills)}

    def at(t: datetime) -> int:
        return int((t - origin).total_seconds() // 60) // slot

    for sh in shifts:
        k = index[sh.skill]
        cov[k, at(sh.start) : at(sh.end)] += 1
        for b in sh.breaks:
            cov[k, at(b.start) : at(b.end)] -= 1
    return cov[:, :horizon]


def build_schedule(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    threshold: float = 20.0,
    progress: Progress | None = None,
) -> Schedule:
    """Schedule ``agents`` against ``req`` under ``rules`` within about ``time_limit`` seconds.

    ``workers`` and ``seed`` go to CP-SAT; ``threshold`` (seconds) is the service-level answer time used to
    evaluate the coverage; ``progress(fraction, text)`` is told what the solver is doing.
    """

    started = time.perf_counter()
    say: Progress = progress or (lambda _f, _t: None)
    if req.interval != rules.interval:
        raise ComputationError(f"requirements are in {req.interval}-min intervals but the rules in {rules.interval}")
    if len({a.id for a in agents}) != len(agents):
        raise ComputationError("agent ids repeat")
    types = shift_types(rules)
    slot = rules.slot

    def elapsed() -> float:
        return time.perf_counter() - started

    say(0.0, f"checking the rules of {len(agents)} agents")
    conflicts = diagnose(agents, req, rules, types, time_limit=min(5.0, max(1.0, 0.1 * time_limit)), seed=seed)
    empty = np.zeros((len(req.skills), req.required.shape[1]))
    if conflicts:
        return Schedule(
            status="infeasible",
            start=req.start,
            interval=req.interval,
            slot=slot,
            skills=req.skills,
            shifts=(),
            conflicts=tuple(conflicts),
            reasons=tuple(explain(conflicts)),
            required=req.required,
            coverage=empty,
            service_level=np.full(empty.shape, np.nan),
            under_hours=float(req.required.sum() * req.interval / 60.0),
            over_hours=0.0,
            lp_bound_hours=float("nan"),
            overtime_hours=0.0,
            unmet_preferences=0,
            most_weekend_shifts=0,
            most_late_shifts=0,
            agents_scheduled=0,
            solve_s=round(elapsed(), 3),
        )
    staff = [a for a in agents if set(a.skills) & set(req.skills)]

    say(0.05, "linear relaxation (lower bound)")
    relax = build_aggregate(req, staff, rules, types, under_weight=1, over_weight=1)
    bound_h = lp_bound(relax.model) / relax.scale * slot / 60.0

    # with two workers or more, searches in other processes start now (they build their model meanwhile)
    portfolio = Portfolio(req, staff, rules, types, workers=workers, seed=seed)
    try:
        weeks: list[list[Placed]] | None = None
        proven2 = False
        try:
            say(0.1, "tour model: whole weeks per group of interchangeable agents")
            weeks, proven2 = solve_tours(
                req,
                staff,
                rules,
                types,
                budget=max(3.0, 0.2 * (time_limit - elapsed())),
                workers=workers,
                seed=seed,
                progress=lambda text: say(0.3, text),
            )
        except ComputationError as exc:
            say(0.1, f"tour model unavailable ({exc}); shift counts, then assignment")
        if weeks is None:
            weeks, proven2 = _counts_then_assignment(req, staff, rules, types, time_limit, elapsed, workers, seed, say)
        need_slots = slot_requirements(req, slot)
        before = [list(w) for w in weeks]
        best_gap = _weighted_gap(weeks, types, need_slots, rules)
        idle, moves_ok = 0, True
        for turn in range(100):  # neighbourhood moves and polish in turn, each until it stalls, while either gains
            left = time_limit - elapsed() - 0.5
            if left <= 1.0 or idle >= 2 or best_gap <= 0.0:
                break
            idle += 1
            if moves_ok and left > 4.0:
                try:
                    moved = portfolio.search(
                        weeks, deadline_s=left, seed=seed + turn, progress=lambda text: say(0.8, text)
                    )
                except ComputationError as exc:
                    say(0.8, f"tour moves unavailable ({exc})")
                    moves_ok = False
                else:
                    gap = _weighted_gap(moved, types, need_slots, rules)
                    if gap < best_gap - 1e-9:
                        weeks, best_gap, idle = moved, gap, 0
            left = time_limit - elapsed() - 0.5
            if left <= 1.0:
                break
            say(0.85, f"stage 3: each agent's week against the requirement itself (round {turn + 1})")
            found = improve(
                req,
                staff,
                rules,
                types,
                need_slots,
                weeks,
                deadline_s=left,
                seed=seed + turn,
                progress=lambda n, moved, gap: say(
                    min(0.99, 0.85 + 0.02 * n), f"stage 3: pass {n}, {moved} agents moved, weighted gap {gap:,.1f} h"
                ),
            )
            gap = _weighted_gap(found, types, need_slots, rules)
            if gap < best_gap - 1e-9:
                weeks, best_gap, idle = found, gap, 0
    finally:
        portfolio.close()
    proven2 = proven2 and weeks == before
    shifts, stats = _extract(req, staff, rules, types, weeks)
    cov = coverage_of(shifts, req, slot)
    need = slot_requirements(req, slot)
    diff = cov - need
    under = float(np.clip(-diff, 0, None).sum() * slot / 60.0)
    over = float(np.clip(diff, 0, None).sum() * slot / 60.0)
    per = req.interval // slot
    cov_i = cov.reshape(len(req.skills), -1, per).mean(axis=2)
    sl = _service_level(req, cov_i, threshold)
    # optimal only when nothing can beat it: the gap meets the relaxation's lower bound and stage 2 is proven
    proven = under + over <= bound_h + 1e-6 and proven2
    say(1.0, "done")
    return Schedule(
        status="optimal" if proven else "feasible",
        start=req.start,
        interval=req.interval,
        slot=slot,
        skills=req.skills,
        shifts=shifts,
        conflicts=(),
        reasons=(),
        required=req.required,
        coverage=cov_i,
        service_level=sl,
        under_hours=round(under, 4),
        over_hours=round(over, 4),
        lp_bound_hours=round(bound_h, 4),
        overtime_hours=stats["overtime"],
        unmet_preferences=int(stats["unmet"]),
        most_weekend_shifts=int(stats["weekend"]),
        most_late_shifts=int(stats["late"]),
        agents_scheduled=len({s.agent for s in shifts}),
        solve_s=round(elapsed(), 3),
    )


def _counts_then_assignment(
    req: Requirements,
    staff: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    time_limit: float,
    elapsed: Callable[[], float],
    workers: int,
    seed: int,
    say: Progress,
) -> tuple[list[list[Placed]], bool]:
    """Stages 1 and 2 of the fallback: shift counts, then their assignment to agents (best responses, then
    CP-SAT on the whole assignment). Returns the weeks and whether the assignment was proven optimal."""
    from ortools.sat.python import cp_model

    budget1 = max(3.0, 0.25 * (time_limit - elapsed()))
    agg, s1, _ = _stage_one(req, staff, rules, types, budget1, workers, seed, say)
    counts = {key: int(s1.value(v)) for key, v in agg.counts.items() if s1.value(v) > 0}

    budget2 = max(1.0, time_limit - elapsed() - 0.5)
    say(0.45, f"stage 2: giving {sum(counts.values())} shifts to {len(staff)} agents (best responses)")
    chosen = greedy_tours(
        req,
        staff,
        rules,
        types,
        counts,
        seed=seed,
        deadline_s=0.5 * budget2,
        passes=1000,
        progress=lambda n, changed, cost: say(
            min(0.74, 0.45 + 0.02 * n), f"stage 2: best-response pass {n}, {changed} agents moved, cost {cost:,}"
        ),
    )
    best_cost = assignment_cost(req, staff, rules, types, counts, chosen)
    say(0.74, f"stage 2 (cost): best responses {best_cost:,}")
    proven2 = False
    if time_limit - elapsed() > 3.0:
        say(0.75, "stage 2: CP-SAT on the whole assignment, from the best responses")
        asg = build_assignment(req, staff, rules, types, counts)
        for a, y in enumerate(asg.y):
            for key, v in y.items():
                asg.model.add_hint(v, key in chosen[a])
        budget3 = max(1.0, min(0.05 * budget2, time_limit - elapsed() - 0.5))
        s2 = _solver(budget3, workers, seed)
        status2 = s2.solve(asg.model, _Watch(say, "stage 2 (cost)", budget3, 1.0, 0.75, 0.85))
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = [{key for key, v in y.items() if s2.boolean_value(v)} for y in asg.y]
            cost = assignment_cost(req, staff, rules, types, counts, found)
            if cost <= best_cost:
                chosen, best_cost, proven2 = found, cost, status2 == cp_model.OPTIMAL

    weeks = _deal(req, types, agg, s1, chosen)
    return weeks, proven2


def _weighted_gap(
    weeks: list[list[Placed]], types: tuple[ShiftType, ...], need: NDArray[np.float64], rules: Rules
) -> float:
    """Weighted under- plus over-staffing of ``weeks`` (agent-hours) against the slot requirement ``need``."""
    per_day = 1440 // rules.slot
    cov = placed_coverage(weeks, types, need.shape[0], need.shape[1], per_day, rules.slot)[:, : need.shape[1]]
    diff = cov - need
    return float(
        (rules.under_weight * np.clip(-diff, 0, None) + rules.over_weight * np.clip(diff, 0, None)).sum()
        * rules.slot
        / 60.0
    )


class _Watch:
    """Reports each improving solution of a CP-SAT run to ``say`` (built lazily: OR-Tools loads on demand)."""

    def __new__(cls, say: Progress, stage: str, budget: float, scale: float, lo: float, hi: float) -> Any:
        from ortools.sat.python import cp_model

        class Watch(cp_model.CpSolverSolutionCallback):
            def __init__(self) -> None:
                super().__init__()
                self.t0 = time.perf_counter()

            def on_solution_callback(self) -> None:
                frac = min(1.0, (time.perf_counter() - self.t0) / budget)
                say(
                    lo + (hi - lo) * frac,
                    f"{stage}: objective {self.objective_value * scale:,.1f}, "
                    f"bound {self.best_objective_bound * scale:,.1f}",
                )

        return Watch()


def _stage_one(
    req: Requirements,
    staff: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    budget: float,
    workers: int,
    seed: int,
    say: Progress,
) -> tuple[Aggregate, cp_model.CpSolver, Any]:
    """Shift counts and break positions, guided by the linear relaxation.

    1. the weighted LP (GLOP) gives fractional counts and break shares; 2. CP-SAT rounds the counts within
    [floor, ceil] with breaks at the LP's shares (no break variables: fast); 3. CP-SAT places the breaks
    exactly for those counts; 4. CP-SAT improves counts and breaks together, starting from that solution,
    until the budget ends. Returns the model whose solver values hold the answer.
    """
    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    slot = rules.slot
    hours = slot / 60.0
    uw, ow = rules.under_weight, rules.over_weight
    say(0.1, "stage 1: linear relaxation of the shift counts")
    full = build_aggregate(req, staff, rules, types, under_weight=uw, over_weight=ow)
    _, x = lp_solve(full.model)
    frac = {key: x[v.index] for key, v in full.counts.items()}
    away: dict[tuple[int, int, int], dict[int, float]] = {}
    for (d, ti, k, j, p), v in full.breaks.items():
        n = frac[(d, ti, k)]
        if n > 1e-9:
            share = away.setdefault((d, ti, k), {})
            for h in range(p // slot, p // slot + math.ceil(types[ti].break_lengths[j] / slot)):
                share[h] = share.get(h, 0.0) + x[v.index] / n
    window = {key: (math.floor(v + 1e-6), math.ceil(v - 1e-6)) for key, v in frac.items()}

    def left() -> float:
        return budget - (time.perf_counter() - t0)

    rnd = build_aggregate(
        req, staff, rules, types, expected_breaks=True, away=away, bounds=window, under_weight=uw, over_weight=ow
    )
    for key, v in rnd.counts.items():
        rnd.model.add_hint(v, round(frac[key]))
    sr = _solver(max(1.0, 0.3 * left()), workers, seed)
    sr.parameters.relative_gap_limit = 0.002
    say(0.15, "stage 1: rounding the counts")
    st = sr.solve(
        rnd.model, _Watch(say, "stage 1 rounding (weighted gap, h)", 0.3 * budget, hours / rnd.scale, 0.15, 0.3)
    )
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        rnd = build_aggregate(req, staff, rules, types, expected_breaks=True, under_weight=uw, over_weight=ow)
        sr = _solver(max(1.0, 0.5 * left()), workers, seed)
        st = sr.solve(rnd.model)
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise ComputationError(f"stage 1 found no shift counts within {budget:.0f} s ({sr.status_name(st)})")
    counts = {key: int(sr.value(v)) for key, v in rnd.counts.items()}

    say(0.3, "stage 1: placing breaks")
    fixed = build_aggregate(
        req, staff, rules, types, bounds={k: (c, c) for k, c in counts.items()}, under_weight=uw, over_weight=ow
    )
    sb = _solver(max(1.0, 0.4 * left()), workers, seed)
    st = sb.solve(fixed.model, _Watch(say, "stage 1 breaks (weighted gap, h)", 0.4 * budget, hours, 0.3, 0.4))
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ComputationError(f"stage 1 could not place the breaks within {budget:.0f} s ({sb.status_name(st)})")
    if left() < 2.0:
        return fixed, sb, st

    say(0.4, "stage 1: improving counts and breaks together")
    wide = {key: (max(0, lo - 1), hi + 1) for key, (lo, hi) in window.items()}
    final = build_aggregate(req, staff, rules, types, bounds=wide, under_weight=uw, over_weight=ow)
    # both models are built by the same code over the same shift keys: variable i means the same in each
    if len(final.model.proto.variables) == len(fixed.model.proto.variables):
        for i in range(len(final.model.proto.variables)):
            var = fixed.model.get_int_var_from_proto_index(i)
            final.model.add_hint(final.model.get_int_var_from_proto_index(i), sb.value(var))
    sp = _solver(max(1.0, min(left(), 0.2 * budget)), workers, seed)
    st2 = sp.solve(final.model, _Watch(say, "stage 1 (weighted gap, h)", left(), hours, 0.4, 0.6))
    if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE) and sp.objective_value <= sb.objective_value:
        return final, sp, st2
    return fixed, sb, st


def _service_level(req: Requirements, coverage: NDArray[np.float64], threshold: float) -> NDArray[np.float64]:
    if req.calls is None or req.aht is None:
        return np.full(coverage.shape, np.nan)
    from supportops.queueing import evaluate, offered_load

    aht = np.where(req.aht > 0, req.aht, 1.0)
    load = offered_load(req.calls, aht, req.interval * 60.0)
    ev = evaluate(coverage, load, aht, threshold)
    return np.where((req.calls > 0) & (req.aht > 0), ev.service_level, np.nan)


def _deal(
    req: Requirements,
    types: tuple[ShiftType, ...],
    agg: Aggregate,
    s1: cp_model.CpSolver,
    chosen: list[set[tuple[int, int, int]]],
) -> list[list[Placed]]:
    """Per agent its shifts with break offsets: the stage-1 break positions dealt out within each group."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for a, keys in enumerate(chosen):
        for key in sorted(keys):
            groups.setdefault(key, []).append(a)
    weeks: list[list[Placed]] = [[] for _ in chosen]
    for (d, ti, k), who in sorted(groups.items()):
        t = types[ti]
        dealt_per_break: list[list[int]] = []
        for j, offsets in enumerate(t.break_offsets):
            dealt = [
                p
                for p in offsets
                if (d, ti, k, j, p) in agg.breaks
                for _ in range(int(s1.value(agg.breaks[(d, ti, k, j, p)])))
            ]
            dealt += [offsets[len(offsets) // 2]] * max(0, len(who) - len(dealt))
            dealt_per_break.append(dealt)
        for n, a in enumerate(who):
            weeks[a].append((d, ti, k, tuple(dealt[n] for dealt in dealt_per_break)))
    return weeks


def _extract(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    weeks: list[list[Placed]],
) -> tuple[tuple[Shift, ...], dict[str, float]]:
    """Shifts with their breaks as local times, and the overtime, preference and fairness figures."""
    longest = max((b.length for b in rules.breaks), default=0)
    shifts: list[Shift] = []
    minutes = np.zeros((len(agents), req.weeks))
    weekend = np.zeros(len(agents), dtype=int)
    late = np.zeros(len(agents), dtype=int)
    unmet = 0
    for a, week in enumerate(weeks):
        agent = agents[a]
        for d, ti, k, offsets in week:
            t = types[ti]
            day = req.day(d)
            begin = datetime.combine(day, datetime.min.time()) + timedelta(minutes=t.start)
            brs = tuple(
                Activity(
                    kind="lunch" if length == longest and longest >= 30 else "break",
                    start=begin + timedelta(minutes=p),
                    end=begin + timedelta(minutes=p + length),
                )
                for length, p in zip(t.break_lengths, offsets, strict=True)
            )
            shifts.append(
                Shift(
                    agent=agent.id,
                    skill=req.skills[k],
                    day=day,
                    start=begin,
                    end=begin + timedelta(minutes=t.length),
                    breaks=brs,
                )
            )
            minutes[a, d // 7] += t.length
            weekend[a] += day.weekday() >= 5
            late[a] += t.end > rules.late_end
            pref = agent.preferred_start
            if pref is not None and not pref[0] <= t.start <= pref[1]:
                unmet += 1
    contract = np.array([[a.contract * 60.0] for a in agents]) if agents else np.zeros((0, 1))
    overtime = float(np.clip(minutes - contract, 0, None).sum() / 60.0)
    shifts.sort(key=lambda s: (s.agent, s.start))
    return tuple(shifts), {
        "overtime": round(overtime, 2),
        "unmet": unmet,
        "weekend": int(weekend.max(initial=0)),
        "late": int(late.max(initial=0)),
    }
