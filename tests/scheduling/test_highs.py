"""HiGHS on models written with CP-SAT's API: the same optimum as CP-SAT, and a clear refusal of what is not linear."""

from __future__ import annotations

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
