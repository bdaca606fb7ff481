"""Agreement between raters: Krippendorff's alpha, the intraclass correlation (ICC) and Cohen's kappa.

- :func:`krippendorff_alpha` follows Krippendorff's coincidence-matrix definition (K. Krippendorff, 2011,
  "Computing Krippendorff's Alpha-Reliability", Annenberg School for Communication, University of
  Pennsylvania; and *Content Analysis*, 3rd ed., 2013, ch. 12): any number of coders, missing ratings,
  nominal, ordinal, interval and ratio difference functions. ``alpha = 1 - D_o / D_e``, where ``D_o`` is the
  observed and ``D_e`` the expected disagreement; 1 is perfect agreement, 0 agreement at chance level.
- :func:`icc` gives the six Shrout & Fleiss (1979, "Intraclass correlations: uses in assessing rater
  reliability", *Psychological Bulletin* 86(2), 420-428) forms from a two-way ANOVA of a complete
  targets × judges table. Calibration uses ICC(2,1): two-way random effects, absolute agreement, one rater.
- :func:`cohen_kappa` is Cohen's (1960) chance-corrected agreement of two raters on nominal labels.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from supportops.errors import ComputationError, InputError

__all__ = ["ICC_FORMS", "IccResult", "Metric", "cohen_kappa", "coincidence_matrix", "icc", "krippendorff_alpha"]

Metric = Literal["nominal", "ordinal", "interval", "ratio"]
ICC_FORMS = ("1,1", "2,1", "3,1", "1,k", "2,k", "3,k")


def _reliability_data(data: ArrayLike) -> np.ndarray:
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise InputError(f"reliability data must be coders × units (2-D); got {arr.ndim} dimension(s)")
    return arr


def coincidence_matrix(data: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values (ascending) and Krippendorff's coincidence matrix ``o[c, k]`` of reliability data.

    ``data`` is coders × units with NaN for a missing rating. Each unit with ``m_u >= 2`` ratings adds each
    ordered pair of its values (from different coders) with weight ``1 / (m_u - 1)``; units with fewer than two
    ratings are not pairable and add nothing. The matrix is symmetric and sums to ``n``, the pairable values.
    """
    arr = _reliability_data(data)
    values = np.unique(arr[~np.isnan(arr)])
    counts = np.zeros((arr.shape[1], values.size))
    for u in range(arr.shape[1]):
        col = arr[:, u]
        col = col[~np.isnan(col)]
        if col.size:
            counts[u] = np.bincount(np.searchsorted(values, col), minlength=values.size)
    m = counts.sum(axis=1)
    pairable = m >= 2
    c = counts[pairable]
    w = 1.0 / (m[pairable] - 1.0)
    o = np.einsum("u,uc,uk->ck", w, c, c) - np.diag((w[:, None] * c).sum(axis=0))
    return values, o


def _delta2(values: np.ndarray, n_c: np.ndarray, metric: Metric) -> np.ndarray:
    """Squared difference ``δ²(c, k)`` between the values, for each metric."""
    if metric == "nominal":
        return 1.0 - np.eye(values.size)
    if metric == "interval":
        return np.asarray(np.subtract.outer(values, values) ** 2, dtype=float)
    if metric == "ratio":
        s = np.add.outer(values, values)
        d = np.subtract.outer(values, values)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(s == 0, 0.0, d / np.where(s == 0, 1.0, s))
        return r**2
    if metric == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        i = np.arange(values.size)
        lo, hi = np.minimum.outer(i, i), np.maximum.outer(i, i)
        between = cum[hi + 1] - cum[lo]  # Σ n_g for g from the smaller to the larger value, both included
        return np.asarray((between - (n_c[lo] + n_c[hi]) / 2.0) ** 2, dtype=float)
    raise InputError(f"metric {metric!r}: use nominal, ordinal, interval or ratio")


