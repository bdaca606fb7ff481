"""Patience and on-duty estimates from a log, checked on data with a known answer."""

from __future__ import annotations

import numpy as np
import pytest

from supportops.errors import InputError
from supportops.simulation import exponential_patience_mle, kaplan_meier_patience, on_duty_from_services


def censored_sample(rng: np.random.Generator, n: int, mean: float) -> tuple[np.ndarray, np.ndarray]:
    patience = rng.exponential(mean, n)
    service_at = rng.exponential(60.0, n)  # independent censoring by being answered
    return np.minimum(patience, service_at), patience < service_at


def test_exponential_mle_recovers_the_mean_under_censoring() -> None:
    w, ab = censored_sample(np.random.default_rng(1), 200_000, 150.0)
    assert ab.mean() < 0.4  # most observations are censored
    assert exponential_patience_mle(w, ab) == pytest.approx(150.0, rel=0.02)
    # the naive mean of the abandoners' waits is badly biased low
    assert w[ab].mean() < 60


def test_kaplan_meier_without_censoring_is_the_empirical_survival() -> None:
    w = np.array([3.0, 1.0, 2.0, 2.0, 5.0])
    km = kaplan_meier_patience(w, np.ones(5, dtype=bool))
    np.testing.assert_allclose(km.times, [1, 2, 3, 5])
    np.testing.assert_allclose(km.survival, [0.8, 0.4, 0.2, 0.0])


def test_kaplan_meier_hand_example_with_censoring() -> None:
    # times 1(d) 2(c) 3(d) 4(d): S(1) = 3/4, S(3) = 3/4 * 1/2, S(4) = 0
    km = kaplan_meier_patience([1, 2, 3, 4], [True, False, True, True])
    np.testing.assert_allclose(km.survival, [0.75, 0.375, 0.0])


def test_kaplan_meier_sampling_reproduces_the_censored_distribution() -> None:
    rng = np.random.default_rng(2)
    w, ab = censored_sample(rng, 100_000, 100.0)
    km = kaplan_meier_patience(w, ab)
    draws = km.sample(rng, 200_000)
    # P(patience > 100) = e^-1 for exponential(100)
    assert np.mean(draws > 100.0) == pytest.approx(np.exp(-1), abs=0.01)
    assert km.mean() == pytest.approx(100.0, rel=0.05)


def test_on_duty_windows_merge_short_gaps() -> None:
    a, s, e = on_duty_from_services([0, 0, 0, 1], [0, 200, 2000, 50], [100, 400, 2100, 60], max_gap_s=600)
    assert a.tolist() == [0, 0, 1]
    assert s.tolist() == [0, 2000, 50]
    assert e.tolist() == [400, 2100, 60]


def test_bad_input_is_refused() -> None:
    with pytest.raises(InputError):
        exponential_patience_mle([1.0, -1.0], [True, False])
    with pytest.raises(InputError):
        on_duty_from_services([0], [10.0], [5.0])
