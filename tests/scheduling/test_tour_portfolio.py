"""Searches in several processes: every week keeps its rules, the best is kept, a failing child is left out."""

from __future__ import annotations

import io
import pickle
import time

import numpy as np
from test_tours import Week, _instance, keeps_rules
from tiny import solve

from supportops.scheduling import Agent, Requirements, Rules, build_schedule
from supportops.scheduling.aggregate import slot_requirements
from supportops.scheduling.improve import placed_coverage
from supportops.scheduling.search_worker import serve
from supportops.scheduling.shifts import ShiftType, shift_types
from supportops.scheduling.tour_moves import Search
from supportops.scheduling.tour_portfolio import Portfolio
from supportops.scheduling.tour_solve import solve_tours


def _weighted(weeks: list[Week], req: Requirements, rl: Rules, types: tuple[ShiftType, ...]) -> float:
    need = slot_requirements(req, rl.slot)
    cov = placed_coverage(weeks, types, need.shape[0], need.shape[1], 1440 // rl.slot, rl.slot)[:, : need.shape[1]]
    diff = cov - need
    return float((rl.under_weight * np.clip(-diff, 0, None) + rl.over_weight * np.clip(diff, 0, None)).sum())


def _start() -> tuple[Requirements, list[Agent], Rules, tuple[ShiftType, ...], list[Week]]:
    req, staff, rl = _instance()
    types = shift_types(rl)
    start, _ = solve_tours(req, staff, rl, types, budget=3.0, workers=1, seed=0)
    return req, staff, rl, types, start


def test_two_searches_keep_every_rule_and_never_worsen() -> None:
    req, staff, rl, types, start = _start()
    with Portfolio(req, staff, rl, types, workers=2, seed=0) as portfolio:
        assert len(portfolio.children) == 1
        moved = portfolio.search(start, deadline_s=8.0, seed=0)
        assert portfolio.answers >= 1  # the child's search took part
    for who, week in zip(staff, moved, strict=True):
        assert keeps_rules(week, who, rl, types, req.days) == []
    assert _weighted(moved, req, rl, types) <= _weighted(start, req, rl, types) + 1e-9


def test_a_child_that_dies_is_left_out() -> None:
    req, staff, rl, types, start = _start()
    with Portfolio(req, staff, rl, types, workers=2, seed=0) as portfolio:
        portfolio.children[0].proc.kill()
        portfolio.children[0].proc.wait()
        began = time.perf_counter()
        moved = portfolio.search(start, deadline_s=4.0, seed=0)
        assert time.perf_counter() - began < 6.0
        assert portfolio.answers == 0
    for who, week in zip(staff, moved, strict=True):
        assert keeps_rules(week, who, rl, types, req.days) == []


def _served(*requests: tuple[object, ...]) -> list[tuple[object, ...]]:
    """The worker's answers to ``requests``, through in-memory pipes."""
    sent = io.BytesIO()
    for r in requests:
        pickle.dump(r, sent)
    sent.seek(0)
    got = io.BytesIO()
    serve(sent, got)
    got.seek(0)
    out = []
    while got.tell() < len(got.getvalue()):
        out.append(pickle.load(got))
    return out


def test_the_worker_answers_each_run_with_rule_keeping_values() -> None:
    req, staff, rl, types, start = _start()
    search = Search(req, staff, rl, types, seed=0)
    search.load(start)
    before = search.objective()
    answers = _served(
        ("run", search.values(), time.time() + 1.0),  # before its setup: an error answer, not a crash
        ("setup", req, staff, rl, types, 5),
        ("run", None, time.time() + 1.0),  # nothing to go on from yet: an error answer
        ("run", search.values(), time.time() + 2.0),
    )
    assert [a[0] for a in answers] == ["error", "error", "done"]
    _kind, objective, values, stalled, exhausted = answers[2]
    assert isinstance(objective, int) and objective <= before
    assert isinstance(stalled, bool) and isinstance(exhausted, bool)
    search.load(values)  # type: ignore[arg-type]
    assert search.objective() == objective
    for who, week in zip(staff, search.weeks(), strict=True):
        assert keeps_rules(week, who, rl, types, req.days) == []


def test_one_worker_gives_the_same_schedule_for_a_seed() -> None:
    req, staff, rl = _instance()
    first, second = solve(req, staff, rl, limit=8.0), solve(req, staff, rl, limit=8.0)
    assert first.shifts == second.shifts
    assert first.gap_hours == second.gap_hours


def test_two_workers_give_a_valid_schedule_in_time() -> None:
    req, staff, rl = _instance()
    s = build_schedule(req, staff, rl, time_limit=8.0, workers=2, seed=3)
    assert s.status in ("optimal", "feasible")
    assert s.solve_s <= 8.0 + 2.0
    assert s.agents_scheduled > 0
    assert s.gap_hours >= s.lp_bound_hours - 1e-6
    # every agent's week keeps its rules (checked on the named shifts)
    types = shift_types(rl)
    by_agent: dict[str, Week] = {a.id: [] for a in staff}
    for sh in s.shifts:
        start_min = sh.start.hour * 60 + sh.start.minute
        t = next(t for t in types if t.start == start_min and t.length == round(sh.paid_hours * 60))
        offsets = tuple(int((b.start - sh.start).total_seconds() // 60) for b in sh.breaks)
        by_agent[sh.agent].append(((sh.day - req.start).days, t.index, req.skills.index(sh.skill), offsets))
    for who in staff:
        assert keeps_rules(sorted(by_agent[who.id]), who, rl, types, req.days) == []


def test_a_search_that_has_tried_every_day_and_pair_of_days_gains_in_none() -> None:
    req, staff, rl, types, start = _start()
    search = Search(req, staff, rl, types, seed=0)
    search.load(start)
    assert not search.exhausted
    for _ in range(40):
        search.run(8.0, lambda _t: None)
        if search.exhausted:
            break
    assert search.exhausted
    st = search.st
    assert st is not None
    every = list(range(len(search.tm.groups)))
    for d in range(req.days):
        assert st.step(every, d, d + 1, 10.0) == 0
    for d in range(req.days - 1):
        assert st.step(every, d, d + 2, 10.0) == 0
    for who, week in zip(staff, search.weeks(), strict=True):
        assert keeps_rules(week, who, rl, types, req.days) == []
