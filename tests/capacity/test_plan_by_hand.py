"""A small plan (2 skills, 26 weeks, one site) computed by hand: Erlang C demand from the published table,
tenure-dependent attrition, training attrition, the nesting ramp 50/75/90/100%, and cost."""

from __future__ import annotations

import numpy as np
import pytest

from supportops.capacity import (
    HireClass,
    HiringPlan,
    Pipeline,
    PlanInput,
    Shrinkage,
    Site,
    SkillDemand,
    SupplyLine,
    build_plan,
    evaluate_option,
    flat_profile,
    required_fte,
)

WEEKS = 26
# weekly survival: training 0.9, nesting 0.95, first 10 weeks after hire 0.98, then 0.99
PIPE = Pipeline(
    training_weeks=2,
    training_attrition=1 - 0.9**2,
    nesting_ramp=(0.50, 0.75, 0.90, 1.00),
    nesting_attrition=1 - 0.95**4,
    early_monthly_attrition=1 - 0.98 ** (52 / 12),
    monthly_attrition=1 - 0.99 ** (52 / 12),
    early_tenure_weeks=10,
)
SHRINK = Shrinkage(categories={"planned": 0.30}, absenteeism=0.08)
GROSS = 40 * 0.70 * 0.92  # productive hours of one FTE per week: 25.76
# 08:00-12:00 every day: 8 half-hours × 7 days = 56 intervals, each with the same share
PROFILE = flat_profile(48, 16, 24)
SITE = Site(
    name="north",
    delivery_model="onshore",
    hourly_cost=20.0,
    paid_hours_per_year=2080.0,
    lead_weeks=6,
    trainers=2,
    hiring_cost=1000.0,
)


def _input() -> PlanInput:
    sales = SkillDemand(  # 120 calls per half-hour, AHT 360 s: 29 agents at 80/20 (Erlang C table)
        skill="sales", channel="voice", volume=np.full(WEEKS, 120.0 * 56), aht=np.full(WEEKS, 360.0), profile=PROFILE
    )
    care = SkillDemand(  # 100 calls per half-hour, AHT 180 s: 14 agents at 80/20
        skill="care", channel="voice", volume=np.full(WEEKS, 100.0 * 56), aht=np.full(WEEKS, 180.0), profile=PROFILE
    )
    return PlanInput(
        weeks=WEEKS,
        demand=(sales, care),
        supply=(
            SupplyLine(skill="sales", site="north", tenured=30.0, recent=((3, 4.0),)),
            SupplyLine(skill="care", site="north", tenured=16.0),
        ),
        sites=(SITE,),
        pipeline=PIPE,
        shrinkage=SHRINK,
    )


def test_demand_fte_from_the_erlang_table() -> None:
    inp = _input()
    sales = required_fte(inp.demand[0], SHRINK)
    care = required_fte(inp.demand[1], SHRINK)
    assert sales.agent_hours == pytest.approx(np.full(WEEKS, 29 * 0.5 * 56))
    assert sales.fte == pytest.approx(np.full(WEEKS, 812 / GROSS))  # 31.52
    assert care.fte == pytest.approx(np.full(WEEKS, 14 * 0.5 * 56 / GROSS))  # 15.22
    assert sales.peak_agents[0] == 29 and sales.peak_rostered[0] == 46  # 29 → 42 scheduled → 46 rostered


