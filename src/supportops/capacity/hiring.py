"""Hiring plans that close the gap between required and available FTE: optimised with OR-Tools CP-SAT, and
the naive plan of hiring to the peak, under the same rules.

The problem, for skills k, sites s allowed to hire for k, and start weeks t from the site's lead time on:

    minimise   Σ shortage[k,u], then
               Σ x[k,s,t]·(hire cost_s + weekly cost_s · Σ_{u ≥ t} survival(u − t))
             + Σ y[k,s,t]·training weeks·weekly cost_s·trainer_cost_factor
    subject to base[k,u] + Σ x[k,s,t]·contribution(u − t) + shortage[k,u] ≥ demand[k,u]   (every week u)
               x[k,s,t] = 0 or class_min ≤ x[k,s,t] ≤ class_max
               y[k,s,t] ≥ x[k,s,t] / trainees_per_trainer                                 (1 trainer : 15 hires)
               Σ_{classes of s in training in week u} y + trainers already busy ≤ trainers_s

It is solved lexicographically: first the least shortage the rules allow (zero wherever a class can reach in
time), then the cheapest plan with no more shortage than that. FTE are scaled to thousandths,
contributions rounded down and demand up, so a solution of the integer model covers the real-valued demand.
The shortage left (weeks before any class can help, or limits that bind) is reported, never hidden.

Hiring to the peak (:func:`peak_plan`): each skill hires at its cheapest site (a dearer one when the cheaper
ones have no trainer left), week by week, enough that
supply never falls below the highest demand still ahead (the peak of the rest of the horizon), starting
each class as late as still lets it be fully productive that week, within the same class-size and
trainer limits. It is what a planner does without an optimiser; the CP-SAT model is given it as a hint,
so the optimised plan is never dearer.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from supportops.capacity.pipeline import FloatArray, Pipeline
from supportops.capacity.sites import HiringRules, Site
from supportops.capacity.supply import HireClass
from supportops.errors import ComputationError, InputError

__all__ = ["HiringPlan", "HiringProblem", "optimise_hiring", "peak_plan"]

SCALE = 1000  # thousandths of an FTE


@dataclass(frozen=True, slots=True, kw_only=True)
class HiringProblem:
    """The gap to close: ``demand`` (FTE per week by skill), ``base`` (productive FTE per week by skill and
    site before new hires), trainers already busy per site and week, and the rules."""

    weeks: int
    pipeline: Pipeline
    sites: tuple[Site, ...]
    rules: HiringRules
    demand: Mapping[str, FloatArray]
    base: Mapping[str, FloatArray]
    trainers_busy: Mapping[str, FloatArray]
    trainer_cost_factor: float = 1.3

    def __post_init__(self) -> None:
        names = [s.name for s in self.sites]
        if len(set(names)) != len(names):
            raise InputError(f"site names repeat: {names}")
        for skill, d in self.demand.items():
            if d.shape != (self.weeks,):
                raise InputError(f"skill {skill!r}: demand has {d.size} weeks, the plan {self.weeks}")
            if not any(s.hires_for(skill) for s in self.sites):
                raise InputError(f"skill {skill!r}: no site hires for it (check the sites' skills)")
        for skill in self.base:
            if skill not in self.demand:
                raise InputError(f"supply names skill {skill!r}, which has no demand")

    def starts(self, site: Site) -> range:
        """Plan weeks in which a class can start at ``site`` (its lead time on)."""
        return range(min(site.lead_weeks, self.weeks), self.weeks)

    def first_closable(self, skill: str) -> int:
        """First week in which some new class of ``skill`` can add productive FTE (its first nesting week)."""
        return min(s.lead_weeks for s in self.sites if s.hires_for(skill)) + self.pipeline.training_weeks

    def hire_cost(self, site: Site, start: int) -> float:
        """Cost of one hire starting at ``start`` over the rest of the horizon (expected paid weeks)."""
        paid = float(self.pipeline.survival(self.weeks - start).sum())
        return site.hiring_cost + site.weekly_cost * paid

    def class_trainer_cost(self, site: Site) -> float:
        """Cost of one trainer for one class's training."""
        return self.pipeline.training_weeks * site.weekly_cost * self.trainer_cost_factor


