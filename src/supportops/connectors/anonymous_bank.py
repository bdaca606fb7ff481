"""The per-call log of the "Anonymous Bank" call centre (Technion SEE data, 1999): tab-separated, one row
per call that entered the VRU, local times as ``H:MM:SS`` on a ``YYMMDD`` date.

Mapping (one contact leg per call):

* ``source_record_id`` = ``vru+line``-``call_id``-``date`` (``call_id`` repeats across VRUs and months);
* ``arrived_at`` = date + ``vru_entry``; ``ivr_ms`` = ``vru_time``; later stage times that read earlier
  than the stage before them belong to the next day (calls across midnight);
* ``outcome``: ``AGENT`` → handled (``answered_at`` = ``ser_start``, ``ended_at`` = ``ser_exit``,
  ``talk_ms`` = ``ser_time``); ``HANG`` after queueing → abandoned (``queue_ms`` = ``q_time``, the
  caller's patience; ``ended_at`` = ``q_exit``); ``HANG`` without queueing → ended_in_ivr (left in the VRU,
  never offered to agents); ``PHANTOM`` (a virtual call the source says to ignore) → quarantined as
  ``phantom_call``;
* ``queue_id`` = service ``type`` (PS, PE, IN, NE, NW, TT); a junk type is quarantined as ``invalid_value``;
  ``language`` = en for PE, else he; ``segment`` = priority for priority 2, else regular;
* ``customer_key`` = pseudonymous key of ``customer_id`` (0 = unidentified → empty);
  ``agent_id`` = ``server`` (``NO_SERVER`` → empty).

Times are read in the ``--timezone`` zone, else the queue's configured zone, else Asia/Jerusalem (where the
data was recorded).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import IO, Any, cast
from zoneinfo import ZoneInfo

from supportops.connectors.base import (
    IngestContext,
    ParseError,
    RowBuffer,
    StagedBatch,
    localize,
    pseudonymize,
)
from supportops.errors import InputError
from supportops.schema import CONTACTS

__all__ = ["COLUMNS", "DEFAULT_ZONE", "SOURCE_SYSTEM", "read"]

SOURCE_SYSTEM = "anonymous_bank"
DEFAULT_ZONE = "Asia/Jerusalem"
COLUMNS = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)
SERVICE_TYPES = {"PS", "PE", "IN", "NE", "NW", "TT"}
_NO_TIME = "0:00:00"


def _open(ctx: IngestContext) -> IO[str]:
    path = ctx.source_file
    with path.open("rb") as probe:
        gz = probe.read(2) == b"\x1f\x8b"
    binary = cast(IO[bytes], gzip.open(path, "rb") if gz else path.open("rb"))  # noqa: SIM115 (closed by the wrapper)
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")


def _seconds(value: str, field: str) -> int:
    parts = value.strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ParseError("unparseable_timestamp", field, value)
    h, m, s = (int(p) for p in parts)
    if m > 59 or s > 59 or h > 47:
        raise ParseError("unparseable_timestamp", field, value)
    return h * 3600 + m * 60 + s


def _int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ParseError("unparseable_number", field, value) from None


def _date(value: str) -> date:
    v = value.strip()
    if len(v) != 6 or not v.isdigit():
        raise ParseError("malformed_row", "date", v)
    yy, mm, dd = int(v[:2]), int(v[2:4]), int(v[4:])
    try:
        return date(1900 + yy if yy >= 50 else 2000 + yy, mm, dd)
    except ValueError:
        raise ParseError("unparseable_timestamp", "date", v) from None


class _Clock:
    """Turns successive H:MM:SS stage times of one call into instants, rolling over midnight."""

    def __init__(self, day: date, zone: ZoneInfo, ctx: IngestContext) -> None:
        self.base = datetime(day.year, day.month, day.day)
        self.zone = zone
        self.ctx = ctx
        self.last = 0

    def at(self, value: str, field: str) -> datetime:
        secs = _seconds(value, field)
        while secs < self.last:
            secs += 86_400
        self.last = secs
        return localize(self.base + timedelta(seconds=secs), self.zone, self.ctx.counters)


def _row(rec: dict[str, str], ctx: IngestContext) -> dict[str, Any]:
    day = _date(rec["date"])
    service = rec["type"].strip()
    if service not in SERVICE_TYPES:
        raise ParseError("invalid_value", "type", service)
    outcome_raw = rec["outcome"].strip()
    if outcome_raw == "PHANTOM":
        raise ParseError("phantom_call", "outcome", outcome_raw)
    if outcome_raw not in ("AGENT", "HANG"):
        raise ParseError("invalid_value", "outcome", outcome_raw)
    zone = ctx.zone(service) if (ctx.time_zone or _queue_zone(ctx, service)) else ZoneInfo(DEFAULT_ZONE)
    clock = _Clock(day, zone, ctx)
    record_id = f"{rec['vru+line'].strip()}-{rec['call_id'].strip()}-{rec['date'].strip()}"
    queued = rec["q_start"].strip() != _NO_TIME
    arrived = clock.at(rec["vru_entry"], "vru_entry")
    vru_exit = clock.at(rec["vru_exit"], "vru_exit")
    row: dict[str, Any] = {
        "program_id": ctx.program_id,
        "leg_id": f"{ctx.program_id}:{SOURCE_SYSTEM}:{record_id}",
        "conversation_id": record_id,
        "leg_seq": 1,
        "source_system": SOURCE_SYSTEM,
        "source_record_id": record_id,
        "ingest_batch_id": ctx.batch_id,
        "channel": "voice",
        "direction": "inbound",
        "queue_id": service,
        "language": "en" if service == "PE" else "he",
        "segment": "priority" if rec["priority"].strip() == "2" else "regular",
        "tier": 1,
        "arrived_at": arrived,
        "ivr_ms": _int(rec["vru_time"], "vru_time") * 1000,
    }
    customer = rec["customer_id"].strip()
    row["customer_key"] = pseudonymize(customer, ctx.customer_salt) if customer not in ("", "0") else None
    if queued:
        clock.at(rec["q_start"], "q_start")
        q_exit = clock.at(rec["q_exit"], "q_exit")
        row["queue_ms"] = _int(rec["q_time"], "q_time") * 1000
    else:
        q_exit = vru_exit
        row["queue_ms"] = 0
    if outcome_raw == "AGENT":
        row["outcome"] = "handled"
        row["answered_at"] = clock.at(rec["ser_start"], "ser_start")
        row["ended_at"] = clock.at(rec["ser_exit"], "ser_exit")
        row["talk_ms"] = _int(rec["ser_time"], "ser_time") * 1000
        row["hold_ms"] = 0
        row["acw_ms"] = 0
        server = rec["server"].strip()
        row["agent_id"] = server if server and server != "NO_SERVER" else None
    elif queued:
        row["outcome"] = "abandoned"
        row["ended_at"] = q_exit
    else:
        row["outcome"] = "ended_in_ivr"
        row["ended_at"] = vru_exit
    return row


def _queue_zone(ctx: IngestContext, queue_id: str) -> str | None:
    q = ctx.settings.queue(queue_id)
    return q.time_zone if q and q.program == ctx.program_id else None


def read(ctx: IngestContext) -> Iterator[StagedBatch]:
    """Staged ``contacts`` rows, one per call of the log."""
    buf = RowBuffer(CONTACTS)
    with _open(ctx) as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != list(COLUMNS):
            raise InputError(
                f"{ctx.source_file}: line 1: not an Anonymous Bank per-call log "
                f"(expected the header {' '.join(COLUMNS)})"
            )
        record = 0
        line = reader.line_num + 1
        try:
            for fields in reader:
                record += 1
                raw = dict(zip(COLUMNS, fields, strict=False))
                error: ParseError | None = None
                row: dict[str, Any] = {}
                if len(fields) != len(COLUMNS):
                    error = ParseError("malformed_row", "line", f"{len(fields)} fields, expected {len(COLUMNS)}")
                else:
                    try:
                        row = _row(raw, ctx)
                    except ParseError as exc:
                        error = exc
                buf.add(row, record=record, line=line, raw=raw, error=error)
                yield from buf.maybe_flush()
                line = reader.line_num + 1
        except (UnicodeDecodeError, EOFError, OSError) as exc:
            raise InputError(f"{ctx.source_file}: line {line}: cannot be read: {exc}") from None
    yield from buf.flush()
