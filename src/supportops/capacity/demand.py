"""Demand: weekly volume and AHT per skill → FTE required per week, sized interval by interval.

Each week's volume is spread over the intervals of the week by the skill's ``profile`` (shares of the weekly
volume per interval, Monday 00:00 first), and every interval is sized with the queueing package: Erlang C (or
Erlang A with a patience) for voice, the concurrency model for chat, the response-deadline backlog model for
email. Intraday peaks therefore drive the requirement, not the weekly average. The agent-hours on the
phones are then grossed up for shrinkage (by category) and absenteeism and divided by the paid hours of one FTE:

    FTE(week) = Σ_intervals agents × interval hours / (fte_hours_per_week × (1 − shrinkage) × (1 − absenteeism))

The week's peak interval is also carried through the queueing package's own shrinkage chain
(:func:`supportops.queueing.apply_shrinkage`) as ``peak_rostered``: the headcount that interval alone needs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from supportops.capacity.pipeline import FloatArray
from supportops.errors import InputError
from supportops.queueing import (
    Targets,
    apply_shrinkage,
    backlog_required_agents,
    chat_required_agents,
    offered_load,
    required_agents,
)

__all__ = ["DemandWeeks", "Shrinkage", "SkillDemand", "flat_profile", "required_fte"]

Channel = Literal["voice", "chat", "email"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Shrinkage:
    """Planned time off the phones by category (fractions of paid time, 0-1), added up; plus absenteeism
    (unplanned absence, fraction of scheduled people)."""

    categories: Mapping[str, float] = field(
        default_factory=lambda: {
            "breaks": 0.10,
            "meetings": 0.05,
            "training": 0.05,
            "coaching": 0.05,
            "system_downtime": 0.05,
        }
    )
    absenteeism: float = 0.08

    def __post_init__(self) -> None:
        for name, v in self.categories.items():
            if not (math.isfinite(v) and 0.0 <= v < 1.0):
                raise InputError(f"shrinkage.{name}: must be a fraction in [0, 1), got {v}")
        if not self.total < 1.0:
            raise InputError(f"shrinkage categories add up to {self.total:.3f}; they must stay below 1")
        if not (math.isfinite(self.absenteeism) and 0.0 <= self.absenteeism < 1.0):
            raise InputError(f"absenteeism must be a fraction in [0, 1), got {self.absenteeism}")

    @property
    def total(self) -> float:
        return float(sum(self.categories.values()))


def flat_profile(per_day: int, open_from: int, open_to: int, days: tuple[float, ...] = (1.0,) * 7) -> FloatArray:
    """Shares of weekly volume per interval: ``days`` weights per weekday (Monday first), spread evenly over
    intervals ``open_from`` .. ``open_to``-1 of each day."""
    if len(days) != 7 or any(d < 0 for d in days) or sum(days) <= 0:
        raise InputError(f"weekday weights must be 7 numbers ≥ 0, not all zero; got {days}")
    if not 0 <= open_from < open_to <= per_day:
        raise InputError(f"opening intervals {open_from}-{open_to} do not fit a day of {per_day} intervals")
    day = np.zeros(per_day)
    day[open_from:open_to] = 1.0
    grid = np.outer(np.asarray(days, dtype=np.float64), day)
    out: FloatArray = (grid / grid.sum()).reshape(-1)
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillDemand:
    """Workload of one skill group: contacts per week (``volume``) and AHT per week (seconds), the weekly
    interval ``profile`` (shares summing to 1, length 7 × intervals per day) and the service target."""

    skill: str
    channel: Channel
    volume: FloatArray
    aht: FloatArray
    profile: FloatArray
    interval_minutes: int = 30
    service_level: float = 0.80
    threshold_s: float = 20.0
    patience_s: float | None = None
    concurrency: int = 2
    slowdown: float = 0.25
    deadline_s: float = 14400.0

    def __post_init__(self) -> None:
        if self.channel not in ("voice", "chat", "email"):
            raise InputError(f"skill {self.skill!r}: channel {self.channel!r} is not voice, chat or email")
        if 1440 % self.interval_minutes:
            raise InputError(f"skill {self.skill!r}: {self.interval_minutes}-minute intervals do not divide a day")
        per_week = 7 * 1440 // self.interval_minutes
        if self.profile.shape != (per_week,):
            raise InputError(f"skill {self.skill!r}: profile needs {per_week} interval shares, got {self.profile.size}")
        if np.any(~np.isfinite(self.profile) | (self.profile < 0)) or not math.isclose(
            self.profile.sum(), 1.0, rel_tol=1e-6
        ):
            raise InputError(f"skill {self.skill!r}: profile shares must be ≥ 0 and add up to 1")
        if self.volume.ndim != 1 or self.volume.size == 0:
            raise InputError(f"skill {self.skill!r}: volume needs one number per week")
        if self.aht.shape != self.volume.shape:
            raise InputError(f"skill {self.skill!r}: {self.aht.size} AHT values for {self.volume.size} weeks")
        if np.any(~np.isfinite(self.volume) | (self.volume < 0)):
            raise InputError(f"skill {self.skill!r}: weekly volumes must be finite and ≥ 0")
        if np.any(~np.isfinite(self.aht) | (self.aht <= 0)):
            raise InputError(f"skill {self.skill!r}: AHT must be > 0 seconds in every week")

    @property
    def weeks(self) -> int:
        return int(self.volume.size)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandWeeks:
    """Required FTE per week of one skill, with the agent-hours on the phones and the busiest interval."""

    skill: str
    channel: Channel
    volume: FloatArray
    agent_hours: FloatArray
    fte: FloatArray
    peak_agents: FloatArray
    peak_rostered: FloatArray


def _interval_agents(d: SkillDemand, calls: FloatArray, aht: float) -> FloatArray:
    """Agents needed in each interval of one week (length 7 × per day)."""
    interval_s = d.interval_minutes * 60.0
    if d.channel == "voice":
        targets = Targets(service_level=d.service_level, threshold=d.threshold_s)
        res = required_agents(offered_load(calls, aht, interval_s), aht, targets, patience=d.patience_s)
        return np.asarray(res.agents, dtype=np.float64)
    if d.channel == "chat":
        targets = Targets(service_level=d.service_level, threshold=d.threshold_s)
        out = np.zeros(calls.size)
        cache: dict[float, int] = {}
        for i, c in enumerate(calls):
            key = round(float(c), 2)
            if key not in cache:
                m = chat_required_agents(
                    key / interval_s, aht, targets, max_concurrency=d.concurrency, slowdown=d.slowdown
                )
                cache[key] = m.agents
            out[i] = cache[key]
        return out
    # email: a constant team over the staffed intervals clears every item within the deadline (working time);
    # items arriving while nobody works wait for the next staffed interval.
    staffed = d.profile > 0
    if not staffed.any():
        return np.zeros(calls.size)
    idx = np.flatnonzero(staffed)
    moved = np.zeros(idx.size)
    carry = 0.0
    first_carry = 0.0
    pos = -1
    for i in range(calls.size):
        if staffed[i]:
            pos += 1
            moved[pos] += calls[i] + carry
            carry = 0.0
        elif pos < 0:
            first_carry += calls[i]
        else:
            carry += calls[i]
    moved[0] += carry + first_carry  # the weekend's tail wraps to the first staffed interval
    plan = backlog_required_agents(moved, aht, interval_s, d.deadline_s)
    out = np.zeros(calls.size)
    out[staffed] = float(plan.agents)
    return out


def required_fte(demand: SkillDemand, shrinkage: Shrinkage, fte_hours_per_week: float = 40.0) -> DemandWeeks:
    """FTE needed per week for one skill (see the module docstring for the formula)."""
    if not (math.isfinite(fte_hours_per_week) and fte_hours_per_week > 0):
        raise InputError(f"fte_hours_per_week must be > 0, got {fte_hours_per_week}")
    hours = demand.interval_minutes / 60.0
    n = demand.weeks
    agent_hours = np.zeros(n)
    peak = np.zeros(n)
    peak_rostered = np.zeros(n)
    gross = fte_hours_per_week * (1.0 - shrinkage.total) * (1.0 - shrinkage.absenteeism)
    for w in range(n):
        calls = demand.volume[w] * demand.profile
        agents = _interval_agents(demand, calls, float(demand.aht[w]))
        agent_hours[w] = float(agents.sum()) * hours
        peak[w] = float(agents.max())
        peak_rostered[w] = apply_shrinkage(peak[w], shrinkage.total, shrinkage.absenteeism).rostered
    return DemandWeeks(
        skill=demand.skill,
        channel=demand.channel,
        volume=demand.volume.copy(),
        agent_hours=agent_hours,
        fte=agent_hours / gross,
        peak_agents=peak,
        peak_rostered=peak_rostered,
    )
