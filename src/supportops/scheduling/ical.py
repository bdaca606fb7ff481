"""iCalendar (RFC 5545) text for one agent's shifts: one VEVENT per shift, breaks listed in its description.

Lines end in CRLF and are folded at 75 octets; TEXT values escape backslash, semicolon, comma and newlines.
Times are written in UTC (``...Z``), converted from the schedule's local times with the given zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from supportops.scheduling.solve import Shift

__all__ = ["agent_calendar", "escape_text", "fold"]


def escape_text(value: str) -> str:
    """A TEXT value escaped per RFC 5545 §3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded into chunks of at most 75 octets (continuations start with a space), CRLF-ended."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    current = b""
    limit = 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = 74  # the leading space of a continuation counts
        current += b
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts) + "\r\n"


def _utc(t: datetime, zone: tzinfo) -> str:
    return t.replace(tzinfo=zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def agent_calendar(
    agent: str,
    shifts: Sequence[Shift],
    *,
    zone: tzinfo,
    schedule_id: str,
    stamp: datetime,
    title: str = "Shift",
) -> str:
    """The iCalendar document of ``agent``'s shifts (local times read in ``zone``); ``stamp`` is DTSTAMP."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//supportops//schedule//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'{title}s of {agent}')}",
    ]
    dtstamp = stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for sh in shifts:
        if sh.agent != agent:
            continue
        breaks = "\n".join(f"{b.kind} {b.start:%H:%M}-{b.end:%H:%M}" for b in sh.breaks)
        description = f"skill: {sh.skill}\n{breaks}" if breaks else f"skill: {sh.skill}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{schedule_id}-{agent}-{sh.start:%Y%m%dT%H%M}@supportops",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART:{_utc(sh.start, zone)}",
            f"DTEND:{_utc(sh.end, zone)}",
            f"SUMMARY:{escape_text(f'{title}: {sh.skill}')}",
            f"DESCRIPTION:{escape_text(description)}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
