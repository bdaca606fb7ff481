"""Generic CSV and Parquet files, mapped onto a canonical table by ``[ingest.NAME]`` in the workspace.

The whole file is read and converted inside DuckDB (parallel, streaming, spilling to disk past the memory
limit), so an import of any size runs at the speed of the CSV reader. :func:`stage_sql` builds the query:
it maps source columns onto canonical ones, parses numbers, booleans, durations (s, ms, min, hh:mm:ss) and
timestamps (ISO 8601 with offset, or naive local times bound to the queue's time zone with the same DST
rule as :func:`supportops.connectors.base.localize`), and records the first value it could not parse.

Without a mapping the file's headers must be the canonical column names (compared ignoring case, spaces
and underscores).
"""

from __future__ import annotations

from dataclasses import dataclass

from supportops.config import IngestMapping, Settings
from supportops.connectors.textfile import normalize_header
from supportops.errors import InputError
from supportops.schema import Column, Table
from supportops.warehouse.validation import sql_literal

__all__ = ["GenericPlan", "plan_columns", "stage_sql"]

_HMS_RE = r"^(-)?(\d+):(\d{1,2}):(\d{1,2})(\.\d+)?$"
_KEY_PREFIX_COLUMNS = {"contacts": "leg_id", "agent_states": "state_id", "surveys": "survey_id"}
_SYSTEM_COLUMNS = {"program_id", "source_system", "ingest_batch_id"}


@dataclass(frozen=True, slots=True)
class GenericPlan:
    """Which source column feeds each canonical column (None: not in the file)."""

    sources: dict[str, str | None]
    constants: dict[str, str]


def plan_columns(table: Table, header: tuple[str, ...], mapping: IngestMapping | None, path: str) -> GenericPlan:
    """Resolve the mapping against the file's header; a mapped column missing from the file is an error."""
    by_norm = {normalize_header(h): h for h in header}
    sources: dict[str, str | None] = {}
    explicit = mapping.columns if mapping else {}
    for col in table.columns:
        if col.name in _SYSTEM_COLUMNS:
            continue
        if col.name in explicit:
            want = explicit[col.name]
            found = by_norm.get(normalize_header(want))
            if found is None:
                raise InputError(
                    f"{path}: line 1: column {want!r} (mapped to {col.name}) is not in the header ({', '.join(header)})"
                )
            sources[col.name] = found
        else:
            sources[col.name] = by_norm.get(normalize_header(col.name))
    constants = dict(mapping.constants) if mapping else {}
    key = _KEY_PREFIX_COLUMNS.get(table.name)
    if sources.get("source_record_id") is None and key and sources.get(key) is not None:
        sources["source_record_id"] = sources[key]
    if table.name == "agents" and sources.get("source_record_id") is None:
        sources["source_record_id"] = sources.get("agent_id")
    if sources.get("source_record_id") is None and "source_record_id" not in constants:
        raise InputError(
            f"{path}: line 1: no column gives the record id (map source_record_id"
            f"{' or ' + key if key else ''} in [ingest.<name>].columns)"
        )
    return GenericPlan(sources=sources, constants=constants)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(src: str) -> str:
    return f"nullif(trim(CAST({src} AS VARCHAR)), '')"


def _duration(src: str, unit: str) -> str:
    t = _text(src)
    num = f"TRY_CAST(replace({t}, ',', '.') AS DOUBLE)"
    hms = (
        f"(CASE WHEN regexp_matches({t}, '{_HMS_RE}') THEN "
        f"(CASE WHEN regexp_extract({t}, '{_HMS_RE}', 1) = '-' THEN -1 ELSE 1 END) * "
        f"CAST(round((CAST(regexp_extract({t}, '{_HMS_RE}', 2) AS BIGINT) * 3600"
        f" + CAST(regexp_extract({t}, '{_HMS_RE}', 3) AS BIGINT) * 60"
        f" + CAST(regexp_extract({t}, '{_HMS_RE}', 4) AS BIGINT)"
        f" + coalesce(TRY_CAST(regexp_extract({t}, '{_HMS_RE}', 5) AS DOUBLE), 0)) * 1000) AS BIGINT)"
        f" END)"
    )
    factor = {"s": 1000, "ms": 1, "min": 60000}
    if unit == "hms":
        return hms
    if unit == "auto":
        return f"(CASE WHEN contains({t}, ':') THEN {hms} ELSE CAST(round({num} * 1000) AS BIGINT) END)"
    return f"CAST(round({num} * {factor[unit]}) AS BIGINT)"


