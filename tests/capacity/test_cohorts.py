"""Training cohorts: graduation rules, attrition against targets, time to proficiency."""

from __future__ import annotations

import pytest

from supportops.capacity import CohortActuals, HireClass, Pipeline, assess_cohort, project_cohort
from supportops.errors import InputError


def test_graduation_needs_both_marks_strictly_above() -> None:
    c = CohortActuals(
        name="c1",
        hired=10,
        training_leavers=1,
        knowledge=(0.81, 0.80, 0.95, 0.90, 0.85, 0.88, 0.92, 0.83, 0.86),
        mock=(0.76, 0.90, 0.75, 0.80, 0.80, 0.79, 0.81, 0.77, 0.78),
        nesting_leavers=1,
        productivity=(0.5, 0.7, 0.82, 0.95),
    )
    r = assess_cohort(c)
    assert r.graduated == 7 and r.failed_assessment == 2  # 0.80 knowledge and 0.75 mock do not pass
    assert r.training_attrition == pytest.approx(3 / 10) and not r.training_attrition_ok
    assert r.nesting_attrition == pytest.approx(1 / 7) and not r.nesting_attrition_ok
    assert r.proficiency_week == 3 + 3  # 3 training weeks + 3rd nesting week at 82%
    assert len(r.flags) == 2


def test_a_good_class_raises_no_flags() -> None:
    c = CohortActuals(
        name="ok",
        hired=15,
        training_leavers=2,
        knowledge=(0.9,) * 13,
        mock=(0.85,) * 13,
        nesting_leavers=1,
        productivity=(0.6, 0.85),
    )
    r = assess_cohort(c)
    assert r.training_attrition_ok and r.nesting_attrition_ok and r.flags == ()
    assert r.training_attrition == pytest.approx(2 / 15)


def test_inconsistent_records_are_refused() -> None:
    with pytest.raises(InputError, match="assessed trainees"):
        CohortActuals(name="bad", hired=5, training_leavers=1, knowledge=(0.9,) * 3, mock=(0.9,) * 3)
    with pytest.raises(InputError, match="fractions"):
        CohortActuals(name="pct", hired=1, training_leavers=0, knowledge=(85.0,), mock=(0.9,))


def test_projection_of_a_planned_class() -> None:
    p = Pipeline()
    proj = project_cohort(HireClass(skill="a", site="x", start_week=5, size=20), p, trainers=2)
    assert proj.training_leavers == pytest.approx(3.0)  # 15% of 20
    assert proj.nesting_leavers == pytest.approx(1.7)  # 10% of 17
    assert proj.graduates == pytest.approx(15.3)
    assert (proj.nesting_week, proj.production_week, proj.proficiency_week) == (8, 12, 10)
