"""``supportops demo``: every capability, end to end, on a generated program.

Stages, each printed as it finishes (and gathered into one JSON document with ``--json``):

1. workspace: ``supportops init`` plus the demo's queues, cost rates and import mappings;
2. generate: ten weeks of a multi-channel program (:mod:`supportops.demo.generator`) written as CSV
   exports, with the handful of broken rows real exports always hold;
3. ingest: each file through ``supportops ingest`` (validation, quarantine, dedupe), then a second import
   of the contacts file to show that nothing is doubled;
4. staffing: the busiest voice half-hours of an average week sized with Erlang C (80/20), then scheduled and
   rostered through shrinkage and absenteeism;
5. forecast: the next two weeks of each assisted queue, the model chosen by a rolling backtest, saved as a
   snapshot so its accuracy can be judged later;
6. scheduling: the agents' shifts and breaks for the last full week (CP-SAT) against the requirement,
   exported per agent, and adherence of the generated agent states to them;
7. capacity: a 26-week plan from the forecast demand and today's agents, with the optimised hiring plan
   priced against hiring to the peak;
8. quality: the month's sampling plan, simulated evaluations scored and stored, a calibration session;
9. reasons: contact reasons ranked by volume and cost (Pareto), repeat drivers and the top business cases;
10. metrics: the KPIs per queue and the balanced scorecard of the last week with its diagnostics.
"""

from __future__ import annotations

import csv
import shutil
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from supportops.cli.output import err, out, print_json, progress_bar, table
from supportops.config import Settings, load_settings
from supportops.demo.generator import QUEUES, DemoData, generate
from supportops.errors import WorkspaceError

__all__ = ["DEMO_CONFIG", "STAGE_NAMES", "build_demo_workspace", "run_demo"]

DEMO_CONFIG = """
# ---- demo program: queues, sites and the mappings the demo's CSV exports use ----
[[queues]]
id = "tech-voice"
program = "acme"
channel = "voice"
language = "en"
skills = ["tech"]
time_zone = "Europe/London"
hours = { mon = "08:00-20:00", tue = "08:00-20:00", wed = "08:00-20:00", thu = "08:00-20:00", fri = "08:00-20:00", sat = "closed", sun = "closed" }

[[queues]]
id = "support-chat"
program = "acme"
channel = "chat"
language = "en"
skills = ["support"]
time_zone = "Europe/London"
hours = { mon = "08:00-22:00", tue = "08:00-22:00", wed = "08:00-22:00", thu = "08:00-22:00", fri = "08:00-22:00", sat = "08:00-22:00", sun = "08:00-22:00" }

[[queues]]
id = "support-email"
program = "acme"
channel = "email"
language = "en"
skills = ["support"]
time_zone = "Europe/London"

[[queues]]
id = "help-bot"
program = "acme"
channel = "bot"
language = "en"
time_zone = "Europe/London"

[[cost_rates]]
site = "london"
delivery_model = "onshore"
hourly_cost = 31.0

[[cost_rates]]
site = "manila"
delivery_model = "offshore"
hourly_cost = 11.5

[ingest.contacts]
table = "contacts"
duration_unit = "ms"

[ingest.surveys]
table = "surveys"

[ingest.agents]
table = "agents"

[ingest.agent_states]
table = "agent_states"
"""

MARKER = ".supportops-demo"

FILES = (
    ("contacts", "contacts.csv"),
    ("agents", "agents.csv"),
    ("agent_states", "agent_states.csv"),
    ("surveys", "surveys.csv"),
)


def _write_csv(path: Path, columns: dict[str, list[object]]) -> int:
    names = list(columns)
    n = len(columns[names[0]]) if names else 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for i in range(n):
            w.writerow(["" if columns[c][i] is None else columns[c][i] for c in names])
    return n


def _prepare(folder: Path) -> Settings:
    from supportops.workspace import init_workspace

    if (folder / MARKER).exists():
        shutil.rmtree(folder)  # an earlier demo: start it afresh
    elif folder.exists() and any(folder.iterdir()):
        raise WorkspaceError(f"{folder}: exists and is not a demo workspace; give the demo a new or empty folder")
    init_workspace(
        folder,
        name="Acme Retail support (demo)",
        time_zone="Europe/London",
        program="acme",
        program_name="Acme Retail",
        queue="billing-voice",
    )
    (folder / MARKER).write_text("created by `supportops demo`; the next demo run replaces this folder\n")
    config = folder / "supportops.toml"
    text = config.read_text(encoding="utf-8").replace(
        'skills = ["general"]', 'skills = ["billing"]\ntime_zone = "Europe/London"'
    )
    config.write_text(text + DEMO_CONFIG, encoding="utf-8")
    return load_settings(folder)


