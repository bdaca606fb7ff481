"""January 1999 of the "Anonymous Bank" call log: daily metrics equal a computation straight from the raw file.

The independent computation reads the TSV with the csv module: a call is offered when it reached an agent
(``AGENT``) or hung up while queued (``HANG`` with a queue start); ``PHANTOM`` calls and ``HANG`` calls that
never queued are not offered. Service level is answered within 20 s over offered (abandons count against),
ASA the mean queue time of answered calls, AHT their mean service time. Days are the log's local dates
(Asia/Jerusalem, the workspace zone here). Records with a negative duration (32 in January) are broken and
left out, as ingestion quarantines them.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from realdata import real_file
from supportops.cli.main import app

SERVICE_TYPES = {"PS", "PE", "IN", "NE", "NW", "TT"}


def _independent(path: Path) -> dict[str, dict[str, float]]:
    days: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    seen: set[tuple[str, str, str]] = set()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            key = (rec["vru+line"].strip(), rec["call_id"].strip(), rec["date"].strip())
            if key in seen or rec["type"].strip() not in SERVICE_TYPES:
                continue
            if min(int(rec["vru_time"]), int(rec["q_time"]), int(rec["ser_time"])) < 0:
                continue  # a negative duration is a broken record: ingestion quarantines it
            seen.add(key)
            d = rec["date"].strip()
            day = f"19{d[:2]}-{d[2:4]}-{d[4:]}"
            outcome = rec["outcome"].strip()
            q = int(rec["q_time"])
            if outcome == "AGENT":
                queued = rec["q_start"].strip() != "0:00:00"
                wait = q if queued else 0
                days[day]["offered"] += 1
                days[day]["handled"] += 1
                days[day]["within"] += wait <= 20
                days[day]["wait"] += wait
                days[day]["talk"] += int(rec["ser_time"])
            elif outcome == "HANG" and rec["q_start"].strip() != "0:00:00":
                days[day]["offered"] += 1
                days[day]["abandoned"] += 1
    return days


@pytest.mark.real_data
@pytest.mark.slow
def test_january_daily_metrics_match_the_raw_log(tmp_path: Path) -> None:
    pytest.importorskip("supportops.connectors.anonymous_bank")
    path = real_file("anonymous-bank-1999", "percall_1999-01.tsv.gz")
    from supportops.warehouse.ingest import ingest_file
    from supportops.workspace import init_workspace

    ws = tmp_path / "ws"
    init_workspace(ws, time_zone="Asia/Jerusalem")
    ingest_file(ws, path, program_id="default", fmt="anonymous-bank")
    res = CliRunner().invoke(
        app,
        [
            "metrics",
            "--workspace",
            str(ws),
            "--by",
            "day",
            "--json",
            "--metrics",
            "offered,handled,abandoned,service_level,asa_s,aht_s,abandon_rate",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["time_zone"] == "Asia/Jerusalem"
    assert doc["service_level_variant"].startswith("abandons_negative")
    ours = {r["day"]: r for r in doc["rows"]}
    want = _independent(path)
    assert set(ours) == set(want)
    assert len(want) >= 28  # the log has no calls on some days
    for day, w in want.items():
        r = ours[day]
        assert r["offered"] == w["offered"], day
        assert r["handled"] == w["handled"], day
        assert r["abandoned"] == w["abandoned"], day
        assert r["service_level"] == pytest.approx(w["within"] / w["offered"], abs=1e-12), day
        assert r["abandon_rate"] == pytest.approx(w["abandoned"] / w["offered"], abs=1e-12), day
        assert r["asa_s"] == pytest.approx(w["wait"] / w["handled"], abs=1e-9), day
        assert r["aht_s"] == pytest.approx(w["talk"] / w["handled"], abs=1e-9), day