@dataclass(frozen=True, slots=True, kw_only=True)
class HiringPlan:
    """Classes to start, the FTE-weeks of gap they leave open per skill, and how the plan was found.

    ``objective``: hiring cost of the plan (hires over the horizon + trainers), currency; ``status``: the
    solver's status name (or ``GREEDY``); ``solve_s``: wall seconds; ``gap``: the solver's relative distance
    to its proven lower bound on the cost (0 when OPTIMAL, NaN for the greedy plan).
    """

    method: str
    classes: tuple[HireClass, ...]
    shortage: Mapping[str, FloatArray]
    objective: float
    status: str
    solve_s: float
    gap: float = math.nan


def _supply_with(problem: HiringProblem, classes: Sequence[HireClass], skill: str) -> FloatArray:
    curve = problem.pipeline.contribution(problem.weeks)
    out = problem.base.get(skill, np.zeros(problem.weeks)).copy()
    for c in classes:
        if c.skill == skill:
            out[c.start_week :] += c.size * curve[: problem.weeks - c.start_week]
    return out


def _shortage(problem: HiringProblem, classes: Sequence[HireClass]) -> dict[str, FloatArray]:
    out = {}
    for skill, d in problem.demand.items():
        gap = np.maximum(d - _supply_with(problem, classes, skill), 0.0)
        gap[gap < 1e-9] = 0.0
        out[skill] = gap
    return out


def _objective(problem: HiringProblem, classes: Sequence[HireClass]) -> float:
    by_name = {s.name: s for s in problem.sites}
    total = 0.0
    for c in classes:
        site = by_name[c.site]
        total += c.size * problem.hire_cost(site, c.start_week)
        total += problem.rules.trainers_for(c.size) * problem.class_trainer_cost(site)
    return total


def peak_plan(problem: HiringProblem) -> HiringPlan:
    """Hire to the peak (see the module docstring): greedy, week by week, at each skill's cheapest site."""
    return _greedy(problem, to_peak=True)


def _greedy(problem: HiringProblem, *, to_peak: bool) -> HiringPlan:
    """Week by week, hire what keeps supply at the peak still ahead (``to_peak``) or at each week's demand."""
    t0 = time.perf_counter()
    rules, pipe, weeks = problem.rules, problem.pipeline, problem.weeks
    curve = pipe.contribution(weeks)
    trainers_used = {
        s.name: problem.trainers_busy.get(s.name, np.zeros(weeks)).astype(np.float64) for s in problem.sites
    }
    sizes: dict[tuple[str, str, int], int] = {}
    for skill in problem.demand:
        # the cheapest site first; a dearer one only when the cheaper ones have no trainer room left
        allowed = sorted((s for s in problem.sites if s.hires_for(skill)), key=lambda s: (s.weekly_cost, s.lead_weeks))
        demand = problem.demand[skill]
        supply = problem.base.get(skill, np.zeros(weeks)).copy()
        peak_ahead = np.maximum.accumulate(demand[::-1])[::-1] if to_peak else demand
        for u in range(problem.first_closable(skill), weeks):
            short = peak_ahead[u] - supply[u]
            tried: set[tuple[str, int]] = set()
            while short > 1e-9:
                choice = _room(problem, allowed, u, tried, sizes, trainers_used, skill)
                if choice is None:
                    break
                site, t, room = choice
                key = (skill, site.name, t)
                have = sizes.get(key, 0)
                add = min(room, max(math.ceil(short / float(curve[u - t]) - 1e-9), rules.class_min - have))
                for w in range(t, min(t + pipe.training_weeks, weeks)):
                    trainers_used[site.name][w] += rules.trainers_for(have + add) - rules.trainers_for(have)
                sizes[key] = have + add
                supply[t:] += add * curve[: weeks - t]
                short = peak_ahead[u] - supply[u]
    classes = tuple(
        HireClass(skill=k, site=s, start_week=t, size=n) for (k, s, t), n in sorted(sizes.items(), key=_order) if n
    )
    return HiringPlan(
        method="peak" if to_peak else "just_in_time",
        classes=classes,
        shortage=_shortage(problem, classes),
        objective=_objective(problem, classes),
        status="GREEDY",
        solve_s=time.perf_counter() - t0,
    )


