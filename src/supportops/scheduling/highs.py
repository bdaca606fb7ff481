"""Linear integer models built with CP-SAT's modelling API, solved by HiGHS's branch and bound (``highspy``).

The tour model's flow and coverage constraints have a strong linear relaxation, which an LP-based branch and
bound exploits far better than CP-SAT's search on two workers: a window of the relaxation is rounded in
seconds and the neighbourhood steps prove their optimum in tens of milliseconds. A neighbourhood step knows
its current solution and wants only a better one: the model's solution hint goes to HiGHS as its start and
``cutoff`` prunes every branch that cannot beat it, so a step without a better solution ends sooner.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["milp_solve"]

_banner_lock = threading.Lock()
_banner_shown = False


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """File descriptor 1 goes to the null device meanwhile (C and C++ output included, flushed before and
    after)."""
    try:
        flush: Any = ctypes.CDLL(None).fflush
    except (OSError, AttributeError, TypeError):  # no C library by that name (Windows): Python's buffers only
        flush = None
    sys.stdout.flush()
    if flush is not None:
        flush(None)
    try:
        saved = os.dup(1)
    except OSError:  # no standard output at all: nothing to silence
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        if flush is not None:
            flush(None)
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _highs() -> Any:
    """A new ``highspy.Highs``. The first one in a process prints HiGHS's banner on standard output, which would
    corrupt ``--json`` output and a search worker's pickles there, so it is made with standard output silenced."""
    import highspy

    global _banner_shown
    with _banner_lock:
        if not _banner_shown:
            with _stdout_silenced():
                h = highspy.Highs()  # type: ignore[no-untyped-call]
            _banner_shown = True
            return h
    return highspy.Highs()  # type: ignore[no-untyped-call]


def milp_solve(
    model: cp_model.CpModel, seconds: float, *, cutoff: float | None = None
) -> tuple[float, list[int]] | None:
    """The best solution HiGHS finds for ``model`` (only linear constraints, every variable integer) within
    ``seconds`` on one thread: its objective (model units) and the value of each variable by index; None when
    it finds none in time or there is none. A solution hint that sets every variable is HiGHS's start. With
    ``cutoff`` only solutions of objective below it count (None when there is none), so a start at or above
    it is not returned. Raises ValueError for a model HiGHS would misread (domains with holes, non-linear or
    enforced constraints)."""
    import highspy

    proto = model.proto
    for v in proto.variables:
        if len(v.domain) != 2:
            raise ValueError(f"variable {v.name!r}: a domain with holes is not a linear model")
    starts = [0]
    cols: list[int] = []
    vals: list[int] = []
    c_lo: list[float] = []
    c_hi: list[float] = []
    for ct in proto.constraints:
        if not ct.has_linear() or len(ct.linear.domain) != 2 or len(ct.enforcement_literal) > 0:
            raise ValueError("only unconditional linear constraints with one interval can go to HiGHS")
        lin = ct.linear
        cols.extend(lin.vars)
        vals.extend(lin.coeffs)
        starts.append(len(cols))
        c_lo.append(max(float(lin.domain[0]), -np.inf))
        c_hi.append(min(float(lin.domain[1]), np.inf))
    n = len(proto.variables)
    c = np.zeros(n)
    for ref, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        c[ref] += coef
    offset = float(proto.objective.offset)

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(c_lo)
    lp.col_cost_ = c
    lp.col_lower_ = np.array([v.domain[0] for v in proto.variables], dtype=np.float64)
    lp.col_upper_ = np.array([v.domain[1] for v in proto.variables], dtype=np.float64)
    lp.row_lower_ = np.array(c_lo, dtype=np.float64)
    lp.row_upper_ = np.array(c_hi, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_row_, lp.a_matrix_.num_col_ = len(c_lo), n
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(cols, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(vals, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n

    h = _highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", max(0.05, float(seconds)))
    h.passModel(lp)
    hint = proto.solution_hint
    if n and len(set(hint.vars)) == n:
        start = np.zeros(n)
        start[np.array(hint.vars)] = np.array(hint.values, dtype=np.float64)
        given = highspy.HighsSolution()
        given.col_value = start.tolist()
        given.value_valid = True
        h.setSolution(given)
    if cutoff is not None:
        h.setOptionValue("objective_bound", float(cutoff) - offset)
    h.run()
    if h.getInfo().primal_solution_status != 2:  # 2: a feasible solution
        return None
    x = [round(v) for v in h.getSolution().col_value]
    objective = float(c @ np.array(x, dtype=np.float64)) + offset
    if cutoff is not None and objective >= cutoff:
        return None
    return objective, x
