"""Staffing 10,000 intervals: supportops (vectorised Erlang C) against pyworkforce 0.5.1 ``ErlangC``, side by side.

The same 10,000 random intervals (10-5,000 calls per 30 minutes, AHT 180-900 s, 80 % within 20 s, seed 12345)
are sized by both. Every interval where the answers differ is listed with the exact verdict: a 40-digit
Erlang C (mpmath recursion) decides which answer is the smallest staffing that reaches 80 %. A random sample
of agreeing intervals is checked the same way. Then: Erlang A sizing at 6,667 Erlangs (SL 80/20 and at most
5 % abandonment, 2-minute patience) and Erlang C sizing at 100,000 Erlangs, timed.

Run: ``uv sync --group bench && uv run --group bench python benchmarks/queueing.py``
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import mpmath as mp
import numpy as np
from pyworkforce.queuing import ErlangC

from supportops.queueing import Targets, evaluate, offered_load, required_agents

N_INTERVALS = 10_000
SEED = 12345
INTERVAL_S = 1800.0
T = 20.0
TARGET = 0.8


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time in seconds over ``repeat`` runs (after one warm-up), and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def exact_sl(n: int, load: float, aht: float, t: float = T) -> mp.mpf:
    """Erlang C service level with 40 significant digits (Erlang B recursion in mpmath)."""
    with mp.workdps(40):
        a = mp.mpf(load)
        if n <= a:
            return mp.mpf(0)
        b = mp.mpf(1)
        for k in range(1, n + 1):
            b = a * b / (k + a * b)
        c = b / (1 - a / n * (1 - b))
        return 1 - c * mp.exp(-(n - a) * t / aht)


def exact_answer_ok(n: int, load: float, aht: float) -> bool:
    """True when n reaches the target and n − 1 does not (exactly)."""
    return bool(exact_sl(n, load, aht) >= TARGET and exact_sl(n - 1, load, aht) < TARGET)


def main() -> None:
    rng = np.random.default_rng(SEED)
    calls = rng.integers(10, 5001, N_INTERVALS).astype(np.float64)
    aht = rng.uniform(180.0, 900.0, N_INTERVALS)
    load = offered_load(calls, aht, INTERVAL_S)
    targets = Targets(service_level=TARGET, threshold=T)
    print(f"{N_INTERVALS:,} intervals, seed {SEED}: calls 10-5,000 per 30 min, AHT 180-900 s, target 80/20")
    print(f"offered load {load.min():.2f} - {load.max():,.1f} Erlangs")

    ours_s, res = timed(lambda: required_agents(load, aht, targets), repeat=5)
    ours = np.asarray(res.agents).astype(np.int64)  # type: ignore[attr-defined]
    print(f"supportops required_agents (vectorised): {ours_s * 1000:8.1f} ms   Σ agents {ours.sum():,}")

    start = time.perf_counter()
    theirs = np.array(
        [
            ErlangC(
                transactions=float(calls[i]), aht=float(aht[i]) / 60.0, asa=T / 60.0, interval=30
            ).required_positions(TARGET)["raw_positions"]
            for i in range(N_INTERVALS)
        ],
        dtype=np.int64,
    )
    theirs_s = time.perf_counter() - start
    print(f"pyworkforce 0.5.1 ErlangC, one by one:    {theirs_s * 1000:8.1f} ms   Σ agents {theirs.sum():,}")
    speedup = theirs_s / ours_s
    print(f"speedup: {speedup:,.0f}x")

    differ = np.flatnonzero(ours != theirs)
    print(f"\nintervals where the answers differ: {differ.size}")
    if differ.size:
        print(f"{'#':>6} {'calls':>6} {'aht s':>8} {'load':>9} {'supportops':>10} {'pyworkforce':>11}  verdict (exact)")
    wins = {"supportops": 0, "pyworkforce": 0, "neither": 0}
    for i in differ:
        ok_ours = exact_answer_ok(int(ours[i]), float(load[i]), float(aht[i]))
        ok_theirs = exact_answer_ok(int(theirs[i]), float(load[i]), float(aht[i]))
        verdict = (
            "supportops" if ok_ours and not ok_theirs else "pyworkforce" if ok_theirs and not ok_ours else "neither"
        )
        wins[verdict] += 1
        sl_lo = float(exact_sl(int(min(ours[i], theirs[i])), float(load[i]), float(aht[i])))
        print(
            f"{i:>6} {int(calls[i]):>6} {aht[i]:>8.2f} {load[i]:>9.3f} {ours[i]:>10} {theirs[i]:>11}  "
            f"{verdict} is right (exact SL at {min(ours[i], theirs[i])} = {sl_lo:.6f})"
        )
    if differ.size:
        print(f"verdicts: {wins}")

    sample = np.random.default_rng(1).choice(np.setdiff1d(np.arange(N_INTERVALS), differ), 200, replace=False)
    bad = [int(i) for i in sample if not exact_answer_ok(int(ours[i]), float(load[i]), float(aht[i]))]
    print(f"exact check of 200 agreeing intervals: {200 - len(bad)} correct, {len(bad)} wrong {bad}")

    big_load = float(offered_load(20_000, 600, INTERVAL_S))
    joint = Targets(service_level=TARGET, threshold=T, max_abandon=0.05)
    ea_s, ea = timed(lambda: required_agents(big_load, 600.0, joint, patience=120.0), repeat=9)
    n_a = float(ea.agents)  # type: ignore[attr-defined]
    ev = ea.evaluation  # type: ignore[attr-defined]
    below = evaluate(n_a - 1, big_load, 600.0, T, 120.0)
    print(
        f"\nErlang A, {big_load:,.1f} Erlangs (20,000 calls / 30 min, AHT 600 s, patience 120 s, 80/20 and ≤ 5 % "
        f"abandonment): {n_a:,.0f} agents (SL {float(ev.service_level):.4f}, abandonment "
        f"{float(ev.abandon_rate):.6f}; {n_a - 1:,.0f} agents abandon {float(below.abandon_rate):.6f}) in "
        f"{ea_s * 1000:.2f} ms"
    )
    sl_only_s, sl_only = timed(lambda: required_agents(big_load, 600.0, targets, patience=120.0), repeat=9)
    print(
        f"Erlang A, same load, SL 80/20 only: {float(sl_only.agents):,.0f} agents "  # type: ignore[attr-defined]
        f"(abandonment {float(sl_only.evaluation.abandon_rate):.4f}) in {sl_only_s * 1000:.2f} ms "  # type: ignore[attr-defined]
        "(not measured here: pyworkforce 0.5.1 has no ErlangA; wfm-anchors.md §1.4 reports 0.5.4 answering "
        "6,667 agents in about 17 s, because it starts at the load)"
    )

    max_s, big = timed(lambda: required_agents(100_000.0, 600.0, targets), repeat=9)
    n_big = int(float(big.agents))  # type: ignore[attr-defined]
    ok_big = exact_answer_ok(n_big, 100_000.0, 600.0)
    print(
        f"Erlang C, 100,000 Erlangs (AHT 600 s, 80/20): {n_big:,} agents in {max_s * 1000:.2f} ms; "
        f"exact check: {ok_big}"
    )

    print(
        f"RESULT queueing speedup_vs_pyworkforce={speedup:.0f} erlang_a_6667_ms={max(ea_s, sl_only_s) * 1000:.2f} "
        f"max_load_ms={max_s * 1000:.2f}"
    )


if __name__ == "__main__":
    main()
