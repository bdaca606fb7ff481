"""Adherence and conformance on a hand-computed example."""

from __future__ import annotations

import math

import pytest

from supportops.errors import InputError
from supportops.scheduling import adherence

T0 = 1_767_603_600  # 2026-01-05 09:00 UTC


def test_adherence_per_interval_and_conformance() -> None:
    scheduled = [
        ("a", T0, T0 + 3600, "work"),
        ("a", T0 + 1800, T0 + 2700, "break"),  # 09:30-09:45
    ]
    states = [
        ("a", T0, T0 + 1800, "available"),  # in adherence (work)
        ("a", T0 + 1800, T0 + 2400, "break"),  # in adherence (break), 10 minutes
        ("a", T0 + 2400, T0 + 3600, "meeting"),  # out of adherence for 20 minutes
        ("a", T0 + 3600, T0 + 4200, "on_contact"),  # after the shift: counts for conformance only
        ("b", T0, T0 + 3600, "available"),  # not scheduled: not reported
    ]
    r = adherence(scheduled, states, interval=1800)
    assert r.agents == ("a",)
    assert list(r.interval_start) == [T0, T0 + 1800]
    assert list(r.scheduled_s) == [1800.0, 1800.0]
    assert list(r.in_adherence_s) == [1800.0, 600.0]
    assert r.adherence[1] == pytest.approx(1 / 3)
    assert r.overall == pytest.approx(2400 / 3600)
    # worked 1800 + 600 productive seconds against 2700 s of scheduled work
    assert r.agent_conformance[0] == pytest.approx(2400 / 2700)


def test_lunch_state_matches_a_scheduled_break_and_offline_counts_as_absent() -> None:
    r = adherence(
        [("a", T0, T0 + 1800, "work"), ("a", T0, T0 + 900, "lunch")],
        [("a", T0, T0 + 900, "break"), ("a", T0 + 900, T0 + 1800, "offline")],
    )
    assert r.in_adherence_s.sum() == 900.0
    assert r.agent_worked_s[0] == 0.0


def test_nothing_scheduled_and_bad_rows() -> None:
    r = adherence([], [("a", T0, T0 + 60, "available")])
    assert r.agents == () and math.isnan(r.overall)
    with pytest.raises(InputError, match="unknown scheduled activity"):
        adherence([("a", T0, T0 + 60, "nap")], [])
    with pytest.raises(InputError, match="ends before it starts"):
        adherence([("a", T0, T0 - 60, "work")], [])
