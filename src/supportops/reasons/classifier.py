"""The contact-reason classifier: text in, reason out, with a confidence and ``unknown`` below a threshold.

Two models share one design, a single linear model (a linear SVM, one-vs-rest) over joined features:

- ``fast``: TF-IDF of word 1-2-grams and of character 1-5-grams within word boundaries (sublinear term
  frequency). Trains on 10,000 short texts in a few seconds with scikit-learn alone.
- ``best``: the same TF-IDF columns joined with MiniLM sentence embeddings (384 columns, unit length, scaled
  by ``embedding_weight``). Needs the optional embeddings install (:mod:`supportops.reasons.embeddings`).

**Confidence.** A linear SVM gives decision scores, not probabilities. Training holds out a stratified
share of the labelled rows (``holdout``, default 5 %), fits on the rest, and fits one temperature *T* on
the held-out scores so that softmax(score / *T*) minimises the held-out log loss (temperature scaling: it
never changes which reason wins, only how sure the model says it is). The confidence of a prediction is
the winning reason's softmax probability; below ``threshold`` the label is ``unknown``. The held-out rows
also give the accuracy saved with the model. With ``holdout=0`` every row is used for fitting, *T* stays 1
and the confidence is uncalibrated (the metadata says so).

scikit-learn is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from supportops.errors import ComputationError, InputError

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from supportops.reasons.embeddings import Encoder

__all__ = [
    "UNKNOWN",
    "Metrics",
    "ModelKind",
    "Predictions",
    "ReasonClassifier",
    "TrainingReport",
    "score",
    "train_classifier",
]

ModelKind = Literal["fast", "best"]
UNKNOWN = "unknown"

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (1, 5)
CHAR_MIN_DF = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    """Accuracy and macro-averaged F1 (fractions 0-1) over ``n`` labelled texts."""

    accuracy: float
    macro_f1: float
    n: int


def score(true: Sequence[str], predicted: Sequence[str]) -> Metrics:
    """Accuracy and macro-F1 of ``predicted`` against ``true`` (macro over the true labels' classes and the
    predicted ones, as scikit-learn's ``f1_score(average="macro")``)."""
    from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped, unused-ignore]

    if len(true) != len(predicted) or not true:
        raise InputError(f"scoring: {len(true)} true labels against {len(predicted)} predictions")
    return Metrics(
        accuracy=float(accuracy_score(true, predicted)),
        macro_f1=float(f1_score(true, predicted, average="macro", zero_division=0)),
        n=len(true),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Predictions:
    """Per text: the reason (``unknown`` below the threshold), the model's best guess regardless of the
    threshold, and the confidence (0-1)."""

    labels: tuple[str, ...]
    best_guess: tuple[str, ...]
    confidence: npt.NDArray[np.float64]

    @property
    def unknown_share(self) -> float:
        """Fraction 0-1 of texts labelled ``unknown``."""
        return sum(1 for x in self.labels if x == UNKNOWN) / len(self.labels) if self.labels else 0.0


@dataclass(frozen=True, kw_only=True)
class ReasonClassifier:
    """A fitted reason model: the vocabulary and IDF weights of its TF-IDF blocks, the linear model's
    weights (one row per reason), the embedding block's weight (0 for ``fast``), the temperature and the
    ``unknown`` threshold. ``info`` carries the version, training size and measured accuracy."""

    kind: ModelKind
    labels: npt.NDArray[np.str_]
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]
    word_terms: npt.NDArray[np.str_]
    word_idf: npt.NDArray[np.float64]
    char_terms: npt.NDArray[np.str_]
    char_idf: npt.NDArray[np.float64]
    embedding_dim: int
    embedding_weight: float
    temperature: float
    threshold: float
    info: dict[str, Any] = field(default_factory=dict)
    _vectorizers: list[Any] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        n_feat = len(self.word_terms) + len(self.char_terms) + self.embedding_dim
        if self.coef.shape != (len(self.labels), n_feat) or self.intercept.shape != (len(self.labels),):
            raise InputError(
                f"reason model: weights {self.coef.shape} do not fit {len(self.labels)} reasons × {n_feat} features"
            )
        if len(self.word_idf) != len(self.word_terms) or len(self.char_idf) != len(self.char_terms):
            raise InputError("reason model: IDF weights do not match the vocabulary")
        if not (self.temperature > 0 and math.isfinite(self.temperature)):
            raise InputError(f"reason model: temperature must be positive, got {self.temperature}")
        if not 0.0 <= self.threshold <= 1.0:
            raise InputError(f"reason model: threshold must be a fraction 0-1, got {self.threshold}")
        if self.kind == "best" and self.embedding_dim == 0:
            raise InputError("reason model: a best model needs its embedding block")

    def with_threshold(self, threshold: float) -> ReasonClassifier:
        """The same model with another ``unknown`` threshold (a confidence, 0-1)."""
        return ReasonClassifier(
            kind=self.kind,
            labels=self.labels,
            coef=self.coef,
            intercept=self.intercept,
            word_terms=self.word_terms,
            word_idf=self.word_idf,
            char_terms=self.char_terms,
            char_idf=self.char_idf,
            embedding_dim=self.embedding_dim,
            embedding_weight=self.embedding_weight,
            temperature=self.temperature,
            threshold=threshold,
            info=self.info,
        )

    def _tfidf(self) -> tuple[Any, Any]:
        if not self._vectorizers:
            word = _vectorizer("word", {str(t): i for i, t in enumerate(self.word_terms)})
            word.idf_ = self.word_idf
            char = _vectorizer("char", {str(t): i for i, t in enumerate(self.char_terms)})
            char.idf_ = self.char_idf
            self._vectorizers.extend([word, char])
        return self._vectorizers[0], self._vectorizers[1]

    def features(self, texts: Sequence[str], embeddings: npt.NDArray[np.float32] | None = None) -> csr_matrix:
        """The model's feature rows for ``texts`` (``embeddings`` are required for a ``best`` model)."""
        word, char = self._tfidf()
        return _join(word.transform(texts), char.transform(texts), embeddings, self.embedding_weight)

    def decision(self, texts: Sequence[str], encoder: Encoder | None = None) -> npt.NDArray[np.float64]:
        """The linear model's scores, one column per reason (``labels``)."""
        emb = None
        if self.kind == "best":
            if encoder is None:
                raise InputError("reason model: a best model needs its sentence encoder to classify")
            emb = encoder.encode(list(texts))
        x = self.features(texts, emb)
        return np.asarray(x @ self.coef.T.astype(np.float64) + self.intercept, dtype=np.float64)

    def predict(self, texts: Sequence[str], encoder: Encoder | None = None) -> Predictions:
        """Reasons and confidences for ``texts``; ``unknown`` where the confidence is below the threshold."""
        texts = _clean(texts)
        if not texts:
            return Predictions(labels=(), best_guess=(), confidence=np.zeros(0))
        probs = _softmax(self.decision(texts, encoder) / self.temperature)
        top = probs.argmax(axis=1)
        conf = probs[np.arange(len(texts)), top]
        guess = tuple(str(self.labels[i]) for i in top)
        labels = tuple(g if c >= self.threshold else UNKNOWN for g, c in zip(guess, conf, strict=True))
        return Predictions(labels=labels, best_guess=guess, confidence=conf)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingReport:
    """The fitted model, the held-out measurement (``None`` with no holdout) and seconds spent: in all, on
    sentence embeddings (0 for ``fast``) and fitting the linear model."""

    model: ReasonClassifier
    holdout: Metrics | None
    holdout_unknown_share: float | None
    fit_rows: int
    seconds: float
    encode_seconds: float = 0.0
    fit_seconds: float = 0.0