def krippendorff_alpha(data: ArrayLike, *, metric: Metric = "interval") -> float:
    """Krippendorff's alpha of ``data`` (coders × units, NaN = missing) under ``metric``.

    Values are numbers; for nominal data any numeric codes will do. Raises :class:`ComputationError` when
    alpha is undefined: fewer than two pairable values, or no variation at all (``D_e = 0``).
    """
    values, o = coincidence_matrix(data)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n < 2:
        raise ComputationError("Krippendorff's alpha: fewer than two pairable ratings (no unit has two raters)")
    if metric == "ratio" and values.size and values.min() < 0:
        raise InputError("Krippendorff's alpha: the ratio metric needs values >= 0")
    d2 = _delta2(values, n_c, metric)
    observed = float((o * d2).sum()) / n
    expected = float((np.outer(n_c, n_c) * d2).sum()) / (n * (n - 1.0))
    if expected == 0.0:
        raise ComputationError("Krippendorff's alpha: every rating has the same value, so alpha is undefined")
    return 1.0 - observed / expected


@dataclass(frozen=True, slots=True, kw_only=True)
class IccResult:
    """An intraclass correlation with the two-way ANOVA mean squares behind it.

    ``bms`` between targets, ``wms`` within targets, ``jms`` between judges, ``ems`` residual; ``n`` targets
    rated by ``k`` judges each.
    """

    form: str
    value: float
    n: int
    k: int
    bms: float
    wms: float
    jms: float
    ems: float


def icc(ratings: ArrayLike, *, form: str = "2,1") -> IccResult:
    """Shrout & Fleiss (1979) intraclass correlation of ``ratings`` (targets × judges, no missing cells).

    Forms: ``1,1`` one-way random; ``2,1`` two-way random, absolute agreement; ``3,1`` two-way mixed,
    consistency; ``*,k`` the reliability of the mean of the ``k`` judges.
    """
    if form not in ICC_FORMS:
        raise InputError(f"ICC form {form!r}: use one of {', '.join(ICC_FORMS)}")
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise InputError("ICC needs a targets × judges table with at least two of each")
    if np.isnan(x).any():
        raise InputError("ICC needs every judge to rate every target (no missing cells)")
    n, k = x.shape
    grand = x.mean()
    ss_total = float(((x - grand) ** 2).sum())
    ss_rows = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    ss_err = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    jms = ss_cols / (k - 1)
    ems = ss_err / ((n - 1) * (k - 1))
    if form == "1,1":
        num, den = bms - wms, bms + (k - 1) * wms
    elif form == "2,1":
        num, den = bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n
    elif form == "3,1":
        num, den = bms - ems, bms + (k - 1) * ems
    elif form == "1,k":
        num, den = bms - wms, bms
    elif form == "2,k":
        num, den = bms - ems, bms + (jms - ems) / n
    else:
        num, den = bms - ems, bms
    if den == 0:
        raise ComputationError("ICC: no variance between targets or judges, so the ICC is undefined")
    return IccResult(form=form, value=num / den, n=n, k=k, bms=bms, wms=wms, jms=jms, ems=ems)


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two raters' nominal labels of the same items: ``(p_o - p_e) / (1 - p_e)``.

    ``p_o`` is the observed share of agreements and ``p_e`` the agreement expected from each rater's own label
    shares. Raises :class:`ComputationError` when ``p_e = 1`` (both raters always give one and the same label).
    """
    if len(a) != len(b):
        raise InputError(f"Cohen's kappa: {len(a)} labels against {len(b)}")
    if not a:
        raise ComputationError("Cohen's kappa: no items rated by both")
    labels = sorted(set(a) | set(b), key=repr)
    n = len(a)
    p_o = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    p_e = sum((sum(1 for x in a if x == c) / n) * (sum(1 for y in b if y == c) / n) for c in labels)
    if p_e == 1.0:
        raise ComputationError("Cohen's kappa: both raters gave one and the same label throughout (undefined)")
    return (p_o - p_e) / (1.0 - p_e)
