"""Each formula on a handful of hand-built rows, against answers worked out by hand, on DuckDB and PySpark."""

from __future__ import annotations

from typing import Any

import pytest

from metrics.backends import Loader, utc
from supportops.config import Settings
from supportops.metrics import compute_metrics

T0 = "2024-01-10 10:00:00"


def _sl(settings: Settings, **update: Any) -> Settings:
    return settings.model_copy(update={"service_level": settings.service_level.model_copy(update=update)})


def _one(result: Any) -> dict[str, Any]:
    assert len(result.rows) == 1, result.rows
    return dict(result.rows[0])


def _leg(leg: str, **kw: Any) -> dict[str, Any]:
    return {"leg_id": leg, "arrived_at": utc(T0), **kw}


# Eleven legs: four handled (two voice, email, messaging), three voice abandons (3 s, 40 s, 15 s in queue),
# a flow-out, a contained bot session, a deflected self-service visit and an outbound call that never counts.
SPEED_ROWS = [
    _leg("L1", queue_ms=10_000, talk_ms=200_000, hold_ms=30_000, acw_ms=60_000),
    _leg("L2", queue_ms=25_000, talk_ms=100_000, hold_ms=0, acw_ms=20_000, transferred=True),
    _leg("L3", outcome="abandoned", queue_ms=3_000),
    _leg("L4", outcome="abandoned", queue_ms=40_000),
    _leg("L5", outcome="abandoned", queue_ms=15_000),
    _leg("L6", outcome="flowed_out", queue_ms=60_000),
    _leg("L7", channel="bot", outcome="contained"),
    _leg("L8", channel="self_service", outcome="deflected"),
    _leg("L9", direction="outbound", talk_ms=999_000, queue_ms=0),
    _leg("L10", channel="email", talk_ms=300_000, first_response_ms=3_600_000),
    _leg("L11", channel="messaging", first_response_ms=600_000),
]


def test_volume_speed_and_handle_time(load: Loader) -> None:
    con = load({"contacts": SPEED_ROWS})
    r = _one(compute_metrics(con, Settings()))
    # offered = 4 handled + 3 abandoned + 1 flowed out (the outbound leg, bot and self-service are not offered)
    assert (r["offered"], r["handled"], r["abandoned"], r["short_abandoned"]) == (8, 4, 3, 0)
    assert (r["flowed_out"], r["contained"], r["deflected"]) == (1, 1, 1)
    assert r["containment_rate"] == pytest.approx(1 / 2)
    assert r["deflection_rate"] == pytest.approx(1 / 9)
    # live legs L1-L6: answered within 20 s = 1 (L1); offered 6 → 1/6 with abandons counting against
    assert r["service_level"] == pytest.approx(1 / 6)
    assert r["asa_s"] == pytest.approx((10 + 25) / 2)
    assert r["abandon_rate"] == pytest.approx(3 / 6)
    assert r["response_time_s"] == pytest.approx((3600 + 600) / 2)
    # AHT over the four handled inbound legs: 290 + 120 + 300 + 0 seconds
    assert r["aht_s"] == pytest.approx(710 / 4)
    assert r["talk_s"] == pytest.approx(600 / 4)
    assert r["hold_s"] == pytest.approx(30 / 4)
    assert r["acw_s"] == pytest.approx(80 / 4)
    assert r["transfer_rate"] == pytest.approx(1 / 4)


@pytest.mark.parametrize(
    ("variant", "expected"),
    [("abandons_negative", 1 / 6), ("abandons_ignored", 1 / (6 - 2)), ("abandons_positive", (1 + 2) / 6)],
)
def test_service_level_variants(load: Loader, variant: str, expected: float) -> None:
    con = load({"contacts": SPEED_ROWS})
    r = _one(compute_metrics(con, _sl(Settings(), variant=variant), metrics=["service_level"]))
    assert r["service_level"] == pytest.approx(expected)


