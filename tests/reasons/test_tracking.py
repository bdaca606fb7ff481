"""Tracking a reason's monthly volume against its trend before an initiative."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from supportops.errors import InputError
from supportops.reasons import track_reason


def _frame(per_month: dict[tuple[int, int], int], first: date, last: date) -> pl.DataFrame:
    reasons: list[str] = []
    times: list[datetime] = []
    for (y, m), n in per_month.items():
        for i in range(n):
            reasons.append("orders › where is my order")
            times.append(datetime(y, m, 1 + i % 28, 10))
    # other contacts spanning the whole period fix the data's first and last day
    reasons += ["other", "other"]
    times += [datetime.combine(first, datetime.min.time()), datetime.combine(last, datetime.min.time())]
    return pl.DataFrame({"reason": reasons, "arrived_at": times})


def test_reduction_against_a_rising_trend() -> None:
    months = {(2026, 1): 100, (2026, 2): 110, (2026, 3): 120, (2026, 4): 90, (2026, 5): 100}
    f = _frame(months, date(2026, 1, 1), date(2026, 5, 31))
    t = track_reason(f, reason="orders › where is my order", start=date(2026, 4, 10))
    assert [m.month for m in t.months] == [date(2026, m, 1) for m in range(1, 6)]
    assert t.trend_per_month == pytest.approx(10.0)
    assert [m.expected for m in t.months] == pytest.approx([100, 110, 120, 130, 140])
    assert [m.after_start for m in t.months] == [False, False, False, True, True]
    # 190 came where the trend expected 270
    assert t.reduction == pytest.approx(1 - 190 / 270)


def test_partial_months_are_left_out() -> None:
    days = [date(2026, 1, 15) + timedelta(days=i) for i in range(59)]  # 15 January .. 14 March
    f = pl.DataFrame({"reason": ["r"] * len(days), "arrived_at": days})
    with pytest.raises(InputError, match="no full month"):
        track_reason(f, reason="r", start=date(2026, 2, 1))  # January is partial
    t = track_reason(f, reason="r", start=date(2026, 3, 1))
    assert [m.month for m in t.months] == [date(2026, 2, 1)]  # March is not complete either
    assert t.months[0].volume == 28
    assert t.reduction is None


def test_single_month_before_is_a_flat_trend() -> None:
    f = _frame({(2026, 1): 40, (2026, 2): 30}, date(2026, 1, 1), date(2026, 2, 28))
    t = track_reason(f, reason="orders › where is my order", start=date(2026, 2, 1))
    assert t.trend_per_month == 0.0
    assert t.reduction == pytest.approx(0.25)
