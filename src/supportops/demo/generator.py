"""A seeded generator of a realistic contact-centre program, for the demo and for tests.

The demo's data comes from the discrete-event simulator (:mod:`supportops.simulation`): :func:`demo_scenario`
describes the program and :func:`generate` runs it and returns the canonical tables as columns.

* arrivals: a Poisson process per queue and 30-minute interval whose rate follows a weekday profile
  (Monday busiest, weekend quiet) times a double-peaked intraday profile (late morning and early
  afternoon), inside each queue's opening hours, with gamma over-dispersion and 1 % week-on-week growth;
* handle times: lognormal talk, hold and after-contact work with per-queue means (CV 0.6-1.0);
* 72 agents in four skill mixes on five shift starts, with breaks, lunch, shrinkage and absence; calls wait
  for a free agent of the right skill and abandon when their patience (exponential, mean 90 s voice, 120 s
  chat) runs out first; chat agents run three sessions; email is worked by deadline; the bot contains 45 %
  and hands the rest to chat;
* outcomes: transfers from billing to tech support, escalations, resolution, repeat contacts within 7 days
  by the same customer for the same reason (unresolved contacts come back), a contact-reason taxonomy
  (L1/L2);
* surveys from about one conversation in five: CSAT, NPS and CES that fall with long waits, transfers and
  unresolved issues;
* agent states from the simulated day: on contact, ACW, available, breaks, lunch and aux.

Everything comes from the ``numpy.random.Generator`` passed in: the same seed gives the same tables.
Times are UTC instants; the program runs in Europe/London.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from supportops.simulation import Scenario, simulate
from supportops.simulation.engine import NOT_ARRIVED

__all__ = ["QUEUES", "REASONS", "DemoData", "DemoQueue", "demo_scenario", "generate"]

ZONE = ZoneInfo("Europe/London")


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoQueue:
    """One demo queue: channel, daily volume on an average weekday, handle-time means (seconds)."""

    id: str
    channel: str
    language: str
    daily_volume: float
    talk_s: float
    hold_s: float
    acw_s: float
    open_hour: int
    close_hour: int
    weekend: bool


QUEUES: tuple[DemoQueue, ...] = (
    DemoQueue(
        id="billing-voice",
        channel="voice",
        language="en",
        daily_volume=540,
        talk_s=300,
        hold_s=30,
        acw_s=45,
        open_hour=8,
        close_hour=20,
        weekend=True,
    ),
    DemoQueue(
        id="tech-voice",
        channel="voice",
        language="en",
        daily_volume=360,
        talk_s=420,
        hold_s=60,
        acw_s=60,
        open_hour=8,
        close_hour=20,
        weekend=False,
    ),
    DemoQueue(
        id="support-chat",
        channel="chat",
        language="en",
        daily_volume=300,
        talk_s=600,
        hold_s=0,
        acw_s=30,
        open_hour=8,
        close_hour=22,
        weekend=True,
    ),
    DemoQueue(
        id="support-email",
        channel="email",
        language="en",
        daily_volume=240,
        talk_s=360,
        hold_s=0,
        acw_s=60,
        open_hour=0,
        close_hour=24,
        weekend=True,
    ),
    DemoQueue(
        id="help-bot",
        channel="bot",
        language="en",
        daily_volume=900,
        talk_s=0,
        hold_s=0,
        acw_s=0,
        open_hour=8,
        close_hour=22,
        weekend=True,
    ),
)

REASONS: tuple[tuple[str, str, float], ...] = (
    ("billing", "charge dispute", 0.12),
    ("billing", "payment failed", 0.09),
    ("billing", "refund status", 0.08),
    ("orders", "where is my order", 0.15),
    ("orders", "change delivery", 0.06),
    ("orders", "cancel order", 0.05),
    ("account", "password reset", 0.10),
    ("account", "update details", 0.05),
    ("technical", "app error", 0.08),
    ("technical", "connection problem", 0.07),
    ("product", "how to use", 0.06),
    ("product", "return item", 0.05),
    ("complaint", "service complaint", 0.04),
)

WEEKDAY_FACTOR = (1.18, 1.08, 1.02, 1.0, 0.95, 0.55, 0.35)  # Monday .. Sunday
SKILL_SETS = (
    ("billing-voice", "support-chat"),
    ("tech-voice", "support-chat"),
    ("support-email", "support-chat"),
    ("billing-voice", "tech-voice"),
)
N_AGENTS = 72
_PATTERNS = (
    ("weekdays", 10, ("mon", "tue", "wed", "thu", "fri")),
    ("all-week", 8, ("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
)
"""Per skill mix: 10 agents work Monday to Friday, 8 work five days of seven with rotating days off."""
SHIFT_STARTS = ("07:45", "08:00", "08:30", "09:00", "10:00", "11:00", "12:30", "14:00")


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoData:
    """The generated tables as column dictionaries (canonical column names)."""

    contacts: dict[str, list[object]]
    surveys: dict[str, list[object]]
    agents: dict[str, list[object]]
    agent_states: dict[str, list[object]]


def _agents(rng: np.random.Generator, start: date) -> dict[str, list[object]]:
    cols: list[list[object]] = [[] for _ in range(10)]
    ids, names, teams, sups, sites, models, skills, hires, tiers, hours = cols
    for i in range(N_AGENTS):
        site, model = ("london", "onshore") if i < 40 else ("manila", "offshore")
        ids.append(f"agent-{i + 1:03d}")
        names.append(f"Agent {i + 1:03d}")
        team = i // 12 + 1
        teams.append(f"team-{team}")
        sups.append(f"lead-{team}")
        sites.append(site)
        models.append(model)
        skills.append("|".join(SKILL_SETS[i % len(SKILL_SETS)]))
        tenure_days = int(rng.integers(10, 1500)) if i % 9 else int(rng.integers(5, 60))
        hires.append((start - timedelta(days=tenure_days)).isoformat())
        tiers.append(2 if i % 10 == 0 else 1)
        hours.append(40.0 if i % 6 else 24.0)
    return {
        "agent_id": ids,
        "name": names,
        "team_id": teams,
        "supervisor_id": sups,
        "site_id": sites,
        "delivery_model": models,
        "skills": skills,
        "hire_date": hires,
        "tier": tiers,
        "contract_hours_week": hours,
    }


def demo_scenario(start: date, weeks: int, seed: int = 0) -> Scenario:
    """The demo program as a simulator scenario: the five queues of :data:`QUEUES` and the 72 agents of
    :func:`generate` in four skill mixes of 18 (in the order of :data:`SKILL_SETS`), each split by
    :data:`_PATTERNS`."""
    patience = {"voice": {"distribution": "exponential", "mean_s": 90.0}, "chat": {"mean_s": 120.0}}
    queues: list[dict[str, Any]] = []
    for q in QUEUES:
        spec: dict[str, Any] = {
            "id": q.id,
            "channel": q.channel,
            "language": q.language,
            "daily_volume": q.daily_volume,
            "weekday_factors": [f if q.weekend or k < 5 else 0.0 for k, f in enumerate(WEEKDAY_FACTOR)],
            "open": f"{q.open_hour:02d}:00",
            "close": f"{q.close_hour:02d}:00",
            "dispersion": 40.0,
            "weekly_growth": 0.01,
            "talk_s": q.talk_s,
            "hold_s": q.hold_s,
            "acw_s": q.acw_s,
            "escalation_rate": 0.04,
            "resolution": 0.86,
        }
        if q.channel in patience:
            spec["patience"] = patience[q.channel]
        if q.channel == "chat":
            spec |= {"concurrency": 3, "threshold_s": 60.0}
        if q.channel == "email":
            spec |= {"deadline_s": 86_400.0, "threshold_s": 4 * 3600.0}
        if q.channel == "bot":
            spec |= {"containment": 0.45, "handoff_to": "support-chat", "bot_time_s": 90.0}
        if q.id == "billing-voice":
            spec |= {"transfer_rate": 0.08, "transfer_to": "tech-voice", "vip_share": 0.04, "vip_head_start_s": 60.0}
        queues.append(spec)
    groups = [
        {
            "id": f"{'-and-'.join(skills)}-{pattern}",
            "count": count,
            "skills": list(skills),
            "overflow": {"billing-voice": 90.0} if "billing-voice" not in skills and "support-chat" in skills else {},
            "team_size": 12,
            "shift_starts": list(SHIFT_STARTS),
            "shift_hours": 8.0,
            "days": list(days),
            "days_per_week": 5,
            "shrinkage": 0.06,
            "absenteeism": 0.05,
        }
        for skills in SKILL_SETS
        for pattern, count, days in _PATTERNS
    ]
    return Scenario.model_validate(
        {
            "name": "demo",
            "program": "acme",
            "seed": seed,
            "start": start,
            "days": weeks * 7,
            "time_zone": "Europe/London",
            "queues": queues,
            "groups": groups,
            "reasons": [{"l1": l1, "l2": l2, "weight": w} for l1, l2, w in REASONS],
            "surveys": {"response_rate": 0.2},
            "repeats": {"unresolved_rate": 0.35, "window_days": 7.0},
        }
    )


def _column(table: Any, name: str) -> list[object]:
    """A column as Python values; timestamps as ISO 8601 text with offset (formatted by Arrow, in bulk)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = table.column(name)
    if pa.types.is_timestamp(col.type):
        text = pc.strftime(col, format="%Y-%m-%dT%H:%M:%S")
        col = pc.binary_join_element_wise(text, pa.scalar("+00:00"), "")
    return list(col.to_pylist())


