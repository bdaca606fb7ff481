"""The simulator against ciw on the same M/M/N+M queue, and a 1,000-agent multi-skill day.

1. M/M/100+M for one simulated week: Poisson arrivals at 0.31 per second, exponential handle time (mean
   300 s, load 93 Erlangs), exponential patience (mean 180 s). supportops (``simulate`` on a scenario, which
   picks the exact FIFO recursion for a single queue; the general event loop is timed too) and ciw run it
   side by side. Service level (answered within 20 s over all arrivals) and abandonment are compared with
   95 % confidence intervals from daily batch means, and with Erlang A.
2. A 1,000-agent multi-skill day of about 100,000 contacts: six voice queues, chat with three sessions per
   agent and email, agent groups with two to three skills, overflow, shifts with breaks and shrinkage.

Run: ``uv run --group bench python benchmarks/simulation.py``. Ends with
``RESULT simulation speedup_vs_ciw=<x> contacts_per_s=<n> day_1000_agents_s=<s>``.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import ciw
import numpy as np
from scipy import stats

from supportops.queueing import erlang_a_metrics
from supportops.simulation import Scenario, simulate

LAM, AHT, PATIENCE, AGENTS, T = 0.31, 300.0, 180.0, 100, 20.0
WEEK = 7 * 86_400.0
EDGE = 3600.0  # arrivals in the first and last hour are left out (warm-up, and contacts still in the system)


def week_scenario() -> Scenario:
    return Scenario.model_validate(
        {
            "start": date(2026, 1, 5),
            "days": 7,
            "queues": [
                {
                    "id": "q",
                    "daily_volume": LAM * 86_400,
                    "weekday_factors": [1.0] * 7,
                    "open": "00:00",
                    "close": "24:00",
                    "intraday": [1.0] * 48,
                    "service": "exponential",
                    "talk_s": AHT,
                    "patience": {"distribution": "exponential", "mean_s": PATIENCE},
                }
            ],
            "groups": [{"id": "g", "count": AGENTS, "skills": ["q"], "always_on": True}],
            "repeats": {"unresolved_rate": 0.0},
            "surveys": {"response_rate": 0.0},
        }
    )


def batches(arrival: np.ndarray, served: np.ndarray, wait: np.ndarray, abandoned: np.ndarray) -> np.ndarray:
    """Per-day (service level, abandonment) of the arrivals inside [EDGE, WEEK - EDGE]."""
    rows = []
    for d in range(7):
        lo, hi = max(d * 86_400.0, EDGE), min((d + 1) * 86_400.0, WEEK - EDGE)
        sel = (arrival >= lo) & (arrival < hi)
        n = sel.sum()
        rows.append(((sel & served & (wait <= T)).sum() / n, (sel & abandoned).sum() / n))
    return np.array(rows)


def ci(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(stats.t.ppf(0.975, x.shape[0] - 1) * x.std(ddof=1) / np.sqrt(x.shape[0]))


def run_supportops(seed: int, fast: bool = True) -> tuple[np.ndarray, int, float]:
    sc = week_scenario()
    started = time.perf_counter()
    r = simulate(sc, np.random.default_rng(seed), allow_fast_path=fast)
    seconds = time.perf_counter() - started
    e = r.engine
    b = batches(e.arrival, e.status == 1, e.answered - e.arrival, e.status == 2)
    return b, r.contacts_simulated, seconds


def run_ciw(seed: int) -> tuple[np.ndarray, int, float]:
    started = time.perf_counter()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / AHT)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / PATIENCE)],
    )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(WEEK)
    seconds = time.perf_counter() - started
    recs = q.get_all_records()
    arrival = np.array([r.arrival_date for r in recs])
    served = np.array([r.record_type == "service" for r in recs])
    wait = np.array([r.waiting_time for r in recs])
    return batches(arrival, served, wait, ~served), len(recs), seconds


def day_scenario() -> Scenario:
    all_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    voice: list[dict[str, Any]] = [
        {
            "id": f"voice-{k}",
            "channel": "voice",
            "daily_volume": vol,
            "open": "07:00",
            "close": "22:00",
            "talk_s": talk,
            "acw_s": 30,
            "hold_s": 40,
            "patience": {"distribution": "exponential", "mean_s": 150},
            "vip_share": 0.05,
            "vip_head_start_s": 60,
            "transfer_rate": 0.03,
            "transfer_to": "voice-tier2",
        }
        for k, (vol, talk) in enumerate([(12_000, 170), (9_500, 190), (8_000, 210), (7_000, 160), (6_000, 200)])
    ]
    voice.append({"id": "voice-tier2", "channel": "voice", "tier": 2, "talk_s": 420, "patience": {"mean_s": 400}})
    queues = [
        *voice,
        {
            "id": "chat",
            "channel": "chat",
            "daily_volume": 22_000,
            "open": "07:00",
            "close": "22:00",
            "talk_s": 480,
            "acw_s": 20,
            "concurrency": 3,
            "patience": {"mean_s": 240},
            "threshold_s": 60,
        },
        {
            "id": "email",
            "channel": "email",
            "daily_volume": 12_000,
            "open": "00:00",
            "close": "24:00",
            "talk_s": 220,
            "acw_s": 40,
            "threshold_s": 14_400,
        },
        {"id": "bot", "channel": "bot", "daily_volume": 12_000, "containment": 0.6, "handoff_to": "chat"},
    ]
    starts = ["06:45", "08:00", "09:30", "11:00", "12:30", "13:45"]
    groups = [
        {
            "id": f"voice-{k}-team",
            "count": 115,
            "skills": [f"voice-{k}", f"voice-{(k + 1) % 5}"],
            "overflow": {f"voice-{(k + 2) % 5}": 60},
            "shift_starts": starts,
            "days": all_days,
            "days_per_week": 7,
            "shrinkage": 0.08,
            "absenteeism": 0.04,
        }
        for k in range(5)
    ]
    groups += [
        {"id": "tier2", "count": 25, "skills": ["voice-tier2"], "tier": 2, "shift_starts": starts, "days": ["mon"]},
        {
            "id": "digital",
            "count": 250,
            "skills": ["chat", "email"],
            "shift_starts": starts,
            "days": all_days,
            "days_per_week": 7,
            "shrinkage": 0.08,
            "absenteeism": 0.04,
        },
        {
            "id": "blended",
            "count": 150,
            "skills": ["voice-0", "chat", "email"],
            "shift_starts": starts,
            "days": all_days,
            "days_per_week": 7,
            "shrinkage": 0.08,
            "absenteeism": 0.04,
        },
    ]
    return Scenario.model_validate({"start": date(2026, 1, 5), "days": 1, "queues": queues, "groups": groups})


def main() -> None:
    m = erlang_a_metrics(AGENTS, LAM * AHT, AHT, PATIENCE, T)
    print(
        f"M/M/{AGENTS}+M, one week: λ = {LAM}/s, AHT {AHT:.0f} s, load {LAM * AHT:.0f} Erl, patience {PATIENCE:.0f} s"
    )
    print(f"Erlang A: SL20 {float(m.service_level):.4f}, abandonment {float(m.p_abandon):.4f}")

    so = [run_supportops(seed) for seed in (1, 2, 3)]
    so_b = np.concatenate([b for b, _, _ in so])
    so_n = sum(n for _, n, _ in so)
    so_s = sum(s for _, _, s in so)
    _, n_loop, s_loop = run_supportops(4, fast=False)
    ciw_b, ciw_n, ciw_s = run_ciw(1)

    print()
    print("| engine | contacts | seconds | contacts/s | SL20 (95% CI) | abandonment (95% CI) |")
    print("|---|---|---|---|---|---|")
    for name, b, n, s in (("supportops (3 weeks)", so_b, so_n, so_s), ("ciw (1 week)", ciw_b, ciw_n, ciw_s)):
        sl, sl_h = ci(b[:, 0])
        ab, ab_h = ci(b[:, 1])
        print(f"| {name} | {n:,} | {s:.2f} | {n / s:,.0f} | {sl:.4f} ± {sl_h:.4f} | {ab:.4f} ± {ab_h:.4f} |")
    print(f"| supportops event loop (1 week) | {n_loop:,} | {s_loop:.2f} | {n_loop / s_loop:,.0f} | | |")

    agree = True
    for k, name in ((0, "service level"), (1, "abandonment")):
        a_m, a_h = ci(so_b[:, k])
        c_m, c_h = ci(ciw_b[:, k])
        overlap = abs(a_m - c_m) <= a_h + c_h
        agree &= overlap
        print(
            f"{name}: supportops {a_m:.4f} ± {a_h:.4f}, ciw {c_m:.4f} ± {c_h:.4f}: "
            f"{'intervals overlap' if overlap else 'DISAGREE'}"
        )
    so_rate = so_n / so_s
    ciw_rate = ciw_n / ciw_s
    speedup = so_rate / ciw_rate
    print(
        f"speed: supportops {so_rate:,.0f} contacts/s (event loop {n_loop / s_loop:,.0f}), "
        f"ciw {ciw_rate:,.0f} contacts/s: {speedup:.1f}x (event loop {n_loop / s_loop / ciw_rate:.1f}x)"
    )

    sc = day_scenario()
    simulate(sc, np.random.default_rng(0))  # warm imports
    started = time.perf_counter()
    r = simulate(sc, np.random.default_rng(7))
    day_s = time.perf_counter() - started
    started = time.perf_counter()
    with_tables = simulate(sc, np.random.default_rng(7), tables=True)
    tables_s = time.perf_counter() - started
    assert with_tables.contacts is not None
    print()
    print(
        f"1,000-agent multi-skill day: {r.plan.agents.size} agents, {r.contacts_simulated:,} agent contacts "
        f"(+{r.plan.bots.arrival.shape[0]:,} bot), {day_s:.2f} s; with canonical tables "
        f"({with_tables.contacts.num_rows:,} contact rows) {tables_s:.2f} s"
    )
    print("| queue | arrivals | SL | abandonment | ASA s |")
    print("|---|---|---|---|---|")
    for q in r.queues:
        print(f"| {q.queue} | {q.arrivals:,} | {q.service_level:.1%} | {q.abandon_rate:.1%} | {q.asa:.0f} |")
    if not agree:
        print("WARNING: supportops and ciw disagree beyond their confidence intervals")
    print(f"RESULT simulation speedup_vs_ciw={speedup:.1f} contacts_per_s={so_rate:.0f} day_1000_agents_s={day_s:.2f}")


if __name__ == "__main__":
    main()
