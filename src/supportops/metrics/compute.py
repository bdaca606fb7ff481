"""Running the catalogue: one aggregation per source table, joined on the group keys, derived metrics last."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from supportops.errors import InputError
from supportops.metrics.backend import fetch_rows, with_quiet_ibis_duckdb
from supportops.metrics.catalog import METRICS, get_metric, sl_variant_label
from supportops.metrics.definitions import Metric
from supportops.metrics.grain import Grouping, grain_label, parse_grouping
from supportops.metrics.tables import STATE_DIMENSIONS, MetricTables, build_tables, has_table

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from supportops.config import Settings

__all__ = ["MetricResult", "compute_metrics", "resolve_metrics"]

_SOURCES = ("legs", "conversations", "repeats", "surveys", "states")


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricResult:
    """Metric values per group.

    ``rows`` hold one dict per group: the group columns (``grouping.names``; time grains as labels such as
    ``2024-01-15`` or ``2024-W05``) and one value per slug of ``metrics`` (None when the group has no data for
    it, or the metric cannot be split by the grouping: see ``notes``). Fractions are 0-1, durations seconds.
    """

    grouping: Grouping
    metrics: tuple[Metric, ...]
    rows: tuple[dict[str, Any], ...]
    service_level_variant: str
    time_zone: str
    week_start: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(m.slug for m in self.metrics)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.grouping.names, *self.slugs)

    def to_json(self) -> dict[str, Any]:
        """The JSON document ``supportops metrics --json`` prints."""
        return {
            "group_by": list(self.grouping.names),
            "metrics": [{"slug": m.slug, "label": m.label, "unit": m.unit, "better": m.better} for m in self.metrics],
            "service_level_variant": self.service_level_variant,
            "time_zone": self.time_zone,
            "week_start": self.week_start,
            "notes": list(self.notes),
            "rows": [dict(r) for r in self.rows],
        }


def resolve_metrics(slugs: Sequence[str] | None, *, include_internal: bool = False) -> tuple[Metric, ...]:
    """The metrics to show for ``slugs`` (all public ones when None); unknown slugs raise InputError."""
    if not slugs:
        return tuple(m for m in METRICS if include_internal or not m.internal)
    out: list[Metric] = []
    for slug in slugs:
        try:
            out.append(get_metric(slug.strip()))
        except KeyError as exc:
            raise InputError(f"--metrics: {exc.args[0]}") from None
    return tuple(out)


def _closure(metrics: Sequence[Metric]) -> list[Metric]:
    """``metrics`` plus everything they depend on, dependencies first."""
    seen: dict[str, Metric] = {}

    def visit(m: Metric) -> None:
        if m.slug in seen:
            return
        for dep in m.dependencies:
            visit(get_metric(dep))
        seen[m.slug] = m

    for m in metrics:
        visit(m)
    return list(seen.values())


def _source_table(tables: MetricTables, source: str) -> Any:
    return {
        "legs": tables.legs,
        "conversations": tables.conversations,
        "repeats": tables.repeats,
        "surveys": tables.surveys,
        "states": tables.states,
    }[source]


@with_quiet_ibis_duckdb
def compute_metrics(
    con: BaseBackend,
    settings: Settings,
    *,
    by: Grouping | str | None = None,
    metrics: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> MetricResult:
    """Compute ``metrics`` (slugs; default all) grouped ``by`` over ``con``'s canonical tables.

    ``con`` is an Ibis backend (DuckDB or PySpark) holding ``contacts`` and optionally ``surveys``,
    ``agent_states`` and ``agents``; a DuckDB connection must use the UTC session time zone (see
    :func:`supportops.metrics.backend.duckdb_backend`). ``start``/``end`` bound the arrival time (UTC, end
    exclusive). Time grains are bucketed in the workspace's zone.
    """
    grouping = parse_grouping(by) if isinstance(by, str) or by is None else by
    shown = resolve_metrics(metrics)
    needed = _closure(shown)
    tables = build_tables(con, settings, grouping, start=start, end=end, sources={m.source for m in needed})
    keys = list(grouping.names)
    notes: list[str] = []
    frames: list[list[dict[str, Any]]] = []
    for source in _SOURCES:
        wanted = [m for m in needed if m.source == source]
        if not wanted:
            continue
        t = _source_table(tables, source)
        if t is None:
            if source == "states" and has_table(con, "agent_states"):
                dims = ", ".join(d for d in grouping.dimensions if d not in STATE_DIMENSIONS)
                notes.append(f"agent-state metrics ({', '.join(m.slug for m in wanted)}) cannot be split by {dims}")
            elif source != "states" or any(m in shown for m in wanted):
                table_name = {"legs": "contacts", "conversations": "contacts", "repeats": "contacts"}.get(
                    source, source
                )
                if source == "states":
                    table_name = "agent_states"
                notes.append(f"no {table_name} table: {', '.join(m.slug for m in wanted)} not computed")
            continue
        aggs = {m.slug: m.expr(tables) for m in wanted if m.expr is not None}
        grouped = t.group_by(keys).aggregate(**aggs) if keys else t.aggregate(**aggs)
        frames.append(fetch_rows(grouped))
    rows = _join(frames, keys)
    for m in needed:  # a group with no rows in a table that exists has a count of 0, not an unknown
        if m.unit == "count" and m.source != "derived" and _source_table(tables, m.source) is not None:
            for r in rows:
                if r.get(m.slug) is None:
                    r[m.slug] = 0
    for m in needed:
        if m.source == "derived" and m.derive is not None:
            for r in rows:
                r[m.slug] = m.derive(r)
    week_start = settings.workspace.week_start
    out: list[dict[str, Any]] = []
    for r in rows:
        row: dict[str, Any] = {}
        for k in keys:
            v = r.get(k)
            row[k] = grain_label(k, v, week_start) if k == grouping.grain else v
        for m in shown:
            v = r.get(m.slug)
            row[m.slug] = None if v is None else (int(v) if m.unit == "count" else float(v))
        out.append(row)
    return MetricResult(
        grouping=grouping,
        metrics=shown,
        rows=tuple(out),
        service_level_variant=sl_variant_label(settings),
        time_zone=settings.workspace.time_zone,
        week_start=week_start,
        notes=tuple(notes),
    )


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (1, "")
    return (0, value) if isinstance(value, int | float) else (0, str(value))


def _join(frames: list[list[dict[str, Any]]], keys: list[str]) -> list[dict[str, Any]]:
    """Full outer join of per-source aggregates on the group keys (a NULL key matches a NULL key)."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for frame in frames:
        for r in frame:
            k = tuple(r[c] for c in keys)
            merged.setdefault(k, {c: r[c] for c in keys}).update(r)
    ordered = sorted(merged.items(), key=lambda kv: tuple(_sort_key(v) for v in kv[0]))
    return [v for _, v in ordered]
