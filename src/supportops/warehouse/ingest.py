"""Importing a file into the warehouse: stage, validate, quarantine, deduplicate, merge in one transaction.

The contract, for every format:

* every data record of the file is either written, counted as a duplicate, or quarantined with its file,
  record number, line, field and reason (``read = accepted + replaced + duplicates + quarantined``);
* the merge runs in one transaction: an import that fails half-way leaves the warehouse as it was;
* the same file imported twice adds nothing: rows whose key is stored with the same or a newer version are
  duplicates, and rejected records already in the quarantine (same file content, same record) are too;
* a row with a newer ``source_version`` replaces the stored one.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supportops.config import Settings, load_settings
from supportops.connectors.base import IngestContext, Staged, StagedBatch
from supportops.errors import IngestError, InputError
from supportops.schema import TABLES, Table
from supportops.warehouse.connection import connect, customer_salt
from supportops.warehouse.validation import reason_sql

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "IngestResult",
    "Progress",
    "TableResult",
    "ingest_file",
    "stage_batches",
    "stage_statement",
    "validated_sql",
]

Progress = Callable[[float | None, str], None]
"""Called with (fraction done or None when unknown, what is happening)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TableResult:
    """What one import did to one canonical table."""

    read: int = 0
    accepted: int = 0
    replaced: int = 0
    duplicates: int = 0
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestResult:
    """What one import did: counts over every table, per table, and the DST resolutions it made."""

    batch_id: str
    program_id: str
    format: str
    source_file: str
    tables: dict[str, TableResult]
    dst_gaps: int
    dst_folds: int
    seconds: float

    def _sum(self, name: str) -> int:
        return sum(int(getattr(t, name)) for t in self.tables.values())

    @property
    def read(self) -> int:
        return self._sum("read")

    @property
    def accepted(self) -> int:
        return self._sum("accepted")

    @property
    def replaced(self) -> int:
        return self._sum("replaced")

    @property
    def duplicates(self) -> int:
        return self._sum("duplicates")

    @property
    def quarantined(self) -> int:
        return self._sum("quarantined")

    @property
    def quarantine_reasons(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.tables.values():
            for reason, n in t.quarantine_reasons.items():
                out[reason] = out.get(reason, 0) + n
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_json(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "accepted": self.accepted,
            "replaced": self.replaced,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "quarantine_reasons": self.quarantine_reasons,
            "batch_id": self.batch_id,
            "program": self.program_id,
            "format": self.format,
            "file": self.source_file,
            "tables": {
                name: {
                    "read": t.read,
                    "accepted": t.accepted,
                    "replaced": t.replaced,
                    "duplicates": t.duplicates,
                    "quarantined": t.quarantined,
                    "quarantine_reasons": t.quarantine_reasons,
                }
                for name, t in self.tables.items()
            },
            "dst_gaps_resolved": self.dst_gaps,
            "dst_folds_resolved": self.dst_folds,
            "seconds": round(self.seconds, 3),
        }


def _stage_name(table: Table) -> str:
    return f"stage_{table.name}"


def _validated(table: Table, inner: str, *, has_src: bool) -> str:
    """Wrap a staged SELECT with the quarantine reason, field and detail of each row."""
    rule, reason, fld, detail = reason_sql(table)
    raw = "CASE WHEN _reason IS NOT NULL THEN coalesce(_raw, CAST(to_json(_src) AS VARCHAR)) END" if has_src else "_raw"
    exclude = "_raw, _src" if has_src else "_raw"
    return (
        f"SELECT * EXCLUDE ({exclude}, _rule), {raw} AS _raw FROM ("
        f"SELECT *, {reason} AS _reason, {fld} AS _field, {detail} AS _detail FROM ("
        f"SELECT *, {rule} AS _rule FROM ({inner})))"
    )


def validated_sql(table: Table, inner_sql: str) -> str:
    """The staged rows of a generic SELECT (with ``_src``) with their quarantine reason, field and detail."""
    return _validated(table, inner_sql, has_src=True)


def stage_statement(table: Table, inner_sql: str, *, narrow: bool = False) -> str:
    """SQL staging the rows of a generic SELECT; ``narrow`` keeps only what counting and quarantine need."""
    rows = validated_sql(table, inner_sql)
    if narrow:
        version = f", {table.version_column}" if table.version_column else ""
        rows = (
            f"SELECT {table.key}{version}, _record, _line, _reason, _field, _detail, _raw, _dst_gaps, _dst_folds "
            f"FROM ({rows})"
        )
    return f"CREATE OR REPLACE TEMP TABLE {_stage_name(table)} AS {rows}"


def stage_batches(
    con: duckdb.DuckDBPyConnection, batches: Iterable[StagedBatch], progress: Progress | None = None
) -> int:
    """Stage Arrow record batches from a Python connector; returns the number of records staged."""
    created: set[str] = set()
    n = 0
    for table_name, batch in batches:
        table = TABLES[table_name]
        name = _stage_name(table)
        con.register("_batch", batch)
        try:
            select = _validated(table, "SELECT *, 0 AS _dst_gaps, 0 AS _dst_folds FROM _batch", has_src=False)
            if table_name not in created:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {select}")
                created.add(table_name)
            else:
                con.execute(f"INSERT INTO {name} {select}")
        finally:
            con.unregister("_batch")
        n += batch.num_rows
        if progress:
            progress(None, f"read {n:,} records")
    return n


def _sha256_in_background(path: Path) -> Callable[[], str]:
    result: dict[str, str] = {}

    def work() -> None:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
        result["digest"] = h.hexdigest()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()

    def wait() -> str:
        thread.join()
        return result["digest"]

    return wait


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    rows = con.execute(sql, params or []).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def _merge_table(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    *,
    batch_id: str,
    program_id: str,
    source_file: str,
    sha256: str,
    lines: dict[int, int],
    rows_sql: str | None = None,
) -> TableResult:
    """Quarantine the rejected rows of one staged table and merge the valid ones (inside a transaction).

    ``rows_sql``, when given, yields the full validated rows in the stage's order (the stage then holds only
    the key, version and quarantine columns).
    """
    stage = _stage_name(table)
    key, version = table.key, table.version_column or "NULL"
    rec = "CASE WHEN s._reason = 'malformed_row' THEN s._record ELSE coalesce(s._record, s.rowid + 1) END"
    read = _count(con, f"SELECT count(*) FROM {stage}")

    # Rejected rows: new ones go to the quarantine, ones already there (same content, same record) are duplicates.
    con.execute("CREATE OR REPLACE TEMP TABLE _lines (record BIGINT, line BIGINT)")
    if lines:
        con.executemany("INSERT INTO _lines VALUES (?, ?)", list(lines.items()))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _rejected AS
        SELECT {rec} AS record, coalesce(s._line, l.line) AS line, s._field AS field, s._reason AS reason,
               s._detail AS detail, s._raw AS raw
        FROM {stage} s LEFT JOIN _lines l ON l.record = {rec}
        WHERE s._reason IS NOT NULL"""
    )
    rejected = _count(con, "SELECT count(*) FROM _rejected")
    known = _count(
        con,
        "SELECT count(*) FROM _rejected r WHERE EXISTS (SELECT 1 FROM quarantine q WHERE q.source_sha256 = ? "
        "AND q.table_name = ? AND q.record IS NOT DISTINCT FROM r.record AND q.line IS NOT DISTINCT FROM r.line"
        " AND q.reason = r.reason)",
        [sha256, table.name],
    )
    reasons: dict[str, int] = {}
    if rejected > known:
        con.execute(
            """INSERT INTO quarantine SELECT ?, ?, ?, ?, ?, record, line, field, reason, detail, raw, now()
            FROM _rejected r WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.source_sha256 = ?
              AND q.table_name = ? AND q.record IS NOT DISTINCT FROM r.record
              AND q.line IS NOT DISTINCT FROM r.line AND q.reason = r.reason)""",
            [batch_id, program_id, table.name, source_file, sha256, sha256, table.name],
        )
        reasons = {
            str(r): int(n)
            for r, n in con.execute(
                "SELECT reason, count(*) FROM quarantine WHERE batch_id = ? AND table_name = ? GROUP BY reason",
                [batch_id, table.name],
            ).fetchall()
        }
    quarantined = rejected - known

    # Valid rows: keep the newest copy of each key within the file, then merge against the warehouse.
    # Counting and matching use the stage's key and version; full rows come from ``rows_sql`` (the stage
    # itself, or for large generic files the validated query, read a second time instead of materialised).
    valid = read - rejected
    cols = ", ".join(table.column_names)
    rows_rel = f"({rows_sql})" if rows_sql else stage
    dup_keys = _count(
        con,
        f"SELECT count(*) FROM (SELECT {key} FROM {stage} WHERE _reason IS NULL GROUP BY {key} HAVING count(*) > 1)",
    )
    if dup_keys:
        numbered = (
            f"(SELECT *, row_number() OVER () AS _rn FROM {rows_rel})"
            if rows_sql
            else f"(SELECT *, {rec} AS _rn FROM {stage} s)"
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _best_t AS SELECT {cols} FROM {numbered} WHERE _reason IS NULL
            QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {version} DESC NULLS LAST, _rn DESC) = 1"""
        )
        best = keys = "_best_t"
        unique = _count(con, "SELECT count(*) FROM _best_t")
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW _best_v AS SELECT {cols} FROM {rows_rel} WHERE _reason IS NULL")
        best = "_best_v"
        keys = f"(SELECT {key}{', ' + version if table.version_column else ''} FROM {stage} WHERE _reason IS NULL)"
        unique = valid
    in_file_duplicates = valid - unique

    stored = _count(con, f"SELECT count(*) FROM (SELECT 1 FROM {table.name} LIMIT 1)")
    if not stored:
        # Row order inside the table means nothing; letting DuckDB write in any order is markedly faster.
        con.execute("SET preserve_insertion_order = false")
        try:
            con.execute(f"INSERT INTO {table.name} SELECT {cols} FROM {best}")
        finally:
            con.execute("RESET preserve_insertion_order")
        accepted, replaced, existing_dups = unique, 0, 0
    else:
        newer = (
            f"(s.{version} > t.{version} OR (t.{version} IS NULL AND s.{version} IS NOT NULL))"
            if table.version_column
            else "false"
        )
        row = con.execute(
            f"""SELECT count(*) FILTER (WHERE t.{key} IS NULL),
                       count(*) FILTER (WHERE t.{key} IS NOT NULL AND {newer})
                FROM {keys} s LEFT JOIN {table.name} t ON s.{key} = t.{key}"""
        ).fetchall()[0]
        accepted, replaced = int(row[0]), int(row[1])
        existing_dups = unique - accepted - replaced
        if replaced:
            con.execute(
                f"""DELETE FROM {table.name} WHERE {key} IN (
                    SELECT s.{key} FROM {keys} s JOIN {table.name} t ON s.{key} = t.{key} WHERE {newer})"""
            )
        if accepted or replaced:
            con.execute(
                f"""INSERT INTO {table.name} SELECT {cols} FROM {best} s
                WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE t.{key} = s.{key})"""
            )
    con.execute("DROP VIEW IF EXISTS _best_v")
    con.execute("DROP TABLE IF EXISTS _best_t")
    return TableResult(
        read=read,
        accepted=accepted,
        replaced=replaced,
        duplicates=in_file_duplicates + existing_dups + known,
        quarantined=quarantined,
        quarantine_reasons=reasons,
    )


