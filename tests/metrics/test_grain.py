"""Time grains in the workspace's zone: UTC converted to local before bucketing, DST days, ISO weeks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.backends import Loader, utc
from supportops.config import Settings, Workspace
from supportops.errors import InputError
from supportops.metrics import compute_metrics, parse_grouping, period_bounds
from supportops.metrics.grain import grain_label, offset_schedule


def _zone(name: str, week_start: str = "monday") -> Settings:
    return Settings(workspace=Workspace(time_zone=name, week_start=week_start))  # type: ignore[arg-type]


def test_parse_grouping() -> None:
    g = parse_grouping("queue, Day,agent")
    assert g.dimensions == ("queue", "agent")
    assert g.grain == "day"
    assert g.names == ("queue", "agent", "day")
    assert parse_grouping("hour").grain == "60min"
    with pytest.raises(InputError, match="not a dimension"):
        parse_grouping("queue,colour")
    with pytest.raises(InputError, match="two time grains"):
        parse_grouping("day,week")


def test_offset_schedule_finds_transitions_to_the_second() -> None:
    lo = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2024, 12, 31, tzinfo=UTC).timestamp())
    sched = offset_schedule("America/New_York", lo, hi)
    spring = int(datetime(2024, 3, 10, 7, 0, tzinfo=UTC).timestamp())  # 02:00 EST
    fall = int(datetime(2024, 11, 3, 6, 0, tzinfo=UTC).timestamp())  # 02:00 EDT
    assert sched.initial == -5 * 3600
    assert sched.steps == ((spring, 3600), (fall, -3600))
    assert sched.offset_at(spring - 1) == -5 * 3600
    assert sched.offset_at(spring) == -4 * 3600
    assert offset_schedule("UTC", lo, hi).steps == ()


def test_labels() -> None:
    assert grain_label("day", 19723, "monday") == "2024-01-01"
    assert grain_label("week", 20087, "monday") == "2025-W01"  # Monday 2024-12-30
    assert grain_label("month", 2024 * 12 + 1, "monday") == "2024-02"
    assert grain_label("quarter", 2024 * 4 + 3, "monday") == "2024-Q4"


def test_period_bounds_in_the_zone() -> None:
    start, end = period_bounds("2024-W05", "Europe/Berlin", "monday")
    assert start == datetime(2024, 1, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2024, 2, 4, 23, 0, tzinfo=UTC)
    assert period_bounds("2024-Q4", "UTC", "monday") == (
        datetime(2024, 10, 1, tzinfo=UTC),
        datetime(2025, 1, 1, tzinfo=UTC),
    )
    with pytest.raises(InputError):
        period_bounds("2024-13", "UTC", "monday")


NY_ROWS = [
    {"leg_id": "jan", "arrived_at": utc("2024-01-02 03:00:00")},  # Jan 1 22:00 EST
    {"leg_id": "spring1", "arrived_at": utc("2024-03-10 06:30:00")},  # 01:30 EST
    {"leg_id": "spring2", "arrived_at": utc("2024-03-10 07:30:00")},  # 03:30 EDT
    {"leg_id": "fall1", "arrived_at": utc("2024-11-03 05:30:00")},  # 01:30 EDT
    {"leg_id": "fall2", "arrived_at": utc("2024-11-03 06:30:00")},  # 01:30 EST, the repeated hour
    {"leg_id": "dec", "arrived_at": utc("2024-12-30 15:00:00")},  # Monday of ISO week 2025-W01
]


@pytest.mark.parametrize(
    ("grain", "expected"),
    [
        ("day", {"2024-01-01": 1, "2024-03-10": 2, "2024-11-03": 2, "2024-12-30": 1}),
        ("week", {"2024-W01": 1, "2024-W10": 2, "2024-W44": 2, "2025-W01": 1}),
        ("month", {"2024-01": 1, "2024-03": 2, "2024-11": 2, "2024-12": 1}),
        ("quarter", {"2024-Q1": 3, "2024-Q4": 3}),
        (
            "60min",
            {
                "2024-01-01T22:00-05:00": 1,
                "2024-03-10T01:00-05:00": 1,
                "2024-03-10T03:00-04:00": 1,
                "2024-11-03T01:00-04:00": 1,
                "2024-11-03T01:00-05:00": 1,
                "2024-12-30T10:00-05:00": 1,
            },
        ),
        (
            "15min",
            {
                "2024-01-01T22:00-05:00": 1,
                "2024-03-10T01:30-05:00": 1,
                "2024-03-10T03:30-04:00": 1,
                "2024-11-03T01:30-04:00": 1,
                "2024-11-03T01:30-05:00": 1,
                "2024-12-30T10:00-05:00": 1,
            },
        ),
    ],
)
def test_buckets_in_new_york(load: Loader, grain: str, expected: dict[str, int]) -> None:
    con = load({"contacts": NY_ROWS})
    rows = compute_metrics(con, _zone("America/New_York"), by=grain, metrics=["offered"]).rows
    assert {r[grain]: r["offered"] for r in rows} == expected


def test_sunday_weeks_are_labelled_by_their_first_day(load: Loader) -> None:
    con = load(
        {
            "contacts": [
                {"leg_id": "a", "arrived_at": utc("2024-01-06 12:00:00")},  # Saturday
                {"leg_id": "b", "arrived_at": utc("2024-01-07 12:00:00")},
            ]
        }
    )  # Sunday
    rows = compute_metrics(con, _zone("UTC", "sunday"), by="week", metrics=["offered"]).rows
    assert {r["week"]: r["offered"] for r in rows} == {"2023-12-31": 1, "2024-01-07": 1}
