"""``supportops init``, ``status``, ``schema`` and ``quarantine``."""

from __future__ import annotations

from pathlib import Path

import typer

from supportops.cli.output import JSON_OPTION, guarded, out, print_json, table
from supportops.schema import TABLES, markdown

WORKSPACE_OPTION = typer.Option(Path("."), "--workspace", "-w", help="Workspace folder.")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("status")(status)
    app.command("schema")(schema)
    app.command("quarantine")(quarantine)


@guarded
def init(
    folder: Path = typer.Argument(..., help="Folder to create the workspace in."),
    name: str = typer.Option("supportops workspace", help="Workspace name."),
    time_zone: str = typer.Option("UTC", "--time-zone", help="IANA time zone of the operation."),
    program: str = typer.Option("default", help="Id of the first program (client)."),
    force: bool = typer.Option(False, help="Rewrite supportops.toml of an existing workspace (data kept)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a workspace: a commented supportops.toml and an empty warehouse."""
    from supportops.workspace import init_workspace

    settings = init_workspace(folder, name=name, time_zone=time_zone, program=program, force=force)
    doc = {
        "workspace": str(folder),
        "config": str(folder / "supportops.toml"),
        "programs": [p.id for p in settings.programs],
    }
    if as_json:
        print_json(doc)
    else:
        out.print(f"Created workspace [bold]{folder}[/]: edit {folder / 'supportops.toml'} to describe your operation.")


@guarded
def status(workspace: Path = WORKSPACE_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Rows per table and the latest imports of a workspace."""
    from supportops.warehouse.connection import connect, table_counts
    from supportops.workspace import open_settings

    open_settings(workspace)
    con = connect(workspace)
    try:
        counts = table_counts(con)
        batches = con.execute(
            "SELECT batch_id, program_id, format, source_file, read, accepted, replaced, duplicates, quarantined "
            "FROM ingest_batches ORDER BY started_at DESC LIMIT 10"
        ).fetchall()
    finally:
        con.close()
    if as_json:
        keys = ["batch_id", "program", "format", "file", "read", "accepted", "replaced", "duplicates", "quarantined"]
        print_json({"tables": counts, "recent_imports": [dict(zip(keys, b, strict=True)) for b in batches]})
        return
    table("Warehouse", ["table", "rows"], [[k, v] for k, v in counts.items()])
    if batches:
        table(
            "Recent imports",
            ["batch", "program", "format", "file", "read", "accepted", "replaced", "duplicates", "quarantined"],
            [[b[0], b[1], b[2], Path(b[3]).name, *b[4:]] for b in batches],
        )


@guarded
def schema(
    markdown_out: bool = typer.Option(False, "--markdown", help="Print the schema page (docs/schema.md)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The canonical tables: columns, types, required, allowed values."""
    if markdown_out:
        print(markdown(), end="")
        return
    if as_json:
        print_json(
            {
                t.name: {
                    "key": t.key,
                    "columns": [
                        {
                            "name": c.name,
                            "type": c.type,
                            "required": c.required,
                            "allowed": list(c.allowed) if c.allowed else None,
                            "minimum": c.minimum,
                            "maximum": c.maximum,
                            "unit": c.unit,
                        }
                        for c in t.columns
                    ],
                }
                for t in TABLES.values()
            }
        )
        return
    for t in TABLES.values():
        table(
            f"{t.name} (key {t.key})",
            ["column", "type", "required", "allowed / range"],
            [
                [
                    c.name,
                    c.type,
                    "yes" if c.required else "",
                    ", ".join(c.allowed) if c.allowed else ("" if c.minimum is None else f">= {c.minimum:g}"),
                ]
                for c in t.columns
            ],
        )


@guarded
def quarantine(
    workspace: Path = WORKSPACE_OPTION,
    batch: str | None = typer.Option(None, help="Only this import (batch id)."),
    limit: int = typer.Option(50, help="Rows to show."),
    export: Path | None = typer.Option(None, help="Write every matching row to this CSV or XLSX file."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rejected rows with their file, record, line, field and reason."""
    from supportops.warehouse.connection import connect
    from supportops.workspace import open_settings

    open_settings(workspace)
    con = connect(workspace)
    try:
        where, params = ("WHERE batch_id = ?", [batch]) if batch else ("", [])
        cols = ["batch_id", "table_name", "source_file", "record", "line", "field", "reason", "detail"]
        rows = con.execute(
            f"SELECT {', '.join(cols)} FROM quarantine {where} ORDER BY quarantined_at, record, line", params
        ).fetchall()
        reasons = con.execute(f"SELECT reason, count(*) FROM quarantine {where} GROUP BY 1 ORDER BY 2 DESC", params)
        by_reason = {str(r): int(n) for r, n in reasons.fetchall()}
    finally:
        con.close()
    if export is not None:
        from supportops.exports import write_table

        write_table(export, cols, rows)
    if as_json:
        print_json(
            {
                "total": len(rows),
                "reasons": by_reason,
                "rows": [dict(zip(cols, r, strict=True)) for r in rows[:limit]],
                "exported_to": str(export) if export else None,
            }
        )
        return
    table("Quarantine by reason", ["reason", "rows"], [[k, v] for k, v in by_reason.items()])
    table(
        f"Quarantined rows (first {min(limit, len(rows))} of {len(rows)})",
        ["table", "file", "record", "line", "field", "reason", "detail"],
        [[r[1], Path(str(r[2])).name, r[3], r[4], r[5], r[6], (r[7] or "")[:60]] for r in rows[:limit]],
    )
