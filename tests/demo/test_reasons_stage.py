"""The demo's reasons stage: Pareto, repeat drivers and the top business cases of the demo warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportops.config import load_settings
from supportops.demo.generator import REASONS
from supportops.demo.reasons_stage import reasons_stage


@pytest.mark.slow
def test_reasons_stage_on_the_demo_workspace(demo_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = load_settings(demo_workspace)
    doc = reasons_stage(demo_workspace, settings, as_json=True)
    assert doc["reasons"] == len(REASONS)  # the generator's L1 / L2 reasons, all seen in four weeks
    assert doc["contacts"] > 1000
    assert doc["top10_share"] > 0.8 and doc["top10_verdict"] == "above"  # 13 reasons: the top 10 carry most
    assert doc["top"][0]["reason"] == "orders › where is my order"  # the generator's largest reason (15 %)
    assert doc["top"][0]["cost"] > 0
    assert len(doc["repeat_drivers"]) == 3 and all(0 < d["repeat_rate"] < 1 for d in doc["repeat_drivers"])
    assert len(doc["cases"]) == 5
    nets = [c["net_saving"] for c in doc["cases"]]
    assert nets == sorted(nets, reverse=True) and doc["net_saving"] == pytest.approx(sum(nets), abs=0.05)
    assert capsys.readouterr().out == ""  # as_json: nothing printed

    again = reasons_stage(demo_workspace, settings, as_json=False)
    assert [r["reason"] for r in again["top"]] == [r["reason"] for r in doc["top"]]
    assert again["top"][0]["cost"] == pytest.approx(doc["top"][0]["cost"])  # sums in parallel: last bits may differ
    assert [c["reason"] for c in again["cases"]] == [c["reason"] for c in doc["cases"]]
    shown = capsys.readouterr().out
    assert "Contact reasons" in shown and "business cases" in shown
