"""Rolling-origin backtest, the interval frame loader, the CLI JSON document, and the real-data comparison."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import series, truth

from supportops.cli.main import app
from supportops.errors import InputError
from supportops.forecasting import (
    BASELINES,
    MODELS,
    DayKind,
    backtest,
    grid_from_frame,
    public_holidays,
    wape,
    weekly_open_from_hours,
)


def test_wape_is_absolute_error_over_actual_volume() -> None:
    assert wape(np.array([90.0, 130.0]), np.array([100.0, 100.0])) == pytest.approx(0.2)
    with pytest.raises(InputError):
        wape(np.zeros(2), np.zeros(2))


def test_backtest_scores_open_intervals_near_the_poisson_floor() -> None:
    g = series(12)
    r = backtest(g, horizon_days=7, folds=3, models=("seasonal_naive", "week_avg_8", "weekday_mean_4"))
    assert r.folds == 3
    assert r.intervals == 3 * 6 * 12  # six open days of twelve open hours, Sunday never scored
    # floor: E|X - λ| ≈ sqrt(2λ/π); averaging 8 weeks leaves little above it, last week alone √2 more
    assert r.wape["week_avg_8"] < r.wape["seasonal_naive"]
    lam = truth(g.n_days)[-21:]
    floor = float(np.sqrt(2 * lam / np.pi).sum() / lam.sum())
    # the mean of 8 Poisson weeks adds variance λ/8 to the error: E|e| = sqrt(2λ(1 + 1/8)/π)
    assert r.wape["week_avg_8"] == pytest.approx(floor * np.sqrt(1 + 1 / 8), rel=0.15)
    assert r.wape["seasonal_naive"] == pytest.approx(floor * np.sqrt(2), rel=0.15)
    assert abs(r.bias["week_avg_8"]) < 0.03
    assert r.chosen == min(r.wape, key=lambda m: r.wape[m])


def test_backtest_needs_eight_weeks_of_history() -> None:
    with pytest.raises(InputError, match="no fold"):
        backtest(series(8), horizon_days=7, folds=2)


def test_frame_loader_aggregates_and_flags_missing_intervals() -> None:
    rows = []
    for d in range(14):
        for q in range(4 * 24):
            ts = datetime(2024, 3, 4) + timedelta(days=d, minutes=15 * q)
            if 9 <= ts.hour < 17 and not (d == 3 and ts.hour == 12):
                rows.append((ts, 2.0, 100.0 + d))
    frame = pl.DataFrame(rows, schema=["interval_start", "calls", "aht"], orient="row")
    hours = {wd: (time(9), time(17)) for wd in range(7)}
    g = grid_from_frame(
        frame, interval_minutes=30, weekly_open=weekly_open_from_hours(30, hours), closed=[date(2024, 3, 10)]
    )
    assert g.per_day == 48 and g.n_days == 14
    assert g.values[0, 18] == 4.0 and g.aht is not None and g.aht[0, 18] == pytest.approx(100.0)
    assert g.kinds[3] == DayKind.IRREGULAR and np.isnan(g.values[3, 24])  # flagged, never filled
    assert g.kinds[6] == DayKind.CLOSED and not g.open[6].any()
    assert g.open[0].sum() == 16 and not g.usable()[3]


def test_public_holidays_by_country() -> None:
    us = public_holidays("US", date(2024, 1, 1), date(2024, 12, 31))
    assert date(2024, 7, 4) in us and date(2024, 7, 5) not in us
    il = public_holidays("IL", date(1999, 4, 1), date(1999, 4, 30))
    assert date(1999, 4, 21) in il and date(1999, 4, 20) not in il  # Remembrance Day is an optional holiday
    assert date(1999, 4, 20) in public_holidays("IL", date(1999, 4, 1), date(1999, 4, 30), categories=("optional",))
    with pytest.raises(InputError, match="not known"):
        public_holidays("XX", date(2024, 1, 1), date(2024, 12, 31))


def test_cli_backtest_prints_the_model_wape_and_bias(tmp_path: Path) -> None:
    g = series(11)
    rows = [
        (datetime.combine(g.day(d), time(h)), "sales", g.values[d, h])
        for d in range(g.n_days)
        for h in range(24)
        if g.open[d, h]
    ]
    f = tmp_path / "history.csv"
    pl.DataFrame(rows, schema=["interval_start", "queue", "calls"], orient="row").write_csv(f)
    r = CliRunner().invoke(
        app,
        ["forecast", "backtest", "--history", str(f), "--interval", "60", "--horizon", "1w", "--folds", "2", "--json"],
    )
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["model"] in MODELS
    assert set(BASELINES) <= set(doc["wape"]) and set(doc["wape"]) == set(doc["bias"])
    assert all(0 <= v < 0.2 for v in doc["wape"].values())
    r = CliRunner().invoke(
        app,
        [
            "forecast",
            "--history",
            str(f),
            "--interval",
            "60",
            "--horizon",
            "1w",
            "--model",
            "week_avg_8",
            "--out",
            str(tmp_path / "f.csv"),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["intervals"] == 6 * 12 and out["contacts"] > 0
    assert (tmp_path / "f.csv").read_text(encoding="utf-8-sig").startswith("date,interval_start,contacts")


def test_cli_rejects_a_bad_horizon(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        app, ["forecast", "backtest", "--history", str(tmp_path / "x.csv"), "--horizon", "3d", "--json"]
    )
    assert r.exit_code == 2 and "1d or 1w" in json.loads(r.stdout)["error"]


@pytest.mark.slow
@pytest.mark.real_data
def test_real_series_statistical_model_beats_weekday_mean_4() -> None:
    from realdata import real_file

    raw = pl.read_csv(real_file("anonymous-bank-1999", "arrivals_6min_1999.csv.gz"))
    frame = raw.select(
        (pl.col("date") + " " + pl.col("interval_start")).str.to_datetime("%Y-%m-%d %H:%M").alias("interval_start"),
        pl.col("calls"),
    )
    hours = {wd: (time(7), time(0)) for wd in (6, 0, 1, 2, 3)}
    g = grid_from_frame(
        frame,
        interval_minutes=30,
        weekly_open=weekly_open_from_hours(30, hours),
        holidays=public_holidays("IL", date(1999, 1, 1), date(1999, 6, 30)),
        irregular=[date(1999, 5, 23)],
    )
    r = backtest(g, horizon_days=1, folds=20, models=("weekday_mean_4", "week_avg_8", "ets", "ensemble"))
    assert r.chosen in ("ets", "ensemble")
    assert r.wape[r.chosen] < r.wape["weekday_mean_4"] - 0.01


@pytest.mark.slow
def test_workspace_forecast_is_saved_as_a_snapshot(tmp_path: Path) -> None:
    import duckdb

    ws = tmp_path / "demo"
    runner = CliRunner()
    assert runner.invoke(app, ["demo", str(ws), "--weeks", "9", "--json"]).exit_code == 0
    r = runner.invoke(
        app, ["forecast", "--workspace", str(ws), "--queue", "billing-voice", "--horizon", "1w", "--json"]
    )
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    con = duckdb.connect(str(ws / "warehouse.duckdb"), read_only=True)
    n, total, aht = con.execute(
        "SELECT count(*), sum(contacts), avg(aht_s) FROM forecast_snapshots WHERE snapshot_id = ?", [doc["snapshot_id"]]
    ).fetchall()[0]
    con.close()
    assert n == doc["intervals"] > 0
    assert total == pytest.approx(doc["contacts"])
    assert 30 < aht < 3600  # handle time in seconds, from the handled contacts
    # publish as of two weeks before the end, then judge it against what arrived
    r = runner.invoke(
        app,
        [
            "forecast",
            "-w",
            str(ws),
            "--queue",
            "billing-voice",
            "--horizon",
            "1w",
            "--as-of",
            str(_last_day(ws, doc["snapshot_id"]) - timedelta(days=13)),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.stderr
    published = json.loads(r.stdout)
    r = runner.invoke(app, ["forecast", "accuracy", "-w", str(ws), "--queue", "billing-voice", "--json"])
    assert r.exit_code == 0, r.stderr
    acc = json.loads(r.stdout)
    assert acc["snapshot_id"] == published["snapshot_id"]
    assert acc["intervals"] == published["intervals"] and acc["forecast"] == pytest.approx(published["contacts"])
    assert 0 < acc["wape_week"] <= acc["wape_day"] <= acc["wape_interval"] < 0.5


def _last_day(ws: Path, snapshot_id: str) -> date:
    """Last day of a snapshot (the demo saves snapshots of its own, further ahead)."""
    import duckdb

    con = duckdb.connect(str(ws / "warehouse.duckdb"), read_only=True)
    (last,) = con.execute(
        "SELECT max(interval_date) FROM forecast_snapshots WHERE snapshot_id = ?", [snapshot_id]
    ).fetchall()[0]
    con.close()
    assert isinstance(last, date)
    return last


@pytest.mark.slow
@pytest.mark.real_data
def test_us_bank_statistical_model_beats_weekday_mean_4() -> None:
    from realdata import real_file

    raw = pl.read_csv(real_file("us-bank-2003", "calls_5min_weekdays_2003.csv"))
    weekdays = [d for d in (date(2003, 3, 3) + timedelta(days=i) for i in range(240)) if d.weekday() < 5]
    frame = raw.filter(pl.col("interval_start") != "21:00").select(
        (
            pl.col("day_index").map_elements(lambda i: weekdays[i - 1].isoformat(), return_dtype=pl.String)
            + " "
            + pl.col("interval_start")
        )
        .str.to_datetime("%Y-%m-%d %H:%M")
        .alias("interval_start"),
        pl.col("calls"),
    )
    hours = {wd: (time(7), time(21)) for wd in range(5)}
    g = grid_from_frame(frame, interval_minutes=30, weekly_open=weekly_open_from_hours(30, hours))
    assert g.open.sum(axis=1).max() == 28
    r = backtest(g, horizon_days=1, folds=40, models=("weekday_mean_4", "ets", "ensemble"))
    assert r.chosen in ("ets", "ensemble")
    assert r.wape[r.chosen] < r.wape["weekday_mean_4"]
    assert r.wape[r.chosen] < 0.09
