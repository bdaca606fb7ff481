"""Forecasting benchmark: rolling-origin backtests on two real call-centre series, and speed on 100 series.

Series (read from ../shared/data or $SUPPORTOPS_DATA, never copied into the repository):
- us-bank-2003: calls per 5 minutes, weekdays 07:00-21:05, 164 weekdays from Monday 2003-03-03, aggregated to
  30 minutes over 07:00-21:00 (the 21:00-21:05 sliver is left out: it is not a whole half-hour). The series
  carries no dates; day_index is mapped onto consecutive weekdays (dropped holidays shift later dates).
- anonymous-bank-1999: calls per 6 minutes, January-June 1999, aggregated to 30 minutes, opening hours
  Sunday-Thursday 07:00-24:00; Israeli public holidays from the holidays package; 1999-05-23 (imputed x.5
  values) is flagged irregular: not used for fitting and not scored.

Each series is backtested one day ahead (60 origins) and one week ahead (20 origins), every model refitted at
every origin. The peers are the industry baselines (seasonal naive, 8-week average, mean of the last 4 same
weekdays) measured side by side in the same run. The speed figure forecasts 100 synthetic series with two
years of 30-minute history 6 weeks ahead with the costliest model (``ensemble``: AutoETS and AutoTheta fits),
on 2 processes.

Run: uv run --group bench python benchmarks/forecasting.py
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import numpy as np
import polars as pl

from supportops.forecasting import (
    BASELINES,
    MODELS,
    DayGrid,
    DayKind,
    backtest,
    forecast,
    grid_from_frame,
    public_holidays,
    weekly_open_from_hours,
)

DATA = Path(os.environ.get("SUPPORTOPS_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
HORIZONS = {"1d": (1, 60), "1w": (7, 20)}


def us_grid() -> DayGrid:
    raw = pl.read_csv(DATA / "us-bank-2003" / "calls_5min_weekdays_2003.csv")
    start = date(2003, 3, 3)
    days: list[date] = []
    d = start
    while len(days) < int(raw["day_index"].max()):
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    frame = raw.filter(pl.col("interval_start") != "21:00").select(
        pl.struct("day_index", "interval_start")
        .map_elements(
            lambda r: datetime.combine(days[r["day_index"] - 1], dtime.fromisoformat(r["interval_start"])),
            return_dtype=pl.Datetime("us"),
        )
        .alias("interval_start"),
        pl.col("calls"),
    )
    hours = {wd: (dtime(7), dtime(21)) for wd in range(5)}
    return grid_from_frame(frame, interval_minutes=30, weekly_open=weekly_open_from_hours(30, hours))


def ab_grid() -> DayGrid:
    raw = pl.read_csv(DATA / "anonymous-bank-1999" / "arrivals_6min_1999.csv.gz")
    frame = raw.select(
        (pl.col("date") + " " + pl.col("interval_start")).str.to_datetime("%Y-%m-%d %H:%M").alias("interval_start"),
        pl.col("calls"),
    )
    first, last = frame["interval_start"].min().date(), frame["interval_start"].max().date()  # type: ignore[union-attr]
    hours = {wd: (dtime(7), dtime(0)) for wd in (6, 0, 1, 2, 3)}
    return grid_from_frame(
        frame,
        interval_minutes=30,
        weekly_open=weekly_open_from_hours(30, hours),
        holidays=public_holidays("IL", first, last),
        irregular=[date(1999, 5, 23)],
    )


def synthetic(seed: int, days: int = 730) -> DayGrid:
    rng = np.random.default_rng(seed)
    slots = np.arange(48)
    shape = np.exp(-0.5 * ((slots - 22) / 6.0) ** 2) + 0.6 * np.exp(-0.5 * ((slots - 30) / 3.0) ** 2)
    week = np.array([1.25, 1.1, 1.0, 1.0, 0.9, 0.5, 0.0])
    first = date(2024, 1, 1)
    wd = (np.arange(days)) % 7
    level = rng.uniform(300, 3000) * (1 + 0.0004 * np.arange(days))
    lam = level[:, None] * week[wd][:, None] * shape[None, :] / shape.sum()
    open_ = (lam > 0.5) & (week[wd][:, None] > 0)
    values = np.where(open_, rng.poisson(lam).astype(np.float64), np.nan)
    return DayGrid(first_day=first, interval_minutes=30, values=values, open=open_, kinds=np.zeros(days, np.int8))


def noise_floor(grid: DayGrid, days: int = 60) -> float:
    """WAPE a forecast knowing each interval's Poisson rate would still make: Σ√(2λ/π) / Σλ, with λ taken as
    the observed counts of the open intervals of the last ``days`` scorable days."""
    scorable = np.flatnonzero(grid.open.any(axis=1) & (grid.kinds == DayKind.NORMAL))[-days:]
    lam = grid.values[scorable][grid.open[scorable]]
    return float(np.sqrt(2 * lam / np.pi).sum() / lam.sum())


def forecast_synthetic(args: tuple[int, str]) -> float:
    seed, model = args
    g = synthetic(seed)
    future_open = g.open[-42:]
    return float(forecast(g, model=model, open_=future_open, kinds=np.zeros(42, np.int8)).volume.sum())


def main() -> None:
    series = {"us": us_grid(), "ab": ab_grid()}
    chosen: dict[str, str] = {}
    results: dict[tuple[str, str], dict[str, float]] = {}
    for name, grid in series.items():
        for hz, (days, folds) in HORIZONS.items():
            t = time.perf_counter()
            r = backtest(grid, horizon_days=days, folds=folds)
            results[(name, hz)] = r.wape
            print(
                f"\n{name} {hz}: {r.folds} folds, {r.intervals} open intervals scored, {time.perf_counter() - t:.1f} s"
            )
            print(f"  {'model':<16}{'WAPE':>8}{'day WAPE':>10}{'bias':>8}")
            for m in MODELS:
                mark = " <- lowest" if m == r.chosen else ""
                print(f"  {m:<16}{r.wape[m]:>8.2%}{r.wape_day[m]:>10.2%}{r.bias[m]:>+8.2%}{mark}")
        # one model per series: the lowest mean WAPE over both horizons
        chosen[name] = min(MODELS, key=lambda m: results[(name, "1d")][m] + results[(name, "1w")][m])
        print(f"\nchosen for {name}: {chosen[name]}; Poisson noise floor of these intervals {noise_floor(grid):.2%}")

    gains = []
    beats_all = True
    for name in series:
        for hz in HORIZONS:
            w = results[(name, hz)]
            best_base = min(w[b] for b in BASELINES)
            gains.append(best_base / w[chosen[name]])
            ok = all(w[chosen[name]] < w[b] for b in BASELINES)
            beats_all &= ok
            print(
                f"{name} {hz}: {chosen[name]} {w[chosen[name]]:.2%} vs best baseline {best_base:.2%} "
                f"(weekday_mean_4 {w['weekday_mean_4']:.2%}) -> ratio {best_base / w[chosen[name]]:.3f}"
                f"{'' if ok else '  DOES NOT BEAT ALL BASELINES'}"
            )
    print(f"chosen model beats all three baselines on both series at both horizons: {beats_all}")

    workers = os.cpu_count() or 1
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(workers, 2)) as pool:
        totals = list(pool.map(forecast_synthetic, [(s, "ensemble") for s in range(100)]))
    seconds = time.perf_counter() - t
    assert all(np.isfinite(totals)) and all(v > 0 for v in totals)
    print(f"\n100 series x 2 years of 30-minute history, 6 weeks ahead with ensemble: {seconds:.1f} s")

    wape_us = results[("us", "1d")][chosen["us"]]
    wape_ab = results[("ab", "1d")][chosen["ab"]]
    gain = min(gains)
    print(
        f"RESULT forecasting wape_us={wape_us:.4f} wape_ab={wape_ab:.4f} gain_vs_best_baseline={gain:.3f} "
        f"seconds_100_series={seconds:.1f}"
    )


if __name__ == "__main__":
    main()
