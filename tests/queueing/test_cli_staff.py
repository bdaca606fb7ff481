"""``supportops staff``: the brief's example, the JSON keys, CSV/XLSX plans and bad input (exit code 2)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supportops.cli.main import app

runner = CliRunner()
EXAMPLE = [
    "staff",
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
]
KEYS = {"agents", "service_level", "asa", "occupancy", "p_wait", "abandon_rate", "scheduled", "rostered"}


def test_brief_example_json_29_42_46() -> None:
    result = runner.invoke(app, [*EXAMPLE, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) >= KEYS
    assert (doc["agents"], doc["scheduled"], doc["rostered"]) == (29, 42, 46)
    assert doc["service_level"] == pytest.approx(0.8164859050919688, rel=1e-12)
    assert doc["asa"] == pytest.approx(17.4437, abs=1e-4)
    assert doc["p_wait"] == pytest.approx(0.24227398, abs=5e-9)
    assert doc["occupancy"] == pytest.approx(24 / 29)
    assert doc["abandon_rate"] is None


def test_explain_says_why_28_falls_short() -> None:
    result = runner.invoke(app, [*EXAMPLE, "--explain"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "28 agents fall short: service level 73.3% < 80.0%" in text
    assert "41.43 → 42" in text
    assert "45.65 → 46" in text
    doc = json.loads(runner.invoke(app, [*EXAMPLE, "--explain", "--json"]).stdout)
    assert any("73.3% < 80.0%" in line for line in doc["explain"])


def test_patience_switches_to_erlang_a() -> None:
    result = runner.invoke(app, [*EXAMPLE, "--patience", "120", "--max-abandon", "0.05", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"] == "erlang_a"
    assert doc["abandon_rate"] <= 0.05 < doc["one_fewer"]["abandon_rate"]
    assert doc["agents"] < 29


def test_rich_table_without_json() -> None:
    result = runner.invoke(app, EXAMPLE)
    assert result.exit_code == 0
    assert "rostered" in result.stdout
    assert "46" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--calls", "-5", "--aht", "360"], "--calls"),
        (["--calls", "120", "--aht", "360", "--sl", "80/0"], "answer time"),
        (["--calls", "120", "--aht", "360", "--sl", "eighty"], "PERCENT/SECONDS"),
        (["--calls", "120", "--aht", "360", "--shrinkage", "1.0"], "--shrinkage"),
        (["--calls", "120", "--aht", "360", "--absenteeism", "1.5"], "--absenteeism"),
        (["--calls", "120", "--aht", "0"], "--aht"),
        (["--calls", "120", "--aht", "360", "--max-abandon", "0.05"], "--patience"),
        (["--calls", "120"], "--aht"),
    ],
)
def test_bad_input_exit_code_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["staff", *args, "--json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["kind"] == "InputError"
    assert message in doc["error"]


INTERVALS = """interval_start,queue,channel,calls,aht
2026-01-05T08:00:00,billing,voice,120,360
2026-01-05T08:30:00,billing,voice,300,300
2026-01-05T08:00:00,web,chat,200,420
2026-01-05T08:00:00,mail,email,40,600
2026-01-05T08:30:00,mail,email,80,600
"""


def test_from_file_writes_csv(tmp_path: Path) -> None:
    src = tmp_path / "intervals.csv"
    src.write_text(INTERVALS, encoding="utf-8")
    out = tmp_path / "plan.csv"
    result = runner.invoke(
        app, ["staff", "--from", str(src), "--out", str(out), "--shrinkage", "0.3", "--absenteeism", "0.08"]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["model"] for r in rows] == [
        "erlang_c",
        "erlang_c",
        "chat_concurrency_3",
        "backlog_deadline",
        "backlog_deadline",
    ]
    assert (rows[0]["agents"], rows[0]["scheduled"], rows[0]["rostered"]) == ("29", "42", "46")
    assert rows[3]["agents"] == rows[4]["agents"]  # one team per email queue and day


def test_from_file_xlsx_and_json(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    src = tmp_path / "intervals.csv"
    src.write_text(INTERVALS, encoding="utf-8")
    out = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["staff", "--from", str(src), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["rows"]) == 5
    ws = load_workbook(out)["staffing"]
    assert ws.cell(row=2, column=8).value == 29


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interval_start,queue,calls,aht\nx,q,1,2\n", "missing column"),
        ("interval_start,queue,channel,calls,aht\nx,q,voice,-3,200\n", "row 2, column 'calls'"),
        ("interval_start,queue,channel,calls,aht\nx,q,fax,3,200\n", "row 2, column 'channel'"),
        ("interval_start,queue,channel,calls,aht\nx,q,voice,3,zero\n", "row 2, column 'aht'"),
    ],
)
def test_from_file_bad_rows(tmp_path: Path, text: str, message: str) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["staff", "--from", str(src), "--json"])
    assert result.exit_code == 2
    assert message in json.loads(result.stdout)["error"]
