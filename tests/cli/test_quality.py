"""``supportops qa``: sample, score, report, auto and calibrate, as tables and as one JSON document."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from realdata import real_file
from supportops.cli.main import app
from supportops.quality import DEFAULT_SCORECARD

runner = CliRunner()
ABCD_CARD = Path(__file__).resolve().parents[1] / "quality" / "abcd_scorecard.toml"


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


CALIBRATION = [
    ["contact_id", "evaluator", "score"],
    ["c1", "alice", 90], ["c1", "bob", 95], ["c1", "carol", 80],
    ["c2", "alice", 80], ["c2", "bob", 85], ["c2", "carol", 70],
    ["c3", "alice", 70], ["c3", "bob", 80], ["c3", "carol", 60],
    ["c4", "alice", 100], ["c4", "bob", 100], ["c4", "carol", 90],
]  # fmt: skip


def test_calibrate_json_keys(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "cal.csv", CALIBRATION[0], CALIBRATION[1:])  # type: ignore[arg-type]
    code, out, _ = run("qa", "calibrate", str(f), "-w", str(tmp_path), "--expert", "alice", "--json")
    assert code == 0
    doc = json.loads(out)
    assert {"krippendorff_alpha_interval", "icc", "evaluators"} <= set(doc)
    assert set(doc["evaluators"]["carol"]) >= {"mean_deviation", "flagged"}
    assert doc["evaluators"]["carol"]["mean_deviation"] == pytest.approx(-0.10)
    assert doc["evaluators"]["carol"]["flagged"] is True and doc["evaluators"]["bob"]["flagged"] is False
    assert 0 < doc["icc"] < 1 and 0 < doc["krippendorff_alpha_interval"] < 1
    code, out, _ = run("qa", "calibrate", str(f), "-w", str(tmp_path))
    assert code == 0 and "FLAG" in out and "ICC(2,1)" in out


def test_calibrate_bad_file_exit_code_2(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "bad.csv", ["contact_id", "who", "score"], [["c1", "a", 1]])
    code, out, _ = run("qa", "calibrate", str(f), "-w", str(tmp_path), "--json")
    assert code == 2 and "no evaluator column" in json.loads(out)["error"]


@pytest.fixture
def ws(demo_workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace (the commands write evaluations and reports)."""
    target = tmp_path / "acme"
    shutil.copytree(demo_workspace, target)
    return target


