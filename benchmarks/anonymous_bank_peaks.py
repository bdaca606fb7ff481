"""Peak hours of the "Anonymous Bank" January 1999 call log: what happened, and what Erlang C and A predict.

Reads ``anonymous-bank-1999/percall_1999-01.tsv.gz`` from the shared data folder (``$SUPPORTOPS_DATA`` or
``../shared/data`` beside the repository). Weekdays are Sunday to Thursday. Arrivals to the queue are calls
with outcome AGENT (served) or HANG (abandoned), timed at ``vru_exit``; ``q_time`` is the wait (for HANG, the
time until hanging up); ``ser_time`` the talk time.

Per (day, hour) cell: arrivals, mean talk time of served calls, offered load λ·AHT, abandonment, the share of
arrivals answered within 20 s (abandons count against), ASA of served calls, the time-average number of
agents busy, and the staffed agents estimated as the distinct agents who served a call in that hour. The
Erlang C and Erlang A predictions use that cell's staffing, load and AHT; Erlang A's mean patience is
estimated per hour of day as total waiting time of all queued callers divided by the number of abandons (the
maximum-likelihood estimate for exponential patience with censoring by service). Figures per hour of day are
arrival-weighted means over the weekday cells; the table shows the six hours with the highest offered load.

Run: ``uv run python benchmarks/anonymous_bank_peaks.py``
"""

from __future__ import annotations

import csv
import gzip
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from supportops.queueing import erlang_a_metrics, erlang_c_metrics

T = 20.0


