"""Business cases for removing contact reasons: contacts avoided or automated, handle time cut, what that
saves a year and how soon it pays back.

For one reason with annual volume *V*, cost per contact *c* (AHT minutes × cost per handled minute), share
removed *r* (avoided or automated), residual cost per automated contact *a* (0 when avoided: the contact no
longer happens), handle-time cut *h* on the contacts that remain, implementation cost *I* (one-off) and
running cost *R* per year::

    removed      = V × r
    gross saving = removed × (c − a) + (V − removed) × c × h
    net saving   = gross saving − R                       (per year)
    payback      = I / (net saving / 12)                   (months; none when net saving ≤ 0)
    first year   = net saving − I

Every figure a case uses is kept on it (:class:`CaseInputs`), so a report can show each assumption.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from supportops.errors import InputError
from supportops.reasons.analysis import Pareto
from supportops.reasons.taxonomy import LEVERS, Action, Lever, tag_reason

__all__ = ["ActionAssumptions", "BusinessCase", "CaseInputs", "build_case", "default_assumptions", "top_cases"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionAssumptions:
    """What an initiative of one kind is assumed to achieve and cost.

    ``removed_share``: fraction 0-1 of the reason's contacts avoided or automated; ``residual_cost_per_contact``:
    what an automated contact still costs (currency; 0 when avoided); ``aht_cut_share``: fraction 0-1 of handle
    time saved on the contacts that remain; ``implementation_cost`` (one-off) and ``running_cost_per_year``
    in the workspace currency."""

    removed_share: float
    residual_cost_per_contact: float
    aht_cut_share: float
    implementation_cost: float
    running_cost_per_year: float

    def __post_init__(self) -> None:
        for name in ("removed_share", "aht_cut_share"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise InputError(f"business case: {name} must be a fraction 0-1, got {v}")
        for name in ("residual_cost_per_contact", "implementation_cost", "running_cost_per_year"):
            v = getattr(self, name)
            if not (v >= 0.0 and math.isfinite(v)):
                raise InputError(f"business case: {name} must be a finite amount ≥ 0, got {v}")


def default_assumptions(
    *,
    avoidable_share: float = 0.5,
    automatable_share: float = 0.4,
    automated_cost_per_contact: float = 0.5,
    optimizable_aht_cut: float = 0.15,
    implementation_cost: float = 25_000.0,
    running_cost_per_year: float = 5_000.0,
) -> dict[Action, ActionAssumptions]:
    """One set of assumptions per kind of opportunity: avoidable fixes remove contacts at no residual cost,
    automation contains a share at a small cost per contact, optimization cuts handle time."""
    return {
        "avoidable": ActionAssumptions(
            removed_share=avoidable_share,
            residual_cost_per_contact=0.0,
            aht_cut_share=0.0,
            implementation_cost=implementation_cost,
            running_cost_per_year=running_cost_per_year,
        ),
        "automatable": ActionAssumptions(
            removed_share=automatable_share,
            residual_cost_per_contact=automated_cost_per_contact,
            aht_cut_share=0.0,
            implementation_cost=implementation_cost,
            running_cost_per_year=running_cost_per_year,
        ),
        "optimizable": ActionAssumptions(
            removed_share=0.0,
            residual_cost_per_contact=0.0,
            aht_cut_share=optimizable_aht_cut,
            implementation_cost=implementation_cost,
            running_cost_per_year=running_cost_per_year,
        ),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseInputs:
    """Everything one case rests on: the reason, its lever, its annual volume, AHT (seconds), the cost per
    handled minute and the initiative's assumptions."""

    reason: str
    lever: Lever
    annual_volume: float
    aht_s: float
    cost_per_minute: float
    assumptions: ActionAssumptions

    @property
    def action(self) -> Action:
        return LEVERS[self.lever]

    @property
    def cost_per_contact(self) -> float:
        """AHT (minutes) × cost per handled minute."""
        return self.aht_s / 60.0 * self.cost_per_minute


@dataclass(frozen=True, slots=True, kw_only=True)
class BusinessCase:
    """The arithmetic of one case (see the module docstring); amounts in the workspace currency per year."""

    inputs: CaseInputs
    contacts_removed: float
    gross_saving: float
    net_saving: float
    payback_months: float | None
    first_year: float


def build_case(inputs: CaseInputs) -> BusinessCase:
    """The business case for one reason's initiative."""
    if inputs.annual_volume < 0 or inputs.aht_s < 0 or inputs.cost_per_minute < 0:
        raise InputError(f"business case {inputs.reason!r}: volume, AHT and cost per minute must be ≥ 0")
    a = inputs.assumptions
    c = inputs.cost_per_contact
    removed = inputs.annual_volume * a.removed_share
    gross = removed * (c - a.residual_cost_per_contact) + (inputs.annual_volume - removed) * c * a.aht_cut_share
    net = gross - a.running_cost_per_year
    payback = a.implementation_cost / (net / 12.0) if net > 0 else None
    return BusinessCase(
        inputs=inputs,
        contacts_removed=removed,
        gross_saving=gross,
        net_saving=net,
        payback_months=payback,
        first_year=net - a.implementation_cost,
    )


def top_cases(
    ranking: Pareto,
    *,
    period_days: float,
    assumptions: Mapping[Action, ActionAssumptions],
    levers: Mapping[str, Lever] | None = None,
    top: int = 5,
    candidates: int = 10,
) -> tuple[BusinessCase, ...]:
    """The ``top`` cases with the highest net annual saving among the ``candidates`` largest reasons.

    Volumes observed over ``period_days`` are annualised (× 365 / period). A reason's lever comes from
    ``levers`` (the taxonomy's tags) or the default keyword rules. Needs the ranking's cost per minute and
    handle times."""
    if period_days <= 0:
        raise InputError(f"business cases: the observed period must be positive, got {period_days} days")
    if ranking.cost_per_minute is None:
        raise InputError("business cases: the ranking has no cost per minute (give the hourly cost)")
    cases: list[BusinessCase] = []
    for row in ranking.rows[:candidates]:
        if row.aht_s is None:
            raise InputError(f"business cases: reason {row.reason!r} has no handle time")
        lever = (levers or {}).get(row.reason) or tag_reason(row.reason)
        inputs = CaseInputs(
            reason=row.reason,
            lever=lever,
            annual_volume=row.volume * 365.0 / period_days,
            aht_s=row.aht_s,
            cost_per_minute=ranking.cost_per_minute,
            assumptions=assumptions[LEVERS[lever]],
        )
        cases.append(build_case(inputs))
    cases.sort(key=lambda c: (-c.net_saving, c.inputs.reason))
    return tuple(cases[:top])
