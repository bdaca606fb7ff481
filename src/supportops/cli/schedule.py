"""``supportops schedule`` and ``supportops adherence``: schedules from the requirement curve, kept in the
warehouse, exported (CSV, XLSX, one iCalendar per agent), and measured against what agents did.

Reading agents and requirements from files lives here; the warehouse side (requirements from the contacts
history, agents, the stored schedules and adherence) is :mod:`supportops.warehouse.schedules`.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import typer

from supportops.cli.output import JSON_OPTION, err, guarded, print_json, progress_bar, table
from supportops.cli.workspace import WORKSPACE_OPTION
from supportops.errors import InputError
from supportops.warehouse.schedules import (
    agents_from_warehouse,
    default_start,
    latest_schedule,
    measure_adherence,
    requirements_from_warehouse,
    save_schedule,
    schedule_zone,
)

if TYPE_CHECKING:
    from supportops.config import Settings
    from supportops.scheduling import Agent, Requirements, Rules, Schedule

__all__ = ["agents_from_csv", "register", "requirements_from_csv", "rules_from_settings", "write_exports"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def register(app: typer.Typer) -> None:
    app.command("schedule")(schedule_cmd)
    app.command("adherence")(adherence_cmd)


# --- inputs -----------------------------------------------------------------------------------------------


def rules_from_settings(settings: Settings) -> Rules:
    """The workspace's ``[scheduling]`` rules at its interval length."""
    from supportops.scheduling import BreakRule, Rules, parse_clock

    sc = settings.scheduling
    return Rules(
        interval=settings.staffing.interval_minutes,
        shift_lengths=tuple(round(h * 60) for h in sc.shift_lengths_h),
        start_step=sc.start_step_min,
        earliest_start=parse_clock(sc.earliest_start, name="scheduling.earliest_start"),
        latest_start=parse_clock(sc.latest_start, name="scheduling.latest_start"),
        overnight=sc.overnight,
        days_off=sc.days_off_per_week,
        consecutive_days_off=sc.consecutive_days_off,
        max_consecutive_days=sc.max_consecutive_days,
        min_rest=round(sc.min_rest_h * 60),
        breaks=tuple(BreakRule(length=a, earliest=b, latest=c) for a, b, c in sc.breaks),
        overtime_max=sc.overtime_max_h,
        late_end=parse_clock(sc.late_shift_end, name="scheduling.late_shift_end"),
        under_weight=sc.under_weight,
        over_weight=sc.over_weight,
    )


def _float(path: Path, line: int, name: str, text: str | None, *, default: float | None = None) -> float:
    if text is None or not text.strip():
        if default is not None:
            return default
        raise InputError(f"{path}, line {line}: {name} is empty")
    try:
        v = float(text)
    except ValueError:
        raise InputError(f"{path}, line {line}: {name} {text!r} is not a number") from None
    if not math.isfinite(v) or v < 0:
        raise InputError(f"{path}, line {line}: {name} {text!r} must be a finite number ≥ 0")
    return v


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path}: missing column(s) {', '.join(missing)} (needs {', '.join(required)})")
            return [(i + 2, row) for i, row in enumerate(reader)]
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None


