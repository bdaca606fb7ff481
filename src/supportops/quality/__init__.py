"""Quality management: scorecards, scoring, sampling plans, calibration statistics, automated QA and coaching.

Pure: no I/O, no settings. The warehouse side (the ``evaluations`` tables, contacts for sampling) lives in
:mod:`supportops.warehouse.evaluations`; the commands in ``supportops qa``.
"""

from __future__ import annotations

from supportops.quality.agreement import (
    ICC_FORMS,
    IccResult,
    cohen_kappa,
    coincidence_matrix,
    icc,
    krippendorff_alpha,
)
from supportops.quality.autoqa import (
    AutoAnswer,
    Transcript,
    Turn,
    auto_answers,
    auto_vs_human,
    run_checks,
    transcript_from_mapping,
)
from supportops.quality.calibration import CalibrationResult, EvaluatorDeviation, ItemDisagreement, calibrate
from supportops.quality.coaching import coaching_list, error_categories
from supportops.quality.model import SentenceModel, train_sentence_model
from supportops.quality.sampling import REASONS, SamplePlan, SamplingRules, plan_sample
from supportops.quality.scorecard import (
    DEFAULT_SCORECARD,
    Check,
    Item,
    Scorecard,
    Section,
    scorecard_from_mapping,
    select_scorecard,
)
from supportops.quality.scoring import (
    EvaluationScore,
    ItemResult,
    item_credit,
    quality_status,
    score_evaluation,
    summarize_scores,
)

__all__ = [
    "DEFAULT_SCORECARD",
    "ICC_FORMS",
    "REASONS",
    "AutoAnswer",
    "CalibrationResult",
    "Check",
    "EvaluationScore",
    "EvaluatorDeviation",
    "IccResult",
    "Item",
    "ItemDisagreement",
    "ItemResult",
    "SamplePlan",
    "SamplingRules",
    "Scorecard",
    "Section",
    "SentenceModel",
    "Transcript",
    "Turn",
    "auto_answers",
    "auto_vs_human",
    "calibrate",
    "coaching_list",
    "cohen_kappa",
    "coincidence_matrix",
    "error_categories",
    "icc",
    "item_credit",
    "krippendorff_alpha",
    "plan_sample",
    "quality_status",
    "run_checks",
    "score_evaluation",
    "scorecard_from_mapping",
    "select_scorecard",
    "summarize_scores",
    "train_sentence_model",
    "transcript_from_mapping",
]
