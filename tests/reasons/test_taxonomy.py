"""The three-level taxonomy learnt from labels, and its default tags."""

from __future__ import annotations

import pytest

from supportops.errors import InputError
from supportops.reasons import LEVERS, learn_taxonomy, reason_key, tag_reason


def test_learns_three_levels_with_counts() -> None:
    rows = [
        ("Cards", "Delivery", "Card not received"),
        ("Cards", "Delivery", "Card not received"),
        ("Cards", "PIN", "Reset PIN"),
        ("Transfers", None, None),
        (None, "x", "y"),  # unlabelled: skipped
        ("  ", None, None),
    ]
    tax = learn_taxonomy(rows, program="bank")
    assert tax.depth == 3
    assert [r.key for r in tax.reasons] == [
        "Cards › Delivery › Card not received",
        "Cards › PIN › Reset PIN",
        "Transfers",
    ]
    assert [r.count for r in tax.reasons] == [2, 1, 1]
    assert tax.levels(1) == {"Cards": 3, "Transfers": 1}
    assert tax.levels(2) == {"Cards › Delivery": 2, "Cards › PIN": 1, "Transfers": 1}
    assert tax.reason("Cards › Delivery › Card not received").lever == "proactive_notice"
    assert tax.reason("Cards › PIN › Reset PIN").action == "automatable"
    with pytest.raises(InputError, match="no reason"):
        tax.reason("nope")


def test_override_a_tag() -> None:
    tax = learn_taxonomy([("A", "b", None)], program="p")
    changed = tax.with_lever("A › b", "training")
    assert changed.reason("A › b").action == "optimizable"
    assert tax.reason("A › b").lever == "knowledge"  # the original is unchanged
    with pytest.raises(InputError, match="unknown lever"):
        tax.with_lever("A › b", "magic")  # type: ignore[arg-type]


def test_no_labels_is_an_error() -> None:
    with pytest.raises(InputError, match="no labelled contact"):
        learn_taxonomy([(None, None, None)], program="p")


def test_tags_read_the_deepest_level_first() -> None:
    # "services" in the product name must not decide the tag of a specific issue below it
    path = reason_key("Credit reporting, credit repair services", "Credit reporting", "Incorrect information")
    assert tag_reason(path) == "process_fix"
    assert tag_reason("billing › refund status") == "proactive_notice"
    assert tag_reason("account › password reset") == "self_service"
    assert tag_reason("something › entirely new") == "knowledge"
    assert set(LEVERS.values()) == {"avoidable", "automatable", "optimizable"}
    assert reason_key("a", "", None) == "a" and reason_key(None) == "unknown"
