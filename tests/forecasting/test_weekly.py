"""Week-level forecasts for capacity planning recover a yearly pattern and a trend."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from supportops.cli.main import app
from supportops.errors import InputError
from supportops.forecasting import DayGrid, DayKind, forecast_weeks, weekly_totals

DAY_SHAPE = np.array([1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3])


def _grid(weeks: int, amplitude: float, seed: int = 1) -> tuple[DayGrid, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(7 * weeks)
    level = 1000 * (1 + amplitude * np.sin(2 * np.pi * t / 364)) * (1 + 0.0002 * t)
    lam = level[:, None] * DAY_SHAPE[t % 7][:, None] * np.full(24, 1 / 24)[None, :]
    g = DayGrid(
        first_day=date(2021, 1, 4),
        interval_minutes=60,
        values=rng.poisson(lam).astype(np.float64),
        open=np.ones(lam.shape, dtype=bool),
        kinds=np.zeros(t.size, dtype=np.int8),
    )
    return g, lam.reshape(weeks, 7 * 24).sum(axis=1)


def test_yearly_pattern_is_recovered_a_year_ahead() -> None:
    g, truth = _grid(156, 0.2)
    f = forecast_weeks(g.head(104 * 7), 52)
    assert f.yearly and f.first_week == date(2023, 1, 2)
    wape = np.abs(f.contacts - truth[104:]).sum() / truth[104:].sum()
    assert wape < 0.03
    # the summer trough is forecast, not a flat line
    assert f.contacts.min() < 0.85 * f.contacts.max()


def test_short_history_has_no_yearly_pattern_and_follows_the_level() -> None:
    g, truth = _grid(30, 0.0)
    f = forecast_weeks(g.head(26 * 7), 4)
    assert not f.yearly
    np.testing.assert_allclose(f.contacts, truth[26:], rtol=0.04)


def test_holiday_does_not_read_as_a_dip_in_the_week() -> None:
    g, _ = _grid(10, 0.0)
    values = g.values.copy()
    values[16] *= 0.2
    kinds = g.kinds.copy()
    kinds[16] = DayKind.HOLIDAY
    h = DayGrid(first_day=g.first_day, interval_minutes=60, values=values, open=g.open, kinds=kinds)
    _, weeks = weekly_totals(h)
    _, plain = weekly_totals(g)
    assert weeks[2] == pytest.approx(plain[2], rel=0.03)
    with pytest.raises(InputError, match="too few"):
        forecast_weeks(g.head(35), 4)


def test_cli_weekly_json(tmp_path: Path) -> None:
    g, _ = _grid(12, 0.0)
    rows = [
        (datetime.combine(g.first_day + timedelta(days=d), time(h)), "q", g.values[d, h])
        for d in range(g.n_days)
        for h in range(24)
    ]
    f = tmp_path / "h.csv"
    pl.DataFrame(rows, schema=["interval_start", "queue", "calls"], orient="row").write_csv(f)
    r = CliRunner().invoke(app, ["forecast", "weekly", "--history", str(f), "--weeks", "13", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert len(doc["contacts"]) == 13 and doc["history_weeks"] == 12 and not doc["yearly_pattern"]
