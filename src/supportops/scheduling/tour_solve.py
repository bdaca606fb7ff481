"""Solving the tour model: its relaxation rounded to whole tours, CP-SAT within the rounding's reach, and the
conversion between integer flows and per-agent weeks (exact both ways).

:func:`solve_tours` is the schedule's main stage when the tour model fits: the linear relaxation (GLOP) of
the weighted model, each flow held within [floor, ceil] of its relaxed value (an integer flow always
exists there: the network's polytope is integral), whole tours and exact breaks in that window by HiGHS's
branch and bound (CP-SAT from the rounded relaxation when HiGHS finds nothing in time, the rounded
relaxation itself when neither does), then the flow cut into one path per agent.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from supportops.errors import ComputationError
from supportops.scheduling.aggregate import lp_solve
from supportops.scheduling.highs import milp_solve
from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType
from supportops.scheduling.tours import Node, TourModel, build_tours

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["add_hint", "decompose", "encode", "round_relaxation", "solution_values", "solve_tours"]


Placed = tuple[int, int, int, tuple[int, ...]]
Values = tuple[
    dict[tuple[int, int], int], dict[tuple[int, int, int, int], int], dict[tuple[int, int, int, int, int], int]
]


def decompose(
    tm: TourModel,
    types: tuple[ShiftType, ...],
    flow: Mapping[tuple[int, int], int],
    split: Mapping[tuple[int, int, int, int], int],
    breaks: Mapping[tuple[int, int, int, int, int], int],
    n_agents: int,
    *,
    loaded: Callable[[int, int], tuple[int, ...]] | None = None,
) -> list[list[Placed]]:
    """Per agent (by index into the agents the model was built for) its week as (day, type, skill, break
    offsets), from integer values: ``flow[(g, i)]`` on arc ``i`` of group ``g``, ``split[(g, d, t, k)]`` and
    ``breaks[(d, t, k, j, p)]``. Each group's flow is cut into source-to-sink paths, one per agent.

    ``loaded(day, type)`` counts what should be shared fairly (e.g. (weekend shift, late shift) as 0/1):
    two agents of a group whose paths pass through the same nodes before and after a day may swap that day's
    shifts (both weeks stay valid), and such swaps are made while they even out the loads."""
    weeks: list[list[Placed]] = [[] for _ in range(n_agents)]
    nodes: dict[int, list[tuple[str, Node]]] = {}
    pending: dict[tuple[int, int, int], list[int]] = {}
    for g, members in enumerate(tm.groups):
        arcs = tm.arcs[g]
        left = {i: flow.get((g, i), 0) for i in range(len(arcs))}
        out: dict[tuple[str, Node], list[int]] = {}
        for i, arc in enumerate(arcs):
            out.setdefault(arc.tail, []).append(i)
        skills: dict[tuple[int, int], list[int]] = {}
        for (gg, d, ti, k), v in sorted(split.items()):
            if gg == g:
                skills.setdefault((d, ti), []).extend([k] * v)
        for a in members:
            node = tm.sources[g]
            nodes[a] = [node]
            while node in out:
                step = next((i for i in out[node] if left[i] > 0), None)
                if step is None:
                    break
                left[step] -= 1
                arc = arcs[step]
                if arc.kind == "shift":
                    ks = skills.get((arc.day, arc.type))
                    if not ks:
                        raise ComputationError("tour decomposition: shifts and their skill split disagree")
                    k = ks.pop()
                    weeks[a].append((arc.day, arc.type, k, ()))
                    pending.setdefault((arc.day, arc.type, k), []).append(a)
                node = arc.head
                if node[0] == "b":
                    nodes[a].append(node)
            if node[1][0] != tm.days:
                raise ComputationError("tour decomposition: a path stopped before the horizon's end")
    # breaks: dealt out among the agents working each (day, type, skill)
    for (d, ti, k), who in pending.items():
        t = types[ti]
        per_break: list[list[int]] = []
        for j, offsets in enumerate(t.break_offsets):
            dealt = [p for p in offsets for _ in range(breaks.get((d, ti, k, j, p), 0))]
            dealt += [offsets[len(offsets) // 2]] * max(0, len(who) - len(dealt))
            per_break.append(dealt)
        for n, a in enumerate(who):
            week = weeks[a]
            idx = next(i for i, sh in enumerate(week) if sh[:3] == (d, ti, k) and sh[3] == ())
            week[idx] = (d, ti, k, tuple(dealt[n] for dealt in per_break))
    for week in weeks:
        week.sort()
    if loaded is not None:
        for members in tm.groups:
            _share(weeks, nodes, members, tm.days, loaded)
    return weeks


def _share(
    weeks: list[list[Placed]],
    nodes: Mapping[int, list[tuple[str, Node]]],
    members: list[int],
    days: int,
    loaded: Callable[[int, int], tuple[int, ...]],
) -> None:
    """Swap single days between agents of one group, through shared nodes, while that lowers the sum of
    squared loads (the most loaded agent gives to the least loaded)."""
    by_day = {a: {sh[0]: sh for sh in weeks[a]} for a in members}

    if len(members) < 2 or not any(by_day.values()):
        return
    width = len(loaded(0, 0))
    zero = (0,) * width
    loads = {a: [0] * width for a in members}
    for a in members:
        for d, sh in by_day[a].items():
            loads[a] = [x + y for x, y in zip(loads[a], loaded(d, sh[1]), strict=True)]
    for _sweep in range(20):
        swapped = False
        for a in members:
            for b in members:
                if a >= b:
                    continue
                for d in range(days):
                    if nodes[a][d] != nodes[b][d] or nodes[a][d + 1] != nodes[b][d + 1]:
                        continue
                    sa, sb = by_day[a].get(d), by_day[b].get(d)
                    va = loaded(d, sa[1]) if sa else zero
                    vb = loaded(d, sb[1]) if sb else zero
                    if va == vb:
                        continue
                    na = [x - y + z for x, y, z in zip(loads[a], va, vb, strict=True)]
                    nb = [x - y + z for x, y, z in zip(loads[b], vb, va, strict=True)]
                    if sum(x * x for x in na + nb) < sum(x * x for x in loads[a] + loads[b]):
                        loads[a], loads[b] = na, nb
                        for who, got in ((a, sb), (b, sa)):
                            if got is None:
                                by_day[who].pop(d, None)
                            else:
                                by_day[who][d] = got
                        swapped = True
        if not swapped:
            break
    for a in members:
        weeks[a] = sorted(by_day[a].values())


def _largest_remainder(shares: list[float], total: int) -> list[int]:
    """Whole numbers summing to ``total`` as close as possible to ``shares`` (scaled to that total)."""
    s = sum(shares)
    if total <= 0 or s <= 0:
        return [0] * len(shares) if total <= 0 else [total] + [0] * (len(shares) - 1)
    want = [v * total / s for v in shares]
    out = [math.floor(v + 1e-9) for v in want]
    order = sorted(range(len(want)), key=lambda i: out[i] - want[i])
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def round_relaxation(tm: TourModel, types: tuple[ShiftType, ...], x: list[float]) -> Values:
    """An integer solution near the linear relaxation ``x`` (values by model variable index): each group's
    fractional flow is cut into weighted paths (valid tours), whole multiplicities are chosen by largest
    remainder, then the skill split and the break positions follow the relaxation's shares. Returns the
    values for :func:`decompose` (flow, split, breaks)."""
    flow: dict[tuple[int, int], int] = {}
    split: dict[tuple[int, int, int, int], int] = {}
    for g, members in enumerate(tm.groups):
        arcs = tm.arcs[g]
        left = [max(0.0, x[f.index]) for f in tm.flows[g]]
        out: dict[tuple[str, Node], list[int]] = {}
        for i, arc in enumerate(arcs):
            out.setdefault(arc.tail, []).append(i)
        paths: list[tuple[float, list[int]]] = []
        while True:
            node, path = tm.sources[g], []
            while node in out:
                step = max(out[node], key=lambda i: left[i])
                if left[step] <= 1e-9:
                    break
                path.append(step)
                node = arcs[step].head
            if node[1][0] != tm.days or not path:
                break
            w = min(left[i] for i in path)
            if w <= 1e-9:
                break
            for i in path:
                left[i] -= w
            paths.append((w, path))
        mult = _largest_remainder([w for w, _ in paths], len(members))
        per_shift: dict[tuple[int, int], int] = {}
        for (_w, path), n in zip(paths, mult, strict=True):
            for i in path:
                flow[(g, i)] = flow.get((g, i), 0) + n
                if arcs[i].kind == "shift":
                    key = (arcs[i].day, arcs[i].type)
                    per_shift[key] = per_shift.get(key, 0) + n
        by_shift: dict[tuple[int, int], list[tuple[int, float]]] = {}
        for d, ti, k in tm.split[g]:
            by_shift.setdefault((d, ti), []).append((k, sum(x[i] for i in tm.split_index[g][(d, ti, k)])))
        for key, parts in by_shift.items():
            n = per_shift.get(key, 0)
            shares = [max(0.0, v) for _k, v in parts]
            if sum(shares) <= 0:
                shares = [1.0] * len(parts)
            for (k, _v), c in zip(parts, _largest_remainder(shares, n), strict=True):
                split[(g, key[0], key[1], k)] = c
    return flow, split, _rebreak(tm, types, x, split)


def add_hint(
    tm: TourModel,
    types: tuple[ShiftType, ...],
    flow: Mapping[tuple[int, int], int],
    split: Mapping[tuple[int, int, int, int], int],
    breaks: Mapping[tuple[int, int, int, int, int], int],
) -> None:
    """Hint every variable of the model with the complete solution given by (flow, split, breaks)."""
    m = tm.model
    m.clear_hints()  # type: ignore[no-untyped-call]
    for g, flows in enumerate(tm.flows):
        for i, f in enumerate(flows):
            m.add_hint(f, flow.get((g, i), 0))
        for d, ti, k in tm.split[g]:
            if (d, ti, k) in tm.parts[g]:
                m.add_hint(tm.parts[g][(d, ti, k)], split.get((g, d, ti, k), 0))
    counts: dict[tuple[int, int, int], int] = {}
    for (_g, d, ti, k), c in split.items():
        counts[(d, ti, k)] = counts.get((d, ti, k), 0) + c
    per_day = 1440 // tm.slot
    cov = np.zeros(tm.need.shape, dtype=np.int64)
    horizon = tm.need.shape[1]
    for key, n in tm.counts.items():
        c = counts.get(key, 0)
        m.add_hint(n, c)
        d, ti, k = key
        t = types[ti]
        first = d * per_day + t.start // tm.slot
        cov[k, first : min(first + t.length // tm.slot, horizon)] += c * tm.scale
    for (d, ti, k, j, p), b in tm.breaks.items():
        c = breaks.get((d, ti, k, j, p), 0)
        m.add_hint(b, c)
        t = types[ti]
        s0 = d * per_day + t.start // tm.slot + p // tm.slot
        cov[k, s0 : min(s0 + math.ceil(t.break_lengths[j] / tm.slot), horizon)] -= c * tm.scale
    for (k, h), (u, o) in tm.gaps.items():
        diff = int(cov[k, h] - tm.need[k, h])
        m.add_hint(u, max(0, -diff))
        m.add_hint(o, max(0, diff))


def encode(
    tm: TourModel, types: tuple[ShiftType, ...], weeks: list[list[tuple[int, int, int, tuple[int, ...]]]]
) -> Values:
    """The model values (flow, split, breaks) of per-agent ``weeks`` (the inverse of :func:`decompose`).
    Raises ComputationError when a week is not a path of its group's network (it breaks a rule)."""
    flow: dict[tuple[int, int], int] = {}
    split: dict[tuple[int, int, int, int], int] = {}
    breaks: dict[tuple[int, int, int, int, int], int] = {}
    for g, members in enumerate(tm.groups):
        arcs = tm.arcs[g]
        out: dict[tuple[str, Node], list[int]] = {}
        for i, arc in enumerate(arcs):
            out.setdefault(arc.tail, []).append(i)
        for a in members:
            by_day = {d: (ti, k, offs) for d, ti, k, offs in weeks[a]}
            node = tm.sources[g]
            for d in range(tm.days):
                if d not in by_day:
                    step = next((i for i in out.get(node, []) if arcs[i].kind == "off"), None)
                    if step is None:
                        raise ComputationError(f"week of agent #{a}: day {d} off breaks a rule")
                    flow[(g, step)] = flow.get((g, step), 0) + 1
                    node = arcs[step].head
                    continue
                ti, k, offs = by_day[d]
                step = next((i for i in out.get(node, []) if arcs[i].kind == "enter"), None)
                while step is not None:
                    flow[(g, step)] = flow.get((g, step), 0) + 1
                    node = arcs[step].head
                    shift = next((i for i in out.get(node, []) if arcs[i].kind == "shift" and arcs[i].type == ti), None)
                    if shift is not None:
                        step = shift
                        break
                    step = next((i for i in out.get(node, []) if arcs[i].kind == "chain"), None)
                if step is None:
                    raise ComputationError(f"week of agent #{a}: the shift on day {d} breaks a rule")
                flow[(g, step)] = flow.get((g, step), 0) + 1
                node = arcs[step].head
                split[(g, d, ti, k)] = split.get((g, d, ti, k), 0) + 1
                for j, p in enumerate(offs):
                    breaks[(d, ti, k, j, p)] = breaks.get((d, ti, k, j, p), 0) + 1
    return flow, split, breaks


