"""Rules, agents and requirements refuse what cannot be scheduled, naming the field."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from supportops.errors import InputError
from supportops.scheduling import Agent, BreakRule, Requirements, Rules, parse_clock, shift_types


def test_slot_is_the_finest_common_grid() -> None:
    r = Rules(interval=30, breaks=(BreakRule(length=15, earliest=90, latest=150),))
    assert r.slot == 15
    assert Rules(interval=30, breaks=(BreakRule(length=30, earliest=90, latest=150),)).slot == 30


def test_breaks_must_follow_each_other() -> None:
    with pytest.raises(InputError, match="must end before the next break"):
        Rules(breaks=(BreakRule(length=30, earliest=90, latest=200), BreakRule(length=15, earliest=210, latest=240)))


def test_break_goes_only_to_shifts_that_hold_its_window() -> None:
    r = Rules(shift_lengths=(240, 480), breaks=(BreakRule(length=30, earliest=180, latest=300),))
    assert r.breaks_for(240) == ()
    assert len(r.breaks_for(480)) == 1


def test_overnight_shift_types_only_when_allowed() -> None:
    r = Rules(shift_lengths=(480,), earliest_start=1200, latest_start=1320, start_step=60)
    assert shift_types(r) == ()
    assert [t.start for t in shift_types(Rules(**{**_kw(r), "overnight": True}))] == [1200, 1260, 1320]


def _kw(r: Rules) -> dict[str, object]:
    return {f: getattr(r, f) for f in r.__dataclass_fields__}


def test_requirements_need_whole_weeks() -> None:
    with pytest.raises(InputError, match="whole weeks"):
        Requirements(start=date(2026, 1, 5), interval=60, skills=("s",), required=np.zeros((1, 24 * 6)))
    with pytest.raises(InputError, match="finite number"):
        Requirements(start=date(2026, 1, 5), interval=60, skills=("s",), required=-np.ones((1, 24 * 7)))


def test_agent_and_clock_validation() -> None:
    with pytest.raises(InputError, match="availability"):
        Agent(id="x", skills=("s",), min_hours=0, max_hours=8, availability={0: (600, 500)})
    assert parse_clock("07:30", name="t") == 450
    with pytest.raises(InputError, match="HH:MM"):
        parse_clock("25:00", name="t")
