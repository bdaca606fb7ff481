"""Email/ticket staffing from a response deadline, checked by replaying FIFO work with the team found."""

from __future__ import annotations

import numpy as np
import pytest

from supportops.errors import InputError
from supportops.queueing import backlog_required_agents


def _worst_delay(items: np.ndarray, aht: float, interval: float, agents: float, steps: int = 200) -> float:
    """Fluid FIFO replay: arrivals spread over each interval; the latest finish minus arrival, seconds."""
    dt = interval / steps
    arrivals = np.repeat(items * aht / steps, steps)
    cumulative_in = np.cumsum(arrivals)
    served = 0.0
    done = []
    for _w in arrivals:
        served = min(served + agents * dt, float(cumulative_in[len(done)]))
        done.append(served)
    done_arr = np.array(done)
    worst = 0.0
    for i, need in enumerate(cumulative_in):
        j = int(np.searchsorted(done_arr, need - 1e-6))
        finish = (j + 1) * dt if j < len(done_arr) else len(done_arr) * dt + (need - done_arr[-1]) / agents
        worst = max(worst, finish - (i + 1) * dt)
    return worst


def test_steady_flow_needs_the_workload_rate() -> None:
    """Constant arrivals (10 agent-seconds of work per second for 24 h): the whole day's work may finish up to
    the deadline after the last arrival, so N = work / (horizon + deadline), just under the work rate."""
    plan = backlog_required_agents(np.full(48, 30.0), 600.0, 1800.0, 4 * 3600.0)
    assert plan.agents_exact == pytest.approx(864_000 / (86_400 + 14_400), rel=1e-12)
    assert plan.agents == 9
    assert (plan.window_start, plan.window_end) == (0, 48)


def test_peak_is_absorbed_within_the_deadline() -> None:
    items = np.array([10, 50, 80, 20, 0, 0, 0, 0], dtype=float)
    plan = backlog_required_agents(items, 600.0, 1800.0, 4 * 3600.0)
    assert plan.agents_exact == pytest.approx(4.545454545, rel=1e-9)  # 150 items × 600 s over 5.5 h
    assert _worst_delay(items, 600.0, 1800.0, plan.agents_exact) <= 4 * 3600.0 + 20.0
    assert _worst_delay(items, 600.0, 1800.0, 0.95 * plan.agents_exact) > 4 * 3600.0


def test_bad_inputs() -> None:
    with pytest.raises(InputError, match="deadline"):
        backlog_required_agents([1.0], 600.0, 1800.0, 0.0)
    with pytest.raises(InputError, match="items"):
        backlog_required_agents([-1.0], 600.0, 1800.0, 3600.0)
