"""Observed service level from interval counts, in the variants vendors use (their denominators differ).

Counts per interval (any array shape): ``answered_within`` (A_in: answered within the threshold T),
``answered`` (A), ``abandoned_within`` (B_in: hung up before T), ``abandoned`` (B), ``short_abandoned``
(S: hung up before the short-abandon threshold τ < T, so also inside B_in) and ``flowouts`` (F: left the
queue to voicemail, callback or overflow). Offered O = A + B + F.

======================  ==========================================  =========================================
variant                 formula                                     also known as
======================  ==========================================  =========================================
``abandons_ignored``    A_in / (A + B + F − B_in)                   Cisco "SL Aban Ignored"
``abandons_negative``   A_in / (A + B + F)                          Cisco "SL Aban Negative"; Erlang A's SL
``abandons_positive``   (A_in + B_in) / (A + B + F)                 Cisco "SL Aban Positive"
``answered_only``       A_in / A                                    abandons out of the denominator entirely
``short_excluded``      A_in / (A + B + F − S)                      Genesys / MiCC: short abandons not offered
======================  ==========================================  =========================================

``include_flowouts=False`` drops F from every denominator. An empty denominator gives NaN, never a
division error.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from supportops.errors import InputError

__all__ = ["ServiceLevelVariant", "observed_service_level"]


class ServiceLevelVariant(StrEnum):
    """How abandoned calls enter the service level (see the module table)."""

    ABANDONS_IGNORED = "abandons_ignored"
    ABANDONS_NEGATIVE = "abandons_negative"
    ABANDONS_POSITIVE = "abandons_positive"
    ANSWERED_ONLY = "answered_only"
    SHORT_EXCLUDED = "short_excluded"


def observed_service_level(
    variant: ServiceLevelVariant | str,
    *,
    answered_within: ArrayLike,
    answered: ArrayLike,
    abandoned_within: ArrayLike = 0,
    abandoned: ArrayLike = 0,
    short_abandoned: ArrayLike = 0,
    flowouts: ArrayLike = 0,
    include_flowouts: bool = True,
) -> NDArray[np.float64]:
    """Service level as a fraction 0-1 per interval for the named variant; counts must be consistent."""
    try:
        v = ServiceLevelVariant(variant)
    except ValueError:
        names = ", ".join(x.value for x in ServiceLevelVariant)
        raise InputError(f"unknown service-level variant {variant!r}; choose one of {names}") from None
    a_in, a, b_in, b, s, f = (
        np.asarray(x, dtype=np.float64)
        for x in np.broadcast_arrays(answered_within, answered, abandoned_within, abandoned, short_abandoned, flowouts)
    )
    for name, arr in (
        ("answered_within", a_in),
        ("answered", a),
        ("abandoned_within", b_in),
        ("abandoned", b),
        ("short_abandoned", s),
        ("flowouts", f),
    ):
        if np.any(~np.isfinite(arr) | (arr < 0)):
            raise InputError(f"{name}: counts must be finite and ≥ 0")
    if np.any(a_in > a):
        raise InputError("answered_within exceeds answered in some interval")
    if np.any(b_in > b):
        raise InputError("abandoned_within exceeds abandoned in some interval")
    if np.any(s > b_in):
        raise InputError("short_abandoned exceeds abandoned_within in some interval (τ must be below T)")
    offered = a + b + (f if include_flowouts else 0.0)
    if v is ServiceLevelVariant.ABANDONS_IGNORED:
        num, den = a_in, offered - b_in
    elif v is ServiceLevelVariant.ABANDONS_NEGATIVE:
        num, den = a_in, offered
    elif v is ServiceLevelVariant.ABANDONS_POSITIVE:
        num, den = a_in + b_in, offered
    elif v is ServiceLevelVariant.ANSWERED_ONLY:
        num, den = a_in, a
    else:
        num, den = a_in, offered - s
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)
