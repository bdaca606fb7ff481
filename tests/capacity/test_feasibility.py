"""SLA feasibility both ways: the brief's example, agreement with the queueing package, and properties."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.capacity import agents_within_roster, budget_for_target, fte_for_money, service_level_at_budget
from supportops.queueing import Targets, apply_shrinkage, erlang_c_metrics, required_agents

T8020 = Targets(service_level=0.80, threshold=20.0)


def _erlang_c_sl(n: int, a: float, aht: float, t: float) -> float:
    """Independent Erlang C with mpmath: SL = 1 − C·exp(−(N − A)·T/AHT)."""
    mpmath.mp.dps = 40
    a_ = mpmath.mpf(a)
    top = a_**n / mpmath.factorial(n) * n / (n - a_)
    c = top / (sum(a_**k / mpmath.factorial(k) for k in range(n)) + top)
    return float(1 - c * mpmath.e ** (-(n - a_) * t / aht))


def test_brief_example_target_to_budget() -> None:
    ans = budget_for_target([120], [360], 1800.0, T8020, shrinkage=0.30, absenteeism=0.08, cost_per_fte_year=61_440)
    assert ans.agents.tolist() == [29]  # exact Erlang C (the brief's "~28" reaches only 73.3%)
    assert ans.scheduled.tolist() == [42] and ans.rostered_needed == 46
    assert ans.service_level[0] == pytest.approx(0.81648591, abs=1e-8)  # wfm-anchors §4.1
    assert ans.budget_needed == 46 * 61_440


def test_brief_example_agrees_with_the_queueing_package() -> None:
    """The same answer as `supportops staff` computes: required_agents, then apply_shrinkage."""
    res = required_agents(np.array([24.0]), np.array([360.0]), T8020)
    chain = apply_shrinkage(float(res.agents[0]), 0.30, 0.08)
    ans = budget_for_target([120], [360], 1800.0, T8020, shrinkage=0.30, absenteeism=0.08)
    assert (int(ans.agents[0]), int(ans.scheduled[0]), ans.rostered_needed) == (
        int(res.agents[0]),
        chain.scheduled,
        chain.rostered,
    )


def test_brief_example_budget_to_service_level() -> None:
    ans = service_level_at_budget([120], [360], 1800.0, 40, shrinkage=0.30, absenteeism=0.08, targets=T8020)
    # 40 rostered → 36 scheduled (36/0.92 = 39.1 → 40) → 25 on the phones (25/0.7 = 35.7 → 36)
    assert (ans.agents, ans.scheduled) == (25, 36)
    assert ans.service_level[0] == pytest.approx(_erlang_c_sl(25, 24.0, 360.0, 20.0), abs=1e-10)
    assert ans.service_level[0] == pytest.approx(float(erlang_c_metrics(25, 24.0, 360.0, 20.0).service_level))
    assert not ans.meets_target[0]
    at46 = service_level_at_budget([120], [360], 1800.0, 46, shrinkage=0.30, absenteeism=0.08, targets=T8020)
    assert at46.agents == 29 and at46.meets_target[0]
    assert at46.service_level[0] == pytest.approx(0.81648591, abs=1e-8)


def test_money_budget_becomes_people() -> None:
    per_fte = 32.0 * 1920
    assert fte_for_money(46 * per_fte, per_fte) == 46
    assert fte_for_money(46 * per_fte - 1, per_fte) == 45


def test_per_interval_answers_and_overall_service_level() -> None:
    calls = np.array([60.0, 120.0, 90.0])
    ans = service_level_at_budget(calls, 360.0, 1800.0, 46, shrinkage=0.30, absenteeism=0.08, targets=T8020)
    assert ans.meets_target.all()
    assert ans.overall_service_level == pytest.approx(float((ans.service_level * calls).sum() / calls.sum()))
    need = budget_for_target(calls, 360.0, 1800.0, T8020, shrinkage=0.30, absenteeism=0.08)
    assert need.rostered_needed == 46 and need.rostered[0] < 46  # the busiest interval sets the roster


@settings(max_examples=200, deadline=None)
@given(
    budget=st.integers(0, 3000),
    shrinkage=st.floats(0.0, 0.6),
    absenteeism=st.floats(0.0, 0.3),
)
def test_agents_within_roster_is_the_exact_inverse_of_the_shrinkage_chain(
    budget: int, shrinkage: float, absenteeism: float
) -> None:
    n = agents_within_roster(budget, shrinkage, absenteeism)
    assert apply_shrinkage(float(n), shrinkage, absenteeism).rostered <= budget
    assert apply_shrinkage(float(n + 1), shrinkage, absenteeism).rostered > budget


@settings(max_examples=60, deadline=None)
@given(calls=st.floats(1.0, 2000.0), aht=st.floats(30.0, 900.0))
def test_budget_for_target_meets_it_and_one_fewer_does_not(calls: float, aht: float) -> None:
    need = budget_for_target([calls], [aht], 1800.0, T8020, shrinkage=0.3, absenteeism=0.08)
    at = service_level_at_budget(
        [calls], [aht], 1800.0, need.rostered_needed, shrinkage=0.3, absenteeism=0.08, targets=T8020
    )
    assert at.meets_target[0] and at.agents >= need.agents[0]
    less = service_level_at_budget(
        [calls], [aht], 1800.0, need.rostered_needed - 1, shrinkage=0.3, absenteeism=0.08, targets=T8020
    )
    assert not less.meets_target[0] or less.agents >= need.agents[0]
    assert math.isfinite(float(at.service_level[0]))
