"""The tour model: integer counts of whole weekly tours per group of interchangeable agents, as a layered flow.

Agents with equal profiles (skills, hours, availability, time off, preferences) are interchangeable, so a
schedule is fully described, up to names, by how many agents of each group work each sequence of days. Per
group, the sequences a person may work are the source-to-sink paths of a layered network, one layer per day:

* a *boundary node* ``(d, state, i)`` before day ``d`` holds the rule state (paid minutes and days off so far
  this week, the current run of days off and of working days, whether the week's block of consecutive days
  off is done) and ``i``, the first start time still allowed on day ``d`` by the minimum rest after the
  previous shift;
* from it an *off* arc leads to the next boundary, and an *enter* arc to the chain of start times of day ``d``
  (``(d, state, s)`` → the next later start), from which a *shift* arc (start ``s``, one length) leads to the
  next boundary with the minutes added and the rest restriction of its end;
* at each week's end only states keeping the weekly rules (days off, the block of consecutive days off,
  minimum and maximum paid hours) continue. States that cannot end in a valid week are pruned.

The integer flow of each group (as many units as agents) decomposes exactly into per-agent weeks that keep
every hard rule (``tour_solve.decompose``): the network's paths are exactly the rule-keeping tours. Shift
arcs summed per day and type are the group's shift counts; they are split among the group's skills and covered by
the implicit break model of :mod:`supportops.scheduling.aggregate` (breaks do not depend on who takes them).
Because every schedule is such an integer flow, the linear relaxation of this model is a lower bound on the
gap of every schedule, and at least as high as that of the shift-count model (the flow polytope is integral,
so the relaxation only relaxes the integrality of break positions and of the coverage split).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from supportops.errors import ComputationError
from supportops.scheduling.aggregate import slot_requirements
from supportops.scheduling.assign import COVERAGE_COST, PREFERENCE_COST
from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType, eligible

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["Arc", "Node", "TourModel", "build_tours", "group_agents"]

_EXPECTED_SCALE = 20  # coverage resolution (1/20 agent) with expected breaks

State = tuple[int, int, int, bool, int]
"""(paid minutes this week, days off this week (capped), current run of days off (capped), block of
consecutive days off done this week, current run of working days)."""

Node = tuple[int, State, int]
"""A boundary node (day, state, index of the first allowed start) or a chain node (day, state, start index);
they are told apart by the ``kind`` of the arcs that touch them."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Arc:
    """One arc of a group's network: ``kind`` is ``off``, ``enter``, ``chain`` or ``shift`` (then ``day`` and
    ``type`` say which shift is worked); ``tail``/``head`` are ``("b"|"q", node)`` keys."""

    kind: str
    tail: tuple[str, Node]
    head: tuple[str, Node]
    day: int = -1
    type: int = -1
    cost: int = 0


@dataclass(slots=True)
class TourModel:
    """The CP-SAT model and its handles; ``scale`` multiplies requirements and coverage so fractional
    requirements stay integers. ``flows[g][i]`` is the flow on ``arcs[g][i]``; ``split[g][(d, t, k)]`` the
    group's shifts of type ``t`` on day ``d`` worked on skill ``k``."""

    model: cp_model.CpModel
    groups: list[list[int]]
    arcs: list[list[Arc]]
    flows: list[list[cp_model.IntVar]]
    split: list[dict[tuple[int, int, int], cp_model.LinearExprT]]
    counts: dict[tuple[int, int, int], cp_model.IntVar]
    breaks: dict[tuple[int, int, int, int, int], cp_model.IntVar]
    scale: int
    slot: int
    coverage_unit: int
    days: int
    need: NDArray[np.int64]
    split_index: list[dict[tuple[int, int, int], list[int]]] = field(default_factory=list)
    parts: list[dict[tuple[int, int, int], cp_model.IntVar]] = field(default_factory=list)
    gaps: dict[tuple[int, int], tuple[cp_model.IntVar, cp_model.IntVar]] = field(default_factory=dict)
    sources: list[tuple[str, Node]] = field(default_factory=list)


