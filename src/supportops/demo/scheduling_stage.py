"""Demo stage: schedule the demo's agents for the last full week of its history, then measure how closely the
generated agent states followed that schedule (adherence and conformance)."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path
from typing import Any

from supportops.cli.output import progress_bar, table
from supportops.config import Settings
from supportops.errors import WorkspaceError

__all__ = ["scheduling_stage"]


def scheduling_stage(folder: Path, settings: Settings, as_json: bool, *, time_limit: float = 20.0) -> dict[str, Any]:
    """Schedule one week (the last complete week in the warehouse) of the demo workspace in ``folder``, store
    it, export it (CSV, XLSX, iCalendar) and report the gap, the LP bound and adherence against agent_states."""
    from supportops.cli.schedule import rules_from_settings, write_exports
    from supportops.scheduling import build_schedule
    from supportops.warehouse.connection import connect
    from supportops.warehouse.schedules import (
        agents_from_warehouse,
        measure_adherence,
        requirements_from_warehouse,
        save_schedule,
        schedule_zone,
    )

    rules = rules_from_settings(settings)
    zone = schedule_zone(settings)
    con = connect(folder)
    try:
        row = con.execute("SELECT max(timezone(?, arrived_at)) FROM contacts", [zone]).fetchone()
        if row is None or row[0] is None:
            raise WorkspaceError(f"{folder}: the warehouse holds no contacts to schedule against")
        last = row[0].date()
        start = last - timedelta(days=last.weekday() + (0 if last.weekday() == 6 else 7))
        staff = agents_from_warehouse(con, start, rules.overtime_max)
        req = requirements_from_warehouse(con, settings, {s for a in staff for s in a.skills}, start, 1)
        with progress_bar("scheduling the demo agents", enabled=not as_json) as update:
            result = build_schedule(req, staff, rules, time_limit=time_limit, workers=2, seed=0, progress=update)
        sid = save_schedule(con, result, zone=zone, weeks=1)
        adh = measure_adherence(con, sid, rules.interval) if result.shifts else None
    finally:
        con.close()
    exported = write_exports(folder / "exports" / sid, result, schedule_id=sid, zone=zone) if result.shifts else None
    overall = adh.overall if adh is not None else math.nan
    conformance = adh.conformance if adh is not None else math.nan
    doc: dict[str, Any] = {
        "schedule_id": sid,
        "start": start.isoformat(),
        "status": result.status,
        "skills": list(result.skills),
        "shifts": len(result.shifts),
        "agents_scheduled": result.agents_scheduled,
        "under_staffed_hours": result.under_hours,
        "over_staffed_hours": result.over_hours,
        "lp_bound_hours": None if math.isnan(result.lp_bound_hours) else result.lp_bound_hours,
        "solve_s": result.solve_s,
        "adherence": None if math.isnan(overall) else round(overall, 4),
        "conformance": None if math.isnan(conformance) else round(conformance, 4),
        "exports": None if exported is None else str(exported["folder"]),
        "reasons": list(result.reasons),
    }
    if not as_json:
        table(
            f"scheduling: week of {start} ({result.status}, {len(result.shifts)} shifts for "
            f"{result.agents_scheduled} agents in {result.solve_s:.1f} s); adherence of the generated agent states",
            ["under-staffed h", "over-staffed h", "LP bound h", "adherence", "conformance"],
            [
                [
                    round(result.under_hours, 1),
                    round(result.over_hours, 1),
                    "—" if doc["lp_bound_hours"] is None else round(result.lp_bound_hours, 1),
                    "—" if doc["adherence"] is None else f"{overall:.1%}",
                    "—" if doc["conformance"] is None else f"{conformance:.1%}",
                ]
            ],
        )
    return doc
