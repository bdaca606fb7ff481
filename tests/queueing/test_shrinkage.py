"""Required → scheduled → rostered, each step kept and rounded up."""

from __future__ import annotations

import pytest

from supportops.errors import InputError
from supportops.queueing import apply_shrinkage


def test_brief_example_29_42_46() -> None:
    c = apply_shrinkage(29, 0.30, 0.08)
    assert (c.scheduled, c.rostered) == (42, 46)
    assert c.scheduled_exact == pytest.approx(41.428571, abs=1e-6)
    assert c.rostered_exact == pytest.approx(45.652174, abs=1e-6)


def test_exact_multiples_do_not_round_up_on_binary_noise() -> None:
    c = apply_shrinkage(28.7, 0.3, 0.0)  # 28.7 / 0.7 = 41.000000000000007 in binary
    assert c.scheduled == 41


def test_no_shrinkage_keeps_the_requirement() -> None:
    c = apply_shrinkage(29, 0.0, 0.0)
    assert (c.scheduled, c.rostered) == (29, 29)


@pytest.mark.parametrize(("shrinkage", "absenteeism"), [(1.0, 0.0), (1.2, 0.0), (-0.1, 0.0), (0.3, 1.0)])
def test_fractions_must_be_below_one(shrinkage: float, absenteeism: float) -> None:
    with pytest.raises(InputError, match="fraction"):
        apply_shrinkage(29, shrinkage, absenteeism)
