"""Contact-reason analysis: classify every contact, rank the reasons, and build the case to remove them.

The taxonomy (L1 / L2 / L3, each reason tagged avoidable, automatable or optimizable with its lever), the
reason classifier (``fast``: TF-IDF with a linear SVM; ``best``: joined with MiniLM sentence embeddings,
an optional install), the Pareto and driver analysis, business cases and month-by-month tracking.
Importing this package does not import scikit-learn or PyTorch.
"""

from __future__ import annotations

from supportops.reasons.analysis import (
    BRIEF_TOP10_BAND,
    FlagDriver,
    HandleOutlier,
    Pareto,
    ParetoRow,
    RepeatDriver,
    flag_drivers,
    handle_outliers,
    pareto,
    repeat_drivers,
)
from supportops.reasons.cases import (
    ActionAssumptions,
    BusinessCase,
    CaseInputs,
    build_case,
    default_assumptions,
    top_cases,
)
from supportops.reasons.classifier import (
    UNKNOWN,
    Metrics,
    ModelKind,
    Predictions,
    ReasonClassifier,
    TrainingReport,
    score,
    train_classifier,
)
from supportops.reasons.store import load_model, save_model
from supportops.reasons.taxonomy import (
    LEVERS,
    Action,
    Lever,
    Reason,
    Taxonomy,
    learn_taxonomy,
    reason_key,
    tag_reason,
)
from supportops.reasons.tracking import MonthVolume, Tracking, track_reason

__all__ = [
    "BRIEF_TOP10_BAND",
    "LEVERS",
    "UNKNOWN",
    "Action",
    "ActionAssumptions",
    "BusinessCase",
    "CaseInputs",
    "FlagDriver",
    "HandleOutlier",
    "Lever",
    "Metrics",
    "ModelKind",
    "MonthVolume",
    "Pareto",
    "ParetoRow",
    "Predictions",
    "Reason",
    "ReasonClassifier",
    "RepeatDriver",
    "Taxonomy",
    "Tracking",
    "TrainingReport",
    "build_case",
    "default_assumptions",
    "flag_drivers",
    "handle_outliers",
    "learn_taxonomy",
    "load_model",
    "pareto",
    "reason_key",
    "repeat_drivers",
    "save_model",
    "score",
    "tag_reason",
    "top_cases",
    "track_reason",
    "train_classifier",
]
