"""``supportops staff``: agents needed for one interval or a CSV of intervals, then scheduled and rostered."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from supportops.cli.output import JSON_OPTION, guarded, print_json, table
from supportops.errors import InputError

CHANNELS = ("voice", "chat", "email")
FROM_COLUMNS = ("interval_start", "queue", "channel", "calls", "aht")
OUT_COLUMNS = (
    "interval_start",
    "queue",
    "channel",
    "calls",
    "aht",
    "offered_load",
    "model",
    "agents",
    "service_level",
    "asa",
    "occupancy",
    "p_wait",
    "abandon_rate",
    "scheduled",
    "rostered",
    "binding",
)


FROM_OPTION = typer.Option(None, "--from", help="CSV of intervals: interval_start, queue, channel, calls, aht (s).")
OUT_OPTION = typer.Option(None, "--out", help="With --from: write the plan to this .csv or .xlsx file.")


def register(app: typer.Typer) -> None:
    app.command("staff")(staff)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the command needs from the queueing package: targets and model switches, validated."""

    sl: float
    threshold: float
    asa: float | None
    patience: float | None
    max_abandon: float | None
    max_occupancy: float | None
    shrinkage: float
    absenteeism: float
    interval_s: float
    concurrency: int
    slowdown: float
    deadline: float
    fractional: bool


def parse_sl(text: str) -> tuple[float, float]:
    """``--sl 80/20`` as (target fraction 0-1, threshold seconds); every command with ``--sl`` reads it so."""
    parts = text.replace(" ", "").split("/")
    try:
        if len(parts) != 2:
            raise ValueError
        pct, secs = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(f"--sl {text!r}: expected PERCENT/SECONDS, e.g. 80/20") from None
    if not 0.0 < pct < 100.0:
        raise InputError(f"--sl {text!r}: the percentage must be between 0 and 100 (exclusive)")
    if not (math.isfinite(secs) and secs > 0.0):
        raise InputError(f"--sl {text!r}: the answer time must be more than 0 seconds")
    return pct / 100.0, secs


def _fraction(name: str, value: float | None, *, upper_inclusive: bool = False) -> None:
    if value is None:
        return
    ok = 0.0 <= value <= 1.0 if upper_inclusive else 0.0 <= value < 1.0
    if not (math.isfinite(value) and ok):
        bound = "[0, 1]" if upper_inclusive else "[0, 1)"
        raise InputError(f"{name} {value}: must be a fraction in {bound} (0.30 means 30%)")


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _pct(value: float) -> str:
    return f"{100.0 * value:.1f}%" if math.isfinite(value) else "—"


def _secs(value: float) -> str:
    return f"{value:.1f} s" if math.isfinite(value) else "∞"


def _agents_out(value: float, fractional: bool) -> float | int:
    return round(value, 6) if fractional else round(value)


def _voice(plan: _Plan, calls: list[float], aht: list[float]) -> list[dict[str, Any]]:
    import numpy as np

    from supportops.queueing import Targets, apply_shrinkage, evaluate, offered_load, required_agents

    targets = Targets(
        service_level=plan.sl,
        threshold=plan.threshold,
        asa=plan.asa,
        max_abandon=plan.max_abandon,
        max_occupancy=plan.max_occupancy,
    )
    load = offered_load(np.asarray(calls), np.asarray(aht), plan.interval_s)
    res = required_agents(load, np.asarray(aht), targets, patience=plan.patience, fractional=plan.fractional)
    ev = res.evaluation
    below_n = np.maximum(ev.agents - 1.0, 0.0)
    below = evaluate(below_n, load, np.asarray(aht), plan.threshold, plan.patience)
    rows = []
    for i in range(load.size):
        chain = apply_shrinkage(float(ev.agents[i]), plan.shrinkage, plan.absenteeism)
        rows.append(
            {
                "model": ev.model,
                "offered_load": float(load[i]),
                "agents": _agents_out(float(ev.agents[i]), plan.fractional),
                "service_level": _num(ev.service_level[i]),
                "asa": _num(ev.asa[i]),
                "occupancy": _num(ev.occupancy[i]),
                "p_wait": _num(ev.p_wait[i]),
                "abandon_rate": _num(ev.abandon_rate[i]) if plan.patience is not None else None,
                "mean_wait": _num(ev.mean_wait[i]),
                "scheduled": chain.scheduled,
                "rostered": chain.rostered,
                "scheduled_exact": chain.scheduled_exact,
                "rostered_exact": chain.rostered_exact,
                "binding": list(res.binding[i]),
                "one_fewer": {
                    "agents": _agents_out(float(below_n[i]), plan.fractional),
                    "service_level": _num(below.service_level[i]),
                    "asa": _num(below.asa[i]),
                    "occupancy": _num(below.occupancy[i]),
                    "abandon_rate": _num(below.abandon_rate[i]) if plan.patience is not None else None,
                },
            }
        )
    return rows