def _room(
    problem: HiringProblem,
    allowed: Sequence[Site],
    u: int,
    tried: set[tuple[str, int]],
    sizes: dict[tuple[str, str, int], int],
    trainers_used: dict[str, FloatArray],
    skill: str,
) -> tuple[Site, int, int] | None:
    """The next (site, start week, room for hires) hiring to the peak tries for week ``u``: at each site in
    cost order, the latest start fully productive by ``u``, else the latest start contributing to ``u``."""
    pipe, rules = problem.pipeline, problem.rules
    for site in allowed:
        starts = problem.starts(site)
        full = [t for t in starts if t <= u - pipe.weeks_to_production]
        partial = [t for t in starts if t <= u - pipe.training_weeks]
        for t in sorted(full or partial, reverse=True):
            if (site.name, t) in tried:
                continue
            tried.add((site.name, t))
            have = sizes.get((skill, site.name, t), 0)
            span = range(t, min(t + pipe.training_weeks, problem.weeks))
            free = min(site.trainers - trainers_used[site.name][w] for w in span) + rules.trainers_for(have)
            room = min(rules.class_max, int(free) * rules.trainees_per_trainer) - have
            if room > 0 and have + room >= rules.class_min:
                return site, t, room
    return None


def _order(item: tuple[tuple[str, str, int], int]) -> tuple[int, str, str]:
    (k, s, t), _ = item
    return (t, k, s)


