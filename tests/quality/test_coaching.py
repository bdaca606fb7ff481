"""Coaching: most frequent error categories per agent and the team leads' list, by hand."""

from __future__ import annotations

import polars as pl
import pytest

from supportops.quality import coaching_list, error_categories

EVALUATIONS = pl.DataFrame(
    {
        "evaluation_id": ["e1", "e2", "e3", "e4", "e5", "e6"],
        "agent_id": ["ann", "ann", "ann", "bo", "bo", "cy"],
        "team_id": ["t1", "t1", "t1", "t2", "t2", "t1"],
        "score": [0.95, 0.90, 0.92, 0.80, 0.70, 0.97],
        "critical_error": [False, False, False, False, True, False],
    }
)
ITEMS = pl.DataFrame(
    {
        "evaluation_id": ["e1", "e1", "e2", "e3", "e4", "e4", "e5", "e5", "e6"],
        "category": ["Empathy", "Hold", "Empathy", "Wrap-up", "Hold", "Empathy", "Hold", "Compliance", "Empathy"],
        "missed": [True, True, True, False, True, True, True, True, False],
    }
)


def test_error_categories_ranked_per_agent() -> None:
    cats = error_categories(EVALUATIONS, ITEMS)
    ann = cats.filter(pl.col("agent_id") == "ann").rows(named=True)
    # ann: Empathy missed in e1 and e2 (2 of 3 evaluations), Hold in e1 (1 of 3); Wrap-up answered yes
    assert [(r["category"], r["misses"], r["rank"]) for r in ann] == [("Empathy", 2, 1), ("Hold", 1, 2)]
    assert ann[0]["share"] == pytest.approx(2 / 3)
    bo = cats.filter(pl.col("agent_id") == "bo").rows(named=True)
    assert [(r["category"], r["misses"]) for r in bo] == [("Hold", 2), ("Compliance", 1), ("Empathy", 1)]
    assert "cy" not in cats["agent_id"].to_list()  # no misses


def test_coaching_list_puts_critical_errors_first() -> None:
    lst = coaching_list(EVALUATIONS, ITEMS, quality_min=0.85, top=2).rows(named=True)
    assert [(r["agent_id"], r["priority"]) for r in lst] == [("bo", "critical errors"), ("ann", "development")]
    assert lst[0]["focus"] == "Hold (2), Compliance (1)"
    assert lst[0]["score"] == pytest.approx(0.75) and lst[0]["critical_errors"] == 1
    assert lst[1]["focus"] == "Empathy (2), Hold (1)" and lst[1]["team_id"] == "t1"