def _ingest_stage(folder: Path, settings: Settings, as_json: bool) -> dict[str, Any]:
    from supportops.warehouse.ingest import ingest_file

    results: dict[str, Any] = {}
    for mapping, name in FILES:
        with progress_bar(f"importing {name}") as update:
            r = ingest_file(
                folder,
                folder / "data" / name,
                program_id="acme",
                fmt="csv",
                mapping=mapping,
                progress=update,
                settings=settings,
            )
        results[name] = r.to_json()
    again = ingest_file(
        folder, folder / "data" / "contacts.csv", program_id="acme", fmt="csv", mapping="contacts", settings=settings
    )
    results["contacts.csv (imported again)"] = again.to_json()
    if not as_json:
        table(
            "ingest: every row accounted for",
            ["file", "read", "accepted", "duplicates", "quarantined", "reasons"],
            [
                [
                    f,
                    d["read"],
                    d["accepted"],
                    d["duplicates"],
                    d["quarantined"],
                    ", ".join(f"{k} {v}" for k, v in d["quarantine_reasons"].items()),
                ]
                for f, d in results.items()
            ],
        )
    return results


def _staffing_stage(folder: Path, settings: Settings, weeks: int, as_json: bool) -> list[dict[str, Any]]:
    """Size the average week's busiest voice half-hours from the imported contacts."""
    from supportops.queueing import Targets, apply_shrinkage, offered_load, required_agents
    from supportops.warehouse.connection import connect

    con = connect(folder)
    try:
        rows = con.execute(
            """
            WITH legs AS (
              SELECT queue_id, timezone('Europe/London', arrived_at) AS local_at,
                     (coalesce(talk_ms, 0) + coalesce(hold_ms, 0) + coalesce(acw_ms, 0)) / 1000.0 AS handle_s,
                     outcome
              FROM contacts WHERE channel = 'voice' AND outcome IN ('handled', 'abandoned'))
            SELECT queue_id, isodow(local_at) AS dow, strftime(time_bucket(INTERVAL 30 MINUTE, local_at), '%H:%M') AS slot,
                   count(*) / ? AS calls,
                   avg(handle_s) FILTER (WHERE outcome = 'handled') AS aht
            FROM legs GROUP BY ALL ORDER BY calls DESC LIMIT 6
            """,
            [float(weeks)],
        ).fetchall()
    finally:
        con.close()
    calls = np.array([r[3] for r in rows], dtype=float)
    aht = np.array([r[4] for r in rows], dtype=float)
    sl = settings.service_level
    targets = Targets(service_level=sl.target, threshold=sl.threshold_s)
    result = required_agents(offered_load(calls, aht, 1800.0), aht, targets)
    days = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    out_rows = []
    for i, r in enumerate(rows):
        chain = apply_shrinkage(float(result.agents[i]), settings.staffing.shrinkage, settings.staffing.absenteeism)
        out_rows.append(
            {
                "queue": r[0],
                "interval": f"{days[int(r[1])]} {r[2]}",
                "calls": round(float(calls[i]), 1),
                "aht_s": round(float(aht[i]), 1),
                "agents": int(result.agents[i]),
                "service_level": round(float(result.evaluation.service_level[i]), 4),
                "scheduled": chain.scheduled,
                "rostered": chain.rostered,
            }
        )
    if not as_json:
        table(
            f"staffing: busiest voice half-hours of an average week ({sl.target:.0%}/{sl.threshold_s:g}s, "
            f"shrinkage {settings.staffing.shrinkage:.0%}, absenteeism {settings.staffing.absenteeism:.0%})",
            ["queue", "interval", "calls", "AHT s", "agents", "SL", "scheduled", "rostered"],
            [
                [
                    d["queue"],
                    d["interval"],
                    d["calls"],
                    d["aht_s"],
                    d["agents"],
                    f"{d['service_level']:.1%}",
                    d["scheduled"],
                    d["rostered"],
                ]
                for d in out_rows
            ],
        )
    return out_rows


