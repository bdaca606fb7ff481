"""Amazon Connect contact records (CTRs) as canonical contact legs.

One contact record is one leg. The file is JSON lines (one record per line, as a Kinesis Firehose or S3
export delivers them; records written back to back on a line are read too) or a JSON array of records.
Connect delivers records at least once: a copy with a newer ``LastUpdateTimestamp`` replaces the stored leg,
an equal or older copy is a duplicate. Unknown fields are ignored (Connect adds fields over time).

Rules (see ``docs/connectors.md``):

* a transfer creates a new record (``InitiationMethod`` TRANSFER / QUEUE_TRANSFER) chained by
  ``InitialContactId`` (the conversation) and ``PreviousContactId``; ``leg_seq`` follows that chain as far
  as the file holds it (unknown otherwise). The leg that was transferred away from carries
  ``TransferCompletedTimestamp`` / ``TransferredToEndpoint`` / ``NextContactId`` and is marked transferred;
* abandoned = queued (``Queue.EnqueueTimestamp``) and never connected to an agent; a CALLBACK contact
  waiting in queue is ``callback_requested``; a queued leg transferred onward without an agent flowed out;
  no queue and no agent ends in the IVR (``contained`` when the flow sets a ``contained`` attribute);
* durations are whole seconds in the record and become milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from supportops.connectors.base import (
    IngestContext,
    ParseError,
    RowBuffer,
    StagedBatch,
    parse_bool,
    parse_duration_ms,
    parse_timestamp,
    pseudonymize,
)
from supportops.connectors.jsonfile import iter_json
from supportops.schema import CONTACTS

__all__ = ["SOURCE_SYSTEM", "STAGE_ROWS", "read"]

STAGE_ROWS = 10_000  # rows staged per batch: keeps the reader's memory small whatever the file size
SOURCE_SYSTEM = "amazon_connect"

CHANNELS = {"VOICE": "voice", "CHAT": "chat", "TASK": "email", "EMAIL": "email"}
TRANSFER_METHODS = {"TRANSFER", "QUEUE_TRANSFER"}
CONTAINED_ATTRIBUTES = {"contained", "selfservicecontained", "ivrcontained"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _arn_tail(arn: Any) -> str | None:
    text = _text(arn)
    return text.rsplit("/", 1)[-1] if text else None


def _obj(record: dict[str, Any], name: str) -> dict[str, Any]:
    value = record.get(name)
    return value if isinstance(value, dict) else {}


def _ms_between(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() * 1000)


def _contained(attributes: dict[str, Any]) -> bool:
    for key, value in attributes.items():
        if key.replace("_", "").replace("-", "").lower() in CONTAINED_ATTRIBUTES:
            try:
                return bool(parse_bool(value, f"Attributes.{key}"))
            except ParseError:
                return False
    return False


def map_record(record: Any, ctx: IngestContext, row: dict[str, Any]) -> None:
    """Fill ``row`` with the canonical columns of one contact record; raises ParseError on a bad value.

    ``row`` is filled in place so a record that fails part-way still carries its identity to the quarantine.
    """
    if not isinstance(record, dict):
        raise ParseError("invalid_json", "record", f"a contact record is a JSON object, not {type(record).__name__}")
    contact_id = _text(record.get("ContactId"))
    if contact_id is None:
        raise ParseError("missing_required", "ContactId", "the record has no ContactId")
    initial = _text(record.get("InitialContactId")) or contact_id
    row.update(
        leg_id=f"{ctx.program_id}:{SOURCE_SYSTEM}:{contact_id}",
        conversation_id=initial,
        source_record_id=contact_id,
    )
    row["source_version"] = parse_timestamp(record.get("LastUpdateTimestamp"), "LastUpdateTimestamp")
    raw_channel = _text(record.get("Channel"))
    row["channel"] = CHANNELS.get(raw_channel.upper(), raw_channel.lower()) if raw_channel else None
    method = (_text(record.get("InitiationMethod")) or "").upper()
    row["direction"] = "outbound" if method == "OUTBOUND" else "inbound"
    queue, agent = _obj(record, "Queue"), _obj(record, "Agent")
    row["queue_id"] = _text(queue.get("Name")) or _arn_tail(queue.get("ARN"))
    row["customer_key"] = pseudonymize(_text(_obj(record, "CustomerEndpoint").get("Address")), ctx.customer_salt)
    row["agent_id"] = _text(agent.get("Username")) or _arn_tail(agent.get("ARN"))

    arrived = parse_timestamp(record.get("InitiationTimestamp"), "InitiationTimestamp")
    enqueued = parse_timestamp(queue.get("EnqueueTimestamp"), "Queue.EnqueueTimestamp")
    connected = parse_timestamp(agent.get("ConnectedToAgentTimestamp"), "Agent.ConnectedToAgentTimestamp")
    ended = parse_timestamp(record.get("DisconnectTimestamp"), "DisconnectTimestamp")
    row.update(arrived_at=arrived, answered_at=connected, ended_at=ended)
    row["queue_ms"] = parse_duration_ms(queue.get("Duration"), "Queue.Duration", "s")
    row["talk_ms"] = parse_duration_ms(agent.get("AgentInteractionDuration"), "Agent.AgentInteractionDuration", "s")
    row["hold_ms"] = parse_duration_ms(agent.get("CustomerHoldDuration"), "Agent.CustomerHoldDuration", "s")
    row["acw_ms"] = parse_duration_ms(agent.get("AfterContactWorkDuration"), "Agent.AfterContactWorkDuration", "s")

    transferred_away = any(
        _text(record.get(k)) for k in ("TransferCompletedTimestamp", "TransferredToEndpoint", "NextContactId")
    )
    row["transferred"] = bool(transferred_away)
    attributes = _obj(record, "Attributes")
    queued = bool(row["queue_id"]) and enqueued is not None
    if connected is not None:
        row["outcome"] = "handled"
    elif queued and method == "CALLBACK":
        row["outcome"] = "callback_requested"
    elif queued and transferred_away:
        row["outcome"] = "flowed_out"
    elif queued:
        row["outcome"] = "abandoned"
    else:
        row["outcome"] = "contained" if _contained(attributes) else "ended_in_ivr"
    ivr = _ms_between(arrived, enqueued if queued else ended)
    # A leg that ends before it starts is reported as such by validation, not as a negative IVR time.
    row["ivr_ms"] = ivr if queued or ivr is None or ivr >= 0 else None


def read(ctx: IngestContext) -> Iterator[StagedBatch]:
    """Staged ``contacts`` rows of a contact-record file (JSON lines or a JSON array)."""
    buf = RowBuffer(CONTACTS)
    seq: dict[str, int] = {}  # ContactId -> leg_seq, for transfer legs (leg 2 and later)
    pending: list[tuple[dict[str, Any], str, int, int, Any]] = []
    record_no = 0
    for item in iter_json(ctx.source_file, array_keys=("ContactTraceRecords", "contacts", "Records")):
        record_no += 1
        row: dict[str, Any] = {
            "program_id": ctx.program_id,
            "source_system": SOURCE_SYSTEM,
            "ingest_batch_id": ctx.batch_id,
        }
        if item.error is not None:
            buf.add(
                row,
                record=record_no,
                line=item.line,
                raw=item.raw,
                error=ParseError("invalid_json", "line", item.error),
            )
            continue
        try:
            map_record(item.value, ctx, row)
        except ParseError as exc:
            buf.add(row, record=record_no, line=item.line, raw=item.raw or item.value, error=exc)
            if len(buf) >= STAGE_ROWS:
                yield from buf.flush()
            continue
        record = item.value
        raw = item.raw if item.raw is not None else record
        previous = _text(record.get("PreviousContactId"))
        method = (_text(record.get("InitiationMethod")) or "").upper()
        if previous is None:
            row["leg_seq"] = None if method in TRANSFER_METHODS else 1
        elif previous == _text(record.get("InitialContactId")):
            row["leg_seq"] = 2
        elif previous in seq:
            row["leg_seq"] = seq[previous] + 1
        else:
            pending.append((row, previous, record_no, item.line, raw))
            continue
        if row["leg_seq"] is not None and row["leg_seq"] > 1:
            seq[row["source_record_id"]] = row["leg_seq"]
        buf.add(row, record=record_no, line=item.line, raw=raw)
        if len(buf) >= STAGE_ROWS:
            yield from buf.flush()
    # Transfer legs that arrived before the leg they follow: resolve what the file holds, leave the rest unknown.
    progress = True
    while pending and progress:
        progress = False
        for entry in list(pending):
            row, previous = entry[0], entry[1]
            if previous in seq:
                row["leg_seq"] = seq[previous] + 1
                seq[row["source_record_id"]] = row["leg_seq"]
                pending.remove(entry)
                progress = True
                buf.add(row, record=entry[2], line=entry[3], raw=entry[4])
    for row, _previous, record, line, raw in pending:
        buf.add(row, record=record, line=line, raw=raw)
    yield from buf.flush()