def _chat(plan: _Plan, calls: float, aht: float) -> dict[str, Any]:
    from supportops.queueing import Targets, apply_shrinkage, chat_required_agents

    targets = Targets(service_level=plan.sl, threshold=plan.threshold, asa=plan.asa, max_occupancy=plan.max_occupancy)
    m = chat_required_agents(
        calls / plan.interval_s, aht, targets, max_concurrency=plan.concurrency, slowdown=plan.slowdown
    )
    chain = apply_shrinkage(float(m.agents), plan.shrinkage, plan.absenteeism)
    return {
        "model": f"chat_concurrency_{plan.concurrency}",
        "offered_load": calls * aht / plan.interval_s,
        "agents": m.agents,
        "service_level": _num(m.service_level),
        "asa": _num(m.asa),
        "occupancy": _num(m.occupancy),
        "p_wait": _num(m.p_wait),
        "abandon_rate": None,
        "mean_concurrency": m.mean_concurrency,
        "scheduled": chain.scheduled,
        "rostered": chain.rostered,
        "binding": [],
    }


def _email(plan: _Plan, calls: list[float], aht: list[float]) -> dict[str, Any]:
    from supportops.queueing import apply_shrinkage, backlog_required_agents

    b = backlog_required_agents(calls, aht, plan.interval_s, plan.deadline)
    chain = apply_shrinkage(float(b.agents), plan.shrinkage, plan.absenteeism)
    return {
        "model": "backlog_deadline",
        "offered_load": b.workload / (plan.interval_s * len(calls)),
        "agents": b.agents,
        "agents_exact": b.agents_exact,
        "service_level": None,
        "asa": None,
        "occupancy": None,
        "p_wait": None,
        "abandon_rate": None,
        "scheduled": chain.scheduled,
        "rostered": chain.rostered,
        "binding": [f"deadline {plan.deadline:g} s"],
    }


def _explain(plan: _Plan, calls: float, aht: float, r: dict[str, Any]) -> list[str]:
    lines = [
        f"Offered load: {calls:g} calls × {aht:g} s ÷ {plan.interval_s:g} s = {r['offered_load']:.2f} Erlangs.",
    ]
    if plan.patience is None:
        lines.append("Model: Erlang C (M/M/N): every caller waits until answered.")
    else:
        lines.append(f"Model: Erlang A (M/M/N+M): callers hang up after {plan.patience:g} s on average.")
    wanted = [f"service level ≥ {_pct(plan.sl)} within {plan.threshold:g} s"]
    if plan.asa is not None:
        wanted.append(f"ASA ≤ {plan.asa:g} s")
    if plan.max_abandon is not None:
        wanted.append(f"abandonment ≤ {_pct(plan.max_abandon)}")
    if plan.max_occupancy is not None:
        wanted.append(f"occupancy ≤ {_pct(plan.max_occupancy)}")
    lines.append("Targets, all at once: " + "; ".join(wanted) + ".")
    n = r["agents"]
    got = f"{n} agents: service level {_pct(r['service_level'] or 0.0)}, ASA {_secs(_inf(r['asa']))}, "
    got += f"occupancy {_pct(r['occupancy'] or 0.0)}, P(wait) {_pct(r['p_wait'] or 0.0)}"
    if r["abandon_rate"] is not None:
        got += f", abandonment {_pct(r['abandon_rate'])}"
    lines.append(got + ": every target met.")
    fewer = r["one_fewer"]
    reasons = []
    for name in r["binding"]:
        if name == "service_level":
            reasons.append(f"service level {_pct(fewer['service_level'] or 0.0)} < {_pct(plan.sl)}")
        elif name == "asa":
            reasons.append(f"ASA {_secs(_inf(fewer['asa']))} > {plan.asa:g} s")
        elif name == "max_abandon" and plan.max_abandon is not None:
            reasons.append(f"abandonment {_pct(fewer['abandon_rate'] or 0.0)} > {_pct(plan.max_abandon)}")
        elif name == "max_occupancy" and plan.max_occupancy is not None:
            reasons.append(f"occupancy {_pct(fewer['occupancy'] or 0.0)} > {_pct(plan.max_occupancy)}")
    if reasons and n:
        lines.append(f"{fewer['agents']} agents fall short: " + "; ".join(reasons) + ".")
    lines.append(
        f"Scheduled: {n} ÷ (1 − {plan.shrinkage:.2f} shrinkage) = {r['scheduled_exact']:.2f} → {r['scheduled']}."
    )
    lines.append(
        f"Rostered: {r['scheduled']} ÷ (1 − {plan.absenteeism:.2f} absenteeism) = {r['rostered_exact']:.2f} "
        f"→ {r['rostered']}."
    )
    return lines