def data_file() -> Path:
    env = os.environ.get("SUPPORTOPS_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return root / "anonymous-bank-1999" / "percall_1999-01.tsv.gz"


def seconds(hms: str) -> int:
    h, m, s = hms.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


@dataclass
class Cell:
    arrivals: int = 0
    served: int = 0
    abandoned: int = 0
    within: int = 0
    talk: float = 0.0
    wait_served: float = 0.0
    wait_all: float = 0.0
    busy_seconds: float = 0.0
    servers: set[str] = field(default_factory=set)


def read_cells(path: Path) -> dict[tuple[str, int], Cell]:
    cells: dict[tuple[str, int], Cell] = defaultdict(Cell)
    with gzip.open(path, "rt", encoding="latin-1", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            day = row["date"].strip()
            outcome = row["outcome"].strip()
            if len(day) != 6 or not day.isdigit() or outcome not in ("AGENT", "HANG"):
                continue
            d = date(1900 + int(day[:2]) if int(day[:2]) > 50 else 2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
            if d.weekday() in (4, 5):  # Friday, Saturday
                continue
            hour = seconds(row["vru_exit"]) // 3600
            cell = cells[(day, hour)]
            wait = max(float(row["q_time"]), 0.0)
            cell.arrivals += 1
            cell.wait_all += wait
            if outcome == "AGENT":
                cell.served += 1
                cell.talk += float(row["ser_time"])
                cell.wait_served += wait
                cell.within += wait <= T
            else:
                cell.abandoned += 1
            if outcome == "AGENT" and row["server"].strip() != "NO_SERVER":
                start, end = seconds(row["ser_start"]), seconds(row["ser_exit"])
                if end < start:
                    end += 86_400
                h = start // 3600
                while h * 3600 < end:  # spread the talk time over the hours it covers
                    lo, hi = max(start, h * 3600), min(end, (h + 1) * 3600)
                    busy = cells[(day, h % 24)]
                    busy.busy_seconds += hi - lo
                    busy.servers.add(row["server"].strip())
                    h += 1
    return cells


def implied_agents(load: float, aht: float, patience: float, abandon: float) -> float:
    """Real-valued agents at which Erlang A reproduces the observed abandonment (bisection; it falls with N)."""
    lo, hi = 0.01, 200.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(erlang_a_metrics(mid, load, aht, patience, T).p_abandon) > abandon:
            lo = mid
        else:
            hi = mid
    return hi


def main() -> None:
    path = data_file()
    if not path.exists():
        raise SystemExit(f"data not found: {path} (set SUPPORTOPS_DATA)")
    cells = read_cells(path)
    by_hour: dict[int, list[tuple[str, Cell]]] = defaultdict(list)
    for (day, hour), cell in cells.items():
        if cell.arrivals and cell.served and 7 <= hour <= 23:
            by_hour[hour].append((day, cell))

    rows = []
    for hour, items in sorted(by_hour.items()):
        queued_wait = sum(c.wait_all for _, c in items)
        abandons = sum(c.abandoned for _, c in items)
        patience = queued_wait / abandons if abandons else float("inf")
        w = np.array([c.arrivals for _, c in items], dtype=float)
        lam = w / 3600.0
        aht = np.array([c.talk / c.served for _, c in items])
        load = lam * aht
        staffed = np.array([max(len(c.servers), 1) for _, c in items], dtype=float)
        busy = np.array([c.busy_seconds / 3600.0 for _, c in items])
        obs_sl = np.array([c.within / c.arrivals for _, c in items])
        obs_ab = np.array([c.abandoned / c.arrivals for _, c in items])
        obs_asa = np.array([c.wait_served / c.served for _, c in items])
        ec = erlang_c_metrics(staffed, load, aht, T)
        ea = erlang_a_metrics(staffed, load, aht, patience, T)
        unstable = float(np.mean(staffed <= load))

        def avg(x: np.ndarray, weights: np.ndarray = w) -> float:
            return float(np.average(x, weights=weights))

        n_eff = implied_agents(avg(load), avg(aht), patience, avg(obs_ab))
        at_eff = erlang_a_metrics(n_eff, avg(load), avg(aht), patience, T)
        rows.append(
            {
                "n_eff": n_eff,
                "eff_sl": float(at_eff.service_level),
                "hour": hour,
                "days": len(items),
                "calls_per_h": float(w.mean()),
                "aht": avg(aht),
                "load": avg(load),
                "busy": avg(busy),
                "staffed": avg(staffed),
                "patience": patience,
                "obs_sl": avg(obs_sl),
                "obs_ab": avg(obs_ab),
                "obs_asa": avg(obs_asa),
                "c_sl": avg(ec.service_level),
                "c_asa": avg(np.where(np.isfinite(ec.asa), ec.asa, np.nan)) if np.all(np.isfinite(ec.asa)) else np.inf,
                "c_unstable": unstable,
                "a_sl": avg(ea.service_level),
                "a_ab": avg(ea.p_abandon),
                "a_asa": avg(ea.asa),
            }
        )
    peaks = sorted(rows, key=lambda r: r["load"], reverse=True)[:6]
    peaks.sort(key=lambda r: r["hour"])
    print(f"source: {path.name}; Sunday-Thursday; {sum(len(v) for v in by_hour.values())} day-hour cells, 07-24 h")
    header = (
        "| hour | days | calls/h | AHT s | load Erl | busy agents | staffed agents | patience s "
        "| obs SL20 | obs abandon | obs ASA s | Erlang C SL20 | Erlang C ASA s | C unstable cells "
        "| Erlang A SL20 | Erlang A abandon | Erlang A ASA s | agents implied by abandonment (Erlang A) "
        "| Erlang A SL20 at implied agents |"
    )
    print(header)
    print("|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|")
    for r in peaks:
        c_asa = "∞" if not np.isfinite(r["c_asa"]) else f"{r['c_asa']:.0f}"
        print(
            f"| {r['hour']:02d}-{r['hour'] + 1:02d} | {r['days']} | {r['calls_per_h']:.0f} | {r['aht']:.0f} "
            f"| {r['load']:.2f} | {r['busy']:.2f} | {r['staffed']:.1f} | {r['patience']:.0f} "
            f"| {r['obs_sl']:.1%} | {r['obs_ab']:.1%} | {r['obs_asa']:.0f} "
            f"| {r['c_sl']:.1%} | {c_asa} | {r['c_unstable']:.0%} "
            f"| {r['a_sl']:.1%} | {r['a_ab']:.1%} | {r['a_asa']:.0f} | {r['n_eff']:.2f} | {r['eff_sl']:.1%} |"
        )


if __name__ == "__main__":
    main()
