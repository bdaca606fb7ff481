"""``supportops ingest`` and ``supportops formats``."""

from __future__ import annotations

from pathlib import Path

import typer

from supportops.cli.output import JSON_OPTION, err, guarded, out, print_json, progress_bar, table
from supportops.cli.workspace import WORKSPACE_OPTION


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("formats")(formats)


@guarded
def ingest(
    file: Path = typer.Argument(..., help="File to import."),
    workspace: Path = WORKSPACE_OPTION,
    program: str = typer.Option(None, "--program", "-p", help="Program the records belong to (default: the first)."),
    fmt: str = typer.Option("csv", "--format", "-f", help="Source format; `supportops formats` lists them."),
    mapping: str | None = typer.Option(None, help="Column mapping [ingest.<name>] for csv / parquet."),
    time_zone: str | None = typer.Option(None, "--timezone", help="Zone of naive local times (overrides the queue's)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import a file into the warehouse: validate, quarantine bad rows, skip duplicates, replace older versions."""
    from supportops.warehouse.ingest import ingest_file
    from supportops.workspace import open_settings

    settings = open_settings(workspace)
    if program is None:
        program = settings.programs[0].id if settings.programs else "default"
    with progress_bar(f"importing {file.name}") as update:
        result = ingest_file(
            workspace,
            file,
            program_id=program,
            fmt=fmt,
            mapping=mapping,
            time_zone=time_zone,
            progress=update,
            settings=settings,
        )
    doc = result.to_json()
    if as_json:
        print_json(doc)
        return
    table(
        f"Imported {file.name} ({fmt}) into {program} in {result.seconds:.1f} s",
        ["table", "read", "accepted", "replaced", "duplicates", "quarantined"],
        [[name, t.read, t.accepted, t.replaced, t.duplicates, t.quarantined] for name, t in result.tables.items()],
    )
    if result.quarantine_reasons:
        table("Quarantined by reason", ["reason", "rows"], [[k, v] for k, v in result.quarantine_reasons.items()])
        err.print(f"See them with: supportops quarantine --workspace {workspace} --batch {result.batch_id}")
    if result.dst_gaps or result.dst_folds:
        out.print(
            f"Daylight-saving: {result.dst_gaps} local times in a spring-forward gap moved forward, "
            f"{result.dst_folds} in a fall-back repeat read as the first occurrence."
        )


@guarded
def formats(as_json: bool = JSON_OPTION) -> None:
    """The formats `supportops ingest --format` reads."""
    from supportops.connectors.registry import FORMATS

    if as_json:
        print_json({name: c.description for name, c in FORMATS.items()})
        return
    table("Ingest formats", ["format", "what it reads"], [[n, c.description] for n, c in FORMATS.items()])
