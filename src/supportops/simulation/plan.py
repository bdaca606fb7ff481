"""From a scenario to the engine's plans: every leg that may happen, drawn up front, and the agents.

Legs come in three kinds. Originals arrive from the queues' profiles (or are handed over by a bot that did
not contain the contact). Transfer legs are pre-drawn for the legs that will be transferred if answered
(tier 1 → 2 → 3 following each queue's ``transfer_to``) and arrive only if that happens. Callback legs are
pre-drawn for the callers who would accept a callback; they arrive (as outbound legs in ``callback_to``) when
the caller is still waiting after ``callback_after_s``. Repeat contacts are pre-drawn for a share of
conversations and arrive only if the conversation ends unresolved or abandoned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from supportops.simulation.arrivals import Calendar, draw_handle, draw_patience, poisson_arrivals
from supportops.simulation.engine import AgentPlan, ContactPlan, GroupPlan
from supportops.simulation.scenario import Scenario
from supportops.simulation.schedule import group_windows

__all__ = ["BotLegs", "Legs", "Plan", "build_plan"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
BOOL = NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class Legs:
    """What the output needs about each engine contact besides the engine's own plan (equal-length arrays)."""

    conversation: I64
    leg_seq: I64
    vip: BOOL
    customer: I64
    reason: I64
    talk: F64
    hold: F64
    acw: F64
    ivr: F64
    transferred: BOOL
    escalated: BOOL
    repeat: BOOL
    callback: BOOL


@dataclass(frozen=True, slots=True, kw_only=True)
class BotLegs:
    """Bot conversations: arrival, seconds in the bot, contained or handed to an agent queue."""

    queue: I64
    arrival: F64
    duration: F64
    contained: BOOL
    conversation: I64
    customer: I64
    reason: I64


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """The engine plans and the metadata to turn the engine's result into canonical rows."""

    calendar: Calendar
    contacts: ContactPlan
    legs: Legs
    bots: BotLegs
    agents: AgentPlan
    groups: tuple[GroupPlan, ...]
    agent_group: I64
    horizon_s: float


def _cat(parts: list[Any], dtype: type) -> NDArray[Any]:
    return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype=dtype)


