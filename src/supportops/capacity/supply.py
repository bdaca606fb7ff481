"""Supply: the agents a skill group has at each site, and how many of them are still working each week.

A :class:`SupplyLine` is the workforce of one skill at one site: tenured FTE (past the early-tenure window),
recent FTE by weeks of tenure (still inside training, nesting or the first 90 days), and classes already
started or booked. Week 0 is the first week of the plan. All figures are expected FTE (fractions of people).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from supportops.capacity.pipeline import FloatArray, Pipeline, weekly_rate
from supportops.errors import InputError

__all__ = ["HireClass", "SupplyLine", "SupplyWeeks", "class_curves", "project_supply"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HireClass:
    """A class of ``size`` new hires starting training in week ``start_week`` (negative: started before the plan)."""

    skill: str
    site: str
    start_week: int
    size: int

    def __post_init__(self) -> None:
        if self.size < 0:
            raise InputError(
                f"class {self.skill}/{self.site} week {self.start_week}: size must be ≥ 0, got {self.size}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplyLine:
    """Current workforce of ``skill`` at ``site``: FTE past the early-tenure window, and recent FTE as
    (weeks of tenure, FTE) pairs."""

    skill: str
    site: str
    tenured: float = 0.0
    recent: tuple[tuple[int, float], ...] = ()

    def __post_init__(self) -> None:
        if not (math.isfinite(self.tenured) and self.tenured >= 0.0):
            raise InputError(f"supply {self.skill}/{self.site}: tenured FTE must be ≥ 0, got {self.tenured}")
        for tenure, fte in self.recent:
            if tenure < 0 or not (math.isfinite(fte) and fte >= 0.0):
                raise InputError(
                    f"supply {self.skill}/{self.site}: recent entry ({tenure}, {fte}) needs tenure ≥ 0 weeks, FTE ≥ 0"
                )


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplyWeeks:
    """Weekly figures of a workforce: ``productive`` FTE (ramp-weighted), ``headcount`` (paid FTE, all
    stages), and the FTE in ``training`` and ``nesting``."""

    productive: FloatArray
    headcount: FloatArray
    training: FloatArray
    nesting: FloatArray

    def __add__(self, other: SupplyWeeks) -> SupplyWeeks:
        return SupplyWeeks(
            productive=self.productive + other.productive,
            headcount=self.headcount + other.headcount,
            training=self.training + other.training,
            nesting=self.nesting + other.nesting,
        )

    @staticmethod
    def zeros(weeks: int) -> SupplyWeeks:
        z = np.zeros(weeks, dtype=np.float64)
        return SupplyWeeks(productive=z, headcount=z.copy(), training=z.copy(), nesting=z.copy())


def class_curves(pipeline: Pipeline, start_week: int, weeks: int) -> SupplyWeeks:
    """What one person hired in a class starting at ``start_week`` adds to weeks 0 .. weeks-1 of the plan."""
    span = weeks - start_week
    out = SupplyWeeks.zeros(weeks)
    if span <= 0:
        return out
    surv = pipeline.survival(span)
    prod = pipeline.productivity(span)
    ages = np.arange(span)
    first = max(0, -start_week)  # a class started before the plan shows from week 0 on
    if first >= span:
        return out
    a = ages[first:]
    u = a + start_week
    out.headcount[u] = surv[first:]
    out.productive[u] = surv[first:] * prod[first:]
    out.training[u] = np.where(a < pipeline.training_weeks, surv[first:], 0.0)
    nesting = (a >= pipeline.training_weeks) & (a < pipeline.weeks_to_production)
    out.nesting[u] = np.where(nesting, surv[first:], 0.0)
    return out


def _recent(pipeline: Pipeline, tenure: int, fte: float, weeks: int) -> SupplyWeeks:
    """``fte`` people hired ``tenure`` weeks ago who are still here: conditional on surviving to today."""
    curve = class_curves(pipeline, -tenure, weeks)
    alive = float(pipeline.survival(tenure + 1)[tenure])
    scale = fte / alive
    return SupplyWeeks(
        productive=curve.productive * scale,
        headcount=curve.headcount * scale,
        training=curve.training * scale,
        nesting=curve.nesting * scale,
    )


def project_supply(line: SupplyLine, pipeline: Pipeline, weeks: int, classes: Sequence[HireClass] = ()) -> SupplyWeeks:
    """Expected workforce of one skill and site for ``weeks`` weeks: tenured agents leaving at the monthly
    rate, recent agents and ``classes`` (those of this skill and site) following the pipeline."""
    if weeks < 1:
        raise InputError(f"a plan needs at least one week, got {weeks}")
    q = weekly_rate(pipeline.monthly_attrition)
    tenured = line.tenured * (1.0 - q) ** np.arange(weeks, dtype=np.float64)
    total = SupplyWeeks(
        productive=tenured.copy(),
        headcount=tenured.copy(),
        training=np.zeros(weeks),
        nesting=np.zeros(weeks),
    )
    for tenure, fte in line.recent:
        if fte > 0.0:
            total = total + _recent(pipeline, tenure, fte, weeks)
    for c in classes:
        if c.skill == line.skill and c.site == line.site and c.size > 0:
            curve = class_curves(pipeline, c.start_week, weeks)
            total = total + SupplyWeeks(
                productive=curve.productive * c.size,
                headcount=curve.headcount * c.size,
                training=curve.training * c.size,
                nesting=curve.nesting * c.size,
            )
    return total
