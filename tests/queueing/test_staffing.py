"""The inverse search: fewest agents meeting every target, for arrays of intervals, Erlang C and A."""

from __future__ import annotations

import time

import mp_reference as ref
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.errors import ComputationError, InputError
from supportops.queueing import Targets, evaluate, offered_load, required_agents

SL_80_20 = Targets(service_level=0.8, threshold=20.0)


def test_brief_example_is_29_agents() -> None:
    """wfm-anchors.md §1.3 seed: 120 calls / 30 min, AHT 360 s, 80/20 → 29 agents (81.65 %); 28 gives 73.3 %."""
    load = offered_load(120, 360, 1800)
    r = required_agents(load, 360.0, SL_80_20)
    assert float(r.agents) == 29.0
    assert float(r.evaluation.service_level) == pytest.approx(0.8164859050919688, rel=1e-12)
    assert r.binding == (("service_level",),)
    assert float(evaluate(28, load, 360.0, 20.0).service_level) == pytest.approx(0.73324352, abs=5e-9)


@pytest.mark.parametrize(("calls", "aht", "answer"), [(100, 180, 14), (360, 240, 55), (20_000, 600, 6700)])
def test_table_answers(calls: int, aht: float, answer: int) -> None:
    """wfm-anchors.md §4.1: the bold rows are the smallest staffing meeting 80 % (15 s for the 360-call row)."""
    t = 15.0 if calls == 360 else 20.0
    r = required_agents(offered_load(calls, aht, 1800), aht, Targets(service_level=0.8, threshold=t))
    assert float(r.agents) == answer


def test_vectorised_matches_one_by_one() -> None:
    rng = np.random.default_rng(3)
    calls = rng.integers(10, 5001, 300)
    aht = rng.uniform(180, 900, 300)
    load = offered_load(calls, aht, 1800)
    together = required_agents(load, aht, SL_80_20).agents
    alone = np.array([float(required_agents(load[i], aht[i], SL_80_20).agents) for i in range(0, 300, 30)])
    assert np.array_equal(together[::30], alone)


def test_every_target_at_once() -> None:
    t = Targets(service_level=0.8, threshold=20.0, asa=10.0, max_occupancy=0.80)
    r = required_agents(24.0, 360.0, t)
    ev = r.evaluation
    assert float(ev.service_level) >= 0.8
    assert float(ev.asa) <= 10.0
    assert float(ev.occupancy) <= 0.8
    n = float(r.agents)
    below = evaluate(n - 1, 24.0, 360.0, 20.0)
    assert float(below.service_level) < 0.8 or float(below.asa) > 10.0 or float(below.occupancy) > 0.8
    assert required_agents(24.0, 360.0, Targets(max_occupancy=0.85)).agents == 29.0  # ceil(24 / 0.85)


def test_erlang_a_staffs_below_the_load() -> None:
    """wfm-anchors.md §1.3: with 2-minute patience the seed needs 26 agents (SL 81.67 %, P(ab) 6.48 %);
    at 240 Erlangs, 227 — both below the offered load, which Erlang C can never do."""
    r = required_agents(24.0, 360.0, SL_80_20, patience=120.0)
    assert float(r.agents) == 26.0
    assert float(r.evaluation.abandon_rate) == pytest.approx(0.064828, abs=5e-7)
    r = required_agents(240.0, 360.0, SL_80_20, patience=120.0)
    assert float(r.agents) == 227.0


def test_erlang_a_joint_targets_at_6667_erlangs_fast() -> None:
    """Erlang A sizing at 6,667 Erlangs with SL and abandonment targets, well under 50 ms."""
    load = offered_load(20_000, 600, 1800)
    t = Targets(service_level=0.8, threshold=20.0, max_abandon=0.05)
    required_agents(load, 600.0, t, patience=120.0)
    start = time.perf_counter()
    r = required_agents(load, 600.0, t, patience=120.0)
    elapsed = time.perf_counter() - start
    n = float(r.agents)
    assert n < load  # below the offered load
    assert float(r.evaluation.abandon_rate) <= 0.05
    assert float(evaluate(n - 1, load, 600.0, 20.0, 120.0).abandon_rate) > 0.05
    assert elapsed < 0.25  # generous for a shared machine; the benchmark reports the real figure


def test_erlang_a_answer_checked_with_birth_death() -> None:
    r = required_agents(24.0, 360.0, Targets(service_level=0.85, threshold=20.0), patience=300.0)
    n = int(r.agents)
    hit = ref.erlang_a(n, 24.0, 360.0, 300.0, 20.0)
    miss = ref.erlang_a(n - 1, 24.0, 360.0, 300.0, 20.0)
    assert hit.service_level is not None
    assert miss.service_level is not None
    assert hit.service_level >= 0.85 > miss.service_level


