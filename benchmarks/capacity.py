"""A 52-week plan for four skill groups at three sites: the CP-SAT hiring plan against hiring to the peak,
side by side, under the same rules (class sizes 5-20, one trainer per 15 hires, lead times by delivery model).

Demand: weekly volumes with a holiday peak (voice and chat +35% around week 44), steady growth on email and a
spring product launch on tech voice, sized interval by interval with Erlang C, the chat concurrency model and
the email deadline model (30% shrinkage by category, 8% absenteeism). Supply: tenured agents leaving at 4% a
month, hires at 10% a month for their first 90 days, 15% lost in training and 10% in nesting on the
50/75/90/100% ramp. Both plans are priced the same way (paid weeks, recruiting, support roles); the saving is
only claimed when both leave exactly the same gap open (the weeks before any class can arrive).

Run: ``uv run --group bench python benchmarks/capacity.py``
"""

from __future__ import annotations

import time

import numpy as np

from supportops.capacity import (
    HiringRules,
    PlanInput,
    RoleRatios,
    Shrinkage,
    Site,
    SkillDemand,
    SupplyLine,
    build_plan,
    flat_profile,
)

WEEKS = 52
TIME_LIMIT_S = 30.0  # CP-SAT: up to half to close the most gap, the rest for the cheapest plan that does


def _bump(w: np.ndarray, centre: float, width: float, height: float) -> np.ndarray:
    out: np.ndarray = 1.0 + height * np.exp(-(((w - centre) / width) ** 2))
    return out


def plan_input() -> PlanInput:
    w = np.arange(WEEKS, dtype=np.float64)
    day = np.array(
        [
            0.5,
            0.8,
            1.1,
            1.3,
            1.3,
            1.2,
            1.1,
            1.0,
            1.0,
            1.1,
            1.1,
            1.0,
            0.9,
            0.9,
            0.8,
            0.8,
            0.7,
            0.7,
            0.6,
            0.6,
            0.5,
            0.5,
            0.4,
            0.4,
        ]
    )  # 08:00-20:00 in half-hours: morning peak
    grid = np.zeros((7, 48))
    grid[:, 16:40] = day
    grid *= np.array([1.25, 1.1, 1.0, 1.0, 0.95, 0.55, 0.35])[:, None]
    voice_profile = (grid / grid.sum()).reshape(-1)
    demand = (
        SkillDemand(
            skill="billing-voice",
            channel="voice",
            volume=9000 * _bump(w, 44, 3.5, 0.35),
            aht=np.full(WEEKS, 375.0),
            profile=voice_profile,
        ),
        SkillDemand(
            skill="tech-voice",
            channel="voice",
            volume=5000 * _bump(w, 16, 3.0, 0.40),
            aht=np.full(WEEKS, 540.0),
            profile=voice_profile,
        ),
        SkillDemand(
            skill="support-chat",
            channel="chat",
            volume=14000 * _bump(w, 45, 4.0, 0.35),
            aht=np.full(WEEKS, 510.0),
            profile=flat_profile(48, 16, 44),
            concurrency=2,
        ),
        SkillDemand(
            skill="support-email",
            channel="email",
            volume=5000 * (1 + 0.006 * w),
            aht=np.full(WEEKS, 420.0),
            profile=flat_profile(48, 16, 36, (1, 1, 1, 1, 1, 0, 0)),
        ),
    )
    sites = (
        Site(
            name="london",
            delivery_model="onshore",
            hourly_cost=31.0,
            lead_weeks=10,
            trainers=4,
            hiring_cost=2500.0,
            skills=("billing-voice", "tech-voice"),
        ),
        Site(
            name="lisbon",
            delivery_model="nearshore",
            hourly_cost=19.0,
            lead_weeks=8,
            trainers=4,
            hiring_cost=1200.0,
            skills=("tech-voice", "support-email", "support-chat"),
        ),
        Site(
            name="manila",
            delivery_model="offshore",
            hourly_cost=11.5,
            lead_weeks=8,
            trainers=6,
            hiring_cost=700.0,
            skills=("billing-voice", "support-chat", "support-email"),
        ),
    )
    supply = (
        SupplyLine(skill="billing-voice", site="london", tenured=42.0, recent=((5, 4.0),)),
        SupplyLine(skill="billing-voice", site="manila", tenured=16.0),
        SupplyLine(skill="tech-voice", site="london", tenured=34.0),
        SupplyLine(skill="tech-voice", site="lisbon", tenured=12.0),
        SupplyLine(skill="support-chat", site="manila", tenured=58.0, recent=((2, 6.0),)),
        SupplyLine(skill="support-email", site="lisbon", tenured=26.0),
    )
    return PlanInput(
        weeks=WEEKS,
        demand=demand,
        supply=supply,
        sites=sites,
        rules=HiringRules(class_min=5, class_max=20, trainees_per_trainer=15),
        ratios=RoleRatios(),
        shrinkage=Shrinkage(),
    )


def main() -> None:
    inp = plan_input()
    t0 = time.perf_counter()
    plan = build_plan(inp, time_limit_s=TIME_LIMIT_S)
    total_s = time.perf_counter() - t0
    opt, peak = plan.optimised, plan.peak
    print(f"52-week plan, {len(inp.demand)} skills, {len(inp.sites)} sites: built in {total_s:.2f} s")
    for d in plan.demand:
        print(f"  {d.skill:14s} demand FTE {d.fte.min():6.1f} .. {d.fte.max():6.1f} (mean {d.fte.mean():.1f})")
    for name, o in (("optimised (CP-SAT)", opt), ("hire to the peak", peak)):
        hires = sum(c.size for c in o.hiring.classes)
        print(
            f"{name:20s} status {o.hiring.status:8s} classes {len(o.hiring.classes):2d} hires {hires:4d} "
            f"gap left {o.shortage_fte_weeks:7.2f} FTE-weeks  agents {o.cost.agents:12,.0f}  recruiting "
            f"{o.cost.recruiting:9,.0f}  roles {o.cost.roles:10,.0f}  total {o.cost.total:12,.0f}  per contact "
            f"{o.cost.cost_per_contact:.3f}  solve {o.hiring.solve_s:.2f} s  gap to bound {o.hiring.gap:.2%}"
        )
        for c in o.hiring.classes:
            print(f"    week {c.start_week:2d} {c.skill:14s} at {c.site:7s}: {c.size:2d} hires")
    if abs(opt.shortage_fte_weeks - peak.shortage_fte_weeks) > 1e-6:
        raise SystemExit("the two plans leave different gaps open; the costs are not comparable")
    saving = 100.0 * plan.saving
    print(f"optimised / hire-to-peak cost ratio: {opt.cost.total / peak.cost.total:.4f} (same gap closed)")
    print(f"RESULT capacity cost_saving_vs_peak_hiring={saving:.2f} solve_s={opt.hiring.solve_s:.2f}")


if __name__ == "__main__":
    main()