def generate(rng: np.random.Generator, *, start: date, weeks: int, bad_rows: bool = True) -> DemoData:
    """Generate ``weeks`` weeks of the demo program from ``start`` (a Monday is best) with the simulator."""
    agents = _agents(rng, start)
    sc = demo_scenario(start, weeks)
    result = simulate(sc, rng, tables=True)
    assert result.contacts is not None and result.surveys is not None and result.agent_states is not None
    # simulator agents are numbered group by group; skill mix k holds the demo agents i with i % 4 == k
    demo_ids = [agents["agent_id"][k + len(SKILL_SETS) * j] for k in range(len(SKILL_SETS)) for j in range(18)]
    agent_map: dict[object, object] = {f"agent-{a + 1:04d}": demo_ids[a] for a in range(N_AGENTS)}
    team_of = dict(zip(agents["agent_id"], agents["team_id"], strict=True))
    site_of = dict(zip(agents["agent_id"], agents["site_id"], strict=True))

    legs = result.plan.legs
    keep = np.flatnonzero(result.engine.status != NOT_ARRIVED)
    rid = [("R" if rep else "D") + f"{i:08d}" for i, rep in zip(keep.tolist(), legs.repeat[keep].tolist(), strict=True)]
    n_bots = result.contacts.num_rows - keep.shape[0]
    rid += [f"B{c:08d}" for c in result.plan.bots.conversation.tolist()][:n_bots]
    by_sim_rid = dict(zip(result.contacts.column("source_record_id").to_pylist(), rid, strict=True))

    drop = {"program_id", "leg_id", "source_system", "source_version", "ingest_batch_id", "transcript_ref"}
    c: dict[str, list[object]] = {}
    for name in result.contacts.column_names:
        if name in drop:
            continue
        c[name] = _column(result.contacts, name)
    c["source_record_id"] = list(rid)
    c["agent_id"] = [agent_map.get(a) if a is not None else None for a in c["agent_id"]]
    c["team_id"] = [team_of.get(a) if a is not None else None for a in c["agent_id"]]
    c["site_id"] = [site_of.get(a) if a is not None else None for a in c["agent_id"]]

    s_cols = ("survey_id", "conversation_id", "responded_at", "csat", "nps", "ces", "fcr", "agent_id", "comment")
    surveys: dict[str, list[object]] = {k: _column(result.surveys, k) for k in s_cols}
    legs_of = [str(x).rsplit(":", 1)[-1] for x in result.surveys.column("leg_id").to_pylist()]
    surveys["survey_id"] = [f"S-{by_sim_rid[x]}" for x in legs_of]
    surveys["agent_id"] = [agent_map.get(a) for a in surveys["agent_id"]]
    surveys["team_id"] = [team_of.get(a) for a in surveys["agent_id"]]

    st = result.agent_states
    states: dict[str, list[object]] = {
        "state_id": [f"ST{i:09d}" for i in range(st.num_rows)],
        "agent_id": [agent_map.get(a) for a in st.column("agent_id").to_pylist()],
        "state": st.column("state").to_pylist(),
        "reason": st.column("reason").to_pylist(),
        "start_at": _column(st, "start_at"),
        "end_at": _column(st, "end_at"),
    }
    if bad_rows:
        _inject_bad_rows(c, surveys)
    return DemoData(contacts=c, surveys=surveys, agents=agents, agent_states=states)


def _inject_bad_rows(c: dict[str, list[object]], s: dict[str, list[object]]) -> None:
    """A real export always holds a few broken rows: the demo's show what the quarantine does with them."""
    n = len(c["source_record_id"])
    for k, i in enumerate(range(0, n, max(n // 4, 1))):
        j = len(c["source_record_id"])
        for col in c:
            c[col].append(c[col][i])
        c["source_record_id"][j] = f"BAD{j}"
        c["conversation_id"][j] = f"BAD{j}"
        if k % 2:
            c["ended_at"][j] = (datetime.fromisoformat(str(c["arrived_at"][i])) - timedelta(minutes=5)).isoformat()
        else:
            c["talk_ms"][j] = -1000
    if s["survey_id"]:
        j = len(s["survey_id"])
        for col in s:
            s[col].append(s[col][0])
        s["survey_id"][j] = "S-BAD"
        s["nps"][j] = 11
