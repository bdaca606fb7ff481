"""The CLI: init, ingest, status, quarantine, schema and formats, in tables and as one JSON document."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from supportops.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_init_writes_a_commented_workspace(tmp_path: Path) -> None:
    code, out, _ = run("init", str(tmp_path / "ws"), "--program", "acme", "--time-zone", "Europe/Paris", "--json")
    assert code == 0
    assert json.loads(out)["programs"] == ["acme"]
    text = (tmp_path / "ws" / "supportops.toml").read_text()
    assert 'time_zone = "Europe/Paris"' in text and "# " in text
    assert (tmp_path / "ws" / "warehouse.duckdb").exists() and (tmp_path / "ws" / "quarantine").is_dir()
    code, out, err = run("init", str(tmp_path / "ws"))
    assert code == 1 and "already a workspace" in err


def test_init_rejects_a_bad_zone_with_exit_code_2(tmp_path: Path) -> None:
    code, out, _ = run("init", str(tmp_path / "ws"), "--time-zone", "Nowhere/Land", "--json")
    assert code == 2
    assert "workspace.time_zone: 'Nowhere/Land' is not an IANA time zone" in json.loads(out)["error"]
    assert not (tmp_path / "ws").exists()


def test_ingest_json_keys_then_status_and_quarantine(workspace: Path, tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text(
        "source_record_id,arrived_at,channel,outcome\nA,2026-01-05T10:00:00Z,voice,handled\n"
        "B,2026-01-05T10:00:00Z,voice,=cmd|' /C calc'!A0\n"
    )
    code, out, _ = run("ingest", str(f), "--workspace", str(workspace), "--format", "csv", "--json")
    assert code == 0
    doc = json.loads(out)
    assert {"read", "accepted", "replaced", "duplicates", "quarantined", "quarantine_reasons"} <= set(doc)
    assert (doc["read"], doc["accepted"], doc["quarantined"], doc["quarantine_reasons"]) == (
        2,
        1,
        1,
        {"invalid_value": 1},
    )
    code, out, _ = run("status", "--workspace", str(workspace), "--json")
    assert json.loads(out)["tables"]["contacts"] == 1
    export = tmp_path / "q.csv"
    code, out, _ = run("quarantine", "--workspace", str(workspace), "--json", "--export", str(export))
    q = json.loads(out)
    assert q["total"] == 1 and q["rows"][0]["reason"] == "invalid_value" and q["rows"][0]["line"] == 3
    exported = export.read_text(encoding="utf-8-sig")
    assert "'=cmd|" in exported  # the formula is neutralised in the export
    code, out, _ = run("ingest", str(f), "--workspace", str(workspace))
    assert code == 0 and "duplicates" in out


def test_ingest_errors_exit_2_and_name_the_problem(workspace: Path, tmp_path: Path) -> None:
    code, _, err = run("ingest", str(tmp_path / "none.csv"), "--workspace", str(workspace))
    assert code == 2 and "no such file" in err
    code, _, err = run("ingest", str(tmp_path / "none.csv"), "--workspace", str(tmp_path / "nows"))
    assert code == 1 and "no such folder" in err


def test_schema_and_formats(tmp_path: Path) -> None:
    code, out, _ = run("schema", "--json")
    doc = json.loads(out)
    assert set(doc) == {"contacts", "agent_states", "surveys", "agents"}
    assert {c["name"] for c in doc["contacts"]["columns"]} >= {"leg_id", "arrived_at", "talk_ms", "outcome"}
    code, out, _ = run("formats", "--json")
    assert set(json.loads(out)) == {"csv", "parquet", "anonymous-bank", "amazon-connect", "genesys", "five9", "zendesk"}
    code, text, _ = run("schema")
    assert code == 0 and "contacts" in text
