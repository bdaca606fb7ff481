"""Properties of the engine on random small floors (Hypothesis): conservation, capacity, windows, FIFO."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.plans import contact_plan, single_queue_plan
from supportops.simulation.engine import (
    ABANDONED,
    ANSWERED,
    NOT_ARRIVED,
    UNANSWERED,
    AgentPlan,
    ContactPlan,
    EngineResult,
    GroupPlan,
    run,
)


@st.composite
def floors(draw: st.DrawFn) -> tuple[ContactPlan, AgentPlan, tuple[GroupPlan, ...], int]:
    n_queues = draw(st.integers(1, 3))
    n = draw(st.integers(1, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    capacity = draw(st.sampled_from([1, 2, 3]))
    queue = rng.integers(0, n_queues, n)
    chat_queue = draw(st.integers(-1, n_queues - 1))
    weight = np.where(queue == chat_queue, 1, capacity).astype(np.int64)
    patience = np.where(rng.random(n) < 0.3, np.inf, rng.exponential(60.0, n))
    handle = rng.exponential(100.0, n)
    groups = []
    for _ in range(draw(st.integers(1, 3))):
        qs = tuple(int(q) for q in rng.permutation(n_queues)[: rng.integers(1, n_queues + 1)])
        waits = tuple(float(w) for w in np.where(rng.random(len(qs)) < 0.3, rng.uniform(1, 60, len(qs)), 0.0))
        groups.append(GroupPlan(queues=qs, min_wait=waits, capacity=capacity))
    n_agents = draw(st.integers(0, 6))
    starts, ends, gaps, offsets = [], [], [], [0]
    for _ in range(n_agents):
        t = float(rng.uniform(0, 200))
        for k in range(int(rng.integers(1, 4))):
            length = float(rng.uniform(50, 400))
            starts.append(t)
            ends.append(t + length)
            gaps.append(int(rng.integers(1, 4)) if k < 2 else 0)
            t += length + float(rng.uniform(10, 200))
        gaps[-1] = 0
        offsets.append(len(starts))
    contacts = contact_plan(
        np.sort(rng.uniform(0, 1500, n)),
        handle,
        patience,
        queue=queue,
        rank_offset=np.where(rng.random(n) < 0.2, -30.0, 0.0),
        customer_time=handle * 0.8,
        weight=weight,
    )
    agents = AgentPlan(
        group=rng.integers(0, len(groups), n_agents).astype(np.int64),
        offsets=np.array(offsets, dtype=np.int64),
        window_start=np.array(starts, dtype=np.float64),
        window_end=np.array(ends, dtype=np.float64),
        gap_state=np.array(gaps, dtype=np.int8),
    )
    return contacts, agents, tuple(groups), n_queues


def _check(c: ContactPlan, a: AgentPlan, g: tuple[GroupPlan, ...], res: EngineResult) -> None:
    assert not (res.status == NOT_ARRIVED).any()
    ans = res.status == ANSWERED
    ab = res.status == ABANDONED
    assert (res.answered[ans] >= res.arrival[ans] - 1e-9).all()
    assert (res.answered[ans] - res.arrival[ans] <= c.patience[ans] + 1e-9).all()  # answered before giving up
    np.testing.assert_allclose(res.ended[ab], (c.arrival + c.patience)[ab])
    assert not (ab & np.isinf(c.patience)).any()
    assert not ((res.status == UNANSWERED) & np.isfinite(c.patience)).any()
    for i in np.flatnonzero(ans):
        agent = int(res.agent[i])
        grp = g[int(a.group[agent])]
        assert int(c.queue[i]) in grp.queues  # only a skill of the agent's group
        k = grp.queues.index(int(c.queue[i]))
        assert res.answered[i] - res.arrival[i] >= grp.min_wait[k] - 1e-9  # overflow only after its wait
        lo, hi = int(a.offsets[agent]), int(a.offsets[agent + 1])
        assert (a.window_start[lo:hi] <= res.answered[i] + 1e-9).any()  # never before the agent's first window
        mine = res.duty_agent == agent
        inside = (res.duty_start[mine] <= res.answered[i] + 1e-9) & (res.answered[i] < res.duty_end[mine] + 1e-9)
        assert inside.any()  # answered while the agent was on duty
        t = res.answered[i]
        on_break = (res.off_agent == agent) & (res.off_start < t - 1e-9) & (t < res.off_end - 1e-9)
        assert not on_break.any()
    # capacity: at every answer time the agent's concurrent weight stays within its group's capacity
    for agent in np.unique(res.agent[ans]):
        mine = np.flatnonzero(ans & (res.agent == agent))
        cap = g[int(a.group[agent])].capacity
        for i in mine:
            t = res.answered[i]
            busy = mine[(res.answered[mine] <= t) & (res.answered[mine] + c.handle[mine] > t)]
            assert c.weight[busy].sum() <= cap


@settings(max_examples=150, deadline=None)
@given(floors())
def test_engine_invariants(floor: tuple[ContactPlan, AgentPlan, tuple[GroupPlan, ...], int]) -> None:
    c, a, g, n_queues = floor
    res = run(c, a, g, n_queues)
    _check(c, a, g, res)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 8), st.integers(1, 300))
def test_fifo_recursion_equals_event_loop(seed: int, n_agents: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    handle = rng.exponential(200.0, n)
    patience = np.where(rng.random(n) < 0.5, np.inf, rng.exponential(90.0, n))
    c, a, g = single_queue_plan(np.sort(rng.uniform(0, 3600, n)), handle, patience, n_agents)
    fast = run(c, a, g, 1)
    loop = run(c, a, g, 1, allow_fast_path=False)
    assert fast.fast_path and not loop.fast_path
    np.testing.assert_array_equal(fast.status, loop.status)
    np.testing.assert_allclose(fast.answered, loop.answered, equal_nan=True)
