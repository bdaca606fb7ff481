"""Stage 1: how many shifts of each type start each day for each skill, and where their breaks go.

Integer counts ``n[d, t, k]`` of shift type ``t`` starting on day ``d`` worked on skill ``k``, and per break
the number of those shifts taking it at each allowed offset (the implicit break model: coverage is the shifts
present minus the breaks in progress). Coverage minus requirement per slot is split into under- and
over-staffing, priced by the rules' weights. Capacity constraints that every real roster satisfies (agents
available per day and skill, working days and paid hours per week) keep the counts assignable to people.

Because every per-agent schedule maps onto counts that satisfy these constraints, the optimum of this model,
and a fortiori of its linear relaxation (:func:`lp_bound`), is a lower bound on the gap of any schedule.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from supportops.errors import ComputationError
from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType, eligible

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["Aggregate", "build_aggregate", "lp_bound", "lp_solve", "slot_requirements"]

_MAX_SUBSET_SKILLS = 6
_EXPECTED_SCALE = 20  # coverage resolution (1/20 agent) of the expected-break approximation


def slot_requirements(req: Requirements, slot: int) -> NDArray[np.float64]:
    """The requirement per skill and ``slot``-minute slot of the horizon (each interval's value repeated)."""
    return np.repeat(req.required, req.interval // slot, axis=1)


@dataclass(slots=True)
class Aggregate:
    """The stage-1 CP-SAT model and its handles. ``scale`` multiplies requirements and coverage so that
    fractional requirements (one decimal... two) stay integers in CP-SAT."""

    model: cp_model.CpModel
    counts: dict[tuple[int, int, int], cp_model.IntVar]
    breaks: dict[tuple[int, int, int, int, int], cp_model.IntVar]
    under: list[list[cp_model.IntVar]]
    over: list[list[cp_model.IntVar]]
    scale: int
    slot: int
    types: tuple[ShiftType, ...]
    eligible_agents: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)


def _scale_of(values: NDArray[np.float64]) -> int:
    for scale in (1, 10, 100):
        if np.allclose(values * scale, np.round(values * scale), atol=1e-9):
            return scale
    return 100


def build_aggregate(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    *,
    under_weight: int,
    over_weight: int,
    expected_breaks: bool = False,
    away: Mapping[tuple[int, int, int], Mapping[int, float]] | None = None,
    bounds: Mapping[tuple[int, int, int], tuple[int, int]] | None = None,
) -> Aggregate:
    """The stage-1 model for ``req`` with the capacity of ``agents`` under ``rules``.

    ``expected_breaks``: no break variables; each shift covers a slot in a break window by the expected share
    of it not on break: ``away[(d, t, k)][slot from shift start]`` when given, else breaks spread evenly over
    their windows (approximations used to round counts fast). ``bounds``: each count held within (lo, hi)
    (missing keys at 0); equal bounds leave only the breaks to place.
    """
    from ortools.sat.python import cp_model

    slot = rules.slot
    per_day = 1440 // slot
    horizon = req.days * per_day
    need = slot_requirements(req, slot)
    scale = _scale_of(need) * (_EXPECTED_SCALE if expected_breaks else 1)
    need_i = np.round(need * scale).astype(np.int64)
    skills = req.skills
    m = cp_model.CpModel()

    elig: dict[tuple[int, int, int], list[int]] = {}
    agent_days: dict[int, set[int]] = {}
    for a, agent in enumerate(agents):
        for k, skill in enumerate(skills):
            if skill not in agent.skills:
                continue
            for d in range(req.days):
                for t in types:
                    if eligible(agent, req, d, t):
                        elig.setdefault((d, t.index, k), []).append(a)
                        agent_days.setdefault(a, set()).add(d)

    counts: dict[tuple[int, int, int], cp_model.IntVar] = {}
    brk: dict[tuple[int, int, int, int, int], cp_model.IntVar] = {}
    terms: list[list[list[tuple[cp_model.IntVar, int]]]] = [[[] for _ in range(horizon)] for _ in skills]
    for (d, ti, k), who in sorted(elig.items()):
        t = types[ti]
        if bounds is not None:
            lo, hi = bounds.get((d, ti, k), (0, 0))
            n = m.new_int_var(min(lo, len(who)), min(hi, len(who)), f"n_{d}_{ti}_{k}")
        else:
            n = m.new_int_var(0, len(who), f"n_{d}_{ti}_{k}")
        counts[(d, ti, k)] = n
        first = d * per_day + t.start // slot
        share: Mapping[int, float] = {}
        if expected_breaks:
            share = away[(d, ti, k)] if away is not None and (d, ti, k) in away else _expected_away(t, slot)
        for h in range(first, min(first + t.length // slot, horizon)):
            coef = round(scale * (1.0 - share.get(h - first, 0.0)))
            if coef:
                terms[k][h].append((n, coef))
        for j, offsets in () if expected_breaks else enumerate(t.break_offsets):
            placed = []
            for p in offsets:
                b = m.new_int_var(0, len(who), f"b_{d}_{ti}_{k}_{j}_{p}")
                brk[(d, ti, k, j, p)] = b
                placed.append(b)
                s0 = first + p // slot
                for h in range(s0, min(s0 + math.ceil(t.break_lengths[j] / slot), horizon)):
                    terms[k][h].append((b, -scale))
            m.add(sum(placed) == n)

    big = int(scale * (len(agents) + need.max(initial=0.0) + 1))
    under: list[list[cp_model.IntVar]] = []
    over: list[list[cp_model.IntVar]] = []
    for k in range(len(skills)):
        uk, ok = [], []
        for h in range(horizon):
            u = m.new_int_var(0, big, "")
            o = m.new_int_var(0, big, "")
            m.add(sum(v * c for v, c in terms[k][h]) - o + u == int(need_i[k, h]))
            uk.append(u)
            ok.append(o)
        under.append(uk)
        over.append(ok)

    _capacity(m, counts, elig, agent_days, req, agents, rules, types)
    m.minimize(under_weight * sum(sum(u) for u in under) + over_weight * sum(sum(o) for o in over))
    return Aggregate(
        model=m,
        counts=counts,
        breaks=brk,
        under=under,
        over=over,
        scale=scale,
        slot=slot,
        types=types,
        eligible_agents=elig,
    )


def _max_days(agent: Agent, rules: Rules, types: tuple[ShiftType, ...], workable: int) -> int:
    """Most days the agent can work in a week: workable days, days off, days in a row, and hours (shortest shift)."""
    shortest = min((t.length for t in types), default=1440)
    by_hours = int(agent.max_hours * 60 // shortest)
    in_a_row = 7 - 7 // (rules.max_consecutive_days + 1)  # a day off after every run of the maximum
    return max(0, min(workable, 7 - rules.days_off, in_a_row, by_hours))


def _expected_away(t: ShiftType, slot: int) -> dict[int, float]:
    """Expected share of the shift's agents on break in each slot (from the shift start), breaks spread
    evenly over the allowed offsets."""
    away: dict[int, float] = {}
    for length, offsets in zip(t.break_lengths, t.break_offsets, strict=True):
        for p in offsets:
            for h in range(p // slot, p // slot + math.ceil(length / slot)):
                away[h] = away.get(h, 0.0) + 1.0 / len(offsets)
    return away


def _capacity(
    m: cp_model.CpModel,
    counts: dict[tuple[int, int, int], cp_model.IntVar],
    elig: dict[tuple[int, int, int], list[int]],
    agent_days: dict[int, set[int]],
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
) -> None:
    """Necessary conditions for the counts to be worked by these agents (each works at most one shift a day)."""
    nk = len(req.skills)
    subsets = [
        q
        for r in range(1, min(nk, _MAX_SUBSET_SKILLS) + 1)
        for q in itertools.combinations(range(nk), r)
        if nk <= _MAX_SUBSET_SKILLS or r in (1, nk)
    ]
    # agents grouped by the required skills they hold; per class and day, how many can work (days off taken
    # in blocks when the rules want them consecutive)
    classes: dict[frozenset[int], list[int]] = {}
    for a in agent_days:
        held = frozenset(k for k, s in enumerate(req.skills) if s in agents[a].skills)
        classes.setdefault(held, []).append(a)
    supply: dict[tuple[frozenset[int], int], cp_model.IntVar] = {}
    for c, members in classes.items():
        for w in range(req.weeks):
            days = range(7 * w, 7 * w + 7)
            for d in days:
                can = sum(1 for a in members if d in agent_days[a])
                supply[(c, d)] = m.new_int_var(0, can, "")
            if rules.days_off and rules.consecutive_days_off and rules.days_off < 7:
                blocks = [m.new_int_var(0, len(members), "") for _ in range(8 - rules.days_off)]
                m.add(sum(blocks) == len(members))
                for i, d in enumerate(days):
                    covering = [b for s, b in enumerate(blocks) if s <= i < s + rules.days_off]
                    m.add(supply[(c, d)] + sum(covering) <= len(members))
            week_days = sum(
                _max_days(agents[a], rules, types, sum(1 for d in days if d in agent_days[a])) for a in members
            )
            m.add(sum(supply[(c, d)] for d in days) <= week_days)
    for d in range(req.days):
        for q in subsets:
            vars_q = [v for (dd, _ti, k), v in counts.items() if dd == d and k in q]
            if vars_q:
                m.add(sum(vars_q) <= sum(supply[(c, d)] for c in classes if c & set(q)))
    for w in range(req.weeks):
        days = range(7 * w, 7 * w + 7)
        week_vars = [(v, types[ti].length) for (d, ti, _k), v in counts.items() if d in days]
        if not week_vars:
            continue
        max_days = 0
        max_minutes = 0
        min_minutes = 0
        for a, workable_days in agent_days.items():
            workable = sum(1 for d in days if d in workable_days)
            max_days += _max_days(agents[a], rules, types, workable)
            max_minutes += math.floor(agents[a].max_hours * 60)
            min_minutes += math.ceil(agents[a].min_hours * 60)
        m.add(sum(v for v, _ in week_vars) <= max_days)
        m.add(sum(v * length for v, length in week_vars) <= max_minutes)
        m.add(sum(v * length for v, length in week_vars) >= min(min_minutes, max_minutes))


def lp_bound(model: cp_model.CpModel) -> float:
    """The optimum of the linear relaxation of ``model`` (see :func:`lp_solve`)."""
    return lp_solve(model)[0]


def lp_solve(model: cp_model.CpModel) -> tuple[float, list[float]]:
    """The optimum of the linear relaxation of a CP-SAT model made of linear constraints (GLOP), in the model's
    objective units, and the value of every model variable (by index). Raises ComputationError when the LP is
    not solved to optimality."""
    from ortools.linear_solver import pywraplp  # type: ignore[import-untyped]

    proto = model.proto
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        raise ComputationError("the GLOP linear solver is not available in this OR-Tools build")
    inf = lp.infinity()

    def bound(v: int) -> float:
        return inf if v >= 2**62 else -inf if v <= -(2**62) else float(v)

    xs = []
    for var in proto.variables:
        dom = list(var.domain)
        xs.append(lp.NumVar(bound(dom[0]), bound(dom[-1]), ""))
    for ct in proto.constraints:
        if not ct.has_linear() or len(ct.enforcement_literal):
            raise ComputationError("lp_bound: the model holds a non-linear or enforced constraint")
        lin = ct.linear
        dom = list(lin.domain)
        row = lp.RowConstraint(bound(dom[0]), bound(dom[-1]), "")
        for ref, coef in zip(lin.vars, lin.coeffs, strict=True):
            if ref < 0:
                raise ComputationError("lp_bound: negated literals are not supported")
            row.SetCoefficient(xs[ref], float(coef))
    obj = lp.Objective()
    for ref, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        obj.SetCoefficient(xs[ref], float(coef))
    obj.SetOffset(float(proto.objective.offset))
    obj.SetMinimization()
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise ComputationError(f"the linear relaxation was not solved to optimality (GLOP status {status})")
    return float(obj.Value()), [x.solution_value() for x in xs]
