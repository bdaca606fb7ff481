"""Observed service-level variants (formulas.md §4.5) over interval counts."""

from __future__ import annotations

import numpy as np
import pytest

from supportops.errors import InputError
from supportops.queueing import ServiceLevelVariant, observed_service_level

# 100 answered (80 within T), 20 abandoned (12 within T, 5 of them short), 5 flowouts
COUNTS = {
    "answered_within": 80,
    "answered": 100,
    "abandoned_within": 12,
    "abandoned": 20,
    "short_abandoned": 5,
    "flowouts": 5,
}


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("abandons_ignored", 80 / (125 - 12)),
        ("abandons_negative", 80 / 125),
        ("abandons_positive", (80 + 12) / 125),
        ("answered_only", 80 / 100),
        ("short_excluded", 80 / (125 - 5)),
    ],
)
def test_variants(variant: str, expected: float) -> None:
    assert float(observed_service_level(variant, **COUNTS)) == pytest.approx(expected, rel=1e-15)


def test_flowouts_can_be_left_out() -> None:
    got = observed_service_level(ServiceLevelVariant.ABANDONS_NEGATIVE, include_flowouts=False, **COUNTS)
    assert float(got) == pytest.approx(80 / 120)


def test_arrays_and_empty_intervals() -> None:
    got = observed_service_level("abandons_negative", answered_within=[8, 0], answered=[10, 0], abandoned=[2, 0])
    assert got[0] == pytest.approx(8 / 12)
    assert np.isnan(got[1])


def test_inconsistent_counts_and_unknown_variant() -> None:
    with pytest.raises(InputError, match="answered_within exceeds"):
        observed_service_level("answered_only", answered_within=11, answered=10)
    with pytest.raises(InputError, match="unknown service-level variant"):
        observed_service_level("cisco", answered_within=1, answered=1)
    with pytest.raises(InputError, match="≥ 0"):
        observed_service_level("answered_only", answered_within=1, answered=-1)
