"""What every connector shares: the staging contract, row buffers, and value parsers.

A connector turns one source file into staged canonical rows. Python connectors yield
``(table_name, pyarrow.RecordBatch)`` pairs whose columns are the canonical table's (see
:func:`supportops.schema.arrow_schema`) followed by the staging columns ``_record`` (1-based record number
in the file), ``_line`` (physical line where the record starts, when the format has lines),
``_err_reason`` / ``_err_field`` / ``_err_detail`` (a value the connector could not parse) and ``_raw``
(the source record as JSON, kept for the quarantine). Validation against the schema happens after
staging, in one place, for every format.

Naive local times are bound to a time zone with :func:`localize`: a time in the spring-forward gap is
moved forward by the gap (02:30 → 03:30), a time in the fall-back repeat takes its first occurrence; both are
counted in :class:`StageCounters`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from supportops.config import Settings
from supportops.schema import Table, arrow_schema

__all__ = [
    "BATCH_ROWS",
    "FALSE_WORDS",
    "TRUE_WORDS",
    "IngestContext",
    "ParseError",
    "RowBuffer",
    "StageCounters",
    "Staged",
    "StagedBatch",
    "localize",
    "parse_bool",
    "parse_duration_ms",
    "parse_number",
    "parse_timestamp",
    "pseudonymize",
]

BATCH_ROWS = 10_000  # rows staged per Arrow batch: keeps a Python reader's memory small

StagedBatch = tuple[str, Any]  # (table name, pyarrow.RecordBatch)


@dataclass(frozen=True, slots=True)
class Staged:
    """What a connector hands the merge besides its stage tables.

    ``lines``: {table: {record: line}} for rejected records whose ``_line`` the stage lacks.
    ``rows_sql``: {table: SELECT} giving the full validated rows when the stage holds only keys (large files).
    ``temp_dirs``: folders ``rows_sql`` reads from, removed by the caller after the merge.
    """

    lines: dict[str, dict[int, int]] = field(default_factory=dict)
    rows_sql: dict[str, str] = field(default_factory=dict)
    temp_dirs: tuple[Path, ...] = ()


@dataclass(slots=True)
class StageCounters:
    """Facts a connector learns while reading: DST resolutions and records read."""

    dst_gaps: int = 0
    dst_folds: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestContext:
    """Everything a connector may know about the import it serves."""

    program_id: str
    settings: Settings
    source_file: Path
    batch_id: str
    customer_salt: str
    time_zone: str | None = None
    mapping: str | None = None
    counters: StageCounters = field(default_factory=StageCounters)

    def zone(self, queue_id: str | None = None) -> ZoneInfo:
        """Zone of naive local times: the ``--timezone`` override, else the queue's, program's, workspace's."""
        name = self.time_zone or self.settings.time_zone_for(self.program_id, queue_id)
        return _zone(name)


_ZONES: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    z = _ZONES.get(name)
    if z is None:
        z = _ZONES[name] = ZoneInfo(name)
    return z


class ParseError(ValueError):
    """A value in the source could not be read; carries the quarantine reason and field."""

    def __init__(self, reason: str, field_name: str, detail: str = "") -> None:
        super().__init__(f"{field_name}: {reason} ({detail})")
        self.reason = reason
        self.field_name = field_name
        self.detail = detail


def localize(naive: datetime, zone: ZoneInfo, counters: StageCounters | None = None) -> datetime:
    """The UTC instant of a naive local time in ``zone`` (gap: moved forward; repeat: first occurrence)."""
    first = naive.replace(tzinfo=zone, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != naive:
        if counters is not None:
            counters.dst_gaps += 1
    elif first.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset() and counters is not None:
        counters.dst_folds += 1
    return utc


_ISO_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})$")