def _forecast_stage(folder: Path, settings: Settings, as_json: bool) -> list[dict[str, Any]]:
    """Forecast the next two weeks of each assisted queue, the model chosen by a one-week backtest."""
    from supportops.forecasting import backtest, day_kinds, forecast, weekday_of, weekly_open_from_hours
    from supportops.forecasting.backtest import MIN_HISTORY_DAYS
    from supportops.warehouse.forecasts import interval_history, save_forecast_snapshot

    rows: list[dict[str, Any]] = []
    for queue in ("billing-voice", "tech-voice", "support-chat", "support-email"):
        q = settings.queue(queue)
        assert q is not None
        grid = interval_history(folder, settings, queue, 30)
        if grid.n_days >= MIN_HISTORY_DAYS + 7:
            bt = backtest(grid, horizon_days=7, folds=2)
            chosen, wape, baseline = bt.chosen, bt.wape[bt.chosen], bt.wape.get("weekday_mean_4")
        else:
            chosen, wape, baseline = "weekday_mean_4", None, None
        first = grid.last_day + timedelta(days=1)
        days = 14
        open_ = weekly_open_from_hours(30, {w: q.opening_hours(w) for w in range(7)})[weekday_of(first, days)]
        fc = forecast(grid, model=chosen, open_=open_, kinds=day_kinds(first, days, closed=q.closed_dates))
        snapshot = save_forecast_snapshot(folder, queue, fc)
        rows.append(
            {
                "queue": queue,
                "model": chosen,
                "backtest_wape": wape,
                "weekday_mean_4_wape": baseline,
                "first_day": first.isoformat(),
                "next_7_days": round(float(fc.volume[:7].sum())),
                "busiest_interval": round(float(fc.volume.max()), 1),
                "snapshot_id": snapshot,
            }
        )
    if not as_json:
        table(
            "forecast: next two weeks per queue (model chosen by a one-week rolling backtest)",
            ["queue", "model", "WAPE", "weekday_mean_4 WAPE", "from", "next 7 days", "busiest half-hour"],
            [
                [
                    r["queue"],
                    r["model"],
                    _fmt("fraction", r["backtest_wape"]),
                    _fmt("fraction", r["weekday_mean_4_wape"]),
                    r["first_day"],
                    r["next_7_days"],
                    r["busiest_interval"],
                ]
                for r in rows
            ],
        )
    return rows


def _metrics_stage(folder: Path, settings: Settings, as_json: bool) -> dict[str, Any]:
    from supportops.metrics import build_scorecard, compute_metrics, duckdb_backend

    backend = duckdb_backend(folder)
    slugs = [
        "offered",
        "handled",
        "abandoned",
        "service_level",
        "asa_s",
        "abandon_rate",
        "aht_s",
        "fcr",
        "repeat_rate_7d",
        "transfer_rate",
        "csat_top2",
        "nps",
        "ces",
    ]
    result = compute_metrics(backend, settings, by="queue", metrics=slugs)
    card = build_scorecard(backend, settings)
    doc: dict[str, Any] = {
        "by_queue": list(result.rows),
        "service_level_variant": result.service_level_variant,
        "scorecard": card.to_json(),
    }
    if not as_json:
        units = {m.slug: m.unit for m in result.metrics}
        queues = [str(r.get("queue")) for r in result.rows]
        table(
            f"metrics by queue (service level: {result.service_level_variant})",
            ["metric", *queues],
            [[s, *(_fmt(units.get(s, ""), r.get(s)) for r in result.rows)] for s in slugs],
        )
        sc: dict[str, Any] = doc["scorecard"]
        table(
            f"Balanced scorecard {sc['period']}",
            ["metric", "value", "target", "status"],
            [
                [line["label"], _fmt(line["unit"], line["value"]), line["target"], line["status"]]
                for line in sc["scorecard"]
            ],
        )
        for d in sc["diagnostics"]:
            if d.get("triggered"):
                out.print(f"[yellow]diagnostic[/] {d.get('title', d.get('code'))}: {d.get('detail', '')}")
    return doc


def _fmt(unit: str, value: Any) -> str:
    """A metric value for people: fractions as percentages, seconds and scores with one decimal."""
    if value is None:
        return "-"
    if unit in ("fraction", "ratio", "share", "%"):
        return f"{value:.1%}"
    if isinstance(value, int) or unit in ("count", "contacts"):
        return f"{int(value):,}"
    return f"{value:,.1f}"


