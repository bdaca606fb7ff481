"""Forecast inputs and outputs in the warehouse: interval history built from ``contacts``, and the
``forecast_snapshots`` table where published forecasts are kept so their accuracy is judged later."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from supportops.errors import InputError

if TYPE_CHECKING:
    import polars as pl

    from supportops.config import Settings
    from supportops.forecasting import DayGrid, Forecast

__all__ = ["SNAPSHOT_DDL", "history_span", "interval_history", "save_forecast_snapshot"]

SNAPSHOT_DDL = """CREATE TABLE IF NOT EXISTS forecast_snapshots (
  snapshot_id VARCHAR, published_at TIMESTAMPTZ, queue_id VARCHAR, model VARCHAR, interval_minutes INTEGER,
  interval_date DATE, interval_start VARCHAR, contacts DOUBLE, aht_s DOUBLE
)"""


def history_span(frame: pl.DataFrame) -> tuple[date, date]:
    """First and last local date of the history."""
    days = frame["interval_start"].dt.date()
    lo, hi = days.min(), days.max()
    if not isinstance(lo, date) or not isinstance(hi, date):
        raise InputError("history: no interval_start dates")
    return lo, hi


def interval_history(ws: Path, settings: Settings, queue: str, interval: int) -> DayGrid:
    """Offered contacts (handled or abandoned) of ``queue`` per local ``interval``-minute interval, and the AHT
    (seconds) of the handled ones, from the warehouse's ``contacts``, as a forecasting grid in the queue's zone."""
    import numpy as np
    import polars as pl

    from supportops.forecasting import grid_from_frame, public_holidays, weekly_open_from_hours
    from supportops.warehouse.connection import connect

    q = settings.queue(queue)
    if q is None:
        known = ", ".join(x.id for x in settings.queues) or "none"
        raise InputError(f"--queue {queue!r}: not a queue of this workspace (queues: {known})")
    zone = settings.time_zone_for(q.program, q.id)
    con = connect(ws)
    try:
        cur = con.execute(
            f"""SELECT time_bucket(INTERVAL '{interval} minutes', timezone(?, arrived_at)) AS interval_start,
                       count(*)::DOUBLE AS calls,
                       avg(CASE WHEN outcome = 'handled'
                           THEN (coalesce(talk_ms, 0) + coalesce(hold_ms, 0) + coalesce(acw_ms, 0)) / 1000.0 END)
                           AS aht
                FROM contacts WHERE queue_id = ? AND outcome IN ('handled', 'abandoned')
                GROUP BY 1 ORDER BY 1""",
            [zone, queue],
        )
        frame = pl.DataFrame(cur.fetchall(), schema=["interval_start", "calls", "aht"], orient="row")
    finally:
        con.close()
    if frame.height == 0:
        raise InputError(f"queue {queue!r}: no offered contacts in the warehouse")
    frame = frame.with_columns(pl.col("interval_start").cast(pl.Datetime("us")))
    first, last = history_span(frame)
    hours = {wd: q.opening_hours(wd) for wd in range(7)}
    weekly = weekly_open_from_hours(interval, hours)
    # a last day whose contacts stop before its last open interval is still in progress: flag, never fit on it
    last_slot = frame["interval_start"].max()
    open_slots = np.flatnonzero(weekly[last.weekday()])
    partial = []
    if (
        isinstance(last_slot, datetime)
        and open_slots.size
        and (last_slot.hour * 60 + last_slot.minute) // interval < int(open_slots[-1])
    ):
        partial.append(last)
    return grid_from_frame(
        frame,
        interval_minutes=interval,
        weekly_open=weekly,
        holidays=public_holidays(settings.forecasting.holidays_country, first, last + timedelta(days=90)),
        closed=q.closed_dates,
        irregular=partial,
        missing="zero",
    )


def save_forecast_snapshot(ws: Path, queue: str, fc: Forecast) -> str:
    """Publish ``fc`` for ``queue``: store it in ``forecast_snapshots`` so accuracy is judged against it later."""
    from supportops.warehouse.connection import connect

    snapshot_id = uuid.uuid4().hex[:12]
    now = datetime.now(UTC)
    rows = [
        (snapshot_id, now, queue, fc.model, fc.interval_minutes, date.fromisoformat(d), t, v, a)
        for d, t, v, a in fc.rows()
    ]
    con = connect(ws)
    try:
        con.execute(SNAPSHOT_DDL)
        con.executemany("INSERT INTO forecast_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        con.close()
    return snapshot_id
