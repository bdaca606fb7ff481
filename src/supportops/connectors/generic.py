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
from supportops.connectors.base import FALSE_WORDS, TRUE_WORDS
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


def _duration(t: str, unit: str) -> str:
    """Milliseconds from the trimmed text ``t`` in ``unit`` (s, ms, min, hms or auto)."""
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
        plain = f"CAST(round(TRY_CAST({t} AS DOUBLE) * 1000) AS BIGINT)"
        fallback = f"(CASE WHEN contains({t}, ':') THEN {hms} ELSE CAST(round({num} * 1000) AS BIGINT) END)"
        return f"coalesce({plain}, {fallback})"
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


def _timestamp(t: str, fmt: str, zone: str) -> tuple[str, str, str]:
    """(UTC instant, DST-gap flag, DST-fold flag) SQL for the trimmed text ``t`` of a timestamp.

    ISO 8601 text ending in ``Z`` or an offset (``+01:00``, ``+0100``, ``+01``) is an instant; anything else
    is a naive local time in ``zone``: in a spring-forward gap it moves forward by the gap, in a fall-back
    repeat it takes the first occurrence (the same rule as :func:`supportops.connectors.base.localize`).
    """
    if fmt == "auto":
        has_offset = (
            f"(right({t}, 1) IN ('Z', 'z') OR (length({t}) > 16 AND (substr({t}, -6, 1) IN ('+', '-') "
            f"OR substr({t}, -5, 1) IN ('+', '-') OR substr({t}, -3, 1) IN ('+', '-'))))"
        )
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
    if has_offset == "true":
        return aware, "false", "false"
    instant = f"(CASE WHEN {has_offset} THEN {aware} WHEN {is_fold} THEN {earlier} ELSE {later} END)"
    # CASE, not AND: DuckDB evaluates both sides of AND in a projection, and the zone lookups are costly.
    gap = f"(CASE WHEN {t} IS NULL OR {has_offset} THEN false ELSE {is_gap} END)"
    fold = f"(CASE WHEN {t} IS NULL OR {has_offset} THEN false ELSE {is_fold} END)"
    return instant, gap, fold


def _convert(col: Column, t: str, mapping: IngestMapping | None, zone: str) -> tuple[str, str, tuple[str, str] | None]:
    """(value SQL from trimmed text ``t``, parse-failure reason, optional (gap, fold) SQL) for one column."""
    if col.type == "text":
        return t, "", None
    if col.type == "text[]":
        return f"regexp_split_to_array({t}, '\\s*[|;,]\\s*')", "", None
    if col.type == "bool":
        low = f"lower({t})"
        return (
            f"(CASE WHEN {low} IN ({', '.join(map(sql_literal, TRUE_WORDS))}) THEN true "
            f"WHEN {low} IN ({', '.join(map(sql_literal, FALSE_WORDS))}) THEN false END)",
            "unparseable_boolean",
            None,
        )
    if col.type == "date":
        return f"TRY_CAST({t} AS DATE)", "unparseable_timestamp", None
    if col.type == "timestamp":
        fmt = mapping.timestamp_format if mapping else "auto"
        instant, gap, fold = _timestamp(t, fmt, zone)
        return instant, "unparseable_timestamp", (gap, fold)
    if col.unit == "ms":
        unit = "auto"
        if mapping:
            unit = mapping.duration_units.get(col.name, mapping.duration_unit)
        return _duration(t, unit), "unparseable_duration", None
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

    # Layer 1: the trimmed text of every source column used; layer 2: typed values; layer 3: parse failures.
    texts: dict[str, str] = {}
    labels: dict[str, str] = {}
    for col in table.columns:
        if col.name in _SYSTEM_COLUMNS:
            continue
        src_name = plan.sources.get(col.name)
        if src_name is not None:
            texts[col.name] = _text(_q(src_name))
            same = normalize_header(src_name) == normalize_header(col.name)
            labels[col.name] = src_name if same else f"{src_name} ({col.name})"
        elif col.name in consts:
            texts[col.name] = _text(sql_literal(consts[col.name]))
            labels[col.name] = f"{col.name} (constant)"
    queue_expr = "_t_queue_id" if "queue_id" in texts else None
    zone = _zone_sql(settings, program_id, override, queue_expr)

    values: dict[str, str] = {}
    failures: list[tuple[str, str, str]] = []  # (condition, reason, field); detail is the source text
    gaps: list[str] = []
    folds: list[str] = []
    fixed = {"program_id": program_id, "source_system": source_system, "ingest_batch_id": batch_id}
    for col in table.columns:
        if col.name in fixed:
            values[col.name] = sql_literal(fixed[col.name])
            continue
        if col.name not in texts:
            values[col.name] = f"CAST(NULL AS {col.duckdb_type})"
            continue
        t = f"_t_{col.name}"
        expr, reason, dst = _convert(col, t, mapping, zone)
        values[col.name] = expr
        if reason:
            failures.append((f"(_t_{col.name} IS NOT NULL AND {col.name} IS NULL)", reason, col.name))
        if dst and dst != ("false", "false"):
            gaps.append(f"CAST({dst[0]} AS INTEGER)")
            folds.append(f"CAST({dst[1]} AS INTEGER)")

    if "customer_key" in texts:
        values["customer_key"] = f"left(md5({sql_literal(salt + '|')} || _t_customer_key), 16)"
    record = "_t_source_record_id"
    if "source_record_id" in texts:
        failures.insert(0, (f"({record} IS NULL)", "missing_required", "source_record_id"))
    key = _KEY_PREFIX_COLUMNS.get(table.name)
    if key:
        values[key] = f"({sql_literal(program_id + ':' + source_system + ':')} || {record})"
    if table.name == "contacts" and "conversation_id" not in texts:
        values["conversation_id"] = record

    def case(pick: int) -> str:
        if not failures:
            return "CAST(NULL AS VARCHAR)"
        if pick == 1:
            body = " ".join(f"WHEN {c} THEN {sql_literal(r)}" for c, r, _ in failures)
        elif pick == 2:
            body = " ".join(f"WHEN {c} THEN {sql_literal(labels.get(f, f))}" for c, _, f in failures)
        else:
            body = " ".join(f"WHEN {c} THEN _t_{f}" for c, _, f in failures)
        return f"CASE {body} END"

    layer1 = ", ".join(f"{expr} AS _t_{name}" for name, expr in texts.items())
    layer2 = ",\n  ".join(f"{expr} AS {name}" for name, expr in values.items())
    t_cols = ", ".join(f"_t_{name}" for name in texts)
    zero = "CAST(0 AS INTEGER)"
    return (
        f"SELECT * EXCLUDE ({t_cols}) FROM (\n"
        f"SELECT *,\n"
        "  CAST(NULL AS BIGINT) AS _record, CAST(NULL AS BIGINT) AS _line,\n"
        f"  {case(1)} AS _err_reason, {case(2)} AS _err_field, {case(3)} AS _err_detail,\n"
        "  CAST(NULL AS VARCHAR) AS _raw\n"
        f"FROM (\nSELECT\n  {layer2},\n"
        f"  {' + '.join(gaps) if gaps else zero} AS _dst_gaps,\n"
        f"  {' + '.join(folds) if folds else zero} AS _dst_folds,\n"
        f"  {t_cols}, _src\n"
        f"FROM (SELECT {layer1}, src AS _src FROM {relation} AS src)))"
    )
