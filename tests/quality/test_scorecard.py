"""Scorecard files: parsing, validation messages, versions per program and channel; the [quality] settings."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from supportops.config import TEMPLATE, Settings, parse_settings
from supportops.errors import ConfigError
from supportops.quality import DEFAULT_SCORECARD, scorecard_from_mapping, select_scorecard

FILE = """
id = "acme-voice"
version = 2
effective_from = 2026-03-01
program = "acme"
channels = ["voice"]

[[sections]]
id = "compliance"
label = "Process compliance"
weight = 0.4

[[sections.items]]
id = "verification"
fatal = true

[[sections.items]]
id = "disclosure"
critical = true

[[sections]]
id = "experience"
weight = 0.6

[[sections.items]]
id = "empathy"
kind = "scale"
scale = [1, 5]

[[checks]]
item = "verification"
phrases = ["your name"]
patterns = ['account\\s+id']
"""


def test_a_scorecard_file_parses() -> None:
    card = scorecard_from_mapping(tomllib.loads(FILE), source="acme.toml")
    assert (card.id, card.version, card.program, card.channels) == ("acme-voice", 2, "acme", ("voice",))
    assert card.effective_from == date(2026, 3, 1)
    assert card.item("verification").fatal and card.item("disclosure").critical
    assert card.item("empathy").scale == (1, 5)
    assert card.category_of("empathy") == "experience"  # label defaults to the id
    assert card.checks[0].patterns == (r"account\s+id",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("weight = 0.4", "weight = 0.3"), "weights sum to 0.9, not 1"),
        (('id = "disclosure"', 'id = "verification"'), "item ids repeat: verification"),
        (('item = "verification"', 'item = "nope"'), r"checks\[0\].item: 'nope' is not an item"),
        (("patterns = [", "patterns = ['(', "), "not a regular expression"),
        (("fatal = true", "fatal = true\ncolour = 1"), r"sections\[0\].items\[0\]: unknown key"),
        (('kind = "scale"', 'kind = "scale"\ncritical = true'), "only yes/no items can be critical"),
        (("version = 2", "version = 0"), "version: 0 must be 1 or more"),
    ],
)
def test_errors_name_the_file_and_key(change: tuple[str, str], message: str) -> None:
    text = FILE.replace(*change)
    assert text != FILE
    with pytest.raises(ConfigError, match=message) as exc:
        scorecard_from_mapping(tomllib.loads(text), source="acme.toml")
    assert "acme.toml" in str(exc.value)


def test_selection_prefers_program_channel_and_version() -> None:
    v2 = scorecard_from_mapping(tomllib.loads(FILE))
    v1 = scorecard_from_mapping(
        tomllib.loads(FILE.replace("version = 2", "version = 1").replace("effective_from = 2026-03-01\n", ""))
    )
    generic = scorecard_from_mapping(
        tomllib.loads(
            FILE.replace('program = "acme"', 'program = "*"').replace('channels = ["voice"]', "channels = []")
        )
    )
    cards = [v1, v2, generic]
    assert select_scorecard(cards, program="acme", channel="voice", on=date(2026, 3, 2)) is v2
    assert select_scorecard(cards, program="acme", channel="voice", on=date(2026, 2, 1)) is v1  # v2 not yet in force
    assert select_scorecard(cards, program="acme", channel="chat") is generic
    assert select_scorecard([v1], program="other", channel="chat") is DEFAULT_SCORECARD


def test_quality_settings_template_equals_the_defaults() -> None:
    values = {"name": "x", "time_zone": "UTC", "program": "a", "program_name": "A", "queue": "q"}
    s = parse_settings(TEMPLATE.format(**values))
    assert s.quality == Settings().quality
    assert s.quality.random_per_agent_month == (4, 8) and s.quality.new_agent_days == 30
    assert s.quality.calibration_tolerance == 0.05
    with pytest.raises(ConfigError, match="quality"):
        parse_settings(
            TEMPLATE.format(**values).replace("random_per_agent_month = [4, 8]", "random_per_agent_month = [9, 8]")
        )
