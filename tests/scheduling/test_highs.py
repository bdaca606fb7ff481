"""HiGHS on models written with CP-SAT's API: the same optimum as CP-SAT, a start and a cutoff, nothing on standard
output, and a clear refusal of what is not linear."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from supportops.scheduling.highs import milp_solve


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 9), st.integers(1, 9)), min_size=2, max_size=8),
    st.integers(5, 30),
)
def test_same_optimum_as_cp_sat(items: list[tuple[int, int]], capacity: int) -> None:
    # a bounded knapsack (0-3 of each item), minimising the negative value
    m = cp_model.CpModel()
    xs = [m.new_int_var(0, 3, f"x{i}") for i in range(len(items))]
    m.add(sum(w * x for (w, _), x in zip(items, xs, strict=True)) <= capacity)
    m.minimize(-sum(v * x for (_, v), x in zip(items, xs, strict=True)))
    solver = cp_model.CpSolver()
    assert solver.solve(m) == cp_model.OPTIMAL
    got = milp_solve(m, 5.0)
    assert got is not None
    objective, values = got
    assert objective == pytest.approx(solver.objective_value)
    assert sum(w * v for (w, _), v in zip(items, values, strict=True)) <= capacity
    assert all(0 <= v <= 3 for v in values)


def _knapsack() -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    m = cp_model.CpModel()
    xs = [m.new_int_var(0, 5, f"x{i}") for i in range(3)]
    m.add(2 * xs[0] + 3 * xs[1] + 4 * xs[2] <= 11)
    m.minimize(-(3 * xs[0] + 5 * xs[1] + 6 * xs[2]))  # optimum -18, at (1, 3, 0)
    return m, xs


def test_cutoff_keeps_only_better_solutions() -> None:
    m, _ = _knapsack()
    best = milp_solve(m, 5.0)
    assert best is not None and best[0] == -18
    assert milp_solve(m, 5.0, cutoff=-18.0) is None  # nothing below the optimum
    better = milp_solve(m, 5.0, cutoff=-17.5)
    assert better is not None and better[0] == -18


def test_a_complete_hint_is_a_start_and_a_wrong_one_does_no_harm() -> None:
    m, xs = _knapsack()
    for x, v in zip(xs, (1, 0, 2), strict=True):  # feasible, objective -15
        m.add_hint(x, v)
    got = milp_solve(m, 5.0, cutoff=-15.5)
    assert got is not None and got[0] == -18
    m.clear_hints()
    for x in xs:  # infeasible: 2·5 + 3·5 + 4·5 > 11
        m.add_hint(x, 5)
    got = milp_solve(m, 5.0)
    assert got is not None and got[0] == -18


def test_nothing_reaches_standard_output() -> None:
    # HiGHS prints a banner when the first solver of a process is made; it would corrupt --json output
    code = (
        "from ortools.sat.python import cp_model\n"
        "from supportops.scheduling.highs import milp_solve\n"
        "m = cp_model.CpModel(); x = m.new_int_var(0, 3, 'x'); m.add(x >= 2); m.minimize(x)\n"
        "print(milp_solve(m, 1.0)[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout == "2.0\n"


def test_infeasible_model_gives_none() -> None:
    m = cp_model.CpModel()
    x = m.new_int_var(0, 3, "x")
    m.add(x >= 5)
    m.minimize(x)
    assert milp_solve(m, 1.0) is None


@pytest.mark.parametrize("kind", ["holes", "bool_or", "enforced"])
def test_what_is_not_linear_is_refused(kind: str) -> None:
    m = cp_model.CpModel()
    if kind == "holes":
        m.new_int_var_from_domain(cp_model.Domain.from_values([0, 2, 4]), "y")
    elif kind == "bool_or":
        m.add_bool_or([m.new_bool_var("a"), m.new_bool_var("b")])
    else:
        b = m.new_bool_var("b")
        m.add(m.new_int_var(0, 3, "x") >= 2).only_enforce_if(b)
    with pytest.raises(ValueError):
        milp_solve(m, 1.0)
