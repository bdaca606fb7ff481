"""Shift types (start time, length, where each break may go) and which agent may work which shift on which day.

Coverage is counted on a grid of ``slot`` minutes (:attr:`Rules.slot`); a horizon slot ``h`` is minute
``h × slot`` after local midnight of day 0. A shift starting late on day ``d`` may run into day ``d + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportops.scheduling.rules import Agent, Requirements, Rules

__all__ = ["ShiftType", "eligible", "shift_types", "workable_days"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftType:
    """A shift: ``start`` minutes after midnight, ``length`` minutes, and per break the allowed start offsets
    (minutes after the shift start, on the slot grid)."""

    index: int
    start: int
    length: int
    break_lengths: tuple[int, ...]
    break_offsets: tuple[tuple[int, ...], ...]

    @property
    def end(self) -> int:
        """End, minutes after midnight of the start day (beyond 1440 for an overnight shift)."""
        return self.start + self.length

    @property
    def break_minutes(self) -> int:
        return sum(self.break_lengths)

    def label(self) -> str:
        h, m = divmod(self.start, 60)
        return f"{h:02d}:{m:02d}+{self.length / 60:g}h"


def shift_types(rules: Rules) -> tuple[ShiftType, ...]:
    """Every start × length the rules allow (overnight ones only when allowed)."""
    out: list[ShiftType] = []
    slot = rules.slot
    for length in sorted(set(rules.shift_lengths)):
        brs = rules.breaks_for(length)
        for start in rules.starts():
            if start + length > 1440 and not rules.overnight:
                continue
            out.append(
                ShiftType(
                    index=len(out),
                    start=start,
                    length=length,
                    break_lengths=tuple(b.length for b in brs),
                    break_offsets=tuple(tuple(range(b.earliest, b.latest + 1, slot)) for b in brs),
                )
            )
    return tuple(out)


def eligible(agent: Agent, req: Requirements, day: int, shift: ShiftType, *, check_time_off: bool = True) -> bool:
    """May ``agent`` work ``shift`` on ``day`` (availability window of that weekday, approved time off)?"""
    when = req.day(day)
    if check_time_off and when in agent.time_off:
        return False
    window = agent.availability.get(when.weekday())
    return window is None or (window[0] <= shift.start and shift.end <= window[1])


def workable_days(agent: Agent, req: Requirements, types: tuple[ShiftType, ...]) -> list[bool]:
    """Per day of the horizon: is there at least one shift the agent may work?"""
    return [any(eligible(agent, req, d, t) for t in types) for d in range(req.days)]
