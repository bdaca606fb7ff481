"""Infeasible instances are reported as infeasible, quickly, with the agent, the rule and the day in words."""

from __future__ import annotations

import time
from datetime import timedelta

from tiny import MONDAY, agent, flat, rules, solve

from supportops.scheduling import diagnose, shift_types


def test_time_off_against_contract_hours_is_explained_in_under_five_seconds() -> None:
    off = frozenset(MONDAY + timedelta(days=i) for i in range(3))  # Monday to Wednesday
    staff = [agent("ok", min_hours=16.0), agent("ana", min_hours=40.0, time_off=off)]
    started = time.perf_counter()
    s = solve(flat(), staff, rules(days_off=2))
    assert time.perf_counter() - started < 5.0
    assert s.status == "infeasible" and not s.shifts
    rules_hit = {(c.agent, c.rule) for c in s.conflicts}
    assert ("ana", "min_hours") in rules_hit
    assert {c.agent for c in s.conflicts} == {"ana"}
    text = " ".join(s.reasons)
    assert "agent ana cannot be scheduled" in text
    assert "at least 40 paid hours in the week from Mon 2026-01-05" in text


def test_availability_too_short_for_any_shift_names_the_days() -> None:
    short = dict.fromkeys(range(7), (540, 720))  # 09:00-12:00 every day: no 8 h shift fits
    s = solve(flat(), [agent("bo", min_hours=8.0, availability=short)], rules())
    assert s.status == "infeasible"
    kinds = {c.rule for c in s.conflicts}
    assert "availability" in kinds and "min_hours" in kinds
    days = {c.day for c in s.conflicts if c.rule == "availability"}
    assert days and all(d is not None and MONDAY <= d < MONDAY + timedelta(days=7) for d in days)
    assert any("availability 09:00-12:00 on" in r for r in s.reasons)


def test_rest_and_availability_conflict() -> None:
    # Monday only late (ends 22:00), Tuesday only early (starts 06:00): 8 h rest, 11 h required
    avail = {0: (840, 1320), 1: (360, 840)}
    rest_of_week = frozenset(MONDAY + timedelta(days=i) for i in range(2, 7))
    a = agent("cy", min_hours=16.0, max_hours=16.0, availability=avail, time_off=rest_of_week)
    types = shift_types(rules())
    conflicts = diagnose([a], flat(), rules(), types)
    assert {c.rule for c in conflicts} >= {"rest", "min_hours"}
    rest = next(c for c in conflicts if c.rule == "rest")
    assert rest.day == MONDAY and "11 h rest" in rest.message


def test_maximum_below_minimum_hours() -> None:
    s = solve(flat(), [agent("di", min_hours=30.0, max_hours=20.0)], rules())
    assert s.status == "infeasible"
    assert "maximum 20 h is below the minimum 30 h" in s.reasons[0]
