"""Zendesk tickets (with metric sets and satisfaction ratings) as canonical contacts and surveys.

Shapes read: the incremental export page (``{"tickets": [...], "metric_sets": [...], "end_of_stream": ...}``
with ``include=metric_sets``), a plain ``{"tickets": [...]}`` page, JSON lines of tickets (a ticket may carry
its ``metric_set``), and the Satisfaction Ratings API page (``{"satisfaction_ratings": [...]}``). Incremental
exports re-deliver tickets updated again: ``updated_at`` is the version, so the newest copy wins.

One contacts row per ticket: ``created_at`` is the arrival, the first reply (``reply_time_in_minutes``,
calendar minutes) gives ``first_response_ms`` and ``answered_at``, a solved or closed ticket ends at the
metric set's ``solved_at``; ``reopens`` > 0 means not resolved on this contact, more than one group station
means the ticket was transferred. ``group_id`` is the queue, ``assignee_id`` the agent, ``requester_id``
(pseudonymised) the customer.

One surveys row per rating scored ``good`` or ``bad`` (``offered`` / ``unoffered`` are not responses). The
agent and group are the rating's ``assignee_id`` / ``group_id`` (attribution at rating time, which the
Satisfaction Ratings API always gives); a rating embedded in a ticket without them falls back to the
ticket's assignee and group at export time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
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
from supportops.schema import CONTACTS, SURVEYS

__all__ = ["SOURCE_SYSTEM", "STAGE_ROWS", "channel_of", "read"]

STAGE_ROWS = 10_000  # rows staged per batch: keeps the reader's memory small whatever the file size
SOURCE_SYSTEM = "zendesk"

_VOICE = {"voice", "voicemail", "phone_call_inbound", "phone_call_outbound", "phone"}
_CHAT = {"chat", "chat_transcript"}
_MESSAGING = {
    "messaging", "native_messaging", "whatsapp", "sms", "line", "wechat", "telegram", "viber", "kakaotalk",
    "apple_business_chat", "apple_messages_for_business", "google_rcs", "facebook_messenger", "instagram_dm",
    "twitter_dm", "x_dm", "sunshine_conversations_api",
}  # fmt: skip
_SOCIAL = {"twitter", "facebook", "instagram", "x_corp", "youtube", "linkedin", "facebook_post", "twitter_favorite"}
_NO_RESPONSE = {"offered", "unoffered"}
_CLOSED = {"solved", "closed"}


def channel_of(via_channel: str | None) -> str:
    """The canonical channel of a Zendesk ``via.channel`` (email, web forms, API and the rest: email)."""
    name = (via_channel or "").strip().lower()
    if name in _VOICE:
        return "voice"
    if name in _CHAT:
        return "chat"
    if name in _MESSAGING:
        return "messaging"
    if name in _SOCIAL:
        return "social"
    return "email"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _metrics_key(value: Any) -> str | None:
    return _text(_obj(value).get("ticket_id"))


def _collect_metric_sets(ctx: IngestContext) -> dict[str, dict[str, Any]]:
    """Ticket id → the few metric-set values a contact row uses (first pass over a page file)."""
    out: dict[str, dict[str, Any]] = {}
    for item in iter_json(ctx.source_file, array_keys=("tickets", "metric_sets", "satisfaction_ratings")):
        if item.key == "metric_sets":
            key = _metrics_key(item.value)
            if key is not None:
                m = _obj(item.value)
                out[key] = {k: m.get(k) for k in ("reply_time_in_minutes", "solved_at", "reopens", "group_stations")}
    return out


def map_ticket(ticket: dict[str, Any], metrics: dict[str, Any] | None, ctx: IngestContext, row: dict[str, Any]) -> None:
    """Fill ``row`` with the contacts columns of one ticket (in place); raises ParseError."""
    ticket_id = _text(ticket.get("id"))
    if ticket_id is None:
        raise ParseError("missing_required", "id", "the ticket has no id")
    row.update(
        leg_id=f"{ctx.program_id}:{SOURCE_SYSTEM}:{ticket_id}",
        conversation_id=ticket_id,
        leg_seq=1,
        source_record_id=ticket_id,
        channel=channel_of(_text(_obj(ticket.get("via")).get("channel"))),
        direction="inbound",
        queue_id=_text(ticket.get("group_id")),
        agent_id=_text(ticket.get("assignee_id")),
        customer_key=pseudonymize(_text(ticket.get("requester_id")), ctx.customer_salt),
        outcome="handled",
    )
    row["source_version"] = parse_timestamp(ticket.get("updated_at"), "updated_at")
    created = parse_timestamp(ticket.get("created_at"), "created_at")
    row["arrived_at"] = created
    m = metrics if metrics is not None else _obj(ticket.get("metric_set")) or None
    if m is None:
        return
    reply = parse_number(_obj(m.get("reply_time_in_minutes")).get("calendar"), "reply_time_in_minutes.calendar")
    if reply is not None:
        row["first_response_ms"] = round(reply * 60_000)
        if created is not None:
            row["answered_at"] = created + timedelta(minutes=reply)
    status = (_text(ticket.get("status")) or "").lower()
    solved: datetime | None = parse_timestamp(m.get("solved_at"), "metric_set.solved_at")
    if status in _CLOSED:
        row["ended_at"] = solved
    reopens = parse_number(m.get("reopens"), "metric_set.reopens")
    if reopens is not None and reopens > 0:
        row["resolved"] = False
    elif status in _CLOSED:
        row["resolved"] = True
    stations = parse_number(m.get("group_stations"), "metric_set.group_stations")
    if stations is not None:
        row["transferred"] = stations > 1


def map_rating(rating: dict[str, Any], ticket: dict[str, Any] | None, ctx: IngestContext, row: dict[str, Any]) -> bool:
    """Fill ``row`` with the surveys columns of one satisfaction rating; False when it is not a response."""
    score = (_text(rating.get("score")) or "").lower()
    if not score or score in _NO_RESPONSE:
        return False
    ticket = ticket or {}
    ticket_id = _text(rating.get("ticket_id")) or _text(ticket.get("id"))
    rating_id = _text(rating.get("id")) or (f"ticket-{ticket_id}" if ticket_id else None)
    if rating_id is not None:
        row.update(survey_id=f"{ctx.program_id}:{SOURCE_SYSTEM}:{rating_id}", source_record_id=rating_id)
    if ticket_id is not None:
        row.update(conversation_id=ticket_id, leg_id=f"{ctx.program_id}:{SOURCE_SYSTEM}:{ticket_id}")
    row["csat_label"] = score
    row["comment"] = _text(rating.get("comment"))
    row["agent_id"] = _text(rating.get("assignee_id")) or _text(ticket.get("assignee_id"))
    row["team_id"] = _text(rating.get("group_id")) or _text(ticket.get("group_id"))
    when = rating.get("updated_at") or rating.get("created_at")
    field = "satisfaction_rating.updated_at" if rating.get("updated_at") else "satisfaction_rating.created_at"
    if when is None:
        when, field = ticket.get("updated_at"), "updated_at"
    row["source_version"] = parse_timestamp(when, field)
    created = rating.get("created_at")
    row["responded_at"] = (
        parse_timestamp(created, "satisfaction_rating.created_at") if created else row["source_version"]
    )
    return True


def read(ctx: IngestContext) -> Iterator[StagedBatch]:
    """Staged ``contacts`` and ``surveys`` rows of a Zendesk export."""
    metric_sets = _collect_metric_sets(ctx)
    contacts, surveys = RowBuffer(CONTACTS), RowBuffer(SURVEYS)
    fixed = {"program_id": ctx.program_id, "source_system": SOURCE_SYSTEM, "ingest_batch_id": ctx.batch_id}
    record_no = 0
    for item in iter_json(ctx.source_file, array_keys=("tickets", "metric_sets", "satisfaction_ratings")):
        if item.key == "metric_sets":
            continue
        record_no += 1
        if item.error is not None:
            error = ParseError("invalid_json", "line", item.error)
            contacts.add(dict(fixed), record=record_no, line=item.line, raw=item.raw, error=error)
            continue
        value = item.value
        if not isinstance(value, dict):
            error = ParseError("invalid_json", "record", f"a ticket is a JSON object, not {type(value).__name__}")
            contacts.add(dict(fixed), record=record_no, line=item.line, raw=item.raw or value, error=error)
            continue
        if item.key == "satisfaction_ratings":
            rating_row: dict[str, Any] = dict(fixed)
            try:
                if map_rating(value, None, ctx, rating_row):
                    surveys.add(rating_row, record=record_no, line=item.line, raw=item.raw or value)
            except ParseError as exc:
                surveys.add(rating_row, record=record_no, line=item.line, raw=item.raw or value, error=exc)
            continue
        row: dict[str, Any] = dict(fixed)
        try:
            map_ticket(value, metric_sets.get(_text(value.get("id")) or ""), ctx, row)
        except ParseError as exc:
            contacts.add(row, record=record_no, line=item.line, raw=item.raw or value, error=exc)
            continue
        contacts.add(row, record=record_no, line=item.line, raw=item.raw or value)
        rating = value.get("satisfaction_rating")
        if isinstance(rating, dict):
            rating_row = dict(fixed)
            try:
                if map_rating(rating, value, ctx, rating_row):
                    surveys.add(rating_row, record=record_no, line=item.line, raw=rating)
            except ParseError as exc:
                surveys.add(rating_row, record=record_no, line=item.line, raw=rating, error=exc)
        if len(contacts) >= STAGE_ROWS:
            yield from contacts.flush()
        if len(surveys) >= STAGE_ROWS:
            yield from surveys.flush()
    yield from contacts.flush()
    yield from surveys.flush()