def test_fractional_agents_lie_between_integers() -> None:
    r = required_agents(np.array([24.0, 10.5]), np.array([360.0, 100.0]), SL_80_20, fractional=True)
    assert 28.0 < r.agents[0] < 29.0
    assert float(r.evaluation.service_level[0]) == pytest.approx(0.8, abs=1e-7)
    ra = required_agents(24.0, 360.0, SL_80_20, patience=120.0, fractional=True)
    assert 25.0 < float(ra.agents) <= 26.0


def test_bug3_round_half_start_is_not_repeated() -> None:
    """wfm-anchors.md §1.5 #3: A = 10.5 with a 60-minute target; 11 agents already suffice."""
    r = required_agents(10.5, 600.0, Targets(service_level=0.8, threshold=3600.0))
    assert float(r.agents) == 11.0


def test_zero_load_needs_nobody() -> None:
    r = required_agents(np.array([0.0, 24.0]), 360.0, SL_80_20)
    assert r.agents.tolist() == [0.0, 29.0]
    assert r.evaluation.service_level[0] == 1.0


def test_large_loads_are_fast_and_finite() -> None:
    required_agents(100_000.0, 600.0, SL_80_20)
    start = time.perf_counter()
    r = required_agents(100_000.0, 600.0, SL_80_20)
    assert time.perf_counter() - start < 0.1
    n = float(r.agents)
    assert 100_000 < n < 100_200
    assert float(evaluate(n - 1, 100_000.0, 600.0, 20.0).service_level) < 0.8 <= float(r.evaluation.service_level)


def test_impossible_targets_raise_computation_error() -> None:
    with pytest.raises(ComputationError, match="interval 1"):
        required_agents(np.array([5.0, 24.0]), 360.0, SL_80_20, max_agents=28)
    with pytest.raises(ComputationError, match="interval 0"):
        required_agents(24.0, 360.0, SL_80_20, max_agents=20)  # Erlang C needs more than the load
    with pytest.raises(ComputationError, match="interval 0"):
        required_agents(24.0, 360.0, SL_80_20, patience=120.0, max_agents=25)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"service_level": 0.8, "threshold": 0.0},
        {"service_level": 1.0},
        {"service_level": 0.0},
        {"max_occupancy": 1.5},
        {"asa": -1.0},
        {},
    ],
)
def test_bad_targets(kwargs: dict[str, float]) -> None:
    with pytest.raises(InputError):
        Targets(**kwargs)


def test_bad_inputs_name_the_interval() -> None:
    with pytest.raises(InputError, match="interval 1"):
        required_agents(np.array([1.0, -2.0]), 300.0, SL_80_20)
    with pytest.raises(InputError, match="AHT"):
        required_agents(1.0, 0.0, SL_80_20)
    with pytest.raises(InputError, match="patience"):
        required_agents(1.0, 300.0, Targets(service_level=0.8, max_abandon=0.05))


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(min_value=0.01, max_value=20_000.0),
    aht=st.floats(min_value=30.0, max_value=1800.0),
    sl=st.floats(min_value=0.5, max_value=0.99),
    t=st.floats(min_value=1.0, max_value=300.0),
    patience=st.one_of(st.none(), st.floats(min_value=10.0, max_value=3600.0)),
)
def test_one_agent_fewer_misses_a_target(load: float, aht: float, sl: float, t: float, patience: float | None) -> None:
    """The answer meets every target and one agent fewer misses at least one (Erlang C and A)."""
    targets = Targets(service_level=sl, threshold=t, max_occupancy=0.95)
    r = required_agents(load, aht, targets, patience=patience)
    n = float(r.agents)
    ok = evaluate(n, load, aht, t, patience)
    assert float(ok.service_level) >= sl
    assert float(ok.occupancy) <= 0.95
    if n >= 1:
        miss = evaluate(n - 1, load, aht, t, patience)
        assert float(miss.service_level) < sl or float(miss.occupancy) > 0.95
        assert r.binding[0]


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(min_value=0.01, max_value=5_000.0),
    aht=st.floats(min_value=30.0, max_value=1800.0),
    t=st.floats(min_value=0.0, max_value=300.0),
    patience=st.one_of(st.none(), st.floats(min_value=10.0, max_value=3600.0)),
)
def test_service_level_rises_with_agents(load: float, aht: float, t: float, patience: float | None) -> None:
    start = 1.0 if patience is not None else np.floor(load) + 1.0
    n = start + np.arange(0, 60, dtype=np.float64)
    ev = evaluate(n, load, aht, t, patience)
    assert np.all(np.diff(ev.service_level) >= -1e-12)
    assert np.all(np.diff(ev.asa) <= 1e-9)
    assert np.all(np.diff(ev.occupancy) <= 1e-12)
    if patience is not None:
        assert np.all(np.diff(ev.abandon_rate) <= 1e-15)
