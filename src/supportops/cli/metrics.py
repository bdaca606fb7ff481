"""``supportops metrics`` and ``supportops scorecard``: KPIs per group and the balanced scorecard of a period."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape

from supportops.cli.output import JSON_OPTION, err, guarded, out, print_json, table
from supportops.cli.workspace import WORKSPACE_OPTION
from supportops.errors import InputError

if TYPE_CHECKING:
    from supportops.metrics import Metric, MetricResult

FORMATS = ("table", "csv", "xlsx", "json")
OUT_OPTION = typer.Option(None, "--out", "-o", help="File for csv / xlsx (default: <workspace>/reports/).")
_STATUS_STYLE = {"met": "green", "at_risk": "yellow", "missed": "red", "no_data": "dim"}


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics)
    app.command("scorecard")(scorecard)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r}: not a date (YYYY-MM-DD)") from None


def _bounds(first: date | None, last: date | None, zone: str) -> tuple[datetime | None, datetime | None]:
    """UTC [start, end) of the local days first..last (inclusive)."""
    from supportops.metrics.grain import local_midnight

    if first and last and last < first:
        raise InputError(f"--to {last} is before --from {first}")
    z = ZoneInfo(zone)
    start = local_midnight(first, z) if first else None
    end = local_midnight(last + timedelta(days=1), z) if last else None
    return start, end


def _fmt(value: Any, m: Metric) -> str:
    if value is None:
        return "-"
    if m.unit == "count":
        return f"{int(value):,}"
    if m.unit == "fraction":
        return f"{value:.1%}"
    if m.unit == "seconds":
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def _xlsx_rows(result: MetricResult) -> tuple[list[str], list[list[Any]], dict[str, str]]:
    """Columns, rows and number formats for a workbook: each duration twice, seconds and ``[h]:mm:ss``."""
    columns: list[str] = list(result.grouping.names)
    formats: dict[str, str] = {}
    for m in result.metrics:
        columns.append(m.slug)
        if m.unit == "fraction":
            formats[m.slug] = "0.0%"
        elif m.unit == "seconds":
            formats[m.slug] = "0.0"
            columns.append(f"{m.slug}_hms")
            formats[f"{m.slug}_hms"] = "[h]:mm:ss"
    rows: list[list[Any]] = []
    for r in result.rows:
        row: list[Any] = [r[k] for k in result.grouping.names]
        for m in result.metrics:
            v = r.get(m.slug)
            row.append(v)
            if m.unit == "seconds":
                row.append(None if v is None else v / 86400.0)  # Excel durations are fractions of a day
        rows.append(row)
    return columns, rows, formats


@guarded
def metrics(
    workspace: Path = WORKSPACE_OPTION,
    by: str = typer.Option(
        "day",
        "--by",
        help="Group by: program, queue, channel, language, site, team, agent, "
        "segment, reason, tier and one of 15min, 30min, 60min, day, week, month, quarter.",
    ),
    date_from: str | None = typer.Option(None, "--from", help="First local day (YYYY-MM-DD)."),
    date_to: str | None = typer.Option(None, "--to", help="Last local day, inclusive (YYYY-MM-DD)."),
    metric_list: str | None = typer.Option(None, "--metrics", help="Comma-separated slugs (default: all)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, xlsx or json."),
    out_file: Path | None = OUT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """KPIs per group: volume, speed, efficiency, outcome, customer and channel mix, in the workspace's zone."""
    from supportops.metrics import REQUIRED_SLUGS, compute_metrics, duckdb_backend
    from supportops.workspace import open_settings

    fmt = "json" if as_json else fmt.lower()
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    settings = open_settings(workspace)
    start, end = _bounds(_date(date_from, "--from"), _date(date_to, "--to"), settings.workspace.time_zone)
    slugs = [s for s in metric_list.split(",") if s.strip()] if metric_list else None
    if slugs is None and fmt == "table":
        slugs = list(REQUIRED_SLUGS)
    con = duckdb_backend(workspace)
    result = compute_metrics(con, settings, by=by, metrics=slugs, start=start, end=end)
    if fmt == "json":
        print_json(result.to_json())
        return
    if fmt in ("csv", "xlsx"):
        from supportops.exports import write_table

        path = out_file or workspace / "reports" / f"metrics.{fmt}"
        if path.suffix.lower() != f".{fmt}":
            raise InputError(f"--out {path}: the file name must end in .{fmt}")
        if fmt == "xlsx":
            columns, rows, formats = _xlsx_rows(result)
            write_table(path, columns, rows, sheet="metrics", number_formats=formats)
        else:
            write_table(path, result.columns, [[r[c] for c in result.columns] for r in result.rows])
        err.print(f"wrote {len(result.rows):,} rows to {path}", highlight=False)
        err.print(f"service level: {result.service_level_variant}; time zone {result.time_zone}", highlight=False)
        return
    names = list(result.grouping.names)
    categories = list(dict.fromkeys(m.category for m in result.metrics))
    for category in categories:  # one table per category keeps a terminal-wide table readable
        shown = [m for m in result.metrics if m.category == category]
        table(
            f"{category.capitalize()} by {', '.join(names) or 'all'} ({result.time_zone})",
            [*names, *(m.slug for m in shown)],
            [[*(escape(str(r[k])) for k in names), *(_fmt(r[m.slug], m) for m in shown)] for r in result.rows],
        )
    out.print(f"Service level: {escape(result.service_level_variant)}", highlight=False)
    for note in result.notes:
        err.print(f"note: {escape(note)}", highlight=False)


