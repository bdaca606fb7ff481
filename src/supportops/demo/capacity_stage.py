"""Demo stage: a 26-week capacity plan for the demo program "acme" from its warehouse.

Demand per assisted queue (billing-voice, tech-voice, support-chat, support-email) is the week-level forecast
(:func:`supportops.forecasting.weekly.forecast_weeks`) when the history holds 8 whole weeks, else the mean of
the whole weeks it has; each queue's average week gives the interval profile and the handle time. Supply is
the agents table: contracted hours as FTE (40 h = 1), split evenly over the planned queues an agent is
skilled for, by site, with tenure from the hire date. Sites and their costs are the workspace's cost rates;
pipeline, ratios, shrinkage and service level come from the settings.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np

from supportops.cli.output import table
from supportops.config import Settings

__all__ = ["capacity_stage"]

PLAN_WEEKS = 26
QUEUES = ("billing-voice", "tech-voice", "support-chat", "support-email")
TRAINERS_PER_SITE = 6


def _demand(folder: Path, settings: Settings, queue: str, interval: int) -> tuple[Any, date]:
    from supportops.capacity import SkillDemand
    from supportops.forecasting.weekly import forecast_weeks, weekly_totals
    from supportops.warehouse.forecasts import interval_history

    q = settings.queue(queue)
    assert q is not None
    grid = interval_history(folder, settings, queue, interval)
    first, weeks = weekly_totals(grid)
    if weeks.size >= 8:
        wf = forecast_weeks(grid, PLAN_WEEKS)
        volume, start = wf.contacts, wf.first_week
    else:
        volume = np.full(PLAN_WEEKS, float(weeks[-4:].mean()))
        start = first + timedelta(days=7 * int(weeks.size))
    values = np.nan_to_num(grid.values, nan=0.0)
    week = np.stack([values[grid.weekdays == w].mean(axis=0) for w in range(7)])
    profile = (week / week.sum()).reshape(-1)
    aht_grid = grid.aht if grid.aht is not None else np.full(values.shape, np.nan)
    known = np.isfinite(aht_grid) & (values > 0)
    aht = float((aht_grid[known] * values[known]).sum() / values[known].sum())
    channel: Literal["voice", "chat", "email"] = (
        "voice" if q.channel == "voice" else "chat" if q.channel in ("chat", "messaging") else "email"
    )
    return (
        SkillDemand(
            skill=queue,
            channel=channel,
            volume=np.asarray(volume, dtype=np.float64),
            aht=np.full(PLAN_WEEKS, aht),
            profile=profile,
            interval_minutes=interval,
            service_level=settings.service_level.target,
            threshold_s=settings.service_level.threshold_s,
            concurrency=settings.staffing.chat_concurrency,
        ),
        start,
    )


def _supply(folder: Path, start: date, early_weeks: int, fte_hours: float) -> tuple[list[Any], dict[str, set[str]]]:
    from supportops.capacity import SupplyLine
    from supportops.warehouse.connection import connect

    con = connect(folder)
    try:
        rows = con.execute(
            """SELECT site_id, skills, hire_date, coalesce(contract_hours_week, 40) FROM agents
               WHERE program_id = 'acme' AND (end_date IS NULL OR end_date > ?)""",
            [start],
        ).fetchall()
    finally:
        con.close()
    tenured: dict[tuple[str, str], float] = defaultdict(float)
    recent: dict[tuple[str, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    site_skills: dict[str, set[str]] = defaultdict(set)
    for site, skills, hired, hours in rows:
        planned = [s for s in (skills or []) if s in QUEUES]
        if not planned or site is None:
            continue
        fte = float(hours) / fte_hours / len(planned)
        tenure = max(0, (start - hired).days // 7) if hired else early_weeks
        for skill in planned:
            site_skills[site].add(skill)
            if tenure >= early_weeks:
                tenured[(skill, site)] += fte
            else:
                recent[(skill, site)][tenure] += fte
    lines = [
        SupplyLine(
            skill=skill,
            site=site,
            tenured=round(tenured.get((skill, site), 0.0), 6),
            recent=tuple(sorted((t, round(f, 6)) for t, f in recent.get((skill, site), {}).items())),
        )
        for skill, site in sorted(set(tenured) | set(recent))
    ]
    return lines, site_skills


def capacity_stage(folder: Path, settings: Settings, as_json: bool) -> dict[str, Any]:
    """Build and price a 26-week plan (optimised hiring against hiring to the peak); print a short table unless
    ``as_json``; return a small JSON-able summary."""
    from supportops.capacity import PlanInput, Shrinkage, Site, build_plan
    from supportops.cli.capacity import plan_defaults

    defaults = plan_defaults(settings)
    interval = settings.staffing.interval_minutes
    demands = []
    starts = []
    for queue in QUEUES:
        demand, first = _demand(folder, settings, queue, interval)
        demands.append(demand)
        starts.append(first)
    start = max(starts)
    supply, site_skills = _supply(folder, start, defaults.pipeline.early_tenure_weeks, 40.0)
    sites = tuple(
        Site(
            name=r.site,
            delivery_model=r.delivery_model,
            hourly_cost=r.hourly_cost,
            paid_hours_per_year=r.paid_hours_per_year,
            lead_weeks=defaults.lead_weeks[r.delivery_model][1],
            trainers=TRAINERS_PER_SITE,
            skills=tuple(sorted(site_skills.get(r.site, set()))),
        )
        for r in settings.cost_rates
        if site_skills.get(r.site)
    )
    inp = PlanInput(
        weeks=PLAN_WEEKS,
        demand=tuple(demands),
        supply=tuple(supply),
        sites=sites,
        pipeline=defaults.pipeline,
        ratios=defaults.ratios,
        shrinkage=Shrinkage(categories={"planned": defaults.shrinkage}, absenteeism=defaults.absenteeism),
        first_week=start,
    )
    plan = build_plan(inp, time_limit_s=10.0)
    opt, peak = plan.optimised, plan.peak
    skills = []
    for d, s in zip(plan.demand, opt.skills, strict=True):
        skills.append(
            {
                "skill": d.skill,
                "channel": d.channel,
                "demand_fte_mean": round(float(d.fte.mean()), 1),
                "demand_fte_peak": round(float(d.fte.max()), 1),
                "productive_fte_week0": round(float(s.productive[0]), 1),
                "productive_fte_last": round(float(s.productive[-1]), 1),
                "hires": int(s.hires.sum()),
            }
        )
    doc: dict[str, Any] = {
        "weeks": PLAN_WEEKS,
        "first_week": start.isoformat(),
        "skills": skills,
        "optimised": {
            "status": opt.hiring.status,
            "classes": [
                {"skill": c.skill, "site": c.site, "start_week": c.start_week, "size": c.size}
                for c in opt.hiring.classes
            ],
            "total_cost": round(opt.cost.total, 2),
            "cost_per_contact": round(opt.cost.cost_per_contact, 4),
            "gap_fte_weeks": round(opt.shortage_fte_weeks, 2),
        },
        "peak": {
            "classes": len(peak.hiring.classes),
            "hires": sum(c.size for c in peak.hiring.classes),
            "total_cost": round(peak.cost.total, 2),
            "gap_fte_weeks": round(peak.shortage_fte_weeks, 2),
        },
        "cost_saving_vs_peak_hiring": round(plan.saving, 4),
        "same_gap_closed": abs(opt.shortage_fte_weeks - peak.shortage_fte_weeks) < 1e-6,
    }
    if not as_json:
        more = peak.shortage_fte_weeks - opt.shortage_fte_weeks
        verdict = f"optimised hiring costs {plan.saving:.1%} less than hiring to the peak"
        if abs(more) > 1e-6:
            verdict += f" and closes {more:.1f} FTE-weeks more of the gap"
        table(
            f"capacity: 26-week plan from {start}: {verdict}",
            ["queue", "channel", "FTE needed (mean/peak)", "productive now", "productive wk 26", "hires"],
            [
                [
                    s["skill"],
                    s["channel"],
                    f"{s['demand_fte_mean']}/{s['demand_fte_peak']}",
                    s["productive_fte_week0"],
                    s["productive_fte_last"],
                    s["hires"],
                ]
                for s in skills
            ],
        )
    return doc
