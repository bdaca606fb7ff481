"""Krippendorff's alpha, the ICC and Cohen's kappa against published worked examples, recomputed by hand."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.errors import ComputationError, InputError
from supportops.quality.agreement import cohen_kappa, coincidence_matrix, icc, krippendorff_alpha

N = np.nan

# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability". Annenberg School for Communication,
# University of Pennsylvania (scholarly commons, departmental paper 43), section C "Nominal data, any number
# of observers, missing data": 4 observers × 12 units, values 1-5, unit 12 rated once (not pairable).
# The paper reports alpha = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio) for it.
KRIPP_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],  # observer A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],  # observer B
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],  # observer C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],  # observer D
]

# The coincidence matrix of that example, counted by hand unit by unit (o_ck += pairs / (m_u - 1)):
# u1 {1,1,1} m=3 -> o11 += 3; u2 {2,2,3,2} -> o22 += 2, o23 += 1; u3, u4 {3,3,3,3} -> o33 += 4 each;
# u5, u9 {2,2,2,2} -> o22 += 4 each; u6 {1,2,3,4} -> every off-diagonal pair += 1/3; u7 {4,4,4,4} -> o44 += 4;
# u8 {1,1,2,1} -> o11 += 2, o12 += 1; u10 {5,5,5} -> o55 += 3; u11 {1,1} -> o11 += 2; u12 has one value.
T = Fraction(1, 3)
HAND_O = [
    [7, 1 + T, T, T, 0],
    [1 + T, 10, 1 + T, T, 0],
    [T, 1 + T, 8, T, 0],
    [T, T, T, 4, 0],
    [0, 0, 0, 0, 3],
]


def _hand_alpha(delta2) -> float:  # type: ignore[no-untyped-def]
    """alpha = 1 - (n - 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, in exact fractions from the hand-counted matrix."""
    n_c = [sum(row) for row in HAND_O]
    n = sum(n_c)
    obs = sum(HAND_O[c][k] * delta2(c, k, n_c) for c in range(5) for k in range(5))
    exp = sum(n_c[c] * n_c[k] * delta2(c, k, n_c) for c in range(5) for k in range(5))
    return float(1 - (n - 1) * obs / exp)


def _ordinal(c: int, k: int, n_c: list[Fraction]) -> Fraction:
    lo, hi = min(c, k), max(c, k)
    return (sum(n_c[lo : hi + 1]) - (n_c[c] + n_c[k]) / 2) ** 2


HAND = {
    "nominal": _hand_alpha(lambda c, k, n_c: 0 if c == k else 1),
    "ordinal": _hand_alpha(_ordinal),
    "interval": _hand_alpha(lambda c, k, n_c: (c - k) ** 2),
    "ratio": _hand_alpha(lambda c, k, n_c: Fraction(c - k, c + k + 2) ** 2),  # values are index + 1
}
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def test_hand_counted_matrix_has_the_papers_margins() -> None:
    n_c = [sum(row) for row in HAND_O]
    assert n_c == [9, 13, 10, 5, 3]  # the paper's n_c row; n = 40 pairable values
    # by hand: nominal (39 × 32 - 344) / (1560 - 344) = 904 / 1216; interval 1 - 39 × (52/3) / 4480 = 1 - 676/4480
    assert HAND["nominal"] == pytest.approx(904 / 1216)
    assert HAND["interval"] == pytest.approx(1 - 676 / 4480)


def test_coincidence_matrix_matches_the_hand_count() -> None:
    values, o = coincidence_matrix(KRIPP_2011)
    assert values.tolist() == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(o, np.array(HAND_O, dtype=float), atol=1e-12)


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_2011_example(metric: str) -> None:
    alpha = krippendorff_alpha(KRIPP_2011, metric=metric)  # type: ignore[arg-type]
    assert alpha == pytest.approx(HAND[metric], abs=1e-12)
    assert round(alpha, 3) == PUBLISHED[metric]


def test_krippendorff_2011_binary_two_observers() -> None:
    # Krippendorff (2011), section A "Binary or dichotomous data, two observers, no missing data": alpha = 0.095.
    # By hand: n0 = 14, n1 = 6, o01 = 4, so alpha = 1 - (20 - 1) × 4 / (14 × 6) = 1 - 76/84.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    alpha = krippendorff_alpha([a, b], metric="nominal")
    assert alpha == pytest.approx(1 - 76 / 84)
    assert round(alpha, 3) == 0.095


def test_alpha_is_one_for_perfect_agreement_and_undefined_without_variation() -> None:
    assert krippendorff_alpha([[1, 2, 3, N], [1, 2, 3, 4]], metric="interval") == pytest.approx(1.0)
    with pytest.raises(ComputationError, match="same value"):
        krippendorff_alpha([[2, 2, 2], [2, 2, N]])
    with pytest.raises(ComputationError, match="pairable"):
        krippendorff_alpha([[1, N], [N, 2]])
    with pytest.raises(InputError):
        krippendorff_alpha([1, 2, 3])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=6, max_size=6), min_size=2, max_size=5))
def test_alpha_ignores_coder_order_and_units_without_a_pair(rows: list[list[int]]) -> None:
    data = np.array(rows, dtype=float)
    try:
        base = krippendorff_alpha(data, metric="interval")
    except ComputationError:
        return
    assert krippendorff_alpha(data[::-1], metric="interval") == pytest.approx(base)
    lonely = np.full((data.shape[0], 1), np.nan)
    lonely[0, 0] = 4.0  # a unit only one coder rated changes nothing
    assert krippendorff_alpha(np.hstack([data, lonely]), metric="interval") == pytest.approx(base)
    assert base <= 1.0 + 1e-12


# Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater reliability.
# Psychological Bulletin 86(2), 420-428. Table 2: 6 targets rated by 4 judges; Table 4 gives
# ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71, ICC(1,4) = .44, ICC(2,4) = .62, ICC(3,4) = .91,
# from the mean squares of Table 3: BMS = 11.24, WMS = 6.26, JMS = 32.49, EMS = 1.02.
SF_1979 = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def test_shrout_fleiss_mean_squares_by_hand() -> None:
    x = np.array(SF_1979, dtype=float)
    # by hand: grand mean 127/24; row means 6, 3, 6.5, 4, 7.5, 4.75; column means 7.667, 2.5, 4.333, 6.667
    rows = [6.0, 3.0, 6.5, 4.0, 7.5, 4.75]
    cols = [46 / 6, 15 / 6, 26 / 6, 40 / 6]
    grand = 127 / 24
    bms = 4 * sum((r - grand) ** 2 for r in rows) / 5
    jms = 6 * sum((c - grand) ** 2 for c in cols) / 3
    r = icc(x, form="2,1")
    assert (r.bms, r.jms) == (pytest.approx(bms), pytest.approx(jms))
    assert (round(r.bms, 2), round(r.wms, 2), round(r.jms, 2), round(r.ems, 2)) == (11.24, 6.26, 32.49, 1.02)


@pytest.mark.parametrize(
    ("form", "published"), [("1,1", 0.17), ("2,1", 0.29), ("3,1", 0.71), ("1,k", 0.44), ("2,k", 0.62), ("3,k", 0.91)]
)
def test_shrout_fleiss_table_4(form: str, published: float) -> None:
    r = icc(SF_1979, form=form)
    assert round(r.value, 2) == published
    if form == "2,1":  # (BMS - EMS) / (BMS + (k-1) EMS + k (JMS - EMS) / n) from the mean squares
        assert r.value == pytest.approx((r.bms - r.ems) / (r.bms + 3 * r.ems + 4 * (r.jms - r.ems) / 6))


def test_icc_needs_a_complete_table() -> None:
    with pytest.raises(InputError, match="missing"):
        icc([[1, 2], [3, N]])
    with pytest.raises(InputError, match="form"):
        icc(SF_1979, form="4,1")


def test_cohen_kappa_by_hand() -> None:
    # 10 items: 7 agreements (4 yes-yes, 3 no-no); rater A says yes 6 times, rater B 5 times.
    # p_o = 0.7, p_e = 0.6 × 0.5 + 0.4 × 0.5 = 0.5, kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    a = ["yes"] * 6 + ["no"] * 4
    b = ["yes"] * 4 + ["no"] * 2 + ["yes"] + ["no"] * 3
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    with pytest.raises(ComputationError):
        cohen_kappa(["yes", "yes"], ["yes", "yes"])
    with pytest.raises(InputError):
        cohen_kappa(["yes"], [])
