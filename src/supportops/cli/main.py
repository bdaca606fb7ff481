"""The ``supportops`` command: one Typer app; each area adds its commands from its own module."""

from __future__ import annotations

import typer

from supportops import __version__
from supportops.cli import capacity, demo, forecast, ingest, metrics, quality, staff, workspace
from supportops.cli import reasons as reasons_cli
from supportops.cli import schedule as schedule_cli
from supportops.cli import simulate as simulate_cli

app = typer.Typer(
    name="supportops",
    help="Run a customer-support operation end to end: ingest, forecast, staff, schedule, measure, improve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"supportops {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """supportops: contact records in, forecasts, staffing, schedules, quality and a balanced scorecard out."""


workspace.register(app)
ingest.register(app)
demo.register(app)
staff.register(app)
metrics.register(app)
forecast.register(app)
capacity.register(app)
quality.register(app)
simulate_cli.register(app)
schedule_cli.register(app)
reasons_cli.register(app)