def _vectorizer(kind: str, vocabulary: dict[str, int] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped, unused-ignore]

    if kind == "word":
        return TfidfVectorizer(ngram_range=WORD_NGRAMS, sublinear_tf=True, dtype=np.float32, vocabulary=vocabulary)
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS,
        sublinear_tf=True,
        min_df=1 if vocabulary is not None else CHAR_MIN_DF,
        dtype=np.float32,
        vocabulary=vocabulary,
    )


def _join(word: Any, char: Any, emb: npt.NDArray[np.float32] | None, weight: float) -> csr_matrix:
    from scipy.sparse import csr_matrix, hstack

    blocks = [word, char]
    if emb is not None:
        blocks.append(csr_matrix(emb.astype(np.float32) * np.float32(weight)))
    return hstack(blocks, format="csr", dtype=np.float32)


def _clean(texts: Sequence[str]) -> list[str]:
    return ["" if t is None else str(t) for t in texts]


def _softmax(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def _fit_temperature(scores: npt.NDArray[np.float64], truth: npt.NDArray[np.int64]) -> float:
    """The temperature minimising the log loss of softmax(scores / T) on held-out rows."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        z = scores / math.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(truth)), truth].mean())

    res = minimize_scalar(nll, bounds=(math.log(1e-3), math.log(1e2)), method="bounded")
    return float(math.exp(res.x))


def _split(labels: npt.NDArray[np.str_], holdout: float, rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    """A stratified held-out mask: ``holdout`` of each reason's rows (rounded), never a reason's only row."""
    mask = np.zeros(len(labels), dtype=bool)
    if holdout <= 0:
        return mask
    for lab in np.unique(labels):
        idx = np.flatnonzero(labels == lab)
        k = min(len(idx) - 1, round(holdout * len(idx)))
        if k > 0:
            mask[rng.choice(idx, size=k, replace=False)] = True
    return mask


def train_classifier(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    kind: ModelKind = "fast",
    rng: np.random.Generator,
    holdout: float = 0.05,
    threshold: float = 0.5,
    c: float = 0.5,
    embedding_weight: float = 2.0,
    encoder: Encoder | None = None,
) -> TrainingReport:
    """Fit a reason model on labelled texts (see the module docstring for the design and the confidence).

    ``rng`` draws the held-out rows; ``c`` is the SVM's regularisation (smaller: smoother); a ``best``
    model needs ``encoder`` (:func:`supportops.reasons.embeddings.minilm_encoder`)."""
    import time

    from sklearn.svm import LinearSVC  # type: ignore[import-untyped, unused-ignore]

    t0 = time.perf_counter()
    texts = _clean(texts)
    if len(texts) != len(labels):
        raise InputError(f"training: {len(texts)} texts but {len(labels)} labels")
    y = np.array([str(v).strip() for v in labels])
    if (y == "").any():
        raise InputError(f"training: {int((y == '').sum())} row(s) have no label; drop them or label them")
    classes = np.unique(y)
    if len(classes) < 2:
        raise InputError(f"training: needs at least two reasons, found {len(classes)}")
    if not 0.0 <= holdout < 0.5:
        raise InputError(f"training: holdout must be a fraction in [0, 0.5), got {holdout}")
    if kind == "best" and encoder is None:
        raise InputError("training: a best model needs a sentence encoder")
    if kind not in ("fast", "best"):
        raise InputError(f"training: model must be fast or best, got {kind!r}")

    test_mask = _split(y, holdout, rng)
    fit_idx = np.flatnonzero(~test_mask)
    fit_texts = [texts[i] for i in fit_idx]
    word, char = _vectorizer("word"), _vectorizer("char")
    xw, xc = word.fit_transform(fit_texts), char.fit_transform(fit_texts)
    t_enc = time.perf_counter()
    emb = encoder.encode(texts) if kind == "best" and encoder is not None else None
    t_fit = time.perf_counter()
    x = _join(xw, xc, emb[fit_idx] if emb is not None else None, embedding_weight)
    svm = LinearSVC(C=c).fit(x, y[fit_idx])
    t_done = time.perf_counter()
    coef = np.asarray(svm.coef_, dtype=np.float32)
    intercept = np.asarray(svm.intercept_, dtype=np.float32)
    fitted = np.asarray(svm.classes_).astype(str)
    if coef.shape[0] == 1:  # two reasons: one hyperplane; as two rows the larger score still wins
        coef = (np.vstack([-coef[0], coef[0]]) / 2).astype(np.float32)
        intercept = (np.array([-intercept[0], intercept[0]]) / 2).astype(np.float32)
    if not np.isfinite(coef).all():
        raise ComputationError("training: the linear model did not converge to finite weights")
    model = ReasonClassifier(
        kind=kind,
        labels=fitted,
        coef=coef,
        intercept=intercept,
        word_terms=np.asarray(word.get_feature_names_out()).astype(str),
        word_idf=np.asarray(word.idf_, dtype=np.float64),
        char_terms=np.asarray(char.get_feature_names_out()).astype(str),
        char_idf=np.asarray(char.idf_, dtype=np.float64),
        embedding_dim=0 if emb is None else int(emb.shape[1]),
        embedding_weight=embedding_weight if emb is not None else 0.0,
        temperature=1.0,
        threshold=threshold,
    )
    holdout_metrics: Metrics | None = None
    unknown_share: float | None = None
    temperature = 1.0
    held = np.flatnonzero(test_mask)
    if len(held):
        held_texts = [texts[i] for i in held]
        scores = np.asarray(
            model.features(held_texts, emb[held] if emb is not None else None) @ coef.T.astype(np.float64) + intercept
        )
        pos = {lab: i for i, lab in enumerate(fitted)}
        known = np.array([y[i] in pos for i in held])
        truth = np.array([pos.get(y[i], -1) for i in held], dtype=np.int64)
        if known.any():
            temperature = _fit_temperature(scores[known], truth[known])
        guess = [str(fitted[i]) for i in scores.argmax(axis=1)]
        holdout_metrics = score([str(y[i]) for i in held], guess)
        probs = _softmax(scores / temperature)
        unknown_share = float((probs.max(axis=1) < threshold).mean())
    final = ReasonClassifier(
        kind=kind,
        labels=fitted,
        coef=coef,
        intercept=intercept,
        word_terms=model.word_terms,
        word_idf=model.word_idf,
        char_terms=model.char_terms,
        char_idf=model.char_idf,
        embedding_dim=model.embedding_dim,
        embedding_weight=model.embedding_weight,
        temperature=temperature,
        threshold=threshold,
        info={
            "calibrated": holdout_metrics is not None,
            "fit_rows": len(fit_idx),
            "holdout_rows": len(held),
            "c": c,
            "embedding": None
            if encoder is None or kind == "fast"
            else {"name": encoder.name, "version": encoder.version},
        },
    )
    return TrainingReport(
        model=final,
        holdout=holdout_metrics,
        holdout_unknown_share=unknown_share,
        fit_rows=len(fit_idx),
        seconds=time.perf_counter() - t0,
        encode_seconds=t_fit - t_enc,
        fit_seconds=t_done - t_fit,
    )
