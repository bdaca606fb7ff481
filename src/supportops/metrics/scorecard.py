"""The balanced scorecard: every metric with a target, its status, and the diagnostics that catch gaming.

Status of a value *v* against its target (``AT_RISK_BAND`` = 10 %):

- minimum *m*: **met** when *v* ≥ *m*; **at_risk** when *m* − 10 % · \\|*m*\\| ≤ *v* < *m*; otherwise **missed**;
- maximum *M*: **met** when *v* ≤ *M*; **at_risk** when *M* < *v* ≤ *M* + 10 % · \\|*M*\\|; otherwise **missed**;
- range [*m*, *M*]: **met** inside; **at_risk** when outside by no more than 10 % of the nearer bound;
- **no_data** when the period has no value for the metric.

A scorecard covers one period (a day, ISO week, month or quarter in the workspace's zone) and compares it with
the period before; the diagnostics (:mod:`supportops.metrics.diagnostics`) run on the whole operation and on
each group of a breakdown (queues by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from supportops.errors import InputError
from supportops.metrics.backend import fetch_rows, with_quiet_ibis_duckdb
from supportops.metrics.catalog import METRICS
from supportops.metrics.compute import MetricResult, compute_metrics
from supportops.metrics.definitions import Target
from supportops.metrics.grain import grain_label, parse_grouping, period_bounds

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from supportops.config import Settings
    from supportops.metrics.diagnostics import Diagnostic

__all__ = ["AT_RISK_BAND", "Scorecard", "ScorecardLine", "Status", "build_scorecard", "status_of"]

AT_RISK_BAND = 0.10
Status = Literal["met", "at_risk", "missed", "no_data"]


def status_of(value: float | None, target: Target, *, band: float = AT_RISK_BAND) -> Status:
    """met / at_risk / missed / no_data of ``value`` against ``target`` (see the module docstring)."""
    if value is None:
        return "no_data"
    if target.kind == "min":
        assert target.low is not None
        if value >= target.low:
            return "met"
        return "at_risk" if value >= target.low - band * abs(target.low) else "missed"
    if target.kind == "max":
        assert target.high is not None
        if value <= target.high:
            return "met"
        return "at_risk" if value <= target.high + band * abs(target.high) else "missed"
    assert target.low is not None
    assert target.high is not None
    if target.low <= value <= target.high:
        return "met"
    if target.low - band * abs(target.low) <= value <= target.high + band * abs(target.high):
        return "at_risk"
    return "missed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScorecardLine:
    """One metric of the scorecard: value this period and the period before, target and status."""

    slug: str
    label: str
    category: str
    unit: str
    better: str
    value: float | None
    previous: float | None
    target: str
    status: Status

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "label": self.label,
            "category": self.category,
            "unit": self.unit,
            "better": self.better,
            "value": self.value,
            "previous": self.previous,
            "target": self.target,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Scorecard:
    """A period's balanced scorecard and its diagnostics."""

    period: str
    previous_period: str
    start_utc: datetime
    end_utc: datetime
    lines: tuple[ScorecardLine, ...]
    diagnostics: tuple[Diagnostic, ...]
    service_level_variant: str
    time_zone: str
    breakdown: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "previous_period": self.previous_period,
            "start_utc": self.start_utc.isoformat(),
            "end_utc": self.end_utc.isoformat(),
            "service_level_variant": self.service_level_variant,
            "time_zone": self.time_zone,
            "breakdown": self.breakdown,
            "at_risk_band": AT_RISK_BAND,
            "scorecard": [line.to_json() for line in self.lines],
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "notes": list(self.notes),
        }


def _period_grain(period: str) -> str:
    p = period.upper()
    if "-W" in p:
        return "week"
    if "-Q" in p:
        return "quarter"
    return "month" if len(p) == 7 else "day"


def previous_period(period: str) -> str:
    """The label of the period just before ``period`` (same grain)."""
    p = period.strip().upper()
    grain = _period_grain(p)
    if grain == "week":
        y, w = p.split("-W")
        monday = date.fromisocalendar(int(y), int(w), 1) - timedelta(days=7)
        iso = monday.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if grain == "quarter":
        year, quarter = (int(x) for x in p.split("-Q"))
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    if grain == "month":
        year, month = (int(x) for x in p.split("-"))
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    return (date.fromisoformat(p) - timedelta(days=1)).isoformat()


