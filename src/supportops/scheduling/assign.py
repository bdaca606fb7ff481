"""Stage 2: give the counted shifts to named agents under every per-agent rule.

Boolean ``y[a, d, (t, k)]``: agent ``a`` works shift type ``t`` on skill ``k`` on day ``d``. Hard rules per
agent: one shift a day, eligibility (skills, availability, time off), days off per week (in one run when the
rules say so), maximum consecutive working days, minimum rest between shifts, paid hours per week within
[min, max]. Soft: match the stage-1 counts (a missing shift costs the under-staffing it leaves, a surplus the
over-staffing it adds), then overtime, then unmet start-time preferences, and fairness (the most weekend and
late shifts any agent gets is kept low). Agents are coupled only through the soft counts, so the model is
feasible exactly when every agent's own rules are (checked first by :mod:`supportops.scheduling.diagnose`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType, eligible

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["AgentRuleLiterals", "Assignment", "add_agent_rules", "build_assignment"]

COVERAGE_COST = 10  # per weighted agent-minute of coverage lost or added: above 1 per minute of overtime
PREFERENCE_COST = 30  # per shift outside the preferred start window: half an hour of overtime
FAIRNESS_COST = 60  # per weekend or late shift on the most loaded agent


@dataclass(slots=True)
class AgentRuleLiterals:
    """Per-agent rule constraints; with ``enforce`` each group is guarded by a literal named by
    ``(rule, day)`` so that an infeasible set can be traced back to words."""

    y: dict[tuple[int, int, int], cp_model.IntVar]
    work: list[cp_model.LinearExprT]
    guards: dict[tuple[str, int], cp_model.IntVar]
    minutes: list[cp_model.LinearExprT]


def add_agent_rules(
    m: cp_model.CpModel,
    agent: Agent,
    req: Requirements,
    rules: Rules,
    types: tuple[ShiftType, ...],
    *,
    options: Mapping[int, list[tuple[int, int]]] | None = None,
    guarded: bool = False,
) -> AgentRuleLiterals:
    """Add one agent's variables and hard rules to ``m``.

    ``options`` restricts the (type, skill) pairs per day (default: every eligible one). With ``guarded``,
    availability and time off are not filtered out but enforced by guard literals too, and each rule group
    gets its own guard (``("time_off", d)``, ``("availability", d)``, ``("days_off", w)``,
    ``("consecutive_days_off", w)``, ``("max_consecutive", d)``, ``("rest", d)``, ``("min_hours", w)``,
    ``("max_hours", w)``), to be passed as assumptions.
    """
    guards: dict[tuple[str, int], cp_model.IntVar] = {}

    def guard(rule: str, index: int) -> list[cp_model.IntVar]:
        if not guarded:
            return []
        lit = m.new_bool_var(f"{rule}_{index}")
        guards[(rule, index)] = lit
        return [lit]

    skills = [k for k, s in enumerate(req.skills) if s in agent.skills]
    y: dict[tuple[int, int, int], cp_model.IntVar] = {}
    work: list[cp_model.LinearExprT] = []
    for d in range(req.days):
        if options is not None:
            pairs = options.get(d, [])
        elif guarded:
            pairs = [(t.index, k) for t in types for k in skills]
        else:
            pairs = [(t.index, k) for t in types if eligible(agent, req, d, t) for k in skills]
        day_vars = []
        for ti, k in pairs:
            v = m.new_bool_var("")
            y[(d, ti, k)] = v
            day_vars.append(v)
        m.add(sum(day_vars) <= 1)
        work.append(sum(day_vars))
        if guarded:
            when = req.day(d)
            if when in agent.time_off and day_vars:
                m.add(sum(day_vars) == 0).only_enforce_if(guard("time_off", d))
            if when.weekday() in agent.availability:
                outside = [
                    y[(d, ti, k)] for ti, k in pairs if not eligible(agent, req, d, types[ti], check_time_off=False)
                ]
                if outside:
                    m.add(sum(outside) == 0).only_enforce_if(guard("availability", d))

    minutes: list[cp_model.LinearExprT] = []
    for w in range(req.weeks):
        days = list(range(7 * w, 7 * w + 7))
        if rules.days_off:
            m.add(sum(work[d] for d in days) <= 7 - rules.days_off).only_enforce_if(guard("days_off", w))
            if rules.consecutive_days_off and rules.days_off < 7:
                lits = guard("consecutive_days_off", w)
                block = []
                for s in range(8 - rules.days_off):
                    z = m.new_bool_var("")
                    block.append(z)
                    for d in days[s : s + rules.days_off]:
                        m.add(work[d] == 0).only_enforce_if(z)
                m.add(sum(block) >= 1).only_enforce_if(lits)
        mins = sum(y[key] * types[key[1]].length for key in y if key[0] in days)
        minutes.append(mins)
        m.add(mins >= round(agent.min_hours * 60)).only_enforce_if(guard("min_hours", w))
        m.add(mins <= round(agent.max_hours * 60)).only_enforce_if(guard("max_hours", w))

    c = rules.max_consecutive_days
    for d in range(req.days - c):
        m.add(sum(work[d : d + c + 1]) <= c).only_enforce_if(guard("max_consecutive", d))

    if rules.min_rest > 0:
        on: list[cp_model.IntVar | None] = []
        for d in range(req.days):
            day_vars = [v for (dd, _ti, _k), v in y.items() if dd == d]
            if day_vars:
                b = m.new_bool_var("")
                m.add(sum(day_vars) == b)
                on.append(b)
            else:
                on.append(None)
        for d in range(req.days - 1):
            today = [(types[ti], v) for (dd, ti, _k), v in y.items() if dd == d]
            tomorrow = [(types[ti], v) for (dd, ti, _k), v in y.items() if dd == d + 1]
            b0, b1 = on[d], on[d + 1]
            if b0 is None or b1 is None:
                continue
            latest_end = max(t.end for t, _ in today)
            earliest_start = min(t.start for t, _ in tomorrow)
            if 1440 + earliest_start - latest_end >= rules.min_rest:
                continue
            gap = 1440 + sum(v * t.start for t, v in tomorrow) - sum(v * t.end for t, v in today)
            m.add(gap >= rules.min_rest).only_enforce_if([b0, b1, *guard("rest", d)])
    return AgentRuleLiterals(y=y, work=work, guards=guards, minutes=minutes)


@dataclass(slots=True)
class Assignment:
    """The stage-2 model and, per agent, its shift variables ``(day, type, skill) → bool``."""

    model: cp_model.CpModel
    y: list[dict[tuple[int, int, int], cp_model.IntVar]]
    miss: dict[tuple[int, int, int], cp_model.IntVar]
    extra: dict[tuple[int, int, int], cp_model.IntVar]


def build_assignment(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    counts: Mapping[tuple[int, int, int], int],
    *,
    all_options: bool = False,
) -> Assignment:
    """The stage-2 model for the stage-1 ``counts`` (day, type, skill) → shifts.

    Each agent is offered only the counted (type, skill) pairs of each day unless ``all_options`` (every
    shift the agent may work; larger, needed only when the counted shifts cannot meet an agent's hours).
    """
    used: dict[int, set[tuple[int, int]]] = {}
    for d, ti, k in counts:
        used.setdefault(d, set()).add((ti, k))
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    per_agent: list[dict[tuple[int, int, int], cp_model.IntVar]] = []
    overtime: list[cp_model.IntVar] = []
    unmet: list[cp_model.IntVar] = []
    weekend_load: list[cp_model.LinearExprT] = []
    late_load: list[cp_model.LinearExprT] = []
    for agent in agents:
        options = None
        if not all_options:
            mine = {k for k, s in enumerate(req.skills) if s in agent.skills}
            options = {
                d: sorted((ti, k) for ti, k in pairs if k in mine and eligible(agent, req, d, types[ti]))
                for d, pairs in used.items()
            }
        lits = add_agent_rules(m, agent, req, rules, types, options=options)
        per_agent.append(lits.y)
        for mins in lits.minutes:
            ot = m.new_int_var(0, 7 * 1440, "")
            m.add(ot >= mins - round(agent.contract * 60))
            overtime.append(ot)
        if agent.preferred_start is not None:
            lo, hi = agent.preferred_start
            unmet.extend(v for (_d, ti, _k), v in lits.y.items() if not lo <= types[ti].start <= hi)
        weekend_load.append(sum(v for (d, _ti, _k), v in lits.y.items() if req.day(d).weekday() >= 5))
        late_load.append(sum(v for (_d, ti, _k), v in lits.y.items() if types[ti].end > rules.late_end))

    miss: dict[tuple[int, int, int], cp_model.IntVar] = {}
    extra: dict[tuple[int, int, int], cp_model.IntVar] = {}
    keys = set(counts) | {key for y in per_agent for key in y}
    cost: list[cp_model.LinearExprT] = []
    for key in sorted(keys):
        staffed = [y[key] for y in per_agent if key in y]
        target = int(counts.get(key, 0))
        short = m.new_int_var(0, target, "")
        surplus = m.new_int_var(0, len(staffed), "")
        m.add(sum(staffed) - surplus + short == target)
        miss[key], extra[key] = short, surplus
        t = types[key[1]]
        on_phone = t.length - t.break_minutes
        cost.append(COVERAGE_COST * (rules.under_weight * on_phone * short + rules.over_weight * on_phone * surplus))
    most_weekend = m.new_int_var(0, req.days, "")
    most_late = m.new_int_var(0, req.days, "")
    for w_load, l_load in zip(weekend_load, late_load, strict=True):
        m.add(most_weekend >= w_load)
        m.add(most_late >= l_load)
    terms: list[cp_model.LinearExprT] = [*cost, *overtime, PREFERENCE_COST * cp_model.LinearExpr.sum(unmet)]
    terms.append(FAIRNESS_COST * cp_model.LinearExpr.sum([most_weekend, most_late]))
    m.minimize(cp_model.LinearExpr.sum(terms))
    return Assignment(model=m, y=per_agent, miss=miss, extra=extra)


def greedy_tours(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    counts: Mapping[tuple[int, int, int], int],
    *,
    seed: int = 0,
    deadline_s: float = 30.0,
    passes: int = 4,
    progress: Callable[[int, int, int], None] | None = None,
) -> list[set[tuple[int, int, int]]]:
    """A first assignment by best responses: each agent in turn (least flexible first, then in random order)
    takes the week of shifts that best fills what the others leave uncounted, under all of its own rules, by a
    tiny CP-SAT model. Every move lowers the stage-2 coverage cost, so passes repeat until nothing changes,
    ``passes`` are done or ``deadline_s`` seconds are spent. Used as the hint of the full stage-2 model.
    ``progress(pass, agents changed, cost)`` is told after each pass. Returns per agent the chosen
    (day, type, skill) keys."""
    import time

    import numpy as np

    started = time.perf_counter()
    taken: dict[tuple[int, int, int], int] = {}
    used: dict[int, set[tuple[int, int]]] = {}
    for d, ti, k in counts:
        used.setdefault(d, set()).add((ti, k))
    order = sorted(range(len(agents)), key=lambda a: (len(agents[a].skills), -agents[a].min_hours, agents[a].id))
    chosen: list[set[tuple[int, int, int]]] = [set() for _ in agents]
    rng = np.random.default_rng(seed)
    best: list[set[tuple[int, int, int]]] = []
    best_cost = -1
    stale = 0  # local optima in a row that did not beat the best
    for n in range(passes):
        changed = 0
        for a in order if n == 0 else [int(i) for i in rng.permutation(len(agents))]:
            if n and time.perf_counter() - started > deadline_s:
                return best  # the first pass always completes: every agent needs a week that keeps its rules
            for key in chosen[a]:
                taken[key] -= 1
            week = _best_week(agents[a], req, rules, types, used, counts, taken, seed)
            if week is None:
                week = chosen[a]
            changed += week != chosen[a]
            chosen[a] = week
            for key in week:
                taken[key] = taken.get(key, 0) + 1
        cost = assignment_cost(req, agents, rules, types, counts, chosen)
        if best_cost < 0 or cost < best_cost:
            best, best_cost, stale = [set(x) for x in chosen], cost, 0
        if progress is not None:
            progress(n + 1, changed, best_cost)
        if n and not changed:
            stale += 1
            if stale > 3:
                break
            # a local optimum: no single agent can do better alone; shake a tenth of the agents loose
            for a in rng.choice(len(agents), size=max(1, len(agents) // 10), replace=False):
                kicked = _best_week(agents[int(a)], req, rules, types, used, counts, {}, seed + n)
                if kicked is not None:
                    for key in chosen[int(a)]:
                        taken[key] -= 1
                    chosen[int(a)] = kicked
                    for key in kicked:
                        taken[key] = taken.get(key, 0) + 1
    return best


def _best_week(
    agent: Agent,
    req: Requirements,
    rules: Rules,
    types: tuple[ShiftType, ...],
    used: Mapping[int, set[tuple[int, int]]],
    counts: Mapping[tuple[int, int, int], int],
    taken: Mapping[tuple[int, int, int], int],
    seed: int,
    *,
    restricted: bool = True,
) -> set[tuple[int, int, int]] | None:
    """The week of shifts (keys) that lowers the coverage cost most, given what the other agents have taken."""
    from ortools.sat.python import cp_model

    mine = {k for k, s in enumerate(req.skills) if s in agent.skills}
    options = {
        d: sorted((ti, k) for ti, k in pairs if k in mine and eligible(agent, req, d, types[ti]))
        for d, pairs in used.items()
    }
    m = cp_model.CpModel()
    lits = add_agent_rules(m, agent, req, rules, types, options=options if restricted else None)
    gain = []
    for key, v in lits.y.items():
        t = types[key[1]]
        on_phone = t.length - t.break_minutes
        open_ = counts.get(key, 0) - taken.get(key, 0) > 0
        value = rules.under_weight * on_phone if open_ else -rules.over_weight * on_phone
        if agent.preferred_start is not None and not agent.preferred_start[0] <= t.start <= agent.preferred_start[1]:
            value -= PREFERENCE_COST // COVERAGE_COST
        gain.append(value * v)
    over_contract = []
    for mins in lits.minutes:
        ot = m.new_int_var(0, 7 * 1440, "")
        m.add(ot >= mins - round(agent.contract * 60))
        over_contract.append(ot)
    m.maximize(COVERAGE_COST * sum(gain) - sum(over_contract))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = 1.0
    if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if restricted:  # the counted shifts cannot meet this agent's hours: offer every shift it may work
            return _best_week(agent, req, rules, types, used, counts, taken, seed, restricted=False)
        return None
    return {key for key, v in lits.y.items() if solver.boolean_value(v)}


def assignment_cost(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    counts: Mapping[tuple[int, int, int], int],
    chosen: list[set[tuple[int, int, int]]],
) -> int:
    """The stage-2 objective of an assignment (per agent, its (day, type, skill) keys)."""
    got: dict[tuple[int, int, int], int] = {}
    for keys in chosen:
        for key in keys:
            got[key] = got.get(key, 0) + 1
    cost = 0
    for key in set(got) | set(counts):
        t = types[key[1]]
        on_phone = t.length - t.break_minutes
        gap = got.get(key, 0) - counts.get(key, 0)
        cost += COVERAGE_COST * on_phone * (rules.under_weight * max(0, -gap) + rules.over_weight * max(0, gap))
    weekend = late = 0
    for agent, keys in zip(agents, chosen, strict=True):
        for w in range(req.weeks):
            mins = sum(types[ti].length for d, ti, _k in keys if 7 * w <= d < 7 * w + 7)
            cost += max(0, mins - round(agent.contract * 60))
        if agent.preferred_start is not None:
            lo, hi = agent.preferred_start
            cost += PREFERENCE_COST * sum(1 for _d, ti, _k in keys if not lo <= types[ti].start <= hi)
        weekend = max(weekend, sum(1 for d, _ti, _k in keys if req.day(d).weekday() >= 5))
        late = max(late, sum(1 for _d, ti, _k in keys if types[ti].end > rules.late_end))
    return cost + FAIRNESS_COST * (weekend + late)
