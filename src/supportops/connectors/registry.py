"""The ingest formats supportops reads, by the name ``supportops ingest --format`` takes."""

from __future__ import annotations

import importlib
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from supportops.connectors.base import IngestContext, Staged
from supportops.errors import InputError, UnknownFormatError
from supportops.warehouse.validation import sql_literal

if TYPE_CHECKING:
    import duckdb

    from supportops.warehouse.ingest import Progress

__all__ = ["FORMATS", "Stager", "get_connector"]


class Stager(Protocol):
    """Fills the staging tables for one file (see :class:`supportops.connectors.base.Staged`)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def stage(self, con: duckdb.DuckDBPyConnection, ctx: IngestContext, progress: Progress | None) -> Staged: ...


@dataclass(frozen=True, slots=True)
class PythonStager:
    """A connector module whose ``read(ctx)`` yields staged Arrow batches."""

    name: str
    description: str
    module: str

    def stage(self, con: duckdb.DuckDBPyConnection, ctx: IngestContext, progress: Progress | None) -> Staged:
        from supportops.warehouse.ingest import stage_batches

        reader = importlib.import_module(self.module)
        stage_batches(con, reader.read(ctx), progress)
        return Staged()


def _run_with_progress(con: duckdb.DuckDBPyConnection, sql: str, progress: Progress | None, what: str) -> None:
    """Run one long statement, reporting DuckDB's own progress estimate while it runs."""
    if progress is None:
        con.execute(sql)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.2)
        try:
            pct = con.query_progress()
        except Exception:
            pct = -1
        progress(pct / 100 if pct is not None and pct >= 0 else None, what)
    if failure:
        raise failure[0]
    progress(1.0, what)


@dataclass(frozen=True, slots=True)
class GenericStager:
    """Generic CSV or Parquet, mapped by ``[ingest.<mapping>]`` (or canonical headers)."""

    name: str
    description: str

    def stage(self, con: duckdb.DuckDBPyConnection, ctx: IngestContext, progress: Progress | None) -> Staged:
        from supportops.connectors.generic import plan_columns, stage_sql
        from supportops.connectors.textfile import TextFormat, record_lines, record_lines_scan, sniff, utf8_copy
        from supportops.schema import TABLES
        from supportops.warehouse.ingest import stage_statement, validated_sql

        mapping = None
        if ctx.mapping is not None:
            mapping = ctx.settings.ingest.get(ctx.mapping)
            if mapping is None:
                known = ", ".join(ctx.settings.ingest) or "none"
                raise InputError(f"--mapping {ctx.mapping!r} is not in [ingest] of the workspace (mappings: {known})")
        table = TABLES[mapping.table if mapping else "contacts"]
        path = ctx.source_file
        system = f"{self.name}:{ctx.mapping}" if ctx.mapping else self.name
        tmpdir: Path | None = None
        if self.name == "parquet":
            relation = f"read_parquet({sql_literal(str(path))})"
            try:
                header = tuple(str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall())
            except Exception as exc:
                raise InputError(f"{path}: not a readable Parquet file: {exc}") from None
            fmt = None
        else:
            fmt = sniff(path, delimiter=mapping.delimiter if mapping else "auto")
            header = fmt.header
            read_path = path
            if fmt.encoding not in ("utf-8", "utf-8-sig"):
                tmpdir = Path(tempfile.mkdtemp(prefix="supportops-"))
                read_path = utf8_copy(path, fmt.encoding, tmpdir / "utf8.csv")
            columns = "{" + ", ".join(f"{sql_literal(h)}: 'VARCHAR'" for h in header) + "}"
            relation = (
                f"read_csv({sql_literal(str(read_path))}, header=true, delim={sql_literal(fmt.delimiter)}, "
                f"quote='\"', escape='\"', columns={columns}, auto_detect=false, "
                "store_rejects=true, rejects_table='_csv_rejects', rejects_scan='_csv_scans', "
                "max_line_size=8388608, null_padding=false)"
            )
        plan = plan_columns(table, header, mapping, str(path))
        inner = stage_sql(
            table=table,
            relation=relation,
            plan=plan,
            mapping=mapping,
            settings=ctx.settings,
            program_id=ctx.program_id,
            source_system=system,
            batch_id=ctx.batch_id,
            salt=ctx.customer_salt,
            time_zone=ctx.time_zone,
        )
        try:
            try:
                _run_with_progress(con, stage_statement(table, inner, narrow=True), progress, f"checking {path.name}")
            except Exception as exc:
                raise InputError(f"{path}: cannot be read as {self.name}: {exc}") from None
            rows_sql = {table.name: validated_sql(table, inner)}
            temps = (tmpdir,) if tmpdir is not None else ()
            if fmt is None:
                return Staged(rows_sql=rows_sql)
            malformed = _stage_malformed(con, table.name)
            rejected = [
                int(r[0])
                for r in con.execute(
                    f"SELECT rowid + 1 FROM stage_{table.name} WHERE _reason IS NOT NULL AND _record IS NULL "
                    "AND _reason <> 'malformed_row'"
                ).fetchall()
            ]
            if malformed:
                utf8 = TextFormat(encoding="utf-8-sig", delimiter=fmt.delimiter, header=fmt.header)
                lines = record_lines(read_path, utf8, rejected, expected_fields=len(fmt.header))
            else:
                lines = record_lines_scan(read_path, rejected)
            return Staged(lines={table.name: lines}, rows_sql=rows_sql, temp_dirs=temps)
        except BaseException:
            if tmpdir is not None:
                shutil.rmtree(tmpdir, ignore_errors=True)
            raise


