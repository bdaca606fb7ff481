"""Schedules in the warehouse: the ``schedule_runs`` and ``schedule_activities`` tables, and the inputs a
schedule is built from (agents from ``agents``, requirements from the contacts history through the queueing
package) and measured against (``agent_states``)."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from supportops.errors import InputError, WorkspaceError

if TYPE_CHECKING:
    import duckdb

    from supportops.config import Settings
    from supportops.scheduling import Agent, Requirements, Schedule

__all__ = [
    "ACTIVITIES_DDL",
    "RUNS_DDL",
    "agents_from_warehouse",
    "default_start",
    "latest_schedule",
    "measure_adherence",
    "requirements_from_warehouse",
    "save_schedule",
    "schedule_zone",
]

RUNS_DDL = """CREATE TABLE IF NOT EXISTS schedule_runs (
  schedule_id VARCHAR, created_at TIMESTAMPTZ, start_date DATE, weeks INTEGER, time_zone VARCHAR,
  interval_minutes INTEGER, status VARCHAR, under_staffed_hours DOUBLE, over_staffed_hours DOUBLE,
  lp_bound_hours DOUBLE, agents_scheduled INTEGER, solve_s DOUBLE
)"""
ACTIVITIES_DDL = """CREATE TABLE IF NOT EXISTS schedule_activities (
  schedule_id VARCHAR, agent_id VARCHAR, skill VARCHAR, activity VARCHAR, start_at TIMESTAMPTZ, end_at TIMESTAMPTZ
)"""
_NOT_SCHEDULED = ("bot", "self_service")


def schedule_zone(settings: Settings) -> str:
    """The zone schedules are built and stored in: the first program's, else the workspace's."""
    return settings.time_zone_for(settings.programs[0].id) if settings.programs else settings.workspace.time_zone


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


def default_start(con: duckdb.DuckDBPyConnection, zone: str) -> date:
    """The Monday after the last contact (local), where a new schedule starts by default."""
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
    zone = schedule_zone(settings)
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
