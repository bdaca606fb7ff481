"""The Anonymous Bank per-call log: every line accounted for, a second import adds nothing, values mapped."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from realdata import real_file
from supportops.cli.main import app
from supportops.warehouse.connection import connect
from supportops.warehouse.ingest import ingest_file

HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\t"
    "q_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
)


def test_small_log_maps_every_outcome(workspace: Path, tmp_path: Path) -> None:
    lines = [
        "AA0101\t1\t9664491\t2\tPS\t990101\t0:00:31\t0:00:36\t5\t0:00:36\t0:03:09\t153\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
        "AA0101\t2\t0\t0\tPE\t990101\t7:41:16\t7:41:26\t10\t0:00:00\t0:00:00\t0\tAGENT\t7:41:25\t7:44:53\t208\tBASCH",
        "AA0101\t3\t0\t0\tPS\t990101\t8:00:00\t8:00:05\t5\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
        "AA0101\t4\t0\t0\tPS\t990101\t23:59:50\t23:59:58\t8\t23:59:58\t0:00:10\t12\tAGENT\t0:00:10\t0:02:00\t110\tDORIT",
        "AA0101\t5\t0\t0\tPS\t990101\t9:00:00\t9:00:05\t5\t0:00:00\t0:00:00\t0\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER",
        "AA0204\t6\t0\t0\tAA\t990101\t9:00:00\t9:00:05\t5\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
        "AA0101\t7\t0\t0\tPS\t990101\t9:10:00\t9:10:05\t-3\t0:00:00\t0:00:00\t0\tAGENT\t9:10:05\t9:11:00\t55\tDORIT",
        "AA0101\t8\t0\t0\tPS\t990101\t9:20:00",
    ]
    f = tmp_path / "log.tsv.gz"
    with gzip.open(f, "wt", encoding="utf-8") as fh:
        fh.write(HEADER + "\n".join(lines) + "\n")
    r = ingest_file(workspace, f, program_id="default", fmt="anonymous-bank")
    assert (r.read, r.accepted, r.quarantined) == (8, 4, 4)
    assert r.quarantine_reasons == {"invalid_value": 1, "malformed_row": 1, "negative_duration": 1, "phantom_call": 1}
    con = connect(workspace)
    got = {
        row[0]: row[1:]
        for row in con.execute(
            "SELECT source_record_id, outcome, arrived_at, answered_at, ended_at, queue_ms, talk_ms, agent_id, "
            "language, segment, customer_key IS NOT NULL FROM contacts"
        ).fetchall()
    }
    q = con.execute("SELECT record, line, field, reason FROM quarantine ORDER BY record").fetchall()
    con.close()
    # Israel is UTC+2 in January 1999
    assert got["AA0101-1-990101"] == (
        "abandoned",
        datetime(1998, 12, 31, 22, 0, 31, tzinfo=UTC),
        None,
        datetime(1998, 12, 31, 22, 3, 9, tzinfo=UTC),
        153_000,
        None,
        None,
        "he",
        "priority",
        True,
    )
    assert got["AA0101-2-990101"][0] == "handled"
    assert got["AA0101-2-990101"][5:9] == (208_000, "BASCH", "en", "regular")
    assert got["AA0101-3-990101"][0] == "ended_in_ivr"
    # a call across midnight: service ends on the next day
    assert got["AA0101-4-990101"][3] == datetime(1999, 1, 1, 22, 2, 0, tzinfo=UTC)
    assert q == [
        (5, 6, "outcome", "phantom_call"),
        (6, 7, "type", "invalid_value"),
        (7, 8, "ivr_ms", "negative_duration"),
        (8, 9, "line", "malformed_row"),
    ]


@pytest.mark.real_data
@pytest.mark.slow
def test_january_log_accounts_for_every_line_and_reimports_as_duplicates(workspace: Path) -> None:
    path = real_file("anonymous-bank-1999", "percall_1999-01.tsv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data_lines = sum(1 for _ in fh) - 1
    runner = CliRunner()
    args = ["ingest", str(path), "--workspace", str(workspace), "--format", "anonymous-bank", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    import json

    doc = json.loads(first.stdout)
    assert doc["read"] == data_lines == 31_599
    assert doc["accepted"] + doc["quarantined"] == data_lines
    assert doc["quarantine_reasons"]["phantom_call"] == 240  # SOURCE.md: 240 PHANTOM calls in January
    second = json.loads(runner.invoke(app, args).stdout)
    assert (second["accepted"], second["replaced"], second["quarantined"]) == (0, 0, 0)
    assert second["duplicates"] == data_lines
    con = connect(workspace)
    outcomes = dict(con.execute("SELECT outcome, count(*) FROM contacts GROUP BY 1").fetchall())
    con.close()
    # SOURCE.md: AGENT 27,060 (less the few rows with data errors), HANG 4,299 split by whether they queued
    assert 27_000 < outcomes["handled"] <= 27_060
    assert outcomes["abandoned"] + outcomes["ended_in_ivr"] <= 4_299
