"""Agents' on-duty windows: shifts on the group's days, breaks and lunch, shrinkage as auxiliary time, absence.

A shift of 6 hours or more has a 15-minute break two hours in, a 30-minute lunch in the middle and (from
7.5 hours) a second 15-minute break two hours before the end. Shrinkage takes that share of the remaining
on-duty time away in 15-minute auxiliary blocks placed at random (meetings, coaching, system trouble); an
absent agent (probability ``absenteeism`` per agent-day) misses the whole shift. An agent whose group
works more days than ``days_per_week`` takes consecutive days off, starting on a day that rotates from agent
to agent so every day keeps about the same cover.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from supportops.simulation.arrivals import Calendar
from supportops.simulation.scenario import WEEKDAYS, AgentGroup, _minutes

__all__ = ["AUX", "BREAK", "LUNCH", "OFFLINE", "STATE_NAMES", "Windows", "group_windows"]

OFFLINE, BREAK, LUNCH, AUX = 0, 1, 2, 3
STATE_NAMES = ("offline", "break", "lunch", "aux")
"""Canonical agent state of each gap code (the time after an on-duty window)."""

_AUX_BLOCK = 900.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Windows:
    """On-duty windows of ``n`` agents: agent ``a`` owns ``start[offsets[a]:offsets[a+1]]`` (seconds)."""

    offsets: NDArray[np.int64]
    start: NDArray[np.float64]
    end: NDArray[np.float64]
    gap_state: NDArray[np.int8]


def _shift_plan(start: float, hours: float, breaks: bool) -> list[tuple[float, float, int]]:
    """Off intervals (start, end, state) inside one shift."""
    length = hours * 3600.0
    if not breaks or hours < 6:
        return []
    plan = [(start + 7200.0, start + 8100.0, BREAK)]
    mid = start + length / 2.0
    plan.append((mid - 900.0, mid + 900.0, LUNCH))
    if hours >= 7.5:
        plan.append((start + length - 7200.0, start + length - 6300.0, BREAK))
    return plan


def group_windows(rng: np.random.Generator, group: AgentGroup, cal: Calendar, *, extra_days: int = 1) -> Windows:
    """Windows of every agent of ``group`` over the calendar (plus ``extra_days`` after it, so work in hand
    at the end of the run is finished by the next day's shifts)."""
    n = group.count
    if group.always_on:
        return Windows(
            offsets=np.arange(n + 1, dtype=np.int64),
            start=np.zeros(n),
            end=np.full(n, np.inf),
            gap_state=np.zeros(n, dtype=np.int8),
        )
    days_idx = [WEEKDAYS.index(d) for d in group.days]
    starts_min = [_minutes(s, "shift start") for s in group.shift_starts]
    n_days = cal.day_base.shape[0]
    bases = list(cal.day_base)
    weekdays = list(cal.weekday)
    for k in range(extra_days):
        bases.append(bases[-1] + 86_400.0 if bases else 86_400.0 * k)
        weekdays.append((weekdays[-1] + 1) % 7 if weekdays else 0)
    length = group.shift_hours * 3600.0
    offsets = [0]
    w_start: list[float] = []
    w_end: list[float] = []
    w_gap: list[int] = []
    n_off = max(len(days_idx) - group.days_per_week, 0)
    for a in range(n):
        s_min = starts_min[a % len(starts_min)]
        first_off = (a + a // len(starts_min)) % len(days_idx) if days_idx else 0
        off_days = {days_idx[(first_off + k) % len(days_idx)] for k in range(n_off)}
        for d in range(n_days + extra_days):
            if weekdays[d] not in days_idx or weekdays[d] in off_days:
                continue
            if group.absenteeism and rng.random() < group.absenteeism:
                continue
            s = bases[d] + s_min * 60.0
            e = s + length
            off = _shift_plan(s, group.shift_hours, group.breaks)
            if group.shrinkage > 0:
                on_duty = length - sum(b - a_ for a_, b, _ in off)
                blocks = group.shrinkage * on_duty / _AUX_BLOCK
                k = int(blocks) + int(rng.random() < blocks - int(blocks))
                for t0 in np.sort(rng.uniform(s + 1800.0, e - 1800.0 - _AUX_BLOCK, k)):
                    t0f = float(t0)
                    if all(t0f + _AUX_BLOCK <= b0 or t0f >= b1 for b0, b1, _ in off):
                        off.append((t0f, t0f + _AUX_BLOCK, AUX))
            off.sort()
            cursor = s
            for b0, b1, state in off:
                if b0 > cursor:
                    w_start.append(cursor)
                    w_end.append(b0)
                    w_gap.append(state)
                cursor = max(cursor, b1)
            if e > cursor:
                w_start.append(cursor)
                w_end.append(e)
                w_gap.append(OFFLINE)
            elif w_gap:
                w_gap[-1] = OFFLINE
        offsets.append(len(w_start))
    return Windows(
        offsets=np.array(offsets, dtype=np.int64),
        start=np.array(w_start, dtype=np.float64),
        end=np.array(w_end, dtype=np.float64),
        gap_state=np.array(w_gap, dtype=np.int8),
    )
