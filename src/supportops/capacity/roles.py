"""Support roles derived from the agent plan: team leads, QA analysts, trainers and WFM analysts.

Team leads and QA analysts are sized to the widest span of control the ratio allows (1 lead per 15 agents of
the brief's 1:12-15, 1 QA analyst per 25 of 1:20-25): the fewest people that keep every team inside the
range. WFM analysts are 1 per ``wfm_analyst`` agents. Trainers are what the classes in training need
(1 per 15 hires of a class, rounded up per class). Agents counted are those on the floor (nesting and
production); hires in training are the trainers' charge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from supportops.capacity.pipeline import FloatArray, Pipeline
from supportops.capacity.sites import HiringRules
from supportops.capacity.supply import HireClass
from supportops.errors import InputError

__all__ = ["RoleRatios", "RoleWeeks", "support_roles"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleRatios:
    """Spans of control (agents per role, min and max) and each role's cost as a multiple of an agent's."""

    team_lead: tuple[int, int] = (12, 15)
    qa_analyst: tuple[int, int] = (20, 25)
    wfm_analyst: int = 75
    team_lead_cost: float = 1.35
    qa_analyst_cost: float = 1.25
    trainer_cost: float = 1.30
    wfm_analyst_cost: float = 1.40

    def __post_init__(self) -> None:
        for name in ("team_lead", "qa_analyst"):
            lo, hi = getattr(self, name)
            if not 1 <= lo <= hi:
                raise InputError(f"ratios.{name}: needs 1 ≤ min ≤ max agents per role, got ({lo}, {hi})")
        if self.wfm_analyst < 1:
            raise InputError(f"ratios.wfm_analyst: must be ≥ 1 agent per analyst, got {self.wfm_analyst}")
        for name in ("team_lead_cost", "qa_analyst_cost", "trainer_cost", "wfm_analyst_cost"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise InputError(f"roles.{name}: must be > 0, got {v}")


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleWeeks:
    """Headcount of each support role per week at one site."""

    site: str
    team_leads: FloatArray
    qa_analysts: FloatArray
    trainers: FloatArray
    wfm_analysts: FloatArray

    def cost_weeks(self, ratios: RoleRatios, weekly_agent_cost: float) -> FloatArray:
        """Cost per week of the support roles at this site (currency)."""
        out: FloatArray = weekly_agent_cost * (
            self.team_leads * ratios.team_lead_cost
            + self.qa_analysts * ratios.qa_analyst_cost
            + self.trainers * ratios.trainer_cost
            + self.wfm_analysts * ratios.wfm_analyst_cost
        )
        return out


def _ceil(values: FloatArray) -> FloatArray:
    out: FloatArray = np.ceil(values - 1e-9)
    return out


def support_roles(
    site: str,
    floor_agents: FloatArray,
    classes: Sequence[HireClass],
    ratios: RoleRatios,
    rules: HiringRules,
    pipeline: Pipeline,
) -> RoleWeeks:
    """Support roles at ``site`` for ``floor_agents`` (nesting + production FTE per week) and its classes."""
    weeks = floor_agents.size
    trainers = np.zeros(weeks)
    for c in classes:
        if c.site != site or c.size <= 0:
            continue
        for w in range(max(c.start_week, 0), min(c.start_week + pipeline.training_weeks, weeks)):
            trainers[w] += rules.trainers_for(c.size)
    return RoleWeeks(
        site=site,
        team_leads=_ceil(floor_agents / ratios.team_lead[1]),
        qa_analysts=_ceil(floor_agents / ratios.qa_analyst[1]),
        trainers=trainers,
        wfm_analysts=_ceil(floor_agents / ratios.wfm_analyst),
    )
