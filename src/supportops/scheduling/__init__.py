"""Shift and break scheduling against a requirement curve (OR-Tools CP-SAT), and adherence to schedules.

Pure: requirements, agents and rules in; schedules, coverage, gaps, reasons and adherence figures out.
OR-Tools is imported only when a schedule is built.
"""

from __future__ import annotations

from supportops.scheduling.adherence import AdherenceResult, adherence
from supportops.scheduling.diagnose import Conflict, diagnose, explain
from supportops.scheduling.ical import agent_calendar, escape_text
from supportops.scheduling.rules import Agent, BreakRule, Requirements, Rules, parse_clock
from supportops.scheduling.shifts import ShiftType, shift_types
from supportops.scheduling.solve import Activity, Schedule, Shift, build_schedule, coverage_of

__all__ = [
    "Activity",
    "AdherenceResult",
    "Agent",
    "BreakRule",
    "Conflict",
    "Requirements",
    "Rules",
    "Schedule",
    "Shift",
    "ShiftType",
    "adherence",
    "agent_calendar",
    "build_schedule",
    "coverage_of",
    "diagnose",
    "escape_text",
    "explain",
    "parse_clock",
    "shift_types",
]
