"""Models recover known weekly and intraday seasonality, holidays and events on synthetic series."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import FIRST, HOLIDAY_FACTOR, SHAPE, WEEK, day, series, truth

from supportops.errors import InputError
from supportops.forecasting import (
    MODELS,
    DayKind,
    Event,
    forecast,
    forecast_models,
    holiday_factor,
    intraday_profile,
    weekday_of,
)


def _next_week(weeks: int) -> tuple[np.ndarray, np.ndarray]:
    n = weeks * 7
    return weekday_of(FIRST, 14, n), truth(n + 14)[n:]


@pytest.mark.parametrize("model", ["seasonal_naive", "week_avg_8", "weekday_mean_4", "weighted_index"])
def test_baselines_recover_the_weekly_and_intraday_shape(model: str) -> None:
    g = series(12)
    wd, expected = _next_week(12)
    fc = forecast_models(g, wd, (model,))[model]
    open_days = expected.sum(axis=1) > 0
    # day totals within Poisson noise of one to eight days
    tol = 0.08 if model == "seasonal_naive" else 0.05
    np.testing.assert_allclose(fc.sum(axis=1)[open_days], expected.sum(axis=1)[open_days], rtol=tol)
    assert fc[~open_days].sum() == 0.0  # Sunday has no history and no forecast


def test_intraday_profile_matches_the_true_shape() -> None:
    g = series(12)
    p = intraday_profile(g, 0)
    assert p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p, SHAPE, atol=0.006)
    assert p[SHAPE == 0].sum() == 0.0


@pytest.mark.parametrize("model", ["ets", "theta", "ensemble"])
def test_day_level_models_recover_the_weekly_cycle(model: str) -> None:
    g = series(16)
    wd, expected = _next_week(16)
    fc = forecast_models(g, wd, (model,))[model]
    got = fc.sum(axis=1)
    want = expected.sum(axis=1)
    open_days = want > 0
    np.testing.assert_allclose(got[open_days], want[open_days], rtol=0.05)
    # the weekly ratio Monday / Saturday is found (1.3 / 0.5)
    assert got[0] / got[5] == pytest.approx(WEEK[0] / WEEK[5], rel=0.08)


def test_holiday_is_flagged_estimated_and_applied() -> None:
    hols = (day(7 * 5), day(7 * 9 + 2), day(7 * 11 + 1))  # a Monday, a Wednesday, a Tuesday
    g = series(14, holidays=hols)
    assert holiday_factor(g) == pytest.approx(HOLIDAY_FACTOR, abs=0.05)
    # the holiday is kept out of the baselines: next week's Tuesday is not pulled down
    wd = weekday_of(FIRST, 7, g.n_days)
    naive = forecast_models(g, wd, ("weekday_mean_4",))["weekday_mean_4"]
    assert naive[1].sum() == pytest.approx(LEVEL_TUE, rel=0.05)
    kinds = np.zeros(7, dtype=np.int8)
    kinds[1] = DayKind.HOLIDAY
    open_ = truth(g.n_days + 7)[g.n_days :] > 0
    fc = forecast(g, model="weekday_mean_4", open_=open_, kinds=kinds)
    assert fc.volume[1].sum() == pytest.approx(fc.holiday_factor * naive[1].sum())
    assert fc.volume[1].sum() / naive[1].sum() == pytest.approx(HOLIDAY_FACTOR, abs=0.05)


LEVEL_TUE = float(truth(2)[1].sum())


def test_event_lift_and_closed_date() -> None:
    g = series(10)
    n = g.n_days
    open_ = truth(n + 7)[n:] > 0
    kinds = np.zeros(7, dtype=np.int8)
    kinds[3] = DayKind.CLOSED
    ev = Event(name="campaign", start=day(n + 1), end=day(n + 2), lift=1.5)
    base = forecast(g, model="week_avg_8", open_=open_, kinds=np.zeros(7, dtype=np.int8))
    fc = forecast(g, model="week_avg_8", open_=open_, kinds=kinds, events=[ev])
    np.testing.assert_allclose(fc.volume[1:3], 1.5 * base.volume[1:3])
    np.testing.assert_allclose(fc.volume[[0, 4, 5]], base.volume[[0, 4, 5]])
    assert fc.volume[3].sum() == 0.0 and not fc.open[3].any()
    assert all(r[0] != day(n + 3).isoformat() for r in fc.rows())


def test_event_must_be_sane() -> None:
    with pytest.raises(InputError, match="before start"):
        Event(name="x", start=day(3), end=day(1), lift=1.2)


def test_unknown_model_is_an_input_error() -> None:
    g = series(9)
    with pytest.raises(InputError, match="not known"):
        forecast_models(g, weekday_of(FIRST, 1, g.n_days), ("prophet",))
    assert "ensemble" in MODELS


def test_importing_the_package_does_not_import_statsforecast() -> None:
    code = "import sys, supportops, supportops.forecasting; print('statsforecast' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_ensemble_is_statistical_first_then_half_the_four_week_level() -> None:
    g = series(12)
    wd = weekday_of(FIRST, 7, g.n_days)
    fc = forecast_models(g, wd, ("ets", "theta", "ensemble", "weekday_mean_4"))
    tot = {k: v.sum(axis=1) for k, v in fc.items()}
    stat = (tot["ets"] + tot["theta"]) / 2
    assert tot["ensemble"][0] == pytest.approx(stat[0])
    np.testing.assert_allclose(tot["ensemble"][1:6], 0.5 * stat[1:6] + 0.5 * tot["weekday_mean_4"][1:6])
    assert tot["ensemble"][6] == 0.0  # Sunday: closed, no history


@settings(max_examples=30, deadline=None)
@given(
    factor=st.floats(0.0, 2.0),
    lift=st.floats(0.0, 3.0),
    closed_hours=st.lists(st.integers(0, 23), max_size=10),
    kinds=st.lists(st.sampled_from([DayKind.NORMAL, DayKind.HOLIDAY, DayKind.CLOSED]), min_size=7, max_size=7),
)
def test_published_forecast_respects_calendar(
    factor: float, lift: float, closed_hours: list[int], kinds: list[int]
) -> None:
    g = series(9)
    n = g.n_days
    open_ = truth(n + 7)[n:] > 0
    open_[:, closed_hours] = False
    k = np.array(kinds, dtype=np.int8)
    ev = Event(name="e", start=day(n + 2), end=day(n + 2), lift=lift)
    normal = forecast_models(g, weekday_of(FIRST, 7, n), ("weekday_mean_4",))["weekday_mean_4"]
    fc = forecast(g, model="weekday_mean_4", open_=open_, kinds=k, events=[ev], factor=factor)
    assert (fc.volume >= 0).all()
    assert fc.volume[~fc.open].sum() == 0.0
    scale = np.where(k == DayKind.HOLIDAY, factor, 1.0) * np.where(np.arange(7) == 2, lift, 1.0)
    want = np.where(fc.open, normal * scale[:, None], 0.0)
    np.testing.assert_allclose(fc.volume, want)
    assert not fc.open[k == DayKind.CLOSED].any()
