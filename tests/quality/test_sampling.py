"""Sampling plans: quotas per agent, targeted plans, never the same contact twice, reproducible from a seed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.errors import InputError
from supportops.quality import SamplingRules, plan_sample

MONTH = date(2026, 1, 1)


def month_of_contacts(agents: int = 8, per_day: int = 3, seed: int = 0) -> pl.DataFrame:
    """Each agent handles ``per_day`` contacts on each weekday of January 2026 (queue by agent parity)."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(agents):
        for d in range(31):
            day = MONTH + timedelta(days=d)
            if day.weekday() >= 5:
                continue
            for k in range(per_day):
                rows.append(
                    {
                        "leg_id": f"L{a:02d}-{d:02d}-{k}",
                        "agent_id": f"agent-{a}",
                        "queue_id": "voice" if a % 2 else "chat",
                        "arrived_at": datetime(day.year, day.month, day.day, 9 + k),
                        "handle_s": float(rng.uniform(200, 400)),  # uniform: nothing beyond Tukey's fence
                        "complaint": False,
                    }
                )
    return pl.DataFrame(rows)


def test_random_quota_per_agent_and_no_repeats() -> None:
    contacts = month_of_contacts()
    plan = plan_sample(contacts, rng=np.random.default_rng(1), rules=SamplingRules(random_per_agent=6))
    assert plan.picks["leg_id"].is_unique().all()
    per_agent = plan.picks.group_by("agent_id").len()
    assert per_agent["len"].to_list() == [6] * 8  # no targeted reason applies: exactly the random quota
    assert set(plan.picks["reason"]) == {"random"}
    assert plan.quotas["quota_met"].all()
    assert plan.quotas["contacts"].to_list() == [66] * 8  # 22 weekdays × 3


@pytest.mark.parametrize("quota", [4, 5, 8])
def test_quota_stays_within_four_to_eight(quota: int) -> None:
    plan = plan_sample(month_of_contacts(), rng=np.random.default_rng(2), rules=SamplingRules(random_per_agent=quota))
    counts = plan.quotas["random"].to_list()
    assert all(4 <= c <= 8 for c in counts) and set(counts) == {quota}


def test_quota_outside_the_range_is_refused() -> None:
    with pytest.raises(InputError, match="outside 4-8"):
        SamplingRules(random_per_agent=9)
    with pytest.raises(InputError, match="outside 4-8"):
        SamplingRules(random_per_agent=3)


def test_already_evaluated_contacts_are_never_drawn_and_count_toward_the_quota() -> None:
    contacts = month_of_contacts()
    first = plan_sample(contacts, rng=np.random.default_rng(3))
    done = first.picks.select("agent_id", "reason", pl.col("arrived_at").dt.date().alias("day"))
    again = plan_sample(contacts, rng=np.random.default_rng(3), excluded=set(first.picks["leg_id"]), done=done)
    assert again.picks.height == 0  # every agent already has its 4 random evaluations this month
    more = plan_sample(
        contacts,
        rng=np.random.default_rng(3),
        rules=SamplingRules(random_per_agent=6),
        excluded=set(first.picks["leg_id"]),
        done=done,
    )
    assert more.picks.height == 8 * 2  # topped up from 4 to 6
    assert not set(more.picks["leg_id"]) & set(first.picks["leg_id"])


def test_same_seed_same_plan_other_seed_other_plan() -> None:
    contacts = month_of_contacts()
    a = plan_sample(contacts, rng=np.random.default_rng(42))
    b = plan_sample(contacts.sample(fraction=1.0, shuffle=True, seed=5), rng=np.random.default_rng(42))
    c = plan_sample(contacts, rng=np.random.default_rng(43))
    assert a.picks.equals(b.picks)  # input row order does not matter
    assert not a.picks.equals(c.picks)


