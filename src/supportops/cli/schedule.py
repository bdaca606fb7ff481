"""``supportops schedule`` and ``supportops adherence``: schedules from the requirement curve, kept in the
warehouse, exported (CSV, XLSX, one iCalendar per agent), and measured against what agents did.

The warehouse I/O lives here (the scheduling package is pure): requirements derived from the contacts
history through the queueing package, agents from the ``agents`` table, and the ``schedule_runs`` /
``schedule_activities`` tables this module owns.
"""

from __future__ import annotations

import csv
import math
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import typer

from supportops.cli.output import JSON_OPTION, err, guarded, print_json, progress_bar, table
from supportops.cli.workspace import WORKSPACE_OPTION
from supportops.errors import InputError, WorkspaceError

if TYPE_CHECKING:
    import duckdb

    from supportops.config import Settings
    from supportops.scheduling import Agent, Requirements, Rules, Schedule

__all__ = [
    "ACTIVITIES_DDL",
    "RUNS_DDL",
    "agents_from_warehouse",
    "latest_schedule",
    "measure_adherence",
    "register",
    "requirements_from_warehouse",
    "rules_from_settings",
    "save_schedule",
    "write_exports",
]

RUNS_DDL = """CREATE TABLE IF NOT EXISTS schedule_runs (
  schedule_id VARCHAR, created_at TIMESTAMPTZ, start_date DATE, weeks INTEGER, time_zone VARCHAR,
  interval_minutes INTEGER, status VARCHAR, under_staffed_hours DOUBLE, over_staffed_hours DOUBLE,
  lp_bound_hours DOUBLE, agents_scheduled INTEGER, solve_s DOUBLE
)"""
ACTIVITIES_DDL = """CREATE TABLE IF NOT EXISTS schedule_activities (
  schedule_id VARCHAR, agent_id VARCHAR, skill VARCHAR, activity VARCHAR, start_at TIMESTAMPTZ, end_at TIMESTAMPTZ
)"""
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NOT_SCHEDULED = ("bot", "self_service")


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


def _zone(settings: Settings) -> str:
    return settings.time_zone_for(settings.programs[0].id) if settings.programs else settings.workspace.time_zone


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


def agents_from_warehouse(con: duckdb.DuckDBPyConnection, start: date, overtime_max: float) -> list[Agent]:
    """Active agents of the ``agents`` table: contract hours as the minimum, plus the overtime allowance."""
    from supportops.scheduling import Agent

    rows = con.execute(
        """SELECT agent_id, skills, coalesce(contract_hours_week, 40.0) FROM agents
           WHERE end_date IS NULL OR end_date >= ? ORDER BY agent_id""",
        [start],
    ).fetchall()
    return [
        Agent(id=str(a), skills=tuple(s or ()), min_hours=float(h), max_hours=float(h) + overtime_max)
        for a, s, h in rows
    ]


def _default_start(con: duckdb.DuckDBPyConnection, zone: str) -> date:
    row = con.execute("SELECT max(timezone(?, arrived_at)) FROM contacts", [zone]).fetchone()
    last = row[0].date() if row and row[0] is not None else date.today()
    return last + timedelta(days=7 - last.weekday())