def parse_timestamp(
    value: str | None,
    field_name: str,
    zone: ZoneInfo | None = None,
    counters: StageCounters | None = None,
    fmt: str | None = None,
) -> datetime | None:
    """A UTC instant from an ISO 8601 string (with offset, or naive local in ``zone``), or ``fmt``."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        if fmt:
            parsed = datetime.strptime(text, fmt)
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise ParseError("unparseable_timestamp", field_name, text) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    if zone is None:
        raise ParseError("unparseable_timestamp", field_name, f"{text} (no time zone)")
    return localize(parsed, zone, counters)


def parse_number(value: Any, field_name: str) -> float | None:
    """A finite float from a number or numeric string (``1,234.5`` and ``1234,5`` accepted)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool):
        raise ParseError("unparseable_number", field_name, str(value))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "")
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        elif re.fullmatch(r"-?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ParseError("unparseable_number", field_name, str(value)) from None
    if not math.isfinite(number):
        raise ParseError("unparseable_number", field_name, str(value))
    return number


_HMS = re.compile(r"^(-)?(\d+):(\d{1,2}):(\d{1,2})(\.\d+)?$")
_UNIT_MS = {"s": 1000.0, "ms": 1.0, "min": 60_000.0}


def parse_duration_ms(value: Any, field_name: str, unit: str = "auto") -> int | None:
    """Integer milliseconds from seconds, ms, minutes or ``[-]h:mm:ss`` (hours may pass 24).

    ``unit="auto"`` reads ``h:mm:ss`` when the value has a colon and seconds otherwise.
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    text = str(value).strip()
    if unit in ("hms", "auto") and ":" in text:
        m = _HMS.match(text)
        if not m:
            raise ParseError("unparseable_duration", field_name, text)
        sign, h, mi, s, frac = m.groups()
        if int(mi) > 59 or int(s) > 59:
            raise ParseError("unparseable_duration", field_name, text)
        ms = (int(h) * 3600 + int(mi) * 60 + int(s)) * 1000 + round(float(frac or 0) * 1000)
        return -ms if sign else ms
    if unit == "hms":
        raise ParseError("unparseable_duration", field_name, text)
    try:
        number = parse_number(value, field_name)
    except ParseError:
        raise ParseError("unparseable_duration", field_name, text) from None
    assert number is not None
    return round(number * _UNIT_MS["s" if unit == "auto" else unit])


TRUE_WORDS = ("1", "true", "t", "yes", "y")
FALSE_WORDS = ("0", "false", "f", "no", "n")
"""Yes / no values (compared lower-cased); the generic importer's SQL uses the same lists."""


def parse_bool(value: Any, field_name: str) -> bool | None:
    """True / false from booleans, 1/0, yes/no, y/n, true/false (any case)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ParseError("unparseable_boolean", field_name, str(value))


def pseudonymize(raw: str | None, salt: str) -> str | None:
    """A stable pseudonymous customer key: the first 16 hex digits of MD5(salt | raw); None stays None.

    The same expression runs in SQL for the generic importer (``md5(salt || '|' || raw)``).
    """
    if raw is None or str(raw).strip() == "":
        return None
    return hashlib.md5(f"{salt}|{str(raw).strip()}".encode()).hexdigest()[:16]


class RowBuffer:
    """Collects staged rows of one table and emits them as Arrow record batches."""

    def __init__(self, table: Table) -> None:
        import pyarrow as pa

        self.table = table
        base = arrow_schema(table)
        assert isinstance(base, pa.Schema)
        extra = [("_record", pa.int64()), ("_line", pa.int64())]
        extra += [(name, pa.string()) for name in ("_err_reason", "_err_field", "_err_detail", "_raw")]
        self.schema = pa.schema([*base, *(pa.field(n, t) for n, t in extra)])
        self._names = self.schema.names
        self._rows: list[dict[str, Any]] = []

    def add(
        self,
        row: dict[str, Any],
        *,
        record: int,
        line: int | None,
        raw: Any,
        error: ParseError | None = None,
    ) -> None:
        """Add one staged row (unknown keys are a programming error)."""
        unknown = set(row) - set(self._names)
        if unknown:
            raise KeyError(f"{self.table.name} has no columns {sorted(unknown)}")
        staged = dict(row)
        staged["_record"] = record
        staged["_line"] = line
        staged["_raw"] = raw if isinstance(raw, str) else json.dumps(raw, default=str, ensure_ascii=False)
        if error is not None:
            staged["_err_reason"] = error.reason
            staged["_err_field"] = error.field_name
            staged["_err_detail"] = error.detail[:500]
        self._rows.append(staged)

    def __len__(self) -> int:
        return len(self._rows)

    def flush(self) -> Iterator[StagedBatch]:
        """The buffered rows as one record batch (nothing when empty); the buffer is emptied."""
        if not self._rows:
            return
        import pyarrow as pa

        columns = {n: [r.get(n) for r in self._rows] for n in self._names}
        self._rows = []
        yield self.table.name, pa.RecordBatch.from_pydict(columns, schema=self.schema)

    def maybe_flush(self) -> Iterator[StagedBatch]:
        if len(self._rows) >= BATCH_ROWS:
            yield from self.flush()
