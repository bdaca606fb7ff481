"""iCalendar per agent: CRLF lines folded at 75 octets, escaped TEXT, UTC times, one event per shift."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from supportops.scheduling import Activity, Shift, agent_calendar, escape_text
from supportops.scheduling.ical import fold


def _shift(agent: str, day: int, skill: str = "voice") -> Shift:
    start = datetime(2026, 6, day, 8, 0)
    return Shift(
        agent=agent,
        skill=skill,
        day=start.date(),
        start=start,
        end=datetime(2026, 6, day, 16, 0),
        breaks=(Activity(kind="lunch", start=datetime(2026, 6, day, 12, 0), end=datetime(2026, 6, day, 12, 30)),),
    )


def test_escaping_follows_rfc_5545() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_folding_keeps_lines_within_75_octets_and_multibyte_characters_whole() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert parts[-1] == ""
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts[:-1])) == line


def test_calendar_document() -> None:
    shifts = [_shift("x", 1), _shift("x", 2, skill="chat, email; vip"), _shift("y", 1)]
    text = agent_calendar(
        "x", shifts, zone=ZoneInfo("Europe/London"), schedule_id="S1", stamp=datetime(2026, 5, 1, tzinfo=UTC)
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20260601T070000Z" in text  # 08:00 BST is 07:00 UTC
    assert "DTEND:20260601T150000Z" in text
    assert "SUMMARY:Shift: chat\\, email\\; vip" in text
    assert "lunch 12:00-12:30" in text
    assert "UID:S1-x-20260601T0800@supportops" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
