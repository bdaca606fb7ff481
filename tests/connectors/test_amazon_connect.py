"""Amazon Connect contact records through the real import pipeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.connector_harness import FIXTURES, Harness, counts
from supportops.connectors.base import pseudonymize

MAIN = "amazon_connect/contact_records.jsonl"
UPDATE = "amazon_connect/contact_records_update.json"


def cid(n: int) -> str:
    return f"c{n:07d}-0000-4000-8000-{n:012d}"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness.create(tmp_path, "amazon-connect")


def test_every_record_is_accounted_for(h: Harness) -> None:
    result = h.ingest(MAIN)
    # 15 lines: 10 contacts, 2 copies delivered again (one newer, one identical), 3 rejected.
    assert counts(result) == (15, 10, 0, 2, 3)
    assert result.quarantine_reasons == {"end_before_start": 1, "invalid_json": 1, "unparseable_timestamp": 1}
    assert h.one("SELECT count(*) AS n FROM contacts")["n"] == 10


def test_quarantine_names_record_line_field_and_reason(h: Harness) -> None:
    h.ingest(MAIN)
    assert h.quarantine() == [
        (9, 9, "InitiationTimestamp", "unparseable_timestamp", "2026-01-05T25:00:00Z"),
        (11, 11, "line", "invalid_json", "Invalid control character at (character 80 of the record)"),
        (15, 15, "ended_at", "end_before_start", None),
    ]


def test_handled_voice_contact_maps_every_field(h: Harness) -> None:
    h.ingest(MAIN)
    row = h.contact(cid(1))
    # The in-file copy with the newer LastUpdateTimestamp (ACW 75 s) wins over the first delivery (30 s).
    assert row["source_version"] == utc("2026-01-05T14:09:00")
    assert row["acw_ms"] == 75_000
    assert row["leg_id"] == f"default:amazon_connect:{cid(1)}"
    assert (row["source_system"], row["program_id"], row["conversation_id"], row["leg_seq"]) == (
        "amazon_connect",
        "default",
        cid(1),
        1,
    )
    assert (row["channel"], row["direction"], row["queue_id"], row["agent_id"], row["outcome"]) == (
        "voice",
        "inbound",
        "Support",
        "jdoe",
        "handled",
    )
    assert row["arrived_at"] == utc("2026-01-05T14:00:00")
    assert row["answered_at"] == utc("2026-01-05T14:02:10")
    assert row["ended_at"] == utc("2026-01-05T14:07:10")
    assert (row["ivr_ms"], row["queue_ms"], row["talk_ms"], row["hold_ms"]) == (30_000, 100_000, 240_000, 25_000)
    assert row["transferred"] is False


def test_customer_key_is_pseudonymous(h: Harness) -> None:
    h.ingest(MAIN)
    row = h.contact(cid(1))
    assert row["customer_key"] == pseudonymize("+15555550101", h.salt())
    assert row["customer_key"] != "+15555550101"
    leaked = h.one("SELECT count(*) AS n FROM contacts WHERE contains(CAST(COLUMNS(*) AS VARCHAR), '555555')")
    assert leaked["n"] == 0


@pytest.mark.parametrize(
    ("n", "outcome", "queue_id", "agent_id", "queue_ms", "ivr_ms"),
    [
        (2, "abandoned", "Support", None, 205_000, 20_000),
        (3, "ended_in_ivr", None, None, None, 90_000),
        (6, "callback_requested", "Support", None, 1_800_000, 0),
        (12, "contained", None, None, None, 100_000),
    ],
)
def test_unanswered_outcomes(
    h: Harness, n: int, outcome: str, queue_id: str | None, agent_id: str | None, queue_ms: int | None, ivr_ms: int
) -> None:
    h.ingest(MAIN)
    row = h.contact(cid(n))
    assert (row["outcome"], row["queue_id"], row["agent_id"], row["queue_ms"], row["ivr_ms"]) == (
        outcome,
        queue_id,
        agent_id,
        queue_ms,
        ivr_ms,
    )
    assert row["answered_at"] is None
    assert row["talk_ms"] is None


def test_transfer_chain_forms_one_conversation(h: Harness) -> None:
    h.ingest(MAIN)
    legs = h.rows(
        "SELECT source_record_id, leg_seq, queue_id, agent_id, transferred, hold_ms FROM contacts "
        "WHERE conversation_id = ? ORDER BY leg_seq",
        [cid(4)],
    )
    # The third leg precedes the second in the file; its place in the chain is still found.
    assert [(r["source_record_id"], r["leg_seq"], r["queue_id"], r["agent_id"], r["transferred"]) for r in legs] == [
        (cid(4), 1, "Support", "asmith", True),
        (cid(5), 2, "Billing", "bkhan", True),
        (cid(10), 3, "Retention", "cwong", False),
    ]
    assert legs[1]["hold_ms"] == 40_000


def test_chat_outbound_and_unknown_fields(h: Harness) -> None:
    h.ingest(MAIN)
    chat = h.contact(cid(7))  # carries fields the connector does not know (ContactLens, SegmentAttributes)
    assert (chat["channel"], chat["queue_id"], chat["talk_ms"], chat["acw_ms"], chat["customer_key"]) == (
        "chat",
        "Chat",
        600_000,
        45_000,
        None,
    )
    outbound = h.contact(cid(9))
    assert (outbound["direction"], outbound["outcome"], outbound["agent_id"]) == ("outbound", "handled", "asmith")


def test_second_import_adds_nothing(h: Harness) -> None:
    h.ingest(MAIN)
    again = h.ingest(MAIN)
    assert counts(again) == (15, 0, 0, 15, 0)
    assert h.one("SELECT count(*) AS n FROM contacts")["n"] == 10
    assert h.one("SELECT count(*) AS n FROM quarantine")["n"] == 3


def test_newer_version_replaces_and_older_is_ignored(h: Harness) -> None:
    h.ingest(MAIN)
    update = h.ingest(UPDATE)  # a JSON array: contact 1 updated later, contact 2 in an older copy
    assert counts(update) == (2, 0, 1, 1, 0)
    first = h.contact(cid(1))
    assert (first["acw_ms"], first["source_version"]) == (90_000, utc("2026-01-05T14:10:00"))
    second = h.contact(cid(2))
    assert (second["queue_ms"], second["source_version"]) == (205_000, utc("2026-01-05T14:05:00"))
    assert h.one("SELECT count(*) AS n FROM contacts")["n"] == 10


def test_records_written_back_to_back_on_one_line(h: Harness, tmp_path: Path) -> None:
    records = [json.loads(line) for line in (FIXTURES / MAIN).read_text().splitlines()[:3]]
    path = tmp_path / "firehose.json"
    path.write_text("".join(json.dumps(r) for r in records) + "\n" + json.dumps(records[2]) + "\n")
    result = h.ingest(path)
    assert counts(result) == (4, 3, 0, 1, 0)
    lines = h.rows("SELECT q.line FROM quarantine q")
    assert lines == []


def test_cli_json(h: Harness) -> None:
    doc = h.cli(MAIN)
    assert {k: doc[k] for k in ("read", "accepted", "replaced", "duplicates", "quarantined")} == {
        "read": 15,
        "accepted": 10,
        "replaced": 0,
        "duplicates": 2,
        "quarantined": 3,
    }
    assert doc["quarantine_reasons"] == {"end_before_start": 1, "invalid_json": 1, "unparseable_timestamp": 1}


def test_small_batches_give_the_same_result(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from supportops.connectors import amazon_connect

    monkeypatch.setattr(amazon_connect, "STAGE_ROWS", 2)
    result = h.ingest(MAIN)
    assert counts(result) == (15, 10, 0, 2, 3)
    assert h.contact(cid(1))["acw_ms"] == 75_000
    assert [
        r["leg_seq"] for r in h.rows("SELECT leg_seq FROM contacts WHERE conversation_id = ? ORDER BY 1", [cid(4)])
    ] == [
        1,
        2,
        3,
    ]
