"""``supportops demo``: a workspace filled with a realistic program, imported and summarised."""

from __future__ import annotations

from pathlib import Path

import typer

from supportops.cli.output import JSON_OPTION, guarded


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


@guarded
def demo(
    folder: Path = typer.Argument(Path("supportops-demo"), help="Folder for the demo workspace."),
    weeks: int = typer.Option(10, min=1, max=26, help="Weeks of history to generate."),
    seed: int = typer.Option(7, help="Random seed (the same seed gives the same data)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a demo workspace with a generated multi-channel program, then import, staff, forecast and measure it."""
    from supportops.demo import run_demo

    run_demo(folder, weeks=weeks, seed=seed, as_json=as_json)
