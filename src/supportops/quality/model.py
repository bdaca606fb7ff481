"""A small trained sentence model for automated checks: multinomial naive Bayes on words and word pairs.

A check configured with ``examples`` (sentences that satisfy the item) and ``counter_examples`` (sentences
that do not) is answered by this model instead of fixed phrases: a sentence counts as a match when the
model's probability that it is an example is at least the check's ``threshold``. Training is Laplace-smoothed
(add one) with equal class priors, so the answer does not lean toward the class with more examples; words
never seen in training carry no evidence either way.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from supportops.errors import InputError

__all__ = ["SentenceModel", "tokens", "train_sentence_model"]

_WORD = re.compile(r"[a-z0-9']+")


def tokens(sentence: str) -> list[str]:
    """Lower-case words and adjacent word pairs of a sentence."""
    words = _WORD.findall(sentence.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceModel:
    """Log word probabilities per class (``yes`` = the item is satisfied) over a shared vocabulary."""

    log_yes: dict[str, float]
    log_no: dict[str, float]

    def probability(self, sentence: str) -> float:
        """P(the sentence satisfies the item), from 0 to 1, under equal priors."""
        score = 0.0
        for t in tokens(sentence):
            if t in self.log_yes:
                score += self.log_yes[t] - self.log_no[t]
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        e = math.exp(score)
        return e / (1.0 + e)


def train_sentence_model(examples: Sequence[str], counter_examples: Sequence[str]) -> SentenceModel:
    """Fit the model on sentences that satisfy the item and sentences that do not (at least one of each)."""
    if not examples or not counter_examples:
        raise InputError("a trained check needs examples and counter_examples (at least one of each)")
    yes = Counter(t for s in examples for t in tokens(s))
    no = Counter(t for s in counter_examples for t in tokens(s))
    vocab = set(yes) | set(no)
    n_yes, n_no, v = sum(yes.values()), sum(no.values()), len(vocab)
    return SentenceModel(
        log_yes={t: math.log((yes[t] + 1) / (n_yes + v)) for t in vocab},
        log_no={t: math.log((no[t] + 1) / (n_no + v)) for t in vocab},
    )
