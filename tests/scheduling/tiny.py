"""Tiny scheduling instances: hourly intervals, one or two skills, a handful of agents."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from supportops.scheduling import Agent, Requirements, Rules, Schedule, build_schedule

MONDAY = date(2026, 1, 5)


def flat(
    hours: tuple[int, int] = (8, 16),
    agents: float = 1.0,
    *,
    weeks: int = 1,
    days: tuple[int, ...] = tuple(range(7)),
    skills: tuple[str, ...] = ("s",),
) -> Requirements:
    """``agents`` required per skill every hour in ``hours`` on the listed weekdays."""
    req = np.zeros((len(skills), weeks * 7 * 24))
    for w in range(weeks):
        for d in days:
            base = (w * 7 + d) * 24
            req[:, base + hours[0] : base + hours[1]] = agents
    return Requirements(start=MONDAY, interval=60, skills=skills, required=req)


def rules(**kw: Any) -> Rules:
    base = Rules(
        interval=60,
        shift_lengths=(480,),
        start_step=60,
        earliest_start=360,
        latest_start=840,
        days_off=2,
        consecutive_days_off=False,
        max_consecutive_days=6,
        min_rest=660,
        breaks=(),
    )
    return replace(base, **kw)


def agent(name: str = "a1", **kw: Any) -> Agent:
    values: dict[str, Any] = {"id": name, "skills": ("s",), "min_hours": 0.0, "max_hours": 40.0}
    values.update(kw)
    return Agent(**values)


def solve(req: Requirements, staff: list[Agent], rl: Rules, limit: float = 10.0) -> Schedule:
    return build_schedule(req, staff, rl, time_limit=limit, workers=1, seed=1)


def days_worked(s: Schedule, who: str) -> list[int]:
    return sorted((sh.day - s.start).days for sh in s.shifts if sh.agent == who)