def group_agents(agents: list[Agent]) -> list[list[int]]:
    """Indices of agents with equal profiles (interchangeable), in first-seen order."""
    by: dict[tuple[object, ...], list[int]] = {}
    for a, agent in enumerate(agents):
        by.setdefault(agent.profile(), []).append(a)
    return list(by.values())


def _network(
    agent: Agent, req: Requirements, rules: Rules, types: tuple[ShiftType, ...], max_arcs: int
) -> tuple[list[Arc], tuple[str, Node]]:
    """The pruned layered network of one profile's valid tours over the horizon."""
    days = req.days
    d_off = rules.days_off
    need_block = bool(d_off and rules.consecutive_days_off and d_off < 7)
    longest_run = min(days, 7 - d_off if req.weeks == 1 else 2 * (7 - d_off))
    track_run = rules.max_consecutive_days < longest_run
    lo_min, hi_min = round(agent.min_hours * 60), round(agent.max_hours * 60)
    contract = round(agent.contract * 60)
    pref = agent.preferred_start
    # per day: the eligible types by start, the sorted distinct starts
    options: list[dict[int, list[ShiftType]]] = []
    for d in range(days):
        by_start: dict[int, list[ShiftType]] = {}
        for t in types:
            if eligible(agent, req, d, t):
                by_start.setdefault(t.start, []).append(t)
        options.append(by_start)
    starts = [sorted(o) for o in options]
    lengths = [sorted({t.length for ts in o.values() for t in ts}) for o in options]

    def week_ok(st: State) -> bool:
        minutes, offs, _run_off, block, _run = st
        return offs >= d_off and (block or not need_block) and lo_min <= minutes <= hi_min

    def step(st: State, d: int, length: int | None) -> tuple[State, int] | None:
        """The state after working ``length`` minutes (None: off) on day ``d``, and the overtime cost, or None
        when a rule breaks."""
        minutes, offs, run_off, block, run = st
        if length is None:
            run_off = min(run_off + 1, max(d_off, 1))
            st2: State = (minutes, min(offs + 1, d_off), run_off, block or run_off >= d_off, 0)
        else:
            if minutes + length > hi_min or (track_run and run + 1 > rules.max_consecutive_days):
                return None
            st2 = (minutes + length, offs, 0, block, run + 1 if track_run else 0)
        cost = 0
        if (d + 1) % 7 == 0:
            if not week_ok(st2):
                return None
            cost = max(0, st2[0] - contract)
            st2 = (0, 0, 0, False, st2[4])
        return st2, cost

    init: State = (0, 0, 0, False, 0)
    layers: list[set[State]] = [{init}]
    moves: list[dict[State, list[tuple[int | None, State, int]]]] = []
    for d in range(days):
        nxt: set[State] = set()
        mv: dict[State, list[tuple[int | None, State, int]]] = {}
        for st in layers[d]:
            for length in (None, *lengths[d]):
                res = step(st, d, length)
                if res is not None:
                    mv.setdefault(st, []).append((length, *res))
                    nxt.add(res[0])
        moves.append(mv)
        layers.append(nxt)
    alive = set(layers[days])
    for d in range(days - 1, -1, -1):  # keep only states from which a valid end is reachable
        keep: set[State] = set()
        for st, mv_list in moves[d].items():
            mv_list[:] = [m for m in mv_list if m[1] in alive]
            if mv_list:
                keep.add(st)
        alive = keep
        layers[d] = keep
    if init not in layers[0]:
        raise ComputationError(f"agent {agent.id}: no week keeps every rule")

    arcs: list[Arc] = []
    seen_b: set[Node] = set()
    todo: list[Node] = [(0, init, 0)]
    seen_b.add(todo[0])
    chains: set[tuple[int, State]] = set()
    while todo:
        node = todo.pop()
        d, st, first = node
        if d == days:
            continue
        b = ("b", node)
        for length, st2, cost in moves[d].get(st, []):
            if length is None:
                head: Node = (d + 1, st2, 0)
                arcs.append(Arc(kind="off", tail=b, head=("b", head), cost=cost))
                if head not in seen_b:
                    seen_b.add(head)
                    todo.append(head)
        works = [m for m in moves[d].get(st, []) if m[0] is not None]
        if not works or first >= len(starts[d]):
            continue
        arcs.append(Arc(kind="enter", tail=b, head=("q", (d, st, first))))
        if (d, st) in chains:
            continue
        chains.add((d, st))
        for i, s in enumerate(starts[d]):
            q = ("q", (d, st, i))
            if i + 1 < len(starts[d]):
                arcs.append(Arc(kind="chain", tail=q, head=("q", (d, st, i + 1))))
            for length, st2, cost in works:
                for t in options[d][s]:
                    if t.length != length:
                        continue
                    nxt_first = 0
                    if d + 1 < days and rules.min_rest > 0:
                        earliest = t.end + rules.min_rest - 1440
                        nxt_first = next(
                            (j for j, s2 in enumerate(starts[d + 1]) if s2 >= earliest), len(starts[d + 1])
                        )
                    head = (d + 1, st2, nxt_first)
                    c = cost + (PREFERENCE_COST if pref is not None and not pref[0] <= t.start <= pref[1] else 0)
                    arcs.append(Arc(kind="shift", tail=q, head=("b", head), day=d, type=t.index, cost=c))
                    if head not in seen_b:
                        seen_b.add(head)
                        todo.append(head)
        if len(arcs) > max_arcs:
            raise ComputationError(f"the tour network of agent {agent.id} exceeds {max_arcs} arcs")
    return arcs, ("b", (0, init, 0))


