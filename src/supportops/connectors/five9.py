"""Five9 call log reports (Inbound Call Log and its variants) as canonical contact legs.

One row is one call, keyed by ``CALL ID``. Headers are matched ignoring case, spacing and underscores
(``QUEUE WAIT TIME`` = ``Queue Wait Time``); columns the connector does not know (custom and dynamic report
columns) are ignored. The file may be UTF-8 with or without BOM, UTF-16 or cp1252, delimited by ``,`` ``;``
tab or ``|``, with quoted fields holding newlines.

Times are local times of the contact centre: ``DATE`` plus ``TIMESTAMP`` (a time of day, or a full date and
time) are read in the time zone of the queue (``SKILL``), else the program's or the workspace's, with
daylight-saving gaps moved forward and repeats read as their first occurrence (both counted). Date forms:
``2026/01/05``, ``01/05/2026`` (US month first), ``2026-01-05``, ``01/05/26``, ``Mon, 05 Jan 2026``;
time forms ``14:05:09``, ``2:05:09 PM``, ``14:05``. Durations are ``h:mm:ss`` (hours may pass 24).

Outcome: ``ABANDONED`` = 1 / Yes is abandoned; a call with an agent or talk time is handled; one that waited in
queue without either left the queue another way (voicemail, callback, transfer out: flowed out); the rest
ended in the IVR. ``TRANSFERS`` > 0 marks the leg transferred. Five9's ``[None]`` placeholders are empty.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from supportops.connectors.base import (
    IngestContext,
    ParseError,
    RowBuffer,
    StagedBatch,
    localize,
    parse_bool,
    parse_duration_ms,
    parse_number,
    pseudonymize,
)
from supportops.connectors.textfile import normalize_header, sniff
from supportops.errors import InputError
from supportops.schema import CONTACTS

__all__ = ["DATE_FORMATS", "SOURCE_SYSTEM", "STAGE_ROWS", "TIME_FORMATS", "read"]

STAGE_ROWS = 10_000  # rows staged per batch: keeps the reader's memory small whatever the file size
SOURCE_SYSTEM = "five9"

DATE_FORMATS = ("%Y/%m/%d", "%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%a, %d %b %Y", "%d %b %Y")
TIME_FORMATS = ("%H:%M:%S", "%I:%M:%S %p", "%H:%M", "%I:%M %p")
DATETIME_FORMATS = tuple(f"{d} {t}" for d in DATE_FORMATS for t in TIME_FORMATS)
_PLACEHOLDER = re.compile(r"^\[(none|unknown|n/a|deleted)\]$", re.IGNORECASE)
_PHONE_NOISE = re.compile(r"[\s\-().]")
_FIELD_LIMIT = 1 << 24


def _first_format(text: str, formats: tuple[str, ...], cache: list[str]) -> datetime | None:
    """``text`` parsed with the first of ``formats`` that fits (the last one that worked is tried first)."""
    for fmt in (*cache, *formats):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not cache or cache[0] != fmt:
            cache[:] = [fmt]
        return parsed
    return None


class _Clock:
    """Reads DATE + TIMESTAMP pairs into naive local datetimes, remembering the forms that worked."""

    def __init__(self) -> None:
        self._date: list[str] = []
        self._time: list[str] = []
        self._full: list[str] = []

    def day(self, text: str) -> date | None:
        parsed = _first_format(text, DATE_FORMATS, self._date)
        return parsed.date() if parsed else None

    def naive(self, day_text: str | None, stamp: str | None, date_field: str, time_field: str) -> datetime | None:
        if not stamp:
            if not day_text:
                return None
            raise ParseError("unparseable_timestamp", time_field, "no time of day")
        if self._full:  # a file writes every TIMESTAMP the same way: try the form that worked last
            try:
                return datetime.strptime(stamp, self._full[0])
            except ValueError:
                pass
        clock = _first_format(stamp, TIME_FORMATS, self._time)
        if clock is not None:
            if not day_text:
                raise ParseError("unparseable_timestamp", date_field, "no date")
            day = self.day(day_text)
            if day is None:
                raise ParseError("unparseable_timestamp", date_field, day_text)
            return datetime.combine(day, time(clock.hour, clock.minute, clock.second))
        full = _first_format(stamp, DATETIME_FORMATS, self._full)
        if full is None:
            try:
                full = datetime.fromisoformat(stamp)
            except ValueError:
                raise ParseError("unparseable_timestamp", time_field, stamp) from None
            if full.tzinfo is not None:
                raise ParseError("unparseable_timestamp", time_field, f"{stamp} (Five9 times are local)")
        return full


def _value(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if not text or _PLACEHOLDER.match(text):
        return None
    return text


_COLUMNS = {
    "call id": "call_id",
    "date": "date",
    "timestamp": "timestamp",
    "campaign": "campaign",
    "skill": "skill",
    "agent": "agent",
    "disposition": "disposition",
    "ani": "ani",
    "call time": "call_time",
    "ivr time": "ivr_time",
    "queue wait time": "queue_wait",
    "ring time": "ring_time",
    "talk time": "talk_time",
    "hold time": "hold_time",
    "park time": "park_time",
    "after call work time": "acw_time",
    "transfers": "transfers",
    "abandoned": "abandoned",
    "call type": "call_type",
}


def _map_row(
    get: dict[str, str | None], names: dict[str, str], ctx: IngestContext, clock: _Clock, row: dict[str, Any]
) -> None:
    """Fill ``row`` from one call-log record (``get``: canonical key → cell); raises ParseError."""

    def dur(key: str) -> int | None:
        return parse_duration_ms(get.get(key), names.get(key, key), "hms")

    call_id = get.get("call_id")
    if call_id is None:
        raise ParseError("missing_required", names["call_id"], "the row has no CALL ID")
    row.update(
        leg_id=f"{ctx.program_id}:{SOURCE_SYSTEM}:{call_id}",
        conversation_id=call_id,
        leg_seq=1,
        source_record_id=call_id,
        channel="voice",
    )
    queue_id = get.get("skill") or get.get("campaign")
    row["queue_id"] = queue_id
    call_type = (get.get("call_type") or "").lower()
    row["direction"] = (
        "internal"
        if "internal" in call_type
        else "outbound"
        if re.search(r"outbound|manual|preview", call_type)
        else "inbound"
    )
    ani = get.get("ani")
    row["customer_key"] = pseudonymize(_PHONE_NOISE.sub("", ani) if ani else None, ctx.customer_salt)
    row["agent_id"] = get.get("agent")
    row["disposition_code"] = get.get("disposition")
    naive = clock.naive(
        get.get("date"), get.get("timestamp"), names.get("date", "DATE"), names.get("timestamp", "TIMESTAMP")
    )
    arrived = localize(naive, ctx.zone(queue_id), ctx.counters) if naive else None
    row["arrived_at"] = arrived
    ivr, queue, ring, talk = dur("ivr_time"), dur("queue_wait"), dur("ring_time"), dur("talk_time")
    hold, park, acw, call = dur("hold_time"), dur("park_time"), dur("acw_time"), dur("call_time")
    row.update(ivr_ms=ivr, queue_ms=queue, talk_ms=talk, acw_ms=acw)
    row["hold_ms"] = None if hold is None and park is None else (hold or 0) + (park or 0)
    transfers = parse_number(get.get("transfers"), names.get("transfers", "TRANSFERS"))
    row["transferred"] = None if transfers is None else transfers > 0
    abandoned = parse_bool(get.get("abandoned"), names.get("abandoned", "ABANDONED"))
    if abandoned:
        row["outcome"] = "abandoned"
    elif row["agent_id"] or (talk or 0) > 0:
        row["outcome"] = "handled"
    elif (queue or 0) > 0:
        row["outcome"] = "flowed_out"
    else:
        row["outcome"] = "ended_in_ivr"
    if arrived is not None:
        if call is not None:
            row["ended_at"] = arrived + timedelta(milliseconds=call)
        if row["outcome"] == "handled":
            row["answered_at"] = arrived + timedelta(milliseconds=(ivr or 0) + (queue or 0) + (ring or 0))


def read(ctx: IngestContext) -> Iterator[StagedBatch]:
    """Staged ``contacts`` rows of a Five9 call log file."""
    path = ctx.source_file
    fmt = sniff(path)
    header = list(fmt.header)
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    for i, h in enumerate(header):
        key = _COLUMNS.get(normalize_header(h))
        if key is not None:
            index[key], names[key] = i, h
    missing = [label for label, key in (("CALL ID", "call_id"), ("TIMESTAMP", "timestamp")) if key not in index]
    if missing:
        raise InputError(
            f"{path}: line 1: not a Five9 call log: no {' or '.join(missing)} column ({', '.join(header)})"
        )
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    buf = RowBuffer(CONTACTS)
    clock = _Clock()
    fixed = {"program_id": ctx.program_id, "source_system": SOURCE_SYSTEM, "ingest_batch_id": ctx.batch_id}
    width = len(header)
    record_no = 0
    try:
        with path.open("r", encoding=fmt.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=fmt.delimiter)
            next(reader, None)
            line = reader.line_num + 1
            for cells in reader:
                start_line, line = line, reader.line_num + 1
                if not cells or all(not c.strip() for c in cells):
                    continue
                record_no += 1
                row: dict[str, Any] = dict(fixed)
                if len(cells) != width:
                    error = ParseError("malformed_row", "row", f"{len(cells)} fields where the header has {width}")
                    buf.add(row, record=record_no, line=start_line, raw=cells, error=error)
                    continue
                get = {key: _value(cells[i]) for key, i in index.items()}
                raw = dict(zip(header, cells, strict=True))
                try:
                    _map_row(get, names, ctx, clock, row)
                except ParseError as exc:
                    buf.add(row, record=record_no, line=start_line, raw=raw, error=exc)
                else:
                    buf.add(row, record=record_no, line=start_line, raw=raw)
                if len(buf) >= STAGE_ROWS:
                    yield from buf.flush()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid {fmt.encoding} text near record {record_no + 1}: {exc.reason}") from None
    except csv.Error as exc:
        raise InputError(f"{path}: line {line}: cannot be read as delimited text: {exc}") from None
    yield from buf.flush()
