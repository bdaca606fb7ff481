"""Accuracy of a published forecast per interval, day and week, against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from supportops.errors import InputError
from supportops.forecasting import accuracy


def test_wape_at_three_grains_and_bias() -> None:
    actual = np.full((14, 2), 10.0)
    fc = actual.copy()
    fc[:, 0] += 2.0  # +2 on the first interval ...
    fc[:, 1] -= 1.0  # ... and -1 on the second of every day
    fc[13] = 0.0
    scored = np.ones_like(actual, dtype=bool)
    scored[13] = False  # a day not yet known is not scored
    a = accuracy(fc, actual, scored, target_interval=0.2, target_week=0.04)
    assert a.intervals == 26 and a.days == 13 and a.actual == 260.0
    assert a.wape_interval == pytest.approx(3 * 13 / 260)
    assert a.wape_day == pytest.approx(13 / 260)
    assert a.wape_week == pytest.approx((7 + 6) / 260)
    assert a.bias == pytest.approx(13 / 260)
    assert a.within_interval and not a.within_week


def test_offsetting_days_cancel_in_the_week_only() -> None:
    actual = np.full((7, 1), 100.0)
    fc = actual + np.array([[10.0], [-10.0], [0.0], [0.0], [0.0], [0.0], [0.0]])
    a = accuracy(fc, actual, np.ones_like(actual, dtype=bool))
    assert a.wape_day == pytest.approx(20 / 700) and a.wape_week == 0.0 and a.bias == 0.0


def test_shapes_and_empty_actuals_are_input_errors() -> None:
    with pytest.raises(InputError, match="shapes"):
        accuracy(np.zeros((2, 2)), np.zeros((2, 3)), np.ones((2, 2), dtype=bool))
    with pytest.raises(InputError, match="no actual"):
        accuracy(np.ones((2, 2)), np.zeros((2, 2)), np.ones((2, 2), dtype=bool))
