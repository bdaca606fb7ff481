"""Training cohorts: classes followed through training and nesting, graduation rules, attrition against
targets and time to proficiency — projected for planned classes and measured for classes that ran.

Graduation (the brief): knowledge assessment above 80% and mock evaluation above 75%. Targets: training
attrition below 15% of the class, nesting attrition below 10% of those who entered nesting. Time to
proficiency: weeks from the class start until a hire first reaches 80% of tenured performance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supportops.capacity.pipeline import Pipeline
from supportops.capacity.supply import HireClass
from supportops.errors import InputError

__all__ = [
    "CohortActuals",
    "CohortProjection",
    "CohortReport",
    "GraduationRules",
    "assess_cohort",
    "project_cohort",
    "project_cohorts",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class GraduationRules:
    """Pass marks (fractions, strictly above) and attrition targets (fractions, at most)."""

    knowledge_min: float = 0.80
    mock_min: float = 0.75
    training_attrition_max: float = 0.15
    nesting_attrition_max: float = 0.10
    proficiency: float = 0.80


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortProjection:
    """Expected course of a planned class (people as expected values; weeks are plan weeks)."""

    skill: str
    site: str
    start_week: int
    size: int
    training_leavers: float
    nesting_entrants: float
    nesting_leavers: float
    graduates: float
    nesting_week: int
    production_week: int
    proficiency_week: int
    trainers: int


def project_cohort(c: HireClass, pipeline: Pipeline, trainers: int) -> CohortProjection:
    """What the pipeline expects of class ``c``: leavers per stage, graduates and the weeks it reaches."""
    surv = pipeline.survival(pipeline.weeks_to_production + 1)
    entrants = c.size * float(surv[pipeline.training_weeks])
    graduates = c.size * float(surv[pipeline.weeks_to_production])
    return CohortProjection(
        skill=c.skill,
        site=c.site,
        start_week=c.start_week,
        size=c.size,
        training_leavers=c.size - entrants,
        nesting_entrants=entrants,
        nesting_leavers=entrants - graduates,
        graduates=graduates,
        nesting_week=c.start_week + pipeline.training_weeks,
        production_week=c.start_week + pipeline.weeks_to_production,
        proficiency_week=c.start_week + pipeline.weeks_to_proficiency - 1,
        trainers=trainers,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortActuals:
    """A class that ran: who was hired, who left in training, each remaining trainee's knowledge assessment
    and mock evaluation (fractions 0-1, same order), who left in nesting, and the class's weekly
    productivity relative to tenured agents from the first nesting week on."""

    name: str
    hired: int
    training_leavers: int
    knowledge: tuple[float, ...]
    mock: tuple[float, ...]
    nesting_leavers: int = 0
    productivity: tuple[float, ...] = ()
    training_weeks: int = 3

    def __post_init__(self) -> None:
        if self.hired < 1 or not 0 <= self.training_leavers <= self.hired:
            raise InputError(f"cohort {self.name!r}: needs hired ≥ 1 and 0 ≤ training_leavers ≤ hired")
        if len(self.knowledge) != len(self.mock):
            raise InputError(f"cohort {self.name!r}: {len(self.knowledge)} knowledge scores but {len(self.mock)} mocks")
        if len(self.knowledge) != self.hired - self.training_leavers:
            raise InputError(
                f"cohort {self.name!r}: {len(self.knowledge)} assessed trainees, but {self.hired} hired − "
                f"{self.training_leavers} left = {self.hired - self.training_leavers}"
            )
        for v in (*self.knowledge, *self.mock, *self.productivity):
            if not 0.0 <= v <= 1.5:
                raise InputError(f"cohort {self.name!r}: scores and productivity are fractions (0.82 = 82%), got {v}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortReport:
    """Graduation and attrition of a class against the rules; ``proficiency_week`` is None until reached."""

    name: str
    hired: int
    graduated: int
    failed_assessment: int
    training_attrition: float
    training_attrition_ok: bool
    nesting_attrition: float
    nesting_attrition_ok: bool
    proficiency_week: int | None
    flags: tuple[str, ...]


def assess_cohort(c: CohortActuals, rules: GraduationRules = GraduationRules()) -> CohortReport:
    """Apply the graduation rules and the attrition targets to a class that ran.

    Training attrition counts leavers and those who fail graduation (both are lost to the class) over the
    hired; nesting attrition counts nesting leavers over the graduates who entered nesting.
    """
    passed = [k > rules.knowledge_min and m > rules.mock_min for k, m in zip(c.knowledge, c.mock, strict=True)]
    graduated = sum(passed)
    failed = len(passed) - graduated
    if c.nesting_leavers > graduated:
        raise InputError(f"cohort {c.name!r}: {c.nesting_leavers} nesting leavers but only {graduated} graduates")
    t_attr = (c.training_leavers + failed) / c.hired
    n_attr = c.nesting_leavers / graduated if graduated else 0.0
    prof = next((k for k, p in enumerate(c.productivity) if p >= rules.proficiency), None)
    flags = []
    if t_attr > rules.training_attrition_max:
        flags.append(
            f"training attrition {t_attr:.0%} is above {rules.training_attrition_max:.0%}: fix recruiting or content"
        )
    if n_attr > rules.nesting_attrition_max:
        flags.append(f"nesting attrition {n_attr:.0%} is above {rules.nesting_attrition_max:.0%}")
    if c.productivity and prof is None:
        flags.append(f"not yet at {rules.proficiency:.0%} of tenured performance")
    return CohortReport(
        name=c.name,
        hired=c.hired,
        graduated=graduated,
        failed_assessment=failed,
        training_attrition=t_attr,
        training_attrition_ok=t_attr <= rules.training_attrition_max,
        nesting_attrition=n_attr,
        nesting_attrition_ok=n_attr <= rules.nesting_attrition_max,
        proficiency_week=None if prof is None else c.training_weeks + prof + 1,
        flags=tuple(flags),
    )


def project_cohorts(
    classes: Sequence[HireClass], pipeline: Pipeline, trainees_per_trainer: int
) -> tuple[CohortProjection, ...]:
    """Projections of every class, in start order."""
    return tuple(
        project_cohort(c, pipeline, -(-c.size // trainees_per_trainer))
        for c in sorted(classes, key=lambda c: (c.start_week, c.skill, c.site))
    )
