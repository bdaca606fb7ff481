"""Evaluation scores by hand: weights, not-applicable re-weighting, critical and fatal items, targets."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from supportops.errors import InputError
from supportops.quality import DEFAULT_SCORECARD, score_evaluation, scorecard_from_mapping, summarize_scores

ALL_YES = {i.id: "yes" for i in DEFAULT_SCORECARD.items}


def answers(**changes: object) -> dict[str, object]:
    out: dict[str, object] = dict(ALL_YES)
    out.update(changes)
    return out


def test_the_default_scorecard_is_the_briefs() -> None:
    weights = {s.label: s.weight for s in DEFAULT_SCORECARD.sections}
    assert weights == {
        "Resolution / accuracy": 0.35,
        "Customer experience": 0.30,
        "Process compliance": 0.20,
        "Efficiency": 0.15,
    }
    assert [i.id for i in DEFAULT_SCORECARD.items if i.fatal] == ["verification", "disclosure"]


def test_all_yes_scores_one() -> None:
    r = score_evaluation(DEFAULT_SCORECARD, ALL_YES)
    assert r.score == 1.0 and not r.critical_error and not r.fatal


def test_one_miss_in_a_section() -> None:
    # resolution: 2 of 3 items -> 2/3; score = 0.35 × 2/3 + 0.30 + 0.20 + 0.15 = 0.88333...
    r = score_evaluation(DEFAULT_SCORECARD, answers(issue_resolved="no"))
    assert r.score == pytest.approx(0.35 * 2 / 3 + 0.65)
    assert r.score == pytest.approx(0.883333333, abs=1e-9)
    assert not r.critical_error and r.missed == ("issue_resolved",)


def test_not_applicable_items_drop_out_of_their_section() -> None:
    # experience: personalization n/a, effort no -> 2 of 3 applicable = 2/3 (not 2/4)
    # score = 0.35 + 0.30 × 2/3 + 0.20 + 0.15 = 0.90
    r = score_evaluation(DEFAULT_SCORECARD, answers(personalization="n/a", effort_reduction="no"))
    assert r.score == pytest.approx(0.90)
    assert dict(r.sections)["experience"] == pytest.approx(2 / 3)


def test_a_section_with_nothing_applicable_is_reweighted_away() -> None:
    # compliance all n/a: weights 0.35, 0.30, 0.15 re-scaled by 1/0.80;
    # resolution 2/3 (documentation no): (0.35 × 2/3 + 0.30 + 0.15) / 0.80 = 0.6833.../0.8 = 0.854166...
    r = score_evaluation(
        DEFAULT_SCORECARD, answers(verification="na", disclosure="na", escalation="na", documentation="no")
    )
    assert r.score == pytest.approx((0.35 * 2 / 3 + 0.45) / 0.80)
    assert r.score == pytest.approx(0.8541666667, abs=1e-9)
    assert dict(r.sections)["compliance"] is None
    assert not r.fatal  # a not-applicable fatal item is not a miss


def test_a_fatal_miss_forces_zero_whatever_the_rest() -> None:
    r = score_evaluation(DEFAULT_SCORECARD, answers(disclosure="no"))
    # without the fatal rule it would score 0.35 + 0.30 + 0.20 × 2/3 + 0.15 = 0.9333
    assert r.score == 0.0 and r.fatal and r.critical_error


def test_a_critical_miss_keeps_the_score_but_counts() -> None:
    r = score_evaluation(DEFAULT_SCORECARD, answers(correct_information="no"))
    assert r.score == pytest.approx(0.35 * 2 / 3 + 0.65)
    assert r.critical_error and not r.fatal


CUSTOM = {
    "id": "acme-chat",
    "version": 2,
    "program": "acme",
    "channels": ["chat"],
    "sections": [
        {
            "id": "a",
            "weight": 0.6,
            "items": [
                {"id": "tone", "kind": "scale", "scale": [1, 5], "weight": 2},
                {"id": "facts", "critical": True},
            ],
        },
        {"id": "b", "weight": 0.4, "items": [{"id": "close"}]},
    ],
}


def test_scale_items_and_item_weights() -> None:
    card = scorecard_from_mapping(CUSTOM)
    # tone 4 of 1-5 -> 0.75 (weight 2); facts yes (weight 1): section a = (2 × 0.75 + 1) / 3 = 0.8333
    # close no: section b = 0; score = 0.6 × 0.8333 = 0.5
    r = score_evaluation(card, {"tone": 4, "facts": "yes", "close": "no"})
    assert r.score == pytest.approx(0.5)
    r = score_evaluation(card, {"tone": "5", "facts": "no", "close": "yes"})
    assert r.score == pytest.approx(0.6 * (2 / 3) + 0.4) and r.critical_error


@pytest.mark.parametrize(
    ("ans", "message"),
    [
        ({"tone": 6, "facts": "yes", "close": "yes"}, "outside the scale"),
        ({"tone": 3, "facts": "maybe", "close": "yes"}, "not yes, no or n/a"),
        ({"tone": 3, "facts": "yes"}, "no answer for close"),
        ({"tone": 3, "facts": "yes", "close": "yes", "extra": "yes"}, "no item"),
        ({"tone": "na", "facts": "na", "close": "na"}, "not applicable"),
    ],
)
def test_bad_answers_name_the_item(ans: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        score_evaluation(scorecard_from_mapping(CUSTOM), ans)  # type: ignore[arg-type]


def test_summary_per_agent_and_month_against_targets() -> None:
    ev = pl.DataFrame(
        {
            "agent_id": ["a", "a", "a", "b", "b"],
            "evaluated_at": [datetime(2026, 1, d) for d in (5, 6, 7, 5, 6)],
            "score": [0.95, 0.92, 0.90, 0.80, 0.0],
            "critical_error": [False, False, False, True, True],
            "fatal": [False, False, False, False, True],
        }
    )
    s = summarize_scores(ev, by=["agent_id", "month"])
    rows = {r["agent_id"]: r for r in s.iter_rows(named=True)}
    # a: mean (0.95 + 0.92 + 0.90) / 3 = 0.9233 > 0.90 excellent; b: 0.40, critical 2/2, fatal 1/2
    assert rows["a"]["score"] == pytest.approx(0.923333, abs=1e-6)
    assert rows["a"]["status"] == "excellent" and rows["a"]["critical_status"] == "met"
    assert rows["a"]["month"] == "2026-01"
    assert (rows["b"]["critical_error_rate"], rows["b"]["fatal_rate"]) == (1.0, 0.5)
    assert rows["b"]["status"] == "below target" and rows["b"]["critical_status"] == "missed"
    whole = summarize_scores(ev, by=[])
    assert whole["evaluations"][0] == 5 and whole["critical_error_rate"][0] == pytest.approx(0.4)
