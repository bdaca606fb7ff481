"""Erlang B (M/M/N/N) and Erlang C (M/M/N) for whole arrays of intervals, stable from 0.01 to 100,000 Erlangs.

Units: the offered load ``load`` is in Erlangs (arrivals per second × mean handle time in seconds); handle
times and thresholds are in seconds; probabilities and occupancy are fractions 0-1.

No factorials are formed. Erlang B is computed in closed form from the Poisson distribution,

    B(N, A) = P(Poisson(A) = N) / P(Poisson(A) ≤ N),

with the log-pmf evaluated through ``log1p`` and a Stirling remainder (no cancellation of large terms) and the
cdf by the regularised upper incomplete gamma function ``Q(N + 1, A)``. Where that cdf underflows (N many
standard deviations below A) the continued fraction ``1/B = A·K(N, A)`` of the incomplete gamma function is
used instead. The same formulas accept real N, which is the usual continuous extension of Erlang B and C
(fractional agents).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = [
    "ErlangCMetrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "log_poisson_pmf",
]

Array = NDArray[np.float64]

_STIRLING = (1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0)
_TINY_CDF = 1e-280


def _lgamma_remainder(n: Array) -> Array:
    """``lgamma(n + 1) - (n log n - n)`` for n ≥ 0, accurate to ~1e-16 absolute (Stirling series for n ≥ 10)."""
    out = np.empty_like(n)
    big = n >= 10.0
    nb = n[big]
    inv = 1.0 / nb
    inv2 = inv * inv
    series = np.zeros_like(nb)
    for coef in reversed(_STIRLING):
        series = coef + inv2 * series
    series = inv * series
    out[big] = 0.5 * np.log(2.0 * np.pi * nb) + series
    ns = n[~big]
    with np.errstate(divide="ignore", invalid="ignore"):
        out[~big] = special.gammaln(ns + 1.0) - special.xlogy(ns, ns) + ns
    return out


def log_poisson_pmf(n: ArrayLike, a: ArrayLike) -> Array:
    """log P(Poisson(a) = n) for real n ≥ 0 and a > 0, without cancelling large terms.

    Written as ``n·(log1p(d) − d) − (lgamma(n+1) − n log n + n)`` with ``d = (a − n)/n``: each part stays of
    order one even at a = 100,000, so the result keeps close to full double precision.
    """
    n_arr, a_arr = np.broadcast_arrays(np.asarray(n, dtype=np.float64), np.asarray(a, dtype=np.float64))
    n_arr = np.array(n_arr, dtype=np.float64, copy=True)
    a_arr = np.array(a_arr, dtype=np.float64, copy=True)
    out = np.empty(n_arr.shape, dtype=np.float64)
    zero = n_arr == 0.0
    out[zero] = -a_arr[zero]
    nz = ~zero
    nn = n_arr[nz]
    d = (a_arr[nz] - nn) / nn
    out[nz] = nn * (np.log1p(d) - d) - _lgamma_remainder(nn)
    return out


def _inverse_b_continued_fraction(n: Array, a: Array, max_terms: int = 2000) -> Array:
    """1/B(n, a) = a·K from the continued fraction of Γ(n+1, a); converges fast when a exceeds n + 1.

    K = 1/(b0 + a1/(b1 + a2/(b2 + ...))), b_i = a − n + 2i, a_i = i·(n + 1 − i) (modified Lentz).
    """
    tiny = 1e-300
    b = a - n
    f = np.where(np.abs(b) < tiny, tiny, b)
    c = f.copy()
    d = np.zeros_like(f)
    done = np.zeros(f.shape, dtype=bool)
    for i in range(1, max_terms + 1):
        ai = i * (n + 1.0 - i)
        bi = a - n + 2.0 * i
        d = bi + ai * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = bi + ai / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = c * d
        f = np.where(done, f, f * delta)
        done |= np.abs(delta - 1.0) < 1e-16
        if done.all():
            break
    return a / f


def erlang_b(agents: ArrayLike, load: ArrayLike) -> Array:
    """Blocking probability of M/M/N/N: the share of arrivals that find all ``agents`` busy and are lost.

    ``agents`` may be real (continuous extension); ``load`` in Erlangs. Zero agents block everything; zero
    load blocks nothing.
    """
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=np.float64), np.asarray(load, dtype=np.float64))
    n = np.array(n, dtype=np.float64, copy=True)
    a = np.array(a, dtype=np.float64, copy=True)
    out = np.zeros(n.shape, dtype=np.float64)
    pos = (a > 0.0) & (n > 0.0)
    out[(n <= 0.0) & (a > 0.0)] = 1.0
    if not pos.any():
        return out
    nn, aa = n[pos], a[pos]
    q = special.gammaincc(nn + 1.0, aa)
    res = np.empty(nn.shape, dtype=np.float64)
    ok = q > _TINY_CDF
    res[ok] = np.exp(log_poisson_pmf(nn[ok], aa[ok]) - np.log(q[ok]))
    if (~ok).any():
        res[~ok] = 1.0 / _inverse_b_continued_fraction(nn[~ok], aa[~ok])
    out[pos] = np.minimum(res, 1.0)
    return out


def erlang_c(agents: ArrayLike, load: ArrayLike) -> Array:
    """Probability that an arrival waits in M/M/N: C = B / (1 − ρ(1 − B)), ρ = load/agents; 1 when N ≤ load."""
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=np.float64), np.asarray(load, dtype=np.float64))
    b = erlang_b(n, a)
    out = np.ones(n.shape, dtype=np.float64)
    stable = n > a
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = a[stable] / n[stable]
        bs = b[stable]
        out[stable] = bs / (1.0 - rho * (1.0 - bs))
    out[(a <= 0.0) & (n >= 0.0)] = 0.0
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ErlangCMetrics:
    """Steady-state M/M/N figures for each interval (arrays of equal shape).

    ``p_wait``: share of calls that wait at all. ``service_level``: share answered within the threshold
    (every call is eventually answered in Erlang C). ``asa``: mean wait of answered calls, seconds (``inf``
    when agents ≤ load). ``occupancy``: share of agent time busy, load/agents capped at 1.
    """

    agents: Array
    load: Array
    p_wait: Array
    service_level: Array
    asa: Array
    occupancy: Array


def erlang_c_metrics(agents: ArrayLike, load: ArrayLike, aht: ArrayLike, threshold: ArrayLike) -> ErlangCMetrics:
    """Erlang C figures: SL(T) = 1 − C·exp(−(N − A)·T/AHT), ASA = C·AHT/(N − A), occupancy = A/N.

    ``aht`` and ``threshold`` (the service-level answer time T) in seconds; ``load`` in Erlangs.
    """
    n, a, h, t = np.broadcast_arrays(
        np.asarray(agents, dtype=np.float64),
        np.asarray(load, dtype=np.float64),
        np.asarray(aht, dtype=np.float64),
        np.asarray(threshold, dtype=np.float64),
    )
    c = erlang_c(n, a)
    stable = n > a
    idle = a <= 0.0
    gap = np.where(stable, n - a, 1.0)
    sl = np.where(stable, 1.0 - c * np.exp(-gap * t / h), np.where(idle, 1.0, 0.0))
    asa = np.where(stable, c * h / gap, np.where(idle, 0.0, np.inf))
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, np.minimum(a / np.where(n > 0, n, 1.0), 1.0), np.where(a > 0, 1.0, 0.0))
    return ErlangCMetrics(
        agents=np.array(n, dtype=np.float64),
        load=np.array(a, dtype=np.float64),
        p_wait=c,
        service_level=sl,
        asa=asa,
        occupancy=occ,
    )
