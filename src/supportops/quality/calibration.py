"""Calibration: several evaluators score the same contacts; how far each is from the reference, and how
reliable the evaluators are together.

Input rows: ``contact_id, evaluator, score`` (one overall score per evaluator per contact, a fraction 0-1 or
points 0-100, which are divided by 100) and optionally ``item`` with item-level answers (``yes`` / ``no`` /
``na`` or numbers). Rows with an empty item are the overall scores; when there are none, an evaluator's
overall score of a contact is the mean of its numeric item scores.

- *Reference* score of a contact: the expert's when ``expert`` is named (the "scoring index" of commercial QA
  suites), else the consensus, the mean of every evaluator's score of that contact.
- ``mean_deviation`` of an evaluator: mean of (its score - reference) over the contacts it scored (fraction;
  positive = more lenient). An evaluator beyond ±``tolerance`` (default 5 points) is flagged. The expert has
  deviation 0 by definition and is never flagged.
- Reliability: Krippendorff's alpha (interval) on the overall scores, coders = evaluators, units = contacts,
  missing scores allowed; ICC(2,1) (Shrout & Fleiss: two-way random, absolute agreement, one rater) on the
  contacts every evaluator scored; Krippendorff's alpha (nominal) on item answers when items are given.
- Items with most disagreement: per item, the share of contacts on which the evaluators did not all give the
  same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from supportops.errors import ComputationError, InputError
from supportops.quality.agreement import icc, krippendorff_alpha

__all__ = ["CalibrationResult", "EvaluatorDeviation", "ItemDisagreement", "calibrate"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluatorDeviation:
    """One evaluator against the reference: mean and mean absolute deviation (fractions), contacts scored."""

    evaluator: str
    contacts: int
    mean_score: float
    mean_deviation: float
    mean_abs_deviation: float
    flagged: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemDisagreement:
    """An item's share of contacts (rated by two or more) on which the evaluators' answers differ."""

    item: str
    contacts: int
    disagreement: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationResult:
    """A calibration session's statistics; an undefined statistic (no variation, too little data) is None."""

    contacts: int
    reference: str
    tolerance: float
    krippendorff_alpha_interval: float | None
    krippendorff_alpha_nominal: float | None
    icc: float | None
    icc_form: str
    icc_contacts: int
    evaluators: tuple[EvaluatorDeviation, ...]
    items: tuple[ItemDisagreement, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "contacts": self.contacts,
            "reference": self.reference,
            "tolerance": self.tolerance,
            "krippendorff_alpha_interval": self.krippendorff_alpha_interval,
            "krippendorff_alpha_nominal": self.krippendorff_alpha_nominal,
            "icc": self.icc,
            "icc_form": self.icc_form,
            "icc_contacts": self.icc_contacts,
            "evaluators": {
                e.evaluator: {
                    "contacts": e.contacts,
                    "mean_score": e.mean_score,
                    "mean_deviation": e.mean_deviation,
                    "mean_abs_deviation": e.mean_abs_deviation,
                    "flagged": e.flagged,
                }
                for e in self.evaluators
            },
            "items": [{"item": i.item, "contacts": i.contacts, "disagreement": i.disagreement} for i in self.items],
        }


_ANSWER_CODES = {"yes": 1.0, "y": 1.0, "pass": 1.0, "no": 0.0, "n": 0.0, "fail": 0.0}


def _code(answer: str | None) -> float | None:
    """Item answers as numbers: yes 1, no 0, n/a or empty missing, numbers as they are."""
    if answer is None:
        return None
    text = answer.strip().lower()
    if text in ("", "na", "n/a", "-", "not applicable"):
        return None
    if text in _ANSWER_CODES:
        return _ANSWER_CODES[text]
    try:
        return float(text)
    except ValueError:
        raise InputError(f"item answer {answer!r} is not yes, no, n/a or a number") from None


def _safe(fn: object) -> float | None:
    try:
        return float(fn())  # type: ignore[operator]
    except ComputationError:
        return None


