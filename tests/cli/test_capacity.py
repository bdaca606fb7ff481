"""`supportops capacity plan` and `supportops capacity feasibility`."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from supportops.cli.main import app

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "capacity-plan.toml"


def test_feasibility_brief_example_json() -> None:
    r = CliRunner().invoke(
        app,
        [
            "capacity",
            "feasibility",
            "--calls",
            "120",
            "--aht",
            "360",
            "--interval",
            "30",
            "--sl",
            "80/20",
            "--shrinkage",
            "0.30",
            "--absenteeism",
            "0.08",
            "--budget-fte",
            "40",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["rostered_needed"] == 46 and doc["agents_needed"] == 29 and doc["scheduled_needed"] == 42
    assert doc["agents_at_budget"] == 25 and doc["feasible"] is False and doc["shortfall_rostered"] == 6
    assert 0.26 < doc["service_level_at_budget"] < 0.27


def test_feasibility_agrees_with_staff_command() -> None:
    staff = CliRunner().invoke(
        app, ["staff", "--calls", "120", "--aht", "360", "--shrinkage", "0.3", "--absenteeism", "0.08", "--json"]
    )
    cap = CliRunner().invoke(app, ["capacity", "feasibility", "--calls", "120", "--aht", "360", "--json"])
    s, c = json.loads(staff.stdout), json.loads(cap.stdout)
    assert (s["agents"], s["scheduled"], s["rostered"]) == (
        c["agents_needed"],
        c["scheduled_needed"],
        c["rostered_needed"],
    )


def test_feasibility_money_both_ways() -> None:
    per_fte = 30.0 * 1920
    r = CliRunner().invoke(
        app,
        [
            "capacity",
            "feasibility",
            "--calls",
            "120,60",
            "--aht",
            "360",
            "--hourly-cost",
            "30",
            "--budget-money",
            str(46 * per_fte),
            "--json",
        ],
    )
    doc = json.loads(r.stdout)
    assert doc["money_needed"] == 46 * per_fte and doc["budget_fte"] == 46 and doc["feasible"] is True
    assert [i["rostered_needed"] for i in doc["intervals"]] == [46, doc["intervals"][1]["rostered_needed"]]
    assert doc["intervals"][1]["rostered_needed"] < 46
    bad = CliRunner().invoke(
        app, ["capacity", "feasibility", "--calls", "120", "--aht", "360", "--budget-money", "1000", "--json"]
    )
    assert bad.exit_code == 2 and "hourly-cost" in json.loads(bad.stdout)["error"]


def test_plan_tables_json_and_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    r = CliRunner().invoke(app, ["capacity", "plan", str(EXAMPLE), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    opt, peak = doc["optimised"], doc["peak"]
    assert opt["status"] == "OPTIMAL" and opt["shortage_fte_weeks"] == peak["shortage_fte_weeks"]
    assert opt["cost"]["total"] < peak["cost"]["total"] and doc["cost_saving_vs_peak_hiring"] > 0
    assert opt["classes"] and all(c["size"] >= 5 for c in opt["classes"])
    assert doc["cohorts"][0]["graduated"] == 9 and doc["cohorts"][0]["training_attrition_ok"] is False
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("option", "week", "week_of", "skill") and len(rows) == 1 + 2 * 26 * 3
    text = CliRunner().invoke(app, ["capacity", "plan", str(EXAMPLE)])
    assert text.exit_code == 0 and "Hiring classes" in text.stdout and "than hiring to the peak" in text.stdout


def test_plan_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sites]]\nname = "x"\n[[skills]]\nname = "v"\nvolume = [1]\naht_s = 300\n', encoding="utf-8")
    r = CliRunner().invoke(app, ["capacity", "plan", str(bad), "--json"])
    assert r.exit_code == 2 and "sites[0]" in json.loads(r.stdout)["error"]
    missing = CliRunner().invoke(app, ["capacity", "plan", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2


def test_plan_takes_defaults_from_the_workspace(workspace: Path) -> None:
    plan = workspace / "plan.toml"
    plan.write_text(
        '[plan]\nweeks = 4\n[[sites]]\nname = "main"\n[[skills]]\nname = "v"\nvolume = [3000, 3000, 3000, 3000]\n'
        'aht_s = 300\n[[supply]]\nskill = "v"\nsite = "main"\ntenured = 30\n',
        encoding="utf-8",
    )
    r = CliRunner().invoke(app, ["capacity", "plan", str(plan), "--workspace", str(workspace), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    # the workspace's cost rate for site "main": onshore, 32.0 an hour, 1,920 paid hours a year
    head = sum(row["headcount"] for row in doc["week_rows"] if row["option"] == "optimised")
    assert abs(doc["optimised"]["cost"]["agents"] - head * 32.0 * 1920 / 52) < 1.0  # rows are rounded


def test_importing_the_package_does_not_load_ortools() -> None:
    import subprocess
    import sys

    code = "import sys, supportops.capacity, supportops.cli.main; print('ortools' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
