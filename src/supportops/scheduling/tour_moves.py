"""Neighbourhood search over the tour flow: many agents re-routed at once, one small integer model per step.

A step frees part of the schedule — the tours of some groups over a window of days, and every break of those
days — and re-solves it against what the rest leaves uncovered. Only the freed part is built: its flow arcs
(plus the enter, chain and off arcs of the day after the window, so that the tours may meet the fixed rest of
the week at any start time the rest rule still allows), flow conservation at the nodes they touch with the
fixed flows as constants, the shift counts and breaks of the window's days, and the coverage gap of the slots
those shifts reach. Its objective plus a constant is the whole model's objective, so a step is kept exactly
when it lowers the weighted gap (plus overtime and unmet preferences). HiGHS's branch and bound solves a step
(its linear relaxation is strong on these flows: most steps are proven optimal in a fraction of a second,
where CP-SAT on two workers needs about a second). Every path stays a valid week (the network's paths are
exactly the rule-keeping weeks).

The strongest windows free every group over one whole day (every shift of that day may change its start,
length, skill and breaks), then over two days in a row (days off and weekly hours may move too). Each is tried
where it may still gain: every day and pair at first, then after a kept step only those near it (a window's
model reaches the days next to it and no further). When none is left, windows are drawn at random: the day
weighted towards the days whose gap is largest, the kind — one, two or three groups (sharing a skill) over one
to three days, or the breaks alone over the whole horizon — by how often each kind has gained lately per
second it costs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from supportops.scheduling.highs import milp_solve
from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType
from supportops.scheduling.tour_solve import Placed, Values, decompose, encode
from supportops.scheduling.tours import Node, TourModel, build_tours

__all__ = ["Search", "neighbourhood_search"]

_PATIENCE = 400  # steps without improvement before the search stops
_STEP_S = 0.5  # seconds per step at most
_DAY_STEP_S = 3.0  # seconds at most for a step that frees every group over a day
_PAIR_STEP_S = 12.0  # seconds at most for a step that frees every group over two days
_PAIR_MIN_S = 5.0  # a two-day step needs at least this much of the run's time left

Key = tuple[str, Node]


_KINDS = ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (3, 1), (0, 7))
"""Windows as (groups freed, days): 0 groups frees only the breaks."""


class _State:
    """The current integer solution of a tour model and the bookkeeping to build sub-models of it fast."""

    def __init__(
        self,
        tm: TourModel,
        types: tuple[ShiftType, ...],
        values: Values,
        under_weight: int,
        over_weight: int,
    ) -> None:
        self.tm, self.types = tm, types
        self.wu, self.wo = under_weight, over_weight
        flow, split, breaks = values
        self.flow = [
            np.array([flow.get((g, i), 0) for i in range(len(a))], dtype=np.int64) for g, a in enumerate(tm.arcs)
        ]
        self.split = {key: v for key, v in split.items() if v}
        self.breaks = {key: v for key, v in breaks.items() if v}
        self.per_day = 1440 // tm.slot
        self.horizon = tm.need.shape[1]
        # per group: arcs by the day of their tail, nodes' arcs, arcs into dead ends (always 0)
        self.by_day: list[dict[int, list[int]]] = []
        self.outs: list[dict[Key, list[int]]] = []
        self.ins: list[dict[Key, list[int]]] = []
        self.dead: list[set[int]] = []
        for arcs in tm.arcs:
            by: dict[int, list[int]] = {}
            outs: dict[Key, list[int]] = {}
            ins: dict[Key, list[int]] = {}
            for i, arc in enumerate(arcs):
                by.setdefault(arc.tail[1][0], []).append(i)
                outs.setdefault(arc.tail, []).append(i)
                ins.setdefault(arc.head, []).append(i)
            self.by_day.append(by)
            self.outs.append(outs)
            self.ins.append(ins)
            self.dead.append({i for i, a in enumerate(arcs) if a.head not in outs and a.head[1][0] < tm.days})
        self.mine = [sorted({k for (_d, _t, k) in idx}) for idx in tm.split_index]
        self.cost = [np.array([a.cost for a in arcs], dtype=np.int64) for arcs in tm.arcs]
        self.cov = self._coverage()

    def _span(self, d: int, ti: int) -> tuple[int, int]:
        t = self.types[ti]
        first = d * self.per_day + t.start // self.tm.slot
        return first, min(first + t.length // self.tm.slot, self.horizon)

    def _break_span(self, d: int, ti: int, j: int, p: int) -> tuple[int, int]:
        t = self.types[ti]
        s0 = d * self.per_day + (t.start + p) // self.tm.slot
        return s0, min(s0 + math.ceil(t.break_lengths[j] / self.tm.slot), self.horizon)

    def _coverage(self) -> NDArray[np.int64]:
        cov = np.zeros(self.tm.need.shape, dtype=np.int64)
        for (_g, d, ti, k), c in self.split.items():
            a, b = self._span(d, ti)
            cov[k, a:b] += c * self.tm.scale
        for (d, ti, k, j, p), c in self.breaks.items():
            a, b = self._break_span(d, ti, j, p)
            cov[k, a:b] -= c * self.tm.scale
        return cov

    def gap_cost(self, cov: NDArray[np.int64]) -> NDArray[np.int64]:
        diff = cov - self.tm.need
        return np.asarray(self.wu * np.clip(-diff, 0, None) + self.wo * np.clip(diff, 0, None), dtype=np.int64)

    def objective(self) -> int:
        """The whole model's objective of the current solution."""
        sec = sum(int(c @ f) for c, f in zip(self.cost, self.flow, strict=True))
        return self.tm.coverage_unit * int(self.gap_cost(self.cov).sum()) + self.tm.scale * sec

    def day_gaps(self) -> NDArray[np.float64]:
        """Weighted gap per day (coverage units)."""
        return np.asarray(self.gap_cost(self.cov).sum(axis=0).reshape(-1, self.per_day).sum(axis=1), dtype=np.float64)

    def values(self) -> Values:
        flow = {(g, i): int(v) for g, f in enumerate(self.flow) for i, v in enumerate(f) if v}
        return flow, dict(self.split), dict(self.breaks)

    def step(self, chosen: list[int], d0: int, d1: int, seconds: float) -> int:
        """Free the tours of ``chosen`` groups over days [d0, d1) and every break of those days, re-solve that
        part, and keep it when it is better, all within about ``seconds`` (building the part included). Returns
        the gain (objective units; 0 when nothing was kept)."""
        from ortools.sat.python import cp_model

        began = time.perf_counter()
        tm, days = self.tm, self.tm.days
        everyone = sum(len(x) for x in tm.groups)
        m = cp_model.CpModel()
        hints: list[tuple[cp_model.IntVar, int]] = []

        def var(hi: int, now: int) -> cp_model.IntVar:
            v = m.new_int_var(0, hi, "")
            hints.append((v, now))
            return v

        sub_now = 0  # the freed part's objective, now
        n_expr: dict[tuple[int, int, int], list[cp_model.LinearExprT]] = {}
        n_const: dict[tuple[int, int, int], int] = {}
        for (g, d, ti, k), c in self.split.items():
            if d0 <= d < d1 and g not in chosen:
                n_const[(d, ti, k)] = n_const.get((d, ti, k), 0) + c
        cost_terms: list[cp_model.LinearExprT] = []
        cov_free = np.zeros(tm.need.shape, dtype=np.int64)  # what the freed part covers now
        flow_vars: dict[tuple[int, int], cp_model.IntVar] = {}
        part_vars: dict[tuple[int, int, int, int], cp_model.IntVar] = {}
        for g in chosen:
            arcs, flow, size = tm.arcs[g], self.flow[g], len(tm.groups[g])
            ids = [i for d in range(d0, d1) for i in self.by_day[g].get(d, [])]
            if d1 < days:  # meet the fixed rest of the week at any start its rest rule allows
                ids += [i for i in self.by_day[g].get(d1, []) if arcs[i].kind != "shift"]
            fv = {i: var(size, int(flow[i])) for i in ids if i not in self.dead[g]}
            for i, v in fv.items():
                flow_vars[(g, i)] = v
                if arcs[i].cost:
                    cost_terms.append(int(arcs[i].cost) * v)
                    sub_now += tm.scale * int(arcs[i].cost) * int(flow[i])
            for node in {arcs[i].tail for i in fv} | {arcs[i].head for i in fv}:
                outs = self.outs[g].get(node)
                if outs is None:  # the horizon's end
                    continue
                ins = self.ins[g].get(node, [])
                fixed = sum(int(flow[i]) for i in ins if i not in fv) - sum(int(flow[i]) for i in outs if i not in fv)
                if node == tm.sources[g]:
                    fixed += size
                m.add(sum(fv[i] for i in outs if i in fv) - sum(fv[i] for i in ins if i in fv) == fixed)
            per_shift: dict[tuple[int, int], list[cp_model.IntVar]] = {}
            for i, v in fv.items():
                if arcs[i].kind == "shift":
                    per_shift.setdefault((arcs[i].day, arcs[i].type), []).append(v)
            mine = self.mine[g]
            for (d, ti), fs in per_shift.items():
                if len(mine) == 1:
                    n_expr.setdefault((d, ti, mine[0]), []).append(sum(fs))
                    continue
                parts = []
                for k in mine:
                    part = var(size, self.split.get((g, d, ti, k), 0))
                    part_vars[(g, d, ti, k)] = part
                    parts.append(part)
                    n_expr.setdefault((d, ti, k), []).append(part)
                m.add(sum(parts) == sum(fs))
            for (gg, d, ti, k), c in self.split.items():
                if gg == g and d0 <= d < d1:
                    a, b = self._span(d, ti)
                    cov_free[k, a:b] += c * tm.scale
        # the breaks of the window's days, for every shift count there
        terms: dict[tuple[int, int], list[tuple[cp_model.LinearExprT, int]]] = {}
        break_vars: dict[tuple[int, int, int, int, int], cp_model.IntVar] = {}
        for key in sorted(set(n_const) | set(n_expr)):
            d, ti, k = key
            exprs = n_expr.get(key, [])
            a, b = self._span(d, ti)
            for h in range(a, b):
                terms.setdefault((k, h), []).extend((e, tm.scale) for e in exprs)
            placed_all = []
            for j, offsets in enumerate(self.types[ti].break_offsets):
                placed = []
                for p in offsets:
                    now = self.breaks.get((d, ti, k, j, p), 0)
                    v = var(everyone, now)
                    break_vars[(d, ti, k, j, p)] = v
                    placed.append(v)
                    ba, bb = self._break_span(d, ti, j, p)
                    cov_free[k, ba:bb] -= now * tm.scale
                    for h in range(ba, bb):
                        terms.setdefault((k, h), []).append((v, -tm.scale))
                placed_all.append(placed)
            for placed in placed_all:
                m.add(sum(placed) == n_const.get(key, 0) + sum(exprs))
        base = self.cov - cov_free  # coverage by what stays fixed
        big = int(tm.scale * (everyone + int(tm.need.max(initial=0)) + 1))
        gap_terms: list[cp_model.LinearExprT] = []
        for (k, h), ts in terms.items():
            diff = int(self.cov[k, h] - tm.need[k, h])
            u, o = var(big, max(0, -diff)), var(big, max(0, diff))
            covered = cp_model.LinearExpr.weighted_sum([e for e, _c in ts], [c for _e, c in ts])
            m.add(covered - o + u == int(tm.need[k, h] - base[k, h]))
            gap_terms.append(self.wu * u + self.wo * o)
            sub_now += tm.coverage_unit * (self.wu * max(0, -diff) + self.wo * max(0, diff))
        if not gap_terms and not cost_terms:
            return 0
        objective = tm.coverage_unit * cp_model.LinearExpr.sum(gap_terms) + tm.scale * cp_model.LinearExpr.sum(
            cost_terms
        )
        m.minimize(objective)
        for v, val in hints:
            m.add_hint(v, val)
        got = milp_solve(m, seconds - (time.perf_counter() - began), cutoff=sub_now - 0.5)
        if got is None:  # nothing below the cutoff: no better part
            return 0
        before = self.objective()
        saved = ([f.copy() for f in self.flow], self.split, self.breaks, self.cov)
        x = got[1]
        # apply: flows, skill splits, breaks, coverage
        for (g, i), v in flow_vars.items():
            self.flow[g][i] = x[v.index]
        self.split = {key: c for key, c in self.split.items() if not (key[0] in chosen and d0 <= key[1] < d1)}
        for (g, i), v in flow_vars.items():
            arc = tm.arcs[g][i]
            if arc.kind == "shift" and len(self.mine[g]) == 1:
                key4 = (g, arc.day, arc.type, self.mine[g][0])
                self.split[key4] = self.split.get(key4, 0) + x[v.index]
        for key4, part in part_vars.items():
            self.split[key4] = x[part.index]
        self.split = {key: c for key, c in self.split.items() if c}
        self.breaks = {key: c for key, c in self.breaks.items() if not d0 <= key[0] < d1}
        self.breaks.update({key5: x[v.index] for key5, v in break_vars.items() if x[v.index]})
        self.cov = self._coverage()
        after = self.objective()
        if after >= before:  # not better after all (HiGHS's tolerances): keep what was there
            self.flow, self.split, self.breaks, self.cov = saved
            return 0
        return before - after


