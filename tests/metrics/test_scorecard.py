"""Scorecard statuses and the diagnostics, with the numbers behind each verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from metrics.backends import duckdb_loader, utc
from supportops.config import ServiceLevel, Settings
from supportops.metrics import AT_RISK_BAND, Target, build_scorecard, status_of


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (0.80, Target(kind="min", low=0.80), "met"),
        (0.73, Target(kind="min", low=0.80), "at_risk"),  # within 10 % of 0.80 (0.72)
        (0.71, Target(kind="min", low=0.80), "missed"),
        (0.05, Target(kind="max", high=0.05), "met"),
        (0.055, Target(kind="max", high=0.05), "at_risk"),
        (0.056, Target(kind="max", high=0.05), "missed"),
        (0.35, Target(kind="range", low=0.30, high=0.40), "met"),
        (0.28, Target(kind="range", low=0.30, high=0.40), "at_risk"),
        (0.45, Target(kind="range", low=0.30, high=0.40), "missed"),
        (None, Target(kind="min", low=40), "no_data"),
        (-5.0, Target(kind="min", low=-2.0), "missed"),
    ],
)
def test_status(value: float | None, target: Target, expected: str) -> None:
    assert AT_RISK_BAND == 0.10
    assert status_of(value, target) == expected


def _c(leg: str, customer: str, at: str, **kw: Any) -> dict[str, Any]:
    row = {
        "leg_id": leg,
        "customer_key": customer,
        "queue_id": "q1",
        "arrived_at": utc(at),
        "ended_at": utc(at),
        "queue_ms": 5_000,
        "outcome": "handled",
        "reason_l1": "r1",
    }
    row.update(kw)
    return row


CONTACTS = [
    # previous week 2024-W01: long calls, resolved, no repeats
    _c("p1", "k1", "2024-01-02 10:00:00", talk_ms=600_000, resolved=True),
    _c("p2", "k2", "2024-01-03 10:00:00", talk_ms=600_000, resolved=True),
    # this week 2024-W02: short calls, unresolved, one repeat, two short abandons
    _c("c1", "k3", "2024-01-09 10:00:00", talk_ms=300_000, resolved=False),
    _c("c2", "k3", "2024-01-10 10:00:00", talk_ms=300_000, resolved=False),
    _c("c3", "k4", "2024-01-11 10:00:00", outcome="abandoned", queue_ms=2_000),
    _c("c4", "k5", "2024-01-11 11:00:00", outcome="abandoned", queue_ms=3_000),
    _c("c5", "k6", "2024-01-12 10:00:00", talk_ms=300_000, resolved=False),
    _c("c6", "k7", "2024-01-12 11:00:00", talk_ms=300_000, resolved=False, queue_id="q2"),
    # a later contact so that this week's repeat windows have elapsed
    _c("z", "k9", "2024-01-25 10:00:00", talk_ms=100_000, queue_id="q2"),
]
SURVEYS = [
    {"conversation_id": cid, "responded_at": utc("2024-01-12 12:00:00"), "csat": csat}
    for cid, csat in (("c1", 5), ("c2", 5), ("c5", 4))
]


@pytest.fixture
def con(tmp_path: Path) -> Any:
    return duckdb_loader(tmp_path)({"contacts": CONTACTS, "surveys": SURVEYS})


def _settings() -> Settings:
    return Settings(service_level=ServiceLevel(short_abandon_s=5))


def test_scorecard_lines(con: Any) -> None:
    card = build_scorecard(con, _settings(), period="2024-W02")
    assert (card.period, card.previous_period) == ("2024-W02", "2024-W01")
    lines = {line.slug: line for line in card.lines}
    assert lines["service_level"].value == pytest.approx(1.0)
    assert lines["service_level"].status == "met"
    assert lines["service_level_all_abandons"].value == pytest.approx(4 / 6)
    assert lines["repeat_rate_7d"].value == pytest.approx(1 / 4)
    assert lines["repeat_rate_7d"].previous == pytest.approx(0.0)
    assert lines["repeat_rate_7d"].status == "missed"
    assert lines["fcr"].value == pytest.approx(0.0)
    assert lines["fcr"].previous == pytest.approx(1.0)
    assert lines["csat_top2"].status == "met"
    assert lines["nps"].status == "no_data"
    assert "aht_s" not in lines  # no target, so not on the scorecard
    assert card.service_level_variant.startswith("abandons_negative")


def test_diagnostics_with_their_numbers(con: Any) -> None:
    card = build_scorecard(con, _settings(), period="2024-W02")
    overall = {d.code: d for d in card.diagnostics if not d.group}
    d = overall["high_csat_low_fcr"]
    assert d.verdict == "triggered"
    assert d.numbers["csat_top2"] == pytest.approx(1.0)
    assert (d.numbers["fcr"], d.numbers["fcr_method"]) == (pytest.approx(0.0), "fcr")
    d = overall["aht_down_repeat_up"]
    assert d.verdict == "triggered"
    assert (d.numbers["aht_s_previous"], d.numbers["aht_s"]) == (pytest.approx(600.0), pytest.approx(300.0))
    assert (d.numbers["repeat_rate_7d_previous"], d.numbers["repeat_rate_7d"]) == (0.0, pytest.approx(0.25))
    d = overall["sl_via_short_abandon_exclusion"]
    assert d.verdict == "triggered"
    assert d.numbers["service_level"] == pytest.approx(1.0)
    assert d.numbers["service_level_all_abandons"] == pytest.approx(4 / 6)
    assert d.numbers["short_abandoned"] == 2
    assert overall["high_fcr_high_aht"].verdict == "clear"
    assert overall["low_effort_high_repeat"].verdict == "not_evaluated"  # no CES answers
    assert overall["quality_high_critical_errors_rising"].verdict == "not_evaluated"
    assert "no evaluations table" in overall["quality_high_critical_errors_rising"].detail
    per_queue = {(d.group.get("queue"), d.code): d.verdict for d in card.diagnostics if d.group}
    assert per_queue[("q1", "sl_via_short_abandon_exclusion")] == "triggered"
    assert per_queue[("q2", "sl_via_short_abandon_exclusion")] == "clear"


def test_high_fcr_high_aht_against_a_configured_threshold(con: Any) -> None:
    card = build_scorecard(con, _settings(), period="2024-W01", aht_threshold_s=500)
    d = next(d for d in card.diagnostics if not d.group and d.code == "high_fcr_high_aht")
    assert d.verdict == "triggered"
    assert d.numbers["aht_s"] == pytest.approx(600.0)
    assert d.numbers["aht_threshold_s"] == 500


def test_without_a_short_abandon_threshold_the_exclusion_is_not_evaluated(con: Any) -> None:
    card = build_scorecard(con, Settings(), period="2024-W02")
    d = next(d for d in card.diagnostics if not d.group and d.code == "sl_via_short_abandon_exclusion")
    assert d.verdict == "not_evaluated"


def test_default_period_is_the_latest_week(con: Any) -> None:
    assert build_scorecard(con, _settings()).period == "2024-W04"