def solution_values(tm: TourModel, solver: cp_model.CpSolver) -> Values:
    """The (flow, split, breaks) values of a solved tour model, for :func:`decompose`."""
    flow = {(g, i): int(solver.value(f)) for g, fs in enumerate(tm.flows) for i, f in enumerate(fs)}
    split: dict[tuple[int, int, int, int], int] = {}
    for g, index in enumerate(tm.split_index):
        for (d, ti, k), refs in index.items():
            split[(g, d, ti, k)] = sum(int(solver.value(tm.model.get_int_var_from_proto_index(i))) for i in refs)
    breaks = {key: int(solver.value(b)) for key, b in tm.breaks.items()}
    return flow, split, breaks


def solve_tours(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    *,
    budget: float,
    workers: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
    max_arcs: int = 400_000,
) -> tuple[list[list[Placed]], bool]:
    """Per agent its week (day, type, skill, break offsets) from the weighted tour model within about
    ``budget`` seconds, and whether CP-SAT proved it optimal within the rounding window (False when HiGHS or
    the rounded relaxation gave it). A machine too busy for either solver within the budget still gets the
    rounded relaxation (valid weeks, rougher coverage). Raises ComputationError when the model is too large
    or a group has no valid week."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    say = progress or (lambda _t: None)
    tm = build_tours(
        req, agents, rules, types, under_weight=rules.under_weight, over_weight=rules.over_weight, max_arcs=max_arcs
    )
    say(f"tour model: {sum(len(a) for a in tm.arcs):,} arcs in {len(tm.groups)} groups; linear relaxation")
    _, x = lp_solve(tm.model)
    hours = rules.slot / 60.0 / (tm.scale * tm.coverage_unit)

    def left() -> float:
        return budget - (time.perf_counter() - started)

    def solver_for(seconds: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.5, seconds)
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = seed
        return solver

    late = {t.index for t in types if t.end > rules.late_end}

    def loaded(d: int, ti: int) -> tuple[int, int]:
        return int(req.day(d).weekday() >= 5), int(ti in late)

    # 1. HiGHS: whole tours and exact breaks with every flow within [floor, ceil] of its relaxed value
    window = tm.model.clone()
    for fs in tm.flows:
        for f in fs:
            v = x[f.index]
            window.add_linear_constraint(f, math.floor(v + 1e-6), math.ceil(v - 1e-6))
    say("tour model: whole tours and breaks within the relaxation's rounding window (HiGHS)")
    found = milp_solve(window, max(0.5, 0.85 * left()))
    if found is not None:
        say(f"tour model: weighted gap {found[0] * hours:,.1f} h (with overtime and preferences)")
        return decompose(tm, types, *_values_of(tm, found[1]), len(agents), loaded=loaded), False
    # 2. otherwise CP-SAT, and the rounded relaxation itself when CP-SAT finds nothing in time
    try:
        values, proven = _cp_sat_rounding(tm, req, agents, rules, types, x, left, solver_for, say)
    except ComputationError as exc:
        say(f"tour model: {exc}; the rounded relaxation")
        flow, split, _ = round_relaxation(tm, types, x)
        values, proven = (flow, split, _rebreak(tm, types, x, split)), False
    return decompose(tm, types, *values, len(agents), loaded=loaded), proven


def _values_of(tm: TourModel, x: list[int]) -> Values:
    """The (flow, split, breaks) values of a complete solution given by variable index."""
    flow = {(g, i): x[f.index] for g, fs in enumerate(tm.flows) for i, f in enumerate(fs)}
    split = {
        (g, *key): sum(x[i] for i in refs) for g, index in enumerate(tm.split_index) for key, refs in index.items()
    }
    breaks = {key: x[b.index] for key, b in tm.breaks.items()}
    return flow, split, breaks


def _cp_sat_rounding(
    tm: TourModel,
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    x: list[float],
    left: Callable[[], float],
    solver_for: Callable[[float], cp_model.CpSolver],
    say: Callable[[str], None],
) -> tuple[Values, bool]:
    """CP-SAT rounds the relaxation ``x``: tours with breaks at its shares within the rounding window, then
    the breaks placed exactly. Returns the values and whether the second run was proven optimal; raises
    ComputationError when no solution is found in time."""
    from ortools.sat.python import cp_model

    hours = rules.slot / 60.0 / (tm.scale * tm.coverage_unit)
    flow, split, _ = round_relaxation(tm, types, x)
    # whole tours with breaks at the relaxation's shares (no break variables: fast), within the rounding window
    away: dict[tuple[int, int, int], dict[int, float]] = {}
    for (d, ti, k, j, p), b in tm.breaks.items():
        n = x[tm.counts[(d, ti, k)].index]
        if n > 1e-9:
            share = away.setdefault((d, ti, k), {})
            for h in range(p // rules.slot, p // rules.slot + math.ceil(types[ti].break_lengths[j] / rules.slot)):
                share[h] = share.get(h, 0.0) + x[b.index] / n
    rnd = build_tours(
        req, agents, rules, types, under_weight=rules.under_weight, over_weight=rules.over_weight, away=away
    )
    for g, fs in enumerate(rnd.flows):
        for i, f in enumerate(fs):
            v = x[tm.flows[g][i].index]
            rnd.model.add_linear_constraint(f, math.floor(v + 1e-6), math.ceil(v - 1e-6))
            rnd.model.add_hint(f, flow.get((g, i), 0))
        for key, part in rnd.parts[g].items():
            v = x[tm.parts[g][key].index]
            rnd.model.add_linear_constraint(part, math.floor(v + 1e-6), math.ceil(v - 1e-6))
            rnd.model.add_hint(part, split.get((g, *key), 0))
    say("tour model: whole tours within the relaxation's rounding window (breaks at its shares)")
    sr = solver_for(0.6 * left())
    sr.parameters.relative_gap_limit = 0.002
    status = sr.solve(rnd.model)
    m = tm.model
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        flow, split, _ = solution_values(rnd, sr)
        # breaks placed exactly for those tours
        for g, fs in enumerate(tm.flows):
            for i, f in enumerate(fs):
                m.add(f == flow.get((g, i), 0))
            for key, part in tm.parts[g].items():
                m.add(part == split.get((g, *key), 0))
        say(
            f"tour model: tours found ({sr.status_name(status).lower()}), weighted gap "
            f"{sr.objective_value * rules.slot / 60.0 / (rnd.scale * rnd.coverage_unit):,.1f} h with breaks at "
            f"shares (bound {sr.best_objective_bound * rules.slot / 60.0 / (rnd.scale * rnd.coverage_unit):,.1f}); "
            "placing the breaks"
        )
    else:
        window: list[cp_model.IntVar] = [f for fs in tm.flows for f in fs]
        window += [p for parts in tm.parts for p in parts.values()]
        window += list(tm.breaks.values())
        for var in window:
            m.add_linear_constraint(var, math.floor(x[var.index] + 1e-6), math.ceil(x[var.index] - 1e-6))
    add_hint(tm, types, flow, split, _rebreak(tm, types, x, split))
    solver = solver_for(left())
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ComputationError(f"the tour model found no solution in time ({solver.status_name(status)})")
    say(f"tour model: weighted gap {solver.objective_value * hours:,.1f} h (with overtime and preferences)")
    return solution_values(tm, solver), status == cp_model.OPTIMAL


def _rebreak(
    tm: TourModel, types: tuple[ShiftType, ...], x: list[float], split: Mapping[tuple[int, int, int, int], int]
) -> dict[tuple[int, int, int, int, int], int]:
    """Break positions for the shift counts of ``split`` at the relaxation's shares (largest remainder)."""
    counts: dict[tuple[int, int, int], int] = {}
    for (_g, d, ti, k), c in split.items():
        counts[(d, ti, k)] = counts.get((d, ti, k), 0) + c
    breaks: dict[tuple[int, int, int, int, int], int] = {}
    for (d, ti, k), n in counts.items():
        for j, offsets in enumerate(types[ti].break_offsets):
            shares = [max(0.0, x[tm.breaks[(d, ti, k, j, p)].index]) for p in offsets]
            if sum(shares) <= 0:
                shares = [1.0] * len(offsets)
            for p, c in zip(offsets, _largest_remainder(shares, n), strict=True):
                breaks[(d, ti, k, j, p)] = c
    return breaks
