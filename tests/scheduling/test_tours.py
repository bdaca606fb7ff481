"""The tour model: its paths are exactly the rule-keeping weeks, its relaxation bounds every schedule."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tiny import agent, flat, rules, solve

from supportops.errors import ComputationError
from supportops.scheduling import Agent, BreakRule, Requirements, Rules
from supportops.scheduling.aggregate import build_aggregate, lp_bound, lp_solve
from supportops.scheduling.shifts import ShiftType, shift_types
from supportops.scheduling.tour_solve import decompose, encode, round_relaxation, solution_values
from supportops.scheduling.tours import build_tours, group_agents

Week = list[tuple[int, int, int, tuple[int, ...]]]


def keeps_rules(week: Week, who: Agent, rl: Rules, types: tuple[ShiftType, ...], days: int) -> list[str]:
    """Every rule a week breaks, checked from first principles (independent of the models)."""
    broken = []
    worked = {d: types[ti] for d, ti, _k, _o in week}
    if len(worked) != len(week):
        broken.append("two shifts on one day")
    for w in range(days // 7):
        span = range(7 * w, 7 * w + 7)
        off = [d for d in span if d not in worked]
        if len(off) < rl.days_off:
            broken.append(f"days off in week {w}")
        if (
            rl.consecutive_days_off
            and rl.days_off
            and not any(
                all(x not in worked for x in range(s, s + rl.days_off)) for s in range(7 * w, 7 * w + 8 - rl.days_off)
            )
        ):
            broken.append(f"consecutive days off in week {w}")
        minutes = sum(worked[d].length for d in span if d in worked)
        if not round(who.min_hours * 60) <= minutes <= round(who.max_hours * 60):
            broken.append(f"hours in week {w}")
    for d in range(days - rl.max_consecutive_days):
        if all(x in worked for x in range(d, d + rl.max_consecutive_days + 1)):
            broken.append(f"days in a row from {d}")
    for d in range(days - 1):
        if d in worked and d + 1 in worked and 1440 + worked[d + 1].start - worked[d].end < rl.min_rest:
            broken.append(f"rest after day {d}")
    for _d, ti, _k, offsets in week:
        t = types[ti]
        for opts, p in zip(t.break_offsets, offsets, strict=True):
            if p not in opts:
                broken.append("break outside its window")
    return broken


def _instance() -> tuple[Requirements, list[Agent], Rules]:
    rl = rules(
        shift_lengths=(360, 480),
        start_step=120,
        days_off=2,
        consecutive_days_off=True,
        max_consecutive_days=4,
        breaks=(BreakRule(length=60, earliest=120, latest=240),),
    )
    req = flat((6, 23), 2.0, skills=("s", "t"))
    req.required[1, :] *= 0.5
    staff = [agent(f"f{i}", skills=("s", "t"), min_hours=30.0, max_hours=40.0) for i in range(4)]
    staff += [agent(f"p{i}", skills=("s",), min_hours=12.0, max_hours=20.0) for i in range(3)]
    staff += [agent("x", skills=("t",), min_hours=0.0, max_hours=16.0, time_off=frozenset({req.day(2)}))]
    return req, staff, rl


def test_groups_are_equal_profiles() -> None:
    _req, staff, _rl = _instance()
    assert group_agents(staff) == [[0, 1, 2, 3], [4, 5, 6], [7]]


def test_solved_flow_decomposes_into_rule_keeping_weeks() -> None:
    from ortools.sat.python import cp_model

    req, staff, rl = _instance()
    types = shift_types(rl)
    tm = build_tours(req, staff, rl, types, under_weight=2, over_weight=1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 3.0
    solver.parameters.num_workers = 1
    assert solver.solve(tm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    weeks = decompose(tm, types, *solution_values(tm, solver), len(staff))
    assert any(weeks)
    for who, week in zip(staff, weeks, strict=True):
        assert keeps_rules(week, who, rl, types, req.days) == []
        assert all(req.skills[k] in who.skills for _d, _ti, k, _o in week)
        assert req.day(2) not in who.time_off or all(d != 2 for d, *_ in week)
    # and encoding the weeks again gives back the same shift counts per skill
    flow, split, breaks = encode(tm, types, weeks)
    assert sum(split.values()) == sum(len(w) for w in weeks)
    assert sum(breaks.values()) == sum(len(o) for w in weeks for *_x, o in w)
    again = decompose(tm, types, flow, split, breaks, len(staff))
    assert sorted(s for w in again for s in w) == sorted(s for w in weeks for s in w)


def test_rounded_relaxation_is_a_valid_roster() -> None:
    req, staff, rl = _instance()
    types = shift_types(rl)
    tm = build_tours(req, staff, rl, types, under_weight=1, over_weight=1, secondary=False)
    _, x = lp_solve(tm.model)
    weeks = decompose(tm, types, *round_relaxation(tm, types, x), len(staff))
    for who, week in zip(staff, weeks, strict=True):
        assert keeps_rules(week, who, rl, types, req.days) == []


def test_encode_refuses_a_week_that_breaks_a_rule() -> None:
    req, staff, rl = _instance()
    types = shift_types(rl)
    tm = build_tours(req, staff, rl, types, under_weight=1, over_weight=1)
    offsets: tuple[int, ...] = (types[0].break_offsets[0][0],)
    six: Week = [(d, 0, 0, offsets) for d in range(6)]
    weeks: list[Week] = [[] for _ in staff]
    weeks[0] = six  # six days running with at most four allowed, and too many hours
    with pytest.raises(ComputationError):
        encode(tm, types, weeks)


@pytest.mark.slow
def test_every_valid_week_of_one_agent_is_a_path() -> None:
    """Exhaustively: a week is a path of the network exactly when it keeps the rules."""
    rl = rules(
        shift_lengths=(360, 480), start_step=480, earliest_start=360, latest_start=840, days_off=2,
        consecutive_days_off=True, max_consecutive_days=4, min_rest=720,
    )  # fmt: skip
    req = flat((6, 22), 1.0)
    who = agent(min_hours=18.0, max_hours=26.0)
    types = shift_types(rl)
    tm = build_tours(req, [who], rl, types, under_weight=1, over_weight=1)
    valid = 0
    for choice in itertools.product([None, *range(len(types))], repeat=7):
        week: Week = [(d, ti, 0, ()) for d, ti in enumerate(choice) if ti is not None]
        ok = not keeps_rules(week, who, rl, types, req.days)
        try:
            encode(tm, types, [week])
            path = True
        except ComputationError:
            path = False
        assert path == ok, week
        valid += ok
    assert valid > 0


def test_tour_relaxation_is_at_least_the_shift_count_relaxation() -> None:
    req, staff, rl = _instance()
    types = shift_types(rl)
    tours = build_tours(req, staff, rl, types, under_weight=1, over_weight=1, secondary=False)
    counts = build_aggregate(req, staff, rl, types, under_weight=1, over_weight=1)
    tour_lp = lp_bound(tours.model) / tours.scale
    count_lp = lp_bound(counts.model) / counts.scale
    assert tour_lp >= count_lp - 1e-6
    # and no schedule beats it (in slots: hourly rules here)
    s = solve(req, staff, rl)
    assert s.gap_hours >= tour_lp * rl.slot / 60 - 1e-6
    assert np.isfinite(tour_lp)


def test_neighbourhood_search_keeps_rules_and_never_worsens() -> None:
    from supportops.scheduling.aggregate import slot_requirements
    from supportops.scheduling.improve import placed_coverage
    from supportops.scheduling.tour_moves import neighbourhood_search
    from supportops.scheduling.tour_solve import solve_tours

    req, staff, rl = _instance()
    types = shift_types(rl)
    start, _ = solve_tours(req, staff, rl, types, budget=3.0, workers=1, seed=0)
    need = slot_requirements(req, rl.slot)

    def weighted(weeks: list[Week]) -> float:
        cov = placed_coverage(weeks, types, need.shape[0], need.shape[1], 1440 // rl.slot, rl.slot)[:, : need.shape[1]]
        diff = cov - need
        return float((rl.under_weight * np.clip(-diff, 0, None) + rl.over_weight * np.clip(diff, 0, None)).sum())

    moved = neighbourhood_search(req, staff, rl, types, start, deadline_s=3.0, workers=1, seed=0)
    for who, week in zip(staff, moved, strict=True):
        assert keeps_rules(week, who, rl, types, req.days) == []
    assert weighted(moved) <= weighted(start) + 1e-9


def test_a_machine_too_busy_for_both_solvers_still_gets_valid_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    from supportops.scheduling import tour_solve

    def nothing(*_args: object, **_kwargs: object) -> None:
        return None

    def timed_out(*_args: object, **_kwargs: object) -> None:
        raise ComputationError("the tour model found no solution in time (UNKNOWN)")

    monkeypatch.setattr(tour_solve, "milp_solve", nothing)
    monkeypatch.setattr(tour_solve, "_cp_sat_rounding", timed_out)
    req, staff, rl = _instance()
    types = shift_types(rl)
    weeks, proven = tour_solve.solve_tours(req, staff, rl, types, budget=3.0, workers=1, seed=0)
    assert not proven
    assert sum(len(w) for w in weeks) > 0
    for who, week in zip(staff, weeks, strict=True):
        assert keeps_rules(week, who, rl, types, req.days) == []