def requirements_from_csv(path: Path, interval: int, weeks: int, start: date | None) -> Requirements:
    """``interval_start, skill, required`` (+ optional ``calls``, ``aht`` seconds) per local interval; the
    horizon starts on ``start`` or the first interval's date; intervals not listed require nobody."""
    import numpy as np

    from supportops.scheduling import Requirements

    rows = _rows(path, ("interval_start", "skill", "required"))
    parsed: list[tuple[datetime, str, float, float, float]] = []
    for line, row in rows:
        try:
            at = datetime.fromisoformat(row["interval_start"].strip())
        except ValueError:
            raise InputError(
                f"{path}, line {line}: interval_start {row['interval_start']!r} is not a date-time"
            ) from None
        if at.tzinfo is not None:
            raise InputError(f"{path}, line {line}: interval_start must be a local time without an offset")
        if (at.hour * 60 + at.minute) % interval or at.second:
            raise InputError(f"{path}, line {line}: {at:%H:%M} is not on the {interval}-minute grid")
        skill = row["skill"].strip()
        if not skill:
            raise InputError(f"{path}, line {line}: skill is empty")
        parsed.append(
            (
                at,
                skill,
                _float(path, line, "required", row["required"]),
                _float(path, line, "calls", row.get("calls"), default=0.0),
                _float(path, line, "aht", row.get("aht"), default=0.0),
            )
        )
    if not parsed:
        raise InputError(f"{path}: no requirement rows")
    first = start or min(p[0] for p in parsed).date()
    skills = tuple(sorted({p[1] for p in parsed}))
    per_day = 1440 // interval
    n = weeks * 7 * per_day
    req = np.zeros((len(skills), n))
    calls = np.zeros((len(skills), n))
    aht = np.zeros((len(skills), n))
    origin = datetime.combine(first, datetime.min.time())
    for at, skill, r, c, h in parsed:
        i = int((at - origin).total_seconds() // 60) // interval
        if 0 <= i < n:
            k = skills.index(skill)
            req[k, i], calls[k, i], aht[k, i] = r, c, h
    return Requirements(start=first, interval=interval, skills=skills, required=req, calls=calls, aht=aht)


def _minutes(text: str, where: str) -> tuple[int, int]:
    from supportops.scheduling import parse_clock

    a, _, b = text.partition("-")
    return parse_clock(a, name=where), parse_clock(b, name=where)


def agents_from_csv(path: Path, overtime_max: float) -> list[Agent]:
    """``agent_id, skills`` (``a|b``) and optionally ``min_hours, max_hours, contract_hours,
    availability`` (``mon=08:00-18:00;sat=09:00-13:00``), ``time_off`` (``2026-01-06|2026-01-07``) and
    ``preferred_start`` (``07:00-09:00``). Without min/max hours: 40 h, up to 40 h plus the overtime allowance."""
    from supportops.scheduling import Agent

    out = []
    for line, row in _rows(path, ("agent_id", "skills")):
        where = f"{path}, line {line}"
        contract = _float(path, line, "contract_hours", row.get("contract_hours"), default=-1.0)
        lo = _float(path, line, "min_hours", row.get("min_hours"), default=contract if contract >= 0 else 40.0)
        hi = _float(path, line, "max_hours", row.get("max_hours"), default=lo + overtime_max)
        avail: dict[int, tuple[int, int]] = {}
        for part in filter(None, (p.strip() for p in (row.get("availability") or "").split(";"))):
            day, _, window = part.partition("=")
            if day.strip().lower() not in WEEKDAYS:
                raise InputError(f"{where}: availability {part!r}: the day must be one of {', '.join(WEEKDAYS)}")
            avail[WEEKDAYS.index(day.strip().lower())] = _minutes(window, f"{where}: availability")
        off = set()
        for part in filter(None, (p.strip() for p in (row.get("time_off") or "").split("|"))):
            try:
                off.add(date.fromisoformat(part))
            except ValueError:
                raise InputError(f"{where}: time_off {part!r} is not a date YYYY-MM-DD") from None
        pref = (row.get("preferred_start") or "").strip()
        out.append(
            Agent(
                id=row["agent_id"].strip(),
                skills=tuple(s.strip() for s in row["skills"].split("|") if s.strip()),
                min_hours=lo,
                max_hours=hi,
                contract_hours=contract if contract >= 0 else None,
                availability=avail,
                time_off=frozenset(off),
                preferred_start=_minutes(pref, f"{where}: preferred_start") if pref else None,
            )
        )
    if not out:
        raise InputError(f"{path}: no agents")
    return out


# --- exports ------------------------------------------------------------------------------------------------


def write_exports(folder: Path, schedule: Schedule, *, schedule_id: str, zone: str) -> dict[str, Any]:
    """shifts.csv/.xlsx, coverage.csv/.xlsx and calendars/<agent>.ics in ``folder``; returns what was written."""
    from supportops.exports import write_table
    from supportops.scheduling import agent_calendar

    folder.mkdir(parents=True, exist_ok=True)
    shift_cols = ["agent_id", "skill", "date", "start", "end", "paid_hours", "breaks"]
    shift_rows = [
        [
            s.agent,
            s.skill,
            s.day.isoformat(),
            s.start.strftime("%Y-%m-%d %H:%M"),
            s.end.strftime("%Y-%m-%d %H:%M"),
            s.paid_hours,
            "; ".join(f"{b.kind} {b.start:%H:%M}-{b.end:%H:%M}" for b in s.breaks),
        ]
        for s in schedule.shifts
    ]
    cov_cols = ["interval_start", "skill", "required", "scheduled", "gap", "service_level"]
    cov_rows = []
    origin = datetime.combine(schedule.start, datetime.min.time())
    for k, skill in enumerate(schedule.skills):
        for i in range(schedule.required.shape[1]):
            at = origin + timedelta(minutes=i * schedule.interval)
            req, cov = float(schedule.required[k, i]), round(float(schedule.coverage[k, i]), 3)
            sl = float(schedule.service_level[k, i])
            cov_rows.append(
                [
                    at.strftime("%Y-%m-%d %H:%M"),
                    skill,
                    req,
                    cov,
                    round(cov - req, 3),
                    None if math.isnan(sl) else round(sl, 4),
                ]
            )
    written = [
        write_table(folder / "shifts.csv", shift_cols, shift_rows),
        write_table(folder / "shifts.xlsx", shift_cols, shift_rows, sheet="shifts"),
        write_table(folder / "coverage.csv", cov_cols, cov_rows),
        write_table(folder / "coverage.xlsx", cov_cols, cov_rows, sheet="coverage"),
    ]
    cal = folder / "calendars"
    cal.mkdir(exist_ok=True)
    stamp = datetime.now(UTC)
    tz = ZoneInfo(zone)
    agents = sorted({s.agent for s in schedule.shifts})
    for agent in agents:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in agent)
        text = agent_calendar(agent, schedule.shifts, zone=tz, schedule_id=schedule_id, stamp=stamp)
        (cal / f"{safe}.ics").write_bytes(text.encode("utf-8"))
    return {"folder": folder, "files": [p.name for p in written], "calendars": len(agents)}