def build_tours(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    *,
    under_weight: int,
    over_weight: int,
    secondary: bool = True,
    away: Mapping[tuple[int, int, int], Mapping[int, float]] | None = None,
    max_arcs: int = 400_000,
) -> TourModel:
    """The tour model of ``agents`` against ``req``: minimise ``under_weight`` × under- plus ``over_weight`` ×
    over-staffing (per slot and skill), then (``secondary``) overtime minutes and unmet preferences, priced as
    in the assignment stage. ``away``: no break variables; a shift covers each slot by the share of it not on
    break, ``away[(d, t, k)][slot from shift start]`` (an approximation for rounding fast; coverage then in
    1/20 agent). Raises ComputationError when the networks exceed ``max_arcs`` arcs in all."""
    from ortools.sat.python import cp_model

    slot = rules.slot
    per_day = 1440 // slot
    horizon = req.days * per_day
    need = slot_requirements(req, slot)
    scale = 1
    for sc in (1, 10, 100):
        scale = sc
        if np.allclose(need * sc, np.round(need * sc), atol=1e-9):
            break
    if away is not None:
        scale *= _EXPECTED_SCALE
    need_i = np.round(need * scale).astype(np.int64)
    m = cp_model.CpModel()
    groups = group_agents(agents)
    all_arcs: list[list[Arc]] = []
    all_flows: list[list[cp_model.IntVar]] = []
    splits: list[dict[tuple[int, int, int], cp_model.LinearExprT]] = []
    sources: list[tuple[str, Node]] = []
    split_index: list[dict[tuple[int, int, int], list[int]]] = []
    all_parts: list[dict[tuple[int, int, int], cp_model.IntVar]] = []
    per_count: dict[tuple[int, int, int], list[cp_model.LinearExprT]] = {}
    secondary_terms: list[cp_model.LinearExprT] = []
    total_arcs = 0
    for members in groups:
        agent = agents[members[0]]
        size = len(members)
        arcs, source = _network(agent, req, rules, types, max_arcs - total_arcs)
        total_arcs += len(arcs)
        flows = [m.new_int_var(0, size, "") for _ in arcs]
        inflow: dict[tuple[str, Node], list[cp_model.IntVar]] = {}
        outflow: dict[tuple[str, Node], list[cp_model.IntVar]] = {}
        per_shift: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        for arc, f in zip(arcs, flows, strict=True):
            outflow.setdefault(arc.tail, []).append(f)
            inflow.setdefault(arc.head, []).append(f)
            if arc.kind == "shift":
                per_shift.setdefault((arc.day, arc.type), []).append(f)
            if secondary and arc.cost:
                secondary_terms.append(arc.cost * f)
        m.add(sum(outflow[source]) == size)
        for node, outs in outflow.items():
            if node != source:
                m.add(sum(inflow.get(node, [])) == sum(outs))
        for node, ins in inflow.items():
            if node not in outflow and node[1][0] < req.days:  # a dead end before the horizon ends
                for f in ins:
                    m.add(f == 0)
        mine = [k for k, s in enumerate(req.skills) if s in agent.skills]
        split: dict[tuple[int, int, int], cp_model.LinearExprT] = {}
        index: dict[tuple[int, int, int], list[int]] = {}
        part_vars: dict[tuple[int, int, int], cp_model.IntVar] = {}
        for (d, ti), fs in sorted(per_shift.items()):
            if len(mine) == 1:
                split[(d, ti, mine[0])] = sum(fs)
                index[(d, ti, mine[0])] = [f.index for f in fs]
            else:
                parts = [m.new_int_var(0, size, "") for _ in mine]
                m.add(sum(parts) == sum(fs))
                for k, p in zip(mine, parts, strict=True):
                    split[(d, ti, k)] = p
                    part_vars[(d, ti, k)] = p
                    index[(d, ti, k)] = [p.index]
        split_index.append(index)
        all_parts.append(part_vars)
        for key, expr in split.items():
            per_count.setdefault(key, []).append(expr)
        all_arcs.append(arcs)
        all_flows.append(flows)
        splits.append(split)
        sources.append(source)

    counts: dict[tuple[int, int, int], cp_model.IntVar] = {}
    brk: dict[tuple[int, int, int, int, int], cp_model.IntVar] = {}
    terms: list[list[list[tuple[cp_model.IntVar, int]]]] = [[[] for _ in range(horizon)] for _ in req.skills]
    cap = len(agents)
    for (d, ti, k), exprs in sorted(per_count.items()):
        t = types[ti]
        n = m.new_int_var(0, cap, f"n_{d}_{ti}_{k}")
        m.add(n == sum(exprs))
        counts[(d, ti, k)] = n
        first = d * per_day + t.start // slot
        share = away.get((d, ti, k), {}) if away is not None else {}
        for h in range(first, min(first + t.length // slot, horizon)):
            coef = round(scale * (1.0 - share.get(h - first, 0.0)))
            if coef:
                terms[k][h].append((n, coef))
        for j, offsets in () if away is not None else enumerate(t.break_offsets):
            placed = []
            for off in offsets:
                b = m.new_int_var(0, cap, f"b_{d}_{ti}_{k}_{j}_{off}")
                brk[(d, ti, k, j, off)] = b
                placed.append(b)
                s0 = first + off // slot
                for h in range(s0, min(s0 + math.ceil(t.break_lengths[j] / slot), horizon)):
                    terms[k][h].append((b, -scale))
            m.add(sum(placed) == n)
    big = int(scale * (len(agents) + need.max(initial=0.0) + 1))
    gap_terms: list[cp_model.LinearExprT] = []
    gaps: dict[tuple[int, int], tuple[cp_model.IntVar, cp_model.IntVar]] = {}
    for k in range(len(req.skills)):
        for h in range(horizon):
            if not terms[k][h] and need_i[k, h] == 0:
                continue
            u = m.new_int_var(0, big, "")
            o = m.new_int_var(0, big, "")
            m.add(sum(v * c for v, c in terms[k][h]) - o + u == int(need_i[k, h]))
            gap_terms.append(under_weight * u + over_weight * o)
            gaps[(k, h)] = (u, o)
    # coverage in agent-slots × scale; a weighted agent-minute is worth COVERAGE_COST minutes of overtime
    unit = COVERAGE_COST * slot if secondary else 1
    m.minimize(unit * cp_model.LinearExpr.sum(gap_terms) + scale * cp_model.LinearExpr.sum(secondary_terms))
    return TourModel(
        model=m,
        groups=groups,
        arcs=all_arcs,
        flows=all_flows,
        split=splits,
        counts=counts,
        breaks=brk,
        scale=scale,
        slot=slot,
        coverage_unit=unit,
        days=req.days,
        need=need_i,
        split_index=split_index,
        parts=all_parts,
        gaps=gaps,
        sources=sources,
    )
