"""``supportops forecast``: interval forecasts of a queue (published as snapshots) and ``forecast backtest``."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from supportops.cli.output import JSON_OPTION, err, guarded, print_json, table
from supportops.errors import InputError
from supportops.warehouse.forecasts import SNAPSHOT_DDL, history_span, interval_history, save_forecast_snapshot

if TYPE_CHECKING:
    import polars as pl

    from supportops.forecasting import BacktestResult, DayGrid

forecast_app = typer.Typer(
    name="forecast",
    help="Forecast contacts and handle time per interval; `forecast backtest` scores the models.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def register(app: typer.Typer) -> None:
    app.add_typer(forecast_app, name="forecast")


def _horizon_days(text: str) -> int:
    """``1d``, ``6w`` → days (up to 12 weeks)."""
    m = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", text.lower())
    if not m:
        raise InputError(f"--horizon {text!r}: write days or weeks, e.g. 1d, 1w, 6w")
    days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
    if not 1 <= days <= 84:
        raise InputError(f"--horizon {text!r}: between 1 day and 12 weeks")
    return days


def _read_history(path: Path, queue: str | None) -> pl.DataFrame:
    import polars as pl

    if not path.exists():
        raise InputError(f"{path}: no such file")
    try:
        frame = pl.read_csv(path, try_parse_dates=True, encoding="utf8-lossy")
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    missing = {"interval_start", "calls"} - set(frame.columns)
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))} (need interval_start, queue, calls)")
    if frame.schema["interval_start"] != pl.Datetime:
        try:
            frame = frame.with_columns(pl.col("interval_start").cast(pl.String).str.to_datetime())
        except pl.exceptions.PolarsError:
            raise InputError(f"{path}: interval_start is not a date-time (YYYY-MM-DD HH:MM)") from None
    if frame.schema["interval_start"].time_zone is not None:  # type: ignore[attr-defined]
        frame = frame.with_columns(pl.col("interval_start").dt.replace_time_zone(None))
    if "queue" in frame.columns:
        queues = frame["queue"].unique().to_list()
        if queue is None and len(queues) > 1:
            raise InputError(f"{path}: several queues ({', '.join(map(str, queues))}); choose one with --queue")
        if queue is not None:
            frame = frame.filter(pl.col("queue").cast(pl.String) == queue)
            if frame.height == 0:
                raise InputError(f"{path}: no rows for queue {queue!r}")
    return frame


def _csv_grid(path: Path, queue: str | None, interval: int, country: str | None) -> DayGrid:
    from supportops.forecasting import grid_from_frame, public_holidays

    frame = _read_history(path, queue)
    first, last = history_span(frame)
    return grid_from_frame(frame, interval_minutes=interval, holidays=public_holidays(country, first, last))


def _backtest_doc(r: BacktestResult) -> dict[str, Any]:
    return {
        "model": r.chosen,
        "horizon_days": r.horizon_days,
        "folds": r.folds,
        "intervals": r.intervals,
        "wape": r.wape,
        "wape_day": r.wape_day,
        "bias": r.bias,
    }


@forecast_app.command("backtest")
@guarded
def backtest_cmd(
    history: Path = typer.Option(..., "--history", help="CSV with interval_start, queue, calls[, aht]."),
    interval: int = typer.Option(30, "--interval", help="Interval length in minutes: 15, 30 or 60."),
    horizon: str = typer.Option("1d", "--horizon", help="Forecast horizon scored per fold: 1d or 1w."),
    folds: int = typer.Option(20, "--folds", min=1, help="Rolling origins (the most recent ones)."),
    queue: str | None = typer.Option(None, "--queue", help="Queue to score when the file holds several."),
    country: str | None = typer.Option(None, "--holidays", help="Country code for public holidays (e.g. US)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rolling-origin backtest of every model over the opening hours; the lowest WAPE is chosen."""
    from supportops.forecasting import MODELS, backtest

    if horizon not in ("1d", "1w"):
        raise InputError(f"--horizon {horizon!r}: 1d or 1w")
    grid = _csv_grid(history, queue, interval, country)
    r = backtest(grid, horizon_days=_horizon_days(horizon), folds=folds)
    if as_json:
        print_json(_backtest_doc(r))
        return
    rows = [
        (m, f"{r.wape[m]:.2%}", f"{r.wape_day[m]:.2%}", f"{r.bias[m]:+.2%}", "*" if m == r.chosen else "")
        for m in MODELS
    ]
    table(
        f"Backtest {horizon}, {r.folds} folds, {r.intervals:,} open intervals",
        ["model", "WAPE", "day WAPE", "bias", "chosen"],
        rows,
    )


