"""Erlang A (M/M/N+M, Palm's queue): Erlang C with exponentially impatient callers, in closed form.

Units: load in Erlangs, ``aht`` and ``patience`` (mean time a caller is willing to wait) and the service-level
threshold in seconds; probabilities are fractions 0-1.

With λ = load/AHT, μ = 1/AHT, θ = 1/patience, x = Nμ/θ and y = λ/θ (Mandelbaum & Zeltyn, "The Palm/Erlang-A
queue, with applications to call centers", 2005; Garnett, Mandelbaum & Reiman 2002):

* A(x, y) = Σ_j Π_{i≤j} y/(x+i) = P(x, y) / pmf(x; y), with P the regularised lower incomplete gamma function
  and pmf(x; y) = y^x e^{−y}/Γ(x+1);
* P(W > 0) = A·E / (1 + (A − 1)·E), E = ErlangB(N, load);
* P(Ab | W > 0) = 1 − (x/y)·P(x+1, y)/P(x, y);  P(Ab) = P(W>0)·P(Ab | W>0);  E[W] = P(Ab)/θ;
* the offered wait V of a queued caller satisfies P(V > t | W>0) = P(x, y·e^{−θt}) / P(x, y), hence
  P(served within T | W>0) = (x/y)·[P(x+1, y) − P(x+1, y·e^{−θT})] / P(x, y);
* the mean wait of queued callers who are served is ∫_{−∞}^{ln y} P(x+1, e^v) dv / (θ·P(x+1, y)), evaluated by
  Gauss–Legendre quadrature on the window where the integrand changes.

The service level is P(answered within T) over **all** arrivals: callers who abandon count as failures,
including those who hang up before T. All formulas accept real N (fractional agents).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from supportops.errors import ComputationError
from supportops.queueing.erlang import erlang_b, log_poisson_pmf

__all__ = ["ErlangAMetrics", "erlang_a_metrics"]

Array = NDArray[np.float64]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(128)
_TINY = 1e-290


@dataclass(frozen=True, slots=True, kw_only=True)
class ErlangAMetrics:
    """Steady-state M/M/N+M figures for each interval (arrays of equal shape).

    ``p_wait``: share of arrivals that wait at all. ``p_abandon``: share that hang up before being served.
    ``service_level``: share answered within the threshold, over all arrivals. ``mean_wait``: mean time in
    queue over all arrivals (seconds). ``asa``: mean wait of answered calls (seconds). ``occupancy``: share of
    agent time busy (carried load / agents).
    """

    agents: Array
    load: Array
    p_wait: Array
    p_abandon: Array
    service_level: Array
    mean_wait: Array
    asa: Array
    occupancy: Array


def _a_series(x: Array, y: Array, max_terms: int = 50_000) -> Array:
    """A(x, y) = Σ_j Π_{i≤j} y/(x+i) by direct summation; used only where P(x, y) underflows (y well below x)."""
    total = np.ones_like(x)
    term = np.ones_like(x)
    for i in range(1, max_terms + 1):
        term = term * y / (x + i)
        total = total + term
        if np.all(term < 1e-17 * total):
            return total
    raise ComputationError(f"Erlang A: the series for A(x, y) did not converge for x={x.max():.6g}, y={y.max():.6g}")


def _abandon_given_wait_series(x: Array, y: Array) -> Array:
    """P(Ab | W>0) = Σ_j j·c_j / (y·Σ_j c_j), c_j = Π_{i≤j} y/(x+i); for y < 0.8·x (terms shrink by 0.8 or faster)."""
    total = np.ones_like(x)
    weighted = np.zeros_like(x)
    term = np.ones_like(x)
    for j in range(1, 400):
        term = term * y / (x + j)
        total = total + term
        weighted = weighted + j * term
        if np.all(j * term <= 1e-17 * weighted):
            break
    return np.asarray(weighted / (y * total), dtype=np.float64)


def _served_wait_integral(x: Array, y: Array, p_top: Array) -> Array:
    """∫_{−∞}^{ln y} P(x+1, e^v) dv, by Gauss–Legendre on the window where the integrand is neither 0 nor 1."""
    k = x + 1.0
    ln_y = np.log(y)
    with np.errstate(divide="ignore"):
        v_hi = np.log(special.gammainccinv(k, 1e-22))
    v_top = np.minimum(ln_y, v_hi)
    flat = np.maximum(ln_y - v_hi, 0.0)  # where P(x+1, e^v) = 1 to double precision
    with np.errstate(divide="ignore"):
        v_lo_abs = np.log(np.maximum(special.gammaincinv(k, 1e-22), 1e-300))
    # Relative tail when the integrand at the top is already small: d ln P/dv ≥ max(x − y, (x+1)e^{−y}).
    slope = np.maximum(x - y, k * np.exp(-np.minimum(y, 700.0)))
    v_lo_rel = v_top - 60.0 / np.maximum(slope, 1e-300)
    v_lo = np.where(p_top > 1e-6, v_lo_abs, v_lo_rel)
    v_lo = np.minimum(v_lo, v_top)
    half = 0.5 * (v_top - v_lo)
    mid = 0.5 * (v_top + v_lo)
    v = mid[..., None] + half[..., None] * _NODES
    vals = special.gammainc(k[..., None], np.exp(v))
    return np.asarray(half * (vals @ _WEIGHTS) + flat, dtype=np.float64)


def erlang_a_metrics(
    agents: ArrayLike, load: ArrayLike, aht: ArrayLike, patience: ArrayLike, threshold: ArrayLike
) -> ErlangAMetrics:
    """Erlang A figures for N agents (real or integer ≥ 0) at the given load, AHT, mean patience and threshold."""
    n, a, h, p, t = (
        np.array(v, dtype=np.float64, copy=True)
        for v in np.broadcast_arrays(
            np.asarray(agents, dtype=np.float64),
            np.asarray(load, dtype=np.float64),
            np.asarray(aht, dtype=np.float64),
            np.asarray(patience, dtype=np.float64),
            np.asarray(threshold, dtype=np.float64),
        )
    )
    shape = n.shape
    p_wait = np.zeros(shape)
    p_ab = np.zeros(shape)
    sl = np.ones(shape)
    asa = np.zeros(shape)
    none = (n <= 0.0) & (a > 0.0)
    p_wait[none] = 1.0
    p_ab[none] = 1.0
    sl[none] = 0.0
    asa[none] = np.nan  # nobody is answered
    live = (n > 0.0) & (a > 0.0)
    if live.any():
        nn, aa, hh, pp, tt = n[live], a[live], h[live], p[live], t[live]
        theta = 1.0 / pp
        x = nn * pp / hh
        y = aa * pp / hh
        e = erlang_b(nn, aa)
        px = special.gammainc(x, y)
        big = px > _TINY
        log_a = np.empty_like(x)
        log_a[big] = np.log(px[big]) - log_poisson_pmf(x[big], y[big])
        if (~big).any():
            log_a[~big] = np.log(_a_series(x[~big], y[~big]))
        inv_a = np.exp(-log_a)  # 1/A ∈ (0, 1]; A itself overflows when the queue is far overloaded
        pw = e / (e + (1.0 - e) * inv_a)
        px1 = special.gammainc(x + 1.0, y)
        # P(served | W>0) = (x/y)·P(x+1,y)/P(x,y) = (x/y)·(1 − 1/A): the second form needs no underflowing ratio.
        # P(Ab | W>0) = 1 − (x/y)(1 − 1/A) cancels when abandonment is rare (y well below x); there the
        # equivalent Σ_j j·c_j / (y·Σ_j c_j) converges geometrically and is summed instead.
        ab_q = 1.0 - (x / y) * (1.0 - inv_a)
        light = y < 0.8 * x
        if light.any():
            ab_q[light] = _abandon_given_wait_series(x[light], y[light])
        ab_q = np.clip(ab_q, 0.0, 1.0)
        served_q = 1.0 - ab_q
        z = y * np.exp(-theta * tt)
        px1_z = special.gammainc(x + 1.0, z)
        with np.errstate(divide="ignore", invalid="ignore"):
            within_q = np.where(big, (x / y) * (px1 - px1_z) / np.where(big, px, 1.0), served_q)
        within_q = np.clip(within_q, 0.0, served_q)
        integral = _served_wait_integral(x, y, px1)
        with np.errstate(divide="ignore", invalid="ignore"):
            wait_served_q = np.where(px1 > 0.0, integral / (theta * px1), 0.0)
        p_wait[live] = pw
        p_ab[live] = pw * ab_q
        sl[live] = 1.0 - pw + pw * within_q
        served = 1.0 - pw * ab_q
        with np.errstate(divide="ignore", invalid="ignore"):
            asa[live] = np.where(served > 0.0, pw * served_q * wait_served_q / served, np.nan)
    mean_wait = p_ab * p
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0.0, np.minimum(a * (1.0 - p_ab) / np.where(n > 0.0, n, 1.0), 1.0), 0.0)
    return ErlangAMetrics(
        agents=n,
        load=a,
        p_wait=p_wait,
        p_abandon=p_ab,
        service_level=sl,
        mean_wait=mean_wait,
        asa=asa,
        occupancy=occ,
    )
