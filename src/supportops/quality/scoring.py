"""Scoring evaluations against a scorecard, and quality per agent, team and month against the targets.

One evaluation's score (fraction 0-1):

1. each answered item earns a credit: yes 1, no 0, a scale item ``(points - low) / (high - low)``; a
   not-applicable item earns nothing and weighs nothing;
2. a section scores the weighted mean credit of its applicable items; a section with no applicable item drops
   out and the weights of the others are re-scaled to sum to 1 (not-applicable re-weighting);
3. the evaluation scores the weighted mean of its applicable sections;
4. a miss on a *fatal* item sets the score to 0 whatever the rest (the brief: any compliance violation is an
   automatic fail); a miss on a fatal or *critical* item marks the evaluation as a critical error.

The brief's targets: quality above 85% is good, above 90% excellent; critical errors below 3% of evaluations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from supportops.errors import InputError
from supportops.quality.scorecard import Item, Scorecard

__all__ = ["EvaluationScore", "ItemResult", "item_credit", "quality_status", "score_evaluation", "summarize_scores"]

Answer = str | float | int | bool | None

_YES = {"yes", "y", "true", "1", "pass", "met"}
_NO = {"no", "n", "false", "0", "fail", "missed"}
_NA = {"na", "n/a", "not applicable", "", "-"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemResult:
    """One item's answer: ``credit`` 0-1, or None when not applicable; ``missed`` when it earned no credit."""

    item: str
    section: str
    credit: float | None
    missed: bool
    critical: bool
    fatal: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationScore:
    """A scored evaluation: ``score`` 0-1 (0 after a fatal miss), the flags, and each section's score."""

    score: float
    critical_error: bool
    fatal: bool
    sections: tuple[tuple[str, float | None], ...]
    items: tuple[ItemResult, ...]

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(r.item for r in self.items if r.missed)


def item_credit(item: Item, answer: Answer) -> float | None:
    """The credit (0-1) an answer earns on ``item``, or None when it is not applicable."""
    if answer is None:
        return None
    if item.kind == "binary":
        text = str(answer).strip().lower() if not isinstance(answer, bool) else str(answer).lower()
        if text in _YES:
            return 1.0
        if text in _NO:
            return 0.0
        if text in _NA:
            return None
        raise InputError(f"item {item.id!r}: answer {answer!r} is not yes, no or n/a")
    if isinstance(answer, str):
        if answer.strip().lower() in _NA:
            return None
        try:
            points = float(answer)
        except ValueError:
            raise InputError(f"item {item.id!r}: answer {answer!r} is not a number of points") from None
    else:
        points = float(answer)
    lo, hi = item.scale
    if not lo <= points <= hi:
        raise InputError(f"item {item.id!r}: {points:g} points is outside the scale {lo}-{hi}")
    return (points - lo) / (hi - lo)


def score_evaluation(card: Scorecard, answers: Mapping[str, Answer]) -> EvaluationScore:
    """Score one evaluation: ``answers`` maps every item id of ``card`` to yes / no / n/a or scale points."""
    unknown = sorted(set(answers) - {i.id for i in card.items})
    if unknown:
        raise InputError(f"scorecard {card.id} v{card.version} has no item(s) {', '.join(unknown)}")
    missing = [i.id for i in card.items if i.id not in answers]
    if missing:
        raise InputError(f"scorecard {card.id} v{card.version}: no answer for {', '.join(missing)}")
    results: list[ItemResult] = []
    sections: list[tuple[str, float | None]] = []
    for s in card.sections:
        num = den = 0.0
        for it in s.items:
            credit = item_credit(it, answers[it.id])
            missed = credit is not None and credit == 0.0
            results.append(
                ItemResult(item=it.id, section=s.id, credit=credit, missed=missed, critical=it.critical, fatal=it.fatal)
            )
            if credit is not None:
                num += it.weight * credit
                den += it.weight
        sections.append((s.id, num / den if den > 0 else None))
    weights = {s.id: s.weight for s in card.sections}
    applicable = [(sid, v) for sid, v in sections if v is not None]
    if not applicable:
        raise InputError(f"scorecard {card.id} v{card.version}: every item is not applicable; nothing to score")
    total_w = sum(weights[sid] for sid, _ in applicable)
    score = sum(weights[sid] * v for sid, v in applicable) / total_w
    fatal = any(r.fatal and r.missed for r in results)
    critical = any((r.fatal or r.critical) and r.missed for r in results)
    return EvaluationScore(
        score=0.0 if fatal else score,
        critical_error=critical,
        fatal=fatal,
        sections=tuple(sections),
        items=tuple(results),
    )


def quality_status(score: float | None, *, quality_min: float, quality_excellent: float) -> str:
    """``excellent`` above ``quality_excellent``, ``good`` above ``quality_min``, else ``below target``."""
    if score is None:
        return "no data"
    if score > quality_excellent:
        return "excellent"
    if score > quality_min:
        return "good"
    return "below target"


def summarize_scores(
    evaluations: pl.DataFrame,
    *,
    by: Sequence[str],
    quality_min: float = 0.85,
    quality_excellent: float = 0.90,
    critical_error_rate_max: float = 0.03,
) -> pl.DataFrame:
    """Quality per group: evaluations, mean ``score``, ``critical_error_rate`` and ``fatal_rate`` (fractions),
    ``status`` against the quality targets and ``critical_status`` (``met`` below ``critical_error_rate_max``).

    ``evaluations`` has ``score``, ``critical_error``, ``fatal`` and the ``by`` columns; ``month`` (YYYY-MM) is
    derived from ``evaluated_at`` when asked for and absent.
    """
    frame = evaluations
    if "month" in by and "month" not in frame.columns:
        if "evaluated_at" not in frame.columns:
            raise InputError("grouping by month needs evaluated_at")
        frame = frame.with_columns(pl.col("evaluated_at").dt.strftime("%Y-%m").alias("month"))
    lacking = [c for c in (*by, "score", "critical_error", "fatal") if c not in frame.columns]
    if lacking:
        raise InputError(f"evaluations lack column(s) {', '.join(lacking)}")
    aggs = [
        pl.len().alias("evaluations"),
        pl.col("score").cast(pl.Float64).mean().alias("score"),
        pl.col("critical_error").cast(pl.Float64).mean().alias("critical_error_rate"),
        pl.col("fatal").cast(pl.Float64).mean().alias("fatal_rate"),
    ]
    out = frame.group_by(list(by)).agg(aggs).sort(list(by)) if by else frame.select(aggs)
    return out.with_columns(
        pl.when(pl.col("score").is_null())
        .then(pl.lit("no data"))
        .when(pl.col("score") > quality_excellent)
        .then(pl.lit("excellent"))
        .when(pl.col("score") > quality_min)
        .then(pl.lit("good"))
        .otherwise(pl.lit("below target"))
        .alias("status"),
        pl.when(pl.col("critical_error_rate") < critical_error_rate_max)
        .then(pl.lit("met"))
        .otherwise(pl.lit("missed"))
        .alias("critical_status"),
    )