STAGE_NAMES = (
    "workspace",
    "generate",
    "ingest",
    "staffing",
    "forecast",
    "scheduling",
    "capacity",
    "quality",
    "reasons",
    "metrics",
)
"""The demo's stages in order; the JSON document has a key per stage (the workspace and generate stages
fill ``workspace``, ``seed``, ``weeks``, ``start`` and ``generated``) and ``stage_seconds``."""


class _Stages:
    """Prints each stage's heading and records how long it took."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.seconds: dict[str, float] = {}
        self._started = time.perf_counter()
        self._name: str | None = None

    def begin(self, name: str) -> None:
        self._finish()
        self._name = name
        if not self.as_json:
            out.rule(f"[bold]Stage {STAGE_NAMES.index(name) + 1} of {len(STAGE_NAMES)}: {name}", align="left")

    def _finish(self) -> None:
        now = time.perf_counter()
        if self._name is not None:
            self.seconds[self._name] = round(now - self._started, 1)
        self._started = now
        self._name = None

    def done(self) -> dict[str, float]:
        self._finish()
        return self.seconds


def build_demo_workspace(
    folder: Path, *, weeks: int = 10, seed: int = 7, as_json: bool = False, stages: _Stages | None = None
) -> tuple[Settings, dict[str, Any]]:
    """Stages 1-3: the demo workspace in ``folder`` with ``weeks`` of generated contacts imported; returns its
    settings and the JSON document so far. Later stages (and tests of them) start from here."""
    stages = stages or _Stages(as_json)
    stages.begin("workspace")
    settings = _prepare(folder)
    if not as_json:
        out.print(f"{folder} (program acme, {len(settings.queues)} queues)")
    stages.begin("generate")
    today = date.today()
    start = today - timedelta(days=today.weekday() + 7 * weeks)
    with progress_bar("generating the program") as update:
        update(None, f"simulating {weeks} weeks of contacts")
        data: DemoData = generate(np.random.default_rng(seed), start=start, weeks=weeks)
    (folder / "data").mkdir(exist_ok=True)
    counts = {name: _write_csv(folder / "data" / name, getattr(data, table_name)) for table_name, name in FILES}
    if not as_json:
        table(
            f"generated {weeks} weeks from {start} (seed {seed}): {', '.join(q.id for q in QUEUES)}",
            ["file", "rows"],
            [[n, c] for n, c in counts.items()],
        )
    doc: dict[str, Any] = {
        "workspace": str(folder),
        "seed": seed,
        "weeks": weeks,
        "start": start.isoformat(),
        "generated": counts,
    }
    stages.begin("ingest")
    doc["ingest"] = _ingest_stage(folder, settings, as_json)
    return settings, doc


def run_demo(folder: Path, *, weeks: int = 10, seed: int = 7, as_json: bool = False) -> dict[str, Any]:
    """Build the demo workspace in ``folder`` and run every stage; returns (and with ``as_json`` prints)
    the JSON document of all stages."""
    from supportops.demo.capacity_stage import capacity_stage
    from supportops.demo.quality_stage import quality_stage
    from supportops.demo.reasons_stage import reasons_stage
    from supportops.demo.scheduling_stage import scheduling_stage

    started = time.perf_counter()
    stages = _Stages(as_json)
    settings, doc = build_demo_workspace(folder, weeks=weeks, seed=seed, as_json=as_json, stages=stages)
    stages.begin("staffing")
    doc["staffing"] = _staffing_stage(folder, settings, weeks, as_json)
    stages.begin("forecast")
    doc["forecast"] = _forecast_stage(folder, settings, as_json)
    stages.begin("scheduling")
    doc["scheduling"] = scheduling_stage(folder, settings, as_json)
    stages.begin("capacity")
    doc["capacity"] = capacity_stage(folder, settings, as_json)
    stages.begin("quality")
    doc["quality"] = quality_stage(folder, settings, as_json, seed=seed)
    stages.begin("reasons")
    doc["reasons"] = reasons_stage(folder, settings, as_json)
    stages.begin("metrics")
    doc["metrics"] = _metrics_stage(folder, settings, as_json)
    doc["stage_seconds"] = stages.done()
    doc["seconds"] = round(time.perf_counter() - started, 1)
    if as_json:
        print_json(doc)
    else:
        err.print(f"Demo finished in {doc['seconds']} s. Explore it: supportops status --workspace {folder}")
    return doc
