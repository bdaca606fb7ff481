"""The life of one hire, week by week: training, nesting on the ramp, then production, with attrition at each
stage that depends on tenure.

Everything is an expected value per person hired (fractions, not whole people), so a class of ``n`` hires
contributes ``n`` times the curves below and plans add up linearly. Week ``a`` is the ``a``-th week after the
class starts (0-based). Headcount during week ``a`` is the share still employed at the start of that week;
leavers go at the end of a week.

* Training (``training_weeks``): 0% productive; ``training_attrition`` of the class is lost over the whole
  training, evenly in geometric terms (weekly survival ``(1 − training_attrition) ** (1 / training_weeks)``).
* Nesting (one week per entry of ``nesting_ramp``, the brief's 50%, 75%, 90%, 100%): productive at the ramp's
  share; ``nesting_attrition`` of those who entered nesting is lost over the nesting weeks.
* Production: fully productive. Monthly attrition converts to weekly as ``1 − (1 − m) ** (12 / 52)``;
  ``early_monthly_attrition`` applies until ``early_tenure_weeks`` after the hire (90 days ≈ 13 weeks),
  ``monthly_attrition`` after that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from supportops.errors import InputError

__all__ = ["Pipeline", "weekly_rate"]

FloatArray = NDArray[np.float64]

WEEKS_PER_MONTH = 52.0 / 12.0


def weekly_rate(monthly: float) -> float:
    """Weekly attrition equivalent to a monthly rate (fraction of headcount lost per month, 0-1)."""
    if not (math.isfinite(monthly) and 0.0 <= monthly < 1.0):
        raise InputError(f"monthly attrition must be a fraction in [0, 1), got {monthly}")
    return float(1.0 - (1.0 - monthly) ** (1.0 / WEEKS_PER_MONTH))


@dataclass(frozen=True, slots=True, kw_only=True)
class Pipeline:
    """Training, nesting and tenure-dependent attrition of new hires (fractions 0-1, durations in weeks)."""

    training_weeks: int = 3
    training_attrition: float = 0.15
    nesting_ramp: tuple[float, ...] = (0.50, 0.75, 0.90, 1.00)
    nesting_attrition: float = 0.10
    early_monthly_attrition: float = 0.10
    monthly_attrition: float = 0.04
    early_tenure_weeks: int = 13
    proficiency: float = 0.80

    def __post_init__(self) -> None:
        if not 1 <= self.training_weeks <= 12:
            raise InputError(f"training_weeks must be 1 to 12, got {self.training_weeks}")
        if not self.nesting_ramp or any(not 0.0 < r <= 1.0 for r in self.nesting_ramp):
            raise InputError(f"nesting_ramp must hold shares in (0, 1], got {self.nesting_ramp}")
        if any(b < a for a, b in zip(self.nesting_ramp, self.nesting_ramp[1:], strict=False)):
            raise InputError(f"nesting_ramp must not fall, got {self.nesting_ramp}")
        for name in ("training_attrition", "nesting_attrition", "early_monthly_attrition", "monthly_attrition"):
            v = getattr(self, name)
            if not (math.isfinite(v) and 0.0 <= v < 1.0):
                raise InputError(f"{name} must be a fraction in [0, 1), got {v}")
        if self.early_tenure_weeks < 0:
            raise InputError(f"early_tenure_weeks must be ≥ 0, got {self.early_tenure_weeks}")
        if not 0.0 < self.proficiency <= 1.0:
            raise InputError(f"proficiency must be a share in (0, 1], got {self.proficiency}")

    @property
    def nesting_weeks(self) -> int:
        return len(self.nesting_ramp)

    @property
    def weeks_to_production(self) -> int:
        """Weeks from the class start to the first week of full production after nesting."""
        return self.training_weeks + self.nesting_weeks

    @property
    def weeks_to_proficiency(self) -> int:
        """Weeks from the class start until a hire first works at ``proficiency`` of a tenured agent (1-based:
        the count of weeks up to and including that week)."""
        for k, r in enumerate(self.nesting_ramp):
            if r >= self.proficiency:
                return self.training_weeks + k + 1
        return self.weeks_to_production + 1

    def survival(self, weeks: int) -> FloatArray:
        """Share of a class still employed at the start of week ``a`` after its start, for a = 0 .. weeks-1."""
        q_train = (1.0 - self.training_attrition) ** (1.0 / self.training_weeks)
        q_nest = (1.0 - self.nesting_attrition) ** (1.0 / self.nesting_weeks)
        q_early = 1.0 - weekly_rate(self.early_monthly_attrition)
        q_late = 1.0 - weekly_rate(self.monthly_attrition)
        out = np.empty(max(weeks, 0), dtype=np.float64)
        s = 1.0
        for a in range(out.size):
            out[a] = s
            if a < self.training_weeks:
                s *= q_train
            elif a < self.weeks_to_production:
                s *= q_nest
            elif a < self.early_tenure_weeks:
                s *= q_early
            else:
                s *= q_late
        return out

    def productivity(self, weeks: int) -> FloatArray:
        """Share of a tenured agent's output during week ``a`` after the class start (0 in training)."""
        out = np.ones(max(weeks, 0), dtype=np.float64)
        out[: self.training_weeks] = 0.0
        for k, r in enumerate(self.nesting_ramp):
            a = self.training_weeks + k
            if a < out.size:
                out[a] = r
        return out

    def contribution(self, weeks: int) -> FloatArray:
        """Productive FTE per person hired in week ``a`` after the class start: survival × productivity."""
        return self.survival(weeks) * self.productivity(weeks)

    def stage(self, week: int) -> str:
        """``training``, ``nesting`` or ``production`` for week ``a`` after the class start."""
        if week < self.training_weeks:
            return "training"
        if week < self.weeks_to_production:
            return "nesting"
        return "production"