def _stage_malformed(con: duckdb.DuckDBPyConnection, table_name: str) -> int:
    """Move the rows DuckDB's CSV reader could not split into the stage, as ``malformed_row``; how many."""
    try:
        rows = con.execute(
            "SELECT line, column_name, error_type, error_message, csv_line FROM _csv_rejects ORDER BY line"
        ).fetchall()
    except Exception:  # no rejects table: the reader rejected nothing
        return 0
    if not rows:
        return 0
    seen: set[int] = set()
    values = []
    for line, column, _etype, message, csv_line in rows:
        if int(line) in seen:
            continue
        seen.add(int(line))
        values.append((int(line), str(column or ""), str(message or "")[:500], str(csv_line or "")))
    con.execute("CREATE OR REPLACE TEMP TABLE _malformed (line BIGINT, field VARCHAR, detail VARCHAR, raw VARCHAR)")
    con.executemany("INSERT INTO _malformed VALUES (?, ?, ?, ?)", values)
    con.execute(
        f"""INSERT INTO stage_{table_name} BY NAME
        SELECT NULL::BIGINT AS _record, line AS _line, 'malformed_row' AS _reason, field AS _field,
               detail AS _detail, raw AS _raw, 0 AS _dst_gaps, 0 AS _dst_folds
        FROM _malformed"""
    )
    return len(values)


FORMATS: dict[str, Stager] = {
    "csv": GenericStager("csv", "Generic delimited text, mapped by [ingest.<mapping>] or canonical headers."),
    "parquet": GenericStager("parquet", "Generic Parquet, mapped like csv."),
    "anonymous-bank": PythonStager(
        "anonymous-bank",
        "Per-call log of the 'Anonymous Bank' call centre (tab-separated, local times, VRU/queue/service).",
        "supportops.connectors.anonymous_bank",
    ),
    "amazon-connect": PythonStager(
        "amazon-connect", "Amazon Connect contact records (JSON lines).", "supportops.connectors.amazon_connect"
    ),
    "genesys": PythonStager(
        "genesys", "Genesys Cloud analytics conversation details (JSON).", "supportops.connectors.genesys"
    ),
    "five9": PythonStager("five9", "Five9 call log report (CSV).", "supportops.connectors.five9"),
    "zendesk": PythonStager(
        "zendesk", "Zendesk tickets with metric sets and satisfaction ratings (JSON).", "supportops.connectors.zendesk"
    ),
}


def get_connector(name: str) -> Stager:
    """The connector for an ingest format name."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormatError(f"--format {name!r} is not known; formats are {', '.join(FORMATS)}") from None
