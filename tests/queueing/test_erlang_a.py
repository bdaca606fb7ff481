"""Erlang A (M/M/N+M) against the oracle table of wfm-anchors.md §4.2 and an mpmath birth–death chain."""

from __future__ import annotations

import mp_reference as ref
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.queueing import erlang_a_metrics, erlang_c

# wfm-anchors.md §4.2: (calls/30 min, AHT s, patience s, N, SL(20 s, served/offered), P(W>0), P(Ab), E[W] s)
ERLANG_A_TABLE = [
    (120, 360, 120, 24, 0.719731, 0.402124, 0.102609, 12.313),
    (120, 360, 120, 26, 0.816687, 0.282926, 0.064828, 7.779),
    (120, 360, 600, 29, 0.868520, 0.192686, 0.013634, 8.180),
    (1200, 360, 120, 227, 0.803767, 0.623625, 0.067987, 8.158),
]


@pytest.mark.parametrize(("calls", "aht", "patience", "n", "sl", "pw", "pab", "ew"), ERLANG_A_TABLE)
def test_erlang_a_table(
    calls: int, aht: float, patience: float, n: int, sl: float, pw: float, pab: float, ew: float
) -> None:
    """wfm-anchors.md §4.2 table, to the table's 6 dp (3 dp for E[W])."""
    m = erlang_a_metrics(n, calls * aht / 1800, aht, patience, 20.0)
    assert float(m.service_level) == pytest.approx(sl, abs=5e-7)
    assert float(m.p_wait) == pytest.approx(pw, abs=5e-7)
    assert float(m.p_abandon) == pytest.approx(pab, abs=5e-7)
    assert float(m.mean_wait) == pytest.approx(ew, abs=5e-4)


@pytest.mark.parametrize(("n", "sl"), [(226, 0.7920), (240, 0.9210)])
def test_erlang_a_table_neighbours(n: int, sl: float) -> None:
    """wfm-anchors.md §4.2, last row: SL at 226 and 240 agents (4 dp)."""
    m = erlang_a_metrics(n, 240.0, 360.0, 120.0, 20.0)
    assert float(m.service_level) == pytest.approx(sl, abs=5e-5)


@pytest.mark.parametrize(
    ("n", "load", "patience"),
    [(24, 24.0, 120.0), (26, 24.0, 120.0), (29, 24.0, 600.0), (18, 24.0, 60.0), (5, 2.0, 900.0), (3, 8.0, 30.0)],
)
def test_erlang_a_against_birth_death_chain(n: int, load: float, patience: float) -> None:
    """Closed forms = 140-digit birth–death chain with hypo-exponential waits, to rel 1e-9 (table rows and more,
    including understaffed ones where N is below the load)."""
    exact = ref.erlang_a(n, load, 360.0, patience, 20.0)
    m = erlang_a_metrics(n, load, 360.0, patience, 20.0)
    assert float(m.p_wait) == pytest.approx(exact.p_wait, rel=1e-9)
    assert float(m.p_abandon) == pytest.approx(exact.p_abandon, rel=1e-9)
    assert float(m.mean_wait) == pytest.approx(exact.mean_wait, rel=1e-9)
    assert float(m.asa) == pytest.approx(exact.asa, rel=1e-9)
    assert exact.service_level is not None
    assert float(m.service_level) == pytest.approx(exact.service_level, rel=1e-9)


@pytest.mark.parametrize(("n", "load"), [(227, 240.0), (200, 240.0), (300, 240.0)])
def test_erlang_a_large_against_birth_death_chain(n: int, load: float) -> None:
    """Larger queues: waiting, abandonment and ASA against the chain (rel 1e-9)."""
    exact = ref.erlang_a(n, load, 360.0, 120.0, 20.0, with_sl=False)
    m = erlang_a_metrics(n, load, 360.0, 120.0, 20.0)
    assert float(m.p_wait) == pytest.approx(exact.p_wait, rel=1e-9)
    assert float(m.p_abandon) == pytest.approx(exact.p_abandon, rel=1e-9)
    assert float(m.asa) == pytest.approx(exact.asa, rel=1e-9)