def test_short_abandons_are_neither_offered_nor_abandoned(load: Loader) -> None:
    con = load({"contacts": SPEED_ROWS})
    settings = _sl(Settings(), short_abandon_s=5)
    r = _one(compute_metrics(con, settings))
    assert (r["offered"], r["abandoned"], r["short_abandoned"]) == (7, 2, 1)
    assert r["service_level"] == pytest.approx(1 / 5)
    assert r["service_level_all_abandons"] == pytest.approx(1 / 6)
    assert r["abandon_rate"] == pytest.approx(2 / 5)
    ignored = _one(compute_metrics(con, _sl(settings, variant="abandons_ignored"), metrics=["service_level"]))
    assert ignored["service_level"] == pytest.approx(1 / (5 - 1))  # only L5 abandoned within 20 s


def test_threshold_is_inclusive_and_configurable(load: Loader) -> None:
    con = load({"contacts": [_leg("a", queue_ms=20_000), _leg("b", queue_ms=20_001), _leg("c", queue_ms=30_000)]})
    assert _one(compute_metrics(con, Settings(), metrics=["service_level"]))["service_level"] == pytest.approx(1 / 3)
    wide = _sl(Settings(), threshold_s=30)
    assert _one(compute_metrics(con, wide, metrics=["service_level"]))["service_level"] == pytest.approx(1.0)


# Conversations: c1 two legs (transfer, resolved on the second, escalated to tier 2); c2 one leg unresolved;
# c3 resolved at tier 1; c4 reaches tier 3 by escalation level; c5 abandoned (not handled); c6 handled with
# no resolution flag.
OUTCOME_ROWS = [
    _leg("c1a", conversation_id="c1", leg_seq=1, tier=1, transferred=True, resolved=False),
    {
        **_leg("c1b", conversation_id="c1", leg_seq=2, tier=2, resolved=True, escalated=True),
        "arrived_at": utc("2024-01-10 10:05:00"),
    },
    _leg("c2", conversation_id="c2", tier=1, resolved=False),
    _leg("c3", conversation_id="c3", tier=1, resolved=True),
    _leg("c4", conversation_id="c4", tier=1, escalation_level=3, escalated=True, resolved=True),
    _leg("c5", conversation_id="c5", outcome="abandoned", queue_ms=5_000),
    _leg("c6", conversation_id="c6", tier=2),
]


def test_conversation_outcomes(load: Loader) -> None:
    con = load({"contacts": OUTCOME_ROWS})
    r = _one(compute_metrics(con, Settings()))
    # handled conversations c1, c2, c3, c4, c6; flagged c1-c4: resolved c1, c3, c4
    assert r["fcr"] == pytest.approx(3 / 4)
    assert r["escalation_rate"] == pytest.approx(2 / 5)
    # started at tier 1: c1, c2, c3, c4; reached tier 2+: c1 (leg tier 2), c4 (escalation level 3)
    assert r["tier1_to_tier2_rate"] == pytest.approx(2 / 4)
    assert r["tier3_rate"] == pytest.approx(1 / 5)
    # transfer rate is on legs: 1 transferred of 6 handled legs
    assert r["transfer_rate"] == pytest.approx(1 / 6)
    assert r["mix_voice"] == pytest.approx(1.0)


SURVEY_CONTACTS = [_leg(f"s{i}", conversation_id=f"s{i}") for i in range(1, 9)]
SURVEYS = [
    {"conversation_id": "s1", "responded_at": utc(T0), "csat": 5, "nps": 10, "ces": 7, "fcr": True},
    {"conversation_id": "s2", "responded_at": utc(T0), "csat": 4, "nps": 9, "ces": 5, "fcr": False},
    {"conversation_id": "s3", "responded_at": utc(T0), "csat": 3, "nps": 8, "ces": 4, "fcr": True},
    {"conversation_id": "s4", "responded_at": utc(T0), "csat": 1, "nps": 6},
    {"conversation_id": "s5", "responded_at": utc(T0), "csat_label": "good", "nps": 0},
    {"conversation_id": "s5", "responded_at": utc(T0), "csat_label": "bad"},
]


