"""The hiring optimiser against hiring to the peak: same rules, same gap, lower cost."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportops.capacity import (
    HireClass,
    HiringProblem,
    HiringRules,
    Pipeline,
    Site,
    class_curves,
    optimise_hiring,
    peak_plan,
)

PIPE = Pipeline()  # 3 training weeks, nesting 50/75/90/100%
RULES = HiringRules(class_min=5, class_max=20, trainees_per_trainer=15)
WEEKS = 30


def _sites(trainers: int = 2) -> tuple[Site, ...]:
    return (
        Site(
            name="onshore",
            delivery_model="onshore",
            hourly_cost=30.0,
            lead_weeks=10,
            trainers=trainers,
            hiring_cost=2000.0,
        ),
        Site(
            name="offshore",
            delivery_model="offshore",
            hourly_cost=12.0,
            lead_weeks=8,
            trainers=trainers,
            hiring_cost=600.0,
            skills=("chat",),
        ),
    )


def _problem(demand_voice: np.ndarray, demand_chat: np.ndarray, trainers: int = 2) -> HiringProblem:
    decay = 0.99 ** np.arange(WEEKS)
    return HiringProblem(
        weeks=WEEKS,
        pipeline=PIPE,
        sites=_sites(trainers),
        rules=RULES,
        demand={"voice": demand_voice, "chat": demand_chat},
        base={"voice": 40.0 * decay, "chat": 25.0 * decay},
        trainers_busy={},
    )


def _supply(problem: HiringProblem, classes: Sequence[HireClass], skill: str) -> np.ndarray:
    out = problem.base[skill].copy()
    for c in classes:
        if c.skill == skill:
            out += c.size * class_curves(problem.pipeline, c.start_week, problem.weeks).productive
    return out


def _check_rules(problem: HiringProblem, classes: Sequence[HireClass]) -> None:
    sites = {s.name: s for s in problem.sites}
    used = {s: np.zeros(problem.weeks) for s in sites}
    seen = set()
    for c in classes:
        site = sites[c.site]
        assert site.hires_for(c.skill)
        assert c.start_week >= site.lead_weeks  # lead time of the delivery model
        assert RULES.class_min <= c.size <= RULES.class_max
        assert (c.skill, c.site, c.start_week) not in seen
        seen.add((c.skill, c.site, c.start_week))
        used[c.site][c.start_week : c.start_week + PIPE.training_weeks] += -(-c.size // 15)
    for name, u in used.items():
        assert np.all(u <= sites[name].trainers), name  # 1 trainer per 15 hires, trainers available


def test_seasonal_peak_optimised_is_cheaper_and_closes_the_same_gap() -> None:
    w = np.arange(WEEKS)
    voice = 38.0 + 14.0 * np.exp(-(((w - 20) / 4.0) ** 2))
    chat = 24.0 + 0.3 * w
    problem = _problem(voice, chat)
    naive = peak_plan(problem)
    best = optimise_hiring(problem, time_limit_s=20)
    assert best.status == "OPTIMAL"
    for plan in (naive, best):
        _check_rules(problem, plan.classes)
        for skill, d in problem.demand.items():
            first = problem.first_closable(skill)
            assert np.all(_supply(problem, plan.classes, skill)[first + PIPE.nesting_weeks :] >= d[first + 4 :] - 1e-9)
    for skill in ("voice", "chat"):
        assert best.shortage[skill].sum() == pytest.approx(naive.shortage[skill].sum(), abs=1e-9)
    assert best.objective < naive.objective
    # hiring to the peak holds the peak level from the first class on; the optimiser follows the season
    peak_hires = sum(c.size for c in naive.classes)
    assert sum(c.size for c in best.classes) <= peak_hires


def test_trainer_capacity_binds() -> None:
    w = np.arange(WEEKS)
    voice = 40.0 + 1.5 * w  # steep growth: wants big classes
    chat = np.full(WEEKS, 20.0)
    problem = _problem(voice, chat, trainers=1)
    best = optimise_hiring(problem, time_limit_s=20)
    _check_rules(problem, best.classes)
    assert all(c.size <= 15 for c in best.classes)  # one trainer: at most 15 in training at once per site
    assert best.shortage["voice"].sum() > 0  # and the gap cannot be closed in full: reported, not hidden


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    level=st.floats(30.0, 60.0),
    swing=st.floats(0.0, 20.0),
    centre=st.integers(14, 28),
    growth=st.floats(0.0, 0.6),
)
def test_optimised_never_dearer_than_peak(level: float, swing: float, centre: int, growth: float) -> None:
    w = np.arange(WEEKS)
    voice = level + swing * np.exp(-(((w - centre) / 3.0) ** 2))
    chat = 22.0 + growth * w
    problem = _problem(voice, chat)
    naive = peak_plan(problem)
    best = optimise_hiring(problem, time_limit_s=10, hint=naive)
    _check_rules(problem, best.classes)
    _check_rules(problem, naive.classes)
    for skill in ("voice", "chat"):
        assert best.shortage[skill].sum() <= naive.shortage[skill].sum() + 1e-6
    if all(best.shortage[s].sum() == pytest.approx(naive.shortage[s].sum(), abs=1e-6) for s in ("voice", "chat")):
        # the solver prices hires in whole currency units: allow that rounding per class
        assert best.objective <= naive.objective + len(best.classes) + len(naive.classes)
