"""Genesys Cloud analytics conversation details through the real import pipeline."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.connector_harness import FIXTURES, Harness, counts
from supportops.connectors.base import pseudonymize

MAIN = "genesys/conversation_details.json"
UPDATE = "genesys/conversation_details_update.jsonl"
LEG_COLUMNS = (
    "conversation_id, leg_seq, channel, direction, queue_id, agent_id, customer_key, arrived_at, answered_at, "
    "ended_at, ivr_ms, queue_ms, talk_ms, hold_ms, acw_ms, outcome, transferred, disposition_code, source_version"
)


def conv(n: int) -> str:
    return f"7f2c1e0a-{n:04d}-4a6b-9d1e-{n:012d}"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness.create(tmp_path, "genesys")


def test_every_conversation_is_accounted_for(h: Harness) -> None:
    result = h.ingest(MAIN)
    # 10 conversations (one delivered twice) give 11 legs: conversation 3 has two agents, conversation 7 is bad.
    assert counts(result) == (11, 9, 0, 1, 1)
    assert result.quarantine_reasons == {"unparseable_timestamp": 1}


def test_quarantine_points_at_the_conversation_and_the_segment(h: Harness) -> None:
    h.ingest(MAIN)
    lines = (FIXTURES / MAIN).read_text().splitlines()
    assert lines[703] == "  {"  # line 704 opens the seventh conversation
    assert conv(7) in lines[704]
    assert h.quarantine() == [
        (
            7,
            704,
            "participants[1].sessions[0].segments[0].segmentEnd",
            "unparseable_timestamp",
            "2026-01-05 at 18:00:40",
        )
    ]


def test_answered_leg_maps_metrics_in_milliseconds(h: Harness) -> None:
    h.ingest(MAIN)
    row = h.contact(f"{conv(1)}:s-ag-1")
    assert row["leg_id"] == f"default:genesys_cloud:{conv(1)}:s-ag-1"
    assert row["source_system"] == "genesys_cloud"
    assert row["customer_key"] == pseudonymize("+15555550201", h.salt())
    expected: dict[str, Any] = {
        "conversation_id": conv(1),
        "leg_seq": 1,
        "channel": "voice",
        "direction": "inbound",
        "queue_id": "q-support",
        "agent_id": "u-0001",
        "arrived_at": utc("2026-01-05T14:00:00"),
        "answered_at": utc("2026-01-05T14:01:00"),
        "ended_at": utc("2026-01-05T14:06:30"),
        "ivr_ms": 20_000,
        "queue_ms": 40_000,
        "talk_ms": 300_000,
        "hold_ms": 30_000,
        "acw_ms": 45_000,
        "outcome": "handled",
        "transferred": False,
        "disposition_code": "BILLING_QUESTION",
        "source_version": utc("2026-01-05T14:06:30"),
    }
    assert {k: row[k] for k in expected} == expected


def test_transfer_through_a_queue_gives_two_legs(h: Harness) -> None:
    h.ingest(MAIN)
    legs = h.rows(f"SELECT {LEG_COLUMNS} FROM contacts WHERE conversation_id = ? ORDER BY leg_seq", [conv(3)])
    summary = [
        (r["leg_seq"], r["queue_id"], r["agent_id"], r["queue_ms"], r["talk_ms"], r["hold_ms"], r["transferred"])
        for r in legs
    ]
    assert summary == [
        (1, "q-support", "u-0001", 30_000, 180_000, 0, True),
        (2, "q-billing", "u-0002", 90_000, 350_000, 60_000, False),
    ]
    assert legs[1]["arrived_at"] == utc("2026-01-05T15:03:40")
    assert [r["disposition_code"] for r in legs] == ["TRANSFER_BILLING", "PAYMENT_PLAN"]


@pytest.mark.parametrize(
    ("record_id", "outcome", "queue_id", "queue_ms", "ended_at"),
    [
        (f"{conv(2)}:s-acd-2", "abandoned", "q-support", 65_000, "2026-01-05T14:11:25"),
        (f"{conv(5)}:s-acd-5", "flowed_out", "q-support", 180_000, "2026-01-05T17:03:15"),
        (conv(6), "ended_in_ivr", None, None, "2026-01-05T17:31:40"),
    ],
)
def test_conversations_that_reached_no_agent(
    h: Harness, record_id: str, outcome: str, queue_id: str | None, queue_ms: int | None, ended_at: str
) -> None:
    h.ingest(MAIN)
    row = h.contact(record_id)
    assert (row["outcome"], row["queue_id"], row["queue_ms"], row["agent_id"], row["answered_at"]) == (
        outcome,
        queue_id,
        queue_ms,
        None,
        None,
    )
    assert row["ended_at"] == utc(ended_at)


def test_media_types_become_channels(h: Harness) -> None:
    h.ingest(MAIN)
    chat = h.contact(f"{conv(4)}:s-ag-4")  # the conversation also carries fields the connector does not know
    assert (chat["channel"], chat["queue_id"], chat["talk_ms"], chat["acw_ms"]) == ("chat", "q-chat", 810_000, 60_000)
    assert chat["customer_key"] == pseudonymize("ec-4411", h.salt())
    callback = h.contact(f"{conv(8)}:s-ag-8")
    assert (callback["channel"], callback["direction"], callback["outcome"], callback["queue_ms"]) == (
        "voice",
        "outbound",
        "handled",
        120_000,
    )
    email = h.contact(f"{conv(9)}:s-ag-9")
    assert (email["channel"], email["queue_ms"], email["acw_ms"]) == ("email", 3_600_000, None)
    assert email["customer_key"] == pseudonymize("customer.nine+promo@example.com", h.salt())


def test_second_import_adds_nothing(h: Harness) -> None:
    h.ingest(MAIN)
    assert counts(h.ingest(MAIN)) == (11, 0, 0, 11, 0)
    assert h.one("SELECT count(*) AS n FROM contacts")["n"] == 9


def test_completed_conversation_replaces_and_older_copy_is_ignored(h: Harness) -> None:
    h.ingest(MAIN)
    update = h.ingest(UPDATE)  # JSON lines: conversation 1 ended later, conversation 2 older, a truncated line
    assert counts(update) == (3, 0, 1, 1, 1)
    assert [q[:4] for q in h.quarantine() if q[3] == "invalid_json"] == [(3, 3, "line", "invalid_json")]
    first = h.contact(f"{conv(1)}:s-ag-1")
    assert (first["acw_ms"], first["source_version"]) == (50_000, utc("2026-01-05T14:06:31"))
    second = h.contact(f"{conv(2)}:s-acd-2")
    assert second["source_version"] == utc("2026-01-05T14:11:25")


def _snake(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): _snake(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_snake(v) for v in obj]
    return obj


def test_sdk_snake_case_reads_like_the_api(h: Harness, tmp_path: Path) -> None:
    conversations = json.loads((FIXTURES / MAIN).read_text())["conversations"]
    api_file = tmp_path / "api.jsonl"
    sdk_file = tmp_path / "sdk.json"
    api_file.write_text(json.dumps(conversations[2]) + "\n")
    sdk_file.write_text(json.dumps([_snake(conversations[2])], indent=2))
    h.ingest(api_file)
    api_rows = h.rows(f"SELECT {LEG_COLUMNS} FROM contacts ORDER BY leg_seq")
    other = Harness.create(tmp_path / "other", "genesys")
    other.ingest(sdk_file)
    sdk_rows = other.rows(f"SELECT {LEG_COLUMNS} FROM contacts ORDER BY leg_seq")
    for rows in (api_rows, sdk_rows):
        for r in rows:
            r.pop("customer_key")  # each workspace has its own salt
    assert len(api_rows) == 2
    assert sdk_rows == api_rows


def test_cli_json(h: Harness) -> None:
    doc = h.cli(MAIN)
    assert (doc["read"], doc["accepted"], doc["replaced"], doc["duplicates"], doc["quarantined"]) == (11, 9, 0, 1, 1)
    assert doc["quarantine_reasons"] == {"unparseable_timestamp": 1}
