"""The new-hire pipeline: attrition conversions, the ramp, stages and weeks to proficiency."""

from __future__ import annotations

import numpy as np
import pytest

from supportops.capacity import Pipeline, SupplyLine, class_curves, project_supply, weekly_rate
from supportops.errors import InputError


def test_weekly_rate_compounds_back_to_the_monthly_rate() -> None:
    w = weekly_rate(0.04)
    assert (1 - w) ** (52 / 12) == pytest.approx(0.96)
    assert weekly_rate(0.0) == 0.0
    with pytest.raises(InputError):
        weekly_rate(1.0)


def test_brief_defaults_lose_15_percent_in_training_and_10_in_nesting() -> None:
    p = Pipeline()
    s = p.survival(20)
    assert s[0] == 1.0
    assert s[3] == pytest.approx(0.85)  # after 3 training weeks
    assert s[7] == pytest.approx(0.85 * 0.90)  # after 4 nesting weeks
    early = 1 - weekly_rate(0.10)
    assert s[13] == pytest.approx(0.85 * 0.90 * early**6)  # early-tenure attrition until week 13
    late = 1 - weekly_rate(0.04)
    assert s[15] == pytest.approx(s[13] * late**2)
    assert list(p.productivity(9)) == [0, 0, 0, 0.5, 0.75, 0.9, 1.0, 1.0, 1.0]
    assert [p.stage(a) for a in (0, 2, 3, 6, 7)] == ["training", "training", "nesting", "nesting", "production"]
    assert p.weeks_to_production == 7
    assert p.weeks_to_proficiency == 6  # 3 training weeks + nesting week 3 at 90% ≥ 80%


def test_class_started_before_the_plan_shows_from_week_zero() -> None:
    p = Pipeline()
    c = class_curves(p, -2, 6)
    full = class_curves(p, 0, 8)
    assert c.headcount == pytest.approx(full.headcount[2:8])
    assert c.training[0] == pytest.approx(full.headcount[2]) and c.training[1] == 0.0
    assert c.nesting[1] == pytest.approx(full.headcount[3])


def test_recent_agents_are_counted_as_they_are_today() -> None:
    p = Pipeline()
    sw = project_supply(SupplyLine(skill="a", site="x", recent=((4, 10.0),)), p, 10)
    assert sw.headcount[0] == pytest.approx(10.0)  # conditioned on being here now
    assert sw.productive[0] == pytest.approx(10.0 * 0.75)  # 2nd nesting week
    assert sw.nesting[0] == pytest.approx(10.0)
    tenured = project_supply(SupplyLine(skill="a", site="x", tenured=100.0), p, 53)
    assert tenured.headcount[52] == pytest.approx(100 * 0.96**12)  # a year at 4% a month


@pytest.mark.parametrize(
    "kwargs",
    [{"training_weeks": 0}, {"nesting_ramp": ()}, {"nesting_ramp": (0.9, 0.5)}, {"training_attrition": 1.0}],
)
def test_invalid_pipelines_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        Pipeline(**kwargs)  # type: ignore[arg-type]


def test_contribution_is_survival_times_productivity() -> None:
    p = Pipeline(training_weeks=2)
    assert np.allclose(p.contribution(12), p.survival(12) * p.productivity(12))