def test_new_agent_gets_one_contact_per_working_day_of_the_first_30_days() -> None:
    contacts = month_of_contacts(agents=3)
    agents = pl.DataFrame(
        {"agent_id": ["agent-0", "agent-1", "agent-2"], "hire_date": [date(2026, 1, 12), date(2020, 1, 1), None]}
    )
    plan = plan_sample(contacts, rng=np.random.default_rng(4), agents=agents)
    new = plan.picks.filter(pl.col("reason") == "new_agent")
    assert set(new["agent_id"]) == {"agent-0"}
    days = new["arrived_at"].dt.date().to_list()
    # hired 12 January: weekdays 12-30 January are inside the 30-day window -> 15 working days, one each
    assert len(days) == len(set(days)) == 15
    assert min(days) == date(2026, 1, 12)
    row = plan.quotas.filter(pl.col("agent_id") == "agent-0").row(0, named=True)
    assert (row["new_agent"], row["random"], row["total"]) == (15, 4, 19)
    # run again with those stored: nothing new for the new agent's days, quotas already met
    done = plan.picks.select("agent_id", "reason", pl.col("arrived_at").dt.date().alias("day"))
    again = plan_sample(
        contacts, rng=np.random.default_rng(9), agents=agents, excluded=set(plan.picks["leg_id"]), done=done
    )
    assert again.picks.height == 0 and again.quotas["quota_met"].all()


def test_targeted_plans_complaints_outliers_low_performers() -> None:
    contacts = month_of_contacts(agents=4)
    complaint_legs = ["L01-05-0", "L01-06-1", "L01-07-2"]
    contacts = contacts.with_columns(
        pl.col("leg_id").is_in(complaint_legs).alias("complaint"),
        pl.when(pl.col("leg_id") == "L02-05-0").then(5000.0).otherwise(pl.col("handle_s")).alias("handle_s"),
    )
    plan = plan_sample(
        contacts, rng=np.random.default_rng(5), rules=SamplingRules(targeted_per_agent=2), low_performers={"agent-3"}
    )
    by_reason = {r: set(plan.picks.filter(pl.col("reason") == r)["leg_id"]) for r in plan.picks["reason"].unique()}
    assert len(by_reason["complaint"]) == 2 and by_reason["complaint"] <= set(complaint_legs)
    assert "L02-05-0" in by_reason["aht_outlier"]
    low = plan.picks.filter(pl.col("reason") == "low_performer")
    assert low["agent_id"].to_list() == ["agent-3", "agent-3"]
    q = {r["agent_id"]: r for r in plan.quotas.iter_rows(named=True)}
    assert q["agent-1"]["complaint"] == 2 and q["agent-3"]["low_performer"] == 2
    assert all(r["random"] == 4 for r in q.values())
    assert plan.picks["leg_id"].is_unique().all()


def test_an_agent_with_too_few_contacts_is_reported_short() -> None:
    contacts = month_of_contacts(agents=2).filter(
        (pl.col("agent_id") == "agent-0") | (pl.col("leg_id").is_in(["L01-05-0", "L01-06-0"]))
    )
    plan = plan_sample(contacts, rng=np.random.default_rng(6))
    q = {r["agent_id"]: r for r in plan.quotas.iter_rows(named=True)}
    assert q["agent-1"]["random"] == 2 and not q["agent-1"]["quota_met"]
    assert q["agent-0"]["quota_met"]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    quota=st.integers(4, 8),
    targeted=st.integers(0, 3),
    excluded_share=st.floats(0, 0.5),
)
def test_property_no_repeats_quota_respected(seed: int, quota: int, targeted: int, excluded_share: float) -> None:
    contacts = month_of_contacts(agents=4, per_day=1, seed=seed)
    rng = np.random.default_rng(seed)
    excluded = set(contacts.sample(fraction=excluded_share, seed=seed)["leg_id"])
    contacts = contacts.with_columns((pl.col("handle_s") > 370).alias("complaint"))
    plan = plan_sample(
        contacts,
        rng=rng,
        rules=SamplingRules(random_per_agent=quota, targeted_per_agent=targeted),
        excluded=excluded,
        low_performers={"agent-0"},
    )
    assert plan.picks["leg_id"].is_unique().all()
    assert not set(plan.picks["leg_id"]) & excluded
    for r in plan.quotas.iter_rows(named=True):
        available = r["contacts"] - sum(1 for leg in excluded if leg.startswith(f"L{int(r['agent_id'][-1]):02d}"))
        assert r["random"] == min(quota, available - (r["total"] - r["random"]))
        assert r["complaint"] <= targeted and r["aht_outlier"] <= targeted and r["low_performer"] <= targeted