def test_long_patience_approaches_erlang_c() -> None:
    m = erlang_a_metrics(29, 24.0, 360.0, 1e9, 20.0)
    assert float(m.p_wait) == pytest.approx(float(erlang_c(29, 24.0)), rel=1e-5)


def test_zero_agents_everyone_abandons() -> None:
    m = erlang_a_metrics(np.array([0.0, 10.0]), np.array([5.0, 0.0]), 300.0, 60.0, 20.0)
    assert m.p_abandon[0] == 1.0
    assert m.service_level[0] == 0.0
    assert m.p_wait[1] == 0.0
    assert m.service_level[1] == 1.0


@settings(max_examples=150, deadline=None)
@given(
    load=st.floats(min_value=0.01, max_value=100_000.0),
    spread=st.floats(min_value=-3.0, max_value=5.0),
    patience=st.floats(min_value=5.0, max_value=3600.0),
    aht=st.floats(min_value=30.0, max_value=1800.0),
)
def test_erlang_a_waits_less_than_erlang_c(load: float, spread: float, patience: float, aht: float) -> None:
    """At the same load and staffing, impatient callers make waiting no more likely than in Erlang C;
    every figure is finite up to 100,000 Erlangs."""
    n = max(1.0, float(np.floor(load + spread * np.sqrt(load))) + 1.0)
    m = erlang_a_metrics(n, load, aht, patience, 20.0)
    c = float(erlang_c(n, load))
    assert float(m.p_wait) <= c * (1 + 1e-9) + 1e-15
    for v in (m.p_wait, m.p_abandon, m.service_level, m.mean_wait, m.asa, m.occupancy):
        assert np.isfinite(v).all()
    assert 0.0 <= float(m.service_level) <= 1.0
    assert 0.0 <= float(m.p_abandon) <= float(m.p_wait) + 1e-12


@pytest.mark.slow
@pytest.mark.parametrize("n", [6300, 6700])
def test_erlang_a_at_6667_erlangs_against_birth_death_chain(n: int) -> None:
    """At 6,667 Erlangs (wfm-anchors.md §1.4 scale row), below and above the load: rel 1e-9."""
    load = 20_000 * 600 / 1800
    exact = ref.erlang_a(n, load, 600.0, 120.0, 20.0, with_sl=False)
    m = erlang_a_metrics(n, load, 600.0, 120.0, 20.0)
    assert float(m.p_wait) == pytest.approx(exact.p_wait, rel=1e-9)
    assert float(m.p_abandon) == pytest.approx(exact.p_abandon, rel=1e-9)
    assert float(m.asa) == pytest.approx(exact.asa, rel=1e-9)


def _random_cases(count: int) -> list[tuple[int, float, float, float, float]]:
    rng = np.random.default_rng(20260104)
    cases = []
    for _ in range(count):
        n = int(rng.integers(1, 26))
        aht = float(np.exp(rng.uniform(np.log(20.0), np.log(2000.0))))
        load = float(rng.uniform(0.05, 1.3 * n))
        patience = float(aht * np.exp(rng.uniform(np.log(0.05), np.log(5.0))))
        cases.append((n, load, aht, patience, float(rng.uniform(0.0, 120.0))))
    return cases


@pytest.mark.slow
@pytest.mark.parametrize(("n", "load", "aht", "patience", "t"), _random_cases(16))
def test_erlang_a_random_regimes_against_birth_death_chain(
    n: int, load: float, aht: float, patience: float, t: float
) -> None:
    """Seeded random regimes (over- and understaffed, patience 0.05-5 × AHT): every figure to rel 1e-9
    (figures below 1e-15 compared absolutely: a 1e-23 s ASA is zero)."""
    exact = ref.erlang_a(n, load, aht, patience, t)
    m = erlang_a_metrics(n, load, aht, patience, t)
    assert float(m.p_wait) == pytest.approx(exact.p_wait, rel=1e-9, abs=1e-15)
    assert float(m.p_abandon) == pytest.approx(exact.p_abandon, rel=1e-9, abs=1e-15)
    assert float(m.mean_wait) == pytest.approx(exact.mean_wait, rel=1e-9, abs=1e-15)
    assert float(m.asa) == pytest.approx(exact.asa, rel=1e-9, abs=1e-15)
    assert float(m.service_level) == pytest.approx(exact.service_level, rel=1e-9, abs=1e-15)
