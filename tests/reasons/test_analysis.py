"""Pareto, repeat / transfer / escalation drivers and handle-time outliers on hand-built frames."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.errors import InputError
from supportops.reasons import flag_drivers, handle_outliers, pareto, repeat_drivers

T0 = datetime(2026, 3, 2, 9, 0)


def _frame(rows: list[tuple[str, float, str | None, float, bool, bool]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "reason": [r[0] for r in rows],
            "arrived_at": [T0 + timedelta(days=r[1]) for r in rows],
            "customer_key": [r[2] for r in rows],
            "handle_s": [r[3] for r in rows],
            "transferred": [r[4] for r in rows],
            "escalated": [r[5] for r in rows],
        }
    )


def test_pareto_shares_and_cost() -> None:
    rows = [("a", 0, None, 120.0, False, False)] * 6 + [("b", 0, None, 300.0, False, False)] * 3
    rows += [("c", 0, None, 60.0, False, False)]
    p = pareto(_frame(rows), cost_per_minute=0.5)
    assert [(r.reason, r.volume) for r in p.rows] == [("a", 6), ("b", 3), ("c", 1)]
    assert [r.cumulative_share for r in p.rows] == pytest.approx([0.6, 0.9, 1.0])
    assert p.rows[0].cost == pytest.approx(6 * 2 * 0.5)  # volume x AHT minutes x cost per minute
    assert p.rows[1].cost == pytest.approx(3 * 5 * 0.5)
    assert p.rows[1].handle_hours == pytest.approx(900 / 3600)
    assert p.top10_share == 1.0 and p.top10_verdict == "above"
    assert [r.reason for r in p.by_cost()] == ["b", "a", "c"]  # 7.50 before 6.00
    assert pareto(_frame(rows)).rows[0].cost is None


def test_pareto_top10_band() -> None:
    rows = [(f"r{i:02d}", 0.0, None, 60.0, False, False) for i in range(20)]
    p = pareto(_frame(rows))
    assert p.top10_share == pytest.approx(0.5) and p.top10_verdict == "below"
    with pytest.raises(InputError, match="no contacts"):
        pareto(_frame(rows).head(0))


def test_repeat_drivers_by_hand() -> None:
    rows = [
        ("billing", 0, "k1", 60.0, False, False),
        ("billing", 3, "k1", 60.0, False, False),  # repeat of the first (3 days)
        ("billing", 20, "k1", 60.0, False, False),  # 17 days later: no repeat; and its window ends after the data
        ("orders", 1, "k2", 60.0, False, False),
        ("orders", 9, "k2", 60.0, False, False),  # 8 days: no repeat
        ("orders", 2, "k3", 60.0, True, False),
        ("billing", 2.5, "k3", 60.0, True, True),  # 0.5 day after k3's orders contact: a repeat of orders
        ("orders", 4, None, 60.0, False, False),  # no customer: never eligible
        ("other", 25, "k9", 60.0, False, False),  # the last arrival: the data end
    ]
    d = {x.reason: x for x in repeat_drivers(_frame(rows), window_days=7)}
    # eligible: arrival + 7 days <= day 25 -> arrivals up to day 18
    assert (d["billing"].eligible, d["billing"].repeats) == (3, 1)  # days 0, 2.5, 3
    assert (d["orders"].eligible, d["orders"].repeats) == (3, 1)  # days 1, 2, 9
    assert d["billing"].repeat_rate == pytest.approx(1 / 3)
    assert d["billing"].share_of_repeats == pytest.approx(0.5)
    assert "other" not in d
    assert repeat_drivers(_frame(rows), window_days=7, min_eligible=4) == ()


def test_flag_drivers() -> None:
    rows = [("a", 0, None, 60.0, True, False)] * 2 + [("a", 0, None, 60.0, False, False)] * 2
    rows += [("b", 0, None, 60.0, True, True)] * 3
    t = flag_drivers(_frame(rows), "transferred")
    assert [(x.reason, x.flagged, x.rate) for x in t] == [("b", 3, 1.0), ("a", 2, 0.5)]
    assert t[0].share == pytest.approx(0.6)
    e = flag_drivers(_frame(rows), "escalated")
    assert [(x.reason, x.flagged) for x in e] == [("b", 3), ("a", 0)]


def test_handle_outliers_tukey() -> None:
    times = [100.0] * 10 + [110.0] * 10 + [1000.0]
    rows = [("a", 0, None, t, False, False) for t in times]
    (o,) = handle_outliers(_frame(rows), min_contacts=10)
    # Q1 = 100, Q3 = 110, fence 125: one outlier, 1000 - 110 (the median) seconds above the median
    assert o.upper_fence_s == pytest.approx(125.0)
    assert o.outliers == 1 and o.median_s == pytest.approx(110.0)
    assert o.excess_hours == pytest.approx((1000 - 110) / 3600)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from("abcdefghijklmn"), min_size=1, max_size=200))
def test_pareto_is_a_partition(labels: list[str]) -> None:
    frame = pl.DataFrame({"reason": labels, "arrived_at": [T0] * len(labels)})
    p = pareto(frame)
    assert sum(r.volume for r in p.rows) == len(labels)
    assert p.rows[-1].cumulative_share == pytest.approx(1.0)
    vols = [r.volume for r in p.rows]
    assert vols == sorted(vols, reverse=True)
    assert p.top10_share >= min(10, len(p.rows)) / max(len(p.rows), 1) - 1e-12 or len(p.rows) <= 10