@forecast_app.callback()
@guarded
def forecast_cmd(
    ctx: typer.Context,
    workspace: Path | None = typer.Option(None, "--workspace", "-w", help="Workspace whose warehouse holds history."),
    queue: str | None = typer.Option(None, "--queue", help="Queue to forecast."),
    history: Path | None = typer.Option(None, "--history", help="CSV with interval_start, queue, calls[, aht]."),
    horizon: str = typer.Option("6w", "--horizon", help="Days or weeks ahead, e.g. 1d, 6w (at most 12w)."),
    interval: int = typer.Option(30, "--interval", help="Interval length in minutes: 15, 30 or 60."),
    model: str | None = typer.Option(None, "--model", help="Model to use (default: chosen by a 1-week backtest)."),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="Export the intervals to .csv or .xlsx."),
    as_of: str | None = typer.Option(None, "--as-of", help="Use only history before this date (YYYY-MM-DD)."),
    country: str | None = typer.Option(None, "--holidays", help="Country code for public holidays with --history."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Forecast contacts and AHT per interval over the horizon; with a workspace the forecast is saved as a
    snapshot (table forecast_snapshots) so accuracy is later judged against what was published."""
    if ctx.invoked_subcommand is not None:
        return
    import numpy as np

    from supportops.exports import write_table
    from supportops.forecasting import DayKind, backtest, day_kinds, forecast, weekday_of
    from supportops.forecasting.backtest import MIN_HISTORY_DAYS

    days = _horizon_days(horizon)
    settings = None
    if history is not None:
        grid = _csv_grid(history, queue, interval, country)
    elif workspace is not None and queue is not None:
        from supportops.workspace import open_settings

        settings = open_settings(workspace)
        grid = interval_history(workspace, settings, queue, interval)
    else:
        raise InputError("give --history FILE.csv, or --workspace DIR with --queue Q")
    if as_of is not None:
        try:
            cut = (date.fromisoformat(as_of) - grid.first_day).days
        except ValueError:
            raise InputError(f"--as-of {as_of!r}: not a date (YYYY-MM-DD)") from None
        if cut < 1 or cut > grid.n_days:
            raise InputError(f"--as-of {as_of}: outside the history {grid.first_day} to {grid.last_day}")
        grid = grid.head(cut)
    chosen = model
    if chosen is None:
        if grid.n_days >= MIN_HISTORY_DAYS + 7:
            err.print("choosing the model by a 1-week backtest ...")
            chosen = backtest(grid, horizon_days=7, folds=4).chosen
        else:
            chosen = "weekday_mean_4"
            err.print(f"{grid.n_days} days of history are too few for a backtest; using {chosen}")
    first = grid.last_day + timedelta(days=1)
    wd = weekday_of(first, days)
    # future opening: the weekday pattern of the history (or the queue's hours), holidays and closed dates
    weekly = grid.open[-min(grid.n_days, 28) :]
    pattern = {int(w): weekly[grid.weekdays[-min(grid.n_days, 28) :] == w].any(axis=0) for w in range(7)}
    open_ = np.stack([pattern[int(w)] for w in wd])
    holidays: list[date] = []
    closed: list[date] = []
    if settings is None and country:
        from supportops.forecasting import public_holidays

        holidays = sorted(public_holidays(country, first, first + timedelta(days=days)))
    if settings is not None and queue is not None:
        from supportops.forecasting import public_holidays, weekly_open_from_hours

        q = settings.queue(queue)
        if q is None:
            raise InputError(f"--queue {queue!r}: not a queue of this workspace")
        open_ = weekly_open_from_hours(interval, {w: q.opening_hours(w) for w in range(7)})[wd]
        holidays = sorted(public_holidays(settings.forecasting.holidays_country, first, first + timedelta(days=days)))
        closed = list(q.closed_dates)
    kinds = day_kinds(first, days, holidays=holidays, closed=closed)
    fc = forecast(grid, model=chosen, open_=open_, kinds=kinds)
    snapshot = save_forecast_snapshot(workspace, queue, fc) if settings is not None and workspace and queue else None
    rows = fc.rows()
    if out_file is not None:
        write_table(out_file, ["date", "interval_start", "contacts", "aht_s"], rows)
    per_day = fc.volume.sum(axis=1)
    doc = {
        "model": chosen,
        "queue": queue,
        "first_day": first,
        "days": days,
        "interval_minutes": interval,
        "contacts": float(per_day.sum()),
        "holiday_factor": fc.holiday_factor,
        "holidays": [
            d
            for d, k in zip((first + timedelta(days=i) for i in range(days)), kinds, strict=True)
            if k == DayKind.HOLIDAY
        ],
        "snapshot_id": snapshot,
        "export": out_file,
        "intervals": len(rows),
    }
    if as_json:
        print_json(doc)
        return
    week_rows = []
    for w0 in range(0, days, 7):
        seg = fc.volume[w0 : w0 + 7]
        a = fc.aht[w0 : w0 + 7]
        known = ~np.isnan(a)
        mean_aht = float((a[known] * seg[known]).sum() / seg[known].sum()) if seg[known].sum() > 0 else None
        week_rows.append(
            (
                str(first + timedelta(days=w0)),
                round(float(seg.sum())),
                round(float(seg.sum(axis=1).max())),
                "-" if mean_aht is None else f"{mean_aht:,.0f}",
            )
        )
    table(
        f"Forecast {queue or history} ({chosen}, {interval}-min intervals)",
        ["week of", "contacts", "busiest day", "AHT s"],
        week_rows,
    )
    if snapshot:
        err.print(f"snapshot {snapshot} saved to forecast_snapshots")
    if out_file is not None:
        err.print(f"exported {len(rows):,} intervals to {out_file}")


@forecast_app.command("accuracy")
@guarded
def accuracy_cmd(
    workspace: Path = typer.Option(..., "--workspace", "-w", help="Workspace folder."),
    queue: str = typer.Option(..., "--queue", help="Queue whose published forecast is judged."),
    snapshot: str | None = typer.Option(None, "--snapshot", help="Snapshot id (default: the latest one)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Judge a published forecast snapshot against the contacts that arrived since: WAPE and bias per interval,
    day and week, against the workspace's accuracy targets."""
    import numpy as np

    from supportops.forecasting import DayKind, accuracy
    from supportops.warehouse.connection import connect
    from supportops.workspace import open_settings

    settings = open_settings(workspace)
    con = connect(workspace)
    try:
        con.execute(SNAPSHOT_DDL)
        if snapshot is None:
            row = con.execute(
                "SELECT snapshot_id FROM forecast_snapshots WHERE queue_id = ? ORDER BY published_at DESC LIMIT 1",
                [queue],
            ).fetchone()
            if row is None:
                raise InputError(f"queue {queue!r}: no published forecast; run `supportops forecast` first")
            snapshot = str(row[0])
        rows = con.execute(
            "SELECT interval_minutes, interval_date, interval_start, contacts, model FROM forecast_snapshots "
            "WHERE snapshot_id = ? AND queue_id = ?",
            [snapshot, queue],
        ).fetchall()
    finally:
        con.close()
    if not rows:
        raise InputError(f"snapshot {snapshot!r}: not found for queue {queue!r}")
    interval = int(rows[0][0])
    grid = interval_history(workspace, settings, queue, interval)
    first = min(r[1] for r in rows)
    n_days = (max(r[1] for r in rows) - first).days + 1
    k = 1440 // interval
    fc = np.zeros((n_days, k))
    published = np.zeros((n_days, k), dtype=np.bool_)
    for _, d, hhmm, contacts, _ in rows:
        h, m = (int(x) for x in str(hhmm).split(":"))
        fc[(d - first).days, (h * 60 + m) // interval] = float(contacts)
        published[(d - first).days, (h * 60 + m) // interval] = True
    actual = np.zeros((n_days, k))
    known = np.zeros((n_days, k), dtype=np.bool_)
    offset = (first - grid.first_day).days
    for i in range(n_days):
        j = offset + i
        if 0 <= j < grid.n_days and grid.kinds[j] != DayKind.IRREGULAR:
            actual[i] = np.nan_to_num(grid.values[j])
            known[i] = True
    scored = published & known
    if not scored.any():
        raise InputError(f"snapshot {snapshot}: no published interval has actuals in the warehouse yet")
    acc = accuracy(
        fc,
        actual,
        scored,
        target_interval=settings.forecasting.accuracy_interval,
        target_week=settings.forecasting.accuracy_week,
    )
    doc = {"snapshot_id": snapshot, "queue": queue, "model": rows[0][4], "first_day": first, **_acc_doc(acc)}
    if as_json:
        print_json(doc)
        return
    table(
        f"Accuracy of snapshot {snapshot} ({queue}, {acc.days} days, {acc.intervals:,} intervals)",
        ["grain", "WAPE", "target", "met"],
        [
            (
                "interval",
                f"{acc.wape_interval:.1%}",
                f"{acc.target_interval:.0%}",
                "yes" if acc.within_interval else "no",
            ),
            ("day", f"{acc.wape_day:.1%}", "", ""),
            ("week", f"{acc.wape_week:.1%}", f"{acc.target_week:.0%}", "yes" if acc.within_week else "no"),
            ("bias", f"{acc.bias:+.1%}", "", ""),
        ],
    )


def _acc_doc(acc: Any) -> dict[str, Any]:
    return {
        name: getattr(acc, name)
        for name in (
            "intervals",
            "days",
            "actual",
            "forecast",
            "wape_interval",
            "wape_day",
            "wape_week",
            "bias",
            "target_interval",
            "target_week",
            "within_interval",
            "within_week",
        )
    }


@forecast_app.command("weekly")
@guarded
def weekly_cmd(
    workspace: Path | None = typer.Option(None, "--workspace", "-w", help="Workspace whose warehouse holds history."),
    queue: str | None = typer.Option(None, "--queue", help="Queue to forecast."),
    history: Path | None = typer.Option(None, "--history", help="CSV with interval_start, queue, calls[, aht]."),
    weeks: int = typer.Option(26, "--weeks", min=1, max=104, help="Weeks ahead (capacity planning: 13 to 52)."),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="Export the weeks to .csv or .xlsx."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Contacts per week for capacity planning, 3 to 12 months ahead (yearly pattern with 2+ years of history)."""
    from supportops.exports import write_table
    from supportops.forecasting.weekly import forecast_weeks

    if history is not None:
        grid = _csv_grid(history, queue, 60, None)
    elif workspace is not None and queue is not None:
        from supportops.workspace import open_settings

        grid = interval_history(workspace, open_settings(workspace), queue, 60)
    else:
        raise InputError("give --history FILE.csv, or --workspace DIR with --queue Q")
    wf = forecast_weeks(grid, weeks)
    rows = [(str(wf.first_week + timedelta(days=7 * i)), round(float(v), 1)) for i, v in enumerate(wf.contacts)]
    if out_file is not None:
        write_table(out_file, ["week_of", "contacts"], rows)
    if as_json:
        print_json(
            {
                "queue": queue,
                "first_week": wf.first_week,
                "weeks": weeks,
                "yearly_pattern": wf.yearly,
                "history_weeks": int(wf.history.size),
                "contacts": [v for _, v in rows],
                "export": out_file,
            }
        )
        return
    table(f"Weekly forecast {queue or history} ({wf.history.size} weeks of history)", ["week of", "contacts"], rows)