def optimise_hiring(
    problem: HiringProblem, *, time_limit_s: float = 10.0, workers: int = 2, hint: HiringPlan | None = None
) -> HiringPlan:
    """Lowest-cost classes (sizes and start weeks per skill and site) closing the gap; see the module docstring.

    ``hint`` (default: the hire-to-the-peak plan) seeds the search, or the just-in-time greedy plan when that
    is cheaper and leaves no more gap. Closing the gap gets up to half of ``time_limit_s``, the cost the rest.
    Raises ComputationError when CP-SAT finds no solution in time.
    """
    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    weeks, pipe, rules = problem.weeks, problem.pipeline, problem.rules
    curve = pipe.contribution(weeks)
    coef = np.floor(curve * SCALE).astype(np.int64)
    if hint is None:
        hint = peak_plan(problem)
    jit = _greedy(problem, to_peak=False)  # a second starting point: hire each week's gap just in time
    if (
        sum(float(v.sum()) for v in jit.shortage.values()) <= sum(float(v.sum()) for v in hint.shortage.values()) + 1e-9
        and jit.objective < hint.objective
    ):
        hint = jit
    hinted = {(c.skill, c.site, c.start_week): c.size for c in hint.classes}

    m = cp_model.CpModel()
    x: dict[tuple[str, str, int], cp_model.IntVar] = {}
    y: dict[tuple[str, str, int], cp_model.IntVar] = {}
    objective: list[cp_model.LinearExprT] = []
    shorts: list[cp_model.IntVar] = []
    ons: dict[tuple[str, str, int], cp_model.IntVar] = {}
    max_trainers = rules.trainers_for(rules.class_max)
    for skill in problem.demand:
        for site in problem.sites:
            if not site.hires_for(skill):
                continue
            hire = {t: round(problem.hire_cost(site, t)) for t in problem.starts(site)}
            trainer = round(problem.class_trainer_cost(site))
            for t in problem.starts(site):
                if t + pipe.training_weeks >= weeks:
                    continue  # a class still in training at the end of the plan adds nothing to it
                key = (skill, site.name, t)
                xv = m.new_int_var(0, rules.class_max, f"x_{skill}_{site.name}_{t}")
                on = m.new_bool_var(f"on_{skill}_{site.name}_{t}")
                m.add(xv >= rules.class_min * on)
                m.add(xv <= rules.class_max * on)
                yv = m.new_int_var(0, max_trainers, f"y_{skill}_{site.name}_{t}")
                m.add(rules.trainees_per_trainer * yv >= xv)
                m.add(yv >= on)
                x[key], y[key], ons[key] = xv, yv, on
                objective.append(hire[t] * xv + trainer * yv)
                size = hinted.get(key, 0)
                m.add_hint(xv, size)
                m.add_hint(on, size > 0)
                m.add_hint(yv, rules.trainers_for(size))
    for site in problem.sites:
        busy = problem.trainers_busy.get(site.name, np.zeros(weeks))
        for u in range(weeks):
            active = [v for (k, s, t), v in y.items() if s == site.name and t <= u < t + pipe.training_weeks]
            if active:
                m.add(sum(active) + math.ceil(float(busy[u]) - 1e-9) <= site.trainers)
    hint_total = 0
    for skill, demand in problem.demand.items():
        base = np.floor(problem.base.get(skill, np.zeros(weeks)) * SCALE).astype(np.int64)
        need = np.ceil(demand * SCALE - 1e-6).astype(np.int64)
        for u in range(weeks):
            if need[u] <= base[u]:
                continue
            terms = [int(coef[u - t]) * v for (k, s, t), v in x.items() if k == skill and t <= u and coef[u - t] > 0]
            short = m.new_int_var(0, int(need[u] - base[u]), f"short_{skill}_{u}")
            m.add(base[u] + sum(terms) + short >= need[u])
            shorts.append(short)
            h = max(
                0,
                int(
                    need[u]
                    - base[u]
                    - sum(int(coef[u - t]) * hinted.get((k, s, t), 0) for (k, s, t) in x if k == skill and t <= u)
                ),
            )
            hint_total += h
            m.add_hint(short, h)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    solver.parameters.linearization_level = 2
    if shorts:
        # first close as much of the gap as the rules allow, then find the cheapest plan that does
        m.minimize(sum(shorts))
        solver.parameters.max_time_in_seconds = float(time_limit_s) / 2.0
        status = solver.solve(m)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise ComputationError(
                f"hiring optimiser: no plan found within {time_limit_s:g} s (status {solver.status_name(status)})"
            )
        best_short = round(solver.objective_value)
        m.add(sum(shorts) <= best_short)
        if hint_total > best_short:  # the hint leaves more open than needed: start from the phase-1 plan
            m.clear_hints()  # type: ignore[no-untyped-call]
            for v in (*x.values(), *y.values(), *ons.values(), *shorts):
                m.add_hint(v, solver.value(v))
    m.minimize(sum(objective))
    solver.parameters.max_time_in_seconds = max(0.1, float(time_limit_s) - (time.perf_counter() - t0))
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ComputationError(
            f"hiring optimiser: no plan found within {time_limit_s:g} s (status {solver.status_name(status)})"
        )
    classes = tuple(
        HireClass(skill=k, site=s, start_week=t, size=int(solver.value(v)))
        for (k, s, t), v in sorted(x.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1]))
        if solver.value(v) > 0
    )
    found = solver.objective_value
    bound = solver.best_objective_bound
    return HiringPlan(
        method="optimised",
        classes=classes,
        shortage=_shortage(problem, classes),
        objective=_objective(problem, classes),
        status=solver.status_name(status),
        solve_s=time.perf_counter() - t0,
        gap=0.0 if status == cp_model.OPTIMAL or found <= 0 else max(0.0, (found - bound) / found),
    )