def _staged_tables(con: duckdb.DuckDBPyConnection) -> list[Table]:
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}
    return [t for t in TABLES.values() if _stage_name(t) in names]


def new_batch_id() -> str:
    """A sortable, unique import id: UTC time plus 6 random hex digits."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def ingest_file(
    workspace: Path,
    path: Path,
    *,
    program_id: str,
    fmt: str,
    mapping: str | None = None,
    time_zone: str | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
) -> IngestResult:
    """Import ``path`` in format ``fmt`` for ``program_id`` into the workspace's warehouse."""
    from supportops.connectors.registry import get_connector

    started = time.perf_counter()
    settings = settings or load_settings(workspace)
    if settings.program(program_id) is None:
        known = ", ".join(p.id for p in settings.programs) or "none"
        raise InputError(f"--program {program_id!r} is not a program of the workspace (programs: {known})")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    connector = get_connector(fmt)
    digest = _sha256_in_background(path)
    con = connect(workspace)
    staged: Staged | None = None
    try:
        batch_id = new_batch_id()
        ctx = IngestContext(
            program_id=program_id,
            settings=settings,
            source_file=path,
            batch_id=batch_id,
            customer_salt=customer_salt(con),
            time_zone=time_zone,
            mapping=mapping,
        )
        begun = datetime.now(UTC)
        staged = connector.stage(con, ctx, progress)
        tables = _staged_tables(con)
        sha256 = digest()
        gaps, fold_n = ctx.counters.dst_gaps, ctx.counters.dst_folds
        for t in tables:
            g, f = con.execute(
                f"SELECT coalesce(sum(_dst_gaps), 0), coalesce(sum(_dst_folds), 0) FROM {_stage_name(t)}"
            ).fetchall()[0]
            gaps, fold_n = gaps + int(g), fold_n + int(f)
        if progress:
            progress(None, "merging into the warehouse")
        results: dict[str, TableResult] = {}
        con.execute("BEGIN TRANSACTION")
        try:
            for t in tables:
                results[t.name] = _merge_table(
                    con,
                    t,
                    batch_id=batch_id,
                    program_id=program_id,
                    source_file=str(path),
                    sha256=sha256,
                    lines=staged.lines.get(t.name, {}),
                    rows_sql=staged.rows_sql.get(t.name),
                )
            result = IngestResult(
                batch_id=batch_id,
                program_id=program_id,
                format=fmt,
                source_file=str(path),
                tables=results,
                dst_gaps=gaps,
                dst_folds=fold_n,
                seconds=time.perf_counter() - started,
            )
            con.execute(
                "INSERT INTO ingest_batches VALUES (?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?)",
                [
                    batch_id,
                    program_id,
                    fmt,
                    str(path),
                    sha256,
                    begun,
                    result.read,
                    result.accepted,
                    result.replaced,
                    result.duplicates,
                    result.quarantined,
                    gaps,
                    fold_n,
                ],
            )
            con.execute("COMMIT")
        except BaseException as exc:
            con.execute("ROLLBACK")
            if isinstance(exc, InputError | IngestError):
                raise
            if isinstance(exc, Exception):
                raise IngestError(f"{path}: import failed, nothing was written: {exc}") from exc
            raise
        return result
    finally:
        con.close()
        for folder in staged.temp_dirs if staged is not None else ():
            shutil.rmtree(folder, ignore_errors=True)