def build_plan(sc: Scenario, rng: np.random.Generator) -> Plan:
    """Draw every random quantity of the run from ``rng``; the engine then runs deterministically."""
    cal = Calendar.build(sc.start, sc.days, sc.time_zone)
    horizon = float(cal.day_base[-1] + 86_400.0)
    qidx = {q.id: i for i, q in enumerate(sc.queues)}
    units = sc.capacity_units
    reason_p = np.array([r.weight for r in sc.reasons], dtype=np.float64)
    reason_p /= reason_p.sum()

    # --- originals, and bots --------------------------------------------------------------------
    o_queue: list[I64] = []
    o_arr: list[F64] = []
    o_ivr: list[F64] = []
    o_conv: list[I64] = []
    o_seq: list[I64] = []
    b_parts: dict[str, list[NDArray[np.generic]]] = {k: [] for k in ("q", "arr", "dur", "cont", "conv")}
    n_conv = 0
    for i, q in enumerate(sc.queues):
        times = poisson_arrivals(rng, q, cal, sc.interval_minutes)
        n = times.shape[0]
        conv = np.arange(n_conv, n_conv + n, dtype=np.int64)
        n_conv += n
        if q.channel == "bot":
            dur = q.bot_time_s * np.asarray(rng.uniform(0.4, 1.6, n), dtype=np.float64)
            contained = np.asarray(rng.random(n) < q.containment, dtype=bool)
            b_parts["q"].append(np.full(n, i))
            b_parts["arr"].append(times)
            b_parts["dur"].append(dur)
            b_parts["cont"].append(contained)
            b_parts["conv"].append(conv)
            hand = ~contained
            if q.handoff_to is not None and hand.any():
                o_queue.append(np.full(int(hand.sum()), qidx[q.handoff_to], dtype=np.int64))
                o_arr.append(times[hand] + dur[hand])
                o_ivr.append(dur[hand])
                o_conv.append(conv[hand])
                o_seq.append(np.full(int(hand.sum()), 2, dtype=np.int64))
            continue
        o_queue.append(np.full(n, i, dtype=np.int64))
        o_arr.append(times)
        o_ivr.append(np.zeros(n))
        o_conv.append(conv)
        o_seq.append(np.ones(n, dtype=np.int64))
    customers = rng.integers(1, sc.customers + 1, n_conv)
    reasons = rng.choice(len(sc.reasons), size=n_conv, p=reason_p) if n_conv else np.empty(0, dtype=np.int64)
    vip_conv = np.zeros(n_conv, dtype=bool)
    bq = _cat(b_parts["q"], np.int64)
    bconv = _cat(b_parts["conv"], np.int64)
    bots = BotLegs(
        queue=bq,
        arrival=_cat(b_parts["arr"], np.float64),
        duration=_cat(b_parts["dur"], np.float64),
        contained=_cat(b_parts["cont"], np.bool_),
        conversation=bconv,
        customer=customers[bconv],
        reason=reasons[bconv],
    )

    queue = _cat(o_queue, np.int64)
    arrival = _cat(o_arr, np.float64)
    ivr = _cat(o_ivr, np.float64)
    conversation = _cat(o_conv, np.int64)
    leg_seq = _cat(o_seq, np.int64)
    active = np.ones(queue.shape[0], dtype=bool)
    parent = np.full(queue.shape[0], -1, dtype=np.int64)
    repeat = np.zeros(queue.shape[0], dtype=bool)
    vip_share = np.array([q.vip_share for q in sc.queues])
    if queue.shape[0]:
        vip_conv[conversation] = rng.random(conversation.shape[0]) < vip_share[queue]

    # --- transfer legs, level by level (tier 1 -> 2 -> 3) ------------------------------------------
    t_rate = np.array([q.transfer_rate for q in sc.queues])
    t_target = np.array([qidx[q.transfer_to] if q.transfer_to else -1 for q in sc.queues], dtype=np.int64)
    transferred = np.zeros(queue.shape[0], dtype=bool)
    level_start = 0
    for _level in range(3):
        lv = np.arange(level_start, queue.shape[0])
        if lv.shape[0] == 0:
            break
        tr = (rng.random(lv.shape[0]) < t_rate[queue[lv]]) & (t_target[queue[lv]] >= 0)
        transferred[lv] = tr
        src = lv[tr]
        if src.shape[0] == 0:
            break
        level_start = queue.shape[0]
        k = src.shape[0]
        queue = np.concatenate([queue, t_target[queue[src]]])
        arrival = np.concatenate([arrival, np.full(k, np.nan)])
        ivr = np.concatenate([ivr, np.zeros(k)])
        conversation = np.concatenate([conversation, conversation[src]])
        leg_seq = np.concatenate([leg_seq, leg_seq[src] + 1])
        active = np.concatenate([active, np.zeros(k, dtype=bool)])
        parent = np.concatenate([parent, src])
        repeat = np.concatenate([repeat, np.zeros(k, dtype=bool)])
        transferred = np.concatenate([transferred, np.zeros(k, dtype=bool)])

    # --- callback legs: for callers who would accept one when offered ----------------------------
    cb_after = np.array([q.callback_after_s or np.inf for q in sc.queues])
    cb_accept = np.array([q.callback_accept if q.callback_after_s else 0.0 for q in sc.queues])
    cb_target = np.array([qidx[q.callback_to] if q.callback_to else -1 for q in sc.queues], dtype=np.int64)
    takes = np.flatnonzero(rng.random(queue.shape[0]) < cb_accept[queue])
    k = takes.shape[0]
    abandon_to = np.full(queue.shape[0] + k, -1, dtype=np.int64)
    abandon_to[takes] = np.arange(queue.shape[0], queue.shape[0] + k)
    callback = np.concatenate([np.zeros(queue.shape[0], dtype=bool), np.ones(k, dtype=bool)])
    queue = np.concatenate([queue, cb_target[queue[takes]]])
    arrival = np.concatenate([arrival, np.full(k, np.nan)])
    ivr = np.concatenate([ivr, np.zeros(k)])
    conversation = np.concatenate([conversation, conversation[takes]])
    leg_seq = np.concatenate([leg_seq, leg_seq[takes] + 1])
    active = np.concatenate([active, np.zeros(k, dtype=bool)])
    parent = np.concatenate([parent, np.full(k, -1, dtype=np.int64)])
    repeat = np.concatenate([repeat, np.zeros(k, dtype=bool)])
    transferred = np.concatenate([transferred, np.zeros(k, dtype=bool)])
    is_first = np.concatenate([parent[: parent.shape[0] - k] < 0, np.zeros(k, dtype=bool)])
    is_first &= ~callback

    # --- repeat contacts: one pre-drawn per conversation that would come back if unresolved -------
    first = np.flatnonzero(is_first)
    comes_back = first[rng.random(first.shape[0]) < sc.repeats.unresolved_rate]
    k = comes_back.shape[0]
    rep_conv = np.arange(n_conv, n_conv + k, dtype=np.int64)
    repeat_of_conv = np.full(n_conv + k, -1, dtype=np.int64)
    base_n = queue.shape[0]
    repeat_of_conv[conversation[comes_back]] = np.arange(base_n, base_n + k)
    queue = np.concatenate([queue, queue[comes_back]])
    arrival = np.concatenate([arrival, np.full(k, np.nan)])
    ivr = np.concatenate([ivr, np.zeros(k)])
    conversation = np.concatenate([conversation, rep_conv])
    leg_seq = np.concatenate([leg_seq, np.ones(k, dtype=np.int64)])
    active = np.concatenate([active, np.zeros(k, dtype=bool)])
    parent = np.concatenate([parent, np.full(k, -1, dtype=np.int64)])
    repeat = np.concatenate([repeat, np.ones(k, dtype=bool)])
    transferred = np.concatenate([transferred, np.zeros(k, dtype=bool)])
    callback = np.concatenate([callback, np.zeros(k, dtype=bool)])
    abandon_to = np.concatenate([abandon_to, np.full(k, -1, dtype=np.int64)])
    customers = np.concatenate([customers, customers[conversation[comes_back]]])
    reasons = np.concatenate([reasons, reasons[conversation[comes_back]]])
    vip_conv = np.concatenate([vip_conv, vip_conv[conversation[comes_back]]])
    repeat_delay = np.asarray(
        rng.uniform(2 * 3600.0, sc.repeats.window_days * 86_400.0, queue.shape[0]), dtype=np.float64
    )

    # --- per-leg draws by queue ---------------------------------------------------------------
    n = queue.shape[0]
    talk, hold, acw = np.zeros(n), np.zeros(n), np.zeros(n)
    patience = np.full(n, np.inf)
    offset = np.zeros(n)
    weight = np.full(n, units, dtype=np.int64)
    escalated = np.zeros(n, dtype=bool)
    p_resolve = np.zeros(n)
    vip = vip_conv[conversation] if n else np.zeros(0, dtype=bool)
    for i, q in enumerate(sc.queues):
        sel = np.flatnonzero(queue == i)
        m = sel.shape[0]
        if m == 0:
            continue
        talk[sel], hold[sel], acw[sel] = draw_handle(rng, q, m)
        if q.channel == "email":
            offset[sel] = q.deadline_s
        elif q.callback_after_s is not None:
            patience[sel] = draw_patience(rng, q.patience, m)
            offered = abandon_to[sel] >= 0
            patience[sel] = np.where(offered, np.minimum(patience[sel], q.callback_after_s), patience[sel])
            offset[sel] = np.where(vip[sel], -q.vip_head_start_s, 0.0)
        else:
            patience[sel] = draw_patience(rng, q.patience, m)
            offset[sel] = np.where(vip[sel], -q.vip_head_start_s, 0.0)
        if q.channel == "chat":
            weight[sel] = units // q.concurrency
        escalated[sel] = rng.random(m) < q.escalation_rate
        p_resolve[sel] = q.resolution
    tier = np.array([q.tier for q in sc.queues], dtype=np.int64)
    patience[callback] = np.inf  # the centre calls back; the customer does not hang up on a queue
    # a caller whose patience runs out before the offer abandons as usual: no callback leg then
    no_offer = (abandon_to >= 0) & (patience < cb_after[queue])
    abandon_to[no_offer] = -1
    p_resolve = p_resolve * np.where(escalated, 0.8, 1.0) * np.where(repeat, 0.9, 1.0)
    resolved = (rng.random(n) < p_resolve) & ~transferred
    child = np.full(n, -1, dtype=np.int64)
    has_parent = parent >= 0
    child[parent[has_parent]] = np.flatnonzero(has_parent)
    escalated |= transferred & (tier[queue[np.maximum(child, 0)]] > tier[queue]) & (child >= 0)

    contacts = ContactPlan(
        arrival=arrival,
        queue=queue,
        rank_offset=offset,
        patience=patience,
        handle=talk + hold + acw,
        customer_time=talk + hold,
        weight=weight,
        active=active,
        resolved=resolved,
        transfer_to=child,
        repeat_to=repeat_of_conv[conversation],
        repeat_delay=repeat_delay,
        abandon_to=abandon_to,
    )
    legs = Legs(
        conversation=conversation,
        leg_seq=leg_seq,
        vip=vip,
        customer=customers[conversation],
        reason=reasons[conversation],
        talk=talk,
        hold=hold,
        acw=acw,
        ivr=ivr,
        transferred=transferred,
        escalated=escalated,
        repeat=repeat,
        callback=callback,
    )

    # --- agents ----------------------------------------------------------------------------
    groups = tuple(
        GroupPlan(
            queues=tuple(qidx[s] for s in g.skills) + tuple(qidx[s] for s in g.overflow),
            min_wait=tuple(0.0 for _ in g.skills) + tuple(float(w) for w in g.overflow.values()),
            capacity=units,
        )
        for g in sc.groups
    )
    w_parts = [group_windows(rng, g, cal) for g in sc.groups]
    agent_group = np.concatenate(
        [np.full(g.count, k, dtype=np.int64) for k, g in enumerate(sc.groups)] or [np.empty(0, dtype=np.int64)]
    )
    offsets = [0]
    for w in w_parts:
        offsets.extend((w.offsets[1:] + offsets[-1]).tolist())
    agents = AgentPlan(
        group=agent_group,
        offsets=np.array(offsets, dtype=np.int64),
        window_start=_cat([w.start for w in w_parts], np.float64),
        window_end=_cat([w.end for w in w_parts], np.float64),
        gap_state=_cat([w.gap_state for w in w_parts], np.int8),
    )
    return Plan(
        calendar=cal,
        contacts=contacts,
        legs=legs,
        bots=bots,
        agents=agents,
        groups=groups,
        agent_group=agent_group,
        horizon_s=horizon,
    )
