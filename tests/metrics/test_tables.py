"""Whole-millisecond thresholds: integer comparisons that mean exactly what the configured seconds say."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from supportops.metrics.tables import whole_ms_at_most, whole_ms_below

SECONDS = st.decimals(min_value=0, max_value=3600, places=3)
QUEUE_MS = st.integers(min_value=0, max_value=4_000_000)


@given(SECONDS, QUEUE_MS)
def test_at_most_agrees_with_the_decimal_threshold(seconds: Decimal, q: int) -> None:
    assert (q <= whole_ms_at_most(float(seconds))) == (q <= seconds * 1000)


@given(SECONDS, QUEUE_MS)
def test_below_agrees_with_the_decimal_threshold(seconds: Decimal, q: int) -> None:
    assert (q < whole_ms_below(float(seconds))) == (q < seconds * 1000)


def test_binary_fractions_do_not_move_the_edge() -> None:
    assert 1.005 * 1000 < 1005 and 16.1 * 1000 > 16100  # float products on either side of the whole number
    assert (whole_ms_at_most(1.005), whole_ms_below(1.005)) == (1005, 1005)
    assert (whole_ms_at_most(16.1), whole_ms_below(16.1)) == (16100, 16100)
    assert (whole_ms_at_most(20.0), whole_ms_below(5.0004)) == (20000, 5001)
