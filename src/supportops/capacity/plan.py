"""The capacity plan: demand against supply week by week, the gap, an optimised hiring plan next to hiring to
the peak, support roles, cost and cost per contact.

:func:`build_plan` sizes every skill's weekly demand through the queueing package, projects the current
workforce and classes already running, asks both planners to close the gap, then prices each option the same
way: paid FTE-weeks of every agent (training, nesting, production) at the site's weekly cost, recruiting
cost per hire, and the support roles at their cost multiples. Figures are expected values (fractions of
people); class sizes are whole hires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from supportops.capacity.cohorts import CohortProjection, project_cohorts
from supportops.capacity.demand import DemandWeeks, Shrinkage, SkillDemand, required_fte
from supportops.capacity.hiring import HiringPlan, HiringProblem, optimise_hiring, peak_plan
from supportops.capacity.pipeline import FloatArray, Pipeline
from supportops.capacity.roles import RoleRatios, RoleWeeks, support_roles
from supportops.capacity.sites import HiringRules, Site
from supportops.capacity.supply import HireClass, SupplyLine, SupplyWeeks, project_supply
from supportops.errors import InputError

__all__ = [
    "CapacityPlan",
    "PlanCost",
    "PlanInput",
    "PlanOption",
    "SkillWeeks",
    "build_plan",
    "evaluate_option",
    "hiring_problem",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanInput:
    """Everything a plan needs: demand per skill, the workforce per skill and site, classes already running
    (``in_flight``, start weeks may be negative), sites, pipeline, hiring rules, role ratios and shrinkage."""

    weeks: int
    demand: tuple[SkillDemand, ...]
    supply: tuple[SupplyLine, ...]
    sites: tuple[Site, ...]
    pipeline: Pipeline = field(default_factory=Pipeline)
    rules: HiringRules = field(default_factory=HiringRules)
    ratios: RoleRatios = field(default_factory=RoleRatios)
    shrinkage: Shrinkage = field(default_factory=Shrinkage)
    in_flight: tuple[HireClass, ...] = ()
    fte_hours_per_week: float = 40.0
    first_week: date | None = None

    def __post_init__(self) -> None:
        if self.weeks < 1:
            raise InputError(f"a plan needs at least one week, got {self.weeks}")
        skills = [d.skill for d in self.demand]
        if len(set(skills)) != len(skills):
            raise InputError(f"skills repeat in the demand: {skills}")
        sites = {s.name for s in self.sites}
        for d in self.demand:
            if d.weeks < self.weeks:
                raise InputError(f"skill {d.skill!r}: {d.weeks} weeks of volume for a {self.weeks}-week plan")
        for line in self.supply:
            if line.skill not in skills:
                raise InputError(f"supply: skill {line.skill!r} has no demand (skills: {', '.join(skills)})")
            if line.site not in sites:
                raise InputError(f"supply: site {line.site!r} is not a plan site ({', '.join(sorted(sites))})")
        for c in self.in_flight:
            if c.skill not in skills or c.site not in sites:
                raise InputError(f"class {c.skill}/{c.site} week {c.start_week}: unknown skill or site")


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillWeeks:
    """One skill's weekly figures under one hiring option (FTE unless named otherwise)."""

    skill: str
    demand: FloatArray
    productive: FloatArray
    gap: FloatArray
    headcount: FloatArray
    training: FloatArray
    nesting: FloatArray
    hires: FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanCost:
    """Cost of an option over the plan (currency): agents' paid weeks, recruiting and support roles."""

    agents: float
    recruiting: float
    roles: float
    total: float
    contacts: float
    cost_per_contact: float
    by_site: Mapping[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanOption:
    """A hiring option priced and laid out week by week."""

    hiring: HiringPlan
    skills: tuple[SkillWeeks, ...]
    roles: tuple[RoleWeeks, ...]
    cohorts: tuple[CohortProjection, ...]
    cost: PlanCost

    @property
    def shortage_fte_weeks(self) -> float:
        return float(sum(float(s.sum()) for s in self.hiring.shortage.values()))


@dataclass(frozen=True, slots=True, kw_only=True)
class CapacityPlan:
    """Demand, both hiring options, and the saving of the optimised one (fraction of the peak plan's cost)."""

    input: PlanInput
    demand: tuple[DemandWeeks, ...]
    optimised: PlanOption
    peak: PlanOption

    @property
    def saving(self) -> float:
        return 1.0 - self.optimised.cost.total / self.peak.cost.total if self.peak.cost.total > 0 else 0.0


def _supply_by_line(inp: PlanInput, classes: Sequence[HireClass]) -> dict[tuple[str, str], SupplyWeeks]:
    lines = {(ln.skill, ln.site): ln for ln in inp.supply}
    for c in classes:
        lines.setdefault((c.skill, c.site), SupplyLine(skill=c.skill, site=c.site))
    return {key: project_supply(ln, inp.pipeline, inp.weeks, classes) for key, ln in lines.items()}


def _trainers_busy(inp: PlanInput) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    for site in inp.sites:
        out[site.name] = support_roles(
            site.name, np.zeros(inp.weeks), inp.in_flight, inp.ratios, inp.rules, inp.pipeline
        ).trainers
    return out


def evaluate_option(inp: PlanInput, demand: Sequence[DemandWeeks], hiring: HiringPlan) -> PlanOption:
    """Lay out and price one hiring option over the plan."""
    w = inp.weeks
    classes = (*inp.in_flight, *hiring.classes)
    supply = _supply_by_line(inp, classes)
    sites = {s.name: s for s in inp.sites}
    skills = []
    for d in demand:
        total = SupplyWeeks.zeros(w)
        for (k, _), sw in supply.items():
            if k == d.skill:
                total = total + sw
        hires = np.zeros(w)
        for c in hiring.classes:
            if c.skill == d.skill:
                hires[c.start_week] += c.size
        dem = d.fte[:w]
        skills.append(
            SkillWeeks(
                skill=d.skill,
                demand=dem,
                productive=total.productive,
                gap=dem - total.productive,
                headcount=total.headcount,
                training=total.training,
                nesting=total.nesting,
                hires=hires,
            )
        )
    roles = []
    agents_cost = 0.0
    roles_cost = 0.0
    by_site: dict[str, float] = {}
    for name, site in sites.items():
        head = np.zeros(w)
        floor = np.zeros(w)
        for (_, s), sw in supply.items():
            if s == name:
                head += sw.headcount
                floor += sw.headcount - sw.training
        r = support_roles(name, floor, classes, inp.ratios, inp.rules, inp.pipeline)
        roles.append(r)
        a = float(head.sum()) * site.weekly_cost
        rc = float(r.cost_weeks(inp.ratios, site.weekly_cost).sum())
        agents_cost += a
        roles_cost += rc
        by_site[name] = a + rc
    recruiting = 0.0
    for c in hiring.classes:
        recruiting += c.size * sites[c.site].hiring_cost
        by_site[c.site] += c.size * sites[c.site].hiring_cost
    contacts = float(sum(float(d.volume[:w].sum()) for d in demand))
    total_cost = agents_cost + recruiting + roles_cost
    return PlanOption(
        hiring=hiring,
        skills=tuple(skills),
        roles=tuple(roles),
        cohorts=project_cohorts(hiring.classes, inp.pipeline, inp.rules.trainees_per_trainer),
        cost=PlanCost(
            agents=agents_cost,
            recruiting=recruiting,
            roles=roles_cost,
            total=total_cost,
            contacts=contacts,
            cost_per_contact=total_cost / contacts if contacts > 0 else float("nan"),
            by_site=by_site,
        ),
    )


def hiring_problem(inp: PlanInput, demand: Sequence[DemandWeeks]) -> HiringProblem:
    """The gap both planners close: demand FTE and productive FTE before new hires, per skill."""
    base_lines = _supply_by_line(inp, inp.in_flight)
    base: dict[str, FloatArray] = {}
    for (k, _), sw in base_lines.items():
        base[k] = base.get(k, np.zeros(inp.weeks)) + sw.productive
    return HiringProblem(
        weeks=inp.weeks,
        pipeline=inp.pipeline,
        sites=inp.sites,
        rules=inp.rules,
        demand={d.skill: d.fte[: inp.weeks].copy() for d in demand},
        base=base,
        trainers_busy=_trainers_busy(inp),
        trainer_cost_factor=inp.ratios.trainer_cost,
    )


def build_plan(inp: PlanInput, *, time_limit_s: float = 10.0, workers: int = 2) -> CapacityPlan:
    """Size demand, close the gap both ways (optimised and hiring to the peak) and price both options."""
    demand = tuple(required_fte(d, inp.shrinkage, inp.fte_hours_per_week) for d in inp.demand)
    problem = hiring_problem(inp, demand)
    naive = peak_plan(problem)
    best = optimise_hiring(problem, time_limit_s=time_limit_s, workers=workers, hint=naive)
    return CapacityPlan(
        input=inp,
        demand=demand,
        optimised=evaluate_option(inp, demand, best),
        peak=evaluate_option(inp, demand, naive),
    )
