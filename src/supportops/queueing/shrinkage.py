"""From agents required on the phones to people on the roster: shrinkage, then absenteeism.

required (agents who must be available to take contacts) → scheduled = ceil(required / (1 − shrinkage))
(shrinkage: planned time off the phones — breaks, training, meetings — as a fraction of paid time) →
rostered = ceil(scheduled / (1 − absenteeism)) (unplanned absence as a fraction of scheduled people).
Each step is rounded up to whole people, as planners do: 29 → ceil(41.43) = 42 → ceil(45.65) = 46.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from supportops.errors import InputError

__all__ = ["ShrinkageChain", "apply_shrinkage"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ShrinkageChain:
    """Each step of the chain, unrounded and rounded; fractions 0-1, counts in agents."""

    required: float
    shrinkage: float
    absenteeism: float
    scheduled_exact: float
    scheduled: int
    rostered_exact: float
    rostered: int


def apply_shrinkage(required: float, shrinkage: float = 0.0, absenteeism: float = 0.0) -> ShrinkageChain:
    """Scheduled and rostered headcount for ``required`` agents (whole or fractional) on the phones."""
    if not (math.isfinite(required) and required >= 0.0):
        raise InputError(f"required agents must be a finite number ≥ 0, got {required}")
    if not (math.isfinite(shrinkage) and 0.0 <= shrinkage < 1.0):
        raise InputError(f"shrinkage must be a fraction in [0, 1), got {shrinkage}")
    if not (math.isfinite(absenteeism) and 0.0 <= absenteeism < 1.0):
        raise InputError(f"absenteeism must be a fraction in [0, 1), got {absenteeism}")
    scheduled_exact = required / (1.0 - shrinkage)
    scheduled = _ceil(scheduled_exact)
    rostered_exact = scheduled / (1.0 - absenteeism)
    return ShrinkageChain(
        required=required,
        shrinkage=shrinkage,
        absenteeism=absenteeism,
        scheduled_exact=scheduled_exact,
        scheduled=scheduled,
        rostered_exact=rostered_exact,
        rostered=_ceil(rostered_exact),
    )


def _ceil(value: float) -> int:
    """Round up, forgiving binary noise (41.000000000000004 is 41 people, not 42)."""
    return math.ceil(value - 1e-9)