def requirements_from_warehouse(
    con: duckdb.DuckDBPyConnection, settings: Settings, skills: set[str], start: date, weeks: int
) -> Requirements:
    """Agents required per queue (a skill) and interval, from the average week of the contacts history before
    ``start`` (the last ``forecasting.history_weeks`` weeks, or all of it when none precede ``start``).

    Voice: Erlang C to the service-level target; chat and messaging: Erlang C on the load divided by the chat
    concurrency; email and social: the workload at the maximum occupancy. Breaks are scheduled explicitly, so no
    shrinkage is added."""
    import numpy as np

    from supportops.queueing import Targets, offered_load, required_agents
    from supportops.scheduling import Requirements

    interval = settings.staffing.interval_minutes
    per_day = 1440 // interval
    queues = [q for q in settings.queues if q.id in skills and q.channel not in _NOT_SCHEDULED]
    if not queues:
        raise InputError(
            "no queue of this workspace matches an agent skill; give --requirements FILE.csv or align "
            "the agents' skills with queue ids"
        )
    zone = _zone(settings)
    lo = datetime.combine(start - timedelta(weeks=settings.forecasting.history_weeks), datetime.min.time())
    hi = datetime.combine(start, datetime.min.time())
    sql = f"""
        WITH legs AS (
          SELECT queue_id, timezone(?, arrived_at) AS local_at, outcome,
                 (coalesce(talk_ms, 0) + coalesce(hold_ms, 0) + coalesce(acw_ms, 0)) / 1000.0 AS handle_s
          FROM contacts WHERE outcome IN ('handled', 'abandoned') AND queue_id IN ({",".join("?" * len(queues))})),
        win AS (SELECT * FROM legs WHERE local_at >= ? AND local_at < ?),
        src AS (SELECT * FROM win UNION ALL SELECT * FROM legs WHERE NOT EXISTS (SELECT 1 FROM win)),
        days AS (SELECT isodow(local_at) - 1 AS wd, count(DISTINCT CAST(local_at AS DATE)) AS n FROM src GROUP BY 1)
        SELECT queue_id, isodow(local_at) - 1 AS wd, (hour(local_at) * 60 + minute(local_at)) // {interval} AS slot,
               count(*) / any_value(days.n) AS calls, avg(handle_s) FILTER (WHERE outcome = 'handled') AS aht
        FROM src JOIN days ON days.wd = isodow(src.local_at) - 1 GROUP BY ALL"""
    rows = con.execute(sql, [zone, *(q.id for q in queues), lo, hi]).fetchall()
    ids = tuple(sorted(q.id for q in queues))
    calls = np.zeros((len(ids), 7 * per_day))
    aht = np.zeros((len(ids), 7 * per_day))
    for qid, wd, slot, c, h in rows:
        calls[ids.index(qid), int(wd) * per_day + int(slot)] = float(c)
        aht[ids.index(qid), int(wd) * per_day + int(slot)] = float(h or 0.0)
    sl = settings.service_level
    need = np.zeros(calls.shape)
    calls_eq = calls.copy()
    for k, qid in enumerate(ids):
        q = settings.queue(qid)
        channel = q.channel if q else "voice"
        h = np.where(aht[k] > 0, aht[k], 1.0)
        load = offered_load(calls[k], h, interval * 60.0)
        if channel in ("voice", "chat", "messaging"):
            if channel != "voice":
                load = load / settings.staffing.chat_concurrency
                calls_eq[k] = calls[k] / settings.staffing.chat_concurrency
            res = required_agents(load, h, Targets(service_level=sl.target, threshold=sl.threshold_s))
            need[k] = np.where(calls[k] > 0, res.agents, 0.0)
        else:
            need[k] = np.ceil(load / max(settings.staffing.max_occupancy, 1e-9) - 1e-9)
            calls_eq[k] = 0.0
    # the start weekday of the horizon lines up with the weekday of each interval
    shift = start.weekday() * per_day

    def tile(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.tile(np.roll(a, -shift, axis=1), (1, weeks))

    return Requirements(
        start=start,
        interval=interval,
        skills=ids,
        required=tile(need),
        calls=tile(calls_eq),
        aht=tile(aht),
    )


# --- warehouse ----------------------------------------------------------------------------------------------


def save_schedule(
    con: duckdb.DuckDBPyConnection, schedule: Schedule, *, zone: str, weeks: int, schedule_id: str | None = None
) -> str:
    """Store ``schedule`` (its shifts as work, break and lunch activities in UTC) and return its id."""
    import pyarrow as pa

    sid = schedule_id or f"S{datetime.now(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    tz = ZoneInfo(zone)
    con.execute(RUNS_DDL)
    con.execute(ACTIVITIES_DDL)
    con.execute(
        "INSERT INTO schedule_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sid,
            datetime.now(UTC),
            schedule.start,
            weeks,
            zone,
            schedule.interval,
            schedule.status,
            schedule.under_hours,
            schedule.over_hours,
            None if math.isnan(schedule.lp_bound_hours) else schedule.lp_bound_hours,
            schedule.agents_scheduled,
            schedule.solve_s,
        ],
    )
    cols: dict[str, list[Any]] = {k: [] for k in ("agent_id", "skill", "activity", "start_at", "end_at")}
    for sh in schedule.shifts:
        for kind, a, b in (("work", sh.start, sh.end), *((br.kind, br.start, br.end) for br in sh.breaks)):
            cols["agent_id"].append(sh.agent)
            cols["skill"].append(sh.skill)
            cols["activity"].append(kind)
            cols["start_at"].append(a.replace(tzinfo=tz).astimezone(UTC))
            cols["end_at"].append(b.replace(tzinfo=tz).astimezone(UTC))
    if cols["agent_id"]:
        frame = pa.table(cols)
        con.register("_new_activities", frame)
        try:
            con.execute(
                "INSERT INTO schedule_activities SELECT ?, agent_id, skill, activity, start_at, end_at "
                "FROM _new_activities",
                [sid],
            )
        finally:
            con.unregister("_new_activities")
    return sid


def latest_schedule(con: duckdb.DuckDBPyConnection, schedule_id: str | None) -> tuple[str, date, int]:
    """(id, start date, weeks) of the named or the most recent stored schedule."""
    con.execute(RUNS_DDL)
    con.execute(ACTIVITIES_DDL)
    if schedule_id:
        row = con.execute(
            "SELECT schedule_id, start_date, weeks FROM schedule_runs WHERE schedule_id = ?", [schedule_id]
        ).fetchone()
        if row is None:
            raise InputError(f"--schedule {schedule_id!r}: no stored schedule has this id")
    else:
        row = con.execute(
            "SELECT schedule_id, start_date, weeks FROM schedule_runs WHERE status != 'infeasible' "
            "ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise WorkspaceError("no schedule stored in this workspace yet; run `supportops schedule` first")
    return str(row[0]), row[1], int(row[2])


def measure_adherence(con: duckdb.DuckDBPyConnection, schedule_id: str, interval_minutes: int) -> Any:
    """Adherence of a stored schedule against ``agent_states`` (see :func:`supportops.scheduling.adherence`)."""
    from supportops.scheduling import adherence

    sched = con.execute(
        """SELECT agent_id, epoch(start_at)::BIGINT, epoch(end_at)::BIGINT, activity
           FROM schedule_activities WHERE schedule_id = ?""",
        [schedule_id],
    ).fetchall()
    if not sched:
        raise WorkspaceError(f"schedule {schedule_id} holds no shifts")
    lo = min(r[1] for r in sched) - 86400
    hi = max(r[2] for r in sched) + 86400
    states = con.execute(
        """SELECT agent_id, epoch(start_at)::BIGINT, epoch(end_at)::BIGINT, state FROM agent_states
           WHERE end_at >= to_timestamp(?) AND start_at <= to_timestamp(?)""",
        [lo, hi],
    ).fetchall()
    return adherence(sched, states, interval=interval_minutes * 60)


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
    zone = _zone(settings)
    try:
        first = date.fromisoformat(start) if start else None
    except ValueError:
        raise InputError(f"--start {start!r}: expected a date YYYY-MM-DD") from None
    con = connect(workspace)
    try:
        if requirements is not None:
            req = requirements_from_csv(requirements, rules.interval, weeks, first)
        else:
            first = first or _default_start(con, zone)
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
