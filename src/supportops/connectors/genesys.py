"""Genesys Cloud analytics conversation details as canonical contact legs.

A conversation is a tree: participants (customer, ivr, acd, agent...) with sessions, each session with
segments and metrics. The file is the API page (``{"conversations": [...]}``), a plain JSON array of
conversations, or JSON lines (one conversation per line). Field names are read in the API's camelCase
(``conversationId``) or the SDKs' snake_case (``conversation_id``); unknown fields are ignored.

One leg per agent session (the pass of the customer through a queue to that agent), plus one leg per acd
(queue) session that reached no agent: abandoned (the customer hung up in queue), flowed out (``tFlowOut`` /
``flowOutType``: voicemail, another queue, IVR) or, for a callback waiting in queue, callback requested.
A conversation with neither acd nor agent ends in the IVR. Each agent session is paired with the latest
unused acd session of the same queue that started before it, which gives the leg its queue time.

Metrics are milliseconds: ``tTalkComplete`` (talk), ``tHeldComplete`` (hold), ``tAcw`` (after-call work),
``tAcd`` / ``tAnswered`` / ``tAbandon`` / ``tFlowOut`` (time in queue). The leg's version is the
conversation end, so a re-exported, completed conversation replaces the one stored while it was open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportops.connectors.base import (
    IngestContext,
    ParseError,
    RowBuffer,
    StagedBatch,
    parse_number,
    parse_timestamp,
    pseudonymize,
)
from supportops.connectors.jsonfile import iter_json
from supportops.schema import CONTACTS

__all__ = ["SOURCE_SYSTEM", "STAGE_ROWS", "conversation_legs", "read"]

STAGE_ROWS = 10_000  # rows staged per batch: keeps the reader's memory small whatever the file size
SOURCE_SYSTEM = "genesys_cloud"

CHANNELS = {"voice": "voice", "callback": "voice", "chat": "chat", "email": "email", "message": "messaging"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(obj: Any) -> Any:
    """The record with every object key in snake_case (camelCase API output and SDK output read alike)."""
    if isinstance(obj, dict):
        return {_CAMEL.sub("_", k).lower() if isinstance(k, str) else k: _snake(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_snake(v) for v in obj]
    return obj


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@dataclass(slots=True)
class _Session:
    """One participant session, reduced to what a leg needs."""

    participant_id: str | None
    session_id: str
    purpose: str
    media_type: str | None
    user_id: str | None
    start: datetime | None
    end: datetime | None  # end of the last non-wrapup segment
    answered: datetime | None  # start of the first interact segment
    queue_id: str | None
    wrap_up_code: str | None
    transferred: bool
    flow_out: bool
    metrics: dict[str, float] = field(default_factory=dict)


def _session(participant: dict[str, Any], session: dict[str, Any], where: str) -> _Session:
    segments = _list(session.get("segments"))
    starts: list[datetime] = []
    ends: list[datetime] = []
    answered: datetime | None = None
    queue_id = wrap_up = None
    transferred = False
    for i, seg in enumerate(segments):
        s_start = parse_timestamp(seg.get("segment_start"), f"{where}.segments[{i}].segmentStart")
        s_end = parse_timestamp(seg.get("segment_end"), f"{where}.segments[{i}].segmentEnd")
        kind = (_text(seg.get("segment_type")) or "").lower()
        if s_start is not None:
            starts.append(s_start)
        if s_end is not None and kind != "wrapup":
            ends.append(s_end)
        if kind == "interact" and s_start is not None and (answered is None or s_start < answered):
            answered = s_start
        queue_id = queue_id or _text(seg.get("queue_id"))
        wrap_up = wrap_up or _text(seg.get("wrap_up_code"))
        transferred = transferred or (_text(seg.get("disconnect_type")) or "").lower() == "transfer"
    metrics: dict[str, float] = {}
    for i, metric in enumerate(_list(session.get("metrics"))):
        name = _text(metric.get("name"))
        value = parse_number(metric.get("value"), f"{where}.metrics[{i}].value")
        if name and value is not None:
            metrics[name] = metrics.get(name, 0.0) + value
    return _Session(
        participant_id=_text(participant.get("participant_id")),
        session_id=_text(session.get("session_id")) or where,
        purpose=(_text(participant.get("purpose")) or "").lower(),
        media_type=(_text(session.get("media_type")) or "").lower() or None,
        user_id=_text(participant.get("user_id")),
        start=min(starts) if starts else None,
        end=max(ends) if ends else None,
        answered=answered,
        queue_id=queue_id,
        wrap_up_code=wrap_up,
        transferred=transferred or metrics.get("nTransferred", 0) > 0,
        flow_out="tFlowOut" in metrics or "nFlowOut" in metrics or bool(_text(session.get("flow_out_type"))),
        metrics=metrics,
    )


def _ms(value: float | None) -> int | None:
    return None if value is None else round(value)


def _customer(participants: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """(customer identifier, direction) from the customer / external participant."""
    for p in participants:
        if (_text(p.get("purpose")) or "").lower() in ("customer", "external"):
            ident = _text(p.get("external_contact_id"))
            direction = None
            for s in _list(p.get("sessions")):
                ident = ident or _text(s.get("ani")) or _text(s.get("address_from"))
                direction = direction or _text(s.get("direction"))
            if ident:
                ident = re.sub(r"^(tel|sip|mailto):", "", ident)
                ident = ident.lower() if "@" in ident else ident
            return ident, direction
    return None, None


def conversation_legs(conversation: Any, ctx: IngestContext) -> list[dict[str, Any]]:
    """The canonical contact legs of one conversation (raises ParseError on a value it cannot read)."""
    if not isinstance(conversation, dict):
        raise ParseError("invalid_json", "conversation", f"a conversation is a JSON object, not {type(conversation)}")
    conv = _snake(conversation)
    conv_id = _text(conv.get("conversation_id"))
    if conv_id is None:
        raise ParseError("missing_required", "conversationId", "the conversation has no conversationId")
    start = parse_timestamp(conv.get("conversation_start"), "conversationStart")
    end = parse_timestamp(conv.get("conversation_end"), "conversationEnd")
    participants = _list(conv.get("participants"))
    sessions: list[_Session] = []
    for pi, p in enumerate(participants):
        for si, s in enumerate(_list(p.get("sessions"))):
            sessions.append(_session(p, s, f"participants[{pi}].sessions[{si}]"))
    customer, direction = _customer(participants)
    direction = (_text(conv.get("originating_direction")) or direction or "").lower() or None

    acds = sorted((s for s in sessions if s.purpose == "acd"), key=lambda s: (s.start is None, s.start))
    agents = sorted((s for s in sessions if s.purpose == "agent"), key=lambda s: (s.start is None, s.start))
    used: set[int] = set()
    legs: list[tuple[_Session, _Session | None]] = []  # (agent or acd session, paired acd session)
    for agent in agents:
        best: int | None = None
        for i, acd in enumerate(acds):
            if i in used or (agent.queue_id and acd.queue_id and acd.queue_id != agent.queue_id):
                continue
            if acd.start is not None and agent.start is not None and acd.start > agent.start:
                continue
            best = i  # acds are in start order: the last candidate is the latest
        if best is not None:
            used.add(best)
        legs.append((agent, acds[best] if best is not None else None))
    legs += [(acd, acd) for i, acd in enumerate(acds) if i not in used]

    def leg_start(leg: tuple[_Session, _Session | None]) -> tuple[bool, datetime | None]:
        when = (leg[1] or leg[0]).start
        return (when is None, when)

    legs.sort(key=leg_start)

    def base(record_id: str, seq: int, media: str | None) -> dict[str, Any]:
        media = media or next((s.media_type for s in sessions if s.media_type), None)
        return {
            "leg_id": f"{ctx.program_id}:{SOURCE_SYSTEM}:{record_id}",
            "conversation_id": conv_id,
            "leg_seq": seq,
            "source_record_id": record_id,
            "source_version": end,
            "channel": CHANNELS.get(media, media) if media else None,
            "direction": direction if direction in ("inbound", "outbound") else None,
            "customer_key": pseudonymize(customer, ctx.customer_salt),
        }

    if not legs:  # neither queue nor agent: the conversation ended in the IVR
        row = base(conv_id, 1, None)
        row.update(arrived_at=start, ended_at=end, outcome="ended_in_ivr", transferred=False)
        ivr = round((end - start).total_seconds() * 1000) if start and end and end >= start else None
        row["ivr_ms"] = ivr
        return [row]

    rows = []
    for seq, (main, paired) in enumerate(legs, start=1):
        row = base(f"{conv_id}:{main.session_id}", seq, main.media_type)
        enqueued = paired.start if paired else None
        row["arrived_at"] = start if seq == 1 else (enqueued or main.start)
        if seq == 1 and start is not None and enqueued is not None:
            row["ivr_ms"] = round((enqueued - start).total_seconds() * 1000)
        row["queue_id"] = (paired.queue_id if paired else None) or main.queue_id
        q = paired.metrics if paired else {}
        if main.purpose == "agent":
            queue_ms = q.get("tAcd", q.get("tAnswered", main.metrics.get("tAnswered")))
            if queue_ms is None and paired and paired.start and paired.end:
                queue_ms = (paired.end - paired.start).total_seconds() * 1000
            row.update(
                agent_id=main.user_id,
                answered_at=main.answered,
                ended_at=main.end,
                queue_ms=_ms(queue_ms),
                talk_ms=_ms(main.metrics.get("tTalkComplete")),
                hold_ms=_ms(main.metrics.get("tHeldComplete", 0.0 if main.answered else None)),
                acw_ms=_ms(main.metrics.get("tAcw")),
                outcome="handled",
                transferred=main.transferred,
                disposition_code=main.wrap_up_code,
            )
        else:
            if main.media_type == "callback":
                outcome = "callback_requested"
            elif main.flow_out:
                outcome = "flowed_out"
            else:
                outcome = "abandoned"
            waited = q.get("tAbandon", q.get("tFlowOut", q.get("tAcd")))
            if waited is None and main.start and main.end:
                waited = (main.end - main.start).total_seconds() * 1000
            row.update(ended_at=main.end or end, queue_ms=_ms(waited), outcome=outcome, transferred=False)
        rows.append(row)
    return rows


def read(ctx: IngestContext) -> Iterator[StagedBatch]:
    """Staged ``contacts`` rows of a conversation-details file (API page, JSON array or JSON lines)."""
    buf = RowBuffer(CONTACTS)
    fixed = {"program_id": ctx.program_id, "source_system": SOURCE_SYSTEM, "ingest_batch_id": ctx.batch_id}
    for record_no, item in enumerate(iter_json(ctx.source_file, array_keys=("conversations",)), start=1):
        if item.error is not None:
            error = ParseError("invalid_json", "line", item.error)
            buf.add(dict(fixed), record=record_no, line=item.line, raw=item.raw, error=error)
            continue
        try:
            legs = conversation_legs(item.value, ctx)
        except ParseError as exc:
            row = dict(fixed)
            if isinstance(item.value, dict):
                conv_id = _text(item.value.get("conversationId", item.value.get("conversation_id")))
                if conv_id:
                    row.update(
                        leg_id=f"{ctx.program_id}:{SOURCE_SYSTEM}:{conv_id}",
                        conversation_id=conv_id,
                        source_record_id=conv_id,
                    )
            buf.add(row, record=record_no, line=item.line, raw=item.raw or item.value, error=exc)
            continue
        for leg in legs:
            buf.add({**fixed, **leg}, record=record_no, line=item.line, raw=item.raw or item.value)
        if len(buf) >= STAGE_ROWS:
            yield from buf.flush()
    yield from buf.flush()
