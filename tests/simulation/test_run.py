"""Routing, schedules, channels and outcomes of a multi-skill scenario behave as specified."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl
import pytest

from supportops.simulation import Scenario, simulate
from supportops.simulation.engine import ABANDONED, ANSWERED, NOT_ARRIVED
from supportops.simulation.run import SimulationResult

FLAT = {"weekday_factors": [1.0] * 7, "open": "08:00", "close": "18:00"}


def scenario(**over: Any) -> Scenario:
    body: dict[str, Any] = {
        "start": date(2026, 1, 5),
        "days": 3,
        "time_zone": "Europe/London",
        "queues": [
            {
                "id": "voice",
                "channel": "voice",
                "daily_volume": 1500,
                "talk_s": 240,
                "acw_s": 30,
                **FLAT,
                "patience": {"mean_s": 120},
                "vip_share": 0.1,
                "vip_head_start_s": 600,
                "transfer_rate": 0.1,
                "transfer_to": "t2",
                "resolution": 0.7,
            },
            {
                "id": "t2",
                "channel": "voice",
                "tier": 2,
                "talk_s": 400,
                "patience": {"mean_s": 600},
                "transfer_rate": 0.2,
                "transfer_to": "t3",
            },
            {"id": "t3", "channel": "voice", "tier": 3, "talk_s": 600},
            {
                "id": "other",
                "channel": "voice",
                "daily_volume": 400,
                "talk_s": 300,
                **FLAT,
                "patience": {"distribution": "weibull", "mean_s": 400, "shape": 0.7},
            },
            {
                "id": "chat",
                "channel": "chat",
                "daily_volume": 900,
                "talk_s": 500,
                "concurrency": 3,
                **FLAT,
                "patience": {"distribution": "lognormal", "mean_s": 300, "cv": 1.2},
            },
            {
                "id": "email",
                "channel": "email",
                "daily_volume": 300,
                "talk_s": 300,
                "open": "00:00",
                "close": "24:00",
                "deadline_s": 86400,
            },
            {"id": "bot", "channel": "bot", "daily_volume": 600, "containment": 0.4, "handoff_to": "chat", **FLAT},
        ],
        "groups": [
            {
                "id": "voice-team",
                "count": 12,
                "skills": ["voice"],
                "overflow": {"other": 45},
                "shift_starts": ["07:45", "09:45"],
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "days_per_week": 7,
                "shrinkage": 0.1,
            },
            {
                "id": "other-team",
                "count": 3,
                "skills": ["other"],
                "shift_starts": ["08:00"],
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "days_per_week": 7,
            },
            {
                "id": "tiers",
                "count": 3,
                "skills": ["t2", "t3"],
                "tier": 2,
                "shift_starts": ["08:00"],
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "days_per_week": 7,
            },
            {
                "id": "digital",
                "count": 8,
                "skills": ["chat", "email"],
                "shift_starts": ["07:45", "10:00"],
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "days_per_week": 7,
            },
        ],
    }
    body.update(over)
    return Scenario.model_validate(body)


@pytest.fixture(scope="module")
def result() -> SimulationResult:
    return simulate(scenario(), np.random.default_rng(11), tables=True)


@pytest.fixture(scope="module")
def contacts(result: SimulationResult) -> pl.DataFrame:
    assert result.contacts is not None
    return pl.from_arrow(result.contacts)  # type: ignore[return-value]


def test_same_seed_same_tables_other_seed_differs() -> None:
    a = simulate(scenario(days=1), np.random.default_rng(3), tables=True)
    b = simulate(scenario(days=1), np.random.default_rng(3), tables=True)
    c = simulate(scenario(days=1), np.random.default_rng(4), tables=True)
    assert a.contacts is not None and b.contacts is not None and c.contacts is not None
    assert a.contacts.equals(b.contacts) and a.agent_states is not None and a.agent_states.equals(b.agent_states)
    assert not a.contacts.equals(c.contacts)


def test_vip_head_start_shortens_their_wait() -> None:
    flat = {"weekday_factors": [1.0] * 7, "open": "00:00", "close": "24:00", "intraday": [1.0] * 48}
    sc = scenario(
        days=2,
        queues=[
            {"id": "v", "daily_volume": 2_700, "talk_s": 300, **flat, "vip_share": 0.1, "vip_head_start_s": 3600},
        ],
        groups=[{"id": "g", "count": 10, "skills": ["v"], "always_on": True}],
    )
    r = simulate(sc, np.random.default_rng(5))
    assert not r.engine.fast_path  # head starts need the event loop
    ok = r.engine.status == ANSWERED
    wait = r.engine.answered - r.engine.arrival
    vip, regular = wait[ok & r.plan.legs.vip], wait[ok & ~r.plan.legs.vip]
    assert regular.mean() > 60.0  # a busy queue (9.4 Erlangs on 10 agents)
    assert vip.mean() < 0.2 * regular.mean(), (vip.mean(), regular.mean())


def test_overflow_only_after_the_wait_threshold(result: SimulationResult) -> None:
    e = result.engine
    other = (result.plan.contacts.queue == 3) & (e.status == ANSWERED)
    by_voice_team = other & (result.plan.agent_group[np.maximum(e.agent, 0)] == 0)
    assert by_voice_team.sum() > 10  # overflow happens
    wait = (e.answered - e.arrival)[by_voice_team]
    assert wait.min() >= 45.0 - 1e-9
    own = other & (result.plan.agent_group[np.maximum(e.agent, 0)] == 1)
    assert ((e.answered - e.arrival)[own] < 45).any()


def test_chat_agents_run_up_to_three_sessions(result: SimulationResult) -> None:
    e, c = result.engine, result.plan.contacts
    chat = np.flatnonzero((c.queue == 4) & (e.status == ANSWERED))
    starts, ends, ag = e.answered[chat], e.answered[chat] + c.handle[chat], e.agent[chat]
    peak = 0
    for a in np.unique(ag):
        s, t = starts[ag == a], ends[ag == a]
        times = np.concatenate([s, t])
        steps = np.concatenate([np.ones_like(s), -np.ones_like(t)])
        order = np.lexsort((steps, times))
        peak = max(peak, int(np.cumsum(steps[order]).max()))
    assert peak == 3


def test_email_is_never_abandoned_and_is_worked_by_deadline(result: SimulationResult) -> None:
    e = result.engine
    email = (result.plan.contacts.queue == 5) & (e.status != NOT_ARRIVED)
    assert not (e.status[email] == ABANDONED).any()
    assert (e.status[email] == ANSWERED).mean() > 0.95
    # overnight emails wait for the morning shift
    assert np.nanmax((e.answered - e.arrival)[email]) > 4 * 3600


def test_nobody_is_answered_outside_shifts(result: SimulationResult) -> None:
    e = result.engine
    ok = e.status == ANSWERED
    local_hour = ((e.answered[ok] - 0) % 86_400) / 3600  # January: London = UTC
    assert local_hour.min() >= 7.74 and local_hour.max() < 19.5


def test_transfers_chain_tier_1_to_2_to_3(contacts: pl.DataFrame) -> None:
    legs = contacts.filter(pl.col("channel") != "bot")
    multi = legs.group_by("conversation_id").agg(pl.col("tier").sort_by("leg_seq"), pl.len()).filter(pl.col("len") > 1)
    tiers = multi["tier"].to_list()
    assert any(t == [1, 2] for t in tiers) and any(t == [1, 2, 3] for t in tiers)
    assert all(t == sorted(t) for t in tiers)
    first = legs.filter(pl.col("transferred"))
    assert first["outcome"].unique().to_list() == ["handled"]
    assert not first["resolved"].any()
    rate = legs.filter(pl.col("queue_id") == "voice", pl.col("outcome") == "handled")["transferred"].mean()
    assert rate == pytest.approx(0.1, abs=0.02)


def test_bot_contains_a_share_and_hands_the_rest_to_chat(contacts: pl.DataFrame) -> None:
    bot = contacts.filter(pl.col("channel") == "bot")
    assert bot["outcome"].value_counts().sort("outcome")["outcome"].to_list() == ["contained", "flowed_out"]
    assert (bot["outcome"] == "contained").mean() == pytest.approx(0.4, abs=0.03)
    handed = bot.filter(pl.col("outcome") == "flowed_out").select("conversation_id", bot_end="ended_at")
    joined = contacts.filter(pl.col("channel") == "chat").join(handed, on="conversation_id")
    assert joined.height == handed.height
    assert (joined["arrived_at"] == joined["bot_end"]).all() and (joined["leg_seq"] == 2).all()


def test_repeats_come_back_within_seven_days_for_unresolved_issues(result: SimulationResult) -> None:
    e, legs, c = result.engine, result.plan.legs, result.plan.contacts
    rep = np.flatnonzero(legs.repeat & (e.status != NOT_ARRIVED))
    assert rep.shape[0] > 50
    for r in rep[:200]:
        origin = list(np.flatnonzero(c.repeat_to == r))
        assert origin
        last = max(origin, key=lambda i: legs.leg_seq[i] if e.status[i] != NOT_ARRIVED else -1)
        assert not (e.status[last] == ANSWERED and c.resolved[last])
        assert legs.customer[last] == legs.customer[r] and legs.reason[last] == legs.reason[r]
        assert 2 * 3600 - 1e-6 <= e.arrival[r] - e.ended[last] <= 7 * 86_400


def test_surveys_fall_with_waits_and_unresolved_issues(result: SimulationResult) -> None:
    assert result.surveys is not None
    s = pl.from_arrow(result.surveys)
    assert isinstance(s, pl.DataFrame)
    assert s.height > 300
    assert s["csat"].is_between(1, 5).all() and s["nps"].is_between(0, 10).all() and s["ces"].is_between(1, 7).all()
    good, bad = s.filter(pl.col("fcr"))["csat"].mean(), s.filter(~pl.col("fcr"))["csat"].mean()
    assert isinstance(good, float) and isinstance(bad, float) and good > bad + 0.5


def test_agent_states_tile_each_duty_span_without_overlap(result: SimulationResult) -> None:
    assert result.agent_states is not None
    st = pl.from_arrow(result.agent_states)
    assert isinstance(st, pl.DataFrame)
    assert set(st["state"].unique()) >= {"available", "on_contact", "acw", "break", "lunch", "aux"}
    st = st.sort("agent_id", "start_at")
    gaps = st.with_columns(prev_end=pl.col("end_at").shift().over("agent_id")).filter(pl.col("prev_end").is_not_null())
    assert (gaps["start_at"] >= gaps["prev_end"]).all()
    assert (st["end_at"] >= st["start_at"]).all()
    # shrinkage 10 %: aux is about a tenth of the voice team's non-break on-duty time
    hours = st.with_columns(h=(pl.col("end_at") - pl.col("start_at")).dt.total_seconds() / 3600)
    by = hours.filter(pl.col("agent_id") <= "agent-0012").group_by("state").agg(pl.col("h").sum())
    h = dict(zip(by["state"], by["h"], strict=True))
    aux_share = h["aux"] / (h["aux"] + h["available"] + h["on_contact"] + h["acw"])
    assert aux_share == pytest.approx(0.1, abs=0.03)


def test_lognormal_handle_times_are_right_skewed(contacts: pl.DataFrame) -> None:
    talk = contacts.filter(pl.col("queue_id") == "voice", pl.col("outcome") == "handled")["talk_ms"].to_numpy() / 1000
    assert talk.mean() == pytest.approx(240, rel=0.08)
    assert np.std(talk) / talk.mean() == pytest.approx(0.8, abs=0.12)
    assert np.median(talk) < talk.mean()


def test_over_dispersion_widens_interval_counts() -> None:
    def counts(k: float) -> np.ndarray:
        flat = {**FLAT, "intraday": [1.0] * 20, "dispersion": k}
        sc = scenario(days=60, queues=[{"id": "v", "daily_volume": 2000, **flat}], groups=[])
        plan = simulate(sc, np.random.default_rng(9)).plan.contacts
        slots = np.bincount((plan.arrival[plan.active] // 1800).astype(np.int64))
        return slots[slots > 0]

    plain, wide = counts(0.0), counts(10.0)
    assert plain.var() / plain.mean() == pytest.approx(1.0, abs=0.15)  # Poisson: variance = mean
    assert wide.var() / wide.mean() > 5.0  # gamma-Poisson: variance = λ + λ²/k


def test_callbacks_replace_waiting_after_the_offer() -> None:
    sc = scenario(
        days=1,
        queues=[
            {
                "id": "v",
                "daily_volume": 1200,
                "talk_s": 300,
                **FLAT,
                "patience": {"mean_s": 300},
                "callback_after_s": 60,
                "callback_accept": 0.6,
                "callback_to": "cb",
            },
            {"id": "cb", "channel": "voice", "talk_s": 300},
        ],
        groups=[{"id": "g", "count": 8, "skills": ["v", "cb"], "shift_starts": ["08:00"], "days_per_week": 7}],
    )
    r = simulate(sc, np.random.default_rng(2), tables=True)
    assert r.contacts is not None
    c = pl.from_arrow(r.contacts)
    assert isinstance(c, pl.DataFrame)
    asked = c.filter(pl.col("outcome") == "callback_requested")
    assert asked.height > 50
    assert (asked["queue_ms"] == 60_000).all()
    back = c.filter(pl.col("queue_id") == "cb")
    assert (back["direction"] == "outbound").all() and back.height == asked.height
    joined = asked.select("conversation_id", offered_at="ended_at").join(back, on="conversation_id")
    assert (joined["arrived_at"] == joined["offered_at"]).all() and (joined["leg_seq"] == 2).all()
    summary = {q.queue: q for q in r.queues}["v"]
    assert summary.callbacks == asked.height
    assert summary.arrivals == summary.answered + summary.abandoned + summary.callbacks + summary.unanswered
    # without the offer, the same floor loses more callers
    no_offer = sc.queues[0].model_copy(update={"callback_after_s": None, "callback_to": None})
    plain = simulate(sc.model_copy(update={"queues": (no_offer, sc.queues[1])}), np.random.default_rng(2))
    assert plain.queues[0].abandon_rate > summary.abandon_rate
