"""Automated QA: check rules on transcripts, evidence, agreement with humans; the ABCD dialogues."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import polars as pl
import pytest

from realdata import real_file
from supportops.errors import InputError
from supportops.quality import (
    DEFAULT_SCORECARD,
    Check,
    Transcript,
    Turn,
    auto_answers,
    auto_vs_human,
    run_checks,
    scorecard_from_mapping,
    transcript_from_mapping,
)

HERE = Path(__file__).resolve().parent


def chat(*turns: tuple[str, str]) -> Transcript:
    return Transcript(contact_id="c1", turns=tuple(Turn(speaker=s, text=t) for s, t in turns))


def test_a_phrase_answers_yes_with_the_sentence_as_evidence() -> None:
    t = chat(("agent", "Hello! Could I have your full name? Thanks."), ("customer", "Jo Bloggs"))
    [a] = run_checks(t, [Check(item="verification", phrases=("full name",))])
    assert (a.answer, a.evidence, a.turn) == ("yes", "Could I have your full name?", 1)


def test_speaker_applies_when_window_and_forbidden() -> None:
    t = chat(
        ("customer", "I want my money back, this is rubbish"),
        ("agent", "Whatever."),
        ("action", "Searching the FAQ pages ..."),
        ("agent", "One moment please."),
    )
    hold = Check(item="hold", phrases=("one moment",), applies_when=("searching",), window="before")
    assert run_checks(t, [hold])[0].answer == "no"  # announced only after the search started
    late = Check(item="hold", phrases=("one moment",), applies_when=("searching",), window="after")
    assert run_checks(t, [late])[0].answer == "yes"
    only_customer = Check(item="empathy", speaker="customer", phrases=("money back",))
    assert run_checks(t, [only_customer])[0].answer == "yes"
    esc = Check(item="escalation", phrases=("manager",), applies_when=("supervisor",))
    assert run_checks(t, [esc])[0].answer == "na"
    rude = Check(item="tone", phrases=("whatever",), forbidden=True)
    a = run_checks(t, [rude])[0]
    assert (a.answer, a.evidence) == ("no", "Whatever.")


def test_checks_on_one_item_combine_a_miss_wins() -> None:
    t = chat(("agent", "May I have your name?"))
    checks = [Check(item="verification", phrases=("your name",)), Check(item="verification", phrases=("order id",))]
    [a] = run_checks(t, checks)
    assert a.answer == "no"


def test_transcripts_from_json_shapes() -> None:
    t = transcript_from_mapping({"contact_id": 7, "agent_id": "a1", "turns": [{"speaker": "Agent", "text": "Hi"}]})
    assert (t.contact_id, t.agent_id, t.turns[0].speaker) == ("7", "a1", "agent")
    t = transcript_from_mapping({"convo_id": 3, "original": [["customer", "hi"], ["action", "done"]]})
    assert [x.speaker for x in t.turns] == ["customer", "action"]
    with pytest.raises(InputError, match="turn 1"):
        transcript_from_mapping({"contact_id": "x", "turns": [["robot", "hi"]]})
    with pytest.raises(InputError, match="contact_id"):
        transcript_from_mapping({"turns": []})


def test_agreement_per_item_with_kappa() -> None:
    auto = pl.DataFrame(
        {"contact_id": list("abcd") * 2, "item": ["x"] * 4 + ["y"] * 4, "answer": list("yynn") + ["yes"] * 4}
    ).with_columns(pl.col("answer").replace({"y": "yes", "n": "no"}))
    human = pl.DataFrame(
        {
            "contact_id": list("abcd") * 2,
            "item": ["x"] * 4 + ["y"] * 4,
            "answer": ["yes", "no", "no", "no"] + ["YES"] * 4,
        }
    )
    r = {row["item"]: row for row in auto_vs_human(auto, human).iter_rows(named=True)}
    # x: agreement 3/4; p_e = 0.5 × 0.25 + 0.5 × 0.75 = 0.5 -> kappa = (0.75 - 0.5) / 0.5 = 0.5
    assert r["x"]["agreement"] == 0.75 and r["x"]["kappa"] == pytest.approx(0.5)
    assert r["x"]["missed_by_auto"] == 1 and r["x"]["false_alarms"] == 0
    assert r["y"]["agreement"] == 1.0 and r["y"]["kappa"] is None  # everyone always said yes: undefined


# ---- the ABCD dialogues (Chen et al. 2021, NAACL, "Action-Based Conversations Dataset"; MIT) ----
# A human evaluation of the three sample dialogues against the same scorecard, done by reading each transcript
# and the guideline of its subflow (guidelines.json):
# 3592 (return_size, bronze member, bought 2019-11-06, scenario: original packaging = yes): account pulled up and
#   purchase validated; the refusal is explained ("more than 90 days"); but the guideline lets a bronze member
#   return with a receipt or in original packaging and the agent never asked -> correct_information NO
#   (a critical error; the customer could have returned the item). No hold was needed (chat, the validation
#   ran while the agent typed). Pushed back, offered and notified the manager; asked "anything else".
# 9489 (refund_status): verified (name or account id, order id, e-mail); status "in progress" and method "online"
#   told; nothing to escalate; ended without asking whether anything else was needed.
# 3695 (timing FAQ): no account involved (verification, disclosure n/a); "one moment please" before searching
#   the FAQ; the customer closed the chat and the agent did not ask "anything else".
HUMAN = {
    "3592": {"verification": "yes", "disclosure": "yes", "correct_information": "no", "empathy": "yes",
             "hold": "na", "escalation": "yes", "wrap_up": "yes"},
    "9489": {"verification": "yes", "disclosure": "yes", "correct_information": "na", "empathy": "yes",
             "hold": "na", "escalation": "na", "wrap_up": "no"},
    "3695": {"verification": "na", "disclosure": "na", "correct_information": "na", "empathy": "yes",
             "hold": "yes", "escalation": "na", "wrap_up": "no"},
}  # fmt: skip


@pytest.fixture(scope="module")
def abcd() -> pl.DataFrame:
    dialogues = json.loads(real_file("abcd-sample-and-ontology", "abcd_sample.json").read_text(encoding="utf-8"))
    card = scorecard_from_mapping(tomllib.loads((HERE / "abcd_scorecard.toml").read_text(encoding="utf-8")))
    return auto_answers([transcript_from_mapping(d) for d in dialogues], card)


@pytest.mark.real_data
def test_abcd_guidelines_scorecard_is_consistent_with_the_guidelines_file() -> None:
    guidelines = json.loads(real_file("abcd-sample-and-ontology", "guidelines.json").read_text(encoding="utf-8"))
    size = guidelines["Product Defect"]["subflows"]["Return Due to Size"]
    membership = next(a for a in size["actions"] if a["button"] == "Membership Privileges")
    bronze = next(s for s in membership["subtext"] if s.startswith("Bronze"))
    assert "90 days" in bronze and "receipt" in bronze and "original packaging" in bronze
    status = guidelines["Product Defect"]["subflows"]["Refund Status"]
    assert any("escalated the issue to the manager" in s for a in status["actions"] for s in a["subtext"])
    assert any("anything else" in line for line in status["instructions"])


@pytest.mark.real_data
def test_abcd_checks_find_the_policy_error_and_give_evidence(abcd: pl.DataFrame) -> None:
    got = {(r["contact_id"], r["item"]): r for r in abcd.iter_rows(named=True)}
    assert abcd.height == 3 * 7
    policy = got[("3592", "correct_information")]
    assert policy["answer"] == "no"  # the wrongful refusal: no receipt / packaging question before it
    assert "90 days we cannot accept the return" in got[("3592", "disclosure")]["evidence"]
    assert got[("3592", "escalation")]["evidence"] == "I can escalate to my manager if you'd like"
    assert "in progress" in got[("9489", "disclosure")]["evidence"]
    assert got[("3695", "verification")]["answer"] == "na"
    assert got[("3695", "hold")]["evidence"] == "let me check that."
    for r in abcd.iter_rows(named=True):  # every yes carries the sentence that matched
        assert (r["evidence"] is not None) == (r["answer"] == "yes")


@pytest.mark.real_data
def test_abcd_agreement_with_the_human_evaluation(abcd: pl.DataFrame) -> None:
    human = pl.DataFrame(
        [(c, i, a) for c, by in HUMAN.items() for i, a in by.items()],
        schema=["contact_id", "item", "answer"],
        orient="row",
    )
    rows = {r["item"]: r for r in auto_vs_human(abcd, human).iter_rows(named=True)}
    agree = sum(r["agreement"] * r["contacts"] for r in rows.values())
    assert (round(agree), sum(r["contacts"] for r in rows.values())) == (19, 21)
    # the two disagreements: hold etiquette flagged on chats where no hold was needed (false alarms)
    assert rows["hold"]["agreement"] == pytest.approx(1 / 3)
    assert (rows["hold"]["false_alarms"], sum(r["missed_by_auto"] for r in rows.values())) == (2, 0)
    assert rows["correct_information"]["human_yes"] == 0  # the one critical error: found by the check
    # auto no, no, yes against human na, na, yes: p_o = 1/3, p_e = 1/3 × 1/3 = 1/9, kappa = (2/9) / (8/9)
    assert rows["hold"]["kappa"] == pytest.approx(0.25)
    for item in ("verification", "disclosure", "correct_information", "escalation", "wrap_up"):
        assert rows[item]["agreement"] == 1.0 and rows[item]["kappa"] == pytest.approx(1.0)
    assert rows["empathy"]["kappa"] is None  # yes on all three for both: kappa undefined


def test_default_scorecard_checks_answer_only_yes_no_items() -> None:
    items = {c.item for c in DEFAULT_SCORECARD.checks}
    assert items <= {i.id for i in DEFAULT_SCORECARD.items if i.kind == "binary"}
    with pytest.raises(InputError, match="no automated checks"):
        auto_answers([], scorecard_from_mapping(CARD_WITHOUT_CHECKS))


CARD_WITHOUT_CHECKS = {"id": "x", "version": 1, "sections": [{"id": "s", "weight": 1.0, "items": [{"id": "i"}]}]}


@pytest.mark.real_data
def test_abcd_with_the_generic_default_checks() -> None:
    dialogues = json.loads(real_file("abcd-sample-and-ontology", "abcd_sample.json").read_text(encoding="utf-8"))
    answers = auto_answers([transcript_from_mapping(d) for d in dialogues], DEFAULT_SCORECARD)
    human = pl.DataFrame(
        [(c, i, a) for c, by in HUMAN.items() for i, a in by.items()],
        schema=["contact_id", "item", "answer"],
        orient="row",
    )
    rows = {r["item"]: r for r in auto_vs_human(answers, human).iter_rows(named=True)}
    agree = sum(r["agreement"] * r["contacts"] for r in rows.values())
    assert (round(agree), sum(r["contacts"] for r in rows.values())) == (12, 15)
    assert rows["verification"]["false_alarms"] == 1  # the FAQ dialogue needs no verification
    assert "correct_information" not in rows  # the generic card has no check for the program's return rules
