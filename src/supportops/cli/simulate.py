"""``supportops simulate SCENARIO.toml``: run a scenario; with ``--workspace`` import its rows into the warehouse."""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from supportops.cli.output import JSON_OPTION, err, guarded, print_json, progress_bar, table
from supportops.errors import InputError

if TYPE_CHECKING:
    from supportops.config import Settings
    from supportops.simulation import SimulationResult

SIM_WORKSPACE_OPTION = typer.Option(
    None, "--workspace", "-w", help="Import the simulated contacts, agent states, surveys and agents here."
)
SEED_OPTION = typer.Option(None, "--seed", help="Override the scenario's seed.")
DAYS_OPTION = typer.Option(None, "--days", min=1, max=400, help="Override the scenario's number of days.")

TABLE_ORDER = ("agents", "contacts", "agent_states", "surveys")


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


def _num(x: float, digits: int = 4) -> float | None:
    return None if math.isnan(x) else round(x, digits)


def _import(workspace: Path, result: SimulationResult, settings: Settings) -> dict[str, Any]:
    """Write each canonical table as Parquet and import it through the ordinary ingest path."""
    import pyarrow.parquet as pq

    from supportops.config import IngestMapping
    from supportops.warehouse.ingest import ingest_file

    program = result.scenario.program
    if settings.program(program) is None:
        known = ", ".join(p.id for p in settings.programs) or "none"
        raise InputError(f"scenario program {program!r} is not a program of the workspace (programs: {known})")
    mappings = {f"simulation-{name}": IngestMapping(table=name, duration_unit="ms") for name in TABLE_ORDER}
    settings = settings.model_copy(update={"ingest": {**settings.ingest, **mappings}})
    folder = Path(tempfile.mkdtemp(prefix="simulation-", dir=workspace))
    out: dict[str, Any] = {}
    try:
        for name in TABLE_ORDER:
            data = getattr(result, name)
            if name == "agents":  # the generic reader takes lists as delimited text
                import pyarrow.compute as pc

                for col in ("skills", "languages"):
                    joined = pc.binary_join(data.column(col), "|")
                    data = data.set_column(data.schema.get_field_index(col), col, joined)
            path = folder / f"{name}.parquet"
            pq.write_table(data, path)
            with progress_bar(f"importing simulated {name}") as update:
                r = ingest_file(
                    workspace,
                    path,
                    program_id=program,
                    fmt="parquet",
                    mapping=f"simulation-{name}",
                    progress=update,
                    settings=settings,
                )
            out[name] = r.to_json()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


@guarded
def simulate(
    scenario: Path = typer.Argument(..., help="Scenario TOML file (see docs/scenario-example.toml)."),
    workspace: Path | None = SIM_WORKSPACE_OPTION,
    seed: int | None = SEED_OPTION,
    days: int | None = DAYS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Simulate a contact centre from a scenario file: service level, abandonment and ASA per queue.

    With --workspace the simulated contacts, agent states, surveys and agents are imported into the
    workspace's warehouse (validated and deduplicated like any import).
    """
    import numpy as np

    from supportops.simulation import parse_scenario
    from supportops.simulation import simulate as run_simulation

    if not scenario.is_file():
        raise InputError(f"{scenario}: no such scenario file")
    try:
        text = scenario.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{scenario}: cannot be read: {exc}") from None
    sc = parse_scenario(text, source=str(scenario))
    changes: dict[str, Any] = {}
    if seed is not None:
        changes["seed"] = seed
    if days is not None:
        changes["days"] = days
    if changes:
        sc = sc.model_copy(update=changes)
    settings = None
    if workspace is not None:
        from supportops.workspace import open_settings

        settings = open_settings(workspace)
    with progress_bar(f"simulating {sc.name}") as update:
        update(None, f"simulating {sc.days} days")
        result = run_simulation(sc, np.random.default_rng(sc.seed), tables=workspace is not None)
    doc: dict[str, Any] = {
        "scenario": sc.name,
        "program": sc.program,
        "seed": sc.seed,
        "start": sc.start.isoformat(),
        "days": sc.days,
        "agents": result.plan.agents.size,
        "contacts_simulated": result.contacts_simulated,
        "bot_contacts": int(result.plan.bots.arrival.shape[0]),
        "seconds": round(result.seconds, 3),
        "queues": [
            {
                "queue": q.queue,
                "channel": q.channel,
                "arrivals": q.arrivals,
                "answered": q.answered,
                "abandoned": q.abandoned,
                "callbacks": q.callbacks,
                "unanswered": q.unanswered,
                "threshold_s": q.threshold_s,
                "service_level": _num(q.service_level),
                "abandon_rate": _num(q.abandon_rate),
                "asa_s": _num(q.asa, 1),
            }
            for q in result.queues
        ],
    }
    if workspace is not None and settings is not None:
        doc["imported"] = _import(workspace, result, settings)
    if as_json:
        print_json(doc)
        return
    table(
        f"Simulated {sc.name}: {sc.days} days from {sc.start}, seed {sc.seed}, {doc['agents']} agents, "
        f"{result.contacts_simulated:,} contacts in {result.seconds:.1f} s",
        ["queue", "channel", "arrivals", "answered", "abandoned", "callbacks", "SL", "threshold s", "abandon", "ASA s"],
        [
            [
                q.queue,
                q.channel,
                q.arrivals,
                q.answered,
                q.abandoned,
                q.callbacks,
                "-" if math.isnan(q.service_level) else f"{q.service_level:.1%}",
                f"{q.threshold_s:g}",
                "-" if math.isnan(q.abandon_rate) else f"{q.abandon_rate:.1%}",
                "-" if math.isnan(q.asa) else f"{q.asa:.0f}",
            ]
            for q in result.queues
        ],
    )
    if "imported" in doc:
        table(
            f"Imported into {workspace}",
            ["table", "read", "accepted", "duplicates", "quarantined"],
            [[n, d["read"], d["accepted"], d["duplicates"], d["quarantined"]] for n, d in doc["imported"].items()],
        )
    else:
        err.print("Add --workspace DIR to import the simulated rows into a warehouse.")
