"""The simulator against the formulas where they hold: Erlang C (M/M/N) and Erlang A (M/M/N+M).

Each check runs independent replications of a steady-state queue (one hour of warm-up left out) and asserts
that the analytical value lies inside the replications' 95 % confidence interval, and that the interval is
tight enough for the comparison to mean something.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest
from scipy import stats

from simulation.plans import single_queue_plan
from supportops.queueing import erlang_a_metrics, erlang_c_metrics
from supportops.simulation import Scenario, simulate
from supportops.simulation.engine import run

CALLS_PER_30_MIN = 120.0
AHT = 360.0
LAM = CALLS_PER_30_MIN / 1800.0
LOAD = LAM * AHT  # 24 Erlangs


def single_queue(agents: int, patience: float | None, days: int = 2) -> Scenario:
    queue: dict[str, Any] = {
        "id": "q",
        "channel": "voice",
        "daily_volume": LAM * 86_400,
        "weekday_factors": [1.0] * 7,
        "open": "00:00",
        "close": "24:00",
        "intraday": [1.0] * 48,
        "service": "exponential",
        "talk_s": AHT,
        "threshold_s": 20.0,
        "resolution": 1.0,
    }
    if patience is not None:
        queue["patience"] = {"distribution": "exponential", "mean_s": patience}
    return Scenario.model_validate(
        {
            "start": date(2026, 1, 5),
            "days": days,
            "warmup_s": 3600.0,
            "queues": [queue],
            "groups": [{"id": "g", "count": agents, "skills": ["q"], "always_on": True}],
            "repeats": {"unresolved_rate": 0.0},
        }
    )


def replicate(sc: Scenario, reps: int, seed: int, **kw: Any) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sl, ab = [], []
    for _ in range(reps):
        q = simulate(sc, rng, **kw).queues[0]
        sl.append(q.service_level)
        ab.append(q.abandon_rate)
    return np.array(sl), np.array(ab)


def ci95(x: np.ndarray) -> tuple[float, float]:
    half = float(stats.t.ppf(0.975, x.shape[0] - 1) * x.std(ddof=1) / np.sqrt(x.shape[0]))
    return float(x.mean()), half


def test_erlang_c_service_level_inside_the_95_ci() -> None:
    # A = 24 Erlangs, N = 29, T = 20 s: Erlang C SL = 0.816486 (mpmath table in the WFM anchors)
    expected = float(erlang_c_metrics(29, LOAD, AHT, 20.0).service_level)
    assert expected == pytest.approx(0.816486, abs=1e-6)
    sl, ab = replicate(single_queue(29, None), reps=30, seed=1)
    mean, half = ci95(sl)
    assert abs(mean - expected) <= half, (mean, half, expected)
    assert half < 0.015
    assert (ab == 0).all()


def test_erlang_c_at_28_agents_is_told_apart_from_29() -> None:
    # the CI is narrow enough to separate one agent: SL(28) = 0.733244, SL(29) = 0.816486
    sl, _ = replicate(single_queue(28, None), reps=30, seed=2)
    mean, half = ci95(sl)
    assert abs(mean - 0.733244) <= half
    assert mean + half < 0.816486


def test_erlang_a_abandonment_and_service_level_inside_the_95_ci() -> None:
    # A = 24, N = 26, patience 2 min: P(Ab) = 0.064828, SL(20 s) = 0.816687 (Mandelbaum-Zeltyn table)
    m = erlang_a_metrics(26, LOAD, AHT, 120.0, 20.0)
    assert float(m.p_abandon) == pytest.approx(0.064828, abs=1e-6)
    sl, ab = replicate(single_queue(26, 120.0), reps=30, seed=3)
    ab_mean, ab_half = ci95(ab)
    sl_mean, sl_half = ci95(sl)
    assert abs(ab_mean - float(m.p_abandon)) <= ab_half, (ab_mean, ab_half)
    assert abs(sl_mean - float(m.service_level)) <= sl_half, (sl_mean, sl_half)
    assert ab_half < 0.006


def test_erlang_a_overloaded_queue_is_stable_through_abandonment() -> None:
    # N = 22 < A = 24: Erlang C has no steady state, Erlang A does (patience 10 min)
    m = erlang_a_metrics(22, LOAD, AHT, 600.0, 20.0)
    _sl, ab = replicate(single_queue(22, 600.0), reps=20, seed=4)
    ab_mean, ab_half = ci95(ab)
    assert abs(ab_mean - float(m.p_abandon)) <= ab_half, (ab_mean, ab_half, float(m.p_abandon))


def test_event_loop_and_fifo_recursion_give_the_same_answers() -> None:
    sc = single_queue(26, 120.0, days=1)
    fast = simulate(sc, np.random.default_rng(5))
    slow = simulate(sc, np.random.default_rng(5), allow_fast_path=False)
    assert fast.engine.fast_path and not slow.engine.fast_path
    np.testing.assert_array_equal(fast.engine.status, slow.engine.status)
    np.testing.assert_allclose(fast.engine.answered, slow.engine.answered, equal_nan=True)


@pytest.mark.parametrize("fast", [True, False])
def test_hand_worked_example(fast: bool) -> None:
    # one agent: c0 at 0 for 10 s; c1 at 2 waits 8 s (patience 9) and is answered at 10; c2 at 3 would be
    # answered at 15 > 3 + 5, so it abandons at 8; c3 at 4 answered at 15 (patience inf)
    c, a, g = single_queue_plan([0, 2, 3, 4], [10, 5, 1, 1], [np.inf, 9, 5, np.inf], 1)
    res = run(c, a, g, 1, allow_fast_path=fast)
    assert res.fast_path is fast
    assert res.status.tolist() == [1, 1, 2, 1]
    np.testing.assert_allclose(res.answered, [0, 10, np.nan, 15], equal_nan=True)
    assert res.ended[2] == 8
