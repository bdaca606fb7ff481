"""The demo's scheduling stage: the demo agents get a week of shifts, stored, exported and measured."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from supportops.config import load_settings
from supportops.demo.scheduling_stage import scheduling_stage


@pytest.mark.slow
def test_scheduling_stage_on_the_demo_workspace(demo_workspace: Path, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    shutil.copytree(demo_workspace, folder)
    doc = scheduling_stage(folder, load_settings(folder), as_json=True, time_limit=10.0)
    assert doc["status"] in ("optimal", "feasible")
    assert doc["agents_scheduled"] >= 60 and doc["shifts"] >= 5 * 60
    assert set(doc["skills"]) == {"billing-voice", "tech-voice", "support-chat", "support-email"}
    assert 0 <= doc["lp_bound_hours"] <= doc["under_staffed_hours"] + doc["over_staffed_hours"] + 1e-6
    # the generated agents follow their own fixed pattern, not this schedule: partly adherent, fully at work
    assert 0.05 < doc["adherence"] < 0.9
    assert 0.5 < doc["conformance"] < 2.0
    exports = Path(doc["exports"])
    assert (exports / "shifts.xlsx").exists() and len(list((exports / "calendars").glob("*.ics"))) == doc[
        "agents_scheduled"
    ]