def calibrate(rows: pl.DataFrame, *, expert: str | None = None, tolerance: float = 0.05) -> CalibrationResult:
    """Calibration statistics of ``rows`` (``contact_id, evaluator, score`` and optionally ``item``)."""
    lacking = [c for c in ("contact_id", "evaluator", "score") if c not in rows.columns]
    if lacking:
        raise InputError(f"calibration rows lack column(s) {', '.join(lacking)}")
    frame = rows.with_columns(
        pl.col("contact_id").cast(pl.String), pl.col("evaluator").cast(pl.String), pl.col("score").cast(pl.String)
    )
    if "item" in frame.columns:
        frame = frame.with_columns(pl.col("item").cast(pl.String).fill_null("").str.strip_chars())
    else:
        frame = frame.with_columns(pl.lit("").alias("item"))
    frame = frame.with_columns(
        pl.col("score").map_elements(_code, return_dtype=pl.Float64, skip_nulls=False).alias("value")
    )
    overall = frame.filter(pl.col("item") == "")
    items = frame.filter(pl.col("item") != "")
    if overall.height == 0:
        overall = items.group_by("contact_id", "evaluator").agg(pl.col("value").mean())
    overall = (
        overall.filter(pl.col("value").is_not_null()).group_by("contact_id", "evaluator").agg(pl.col("value").mean())
    )
    if overall.height == 0:
        raise InputError("calibration: no scores")
    if overall["value"].max() > 1.0:  # type: ignore[operator]
        overall = overall.with_columns(pl.col("value") / 100.0)
    evaluators = sorted(overall["evaluator"].unique().to_list())
    contacts = sorted(overall["contact_id"].unique().to_list())
    if len(evaluators) < 2:
        raise InputError("calibration needs at least two evaluators scoring the same contacts")
    if expert is not None and expert not in evaluators:
        raise InputError(f"expert {expert!r} is not among the evaluators ({', '.join(evaluators)})")
    e_idx = {e: i for i, e in enumerate(evaluators)}
    c_idx = {c: i for i, c in enumerate(contacts)}
    matrix = np.full((len(evaluators), len(contacts)), np.nan)
    for c, e, v in overall.select("contact_id", "evaluator", "value").iter_rows():
        matrix[e_idx[e], c_idx[c]] = v
    if expert is not None:
        reference = matrix[e_idx[expert]]
    else:
        with np.errstate(invalid="ignore"):
            reference = np.nanmean(matrix, axis=0)
    devs: list[EvaluatorDeviation] = []
    for e in evaluators:
        row = matrix[e_idx[e]]
        ok = ~np.isnan(row) & ~np.isnan(reference)
        d = row[ok] - reference[ok]
        mean_dev = float(d.mean()) if d.size else 0.0
        devs.append(
            EvaluatorDeviation(
                evaluator=e,
                contacts=int(ok.sum()),
                mean_score=float(np.nanmean(row)),
                mean_deviation=mean_dev,
                mean_abs_deviation=float(np.abs(d).mean()) if d.size else 0.0,
                flagged=e != expert and abs(mean_dev) > tolerance + 1e-12,
            )
        )
    complete = ~np.isnan(matrix).any(axis=0)
    icc_value = None
    if complete.sum() >= 2:
        icc_value = _safe(lambda: icc(matrix[:, complete].T, form="2,1").value)
    alpha_nominal = None
    disagreements: list[ItemDisagreement] = []
    if items.height:
        answered = items.filter(pl.col("value").is_not_null())
        units = sorted({(c, i) for c, i in answered.select("contact_id", "item").iter_rows()})
        u_idx = {u: k for k, u in enumerate(units)}
        nominal = np.full((len(evaluators), len(units)), np.nan)
        for c, e, i, v in answered.select("contact_id", "evaluator", "item", "value").iter_rows():
            nominal[e_idx[e], u_idx[(c, i)]] = v
        alpha_nominal = _safe(lambda: krippendorff_alpha(nominal, metric="nominal"))
        per_item: dict[str, list[bool]] = {}
        for (_c, item), k in u_idx.items():
            col = nominal[:, k]
            col = col[~np.isnan(col)]
            if col.size >= 2:
                per_item.setdefault(item, []).append(bool(np.unique(col).size > 1))
        disagreements = sorted(
            (ItemDisagreement(item=i, contacts=len(v), disagreement=sum(v) / len(v)) for i, v in per_item.items()),
            key=lambda d: (-d.disagreement, d.item),
        )
    return CalibrationResult(
        contacts=len(contacts),
        reference=f"expert {expert}" if expert else "consensus (mean of evaluators)",
        tolerance=tolerance,
        krippendorff_alpha_interval=_safe(lambda: krippendorff_alpha(matrix, metric="interval")),
        krippendorff_alpha_nominal=alpha_nominal,
        icc=icc_value,
        icc_form="ICC(2,1)",
        icc_contacts=int(complete.sum()),
        evaluators=tuple(devs),
        items=tuple(disagreements),
    )
