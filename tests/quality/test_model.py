"""The trained sentence model of automated checks (multinomial naive Bayes), by hand and on held-out text."""

from __future__ import annotations

import math
import tomllib

import pytest

from supportops.errors import ConfigError, InputError
from supportops.quality import Transcript, Turn, run_checks, scorecard_from_mapping, train_sentence_model
from supportops.quality.model import tokens

EMPATHY = [
    "I am so sorry to hear that",
    "I understand how frustrating this must be",
    "I'm sorry about the trouble with your order",
    "that sounds really frustrating, I understand",
]
NOT_EMPATHY = [
    "what is your order number",
    "please hold while I check the order",
    "your refund has been processed",
    "the order ships tomorrow",
]


def test_probability_by_hand() -> None:
    m = train_sentence_model(["good day"], ["bad day"])
    # tokens: yes {good, day, "good day"}, no {bad, day, "bad day"}; vocabulary 5, 3 tokens per class
    # P(good | yes) = (1 + 1) / (3 + 5) = 1/4, P(good | no) = (0 + 1) / 8 = 1/8 -> log-odds ln 2
    assert m.probability("good") == pytest.approx(1 / (1 + math.exp(-math.log(2))))
    assert m.probability("day") == pytest.approx(0.5)  # in both classes equally: no evidence
    assert m.probability("unknown words only") == 0.5
    assert tokens("Good day, Sir") == ["good", "day", "sir", "good day", "day sir"]


def test_held_out_sentences() -> None:
    m = train_sentence_model(EMPATHY, NOT_EMPATHY)
    assert all(m.probability(s) > 0.5 for s in EMPATHY)
    assert all(m.probability(s) < 0.5 for s in NOT_EMPATHY)
    assert m.probability("so sorry, I understand this is frustrating") > 0.9
    assert m.probability("the order number is on the refund") < 0.1
    with pytest.raises(InputError, match="at least one of each"):
        train_sentence_model(EMPATHY, [])


CARD = """
id = "m"
version = 1
[[sections]]
id = "s"
weight = 1.0
items = [{ id = "empathy" }]
[[checks]]
item = "empathy"
examples = EXAMPLES
counter_examples = COUNTER
threshold = 0.8
"""


def card(text: str = CARD):  # type: ignore[no-untyped-def]
    filled = text.replace("EXAMPLES", repr(EMPATHY)).replace("COUNTER", repr(NOT_EMPATHY))
    return scorecard_from_mapping(tomllib.loads(filled))


def test_a_trained_check_answers_with_evidence() -> None:
    t = Transcript(
        contact_id="c",
        turns=(
            Turn(speaker="customer", text="My parcel never came."),
            Turn(speaker="agent", text="What is the order number? Oh no, I am sorry, that is frustrating."),
        ),
    )
    [a] = run_checks(t, card().checks)
    assert (a.answer, a.evidence, a.turn) == ("yes", "Oh no, I am sorry, that is frustrating.", 2)
    cold = Transcript(contact_id="d", turns=(Turn(speaker="agent", text="The order ships tomorrow."),))
    assert run_checks(cold, card().checks)[0].answer == "no"


def test_trained_check_configuration_errors() -> None:
    with pytest.raises(ConfigError, match="both examples and counter_examples"):
        card(CARD.replace("counter_examples = COUNTER\n", ""))
    with pytest.raises(ConfigError, match="threshold"):
        card(CARD.replace("threshold = 0.8", "threshold = 1.5"))
