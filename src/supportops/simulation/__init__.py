"""A seeded discrete-event simulator of a contact centre: arrivals, routing, agents on schedules, outcomes.

Pure: a :class:`Scenario` and a ``numpy.random.Generator`` in, arrays and canonical Arrow tables out.
Seconds throughout; rates and shares are fractions 0-1. See ``docs/simulation.md``.
"""

from __future__ import annotations

from supportops.simulation.engine import AgentPlan, ContactPlan, EngineResult, GroupPlan, run
from supportops.simulation.estimate import (
    PatienceEstimate,
    exponential_patience_mle,
    kaplan_meier_patience,
    on_duty_from_services,
)
from supportops.simulation.run import QueueSummary, SimulationResult, simulate, summarise
from supportops.simulation.scenario import AgentGroup, Patience, QueueSpec, Scenario, parse_scenario

__all__ = [
    "AgentGroup",
    "AgentPlan",
    "ContactPlan",
    "EngineResult",
    "GroupPlan",
    "Patience",
    "PatienceEstimate",
    "QueueSpec",
    "QueueSummary",
    "Scenario",
    "SimulationResult",
    "exponential_patience_mle",
    "kaplan_meier_patience",
    "on_duty_from_services",
    "parse_scenario",
    "run",
    "simulate",
    "summarise",
]
