"""Linear integer models built with CP-SAT's modelling API, solved by HiGHS's branch and bound (SciPy).

The tour model's flow and coverage constraints have a strong linear relaxation, which an LP-based branch and
bound exploits far better than CP-SAT's search on two workers: a window of the relaxation is rounded in
seconds and the neighbourhood steps prove their optimum in tens of milliseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["milp_solve"]


def milp_solve(model: cp_model.CpModel, seconds: float) -> tuple[float, list[int]] | None:
    """The best solution HiGHS finds for ``model`` (only linear constraints, every variable integer) within
    ``seconds``: its objective (model units) and the value of each variable by index; None when it finds none
    in time or the model is infeasible."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    proto = model.proto
    for v in proto.variables:
        if len(v.domain) != 2:
            raise ValueError(f"variable {v.name!r}: a domain with holes is not a linear model")
    for ct in proto.constraints:
        if not ct.has_linear() or len(ct.linear.domain) != 2 or len(ct.enforcement_literal) > 0:
            raise ValueError("only unconditional linear constraints with one interval can go to HiGHS")
    n = len(proto.variables)
    lo = np.array([v.domain[0] for v in proto.variables], dtype=np.float64)
    hi = np.array([v.domain[len(v.domain) - 1] for v in proto.variables], dtype=np.float64)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[int] = []
    c_lo: list[float] = []
    c_hi: list[float] = []
    for r, ct in enumerate(proto.constraints):
        lin = ct.linear
        rows.extend([r] * len(lin.vars))
        cols.extend(lin.vars)
        vals.extend(lin.coeffs)
        c_lo.append(max(float(lin.domain[0]), -np.inf))
        c_hi.append(min(float(lin.domain[len(lin.domain) - 1]), np.inf))
    a = csr_array((np.array(vals, dtype=np.float64), (rows, cols)), shape=(len(proto.constraints), n))
    c = np.zeros(n)
    for ref, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        c[ref] += coef
    res = milp(
        c,
        integrality=np.ones(n),
        bounds=Bounds(lo, hi),
        constraints=LinearConstraint(a, np.array(c_lo), np.array(c_hi)),
        options={"time_limit": max(0.05, seconds), "disp": False},
    )
    if res.x is None:
        return None
    x = [round(float(v)) for v in res.x]
    return float(c @ np.array(x, dtype=np.float64)) + float(proto.objective.offset), x
