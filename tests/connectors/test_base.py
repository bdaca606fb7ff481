"""Value parsers and the DST rule, in Python and in the SQL the generic importer runs (they must agree)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.connectors.base import (
    ParseError,
    StageCounters,
    localize,
    parse_bool,
    parse_duration_ms,
    parse_number,
    parse_timestamp,
    pseudonymize,
)
from supportops.connectors.generic import _timestamp


@pytest.mark.parametrize(
    ("value", "unit", "ms"),
    [
        ("90", "s", 90_000),
        ("1.5", "min", 90_000),
        ("250", "ms", 250),
        ("0:01:30", "hms", 90_000),
        ("25:13:02", "auto", 90_782_000),
        ("-0:00:05", "auto", -5_000),
        ("1,5", "s", 1_500),
        ("", "s", None),
    ],
)
def test_durations(value: str, unit: str, ms: int | None) -> None:
    assert parse_duration_ms(value, "talk", unit) == ms


@pytest.mark.parametrize(("value", "unit"), [("1:75:00", "hms"), ("abc", "s"), ("90", "hms"), ("nan", "s")])
def test_bad_durations(value: str, unit: str) -> None:
    with pytest.raises(ParseError) as exc:
        parse_duration_ms(value, "TALK TIME", unit)
    assert (exc.value.reason, exc.value.field_name) == ("unparseable_duration", "TALK TIME")


def test_numbers_and_booleans() -> None:
    assert parse_number("1,234.5", "x") == 1234.5
    assert parse_number("12,5", "x") == 12.5
    with pytest.raises(ParseError, match="unparseable_number"):
        parse_number("5 stars", "score")
    assert [parse_bool(v, "b") for v in ("Yes", "n", "TRUE", "0", "")] == [True, False, True, False, None]
    with pytest.raises(ParseError, match="unparseable_boolean"):
        parse_bool("maybe", "b")


def test_timestamps() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_timestamp("2026-01-05T10:00:00Z", "t") == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert parse_timestamp("2026-01-05T10:00:00+02:00", "t") == datetime(2026, 1, 5, 8, tzinfo=UTC)
    assert parse_timestamp("2026-01-05 10:00:00", "t", berlin) == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert parse_timestamp("01/05/2026 10:00", "t", berlin, fmt="%m/%d/%Y %H:%M") == datetime(2026, 1, 5, 9, tzinfo=UTC)
    with pytest.raises(ParseError, match="no time zone"):
        parse_timestamp("2026-01-05 10:00:00", "t")
    with pytest.raises(ParseError, match="unparseable_timestamp"):
        parse_timestamp("5 Jan", "t", berlin)


def test_dst_gap_and_repeat_are_resolved_and_counted() -> None:
    zone = ZoneInfo("America/New_York")
    counters = StageCounters()
    gap = localize(datetime(2026, 3, 8, 2, 30), zone, counters)  # 02:00-03:00 does not exist
    fold = localize(datetime(2026, 11, 1, 1, 30), zone, counters)  # 01:00-02:00 happens twice
    assert gap == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # read as 03:30 EDT
    assert fold == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # first occurrence, EDT
    assert (counters.dst_gaps, counters.dst_folds) == (1, 1)


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Jerusalem", "UTC", "America/Sao_Paulo"]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 365 * 3),
    near_transition=st.booleans(),
)
def test_sql_local_time_rule_matches_python(zone: str, minutes: int, near_transition: bool) -> None:
    """The generic importer's SQL and the Python connectors bind naive local times identically."""
    naive = datetime(2024, 1, 1) + timedelta(minutes=minutes)
    if near_transition:  # land on the hours around a transition, where the rule matters
        z = ZoneInfo(zone)
        probe = naive.replace(tzinfo=z)
        for h in range(24 * 200):
            t = probe + timedelta(hours=h)
            if (t + timedelta(hours=1)).utcoffset() != t.utcoffset():
                naive = t.replace(tzinfo=None) + timedelta(minutes=minutes % 120)
                break
    counters = StageCounters()
    expected = localize(naive, ZoneInfo(zone), counters)
    instant, gap, fold = _timestamp("t", "auto", f"'{zone}'")
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    got = con.execute(
        f"SELECT {instant}, CAST({gap} AS INT), CAST({fold} AS INT) FROM (SELECT ? AS t)", [naive.isoformat(sep=" ")]
    ).fetchall()[0]
    assert got[0] == expected
    assert (got[1], got[2]) == (counters.dst_gaps, counters.dst_folds)


def test_pseudonymous_keys_are_stable_salted_and_match_sql() -> None:
    a = pseudonymize("+44 20 7946 0000", "salt1")
    assert a == pseudonymize(" +44 20 7946 0000 ", "salt1")
    assert a != pseudonymize("+44 20 7946 0000", "salt2")
    assert pseudonymize("0", "s") is not None and pseudonymize("", "s") is None
    sql = duckdb.connect().execute("SELECT left(md5('salt1|' || '+44 20 7946 0000'), 16)").fetchall()[0][0]
    assert sql == a
