"""The demo's capacity stage: a 26-week plan from the demo warehouse, optimised against hiring to the peak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportops.config import load_settings
from supportops.demo.capacity_stage import capacity_stage


@pytest.mark.slow
def test_capacity_stage_plans_26_weeks(demo_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = load_settings(demo_workspace)
    doc = capacity_stage(demo_workspace, settings, as_json=False)
    printed = capsys.readouterr().out
    assert "26-week plan" in printed and "billing-voice" in printed
    json.dumps(doc)  # JSON-able
    assert doc["weeks"] == 26
    assert {s["skill"] for s in doc["skills"]} == {"billing-voice", "tech-voice", "support-chat", "support-email"}
    assert all(s["demand_fte_peak"] >= s["demand_fte_mean"] > 0 for s in doc["skills"])
    opt, peak = doc["optimised"], doc["peak"]
    assert opt["status"] in ("OPTIMAL", "FEASIBLE")
    lead = {
        "london": settings.capacity.hiring_lead_weeks_onshore[1],
        "manila": settings.capacity.hiring_lead_weeks_offshore[1],
    }
    for c in opt["classes"]:
        assert 5 <= c["size"] <= 30 and c["start_week"] >= lead[c["site"]]
    assert opt["gap_fte_weeks"] <= peak["gap_fte_weeks"] + 1e-6
    if doc["same_gap_closed"]:
        assert opt["total_cost"] <= peak["total_cost"] + 1e-6
    assert sum(s["hires"] for s in doc["skills"]) == sum(c["size"] for c in opt["classes"])