def _month(ws: Path) -> str:
    con = duckdb.connect(str(ws / "warehouse.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT strftime(max(arrived_at), '%Y-%m') FROM contacts").fetchall()[0]
    finally:
        con.close()
    return str(row[0])


@pytest.mark.slow
def test_sample_score_report_and_no_repeat(ws: Path, tmp_path: Path) -> None:
    month = _month(ws)
    code, out, _ = run("qa", "sample", "-w", str(ws), "--month", month, "--seed", "1", "--json")
    assert code == 0, out
    plan = json.loads(out)
    assert plan["agents"] > 0 and plan["by_reason"]["random"] == 4 * plan["agents"] - sum(
        q["random_done"] for q in plan["quotas"]
    )
    assert all(4 <= q["random"] <= 8 for q in plan["quotas"] if q["quota_met"])
    with open(plan["file"], encoding="utf-8-sig") as fh:
        picks = list(csv.DictReader(fh))
    assert len(picks) == plan["picks"] and len({p["leg_id"] for p in picks}) == len(picks)

    items = [i.id for i in DEFAULT_SCORECARD.items]
    rows = []
    for k, p in enumerate(picks[:6]):
        answers = ["yes"] * len(items)
        if k == 1:
            answers[items.index("disclosure")] = "no"  # fatal
        if k == 2:
            answers[items.index("personalization")] = "na"
            answers[items.index("issue_resolved")] = "no"
        rows.append([p["leg_id"], "qa-1", p["reason"], *answers])
    f = write_csv(tmp_path / "ev.csv", ["contact_id", "evaluator", "sample_reason", *items], rows)
    code, out, _ = run("qa", "score", str(f), "-w", str(ws), "--json")
    assert code == 0, out
    doc = json.loads(out)
    scores = [e["score"] for e in doc["evaluations"]]
    assert scores[0] == 1.0 and scores[1] == 0.0 and doc["evaluations"][1]["fatal"] is True
    assert scores[2] == pytest.approx(0.35 * 2 / 3 + 0.65)
    assert doc["saved"] == 6 and all(e["agent_id"] for e in doc["evaluations"])

    con = duckdb.connect(str(ws / "warehouse.duckdb"), read_only=True)
    try:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'evaluations'").fetchall())  # fmt: skip
        n_items = con.execute("SELECT count(*) FROM evaluation_items").fetchall()[0][0]
    finally:
        con.close()
    assert types["evaluated_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["score"] == "DOUBLE" and types["critical_error"] == "BOOLEAN"
    assert n_items == 6 * len(items)

    again = run("qa", "sample", "-w", str(ws), "--month", month, "--seed", "1", "--json", "-o", str(tmp_path / "b.csv"))
    with open(tmp_path / "b.csv", encoding="utf-8-sig") as fh:
        second = {r["leg_id"] for r in csv.DictReader(fh)}
    assert again[0] == 0 and not second & {r[0] for r in rows}  # never the same contact twice

    code, out, _ = run("qa", "report", "-w", str(ws), "--json")
    assert code == 0, out
    rep = json.loads(out)
    assert rep["by_month"][0]["evaluations"] == 6
    assert rep["by_month"][0]["critical_error_rate"] == pytest.approx(1 / 6)
    assert rep["coaching"][0]["priority"] == "critical errors"
    code, out, _ = run("qa", "report", "-w", str(ws))
    assert code == 0 and "Coaching list" in out


@pytest.mark.real_data
def test_auto_on_the_abcd_dialogues_with_human_answers(tmp_path: Path) -> None:
    dialogues = real_file("abcd-sample-and-ontology", "abcd_sample.json")
    human = write_csv(
        tmp_path / "human.csv",
        ["contact_id", "item", "answer"],
        [["3592", "correct_information", "no"], ["3592", "hold", "na"], ["9489", "hold", "na"],
         ["3695", "hold", "yes"], ["9489", "wrap_up", "no"], ["3592", "wrap_up", "yes"]],
    )  # fmt: skip
    code, out, _ = run(
        "qa", "auto", str(dialogues), "-w", str(tmp_path), "--scorecard", str(ABCD_CARD), "--human", str(human),
        "--json",
    )  # fmt: skip
    assert code == 0, out
    doc = json.loads(out)
    assert doc["scorecard"] == "abcd-retail v1" and doc["contacts"] == 3
    got = {(a["contact_id"], a["item"]): a for a in doc["answers"]}
    assert got[("3592", "correct_information")]["answer"] == "no"
    agreement = {r["item"]: r for r in doc["agreement"]}
    assert agreement["wrap_up"]["agreement"] == 1.0 and agreement["hold"]["false_alarms"] == 2
    code, out, _ = run("qa", "auto", str(dialogues), "-w", str(tmp_path), "--scorecard", str(ABCD_CARD))
    assert code == 0 and "I can escalate to my manager" in out


def test_auto_reads_json_lines_and_the_default_checks(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(
        json.dumps({"contact_id": "x1", "turns": [{"speaker": "agent", "text": "Can I have your full name?"}]})
        + "\n\n"
        + json.dumps({"contact_id": "x2", "turns": [["agent", "Bye."]]})
        + "\n",
        encoding="utf-8",
    )
    code, out, _ = run("qa", "auto", str(f), "-w", str(tmp_path), "--json")
    assert code == 0, out
    got = {(a["contact_id"], a["item"]): a["answer"] for a in json.loads(out)["answers"]}
    assert got[("x1", "verification")] == "yes" and got[("x2", "verification")] == "no"
    f.write_text("{not json", encoding="utf-8")
    code, out, _ = run("qa", "auto", str(f), "-w", str(tmp_path), "--json")
    assert code == 2 and "line" in json.loads(out)["error"]


WS_CARD = """
id = "default-chat"
version = 3
program = "default"

[[sections]]
id = "all"
weight = 1.0
items = [{ id = "greeting" }, { id = "verification", fatal = true }, { id = "tone", kind = "scale", scale = [1, 5] }]
"""


def test_score_uses_the_workspace_scorecard_file(workspace: Path, tmp_path: Path) -> None:
    (workspace / "scorecards").mkdir()
    (workspace / "scorecards" / "chat.toml").write_text(WS_CARD, encoding="utf-8")
    f = write_csv(
        tmp_path / "ev.csv",
        ["contact_id", "evaluator", "agent_id", "evaluated_at", "greeting", "verification", "tone"],
        [["x1", "qa", "a1", "2026-01-05T10:00:00", "yes", "yes", "4"], ["x2", "qa", "a1", "", "no", "na", "5"]],
    )
    code, out, _ = run("qa", "score", str(f), "-w", str(workspace), "--json")
    assert code == 0, out
    doc = json.loads(out)
    # x1: (1 + 1 + 0.75) / 3 = 0.9167; x2: verification n/a -> (0 + 1) / 2 = 0.5
    assert [e["scorecard_id"] for e in doc["evaluations"]] == ["default-chat"] * 2
    assert [e["score"] for e in doc["evaluations"]] == pytest.approx([2.75 / 3, 0.5])
    assert doc["saved"] == 2 and doc["by_agent"][0]["status"] == "below target"
    code, out, _ = run("qa", "score", str(f), "-w", str(workspace), "--scorecard", "nope", "--json")
    assert code == 2 and "no such scorecard" in json.loads(out)["error"]
    bad = write_csv(tmp_path / "bad.csv", ["contact_id", "evaluator", "greeting"], [["x3", "qa", "yes"]])
    code, out, _ = run("qa", "score", str(bad), "-w", str(workspace), "--json")
    assert (
        code == 2 and "row 2" in json.loads(out)["error"] and "no answer for verification" in json.loads(out)["error"]
    )
