"""``supportops metrics`` and ``supportops scorecard``: JSON keys, CSV/XLSX exports, formats and bad input."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from metrics.backends import arrow_rows, utc
from supportops.cli.main import app
from supportops.metrics import REQUIRED_SLUGS

runner = CliRunner()


def _ws(tmp_path: Path) -> Path:
    from supportops.warehouse.connection import connect
    from supportops.workspace import init_workspace

    ws = tmp_path / "ws"
    init_workspace(ws, time_zone="Europe/Berlin")
    rows: list[dict[str, Any]] = [
        {
            "leg_id": "a",
            "queue_id": "=HYPERLINK(1)",
            "arrived_at": utc("2024-01-15 08:00:00"),
            "queue_ms": 10_000,
            "talk_ms": 3_700_000,
            "acw_ms": 20_000,
        },
        {
            "leg_id": "b",
            "queue_id": "care",
            "arrived_at": utc("2024-01-15 23:30:00"),
            "outcome": "abandoned",
            "queue_ms": 30_000,
        },
    ]
    data = arrow_rows("contacts", rows)  # noqa: F841 (read by DuckDB)
    con = connect(ws)
    con.execute("INSERT INTO contacts BY NAME SELECT * FROM data")
    con.close()
    return ws


def test_metrics_json_rows_are_keyed_by_groups_and_slugs(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    res = runner.invoke(app, ["metrics", "--workspace", str(ws), "--by", "queue,day", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["time_zone"] == "Europe/Berlin"
    assert doc["service_level_variant"].startswith("abandons_negative")
    rows = {r["queue"]: r for r in doc["rows"]}
    assert set(REQUIRED_SLUGS) <= set(rows["care"])
    # 23:30 UTC on the 15th is 00:30 on the 16th in Berlin
    assert rows["care"]["day"] == "2024-01-16"
    assert rows["care"]["abandoned"] == 1
    assert rows["=HYPERLINK(1)"]["aht_s"] == pytest.approx(3720.0)


def test_metrics_period_and_metric_selection(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    res = runner.invoke(
        app,
        [
            "metrics",
            "-w",
            str(ws),
            "--by",
            "day",
            "--from",
            "2024-01-16",
            "--to",
            "2024-01-16",
            "--metrics",
            "offered,abandon_rate",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["rows"] == [{"day": "2024-01-16", "offered": 1, "abandon_rate": 1.0}]


def test_metrics_csv_and_xlsx_exports(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ws = _ws(tmp_path)
    out_csv = tmp_path / "m.csv"
    res = runner.invoke(
        app,
        [
            "metrics",
            "-w",
            str(ws),
            "--by",
            "queue",
            "--format",
            "csv",
            "--out",
            str(out_csv),
            "--metrics",
            "offered,aht_s",
        ],
    )
    assert res.exit_code == 0, res.output
    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["queue", "offered", "aht_s"]
    assert ["'=HYPERLINK(1)", "1", "3720.0"] in rows
    out_xlsx = tmp_path / "m.xlsx"
    res = runner.invoke(
        app,
        [
            "metrics",
            "-w",
            str(ws),
            "--by",
            "queue",
            "--format",
            "xlsx",
            "--out",
            str(out_xlsx),
            "--metrics",
            "offered,aht_s,abandon_rate",
        ],
    )
    assert res.exit_code == 0, res.output
    sheet = load_workbook(out_xlsx)["metrics"]
    header = [c.value for c in sheet[1]]
    assert header == ["queue", "offered", "aht_s", "aht_s_hms", "abandon_rate"]
    hyper = next(row for row in sheet.iter_rows(min_row=2) if str(row[0].value).endswith("(1)"))
    assert hyper[0].value == "'=HYPERLINK(1)"
    assert hyper[0].data_type == "s"
    assert hyper[2].value == pytest.approx(3720.0)
    assert hyper[3].value == timedelta(seconds=3720)  # stored as 3720 / 86400 days, read back as a duration
    assert hyper[3].number_format == "[h]:mm:ss"
    assert hyper[4].number_format == "0.0%"


def test_metrics_table_and_bad_input(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    res = runner.invoke(app, ["metrics", "-w", str(ws), "--by", "queue"])
    assert res.exit_code == 0, res.output
    assert "service_level" in res.stdout
    assert runner.invoke(app, ["metrics", "-w", str(ws), "--by", "colour"]).exit_code == 2
    assert runner.invoke(app, ["metrics", "-w", str(ws), "--metrics", "nope", "--json"]).exit_code == 2
    assert runner.invoke(app, ["metrics", "-w", str(ws), "--from", "2024-02-01", "--to", "2024-01-01"]).exit_code == 2
    assert runner.invoke(app, ["metrics", "-w", str(tmp_path / "none")]).exit_code == 1


def test_scorecard_json_and_table(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    res = runner.invoke(app, ["scorecard", "-w", str(ws), "--period", "2024-W03", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["period"] == "2024-W03"
    statuses = {line["slug"]: line["status"] for line in doc["scorecard"]}
    assert statuses["abandon_rate"] == "missed"
    assert {d["code"] for d in doc["diagnostics"]} >= {"high_csat_low_fcr", "aht_down_repeat_up"}
    res = runner.invoke(app, ["scorecard", "-w", str(ws)])
    assert res.exit_code == 0, res.output
    assert "Scorecard 2024-W03" in res.stdout
    assert runner.invoke(app, ["scorecard", "-w", str(ws), "--period", "2024-W99"]).exit_code == 2