class Search:
    """A resumable neighbourhood search over one tour model: the model is built once, the current solution
    can be replaced (:meth:`load`, e.g. by a better one found elsewhere), and :meth:`run` goes on for a given
    time with the same random stream and the same per-kind success rates."""

    def __init__(
        self, req: Requirements, agents: list[Agent], rules: Rules, types: tuple[ShiftType, ...], *, seed: int
    ):
        self.req, self.types, self.n_agents = req, types, len(agents)
        self.tm = build_tours(req, agents, rules, types, under_weight=rules.under_weight, over_weight=rules.over_weight)
        self.wu, self.wo = rules.under_weight, rules.over_weight
        self.late = {t.index for t in types if t.end > rules.late_end}
        self.hours = rules.slot / 60.0 / (self.tm.scale * self.tm.coverage_unit)
        """Agent-hours per objective unit."""
        self.rng = np.random.default_rng(seed)
        self.wins = np.ones(len(_KINDS))  # recent successes and seconds per kind: kinds that pay are drawn more
        self.secs = np.full(len(_KINDS), 0.2)
        self.steps = self.kept = self.idle = 0
        self.skills = [{k for (_d, _t, k) in idx} for idx in self.tm.split_index]
        self.st: _State | None = None
        self.days: set[int] = set()  # days whose whole-day window may still gain (changed near them since tried)
        self.pairs: set[int] = set()  # first days of the two-day windows that may still gain

    def load(self, weeks: list[list[Placed]] | Values) -> None:
        """Start from ``weeks`` (per agent) or from model values; raises ComputationError when a week is not a
        path of the tour model (it breaks a rule)."""
        values = weeks if isinstance(weeks, tuple) else encode(self.tm, self.types, weeks)
        self.st = _State(self.tm, self.types, values, self.wu, self.wo)
        self.idle = 0
        self.days, self.pairs = set(range(self.tm.days)), set(range(self.tm.days - 1))

    @property
    def stalled(self) -> bool:
        """Many steps in a row have gained nothing."""
        return self.idle >= _PATIENCE

    @property
    def exhausted(self) -> bool:
        """No whole day and no two whole days in a row can be improved any more (since the last gain)."""
        return not (self.days or self.pairs)

    def _changed(self, d0: int, d1: int, tried: int) -> None:
        """A step over days [d0, d1) was kept: the whole-day and two-day windows whose part of the model it
        touched may gain again. A window of days [a, b) frees the arcs leaving days a to b - 1 and the enter,
        chain and off arcs of day b; its conservation constraints hold the fixed arcs leaving days a - 1, b
        (shifts) and b + 1. A kept step changed arcs leaving days d0 to d1, so the days from d0 - 2 to d1 + 1
        and the pairs from d0 - 3 to d1 + 1 are tried again. ``tried``: the window was itself every group
        over that many (one or two) days, so it and the windows inside it are optimal as they are (0: a smaller
        window)."""
        days = self.tm.days
        inside = set(range(d0, d1)) if tried else set()
        self.days |= {e for e in range(max(0, d0 - 2), min(days, d1 + 2)) if e not in inside}
        self.pairs |= {e for e in range(max(0, d0 - 3), min(days - 1, d1 + 2)) if not (tried == 2 and e == d0)}

    def objective(self) -> int:
        """The whole model's objective of the current solution (model units; times :attr:`hours` is hours)."""
        assert self.st is not None
        return self.st.objective()

    def values(self) -> Values:
        assert self.st is not None
        return self.st.values()

    def run(self, seconds: float, say: Callable[[str], None]) -> None:
        """Steps until ``seconds`` have passed or the search stalls: every group freed over one whole day, for
        each day where that may still gain (all at first; after a kept step, the days near it), then over two
        days in a row likewise, then random smaller windows."""
        st, tm, rng = self.st, self.tm, self.rng
        assert st is not None
        started = time.perf_counter()
        n_groups = len(tm.groups)
        while time.perf_counter() - started < seconds - 0.6 and self.idle < _PATIENCE:
            self.steps += 1
            self.idle += 1
            left = seconds - (time.perf_counter() - started)
            if self.days:  # the whole day: every agent's shift that day may change start, length and skill
                self._whole(self.days, 1, min(_DAY_STEP_S, left - 0.6), say)
                continue
            if self.pairs and left >= _PAIR_MIN_S:  # two whole days: days off and weekly hours may move too
                self._whole(self.pairs, 2, min(_PAIR_STEP_S, left - 1.0), say)
                continue
            rate = (self.wins + 0.05) / self.secs
            kind_i = int(rng.choice(len(_KINDS), p=rate / rate.sum()))
            size, width = _KINDS[kind_i]
            width = min(tm.days, width)
            chosen: list[int] = []
            while len(chosen) < min(size, n_groups):  # groups that share a skill with those already chosen
                near = [
                    g
                    for g in range(n_groups)
                    if g not in chosen and any(self.skills[g] & self.skills[c] for c in chosen)
                ]
                pool = near if chosen and near else [g for g in range(n_groups) if g not in chosen]
                chosen.append(int(rng.choice(pool)))
            chosen.sort()
            gaps = st.day_gaps()
            starts = np.array([gaps[d : d + width].sum() for d in range(tm.days - width + 1)]) + 1.0
            d0 = int(rng.choice(len(starts), p=starts / starts.sum()))
            t0 = time.perf_counter()
            gain = st.step(chosen, d0, d0 + width, min(_STEP_S, left - 0.6))
            self.wins[kind_i] = 0.8 * self.wins[kind_i] + (gain > 0)
            self.secs[kind_i] = 0.8 * self.secs[kind_i] + 0.2 * (time.perf_counter() - t0)
            if gain > 0:
                self._changed(d0, d0 + width, 0)
                self._kept(say, f"{len(chosen)} groups × {width} days from day {d0}")

    def _whole(self, todo: set[int], width: int, seconds: float, say: Callable[[str], None]) -> None:
        """Free every group over ``width`` days from a first day drawn from ``todo`` (and taken out of it)."""
        assert self.st is not None
        d0 = int(self.rng.choice(sorted(todo)))
        todo.discard(d0)
        if self.st.step(list(range(len(self.tm.groups))), d0, d0 + width, seconds) > 0:
            self._changed(d0, d0 + width, width)
            days = f"day {d0}" if width == 1 else "days " + " and ".join(str(d) for d in range(d0, d0 + width))
            self._kept(say, f"every group on {days}")

    def _kept(self, say: Callable[[str], None], what: str) -> None:
        assert self.st is not None
        self.kept += 1
        self.idle = 0
        now = self.st.objective() * self.hours
        say(f"tour moves: step {self.steps} ({what}), {self.kept} kept, objective {now:,.1f} h")

    def weeks(self) -> list[list[Placed]]:
        """Per agent the week of the current solution (fairly shared within each group)."""
        req = self.req

        def loaded(d: int, ti: int) -> tuple[int, int]:
            return int(req.day(d).weekday() >= 5), int(ti in self.late)

        flow, split, breaks = self.values()
        return decompose(self.tm, self.types, flow, split, breaks, self.n_agents, loaded=loaded)


def neighbourhood_search(
    req: Requirements,
    agents: list[Agent],
    rules: Rules,
    types: tuple[ShiftType, ...],
    weeks: list[list[Placed]],
    *,
    deadline_s: float,
    workers: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> list[list[Placed]]:
    """Improve ``weeks`` by moves of many agents at once (see the module docstring) until ``deadline_s``
    seconds have passed or many steps in a row gained nothing. ``seed`` draws the windows; the steps run on
    one core (``workers`` is accepted for the CP-SAT stages' signature; :mod:`tour_portfolio` runs several
    searches at once). Raises ComputationError when the weeks are not paths of the tour model (a week breaks
    a rule)."""
    started = time.perf_counter()
    say = progress or (lambda _t: None)
    search = Search(req, agents, rules, types, seed=seed)
    search.load(weeks)
    say(f"tour moves: from objective {search.objective() * search.hours:,.1f} h")
    search.run(deadline_s - (time.perf_counter() - started), say)
    say(f"tour moves: {search.steps} steps, {search.kept} kept, objective {search.objective() * search.hours:,.1f} h")
    return search.weeks()