@guarded
def scorecard(
    workspace: Path = WORKSPACE_OPTION,
    period: str | None = typer.Option(
        None, "--period", help="2024-W05, 2024-01, 2024-Q1 or 2024-01-15 (default: the latest week with data)."
    ),
    breakdown: str = typer.Option("queue", "--by", help="Dimension the diagnostics also run per group of."),
    aht_threshold: float | None = typer.Option(
        None, "--aht-threshold", help="AHT seconds counted as high (default: the median AHT of the groups)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """The balanced scorecard of a period: every metric against its target, and the diagnostics behind it."""
    from supportops.metrics import build_scorecard, duckdb_backend, get_metric
    from supportops.metrics.grain import DIMENSIONS
    from supportops.workspace import open_settings

    if breakdown and breakdown not in DIMENSIONS:
        raise InputError(f"--by {breakdown!r}: use one of {', '.join(DIMENSIONS)}")
    settings = open_settings(workspace)
    con = duckdb_backend(workspace)
    card = build_scorecard(con, settings, period=period, breakdown=breakdown, aht_threshold_s=aht_threshold)
    if as_json:
        print_json(card.to_json())
        return
    rows = []
    for line in card.lines:
        m = get_metric(line.slug)
        style = _STATUS_STYLE[line.status]
        rows.append(
            [line.label, _fmt(line.value, m), _fmt(line.previous, m), line.target, f"[{style}]{line.status}[/]"]
        )
    table(
        f"Scorecard {card.period} (previous {card.previous_period}, {card.time_zone})",
        ["metric", "value", "previous", "target", "status"],
        rows,
    )
    out.print(f"Service level: {escape(card.service_level_variant)}", highlight=False)
    triggered = [d for d in card.diagnostics if d.verdict == "triggered"]
    unknown = [d for d in card.diagnostics if d.verdict == "not_evaluated"]
    out.print(
        f"Diagnostics: {len(triggered)} triggered, {len(unknown)} not evaluated, "
        f"{len(card.diagnostics) - len(triggered) - len(unknown)} clear",
        highlight=False,
    )
    for d in triggered:
        scope = ", ".join(f"{k}={v}" for k, v in d.group.items()) or "all"
        out.print(f"  [red]![/] {escape(d.title)} ({escape(scope)}): {escape(d.detail)}", highlight=False)
    seen: set[str] = set()
    for d in unknown:
        if not d.group and d.code not in seen:
            seen.add(d.code)
            out.print(f"  [dim]?[/] {escape(d.title)}: {escape(d.detail)}", highlight=False)
    for note in card.notes:
        err.print(f"note: {escape(note)}", highlight=False)
