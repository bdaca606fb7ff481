"""Sites and the rules for hiring at them: cost per FTE by delivery model, lead times, trainers, class sizes."""

from __future__ import annotations

import math
from dataclasses import dataclass

from supportops.errors import InputError

__all__ = ["DELIVERY_LEAD_WEEKS", "HiringRules", "Site"]

DELIVERY_LEAD_WEEKS: dict[str, tuple[int, int]] = {
    "onshore": (6, 10),
    "work_from_home": (6, 10),
    "nearshore": (4, 8),
    "offshore": (4, 8),
}
"""Weeks from opening a requisition to the first day of training, by delivery model (the brief's ranges;
work from home recruits in the onshore market, nearshore like offshore)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A place (or work-from-home pool) where agents of some skills are hired and trained.

    ``hourly_cost``: fully loaded cost per paid hour (workspace currency); ``paid_hours_per_year`` per FTE.
    ``lead_weeks``: the earliest plan week a new class can start. ``trainers``: trainers available at once.
    ``hiring_cost``: recruiting cost per hire. ``skills``: skills it can hire for (empty: all).
    """

    name: str
    delivery_model: str
    hourly_cost: float
    paid_hours_per_year: float = 1920.0
    lead_weeks: int = 10
    trainers: int = 2
    hiring_cost: float = 0.0
    skills: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.delivery_model not in DELIVERY_LEAD_WEEKS:
            raise InputError(
                f"site {self.name!r}: delivery model {self.delivery_model!r} is not one of "
                f"{', '.join(DELIVERY_LEAD_WEEKS)}"
            )
        if not (math.isfinite(self.hourly_cost) and self.hourly_cost > 0):
            raise InputError(f"site {self.name!r}: hourly_cost must be > 0, got {self.hourly_cost}")
        if not (math.isfinite(self.paid_hours_per_year) and self.paid_hours_per_year > 0):
            raise InputError(f"site {self.name!r}: paid_hours_per_year must be > 0")
        if self.lead_weeks < 0:
            raise InputError(f"site {self.name!r}: lead_weeks must be ≥ 0, got {self.lead_weeks}")
        if self.trainers < 0:
            raise InputError(f"site {self.name!r}: trainers must be ≥ 0, got {self.trainers}")
        if not (math.isfinite(self.hiring_cost) and self.hiring_cost >= 0):
            raise InputError(f"site {self.name!r}: hiring_cost must be ≥ 0")

    @property
    def weekly_cost(self) -> float:
        """Cost of one FTE for one week: hourly cost × paid hours per year ÷ 52."""
        return self.hourly_cost * self.paid_hours_per_year / 52.0

    def hires_for(self, skill: str) -> bool:
        return not self.skills or skill in self.skills


@dataclass(frozen=True, slots=True, kw_only=True)
class HiringRules:
    """Class sizes (a class is 0, or ``class_min`` to ``class_max`` hires; at most one class per skill, site
    and start week) and the trainer ratio (one trainer per ``trainees_per_trainer`` hires in training)."""

    class_min: int = 5
    class_max: int = 30
    trainees_per_trainer: int = 15

    def __post_init__(self) -> None:
        if not 1 <= self.class_min <= self.class_max:
            raise InputError(f"class sizes need 1 ≤ class_min ≤ class_max, got {self.class_min}, {self.class_max}")
        if self.trainees_per_trainer < 1:
            raise InputError(f"trainees_per_trainer must be ≥ 1, got {self.trainees_per_trainer}")

    def trainers_for(self, size: int) -> int:
        """Trainers one class of ``size`` hires needs while in training."""
        return -(-size // self.trainees_per_trainer)
