"""Sampling plans: which contacts of a month the QA team evaluates.

The plan draws, in this order, so that a contact picked for one reason is never picked again for another:

1. ``new_agent``: one contact per working day for each agent in the first ``new_agent_days`` days after hire;
2. ``complaint``: up to ``targeted_per_agent`` contacts per agent that drew a complaint (complaint reason or a
   low survey score; the caller flags them);
3. ``aht_outlier``: up to ``targeted_per_agent`` contacts per agent whose handle time is above
   ``Q3 + aht_outlier_iqr × IQR`` of its queue in the period (Tukey's fence);
4. ``low_performer``: up to ``targeted_per_agent`` more contacts per agent whose quality is below target;
5. ``random``: each agent is topped up to ``random_per_agent`` random evaluations in the month (the brief's
   4-8).

Evaluations already stored for the period (``done``) count toward every quota, so running the plan again
mid-month only tops it up: a new agent's day already evaluated is not drawn again, and targeted and random
counts are reduced by what is done.

Contacts already evaluated are never drawn. Draws come from the ``numpy.random.Generator`` passed in, over
contacts in ``leg_id`` order, so the same seed and data give the same plan.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from supportops.errors import InputError

__all__ = ["REASONS", "SamplePlan", "SamplingRules", "plan_sample"]

REASONS = ("new_agent", "complaint", "aht_outlier", "low_performer", "random")


@dataclass(frozen=True, slots=True, kw_only=True)
class SamplingRules:
    """The numbers of a plan: random evaluations per agent per month (``random_per_agent`` inside
    ``random_range``), targeted picks per agent and reason, the new-agent window (days) and the AHT fence."""

    random_per_agent: int = 4
    random_range: tuple[int, int] = (4, 8)
    targeted_per_agent: int = 2
    new_agent_days: int = 30
    aht_outlier_iqr: float = 1.5

    def __post_init__(self) -> None:
        lo, hi = self.random_range
        if not 0 <= lo <= hi:
            raise InputError(f"random range {self.random_range}: expected 0 <= min <= max")
        if not lo <= self.random_per_agent <= hi:
            raise InputError(f"{self.random_per_agent} random evaluations per agent is outside {lo}-{hi}")
        if self.targeted_per_agent < 0 or self.new_agent_days < 0 or self.aht_outlier_iqr <= 0:
            raise InputError("targeted picks and new-agent days must be >= 0 and the AHT fence factor > 0")


@dataclass(frozen=True, slots=True, kw_only=True)
class SamplePlan:
    """The contacts to evaluate and the quota report.

    ``picks``: ``leg_id, agent_id, queue_id, arrived_at, reason`` (one row per contact, never repeated).
    ``quotas``: per agent ``contacts`` (eligible in the period), ``random_done`` (random evaluations already
    stored), one count per reason picked now, ``total`` picked, ``random_target`` and ``quota_met`` (random
    evaluations, stored and picked, within the range)
    """

    picks: pl.DataFrame
    quotas: pl.DataFrame


_CONTACT_COLUMNS = ("leg_id", "agent_id", "queue_id", "arrived_at", "handle_s", "complaint")


def _draw(rng: np.random.Generator, pool: list[int], k: int) -> list[int]:
    if k <= 0 or not pool:
        return []
    if k >= len(pool):
        return list(pool)
    return [pool[i] for i in sorted(rng.choice(len(pool), size=k, replace=False))]


def plan_sample(
    contacts: pl.DataFrame,
    *,
    rng: np.random.Generator,
    rules: SamplingRules | None = None,
    agents: pl.DataFrame | None = None,
    low_performers: Collection[str] = (),
    excluded: Collection[str] = (),
    done: pl.DataFrame | None = None,
) -> SamplePlan:
    """Plan the evaluations of one period (a month) from its handled ``contacts``.

    ``contacts`` has ``leg_id, agent_id, queue_id, arrived_at, handle_s`` (seconds) and ``complaint`` (bool);
    ``agents`` has ``agent_id, hire_date``; ``excluded`` holds contacts already evaluated; ``done`` the
    evaluations already stored for this period (``agent_id, reason, day``: the contact's date).
    """
    rules = rules or SamplingRules()
    lacking = [c for c in _CONTACT_COLUMNS if c not in contacts.columns]
    if lacking:
        raise InputError(f"contacts lack column(s) {', '.join(lacking)}")
    frame = (
        contacts.select(_CONTACT_COLUMNS)
        .filter(pl.col("agent_id").is_not_null() & (pl.col("agent_id") != ""))
        .unique(subset="leg_id", keep="first")
        .sort("leg_id")
    )
    eligible_per_agent = dict(frame.group_by("agent_id").len().iter_rows())
    skip = set(excluded)
    frame = frame.filter(~pl.col("leg_id").is_in(list(skip))) if skip else frame
    # Tukey's fence per queue, on the period's handle times
    fence = frame.group_by("queue_id").agg(
        (
            pl.col("handle_s").quantile(0.75)
            + rules.aht_outlier_iqr * (pl.col("handle_s").quantile(0.75) - pl.col("handle_s").quantile(0.25))
        ).alias("fence")
    )
    frame = frame.join(fence, on="queue_id", how="left").with_columns(
        (pl.col("handle_s") > pl.col("fence")).fill_null(False).alias("aht_outlier"),
        pl.col("complaint").fill_null(False),
        pl.col("arrived_at").dt.date().alias("day"),
    )
    agent_of = frame["agent_id"].to_list()
    days = frame["day"].to_list()
    complaint = frame["complaint"].to_list()
    outlier = frame["aht_outlier"].to_list()
    by_agent: dict[str, list[int]] = {}
    for i, a in enumerate(agent_of):
        by_agent.setdefault(a, []).append(i)

    hires: dict[str, date] = {}
    if agents is not None and rules.new_agent_days > 0:
        if not {"agent_id", "hire_date"} <= set(agents.columns):
            raise InputError("agents lack agent_id or hire_date")
        hires = {a: h for a, h in agents.select("agent_id", "hire_date").iter_rows() if h is not None}

    taken: dict[int, str] = {}
    low = set(low_performers)
    done_count: dict[tuple[str, str], int] = {}
    done_days: dict[str, set[date]] = {}
    if done is not None and done.height:
        if not {"agent_id", "reason", "day"} <= set(done.columns):
            raise InputError("done evaluations lack agent_id, reason or day")
        for a, reason, day in done.select("agent_id", "reason", "day").iter_rows():
            done_count[(a, reason)] = done_count.get((a, reason), 0) + 1
            if reason == "new_agent":
                done_days.setdefault(a, set()).add(day)
    for agent in sorted(by_agent):
        idx = by_agent[agent]
        hire = hires.get(agent)
        if hire is not None:
            window_end = hire + timedelta(days=rules.new_agent_days)
            per_day: dict[date, list[int]] = {}
            for i in idx:
                if hire <= days[i] < window_end and days[i] not in done_days.get(agent, set()):
                    per_day.setdefault(days[i], []).append(i)
            for day in sorted(per_day):
                for i in _draw(rng, per_day[day], 1):
                    taken[i] = "new_agent"
        for reason, wanted in (("complaint", complaint), ("aht_outlier", outlier)):
            pool = [i for i in idx if wanted[i] and i not in taken]
            for i in _draw(rng, pool, rules.targeted_per_agent - done_count.get((agent, reason), 0)):
                taken[i] = reason
        if agent in low:
            pool = [i for i in idx if i not in taken]
            for i in _draw(rng, pool, rules.targeted_per_agent - done_count.get((agent, "low_performer"), 0)):
                taken[i] = "low_performer"
        need = max(0, rules.random_per_agent - done_count.get((agent, "random"), 0))
        pool = [i for i in idx if i not in taken]
        for i in _draw(rng, pool, need):
            taken[i] = "random"

    order = sorted(taken)
    picks = (
        frame[order]
        .select("leg_id", "agent_id", "queue_id", "arrived_at")
        .with_columns(pl.Series("reason", [taken[i] for i in order], dtype=pl.String))
    )
    counts: dict[str, dict[str, int]] = {}
    for i, reason in taken.items():
        c = counts.setdefault(agent_of[i], dict.fromkeys(REASONS, 0))
        c[reason] += 1
    lo, hi = rules.random_range
    rows = []
    for agent in sorted(eligible_per_agent):
        c = counts.get(agent, dict.fromkeys(REASONS, 0))
        random_done = done_count.get((agent, "random"), 0)
        random_total = random_done + c["random"]
        rows.append(
            {
                "agent_id": agent,
                "contacts": int(eligible_per_agent[agent]),
                "random_done": random_done,
                **c,
                "total": sum(c.values()),
                "random_target": rules.random_per_agent,
                "quota_met": lo <= random_total <= hi,
            }
        )
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "agent_id": pl.String,
        "contacts": pl.Int64,
        "random_done": pl.Int64,
        **dict.fromkeys(REASONS, pl.Int64),
        "total": pl.Int64,
        "random_target": pl.Int64,
        "quota_met": pl.Boolean,
    }
    return SamplePlan(picks=picks, quotas=pl.DataFrame(rows, schema=schema))
