"""The demo's quality stage: a sampled month scored and stored, read back by the scorecard diagnostics."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from supportops.config import load_settings
from supportops.demo.quality_stage import quality_stage


@pytest.mark.slow
def test_quality_stage_on_the_demo_workspace(demo_workspace: Path, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    shutil.copytree(demo_workspace, folder)
    settings = load_settings(folder)
    doc = quality_stage(folder, settings, as_json=True)
    assert doc["sampled"] == doc["evaluations"] > 0
    assert doc["by_reason"]["random"] >= 4 * len({r["team"] for r in doc["by_team"]})
    assert 0.5 < doc["quality"] <= 1.0 and 0 <= doc["critical_error_rate"] < 0.5
    assert doc["calibration"]["flagged"] == ["dan"]  # the lenient evaluator, about +8 points
    assert doc["coaching"] and doc["coaching"][0]["focus"]

    con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
    try:
        n, legs = con.execute("SELECT count(*), count(DISTINCT leg_id) FROM evaluations").fetchall()[0]
    finally:
        con.close()
    assert n == legs == doc["evaluations"]

    from supportops.metrics import build_scorecard, duckdb_backend

    card = build_scorecard(duckdb_backend(folder), settings)
    quality = next(d for d in card.diagnostics if d.code == "quality_high_critical_errors_rising")
    assert "evaluations table" not in quality.detail
    assert quality.numbers.get("quality") is not None

    again = quality_stage(folder, settings, as_json=False)  # the month is already sampled: nothing new
    con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
    try:
        n2, legs2 = con.execute("SELECT count(*), count(DISTINCT leg_id) FROM evaluations").fetchall()[0]
    finally:
        con.close()
    assert again["sampled"] == 0 and n2 == legs2 == n == again["evaluations"]
