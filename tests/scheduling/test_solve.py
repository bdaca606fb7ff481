"""One rule per test, each on a tiny instance: the schedule keeps it, and the gap and bound are honest."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tiny import MONDAY, agent, days_worked, flat, rules, solve

from supportops.queueing import evaluate, offered_load
from supportops.scheduling import BreakRule, Requirements, coverage_of


def test_shift_lengths_and_start_grid() -> None:
    rl = rules(shift_lengths=(360, 480), start_step=120, earliest_start=360, latest_start=840)
    s = solve(flat((6, 22), 2.0), [agent(f"a{i}") for i in range(6)], rl)
    assert s.shifts
    for sh in s.shifts:
        start = sh.start.hour * 60 + sh.start.minute
        assert (sh.end - sh.start).total_seconds() / 60 in (360, 480)
        assert start in (360, 480, 600, 720, 840)


def test_days_off_per_week() -> None:
    s = solve(flat(), [agent(max_hours=56.0)], rules(days_off=2))
    assert len(days_worked(s, "a1")) == 5


def test_consecutive_days_off() -> None:
    s = solve(flat(), [agent(max_hours=56.0)], rules(days_off=2, consecutive_days_off=True))
    off = sorted(set(range(7)) - set(days_worked(s, "a1")))
    assert len(off) == 2 and off[1] - off[0] == 1


def test_max_consecutive_working_days_across_weeks() -> None:
    rl = rules(days_off=0, max_consecutive_days=3)
    s = solve(flat(weeks=2), [agent(max_hours=112.0)], rl)
    worked = set(days_worked(s, "a1"))
    assert len(worked) >= 9  # the rule, not a lack of demand, limits the days
    for d in range(14 - 3):
        assert not all(x in worked for x in range(d, d + 4))


def test_minimum_rest_between_shifts() -> None:
    req = np.zeros((1, 7 * 24))
    req[0, 14:22] = 1  # Monday late
    req[0, 24 + 6 : 24 + 14] = 1  # Tuesday early: 8 h after Monday's late shift ends
    need = Requirements(start=MONDAY, interval=60, skills=("s",), required=req)
    tight = solve(need, [agent()], rules(min_rest=660))
    ordered = sorted(tight.shifts, key=lambda sh: sh.start)
    assert all((b.start - a.end).total_seconds() >= 11 * 3600 for a, b in itertools.pairwise(ordered))
    assert tight.gap_hours > 0  # both shifts as required would leave only 8 h of rest
    loose = solve(need, [agent()], rules(min_rest=0))
    assert len(loose.shifts) == 2 and loose.gap_hours == 0


def test_breaks_in_their_windows_and_off_the_phones() -> None:
    rl = rules(breaks=(BreakRule(length=60, earliest=180, latest=300),))
    s = solve(flat((8, 16), 2.0), [agent(f"a{i}") for i in range(3)], rl)
    assert s.shifts
    for sh in s.shifts:
        assert len(sh.breaks) == 1
        offset = (sh.breaks[0].start - sh.start).total_seconds() / 60
        assert 180 <= offset <= 300 and (sh.breaks[0].end - sh.breaks[0].start).total_seconds() == 3600
    cov = coverage_of(s.shifts, flat((8, 16), 2.0), 60)
    assert cov.max() <= 3 and cov.sum() == 7 * len(s.shifts)  # 8 paid hours, 7 on the phones


def test_overnight_shifts_cross_midnight_only_when_allowed() -> None:
    req = np.zeros((1, 7 * 24))
    for d in range(6):
        req[0, d * 24 + 22 : d * 24 + 30] = 1  # 22:00 to 06:00 the next morning
    need = Requirements(start=MONDAY, interval=60, skills=("s",), required=req)
    staff = [agent(f"a{i}") for i in range(2)]
    night = solve(need, staff, rules(overnight=True, earliest_start=1320, latest_start=1320))
    assert night.shifts and all(sh.end.date() > sh.start.date() for sh in night.shifts)
    assert night.under_hours == 0
    day_only = solve(need, staff, rules(overnight=False, earliest_start=360, latest_start=840))
    assert all(sh.end.date() == sh.start.date() for sh in day_only.shifts)


def test_availability_window() -> None:
    a = agent(availability={0: (600, 1080)})  # Monday 10:00-18:00 only
    s = solve(flat((6, 22), 1.0), [a], rules())
    monday = [sh for sh in s.shifts if sh.day == MONDAY]
    assert monday and monday[0].start.hour == 10


def test_approved_time_off() -> None:
    off = MONDAY.replace(day=MONDAY.day + 1)
    s = solve(flat(), [agent(time_off=frozenset({off}), max_hours=56.0)], rules(days_off=0))
    assert off not in {sh.day for sh in s.shifts}
    assert len(s.shifts) == 6


def test_contract_hours_min_and_max() -> None:
    few = solve(flat(days=(0,)), [agent(min_hours=32.0, max_hours=32.0)], rules())
    assert sum(sh.paid_hours for sh in few.shifts) == 32  # forced to work beyond the demand
    capped = solve(flat(), [agent(min_hours=0.0, max_hours=24.0)], rules())
    assert sum(sh.paid_hours for sh in capped.shifts) == 24


def test_preferred_start_is_kept_when_it_costs_nothing() -> None:
    staff = [agent("early"), agent("late", preferred_start=(840, 840))]
    s = solve(flat((6, 22), 1.0, days=(0, 1, 2)), staff, rules())
    late = [sh for sh in s.shifts if sh.agent == "late"]
    assert late and all(sh.start.hour == 14 for sh in late)
    assert s.unmet_preferences == 0


def test_agents_only_work_their_skills() -> None:
    req = flat(skills=("a", "b"))
    staff = [agent("x", skills=("a",)), agent("y", skills=("b",))]
    s = solve(req, staff, rules())
    assert {sh.skill for sh in s.shifts if sh.agent == "x"} == {"a"}
    assert {sh.skill for sh in s.shifts if sh.agent == "y"} == {"b"}


def test_weekend_shifts_are_shared() -> None:
    req = flat((8, 16), 1.0, days=(5, 6))
    req.required[:, :] += flat((8, 16), 1.0, days=(0, 1, 2, 3, 4)).required
    staff = [agent(f"a{i}", max_hours=40.0) for i in range(4)]
    s = solve(req, staff, rules())
    weekend = [sum(1 for sh in s.shifts if sh.agent == a.id and sh.day.weekday() >= 5) for a in staff]
    assert sum(weekend) == 2 and max(weekend) == 1 and s.most_weekend_shifts == 1


@pytest.mark.parametrize(("under", "over", "scheduled"), [(2, 1, True), (1, 2, False)])
def test_under_staffing_weighs_as_the_rules_say(under: int, over: int, scheduled: bool) -> None:
    # 5 h of demand: an 8 h shift removes 5 h of under-staffing and adds 3 h of over-staffing
    s = solve(flat((8, 13), 1.0, days=(0,)), [agent()], rules(under_weight=under, over_weight=over))
    assert bool(s.shifts) is scheduled
    assert s.gap_hours == (3 if scheduled else 5)


def test_gap_is_measured_and_the_lp_bound_is_below_it() -> None:
    req = flat((7, 19), 2.0)
    s = solve(req, [agent(f"a{i}") for i in range(4)], rules())
    cov = coverage_of(s.shifts, req, 60)
    diff = cov - req.required
    assert s.under_hours == pytest.approx(np.clip(-diff, 0, None).sum())
    assert s.over_hours == pytest.approx(np.clip(diff, 0, None).sum())
    assert 0 <= s.lp_bound_hours <= s.gap_hours + 1e-9


def test_service_level_comes_from_the_queueing_package() -> None:
    base = flat((8, 16), 3.0, days=(0,))
    calls = np.where(base.required > 0, 60.0, 0.0)
    aht = np.where(base.required > 0, 150.0, 0.0)
    req = Requirements(start=MONDAY, interval=60, skills=("s",), required=base.required, calls=calls, aht=aht)
    s = solve(req, [agent(f"a{i}") for i in range(3)], rules(), limit=5)
    i = 10  # Monday 10:00
    expected = evaluate(s.coverage[0, i], offered_load(60.0, 150.0, 3600.0), 150.0, 20.0).service_level
    assert s.service_level[0, i] == pytest.approx(float(expected))
    assert np.isnan(s.service_level[0, 3])  # no calls at 03:00


def test_late_shifts_are_shared() -> None:
    # a late shift (ending 22:00) on four weekdays and an early one on the same days: two agents share the lates
    req = flat((6, 14), 1.0, days=(0, 1, 2, 3))
    req.required[:, :] += flat((14, 22), 1.0, days=(0, 1, 2, 3)).required
    staff = [agent("p", max_hours=32.0), agent("q", max_hours=32.0)]
    s = solve(req, staff, rules(min_rest=0, late_end=20 * 60))
    late = [sum(1 for sh in s.shifts if sh.agent == a.id and sh.end.hour >= 22) for a in staff]
    assert sum(late) == 4 and late == [2, 2] and s.most_late_shifts == 2
