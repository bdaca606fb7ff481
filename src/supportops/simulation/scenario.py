"""The scenario a simulation runs: queues, agent groups, outcomes, surveys, read from TOML text.

Units: seconds for every duration (``*_s``), fractions 0-1 for rates and shares, contacts per day for volumes.
Times of day are local ``HH:MM`` in the scenario's time zone. ``docs/scenario-example.toml`` documents
every key; :func:`parse_scenario` turns TOML text into a validated, frozen :class:`Scenario`.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from supportops.errors import InputError

__all__ = [
    "AgentGroup",
    "Patience",
    "QueueSpec",
    "Reason",
    "Repeats",
    "Scenario",
    "Surveys",
    "parse_scenario",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Channel = Literal["voice", "chat", "email", "bot"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _minutes(text: str, what: str) -> int:
    try:
        h, m = text.split(":")
        value = int(h) * 60 + int(m)
    except ValueError:
        raise ValueError(f"{what} {text!r}: expected HH:MM") from None
    if not 0 <= value <= 24 * 60:
        raise ValueError(f"{what} {text!r}: outside 00:00-24:00")
    return value


class Patience(_Model):
    """How long callers are willing to wait (seconds): exponential, lognormal (mean, cv) or Weibull (mean, shape)."""

    distribution: Literal["exponential", "lognormal", "weibull"] = "exponential"
    mean_s: float = Field(120.0, gt=0)
    cv: float = Field(1.0, gt=0)
    shape: float = Field(1.0, gt=0)


class QueueSpec(_Model):
    """One queue (skill): its channel, arrival profile, handle times, patience and what follows a contact."""

    id: str
    channel: Channel = "voice"
    tier: int = Field(1, ge=1, le=3)
    language: str = "en"
    daily_volume: float = Field(0.0, ge=0)
    weekday_factors: tuple[float, ...] = (1.18, 1.08, 1.02, 1.0, 0.95, 0.55, 0.35)
    open: str = "08:00"
    close: str = "20:00"
    intraday: tuple[float, ...] | None = None
    dispersion: float = Field(0.0, ge=0)
    weekly_growth: float = Field(0.0, ge=-0.5, le=1.0)
    service: Literal["lognormal", "exponential"] = "lognormal"
    talk_s: float = Field(300.0, ge=0)
    talk_cv: float = Field(0.8, ge=0)
    hold_s: float = Field(0.0, ge=0)
    hold_share: float = Field(0.35, ge=0, le=1)
    hold_cv: float = Field(1.0, ge=0)
    acw_s: float = Field(0.0, ge=0)
    acw_cv: float = Field(0.6, ge=0)
    patience: Patience | None = None
    concurrency: int = Field(1, ge=1, le=12)
    deadline_s: float = Field(86_400.0, gt=0)
    vip_share: float = Field(0.0, ge=0, le=1)
    vip_head_start_s: float = Field(0.0, ge=0)
    threshold_s: float = Field(20.0, gt=0)
    transfer_rate: float = Field(0.0, ge=0, le=1)
    transfer_to: str | None = None
    escalation_rate: float = Field(0.0, ge=0, le=1)
    resolution: float = Field(0.85, ge=0, le=1)
    callback_after_s: float | None = Field(None, gt=0)
    callback_accept: float = Field(0.5, ge=0, le=1)
    callback_to: str | None = None
    containment: float = Field(0.0, ge=0, le=1)
    handoff_to: str | None = None
    bot_time_s: float = Field(90.0, ge=0)

    @field_validator("weekday_factors")
    @classmethod
    def _seven(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if len(v) != 7 or any(x < 0 for x in v):
            raise ValueError("weekday_factors needs seven factors >= 0, Monday first")
        return v

    @property
    def open_minutes(self) -> tuple[int, int]:
        lo, hi = _minutes(self.open, "open"), _minutes(self.close, "close")
        if hi <= lo:
            raise ValueError(f"queue {self.id!r}: close {self.close} is not after open {self.open}")
        return lo, hi

    @model_validator(mode="after")
    def _consistent(self) -> QueueSpec:
        self.open_minutes  # noqa: B018 - validates open/close
        if self.channel != "chat" and self.concurrency != 1:
            raise ValueError(f"queue {self.id!r}: concurrency applies to chat queues only")
        if self.channel == "bot" and self.containment < 1 and self.handoff_to is None:
            raise ValueError(f"queue {self.id!r}: a bot that does not contain everything needs handoff_to")
        if self.transfer_rate > 0 and self.transfer_to is None:
            raise ValueError(f"queue {self.id!r}: transfer_rate needs transfer_to")
        if self.callback_after_s is not None and (self.callback_to is None or self.channel != "voice"):
            raise ValueError(f"queue {self.id!r}: callbacks are for voice queues and need callback_to")
        return self


class AgentGroup(_Model):
    """Agents with the same skills and shift pattern.

    ``skills`` are queue ids in the order the agents take them (first = highest priority). ``overflow`` maps
    more queue ids to the wait (seconds) after which these agents also take that queue's contacts.
    Each agent works ``days_per_week`` of the group's ``days``; the days off rotate from agent to agent.
    ``always_on`` agents are on duty for the whole run with no breaks (for what-if checks against formulas).
    """

    id: str
    count: int = Field(ge=0)
    skills: tuple[str, ...]
    overflow: dict[str, float] = Field(default_factory=dict)
    site: str = "site-1"
    delivery_model: Literal["onshore", "nearshore", "offshore", "work_from_home"] = "onshore"
    tier: int = Field(1, ge=1, le=3)
    team_size: int = Field(12, ge=1)
    always_on: bool = False
    shift_starts: tuple[str, ...] = ("08:00",)
    shift_hours: float = Field(8.5, gt=0, le=16)
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    days_per_week: int = Field(5, ge=1, le=7)
    breaks: bool = True
    shrinkage: float = Field(0.0, ge=0, lt=0.9)
    absenteeism: float = Field(0.0, ge=0, lt=1)

    @field_validator("days")
    @classmethod
    def _days(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [d for d in v if d.lower() not in WEEKDAYS]
        if bad:
            raise ValueError(f"days {bad}: use {', '.join(WEEKDAYS)}")
        return tuple(d.lower() for d in v)

    @field_validator("shift_starts")
    @classmethod
    def _starts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("shift_starts needs at least one HH:MM")
        for s in v:
            _minutes(s, "shift start")
        return v


class Reason(_Model):
    """One contact reason of the taxonomy and its relative weight."""

    l1: str
    l2: str
    weight: float = Field(1.0, gt=0)


class Surveys(_Model):
    """Post-contact surveys: the share of answered conversations that respond."""

    response_rate: float = Field(0.2, ge=0, le=1)


class Repeats(_Model):
    """Customers come back when their issue is not resolved: the share who do, within ``window_days``."""

    unresolved_rate: float = Field(0.35, ge=0, le=1)
    window_days: float = Field(7.0, gt=0)


_DEFAULT_REASONS = (
    Reason(l1="billing", l2="charge dispute", weight=0.12),
    Reason(l1="billing", l2="payment failed", weight=0.09),
    Reason(l1="billing", l2="refund status", weight=0.08),
    Reason(l1="orders", l2="where is my order", weight=0.15),
    Reason(l1="orders", l2="change delivery", weight=0.06),
    Reason(l1="orders", l2="cancel order", weight=0.05),
    Reason(l1="account", l2="password reset", weight=0.10),
    Reason(l1="account", l2="update details", weight=0.05),
    Reason(l1="technical", l2="app error", weight=0.08),
    Reason(l1="technical", l2="connection problem", weight=0.07),
    Reason(l1="product", l2="how to use", weight=0.06),
    Reason(l1="product", l2="return item", weight=0.05),
    Reason(l1="complaint", l2="service complaint", weight=0.04),
)


class Scenario(_Model):
    """A whole simulated operation: ``days`` days from ``start`` (local dates in ``time_zone``)."""

    name: str = "scenario"
    program: str = "acme"
    seed: int = 7
    start: date
    days: int = Field(7, ge=1, le=400)
    time_zone: str = "UTC"
    interval_minutes: int = Field(30, ge=5, le=60)
    warmup_s: float = Field(0.0, ge=0)
    customers: int = Field(40_000, ge=1)
    queues: tuple[QueueSpec, ...]
    groups: tuple[AgentGroup, ...]
    reasons: tuple[Reason, ...] = _DEFAULT_REASONS
    surveys: Surveys = Surveys(response_rate=0.2)
    repeats: Repeats = Repeats(unresolved_rate=0.35, window_days=7.0)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"time_zone {v!r} is not an IANA time zone") from None
        return v

    @field_validator("interval_minutes")
    @classmethod
    def _divides_day(cls, v: int) -> int:
        if (24 * 60) % v:
            raise ValueError("interval_minutes must divide a day (e.g. 15, 30, 60)")
        return v

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        ids = [q.id for q in self.queues]
        if not ids:
            raise ValueError("a scenario needs at least one [[queues]] entry")
        if len(set(ids)) != len(ids):
            raise ValueError(f"queue ids repeat: {ids}")
        known = set(ids)
        by_id = {q.id: q for q in self.queues}
        for q in self.queues:
            for ref in (q.transfer_to, q.handoff_to, q.callback_to):
                if ref is not None and ref not in known:
                    raise ValueError(f"queue {q.id!r} refers to unknown queue {ref!r}")
                if ref is not None and by_id[ref].channel == "bot":
                    raise ValueError(f"queue {q.id!r} sends contacts to bot queue {ref!r}; bots take arrivals only")
        seen = set()
        for g in self.groups:
            if g.id in seen:
                raise ValueError(f"group id {g.id!r} repeats")
            seen.add(g.id)
            for s in (*g.skills, *g.overflow):
                if s not in known:
                    raise ValueError(f"group {g.id!r}: unknown queue {s!r}")
                if by_id[s].channel == "bot":
                    raise ValueError(f"group {g.id!r}: agents do not take bot queue {s!r}")
            if any(w <= 0 or not math.isfinite(w) for w in g.overflow.values()):
                raise ValueError(f"group {g.id!r}: overflow waits must be positive seconds")
        return self

    @property
    def capacity_units(self) -> int:
        """Units of capacity per agent: the least common multiple of the chat concurrencies."""
        return math.lcm(*(q.concurrency for q in self.queues))


def parse_scenario(text: str, *, source: str = "scenario") -> Scenario:
    """A validated scenario from TOML text; errors name ``source`` and the offending key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML: {exc}") from None
    body = dict(raw.pop("scenario", {}))
    body.update(raw)
    try:
        return Scenario.model_validate(body)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise InputError(f"{source}: {problems}") from None
