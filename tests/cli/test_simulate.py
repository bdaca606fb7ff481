"""``supportops simulate``: runs a scenario file, reports per queue, imports canonical rows into a workspace."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from supportops.cli.main import app

REPO = Path(__file__).resolve().parents[2]

SMALL = """
[scenario]
name = "small"
program = "default"
seed = 3
start = 2026-03-02
days = 2
time_zone = "Europe/Berlin"

[[queues]]
id = "voice"
daily_volume = 800
talk_s = 240
acw_s = 30
patience = { mean_s = 120 }
transfer_rate = 0.1
transfer_to = "expert"

[[queues]]
id = "expert"
tier = 2
talk_s = 400

[[queues]]
id = "chat"
channel = "chat"
daily_volume = 300
concurrency = 2
talk_s = 500
patience = { distribution = "lognormal", mean_s = 200, cv = 1.5 }

[[groups]]
id = "front"
count = 14
skills = ["voice", "chat"]
shift_starts = ["07:45", "11:30"]

[[groups]]
id = "experts"
count = 2
skills = ["expert"]
tier = 2
"""


def write(tmp_path: Path, text: str = SMALL) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_summary_per_queue(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", str(write(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["scenario"] == "small" and doc["days"] == 2 and doc["agents"] == 16
    queues = {q["queue"]: q for q in doc["queues"]}
    assert set(queues) == {"voice", "expert", "chat"}
    v = queues["voice"]
    assert v["arrivals"] == v["answered"] + v["abandoned"] + v["unanswered"]
    assert 1_000 < v["arrivals"] < 2_200  # 2 weekdays of about 800 (Monday and Tuesday factors)
    assert 0 <= v["service_level"] <= 1 and queues["expert"]["arrivals"] > 0


def test_seed_override_changes_the_run_and_same_seed_repeats(tmp_path: Path) -> None:
    path = write(tmp_path)
    a = json.loads(CliRunner().invoke(app, ["simulate", str(path), "--json"]).stdout)
    b = json.loads(CliRunner().invoke(app, ["simulate", str(path), "--json"]).stdout)
    c = json.loads(CliRunner().invoke(app, ["simulate", str(path), "--json", "--seed", "4", "--days", "1"]).stdout)
    assert a["queues"] == b["queues"]
    assert c["seed"] == 4 and c["days"] == 1 and c["queues"] != a["queues"]


def test_workspace_import_writes_canonical_rows_once(tmp_path: Path, workspace: Path) -> None:
    path = write(tmp_path)
    first = CliRunner().invoke(app, ["simulate", str(path), "--workspace", str(workspace), "--json"])
    assert first.exit_code == 0, first.output
    imported = json.loads(first.stdout)["imported"]
    for name in ("agents", "contacts", "agent_states", "surveys"):
        assert imported[name]["accepted"] == imported[name]["read"] > 0, name
        assert imported[name]["quarantined"] == 0, name
    again = json.loads(CliRunner().invoke(app, ["simulate", str(path), "-w", str(workspace), "--json"]).stdout)
    assert all(t["accepted"] == 0 and t["duplicates"] == t["read"] for t in again["imported"].values())
    con = duckdb.connect(str(workspace / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT count(*), count(DISTINCT conversation_id), max(leg_seq), "
            "sum(CASE WHEN outcome = 'handled' THEN talk_ms END) / 1000.0 / count_if(outcome = 'handled') "
            "FROM contacts WHERE queue_id = 'voice' OR queue_id = 'expert'"
        ).fetchone()
        skills = con.execute("SELECT skills FROM agents WHERE agent_id = 'agent-0001'").fetchone()
        states = dict(con.execute("SELECT state, count(*) FROM agent_states GROUP BY 1").fetchall())
    finally:
        con.close()
    assert rows is not None and rows[0] > rows[1] and rows[2] == 2
    assert 200 < rows[3] < 290  # lognormal talk time around 240 s (stored in ms)
    assert skills is not None and skills[0] == ["voice", "chat"]
    assert {"on_contact", "acw", "available", "break", "lunch"} <= set(states)


def test_bad_scenario_names_the_key(tmp_path: Path) -> None:
    bad = write(tmp_path, SMALL.replace('transfer_to = "expert"', 'transfer_to = "nowhere"'))
    result = CliRunner().invoke(app, ["simulate", str(bad), "--json"])
    assert result.exit_code == 2
    assert "nowhere" in json.loads(result.stdout)["error"]
    missing = CliRunner().invoke(app, ["simulate", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2 and "no such scenario file" in missing.stderr


def test_example_scenario_in_docs_runs(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["simulate", str(REPO / "docs" / "scenario-example.toml"), "--days", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {q["channel"] for q in doc["queues"]} == {"voice", "chat", "email"}
    assert doc["bot_contacts"] > 0