def test_survey_metrics(load: Loader) -> None:
    con = load({"contacts": SURVEY_CONTACTS, "surveys": SURVEYS})
    r = _one(compute_metrics(con, Settings()))
    # CSAT: 4s and 5s (2) plus binary good (1) over 4 scored + 2 labelled responses
    assert r["csat_top2"] == pytest.approx(3 / 6)
    assert r["csat_mean"] == pytest.approx((5 + 4 + 3 + 1) / 4)
    # NPS: promoters 10, 9; detractors 6, 0; passive 8 stays in the denominator
    assert r["nps"] == pytest.approx(100 * (2 - 2) / 5)
    assert r["ces"] == pytest.approx((7 + 5 + 4) / 3)
    assert r["ces_agree"] == pytest.approx(2 / 3)
    assert r["fcr_survey"] == pytest.approx(2 / 3)
    assert r["survey_responses"] == 6
    # surveyed conversations s1-s5 of 8 handled
    assert r["survey_response_rate"] == pytest.approx(5 / 8)


def test_surveys_follow_the_conversation_groups_and_the_agent_at_response_time(load: Loader) -> None:
    contacts = [
        _leg("x", conversation_id="x", queue_id="sales", agent_id="a1"),
        _leg("y", conversation_id="y", queue_id="care", agent_id="a2"),
    ]
    surveys = [
        {"conversation_id": "x", "responded_at": utc(T0), "csat": 5, "agent_id": "a9"},
        {"conversation_id": "y", "responded_at": utc(T0), "csat": 2},
    ]
    con = load({"contacts": contacts, "surveys": surveys})
    by_queue = {
        r["queue"]: r["csat_mean"] for r in compute_metrics(con, Settings(), by="queue", metrics=["csat_mean"]).rows
    }
    assert by_queue == {"care": 2.0, "sales": 5.0}
    by_agent = {
        r["agent"]: r["csat_mean"] for r in compute_metrics(con, Settings(), by="agent", metrics=["csat_mean"]).rows
    }
    assert by_agent == {"a2": 2.0, "a9": 5.0}


def test_grouping_by_dimensions_splits_counts(load: Loader) -> None:
    rows = [
        _leg("1", queue_id="q1", language="en"),
        _leg("2", queue_id="q1", language="fr"),
        _leg("3", queue_id="q2", language="en", outcome="abandoned", queue_ms=1),
    ]
    con = load({"contacts": rows})
    res = compute_metrics(con, Settings(), by="queue,language", metrics=["offered", "handled"])
    got = {(r["queue"], r["language"]): (r["offered"], r["handled"]) for r in res.rows}
    assert got == {("q1", "en"): (1, 1), ("q1", "fr"): (1, 1), ("q2", "en"): (1, 0)}
    assert res.columns == ("queue", "language", "offered", "handled")


def test_period_filter_on_local_arrival(load: Loader) -> None:
    rows = [_leg("a"), {**_leg("b"), "arrived_at": utc("2024-01-11 10:00:00")}]
    con = load({"contacts": rows})
    r = _one(compute_metrics(con, Settings(), metrics=["offered"], start=utc("2024-01-11 00:00:00")))
    assert r["offered"] == 1


def test_team_and_site_come_from_the_agent_when_the_leg_has_none(load: Loader) -> None:
    agents = [
        {"agent_id": "a1", "team_id": "t1", "site_id": "main"},
        {"agent_id": "a2", "team_id": "t2", "site_id": "manila"},
    ]
    rows = [
        _leg("1", agent_id="a1"),
        _leg("2", agent_id="a2", team_id="t9"),  # the leg's own team wins over the agent's
        # a transferred conversation: its first leg (a2, earlier) places it; both legs count as offered
        {**_leg("3a", conversation_id="c3", agent_id="a1", leg_seq=2), "arrived_at": utc("2024-01-10 10:05:00")},
        _leg("3b", conversation_id="c3", agent_id="a2", leg_seq=1, resolved=True),
    ]
    con = load({"contacts": rows, "agents": agents})
    res = compute_metrics(con, Settings(), by="team", metrics=["offered", "fcr"])
    got = {r["team"]: (r["offered"], r["fcr"]) for r in res.rows}
    assert got == {"t1": (2, None), "t2": (1, 1.0), "t9": (1, None)}
    res = compute_metrics(con, Settings(), by="site", metrics=["handled"])
    assert {r["site"]: r["handled"] for r in res.rows} == {"main": 2, "manila": 2}
