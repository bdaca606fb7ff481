"""Agent-state metrics: occupancy, utilisation, shrinkage, productivity and cost per contact."""

from __future__ import annotations

from typing import Any

import pytest

from metrics.backends import Loader, utc
from supportops.config import CostRate, Settings
from supportops.metrics import compute_metrics


def _state(agent: str, state: str, start: str, end: str) -> dict[str, Any]:
    return {"agent_id": agent, "state": state, "start_at": utc(start), "end_at": utc(end)}


# a1 on 2024-01-10: on contact 2 h, ACW 1 h, available 1 h, break 0.5 h, training 0.5 h, offline 3 h
STATES = [
    _state("a1", "on_contact", "2024-01-10 08:00:00", "2024-01-10 10:00:00"),
    _state("a1", "acw", "2024-01-10 10:00:00", "2024-01-10 11:00:00"),
    _state("a1", "available", "2024-01-10 11:00:00", "2024-01-10 12:00:00"),
    _state("a1", "break", "2024-01-10 12:00:00", "2024-01-10 12:30:00"),
    _state("a1", "training", "2024-01-10 12:30:00", "2024-01-10 13:00:00"),
    _state("a1", "offline", "2024-01-10 13:00:00", "2024-01-10 16:00:00"),
    # a2 at a site with no cost rate: 1 h on contact
    _state("a2", "on_contact", "2024-01-10 08:00:00", "2024-01-10 09:00:00"),
]
AGENTS = [
    {"agent_id": "a1", "site_id": "main", "delivery_model": "onshore", "team_id": "t1"},
    {"agent_id": "a2", "site_id": "manila", "delivery_model": "offshore", "team_id": "t2"},
]
CONTACTS = [{"leg_id": f"h{i}", "agent_id": "a1", "arrived_at": utc("2024-01-10 08:30:00")} for i in range(4)] + [
    {"leg_id": "h9", "agent_id": "a2", "arrived_at": utc("2024-01-10 08:30:00")}
]


def _settings() -> Settings:
    return Settings(cost_rates=(CostRate(site="main", delivery_model="onshore", hourly_cost=32.0),))


def test_state_ratios_cost_and_productivity_per_agent(load: Loader) -> None:
    con = load({"contacts": CONTACTS, "agent_states": STATES, "agents": AGENTS})
    rows = {r["agent"]: r for r in compute_metrics(con, _settings(), by="agent").rows}
    a1 = rows["a1"]
    assert a1["occupancy"] == pytest.approx(3 / 4)
    assert a1["utilisation"] == pytest.approx(4 / 5)
    assert a1["shrinkage_actual"] == pytest.approx(1 / 5)
    assert a1["productive_hours"] == pytest.approx(4.0)
    assert a1["logged_hours"] == pytest.approx(5.0)
    assert a1["agent_cost"] == pytest.approx(5 * 32.0)
    assert a1["cost_per_contact"] == pytest.approx(5 * 32.0 / 4)
    assert a1["contacts_per_productive_hour"] == pytest.approx(4 / 4.0)
    # a2's site has no cost rate: no cost per contact rather than a cost that leaves its hours out
    assert rows["a2"]["occupancy"] == pytest.approx(1.0)
    assert rows["a2"]["cost_per_contact"] is None


def test_whole_operation_cost_needs_every_hour_rated(load: Loader) -> None:
    con = load({"contacts": CONTACTS, "agent_states": STATES, "agents": AGENTS})
    r = compute_metrics(con, _settings()).rows[0]
    assert r["occupancy"] == pytest.approx(4 / 5)
    assert r["cost_per_contact"] is None
    rated = _settings().model_copy(
        update={
            "cost_rates": (
                *_settings().cost_rates,
                CostRate(site="manila", delivery_model="offshore", hourly_cost=10.0),
            )
        }
    )
    r = compute_metrics(con, rated).rows[0]
    assert r["cost_per_contact"] == pytest.approx((5 * 32.0 + 1 * 10.0) / 5)


def test_states_are_split_on_interval_boundaries(load: Loader) -> None:
    con = load(
        {
            "agent_states": [
                _state("a1", "on_contact", "2024-01-10 09:30:00", "2024-01-10 11:15:00"),
                _state("a1", "available", "2024-01-10 11:15:00", "2024-01-10 11:45:00"),
            ]
        }
    )
    rows = compute_metrics(con, Settings(), by="60min", metrics=["productive_hours", "occupancy"]).rows
    got = {r["60min"]: (r["productive_hours"], r["occupancy"]) for r in rows}
    assert got["2024-01-10T09:00+00:00"] == (pytest.approx(0.5), pytest.approx(1.0))
    assert got["2024-01-10T10:00+00:00"] == (pytest.approx(1.0), pytest.approx(1.0))
    assert got["2024-01-10T11:00+00:00"] == (pytest.approx(0.75), pytest.approx(0.25 / 0.75))


def test_states_across_midnight_split_by_day_and_team(load: Loader) -> None:
    con = load(
        {"agent_states": [_state("a1", "available", "2024-01-10 23:00:00", "2024-01-11 01:30:00")], "agents": AGENTS}
    )
    rows = compute_metrics(con, Settings(), by="team,day", metrics=["productive_hours"]).rows
    assert {(r["team"], r["day"]): r["productive_hours"] for r in rows} == {
        ("t1", "2024-01-10"): pytest.approx(1.0),
        ("t1", "2024-01-11"): pytest.approx(1.5),
    }


def test_states_cannot_be_split_by_queue(load: Loader) -> None:
    con = load({"contacts": CONTACTS, "agent_states": STATES})
    res = compute_metrics(con, Settings(), by="queue", metrics=["occupancy", "handled"])
    assert res.rows[0]["occupancy"] is None
    assert any("cannot be split by queue" in n for n in res.notes)