def _inf(value: float | None) -> float:
    return math.inf if value is None else value


def _float_cell(path: Path, line: int, field: str, text: str | None) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise InputError(f"{path}: row {line}, column {field!r}: {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0 or (field == "aht" and value == 0):
        raise InputError(f"{path}: row {line}, column {field!r}: {text!r} must be {'> 0' if field == 'aht' else '≥ 0'}")
    return value


def _read_intervals(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in FROM_COLUMNS if c not in header]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(FROM_COLUMNS)}")
        rows = []
        for line, raw in enumerate(reader, start=2):
            rec = {(k or "").strip(): v for k, v in raw.items()}
            channel = (rec["channel"] or "").strip().lower()
            if channel in ("phone", "call", "calls", "inbound"):
                channel = "voice"
            if channel not in CHANNELS:
                raise InputError(f"{path}: row {line}, column 'channel': {rec['channel']!r} is not one of {CHANNELS}")
            rows.append(
                {
                    "interval_start": (rec["interval_start"] or "").strip(),
                    "queue": (rec["queue"] or "").strip(),
                    "channel": channel,
                    "calls": _float_cell(path, line, "calls", rec["calls"]),
                    "aht": _float_cell(path, line, "aht", rec["aht"]),
                }
            )
    if not rows:
        raise InputError(f"{path}: no intervals")
    return rows


def _from_file(plan: _Plan, path: Path) -> list[dict[str, Any]]:
    rows = _read_intervals(path)
    results: list[dict[str, Any] | None] = [None] * len(rows)
    voice = [i for i, r in enumerate(rows) if r["channel"] == "voice"]
    if voice:
        for i, res in zip(
            voice, _voice(plan, [rows[i]["calls"] for i in voice], [rows[i]["aht"] for i in voice]), strict=True
        ):
            res.pop("one_fewer")
            results[i] = res
    for i, r in enumerate(rows):
        if r["channel"] == "chat":
            results[i] = _chat(plan, r["calls"], r["aht"])
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if r["channel"] == "email":
            groups[(r["queue"], r["interval_start"][:10])].append(i)
    for idx in groups.values():
        idx.sort(key=lambda i: rows[i]["interval_start"])
        plan_email = _email(plan, [rows[i]["calls"] for i in idx], [rows[i]["aht"] for i in idx])
        for i in idx:
            results[i] = dict(plan_email, offered_load=rows[i]["calls"] * rows[i]["aht"] / plan.interval_s)
    out = []
    for r, done in zip(rows, results, strict=True):
        assert done is not None
        out.append({**r, **done})
    return out