def _zone_sql(settings: Settings, program_id: str, override: str | None, queue_expr: str | None) -> str:
    if override:
        return sql_literal(override)
    default = sql_literal(settings.time_zone_for(program_id))
    queues = [q for q in settings.queues if q.program == program_id and q.time_zone]
    if not queues or queue_expr is None:
        return default
    whens = " ".join(f"WHEN {sql_literal(q.id)} THEN {sql_literal(q.time_zone or '')}" for q in queues)
    return f"(CASE {queue_expr} {whens} ELSE {default} END)"


def _timestamp(src: str, fmt: str, zone: str) -> tuple[str, str, str]:
    """(UTC instant, DST-gap flag, DST-fold flag) SQL for a source timestamp column."""
    t = _text(src)
    if fmt == "auto":
        has_offset = f"regexp_matches({t}, '(Z|[+-]\\d\\d(:?\\d\\d)?)$')"
        aware = f"TRY_CAST({t} AS TIMESTAMPTZ)"
        naive = f"TRY_CAST({t} AS TIMESTAMP)"
    else:
        has_offset = "true" if "%z" in fmt or "%Z" in fmt else "false"
        aware = f"CAST(try_strptime({t}, {sql_literal(fmt)}) AS TIMESTAMPTZ)"
        naive = f"CAST(try_strptime({t}, {sql_literal(fmt)}) AS TIMESTAMP)"
    later = f"timezone({zone}, {naive})"
    earlier = f"({later} - INTERVAL 1 HOUR)"
    is_fold = f"coalesce(timezone({zone}, {earlier}) = {naive}, false)"
    is_gap = f"coalesce(timezone({zone}, {later}) <> {naive}, false)"
    instant = f"(CASE WHEN {has_offset} THEN {aware} WHEN {is_fold} THEN {earlier} ELSE {later} END)"
    gap = f"(NOT {has_offset} AND {is_gap})"
    fold = f"(NOT {has_offset} AND {is_fold})"
    return instant, gap, fold


def _convert(
    col: Column, src: str, mapping: IngestMapping | None, zone: str
) -> tuple[str, str, tuple[str, str] | None]:
    """(value SQL, parse-failure reason, optional (gap, fold) SQL) for one mapped column."""
    t = _text(src)
    if col.name == "customer_key":
        return t, "", None
    if col.type == "text":
        return t, "", None
    if col.type == "text[]":
        return f"regexp_split_to_array({t}, '\\s*[|;,]\\s*')", "", None
    if col.type == "bool":
        low = f"lower({t})"
        return (
            f"(CASE WHEN {low} IN ('1','true','t','yes','y') THEN true "
            f"WHEN {low} IN ('0','false','f','no','n') THEN false END)",
            "unparseable_boolean",
            None,
        )
    if col.type == "date":
        return f"TRY_CAST({t} AS DATE)", "unparseable_timestamp", None
    if col.type == "timestamp":
        fmt = mapping.timestamp_format if mapping else "auto"
        instant, gap, fold = _timestamp(src, fmt, zone)
        return instant, "unparseable_timestamp", (gap, fold)
    if col.unit == "ms":
        unit = "auto"
        if mapping:
            unit = mapping.duration_units.get(col.name, mapping.duration_unit)
        return _duration(src, unit), "unparseable_duration", None
    number = f"TRY_CAST(replace({t}, ',', '') AS DOUBLE)"
    if col.type in ("int", "bigint"):
        kind = "INTEGER" if col.type == "int" else "BIGINT"
        return f"TRY_CAST({number} AS {kind})", "unparseable_number", None
    return number, "unparseable_number", None


