"""Saving and loading reason models as one ``.npz`` file of plain arrays, never pickles.

A pickled scikit-learn model (joblib, pickle) runs code when it is loaded, so a model file passed around
between sites would be a way in. This format holds only numeric and text arrays (the vocabulary, IDF
weights, the linear model's weights, the reason names) and a JSON header; it is read with
``numpy.load(allow_pickle=False)``, its shapes are checked, and the model is rebuilt from them.

The header carries the file format, the model version (kind and training time), the supportops version,
the training size and the measured accuracy (held-out, and on a test file when one was given).
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from supportops.errors import InputError
from supportops.reasons.classifier import ReasonClassifier

__all__ = ["FORMAT", "FORMAT_VERSION", "MODELS_DIR", "load_model", "model_version", "save_model"]

FORMAT = "supportops-reasons-model"
FORMAT_VERSION = 1
MODELS_DIR = "models"
"""Folder of a workspace where reason models are kept by default."""

_ARRAYS = ("labels", "coef", "intercept", "word_terms", "word_idf", "char_terms", "char_idf")


def model_version(kind: str, when: datetime | None = None) -> str:
    """A model's version: its kind and training time, e.g. ``fast-20261204T225300Z``."""
    when = when or datetime.now(UTC)
    return f"{kind}-{when.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def save_model(model: ReasonClassifier, path: Path, *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write ``model`` to ``path`` (``.npz``); returns the header written (format, version, info, ``extra``)."""
    from supportops import __version__

    header: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "version": model.info.get("version") or model_version(model.kind),
        "supportops_version": __version__,
        "kind": model.kind,
        "embedding_dim": model.embedding_dim,
        "embedding_weight": model.embedding_weight,
        "temperature": model.temperature,
        "threshold": model.threshold,
        "info": model.info,
        **(extra or {}),
    }
    raw = json.dumps(header, ensure_ascii=False).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez_compressed(
            fh,
            header=np.frombuffer(raw, dtype=np.uint8),
            labels=model.labels.astype(str),
            coef=model.coef,
            intercept=model.intercept,
            word_terms=model.word_terms.astype(str),
            word_idf=model.word_idf,
            char_terms=model.char_terms.astype(str),
            char_idf=model.char_idf,
        )
    tmp.replace(path)
    return header


def load_model(path: Path) -> tuple[ReasonClassifier, dict[str, Any]]:
    """The model stored at ``path`` and its header; :class:`InputError` names what is wrong with a bad file."""
    if not path.is_file():
        raise InputError(f"{path}: no such reason model file")
    try:
        with path.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
            missing = [k for k in ("header", *_ARRAYS) if k not in npz.files]
            if missing:
                raise InputError(f"{path}: not a reason model (missing {', '.join(missing)})")
            arrays = {k: npz[k] for k in ("header", *_ARRAYS)}
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not a readable reason model ({exc})") from None
    try:
        header = json.loads(arrays["header"].astype(np.uint8).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: reason model header is not JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError(
            f"{path}: not a reason model (format {header.get('format') if isinstance(header, dict) else None!r})"
        )
    if header.get("format_version") != FORMAT_VERSION:
        raise InputError(f"{path}: reason model format {header.get('format_version')} is not {FORMAT_VERSION}")
    kind = header.get("kind")
    if kind not in ("fast", "best"):
        raise InputError(f"{path}: reason model kind {kind!r} is not fast or best")
    for key in ("labels", "word_terms", "char_terms"):
        if arrays[key].dtype.kind != "U" or arrays[key].ndim != 1:
            raise InputError(f"{path}: {key} must be a list of texts")
    for key in ("coef", "intercept", "word_idf", "char_idf"):
        if arrays[key].dtype.kind != "f" or not np.isfinite(arrays[key]).all():
            raise InputError(f"{path}: {key} must hold finite numbers")
    try:
        model = ReasonClassifier(
            kind=kind,
            labels=arrays["labels"],
            coef=arrays["coef"].astype(np.float32),
            intercept=arrays["intercept"].astype(np.float32),
            word_terms=arrays["word_terms"],
            word_idf=arrays["word_idf"].astype(np.float64),
            char_terms=arrays["char_terms"],
            char_idf=arrays["char_idf"].astype(np.float64),
            embedding_dim=int(header.get("embedding_dim", 0)),
            embedding_weight=float(header.get("embedding_weight", 0.0)),
            temperature=float(header.get("temperature", 1.0)),
            threshold=float(header.get("threshold", 0.5)),
            info={**dict(header.get("info") or {}), "version": header.get("version")},
        )
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path}: reason model header is malformed ({exc})") from None
    return model, header
