"""Zendesk tickets, metric sets and satisfaction ratings through the real import pipeline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.connector_harness import Harness, counts
from supportops.connectors.base import pseudonymize
from supportops.connectors.zendesk import channel_of

MAIN = "zendesk/tickets_export.json"
UPDATE = "zendesk/tickets_update.jsonl"
RATINGS = "zendesk/satisfaction_ratings.json"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness.create(tmp_path, "zendesk")


def table_counts(result: Any, table: str) -> tuple[int, int, int, int, int]:
    t = result.tables[table]
    return t.read, t.accepted, t.replaced, t.duplicates, t.quarantined


def test_every_ticket_and_rating_is_accounted_for(h: Harness) -> None:
    result = h.ingest(MAIN)
    # 10 tickets (ticket 1002 delivered twice by overlapping windows), 4 good/bad ratings among them.
    assert table_counts(result, "contacts") == (10, 7, 0, 1, 2)
    assert table_counts(result, "surveys") == (4, 2, 0, 1, 1)
    assert counts(result) == (14, 9, 0, 2, 3)
    assert result.quarantine_reasons == {"end_before_start": 1, "invalid_value": 1, "unparseable_timestamp": 1}


def test_quarantine_names_record_line_field_and_reason(h: Harness) -> None:
    h.ingest(MAIN)
    assert h.quarantine("contacts") == [
        (7, 383, "created_at", "unparseable_timestamp", "05/01/2026 14:00"),
        (10, 576, "ended_at", "end_before_start", None),
    ]
    assert h.quarantine("surveys") == [(9, 509, "csat_label", "invalid_value", "great")]


def test_solved_email_ticket_maps_every_field(h: Harness) -> None:
    h.ingest(MAIN)
    row = h.contact("1001")
    expected: dict[str, Any] = {
        "leg_id": "default:zendesk:1001",
        "conversation_id": "1001",
        "leg_seq": 1,
        "source_system": "zendesk",
        "source_version": utc("2026-01-05T18:00:00"),
        "channel": "email",
        "direction": "inbound",
        "queue_id": "20001",
        "agent_id": "502",
        "arrived_at": utc("2026-01-05T14:00:00"),
        "first_response_ms": 45 * 60_000,
        "answered_at": utc("2026-01-05T14:45:00"),
        "ended_at": utc("2026-01-05T17:30:00"),
        "outcome": "handled",
        "resolved": True,
        "transferred": False,
        "talk_ms": None,
        "queue_ms": None,
    }
    assert {k: row[k] for k in expected} == expected
    assert row["customer_key"] == pseudonymize("7001", h.salt())


@pytest.mark.parametrize(
    ("ticket", "channel", "ended_at", "resolved", "transferred"),
    [
        ("1002", "chat", "2026-01-05T15:30:00", True, False),
        ("1003", "email", None, None, False),  # web form, still open
        ("1004", "voice", "2026-01-06T10:00:00", False, True),  # reopened once, two groups
        ("1005", "messaging", None, None, False),  # WhatsApp, pending
        ("1006", "social", "2026-01-06T10:45:00", True, False),  # Twitter
        ("1008", "email", "2026-01-06T14:30:00", True, False),  # mobile, with fields the connector does not know
    ],
)
def test_tickets_by_channel_and_status(
    h: Harness, ticket: str, channel: str, ended_at: str | None, resolved: bool | None, transferred: bool
) -> None:
    h.ingest(MAIN)
    row = h.contact(ticket)
    assert (row["channel"], row["ended_at"], row["resolved"], row["transferred"]) == (
        channel,
        utc(ended_at) if ended_at else None,
        resolved,
        transferred,
    )


def test_ratings_become_surveys_and_offers_do_not(h: Harness) -> None:
    h.ingest(MAIN)
    surveys = h.rows(
        "SELECT survey_id, conversation_id, leg_id, csat_label, csat, agent_id, team_id, comment, responded_at "
        "FROM surveys ORDER BY survey_id"
    )
    assert surveys == [
        {
            "survey_id": "default:zendesk:9001",
            "conversation_id": "1001",
            "leg_id": "default:zendesk:1001",
            "csat_label": "good",
            "csat": None,
            "agent_id": "502",
            "team_id": "20001",
            "comment": "Quick and friendly",
            "responded_at": utc("2026-01-05T18:00:00"),
        },
        {
            "survey_id": "default:zendesk:9002",
            "conversation_id": "1002",
            "leg_id": "default:zendesk:1002",
            "csat_label": "bad",
            "csat": None,
            "agent_id": "503",
            "team_id": "20002",
            "comment": "Took too long",
            "responded_at": utc("2026-01-05T15:40:00"),
        },
    ]


def test_second_import_adds_nothing(h: Harness) -> None:
    h.ingest(MAIN)
    assert counts(h.ingest(MAIN)) == (14, 0, 0, 14, 0)
    assert h.one("SELECT count(*) AS n FROM contacts")["n"] == 7
    assert h.one("SELECT count(*) AS n FROM surveys")["n"] == 2


def test_newer_ticket_replaces_ticket_and_changed_rating(h: Harness) -> None:
    h.ingest(MAIN)
    update = h.ingest(UPDATE)  # JSON lines: 1001 reopened and re-rated later; 1004 in an older copy
    assert table_counts(update, "contacts") == (2, 0, 1, 1, 0)
    assert table_counts(update, "surveys") == (1, 0, 1, 0, 0)
    ticket = h.contact("1001")
    assert (ticket["ended_at"], ticket["resolved"], ticket["source_version"]) == (
        utc("2026-01-08T10:00:00"),
        False,
        utc("2026-01-09T18:00:00"),
    )
    rating = h.one("SELECT csat_label, comment FROM surveys WHERE source_record_id = '9001'")
    assert rating == {"csat_label": "bad", "comment": "Problem came back"}
    assert h.contact("1004")["source_version"] == utc("2026-01-09T09:00:00")


def test_ratings_api_attributes_the_agent_at_rating_time(h: Harness) -> None:
    result = h.ingest(RATINGS)
    assert counts(result) == (2, 2, 0, 0, 0)  # the offered survey is not a response
    rows = h.rows("SELECT source_record_id, csat_label, agent_id, team_id, responded_at, source_version FROM surveys")
    assert sorted(rows, key=lambda r: r["source_record_id"]) == [
        {
            "source_record_id": "9101",
            "csat_label": "good",
            "agent_id": "501",
            "team_id": "20001",
            "responded_at": utc("2026-01-07T10:00:00"),
            "source_version": utc("2026-01-07T10:00:00"),
        },
        {
            "source_record_id": "9103",
            "csat_label": "bad",
            "agent_id": "503",
            "team_id": "20002",
            "responded_at": utc("2026-01-07T12:00:00"),
            "source_version": utc("2026-01-07T12:30:00"),
        },
    ]
    assert h.one("SELECT count(*) AS n FROM contacts")["n"] == 0


@pytest.mark.parametrize(
    ("via", "channel"),
    [
        ("email", "email"),
        ("web", "email"),
        ("api", "email"),
        ("mobile_sdk", "email"),
        (None, "email"),
        ("chat", "chat"),
        ("voice", "voice"),
        ("native_messaging", "messaging"),
        ("whatsapp", "messaging"),
        ("sms", "messaging"),
        ("facebook", "social"),
        ("twitter", "social"),
        ("instagram", "social"),
    ],
)
def test_via_channel(via: str | None, channel: str) -> None:
    assert channel_of(via) == channel


def test_cli_json(h: Harness) -> None:
    doc = h.cli(MAIN)
    assert (doc["read"], doc["accepted"], doc["replaced"], doc["duplicates"], doc["quarantined"]) == (14, 9, 0, 2, 3)
    assert doc["quarantine_reasons"] == {"end_before_start": 1, "invalid_value": 1, "unparseable_timestamp": 1}


def test_small_batches_give_the_same_result(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from supportops.connectors import zendesk

    monkeypatch.setattr(zendesk, "STAGE_ROWS", 2)
    result = h.ingest(MAIN)
    assert table_counts(result, "contacts") == (10, 7, 0, 1, 2)
    assert table_counts(result, "surveys") == (4, 2, 0, 1, 1)