# --- commands -----------------------------------------------------------------------------------------------


def _summary_rows(schedule: Schedule) -> list[list[Any]]:
    import numpy as np

    h = schedule.interval / 60.0
    rows = []
    for k, skill in enumerate(schedule.skills):
        sl = schedule.service_level[k]
        weights = schedule.required[k]
        ok = ~np.isnan(sl) & (weights > 0)
        mean_sl = float(np.average(sl[ok], weights=weights[ok])) if ok.any() else float("nan")
        rows.append(
            [
                skill,
                round(float(schedule.required[k].sum() * h), 1),
                round(float(schedule.coverage[k].sum() * h), 1),
                "—" if math.isnan(mean_sl) else f"{mean_sl:.1%}",
            ]
        )
    return rows


@guarded
def schedule_cmd(
    workspace: Path = WORKSPACE_OPTION,
    weeks: int = typer.Option(2, "--weeks", min=1, max=4, help="Weeks to schedule (1-4)."),
    requirements: Path | None = typer.Option(
        None, "--requirements", help="CSV: interval_start, skill, required (+ calls, aht); default: from history."
    ),
    agents: Path | None = typer.Option(None, "--agents", help="CSV of agents; default: the warehouse's agents."),
    start: str | None = typer.Option(None, "--start", help="First day YYYY-MM-DD (default: the next Monday)."),
    time_limit: float = typer.Option(60.0, "--time-limit", min=1.0, help="Solver time limit, seconds."),
    workers: int = typer.Option(2, "--workers", min=1, help="CP-SAT worker threads."),
    seed: int = typer.Option(0, "--seed", help="CP-SAT random seed."),
    out: Path | None = typer.Option(None, "--out", help="Export folder (default: WORKSPACE/exports/<id>)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Schedule shifts and breaks against the requirement curve; store, export and report the gap."""
    from supportops.scheduling import build_schedule, explain
    from supportops.warehouse.connection import connect
    from supportops.workspace import open_settings

    settings = open_settings(workspace)
    rules = rules_from_settings(settings)
    zone = schedule_zone(settings)
    try:
        first = date.fromisoformat(start) if start else None
    except ValueError:
        raise InputError(f"--start {start!r}: expected a date YYYY-MM-DD") from None
    con = connect(workspace)
    try:
        if requirements is not None:
            req = requirements_from_csv(requirements, rules.interval, weeks, first)
        else:
            first = first or default_start(con, zone)
            staff_skills = {s for a in agents_from_warehouse(con, first, 0.0) for s in a.skills}
            if agents is not None:
                staff_skills |= {s for a in agents_from_csv(agents, rules.overtime_max) for s in a.skills}
            req = requirements_from_warehouse(con, settings, staff_skills, first, weeks)
        staff = (
            agents_from_csv(agents, rules.overtime_max)
            if agents is not None
            else agents_from_warehouse(con, req.start, rules.overtime_max)
        )
        if not staff:
            raise InputError("no agents to schedule: ingest the agents table or give --agents FILE.csv")
        with progress_bar("scheduling", enabled=not as_json) as update:
            result = build_schedule(
                req, staff, rules, time_limit=time_limit, workers=workers, seed=seed, progress=update
            )
        sid = save_schedule(con, result, zone=zone, weeks=weeks)
    finally:
        con.close()
    doc: dict[str, Any] = {
        "status": result.status,
        "under_staffed_hours": result.under_hours,
        "over_staffed_hours": result.over_hours,
        "lp_bound_hours": None if math.isnan(result.lp_bound_hours) else result.lp_bound_hours,
        "agents_scheduled": result.agents_scheduled,
        "solve_s": result.solve_s,
    }
    if result.status == "infeasible":
        doc["reasons"] = list(result.reasons)
        if as_json:
            print_json(doc)
        for line in explain(list(result.conflicts)):
            err.print(f"[bold red]infeasible:[/] {line}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    exported = write_exports(out or workspace / "exports" / sid, result, schedule_id=sid, zone=zone)
    if as_json:
        print_json(doc)
        return
    table(
        f"Schedule {sid}: {req.start} + {weeks} week(s), {result.status}, {len(result.shifts)} shifts, "
        f"{result.agents_scheduled} agents, {result.solve_s:.1f} s",
        ["skill", "required agent-h", "scheduled agent-h", "service level"],
        _summary_rows(result),
    )
    table(
        "Gap against the requirement (agent-hours)",
        ["under-staffed", "over-staffed", "LP lower bound", "overtime h", "most weekend shifts", "most late shifts"],
        [
            [
                round(result.under_hours, 1),
                round(result.over_hours, 1),
                round(result.lp_bound_hours, 1),
                result.overtime_hours,
                result.most_weekend_shifts,
                result.most_late_shifts,
            ]
        ],
    )
    err.print(f"exports: {exported['folder']} ({', '.join(exported['files'])}, {exported['calendars']} calendars)")


@guarded
def adherence_cmd(
    workspace: Path = WORKSPACE_OPTION,
    schedule: str | None = typer.Option(None, "--schedule", help="Schedule id (default: the latest)."),
    out: Path | None = typer.Option(None, "--out", help="Write adherence per agent and interval to .csv or .xlsx."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Adherence per agent and interval, and conformance, of a stored schedule against agent_states."""
    import numpy as np

    from supportops.exports import write_table
    from supportops.warehouse.connection import connect
    from supportops.workspace import open_settings

    settings = open_settings(workspace)
    con = connect(workspace)
    try:
        sid, first, weeks = latest_schedule(con, schedule)
        res = measure_adherence(con, sid, settings.staffing.interval_minutes)
    finally:
        con.close()
    target = settings.targets.adherence_min
    agents = [
        {
            "agent_id": a,
            "scheduled_h": round(float(res.agent_scheduled_s[i]) / 3600.0, 2),
            "adherence": None if np.isnan(res.agent_adherence[i]) else round(float(res.agent_adherence[i]), 4),
            "conformance": None if np.isnan(res.agent_conformance[i]) else round(float(res.agent_conformance[i]), 4),
            "below_target": bool(not res.agent_adherence[i] >= target),
        }
        for i, a in enumerate(res.agents)
    ]
    if out is not None:
        write_table(
            out,
            ["agent_id", "interval_start_utc", "scheduled_s", "in_adherence_s", "adherence"],
            [
                [
                    res.agent[i],
                    datetime.fromtimestamp(int(res.interval_start[i]), UTC).strftime("%Y-%m-%d %H:%M"),
                    float(res.scheduled_s[i]),
                    float(res.in_adherence_s[i]),
                    None if np.isnan(res.adherence[i]) else round(float(res.adherence[i]), 4),
                ]
                for i in range(len(res.agent))
            ],
        )
    overall, conformance = res.overall, res.conformance
    doc = {
        "schedule_id": sid,
        "start": first,
        "weeks": weeks,
        "target": target,
        "adherence": None if math.isnan(overall) else round(overall, 4),
        "conformance": None if math.isnan(conformance) else round(conformance, 4),
        "agents_below_target": sum(1 for a in agents if a["below_target"]),
        "agents": agents,
    }
    if as_json:
        print_json(doc)
        return
    table(
        f"Adherence to schedule {sid} ({first}, {weeks} week(s)): {overall:.1%} overall, conformance "
        f"{conformance:.1%}, target {target:.0%}",
        ["agent", "scheduled h", "adherence", "conformance", "below target"],
        [
            [
                a["agent_id"],
                a["scheduled_h"],
                "—" if a["adherence"] is None else f"{a['adherence']:.1%}",
                "—" if a["conformance"] is None else f"{a['conformance']:.1%}",
                "yes" if a["below_target"] else "",
            ]
            for a in agents
        ],
    )
