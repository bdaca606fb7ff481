"""Independent high-precision references (mpmath): Erlang B by its recursion, Erlang C from it, and Erlang A
from the truncated birth–death chain of M/M/N+M with hypo-exponential waiting times. Nothing here shares code
or formulas with ``supportops.queueing`` beyond the model's definition."""

from __future__ import annotations

from dataclasses import dataclass

import mpmath as mp

DPS = 60


def erlang_b(n: int, a: float) -> mp.mpf:
    with mp.workdps(DPS):
        load = mp.mpf(a)
        b = mp.mpf(1)
        for k in range(1, n + 1):
            b = load * b / (k + load * b)
        return b


def erlang_c(n: int, a: float) -> mp.mpf:
    with mp.workdps(DPS):
        b = erlang_b(n, a)
        rho = mp.mpf(a) / n
        return b / (1 - rho * (1 - b))


@dataclass(frozen=True)
class ErlangA:
    p_wait: float
    p_abandon: float
    mean_wait: float
    asa: float
    service_level: float | None


def erlang_a(n: int, load: float, aht: float, patience: float, threshold: float, *, with_sl: bool = True) -> ErlangA:
    """M/M/n+M by its stationary distribution (queue truncated where terms fall below 1e-45 of the total)."""
    with mp.workdps(140):
        mu = 1 / mp.mpf(aht)
        lam = mp.mpf(load) * mu
        theta = 1 / mp.mpf(patience)
        t = mp.mpf(threshold)
        a = lam / mu
        below = [mp.mpf(1)]
        for k in range(1, n + 1):
            below.append(below[-1] * a / k)
        queue = [below[-1]]
        j = 0
        while True:
            j += 1
            queue.append(queue[-1] * lam / (n * mu + j * theta))
            if j > 5 and queue[-1] < mp.mpf(10) ** -45 * queue[0] and lam < n * mu + j * theta:
                break
        total = mp.fsum(below[:-1]) + mp.fsum(queue)
        p_wait = mp.fsum(queue) / total
        mean_queue = mp.fsum(i * q for i, q in enumerate(queue)) / total
        p_ab = theta * mean_queue / lam
        mean_wait = mean_queue / lam
        served_wait = mp.mpf(0)
        sl = mp.fsum(below[:-1]) / total
        # the alternating hypo-exponential sum loses about log10 C(x + J, J) digits; carry that many more
        x = n * mu / theta
        extra = int(mp.log10(mp.binomial(x + len(queue), len(queue)))) + 40
        mp.mp.dps = max(mp.mp.dps, 140 + extra)
        for jj, q in enumerate(queue):
            rates = [n * mu + k * theta for k in range(jj + 1)]
            lap = mp.fprod(r / (r + theta) for r in rates)
            served_wait += q / total * lap * mp.fsum(1 / (r + theta) for r in rates)
            if with_sl:
                # ∫_0^t e^{−θs} f(s) ds for the hypo-exponential density f = Σ_k c_k e^{−r_k s}
                part = mp.mpf(0)
                prod = mp.fprod(rates)
                for k, rk in enumerate(rates):
                    ck = prod / mp.fprod(rm - rk for m, rm in enumerate(rates) if m != k)
                    part += ck * (1 - mp.exp(-(rk + theta) * t)) / (rk + theta)
                sl += q / total * part
        served = 1 - p_ab
        return ErlangA(
            p_wait=float(p_wait),
            p_abandon=float(p_ab),
            mean_wait=float(mean_wait),
            asa=float(served_wait / served),
            service_level=float(sl) if with_sl else None,
        )