def stage_sql(
    *,
    table: Table,
    relation: str,
    plan: GenericPlan,
    mapping: IngestMapping | None,
    settings: Settings,
    program_id: str,
    source_system: str,
    batch_id: str,
    salt: str,
    time_zone: str | None,
) -> str:
    """SELECT over ``relation`` (a DuckDB table function) giving staged rows of ``table``.

    The result has the canonical columns in declaration order, then ``_record`` (NULL: the caller numbers
    rows), ``_line``, ``_err_reason``, ``_err_field``, ``_err_detail``, ``_raw`` (NULL; the caller fills it
    for rejected rows from ``_src``), ``_dst_gaps``, ``_dst_folds`` and ``_src`` (the source row as a
    struct, turned into JSON only for rows that end in the quarantine).
    """
    consts = plan.constants
    override = time_zone or (mapping.time_zone if mapping else None)
    queue_src = plan.sources.get("queue_id")
    queue_expr = (
        _text(_q(queue_src)) if queue_src else (sql_literal(consts["queue_id"]) if "queue_id" in consts else None)
    )
    zone = _zone_sql(settings, program_id, override, queue_expr)

    values: dict[str, str] = {}
    failures: list[tuple[str, str, str, str]] = []  # (condition, reason, field, detail)
    gaps: list[str] = []
    folds: list[str] = []
    for col in table.columns:
        if col.name == "program_id":
            values[col.name] = sql_literal(program_id)
            continue
        if col.name == "source_system":
            values[col.name] = sql_literal(source_system)
            continue
        if col.name == "ingest_batch_id":
            values[col.name] = sql_literal(batch_id)
            continue
        src_name = plan.sources.get(col.name)
        if src_name is None and col.name in consts:
            src = sql_literal(consts[col.name])
            field_label = f"{col.name} (constant)"
        elif src_name is None:
            values[col.name] = f"CAST(NULL AS {col.duckdb_type})"
            continue
        else:
            src = _q(src_name)
            field_label = (
                src_name if normalize_header(src_name) == normalize_header(col.name) else (f"{src_name} ({col.name})")
            )
        expr, reason, dst = _convert(col, src, mapping, zone)
        values[col.name] = expr
        if reason:
            failures.append((f"({_text(src)} IS NOT NULL AND ({expr}) IS NULL)", reason, field_label, _text(src)))
        if dst:
            gap, fold = dst
            gaps.append(f"CAST({gap} AS INTEGER)")
            folds.append(f"CAST({fold} AS INTEGER)")

    if values.get("customer_key", "").startswith("nullif"):
        values["customer_key"] = f"left(md5({sql_literal(salt + '|')} || {values['customer_key']}), 16)"
    record = values["source_record_id"]
    record_src = plan.sources.get("source_record_id")
    if record_src is not None:
        failures.insert(0, (f"({record} IS NULL)", "missing_required", record_src, "NULL"))
    key = _KEY_PREFIX_COLUMNS.get(table.name)
    if key:
        values[key] = f"({sql_literal(program_id + ':' + source_system + ':')} || {record})"
    if table.name == "contacts" and plan.sources.get("conversation_id") is None and "conversation_id" not in consts:
        values["conversation_id"] = record

    def case(pick: int) -> str:
        if not failures:
            return "CAST(NULL AS VARCHAR)"
        body = " ".join(f"WHEN {f[0]} THEN {f[pick] if pick == 3 else sql_literal(f[pick])}" for f in failures)
        return f"CASE {body} END"

    cols = ",\n  ".join(f"{expr} AS {name}" for name, expr in values.items())
    zero = "CAST(0 AS INTEGER)"
    return (
        f"SELECT\n  {cols},\n"
        "  CAST(NULL AS BIGINT) AS _record, CAST(NULL AS BIGINT) AS _line,\n"
        f"  {case(1)} AS _err_reason, {case(2)} AS _err_field, {case(3)} AS _err_detail,\n"
        "  CAST(NULL AS VARCHAR) AS _raw,\n"
        f"  {' + '.join(gaps) if gaps else zero} AS _dst_gaps,\n"
        f"  {' + '.join(folds) if folds else zero} AS _dst_folds,\n"
        f"  src AS _src\n"
        f"FROM {relation} AS src"
    )