def latest_week(con: BaseBackend, settings: Settings) -> str:
    """The ISO week (in the workspace zone) of the last arrival in the warehouse."""
    from supportops.metrics.tables import epoch_s, has_table

    if not has_table(con, "contacts"):
        raise InputError("the warehouse has no contacts; import some with `supportops ingest` first")
    c = con.table("contacts")
    last = fetch_rows(c.aggregate(hi=epoch_s(c.arrived_at).max()))[0]["hi"]
    if last is None:
        raise InputError("the warehouse has no contacts; import some with `supportops ingest` first")
    local = datetime.fromtimestamp(int(last), tz=ZoneInfo(settings.workspace.time_zone)).date()
    iso = local.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _row_for(result: MetricResult, grain: str, label: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    for r in result.rows:
        if r.get(grain) == label and all(r.get(k) == v for k, v in (extra or {}).items()):
            return r
    return {}


@with_quiet_ibis_duckdb
def build_scorecard(
    con: BaseBackend,
    settings: Settings,
    *,
    period: str | None = None,
    breakdown: str = "queue",
    aht_threshold_s: float | None = None,
) -> Scorecard:
    """The scorecard of ``period`` (``2024-W05``, ``2024-01``, ``2024-Q1`` or ``2024-01-15``; default the
    latest week with data) with diagnostics on the whole operation and per ``breakdown`` group."""
    from supportops.metrics.diagnostics import run_diagnostics

    zone = settings.workspace.time_zone
    week_start = settings.workspace.week_start
    if period is None:
        if week_start != "monday":
            raise InputError("--period is required when the workspace week does not start on Monday")
        period = latest_week(con, settings)
    period = period.strip().upper() if ("-W" in period.upper() or "-Q" in period.upper()) else period.strip()
    start, end = period_bounds(period, zone, week_start)  # validates the label
    grain = _period_grain(period)
    prev = previous_period(period)
    prev_start, _ = period_bounds(prev, zone, week_start)
    overall = compute_metrics(con, settings, by=grain, start=prev_start, end=end)
    groups = parse_grouping(f"{breakdown},{grain}") if breakdown else None
    by_group = compute_metrics(con, settings, by=groups, start=prev_start, end=end) if groups else None
    label_cur = grain_label(grain, _key_of(grain, period), week_start) if grain != "day" else period
    label_prev = grain_label(grain, _key_of(grain, prev), week_start) if grain != "day" else prev
    cur = _row_for(overall, grain, label_cur or period)
    before = _row_for(overall, grain, label_prev or prev)
    lines: list[ScorecardLine] = []
    for m in METRICS:
        target = m.target_for(settings)
        if target is None:
            continue
        value = cur.get(m.slug)
        lines.append(
            ScorecardLine(
                slug=m.slug,
                label=m.label,
                category=m.category,
                unit=m.unit,
                better=m.better,
                value=value,
                previous=before.get(m.slug),
                target=target.describe(m.unit),
                status=status_of(value, target),
            )
        )
    group_rows: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
    if by_group is not None:
        dims = list(by_group.grouping.dimensions)
        for r in by_group.rows:
            if r.get(grain) != (label_cur or period):
                continue
            key = {d: r.get(d) for d in dims}
            group_rows.append((key, r, _row_for(by_group, grain, label_prev or prev, key)))
    diagnostics = run_diagnostics(
        con,
        settings,
        overall=(cur, before),
        groups=group_rows,
        aht_threshold_s=aht_threshold_s,
        period=(start, end),
        previous=(prev_start, start),
    )
    return Scorecard(
        period=period,
        previous_period=prev,
        start_utc=start,
        end_utc=end,
        lines=tuple(lines),
        diagnostics=tuple(diagnostics),
        service_level_variant=overall.service_level_variant,
        time_zone=zone,
        breakdown=breakdown,
        notes=tuple(dict.fromkeys((*overall.notes, *(by_group.notes if by_group else ())))),
    )


def _key_of(grain: str, period: str) -> int:
    """The integer bucket key :func:`supportops.metrics.grain.grain_key` gives the period's first day."""
    epoch = date(1970, 1, 1)
    p = period.upper()
    if grain == "week":
        y, w = p.split("-W")
        return (date.fromisocalendar(int(y), int(w), 1) - epoch).days
    if grain == "quarter":
        year, quarter = (int(x) for x in p.split("-Q"))
        return year * 4 + quarter - 1
    year, month = (int(x) for x in p.split("-"))
    return year * 12 + month - 1