@guarded
def staff(
    calls: float | None = typer.Option(None, "--calls", help="Contacts offered in the interval."),
    aht: float | None = typer.Option(None, "--aht", help="Average handle time, seconds."),
    interval: float = typer.Option(30.0, "--interval", help="Interval length, minutes."),
    sl: str = typer.Option("80/20", "--sl", help="Service-level target PERCENT/SECONDS, e.g. 80/20."),
    asa: float | None = typer.Option(None, "--asa", help="Maximum ASA (mean wait of answered calls), seconds."),
    patience: float | None = typer.Option(
        None, "--patience", help="Mean caller patience, seconds: switches to Erlang A (abandonment)."
    ),
    max_abandon: float | None = typer.Option(None, "--max-abandon", help="Maximum abandonment, fraction (0.05)."),
    max_occupancy: float | None = typer.Option(None, "--max-occupancy", help="Maximum occupancy, fraction (0.85)."),
    shrinkage: float = typer.Option(0.0, "--shrinkage", help="Planned time off the phones, fraction (0.30)."),
    absenteeism: float = typer.Option(0.0, "--absenteeism", help="Unplanned absence, fraction (0.08)."),
    from_file: Path | None = FROM_OPTION,
    out: Path | None = OUT_OPTION,
    concurrency: int = typer.Option(3, "--concurrency", help="Chat rows: sessions an agent holds at most."),
    slowdown: float = typer.Option(
        0.25, "--slowdown", help="Chat rows: extra handle time per additional concurrent session, fraction."
    ),
    deadline: float = typer.Option(14400.0, "--deadline", help="Email rows: response deadline, seconds."),
    fractional: bool = typer.Option(False, "--fractional", help="Voice: real-valued agents (before rounding)."),
    explain: bool = typer.Option(False, "--explain", help="Say in words how the answer was reached."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Agents needed to meet service level, ASA, abandonment and occupancy targets, then scheduled and rostered.

    One interval: --calls and --aht. Many: --from FILE (voice rows use Erlang C, or Erlang A with --patience;
    chat rows the concurrency model; email rows the response-deadline backlog model per queue and day).
    """
    target, threshold = parse_sl(sl)
    _fraction("--shrinkage", shrinkage)
    _fraction("--absenteeism", absenteeism)
    _fraction("--max-abandon", max_abandon)
    _fraction("--max-occupancy", max_occupancy, upper_inclusive=True)
    if not (math.isfinite(interval) and interval > 0):
        raise InputError(f"--interval {interval}: must be more than 0 minutes")
    if asa is not None and not (math.isfinite(asa) and asa > 0):
        raise InputError(f"--asa {asa}: must be more than 0 seconds")
    if patience is not None and not (math.isfinite(patience) and patience > 0):
        raise InputError(f"--patience {patience}: must be more than 0 seconds")
    if max_abandon is not None and patience is None:
        raise InputError("--max-abandon needs --patience: without abandonment (Erlang C) nobody hangs up")
    if concurrency < 1:
        raise InputError(f"--concurrency {concurrency}: must be at least 1")
    if not (math.isfinite(deadline) and deadline > 0):
        raise InputError(f"--deadline {deadline}: must be more than 0 seconds")
    plan = _Plan(
        sl=target,
        threshold=threshold,
        asa=asa,
        patience=patience,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
        absenteeism=absenteeism,
        interval_s=interval * 60.0,
        concurrency=concurrency,
        slowdown=slowdown,
        deadline=deadline,
        fractional=fractional,
    )
    if from_file is not None:
        _staff_many(plan, from_file, out, as_json)
        return
    if out is not None:
        raise InputError("--out needs --from FILE (one interval is printed, not written)")
    if calls is None or aht is None:
        raise InputError("give --calls and --aht for one interval, or --from FILE for many")
    if not (math.isfinite(calls) and calls >= 0):
        raise InputError(f"--calls {calls:g}: must be a number of contacts ≥ 0")
    if not (math.isfinite(aht) and aht > 0):
        raise InputError(f"--aht {aht:g}: must be more than 0 seconds")
    r = _voice(plan, [calls], [aht])[0]
    lines = _explain(plan, calls, aht, r) if explain else []
    if as_json:
        doc = {
            k: r[k]
            for k in ("agents", "service_level", "asa", "occupancy", "p_wait", "abandon_rate", "scheduled", "rostered")
        }
        doc.update(
            offered_load=r["offered_load"],
            model=r["model"],
            mean_wait=r["mean_wait"],
            binding=r["binding"],
            one_fewer=r["one_fewer"],
        )
        if explain:
            doc["explain"] = lines
        print_json(doc)
        return
    rows: list[list[Any]] = [
        ["offered load (Erlangs)", f"{r['offered_load']:.2f}"],
        ["model", r["model"]],
        ["agents", str(r["agents"])],
        ["service level", _pct(r["service_level"] or 0.0)],
        ["ASA", _secs(_inf(r["asa"]))],
        ["occupancy", _pct(r["occupancy"] or 0.0)],
        ["P(wait)", _pct(r["p_wait"] or 0.0)],
        ["abandonment", _pct(r["abandon_rate"]) if r["abandon_rate"] is not None else "—"],
        ["scheduled", str(r["scheduled"])],
        ["rostered", str(r["rostered"])],
    ]
    table("Staffing for one interval", ["figure", "value"], rows)
    for line in lines:
        typer.echo(line)


def _staff_many(plan: _Plan, path: Path, out: Path | None, as_json: bool) -> None:
    results = _from_file(plan, path)
    matrix = [[_cell(r.get(c)) for c in OUT_COLUMNS] for r in results]
    if out is not None:
        from supportops.exports import write_table

        write_table(out, OUT_COLUMNS, matrix, sheet="staffing")
    if as_json:
        print_json({"rows": [{c: _cell(r.get(c)) for c in OUT_COLUMNS} for r in results], "out": out})
        return
    if out is not None:
        typer.echo(f"wrote {len(results):,} intervals to {out}")
        return
    shown = [
        [
            r["interval_start"],
            r["queue"],
            r["channel"],
            r["calls"],
            r["aht"],
            r["model"],
            r["agents"],
            _pct(r["service_level"]) if r["service_level"] is not None else "—",
            r["scheduled"],
            r["rostered"],
        ]
        for r in results
    ]
    table(
        f"Staffing for {len(results):,} intervals",
        ["interval_start", "queue", "channel", "calls", "aht", "model", "agents", "SL", "scheduled", "rostered"],
        shown,
    )


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return round(value, 6)
    return value
