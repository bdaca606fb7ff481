"""Capacity planning, 3-12 months out: FTE required per week through queueing, the workforce under
tenure-dependent attrition, hiring classes through training and nesting, an optimised hiring plan against
hiring to the peak, support roles, cost, SLA feasibility in both directions and training cohorts.

Pure: no files, no settings. OR-Tools is imported only when the optimiser runs.
"""

from __future__ import annotations

from supportops.capacity.cohorts import (
    CohortActuals,
    CohortProjection,
    CohortReport,
    GraduationRules,
    assess_cohort,
    project_cohort,
    project_cohorts,
)
from supportops.capacity.demand import DemandWeeks, Shrinkage, SkillDemand, flat_profile, required_fte
from supportops.capacity.feasibility import (
    BudgetAnswer,
    TargetAnswer,
    agents_within_roster,
    budget_for_target,
    fte_for_money,
    service_level_at_budget,
)
from supportops.capacity.hiring import HiringPlan, HiringProblem, optimise_hiring, peak_plan
from supportops.capacity.pipeline import Pipeline, weekly_rate
from supportops.capacity.plan import (
    CapacityPlan,
    PlanCost,
    PlanInput,
    PlanOption,
    SkillWeeks,
    build_plan,
    evaluate_option,
    hiring_problem,
)
from supportops.capacity.roles import RoleRatios, RoleWeeks, support_roles
from supportops.capacity.sites import DELIVERY_LEAD_WEEKS, HiringRules, Site
from supportops.capacity.supply import HireClass, SupplyLine, SupplyWeeks, class_curves, project_supply

__all__ = [
    "DELIVERY_LEAD_WEEKS",
    "BudgetAnswer",
    "CapacityPlan",
    "CohortActuals",
    "CohortProjection",
    "CohortReport",
    "DemandWeeks",
    "GraduationRules",
    "HireClass",
    "HiringPlan",
    "HiringProblem",
    "HiringRules",
    "Pipeline",
    "PlanCost",
    "PlanInput",
    "PlanOption",
    "RoleRatios",
    "RoleWeeks",
    "Shrinkage",
    "Site",
    "SkillDemand",
    "SkillWeeks",
    "SupplyLine",
    "SupplyWeeks",
    "TargetAnswer",
    "agents_within_roster",
    "assess_cohort",
    "budget_for_target",
    "build_plan",
    "class_curves",
    "evaluate_option",
    "flat_profile",
    "fte_for_money",
    "hiring_problem",
    "optimise_hiring",
    "peak_plan",
    "project_cohort",
    "project_cohorts",
    "project_supply",
    "required_fte",
    "service_level_at_budget",
    "support_roles",
    "weekly_rate",
]