def test_supply_attrition_and_nesting_ramp_by_hand() -> None:
    inp = _input()
    demand = [required_fte(d, SHRINK) for d in inp.demand]
    fixed = HiringPlan(
        method="given",
        classes=(HireClass(skill="sales", site="north", start_week=6, size=10),),
        shortage={},
        objective=0.0,
        status="GIVEN",
        solve_s=0.0,
    )
    opt = evaluate_option(inp, demand, fixed)
    sales, care = opt.skills
    tenured = [30 * 0.99**u for u in range(WEEKS)]
    # 4 FTE hired 3 weeks ago are in their 2nd nesting week (75%) now; conditional on being here today
    recent = {
        0: 4 * 0.75,
        1: 4 * 0.95 * 0.90,
        2: 4 * 0.95**2 * 1.0,
        3: 4 * 0.95**3,
        4: 4 * 0.95**3 * 0.98,
        7: 4 * 0.95**3 * 0.98**4,
        8: 4 * 0.95**3 * 0.98**4 * 0.99,
    }
    # the class of 10 starting in week 6: two training weeks (0%), then 50/75/90/100% while nesting
    hc = {
        6: 10.0,
        7: 9.0,
        8: 8.1,
        9: 8.1 * 0.95,
        10: 8.1 * 0.95**2,
        11: 8.1 * 0.95**3,
        12: 8.1 * 0.95**4,
        13: 8.1 * 0.95**4 * 0.98,
    }
    prod = {
        6: 0.0,
        7: 0.0,
        8: 8.1 * 0.50,
        9: 8.1 * 0.95 * 0.75,
        10: 8.1 * 0.95**2 * 0.90,
        11: 8.1 * 0.95**3,
        12: 8.1 * 0.95**4,
        13: 8.1 * 0.95**4 * 0.98,
    }
    for u, v in recent.items():
        new = prod.get(u, 0.0)
        assert sales.productive[u] == pytest.approx(tenured[u] + v + new, rel=1e-12), u
    # the recent agents are fully productive from plan week 2 on: 3 more weeks at 0.98, then 0.99
    recent_after = {u: 4 * 0.95**3 * 0.98 ** min(u - 3, 4) * 0.99 ** max(u - 7, 0) for u in range(6, 14)}
    for u in range(6, 14):
        assert sales.productive[u] == pytest.approx(tenured[u] + recent_after[u] + prod[u], rel=1e-12), u
        assert sales.headcount[u] == pytest.approx(tenured[u] + recent_after[u] + hc[u], rel=1e-12), u
    assert sales.training[6] == pytest.approx(10.0) and sales.training[7] == pytest.approx(9.0)
    assert sales.nesting[8] == pytest.approx(8.1) and sales.nesting[12] == 0.0
    # the gap: demand − productive (positive: short)
    assert sales.gap[20] == pytest.approx(812 / GROSS - sales.productive[20])
    assert care.productive == pytest.approx(np.array([16 * 0.99**u for u in range(WEEKS)]))
    assert care.gap[25] == pytest.approx(392 / GROSS - 16 * 0.99**25)  # 15.22 − 12.45 = 2.77 short
    assert sales.hires[6] == 10 and sales.hires.sum() == 10
    # cost: every paid FTE-week at 20 × 2080 / 52 = 800, plus 1,000 recruiting per hire
    head = sales.headcount.sum() + care.headcount.sum()
    assert opt.cost.agents == pytest.approx(800.0 * head)
    assert opt.cost.recruiting == 10_000.0
    contacts = (120 * 56 + 100 * 56) * WEEKS
    assert opt.cost.contacts == contacts
    assert opt.cost.cost_per_contact == pytest.approx(opt.cost.total / contacts)
    # roles: agents on the floor (not in training) per lead at 1:15, QA 1:25, WFM 1:75; 1 trainer for 10 hires
    floor0 = 30 + 4 + 16
    roles = opt.roles[0]
    assert roles.team_leads[0] == np.ceil(floor0 / 15) == 4
    assert roles.qa_analysts[0] == 2 and roles.wfm_analysts[0] == 1
    assert list(roles.trainers[5:9]) == [0, 1, 1, 0]
    cohort = opt.cohorts[0]
    assert cohort.graduates == pytest.approx(8.1 * 0.95**4)
    assert (cohort.nesting_week, cohort.production_week, cohort.proficiency_week) == (8, 12, 10)


def test_optimiser_closes_the_hand_plan_gap_cheaper_than_hiring_to_the_peak() -> None:
    plan = build_plan(_input(), time_limit_s=20)
    opt, peak = plan.optimised, plan.peak
    assert opt.hiring.status == "OPTIMAL"
    for o in (opt, peak):
        for s in o.skills:
            # every week a class can reach (lead 6 + training 2 = week 8 on) is covered
            assert np.all(s.gap[8:] <= 1e-9), (o.hiring.method, s.skill)
        for c in o.hiring.classes:
            assert c.start_week >= SITE.lead_weeks and 5 <= c.size <= 30
    assert opt.shortage_fte_weeks == pytest.approx(peak.shortage_fte_weeks)
    assert opt.cost.total < peak.cost.total
    assert plan.saving > 0.0
