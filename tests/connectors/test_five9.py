"""Five9 call logs through the real import pipeline: encodings, delimiters, local times, durations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.connector_harness import Harness, counts
from supportops.connectors.base import pseudonymize
from supportops.errors import InputError

MAIN = "five9/call_log.csv"
QUEUES = """
[[queues]]
id = "Billing"
program = "default"
channel = "voice"
time_zone = "America/Los_Angeles"

[[queues]]
id = "Support DE"
program = "default"
channel = "voice"
time_zone = "Europe/Berlin"
"""


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def call(n: int) -> str:
    return f"300000000000{n:03d}"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    """A workspace in New York time with a Los Angeles and a Berlin queue."""
    return Harness.create(tmp_path, "five9", time_zone="America/New_York", extra_toml=QUEUES)


def test_every_row_is_accounted_for(h: Harness) -> None:
    result = h.ingest(MAIN)
    # 12 data rows: 8 calls, 1 delivered twice, 3 rejected.
    assert counts(result) == (12, 8, 0, 1, 3)
    assert result.quarantine_reasons == {"malformed_row": 1, "unparseable_duration": 1, "unparseable_timestamp": 1}
    assert (result.dst_gaps, result.dst_folds) == (1, 1)


def test_quarantine_names_record_line_field_and_reason(h: Harness) -> None:
    h.ingest(MAIN)
    assert h.quarantine() == [
        (6, 7, "TIMESTAMP", "unparseable_timestamp", "Mon, 05 Jan 2026 9h15"),
        (8, 9, "row", "malformed_row", "28 fields where the header has 27"),
        (11, 12, "TALK TIME", "unparseable_duration", "4m30s"),
    ]


def test_handled_call_maps_every_field(h: Harness) -> None:
    h.ingest(MAIN)
    row = h.contact(call(1))
    expected: dict[str, Any] = {
        "leg_id": f"default:five9:{call(1)}",
        "conversation_id": call(1),
        "leg_seq": 1,
        "source_system": "five9",
        "source_version": None,
        "channel": "voice",
        "direction": "inbound",
        "queue_id": "Sales",
        "agent_id": "jdoe@acme.example",
        "disposition_code": "Sale Completed",
        "arrived_at": utc("2026-01-05T14:00:12"),  # 09:00:12 in New York (EST)
        "answered_at": utc("2026-01-05T14:01:12"),  # after IVR 20 s, queue 35 s and ring 5 s
        "ended_at": utc("2026-01-05T14:06:22"),  # CALL TIME 6:10
        "ivr_ms": 20_000,
        "queue_ms": 35_000,
        "talk_ms": 270_000,
        "hold_ms": 40_000,  # hold 30 s + park 10 s
        "acw_ms": 60_000,
        "outcome": "handled",
        "transferred": False,
    }
    assert {k: row[k] for k in expected} == expected
    assert row["customer_key"] == pseudonymize("5555550301", h.salt())  # "(555) 555-0301" normalised


@pytest.mark.parametrize(
    ("n", "outcome", "agent_id", "queue_id", "queue_ms"),
    [
        (2, "abandoned", None, "Sales", 105_000),
        (4, "ended_in_ivr", None, "Inbound Main", 0),  # no skill: the campaign is the queue
        (5, "flowed_out", None, "Sales", 120_000),
    ],
)
def test_unanswered_calls(h: Harness, n: int, outcome: str, agent_id: str | None, queue_id: str, queue_ms: int) -> None:
    h.ingest(MAIN)
    row = h.contact(call(n))
    assert (row["outcome"], row["agent_id"], row["queue_id"], row["queue_ms"], row["answered_at"]) == (
        outcome,
        agent_id,
        queue_id,
        queue_ms,
        None,
    )


def test_queue_time_zone_transfer_and_long_durations(h: Harness) -> None:
    h.ingest(MAIN)
    billing = h.contact(call(3))  # Billing is in Los Angeles: 10:15 PST
    assert (billing["arrived_at"], billing["transferred"], billing["hold_ms"]) == (
        utc("2026-01-05T18:15:00"),
        True,
        54_000,
    )
    long_call = h.contact(call(9))  # TALK TIME 25:12:30, CALL TIME 25:13:02
    assert long_call["talk_ms"] == (25 * 3600 + 12 * 60 + 30) * 1000
    assert long_call["ended_at"] == utc("2026-01-07T14:13:02")


def test_daylight_saving_gap_and_repeat(h: Harness) -> None:
    h.ingest(MAIN)
    assert h.contact(call(7))["arrived_at"] == utc("2026-03-08T07:30:00")  # 02:30 does not exist: 03:30 EDT
    assert h.contact(call(11))["arrived_at"] == utc("2026-11-01T05:30:00")  # 01:30 twice: the first, EDT


def test_utf16_tab_file_with_us_dates_and_12_hour_times(h: Harness) -> None:
    result = h.ingest("five9/call_log_utf16.tsv")
    assert counts(result) == (3, 3, 0, 0, 0)
    first = h.contact(call(101))
    assert (first["agent_id"], first["disposition_code"], first["arrived_at"]) == (
        "jose.garcia@acme.example",
        "Venta realizada",
        utc("2026-01-06T14:05:31"),
    )
    assert h.contact(call(102))["arrived_at"] == utc("2026-01-06T18:15:00")  # 1:15:00 PM
    assert h.contact(call(103))["arrived_at"] == utc("2026-01-07T07:59:59")  # 11:59:59 PM in Los Angeles


def test_cp1252_semicolon_file(h: Harness) -> None:
    result = h.ingest("five9/call_log_cp1252.csv")
    assert counts(result) == (3, 3, 0, 0, 0)
    first = h.contact(call(201))
    assert (first["disposition_code"], first["arrived_at"], first["queue_ms"]) == (
        "Rückruf erwünscht",
        utc("2026-01-07T13:05:09"),  # Berlin
        30_000,
    )
    assert h.contact(call(202))["outcome"] == "abandoned"
    third = h.contact(call(203))
    assert (third["disposition_code"], third["transferred"]) == ("Gebühr 5 €", True)


def test_quoted_newline_keeps_physical_lines(h: Harness) -> None:
    result = h.ingest("five9/call_log_quoted_newline.csv")
    assert counts(result) == (3, 2, 0, 0, 1)
    assert h.contact(call(302))["disposition_code"] == "Callback\nrequested by customer"
    # The third record starts on line 5: the second one spans lines 3 and 4.
    assert h.quarantine() == [(3, 5, "HOLD TIME", "unparseable_duration", "abc")]


def test_second_import_adds_nothing(h: Harness) -> None:
    h.ingest(MAIN)
    assert counts(h.ingest(MAIN)) == (12, 0, 0, 12, 0)
    assert h.one("SELECT count(*) AS n FROM contacts")["n"] == 8


def test_rows_without_a_version_keep_the_first_import(h: Harness, tmp_path: Path) -> None:
    h.ingest(MAIN)
    text = (Path(__file__).resolve().parents[1] / "fixtures" / MAIN).read_text(encoding="utf-8-sig")
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(text.replace("Sale Completed", "Sale Corrected"), encoding="utf-8")
    # Valid rows are duplicates of the stored calls; the rejected rows of this new file are quarantined again.
    assert counts(h.ingest(corrected)) == (12, 0, 0, 9, 3)
    assert h.contact(call(1))["disposition_code"] == "Sale Completed"


def test_a_file_without_call_id_is_refused(h: Harness, tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text("AGENT,TALK TIME\njdoe,0:01:00\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"agents\.csv: line 1: not a Five9 call log: no CALL ID or TIMESTAMP"):
        h.ingest(path)


def test_cli_json(h: Harness) -> None:
    doc = h.cli(MAIN)
    assert (doc["read"], doc["accepted"], doc["replaced"], doc["duplicates"], doc["quarantined"]) == (12, 8, 0, 1, 3)
    assert doc["quarantine_reasons"] == {"malformed_row": 1, "unparseable_duration": 1, "unparseable_timestamp": 1}


def test_small_batches_give_the_same_result(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from supportops.connectors import five9

    monkeypatch.setattr(five9, "STAGE_ROWS", 2)
    result = h.ingest(MAIN)
    assert counts(result) == (12, 8, 0, 1, 3)
    assert (result.dst_gaps, result.dst_folds) == (1, 1)
    assert [q[:4] for q in h.quarantine()] == [
        (6, 7, "TIMESTAMP", "unparseable_timestamp"),
        (8, 9, "row", "malformed_row"),
        (11, 12, "TALK TIME", "unparseable_duration"),
    ]
