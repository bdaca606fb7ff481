"""The engine's result as canonical rows: ``contacts``, ``agent_states``, ``surveys`` and ``agents`` Arrow tables.

Columns and types follow :mod:`supportops.schema` exactly (``arrow_schema``); lineage columns say
``source_system = "simulation"``; ``ingest_batch_id`` is left empty for the import to fill. Record ids are
deterministic for a scenario and seed, so importing the same run twice adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from supportops.schema import AGENT_STATES, AGENTS, CONTACTS, SURVEYS, Table, arrow_schema
from supportops.simulation.engine import ABANDONED, ANSWERED, NOT_ARRIVED, UNANSWERED, EngineResult
from supportops.simulation.plan import Plan
from supportops.simulation.scenario import Scenario
from supportops.simulation.schedule import STATE_NAMES

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SOURCE_SYSTEM", "agent_ids", "agent_states_table", "agents_table", "contacts_table", "surveys_table"]

SOURCE_SYSTEM = "simulation"
F64 = NDArray[np.float64]
_AVAILABLE, _ON_CONTACT, _ACW = len(STATE_NAMES), len(STATE_NAMES) + 1, len(STATE_NAMES) + 2


def _table(t: Table, columns: dict[str, Any], n: int) -> pa.Table:
    import pyarrow as pa

    schema = arrow_schema(t)
    assert isinstance(schema, pa.Schema)
    arrays = []
    for field in schema:
        value = columns.get(field.name)
        if value is None:
            arrays.append(pa.nulls(n, type=field.type))
        elif isinstance(value, np.ndarray) and value.dtype.kind in "UO":
            arrays.append(pa.array(value.tolist(), type=field.type))
        else:
            arrays.append(value if isinstance(value, pa.Array) else pa.array(value, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _ts(origin_us: int, seconds: F64) -> pa.Array:
    """UTC timestamps (µs) from seconds since the origin; nan becomes null."""
    import pyarrow as pa

    ok = np.isfinite(seconds)
    us = origin_us + np.round(np.where(ok, seconds, 0.0) * 1e6).astype(np.int64)
    return pa.array(us, type=pa.int64(), mask=~ok).cast(pa.timestamp("us", tz="UTC"))


def _ms(seconds: F64, mask: NDArray[np.bool_] | None = None) -> pa.Array:
    import pyarrow as pa

    ok = np.isfinite(seconds) if mask is None else mask & np.isfinite(seconds)
    return pa.array(np.round(np.where(ok, seconds, 0.0) * 1000).astype(np.int64), type=pa.int64(), mask=~ok)


def _origin_us(plan: Plan) -> int:
    return round(plan.calendar.origin.timestamp()) * 1_000_000


def agent_ids(n: int) -> list[str]:
    return [f"agent-{a + 1:04d}" for a in range(n)]


def _team_of(sc: Scenario) -> tuple[list[str], list[str], list[str]]:
    teams, sites, groups = [], [], []
    team_no = 0
    for g in sc.groups:
        for i in range(g.count):
            if i % g.team_size == 0:
                team_no += 1
            teams.append(f"team-{team_no}")
            sites.append(g.site)
            groups.append(g.id)
    return teams, sites, groups


def contacts_table(sc: Scenario, plan: Plan, res: EngineResult) -> pa.Table:
    """One row per leg that happened (agent legs and bot legs)."""
    import pyarrow as pa

    legs = plan.legs
    keep = np.flatnonzero(res.status != NOT_ARRIVED)
    status = res.status[keep]
    q = plan.contacts.queue[keep]
    answered = status == ANSWERED
    abandoned = status == ABANDONED
    unanswered = status == UNANSWERED
    arr = res.arrival[keep]
    ans = res.answered[keep]
    talk, hold, acw = legs.talk[keep], legs.hold[keep], legs.acw[keep]
    end = np.where(answered, ans + talk + hold + acw, np.where(abandoned, res.ended[keep], plan.horizon_s + 86_400.0))
    wait = np.where(answered, ans - arr, np.where(abandoned, res.ended[keep] - arr, end - arr))
    channels = np.array([x.channel for x in sc.queues])
    tiers = np.array([x.tier for x in sc.queues], dtype=np.int64)
    qids = np.array([x.id for x in sc.queues])
    chan = channels[q]
    teams, sites, _ = _team_of(sc)
    ids = np.array(agent_ids(plan.agents.size) or [""])
    team_arr = np.array(teams or [""])
    site_arr = np.array(sites or [""])
    ag = res.agent[keep]
    has_agent = ag >= 0
    agent_col = pa.array(np.where(has_agent, ids[np.maximum(ag, 0)], ""), mask=~has_agent)
    team_col = pa.array(np.where(has_agent, team_arr[np.maximum(ag, 0)], ""), mask=~has_agent)
    site_col = pa.array(np.where(has_agent, site_arr[np.maximum(ag, 0)], ""), mask=~has_agent)
    targets = plan.contacts.abandon_targets()[keep]
    called_back = abandoned & (targets >= 0) & (res.status[np.maximum(targets, 0)] != NOT_ARRIVED)
    outcome = np.where(
        answered, "handled", np.where(called_back, "callback_requested", np.where(abandoned, "abandoned", "timed_out"))
    )
    transferred = legs.transferred[keep] & answered
    escalated = legs.escalated[keep] & answered
    resolved = plan.contacts.resolved[keep] & answered & ~transferred
    conv = legs.conversation[keep]
    rid = np.char.add("S", keep.astype(str))
    reasons_l1 = np.array([r.l1 for r in sc.reasons])
    reasons_l2 = np.array([r.l2 for r in sc.reasons])
    reason = legs.reason[keep]
    email = chan == "email"
    first_resp = np.where(email & answered, wait, np.nan)
    escalation_level = np.minimum(tiers[q] + escalated.astype(np.int64), 3)
    dispo = np.where(answered, np.where(resolved, "resolved", np.where(transferred, "transferred", "follow-up")), "")
    n = keep.shape[0]
    origin = _origin_us(plan)
    cols: dict[str, Any] = {
        "program_id": [sc.program] * n,
        "leg_id": np.char.add(f"{sc.program}:{SOURCE_SYSTEM}:", rid),
        "conversation_id": np.char.add("C", conv.astype(str)),
        "leg_seq": legs.leg_seq[keep].astype(np.int32),
        "source_system": [SOURCE_SYSTEM] * n,
        "source_record_id": rid,
        "ingest_batch_id": [""] * n,
        "channel": chan,
        "direction": np.where(legs.callback[keep], "outbound", "inbound"),
        "queue_id": qids[q],
        "language": np.array([x.language for x in sc.queues])[q],
        "segment": np.where(legs.vip[keep], "vip", "regular"),
        "customer_key": np.char.add("cust-", legs.customer[keep].astype(str)),
        "agent_id": agent_col,
        "team_id": team_col,
        "site_id": site_col,
        "tier": tiers[q].astype(np.int32),
        "arrived_at": _ts(origin, arr),
        "answered_at": _ts(origin, np.where(answered, ans, np.nan)),
        "ended_at": _ts(origin, end),
        "ivr_ms": _ms(legs.ivr[keep]),
        "queue_ms": _ms(wait),
        "talk_ms": _ms(np.where(answered, talk, 0.0)),
        "hold_ms": _ms(np.where(answered, hold, 0.0)),
        "acw_ms": _ms(np.where(answered, acw, 0.0)),
        "first_response_ms": _ms(first_resp),
        "outcome": outcome,
        "transferred": transferred,
        "escalated": escalated,
        "escalation_level": pa.array(escalation_level.astype(np.int32), mask=~answered),
        "resolved": resolved,
        "reason_l1": reasons_l1[reason],
        "reason_l2": reasons_l2[reason],
        "reason_source": ["agent"] * n,
        "disposition_code": pa.array(dispo, mask=~answered),
    }
    del unanswered
    contacts = _table(CONTACTS, cols, n)
    b = plan.bots
    m = b.arrival.shape[0]
    if m == 0:
        return contacts
    brid = np.char.add("B", b.conversation.astype(str))
    bcols: dict[str, Any] = {
        "program_id": [sc.program] * m,
        "leg_id": np.char.add(f"{sc.program}:{SOURCE_SYSTEM}:", brid),
        "conversation_id": np.char.add("C", b.conversation.astype(str)),
        "leg_seq": np.ones(m, dtype=np.int32),
        "source_system": [SOURCE_SYSTEM] * m,
        "source_record_id": brid,
        "ingest_batch_id": [""] * m,
        "channel": ["bot"] * m,
        "direction": ["inbound"] * m,
        "queue_id": qids[b.queue],
        "language": np.array([x.language for x in sc.queues])[b.queue],
        "segment": ["regular"] * m,
        "customer_key": np.char.add("cust-", b.customer.astype(str)),
        "tier": np.ones(m, dtype=np.int32),
        "arrived_at": _ts(origin, b.arrival),
        "ended_at": _ts(origin, b.arrival + b.duration),
        "ivr_ms": _ms(b.duration),
        "queue_ms": _ms(np.zeros(m)),
        "talk_ms": _ms(np.zeros(m)),
        "hold_ms": _ms(np.zeros(m)),
        "acw_ms": _ms(np.zeros(m)),
        "outcome": np.where(b.contained, "contained", "flowed_out"),
        "transferred": ~b.contained,
        "escalated": np.zeros(m, dtype=bool),
        "resolved": b.contained,
        "reason_l1": reasons_l1[b.reason],
        "reason_l2": reasons_l2[b.reason],
        "reason_source": ["bot"] * m,
        "disposition_code": ["bot"] * m,
    }
    return pa.concat_tables([contacts, _table(CONTACTS, bcols, m)])


def surveys_table(sc: Scenario, plan: Plan, res: EngineResult, rng: np.random.Generator) -> pa.Table:
    """Responses from a share of answered conversations, attributed to the agent of the last leg.

    Mood = 0.9·resolved − 0.5·(transfers in the conversation) − min(wait of the conversation / 240 s, 0.8)
    + N(0, 0.55); CSAT = round(3.6 + 1.2·mood) in 1-5, NPS = round(6.8 + 2.6·mood) in 0-10,
    CES = round(4.9 + 1.6·mood) in 1-7. The customer's own FCR answer agrees with the resolution 90 % of the time.
    """
    legs = plan.legs
    answered = res.status == ANSWERED
    final = answered & (plan.contacts.transfer_to < 0)  # an answered transferred leg always has a next leg
    idx = np.flatnonzero(final)
    idx = idx[rng.random(idx.shape[0]) < sc.surveys.response_rate]
    conv = legs.conversation
    wait = np.where(res.status != NOT_ARRIVED, np.nan_to_num(np.where(answered, res.answered - res.arrival, 0.0)), 0.0)
    email_q = np.array([q.channel == "email" for q in sc.queues])
    wait = np.where(email_q[plan.contacts.queue], 0.0, wait)
    total_wait = np.bincount(conv, weights=wait, minlength=int(conv.max()) + 1 if conv.size else 0)
    n_transfer = np.bincount(
        conv,
        weights=(legs.transferred & answered).astype(np.float64),
        minlength=int(conv.max()) + 1 if conv.size else 0,
    )
    m = idx.shape[0]
    resolved = plan.contacts.resolved[idx]
    c = conv[idx]
    mood = 0.9 * resolved - 0.5 * n_transfer[c] - np.minimum(total_wait[c] / 240.0, 0.8) + rng.normal(0, 0.55, m)
    csat = np.clip(np.round(3.6 + 1.2 * mood), 1, 5)
    nps = np.clip(np.round(6.8 + 2.6 * mood), 0, 10)
    ces = np.clip(np.round(4.9 + 1.6 * mood), 1, 7)
    fcr = np.where(rng.random(m) < 0.9, resolved, ~resolved)
    ended = res.answered[idx] + plan.contacts.handle[idx]
    responded = ended + rng.uniform(120.0, 4 * 3600.0, m)
    teams, _, _ = _team_of(sc)
    ids = np.array(agent_ids(plan.agents.size) or [""])
    team_arr = np.array(teams or [""])
    ag = res.agent[idx]
    rid = np.char.add("V", idx.astype(str))
    cols: dict[str, Any] = {
        "program_id": [sc.program] * m,
        "survey_id": np.char.add(f"{sc.program}:{SOURCE_SYSTEM}:", rid),
        "conversation_id": np.char.add("C", c.astype(str)),
        "leg_id": np.char.add(f"{sc.program}:{SOURCE_SYSTEM}:S", idx.astype(str)),
        "responded_at": _ts(_origin_us(plan), responded),
        "csat": csat,
        "nps": nps,
        "ces": ces,
        "fcr": fcr,
        "agent_id": ids[ag],
        "team_id": team_arr[ag],
        "comment": np.where(csat >= 3, "", "Took too long to sort out"),
        "source_system": [SOURCE_SYSTEM] * m,
        "source_record_id": rid,
        "ingest_batch_id": [""] * m,
    }
    return _table(SURVEYS, cols, m)


def agent_states_table(sc: Scenario, plan: Plan, res: EngineResult) -> pa.Table:
    """On contact (talk + hold), ACW, breaks, lunch, aux, and available in between, per agent and duty span.

    Concurrent chats are merged: an agent is ``on_contact`` from the first session's start to the last one's
    end; ACW that overlaps a later session is not shown separately.
    """
    import pyarrow as pa

    answered = np.flatnonzero(res.status == ANSWERED)
    ag = res.agent[answered]
    s = res.answered[answered]
    talk_end = s + plan.legs.talk[answered] + plan.legs.hold[answered]
    acw_end = talk_end + plan.legs.acw[answered]
    horizon_end = plan.horizon_s + 86_400.0
    b_agent = np.concatenate([ag, ag])
    b_start = np.concatenate([s, talk_end])
    b_end = np.concatenate([talk_end, acw_end])
    b_code = np.concatenate([np.full(ag.shape[0], _ON_CONTACT), np.full(ag.shape[0], _ACW)])
    order = np.lexsort((b_code, b_start, b_agent))
    ba, bs, be, bc = (b_agent[order].tolist(), b_start[order].tolist(), b_end[order].tolist(), b_code[order].tolist())
    duty_order = np.lexsort((res.duty_start, res.duty_agent))
    d_agent = res.duty_agent[duty_order].tolist()
    d_start = res.duty_start[duty_order].tolist()
    d_end = np.minimum(res.duty_end[duty_order], horizon_end).tolist()
    out_agent: list[int] = res.off_agent.tolist()
    out_code: list[int] = res.off_state.astype(np.int64).tolist()
    out_start: list[float] = res.off_start.tolist()
    out_end: list[float] = res.off_end.tolist()
    j, nb = 0, len(ba)
    for a, lo, hi in zip(d_agent, d_start, d_end, strict=True):
        while j < nb and ba[j] < a:
            j += 1
        cursor = lo
        while j < nb and ba[j] == a and bs[j] < hi + 1e-6:
            st, en = max(bs[j], cursor), be[j]
            if st > cursor + 0.5:
                out_agent.append(a)
                out_code.append(_AVAILABLE)
                out_start.append(cursor)
                out_end.append(st)
            if en > st:
                out_agent.append(a)
                out_code.append(bc[j])
                out_start.append(st)
                out_end.append(en)
                cursor = en
            j += 1
        if hi > cursor + 0.5:
            out_agent.append(a)
            out_code.append(_AVAILABLE)
            out_start.append(cursor)
            out_end.append(hi)
    lookup = np.array([*STATE_NAMES, "available", "on_contact", "acw"])
    code_arr = np.array(out_code, dtype=np.int64)
    n = code_arr.shape[0]
    ids = np.array(agent_ids(plan.agents.size) or [""])
    rid = np.char.add("A", np.arange(n).astype(str))
    origin = _origin_us(plan)
    cols: dict[str, Any] = {
        "program_id": [sc.program] * n,
        "state_id": np.char.add(f"{sc.program}:{SOURCE_SYSTEM}:", rid),
        "agent_id": ids[np.array(out_agent, dtype=np.int64)],
        "state": lookup[code_arr],
        "reason": pa.array(lookup[code_arr], mask=code_arr >= len(STATE_NAMES)),
        "start_at": _ts(origin, np.array(out_start, dtype=np.float64)),
        "end_at": _ts(origin, np.array(out_end, dtype=np.float64)),
        "source_system": [SOURCE_SYSTEM] * n,
        "source_record_id": rid,
        "ingest_batch_id": [""] * n,
    }
    return _table(AGENT_STATES, cols, n)


def agents_table(sc: Scenario, plan: Plan) -> pa.Table:
    """The simulated agents: skills, site, team, tier, contract hours, a hire date before the run."""
    teams, sites, group_ids = _team_of(sc)
    n = plan.agents.size
    by_id = {g.id: g for g in sc.groups}
    skills = [list(by_id[g].skills) + list(by_id[g].overflow) for g in group_ids]
    hours = [
        min(by_id[g].shift_hours * min(len(by_id[g].days), by_id[g].days_per_week), 80.0)
        if not by_id[g].always_on
        else 40.0
        for g in group_ids
    ]
    ids = agent_ids(n)
    hire = [sc.start - timedelta(days=30 + (7919 * (a + 1)) % 1500) for a in range(n)]
    cols: dict[str, Any] = {
        "agent_id": ids,
        "program_id": [sc.program] * n,
        "name": [f"Agent {a + 1:04d}" for a in range(n)],
        "team_id": teams,
        "supervisor_id": [t.replace("team", "lead") for t in teams],
        "site_id": sites,
        "delivery_model": [by_id[g].delivery_model for g in group_ids],
        "skills": skills,
        "languages": [sorted({q.language for q in sc.queues if q.id in s}) for s in skills],
        "tier": [by_id[g].tier for g in group_ids],
        "hire_date": hire,
        "contract_hours_week": hours,
        "source_system": [SOURCE_SYSTEM] * n,
        "source_record_id": ids,
        "ingest_batch_id": [""] * n,
    }
    return _table(AGENTS, cols, n)
