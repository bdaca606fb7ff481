"""What a schedule is built from: the rules, the agents and the requirement curve, validated on construction.

Times inside a day are minutes after local midnight; durations are minutes; hours are hours. Day ``d`` of a
horizon is ``start + d`` days, and weeks are the 7-day blocks from ``start``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from supportops.errors import InputError

__all__ = ["Agent", "BreakRule", "Requirements", "Rules", "parse_clock"]


def parse_clock(text: str, *, name: str) -> int:
    """``"HH:MM"`` → minutes after midnight (``"24:00"`` is 1440)."""
    parts = text.strip().split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        h, m = int(parts[0]), int(parts[1])
    except ValueError:
        raise InputError(f"{name}: {text!r} is not a time of day HH:MM") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise InputError(f"{name}: {text!r} is not a time of day HH:MM")
    return h * 60 + m


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakRule:
    """One break or lunch: ``length`` minutes starting between ``earliest`` and ``latest`` minutes after the
    shift starts. It is unpaid time off the phones but inside the shift's paid length."""

    length: int
    earliest: int
    latest: int

    def __post_init__(self) -> None:
        if self.length <= 0 or self.earliest < 0 or self.latest < self.earliest:
            raise InputError(
                f"break {self.length} min in [{self.earliest}, {self.latest}]: length must be > 0 and the window "
                "must start ≥ 0 minutes after the shift start and not end before it begins"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Rules:
    """The work rules every schedule keeps.

    ``shift_lengths`` minutes; shifts start every ``start_step`` minutes from ``earliest_start`` to
    ``latest_start`` (minutes after midnight). ``days_off`` per week at least (``consecutive_days_off``: in one
    run); at most ``max_consecutive_days`` working days in a row; ``min_rest`` minutes between shifts;
    ``breaks`` in order (each window must end before the next begins; a break is given to every shift that
    holds its whole window); ``overnight`` allows shifts crossing midnight; ``overtime_max`` hours above
    contract per week. A shift ending after ``late_end`` minutes is a late shift. ``under_weight`` and
    ``over_weight`` price an agent-hour of under- and over-staffing.
    """

    interval: int = 30
    shift_lengths: tuple[int, ...] = (480,)
    start_step: int = 30
    earliest_start: int = 360
    latest_start: int = 840
    overnight: bool = False
    days_off: int = 2
    consecutive_days_off: bool = True
    max_consecutive_days: int = 6
    min_rest: int = 660
    breaks: tuple[BreakRule, ...] = ()
    overtime_max: float = 4.0
    late_end: int = 1200
    under_weight: int = 2
    over_weight: int = 1

    def __post_init__(self) -> None:
        if self.interval <= 0 or 1440 % self.interval:
            raise InputError(f"interval {self.interval} min: must divide a day (15, 30, 60 ...)")
        if not self.shift_lengths or any(x <= 0 or x > 1440 for x in self.shift_lengths):
            raise InputError(f"shift lengths {self.shift_lengths}: each must be between 1 and 1440 minutes")
        if self.start_step <= 0:
            raise InputError(f"start step {self.start_step} min: must be > 0")
        if not 0 <= self.earliest_start <= self.latest_start < 1440:
            raise InputError(
                f"start window {self.earliest_start}-{self.latest_start} min: must lie within the day, earliest first"
            )
        if not 0 <= self.days_off <= 7:
            raise InputError(f"days off per week {self.days_off}: must be 0-7")
        if self.max_consecutive_days < 1:
            raise InputError("maximum consecutive working days must be at least 1")
        if self.min_rest < 0 or self.overtime_max < 0:
            raise InputError("minimum rest and overtime allowance must be ≥ 0")
        if self.under_weight < 1 or self.over_weight < 1:
            raise InputError("under- and over-staffing weights must be whole numbers ≥ 1")
        for a, b in zip(self.breaks, self.breaks[1:], strict=False):
            if a.latest + a.length > b.earliest:
                raise InputError(
                    f"breaks: the window of the {a.length}-min break (up to {a.latest} min) must end before the "
                    f"next break's window starts ({b.earliest} min)"
                )

    @property
    def slot(self) -> int:
        """The finest grid (minutes) every start, length and break falls on; coverage is counted per slot."""
        g = self.interval
        for v in (self.start_step, self.earliest_start, *self.shift_lengths):
            g = math.gcd(g, v)
        for br in self.breaks:
            g = math.gcd(math.gcd(math.gcd(g, br.length), br.earliest), br.latest)
        return g

    def starts(self) -> tuple[int, ...]:
        """Allowed start times, minutes after midnight."""
        return tuple(range(self.earliest_start, self.latest_start + 1, self.start_step))

    def breaks_for(self, length: int) -> tuple[BreakRule, ...]:
        """The breaks a shift of ``length`` minutes gets: those whose whole window fits inside it."""
        return tuple(b for b in self.breaks if b.latest + b.length <= length)


@dataclass(frozen=True, slots=True, kw_only=True)
class Agent:
    """An agent to schedule.

    ``min_hours``/``max_hours`` bound paid hours per week; ``contract_hours`` (default ``min_hours``) is the
    level above which hours count as overtime. ``availability`` maps weekday (Monday = 0) to the local window
    ``(from, to)`` minutes a shift must lie in (a missing weekday: any time); ``time_off`` lists approved days
    without work; ``preferred_start`` is a window of start times the agent prefers (soft).
    """

    id: str
    skills: tuple[str, ...]
    min_hours: float
    max_hours: float
    contract_hours: float | None = None
    availability: dict[int, tuple[int, int]] = field(default_factory=dict)
    time_off: frozenset[date] = frozenset()
    preferred_start: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise InputError("agent: an empty agent id")
        if not (self.min_hours >= 0 and math.isfinite(self.max_hours)):
            raise InputError(f"agent {self.id}: weekly hours must be finite and ≥ 0")
        for wd, (lo, hi) in self.availability.items():
            if not (0 <= wd <= 6 and 0 <= lo < hi <= 2880):
                raise InputError(f"agent {self.id}: availability on weekday {wd} ({lo}-{hi} min) is not a window")

    @property
    def contract(self) -> float:
        return self.min_hours if self.contract_hours is None else self.contract_hours

    def profile(self) -> tuple[object, ...]:
        """Everything but the id: agents with equal profiles face identical rules."""
        return (
            self.skills,
            self.min_hours,
            self.max_hours,
            self.contract_hours,
            tuple(sorted(self.availability.items())),
            tuple(sorted(self.time_off)),
            self.preferred_start,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirements:
    """Agents required per skill and interval: ``required[k, i]`` for ``skills[k]`` and interval ``i`` of
    ``interval`` minutes from local midnight of ``start``; whole weeks. ``calls`` and ``aht`` (seconds), when
    given, let the service level of the scheduled coverage be computed (NaN where unknown)."""

    start: date
    interval: int
    skills: tuple[str, ...]
    required: NDArray[np.float64]
    calls: NDArray[np.float64] | None = None
    aht: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        per_day = 1440 // self.interval
        shape = self.required.shape
        if len(shape) != 2 or shape[0] != len(self.skills) or shape[1] % (7 * per_day) or shape[1] == 0:
            raise InputError(
                f"requirements: expected {len(self.skills)} skills × whole weeks of {7 * per_day} intervals, "
                f"got shape {shape}"
            )
        if len(set(self.skills)) != len(self.skills):
            raise InputError(f"requirements: skills repeat in {self.skills}")
        if not np.all(np.isfinite(self.required) & (self.required >= 0)):
            raise InputError("requirements: every required value must be a finite number ≥ 0")
        for name, arr in (("calls", self.calls), ("aht", self.aht)):
            if arr is not None and arr.shape != shape:
                raise InputError(f"requirements: {name} must have the shape of required {shape}")

    @property
    def days(self) -> int:
        return int(self.required.shape[1] // (1440 // self.interval))

    @property
    def weeks(self) -> int:
        return self.days // 7

    def day(self, d: int) -> date:
        return self.start + timedelta(days=d)
