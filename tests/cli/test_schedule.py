"""``supportops schedule`` and ``supportops adherence``: JSON keys, exports, infeasibility, adherence."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from supportops.cli.main import app

runner = CliRunner()
MONDAY = date(2026, 3, 2)
KEYS = {"status", "under_staffed_hours", "over_staffed_hours", "lp_bound_hours", "agents_scheduled", "solve_s"}


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def write_requirements(path: Path) -> Path:
    lines = ["interval_start,skill,required,calls,aht"]
    for d in range(7):
        for half in range(48):
            at = datetime.combine(MONDAY + timedelta(days=d), datetime.min.time()) + timedelta(minutes=30 * half)
            for skill, peak in (("voice", 3), ("chat", 2)):
                need = peak if 8 * 2 <= half < 20 * 2 and d < 6 else 0
                lines.append(f"{at:%Y-%m-%d %H:%M},{skill},{need},{need * 8},{300 if need else 0}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_agents(path: Path, extra: str = "") -> Path:
    rows = ["agent_id,skills,min_hours,max_hours,time_off,preferred_start"]
    for i in range(9):
        skills = "voice" if i < 4 else "chat" if i < 7 else "voice|chat"
        rows.append(f"ag{i},{skills},32,40,,")
    path.write_text("\n".join(rows) + "\n" + extra, encoding="utf-8")
    return path


def test_schedule_json_exports_and_adherence(workspace: Path, tmp_path: Path) -> None:
    req = write_requirements(tmp_path / "req.csv")
    staff = write_agents(tmp_path / "agents.csv")
    out = tmp_path / "out"
    code, stdout, stderr = run(
        "schedule", "--workspace", str(workspace), "--weeks", "1", "--requirements", str(req),
        "--agents", str(staff), "--time-limit", "8", "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert set(doc) == KEYS
    assert doc["status"] in ("optimal", "feasible") and doc["agents_scheduled"] == 9
    assert 0 <= doc["lp_bound_hours"] <= doc["under_staffed_hours"] + doc["over_staffed_hours"] + 1e-9
    assert {"shifts.csv", "shifts.xlsx", "coverage.csv", "coverage.xlsx"} <= {p.name for p in out.iterdir()}
    ics = (out / "calendars" / "ag0.ics").read_bytes()
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and b"\n" not in ics.replace(b"\r\n", b"")

    # the agent states follow ag0's stored schedule exactly: adherence 100% for ag0
    from supportops.warehouse.connection import connect

    con = connect(workspace)
    try:
        acts = con.execute(
            "SELECT activity, start_at, end_at FROM schedule_activities WHERE agent_id = 'ag0' ORDER BY start_at"
        ).fetchall()
        rows = []
        for n, (_kind, a, b) in enumerate(x for x in acts if x[0] == "work"):
            inside = sorted((x[1], x[2], x[0]) for x in acts if x[0] != "work" and a <= x[1] < b)
            t = a
            for s, e, k in inside:
                rows.append((f"w{n}-{s}", "available", t, s))
                rows.append((f"b{n}-{s}", k, s, e))
                t = e
            rows.append((f"w{n}-end", "available", t, b))
        for sid, state, s, e in rows:
            con.execute(
                "INSERT INTO agent_states (program_id, state_id, agent_id, state, start_at, end_at, source_system,"
                " source_record_id, ingest_batch_id) VALUES ('default', ?, 'ag0', ?, ?, ?, 'test', ?, 'b')",
                [sid, state, s, e, sid],
            )
    finally:
        con.close()
    code, stdout, stderr = run("adherence", "--workspace", str(workspace), "--json", "--out", str(tmp_path / "a.csv"))
    assert code == 0, stderr
    adh = json.loads(stdout)
    by_agent = {a["agent_id"]: a for a in adh["agents"]}
    assert by_agent["ag0"]["adherence"] == 1.0 and by_agent["ag0"]["conformance"] == 1.0
    assert by_agent["ag1"]["adherence"] == 0.0 and by_agent["ag1"]["below_target"]
    assert adh["target"] == 0.9 and (tmp_path / "a.csv").exists()


def test_infeasible_agents_are_explained(workspace: Path, tmp_path: Path) -> None:
    req = write_requirements(tmp_path / "req.csv")
    off = "|".join((MONDAY + timedelta(days=i)).isoformat() for i in range(4))
    staff = write_agents(tmp_path / "agents.csv", extra=f"zed,voice,40,40,{off},\n")
    code, stdout, _ = run(
        "schedule", "--workspace", str(workspace), "--weeks", "1", "--requirements", str(req),
        "--agents", str(staff), "--time-limit", "8", "--json",
    )  # fmt: skip
    assert code == 1
    doc = json.loads(stdout)
    assert doc["status"] == "infeasible" and doc["agents_scheduled"] == 0
    assert any("agent zed" in r and "at least 40 paid hours" in r for r in doc["reasons"])


def test_bad_requirements_name_the_line(workspace: Path, tmp_path: Path) -> None:
    bad = tmp_path / "req.csv"
    bad.write_text("interval_start,skill,required\n2026-03-02 08:00,voice,2\n2026-03-02 08:10,voice,2\n")
    code, stdout, _ = run("schedule", "--workspace", str(workspace), "--requirements", str(bad), "--json")
    assert code == 2
    assert "line 3" in json.loads(stdout)["error"] and "30-minute grid" in json.loads(stdout)["error"]


def test_adherence_without_a_schedule(workspace: Path) -> None:
    code, stdout, _ = run("adherence", "--workspace", str(workspace), "--json")
    assert code == 1 and "no schedule stored" in json.loads(stdout)["error"]
