"""The demo generator: seeded, realistic in shape, and the demo command runs every stage."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from supportops.cli.main import app
from supportops.demo import generate
from supportops.demo.generator import QUEUES
from supportops.demo.runner import STAGE_NAMES

START = date(2026, 1, 5)  # a Monday


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return generate(np.random.default_rng(3), start=START, weeks=1, bad_rows=False)


def test_same_seed_same_tables() -> None:
    a = generate(np.random.default_rng(11), start=START, weeks=1)
    b = generate(np.random.default_rng(11), start=START, weeks=1)
    c = generate(np.random.default_rng(12), start=START, weeks=1)
    assert a.contacts == b.contacts and a.surveys == b.surveys and a.agent_states == b.agent_states
    assert a.contacts["arrived_at"] != c.contacts["arrived_at"]


def test_every_queue_and_channel_is_present(data) -> None:  # type: ignore[no-untyped-def]
    assert set(data.contacts["queue_id"]) == {q.id for q in QUEUES}
    assert set(data.contacts["channel"]) == {"voice", "chat", "email", "bot"}


def test_weekday_and_intraday_shape(data) -> None:  # type: ignore[no-untyped-def]
    voice = [
        datetime.fromisoformat(str(t))
        for t, ch in zip(data.contacts["arrived_at"], data.contacts["channel"], strict=True)
        if ch == "voice"
    ]
    by_day = np.bincount([t.weekday() for t in voice], minlength=7)
    assert by_day[0] > by_day[4] > by_day[5] > by_day[6]  # Monday busiest, Sunday quietest
    hours = np.bincount([t.hour for t in voice], minlength=24)
    assert hours[9:11].sum() > hours[18:20].sum()  # morning peak (UTC = London in January)


def test_voice_service_is_near_80_20_and_handle_times_are_skewed(data) -> None:  # type: ignore[no-untyped-def]
    c = data.contacts
    voice = [i for i, ch in enumerate(c["channel"]) if ch == "voice"]
    answered = [i for i in voice if c["outcome"][i] == "handled"]
    within = sum(1 for i in answered if (c["queue_ms"][i] or 0) <= 20_000)
    sl = within / len(voice)
    abandon = sum(1 for i in voice if c["outcome"][i] == "abandoned") / len(voice)
    assert 0.65 < sl < 0.95
    assert 0.005 < abandon < 0.12
    talk = np.array([c["talk_ms"][i] for i in answered], dtype=float)
    assert np.mean(talk) > np.median(talk)  # right-skewed


def test_unresolved_contacts_repeat_more_often(data) -> None:  # type: ignore[no-untyped-def]
    repeats = [r for r in data.contacts["source_record_id"] if str(r).startswith("R")]
    assert len(repeats) > 100


def test_surveys_fall_with_unresolved_issues(data) -> None:  # type: ignore[no-untyped-def]
    s = data.surveys
    good = [c for c, f in zip(s["csat"], s["fcr"], strict=True) if f]
    bad = [c for c, f in zip(s["csat"], s["fcr"], strict=True) if not f]
    assert np.mean(good) > np.mean(bad) + 0.5
    assert all(1 <= v <= 5 for v in s["csat"]) and all(0 <= v <= 10 for v in s["nps"])


@pytest.mark.slow
def test_demo_command_runs_every_stage(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", str(folder), "--weeks", "2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc["stage_seconds"]) == list(STAGE_NAMES)  # every stage ran, in order
    ingest = doc["ingest"]
    for name, counts in ingest.items():
        assert (
            counts["read"] == counts["accepted"] + counts["replaced"] + counts["duplicates"] + counts["quarantined"]
        ), name
    assert ingest["contacts.csv"]["quarantined"] > 0  # the broken rows of the export are caught
    assert ingest["contacts.csv (imported again)"]["accepted"] == 0
    assert doc["staffing"] and all(r["rostered"] >= r["scheduled"] >= r["agents"] > 0 for r in doc["staffing"])
    assert all(r["service_level"] >= 0.8 for r in doc["staffing"])
    assert {r["queue"] for r in doc["forecast"]} == {"billing-voice", "tech-voice", "support-chat", "support-email"}
    assert all(r["next_7_days"] > 0 and r["snapshot_id"] for r in doc["forecast"])
    assert doc["scheduling"]["agents_scheduled"] > 0 and doc["scheduling"]["status"] in ("optimal", "feasible")
    assert doc["scheduling"]["adherence"] is not None
    assert doc["capacity"]["weeks"] == 26 and doc["capacity"]["optimised"]["total_cost"] > 0
    assert doc["quality"]["evaluations"] > 0 and 0 < doc["quality"]["quality"] <= 1
    assert doc["quality"]["calibration"]["flagged"]  # the demo's lenient evaluator is caught
    assert doc["reasons"]["reasons"] > 0 and len(doc["reasons"]["cases"]) > 0
    queues = {r["queue"] for r in doc["metrics"]["by_queue"]}
    assert {"billing-voice", "support-chat"} <= queues
    # running the demo again replaces its own folder
    again = CliRunner().invoke(app, ["demo", str(folder), "--weeks", "1", "--json"])
    assert again.exit_code == 0, again.output
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    refused = CliRunner().invoke(app, ["demo", str(tmp_path / "other")])
    assert refused.exit_code == 1 and "not a demo workspace" in refused.stderr


def test_agent_states_agree_with_the_contacts_they_handled(data) -> None:  # type: ignore[no-untyped-def]
    # the simulator produces both tables: a handled call's agent is on that call in agent_states
    st = data.agent_states
    spans: dict[object, list[tuple[datetime, datetime]]] = {}
    for a, state, s, e in zip(st["agent_id"], st["state"], st["start_at"], st["end_at"], strict=True):
        if state == "on_contact":
            spans.setdefault(a, []).append((datetime.fromisoformat(str(s)), datetime.fromisoformat(str(e))))
    c = data.contacts
    handled = [i for i, (o, ch) in enumerate(zip(c["outcome"], c["channel"], strict=True)) if o == "handled"]
    assert len(handled) > 1000
    for i in handled[::50]:
        t = datetime.fromisoformat(str(c["answered_at"][i]))
        assert any(s <= t <= e for s, e in spans[c["agent_id"][i]]), i
    # tech support is closed at weekends: only repeats and transfers from billing arrive then
    tech = [
        datetime.fromisoformat(str(t)).weekday()
        for t, q, rid in zip(c["arrived_at"], c["queue_id"], c["source_record_id"], strict=True)
        if q == "tech-voice" and not str(rid).startswith("R")
    ]
    assert sum(d >= 5 for d in tech) < 0.05 * len(tech)
