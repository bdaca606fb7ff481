"""``supportops capacity``: the 3-12-month plan from a PLAN.toml, and SLA feasibility in both directions."""

from __future__ import annotations

import csv
import math
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from supportops.cli.output import JSON_OPTION, guarded, print_json, table
from supportops.errors import InputError

if TYPE_CHECKING:
    from supportops.capacity import CapacityPlan, PlanOption
    from supportops.capacity.planfile import PlanDefaults, PlanFile
    from supportops.config import Settings

capacity_app = typer.Typer(help="Capacity planning: FTE, attrition, hiring, training pipeline, SLA feasibility.")

WEEK_COLUMNS = (
    "option",
    "week",
    "week_of",
    "skill",
    "volume",
    "demand_fte",
    "productive_fte",
    "gap_fte",
    "headcount",
    "training",
    "nesting",
    "hires_starting",
)


def register(app: typer.Typer) -> None:
    app.add_typer(capacity_app, name="capacity")


def plan_defaults(settings: Settings) -> PlanDefaults:
    """The PLAN.toml defaults a workspace's settings give (capacity, staffing, ratios, cost rates)."""
    from supportops.capacity import Pipeline, RoleRatios
    from supportops.capacity.planfile import PlanDefaults

    cap = settings.capacity
    return PlanDefaults(
        pipeline=Pipeline(
            training_weeks=cap.training_weeks,
            training_attrition=cap.training_attrition_max,
            nesting_ramp=cap.nesting_ramp,
            nesting_attrition=cap.nesting_attrition_max,
            monthly_attrition=cap.monthly_attrition,
            early_monthly_attrition=cap.early_tenure_attrition,
        ),
        shrinkage=settings.staffing.shrinkage,
        absenteeism=settings.staffing.absenteeism,
        service_level=settings.service_level.target,
        threshold_s=settings.service_level.threshold_s,
        interval_minutes=settings.staffing.interval_minutes,
        chat_concurrency=settings.staffing.chat_concurrency,
        ratios=RoleRatios(
            team_lead=settings.ratios.team_lead,
            qa_analyst=settings.ratios.qa_analyst,
            wfm_analyst=settings.ratios.wfm_analyst,
        ),
        trainees_per_trainer=settings.ratios.trainer,
        lead_weeks={
            "onshore": cap.hiring_lead_weeks_onshore,
            "work_from_home": cap.hiring_lead_weeks_onshore,
            "nearshore": cap.hiring_lead_weeks_offshore,
            "offshore": cap.hiring_lead_weeks_offshore,
        },
        cost_rates={r.site: (r.delivery_model, r.hourly_cost, r.paid_hours_per_year) for r in settings.cost_rates},
    )


def read_weekly_csv(path: Path) -> tuple[list[float], list[float] | None]:
    """Contacts per week (column ``contacts`` or ``volume``) and, when present, AHT (``aht_s`` or ``aht``) from
    a weekly CSV such as ``supportops forecast weekly --out FILE.csv`` writes."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        vol_col = next((c for c in ("contacts", "volume") if c in header), None)
        aht_col = next((c for c in ("aht_s", "aht") if c in header), None)
        if vol_col is None:
            raise InputError(f"{path}: needs a 'contacts' (or 'volume') column; found {', '.join(header)}")
        vols: list[float] = []
        ahts: list[float] = []
        for line, raw in enumerate(reader, start=2):
            rec = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            try:
                v = float(rec[vol_col])
                a = float(rec[aht_col]) if aht_col else math.nan
            except ValueError:
                raise InputError(f"{path}: row {line}: {vol_col} or {aht_col} is not a number") from None
            if not (math.isfinite(v) and v >= 0):
                raise InputError(f"{path}: row {line}, column {vol_col!r}: must be ≥ 0")
            vols.append(v)
            ahts.append(a)
    if not vols:
        raise InputError(f"{path}: no weeks")
    return vols, ahts if aht_col else None


def load_plan(path: Path, workspace: Path | None) -> PlanFile:
    """Read PLAN.toml (weekly CSVs resolved next to it) with the workspace's settings as defaults."""
    from supportops.capacity.planfile import parse_plan
    from supportops.config import Settings

    if not path.is_file():
        raise InputError(f"{path}: no such plan file")
    settings = Settings()
    if workspace is not None:
        from supportops.workspace import open_settings

        settings = open_settings(workspace)
    return parse_plan(
        path.read_text(encoding="utf-8-sig"),
        source=str(path),
        defaults=plan_defaults(settings),
        read_volume=lambda name: read_weekly_csv(path.parent / name),
    )


def _week_label(plan: CapacityPlan, week: int) -> str:
    fw = plan.input.first_week
    return str(fw + timedelta(days=7 * week)) if fw else ""


def week_rows(plan: CapacityPlan) -> list[list[Any]]:
    """One row per option, week and skill (the export and the JSON ``weeks``)."""
    rows: list[list[Any]] = []
    for name, opt in (("optimised", plan.optimised), ("peak", plan.peak)):
        for w in range(plan.input.weeks):
            for s, d in zip(opt.skills, plan.demand, strict=True):
                rows.append(
                    [
                        name,
                        w,
                        _week_label(plan, w),
                        s.skill,
                        round(float(d.volume[w]), 1),
                        round(float(s.demand[w]), 3),
                        round(float(s.productive[w]), 3),
                        round(float(s.gap[w]), 3),
                        round(float(s.headcount[w]), 3),
                        round(float(s.training[w]), 3),
                        round(float(s.nesting[w]), 3),
                        int(s.hires[w]),
                    ]
                )
    return rows


def _option_doc(opt: PlanOption) -> dict[str, Any]:
    return {
        "status": opt.hiring.status,
        "solve_s": round(opt.hiring.solve_s, 3),
        "classes": [
            {
                "skill": c.skill,
                "site": c.site,
                "start_week": c.start_week,
                "size": c.size,
                "trainers": c.trainers,
                "nesting_week": c.nesting_week,
                "production_week": c.production_week,
                "proficiency_week": c.proficiency_week,
                "expected_graduates": round(c.graduates, 2),
                "expected_training_leavers": round(c.training_leavers, 2),
                "expected_nesting_leavers": round(c.nesting_leavers, 2),
            }
            for c in opt.cohorts
        ],
        "shortage_fte_weeks": round(opt.shortage_fte_weeks, 3),
        "cost": {
            "agents": round(opt.cost.agents, 2),
            "recruiting": round(opt.cost.recruiting, 2),
            "roles": round(opt.cost.roles, 2),
            "total": round(opt.cost.total, 2),
            "contacts": round(opt.cost.contacts, 1),
            "cost_per_contact": round(opt.cost.cost_per_contact, 4),
            "by_site": {k: round(v, 2) for k, v in opt.cost.by_site.items()},
        },
        "roles_peak": {
            r.site: {
                "team_leads": int(r.team_leads.max(initial=0)),
                "qa_analysts": int(r.qa_analysts.max(initial=0)),
                "trainers": int(r.trainers.max(initial=0)),
                "wfm_analysts": int(r.wfm_analysts.max(initial=0)),
            }
            for r in opt.roles
        },
    }


def plan_document(plan: CapacityPlan) -> dict[str, Any]:
    """The plan as one JSON-able document."""
    return {
        "weeks": plan.input.weeks,
        "first_week": plan.input.first_week,
        "skills": [
            {
                "skill": d.skill,
                "channel": d.channel,
                "contacts": round(float(d.volume[: plan.input.weeks].sum()), 1),
                "demand_fte_peak": round(float(d.fte[: plan.input.weeks].max()), 3),
                "demand_fte_mean": round(float(d.fte[: plan.input.weeks].mean()), 3),
                "peak_interval_rostered": int(d.peak_rostered[: plan.input.weeks].max()),
            }
            for d in plan.demand
        ],
        "optimised": _option_doc(plan.optimised),
        "peak": _option_doc(plan.peak),
        "cost_saving_vs_peak_hiring": round(plan.saving, 6),
        "week_rows": [dict(zip(WEEK_COLUMNS, r, strict=True)) for r in week_rows(plan)],
    }


def print_plan(plan: CapacityPlan) -> None:
    """The plan's tables: weeks of the optimised option, classes of both, roles and cost."""
    opt = plan.optimised
    rows = [r[1:] for r in week_rows(plan) if r[0] == "optimised"]
    table(
        f"Capacity plan, {plan.input.weeks} weeks (optimised hiring): FTE required vs productive",
        [
            "week",
            "week of",
            "skill",
            "volume",
            "demand",
            "productive",
            "gap",
            "headcount",
            "training",
            "nesting",
            "hires",
        ],
        [
            [
                r[0],
                r[1],
                r[2],
                r[3],
                f"{r[4]:.1f}",
                f"{r[5]:.1f}",
                f"{r[6]:+.1f}",
                f"{r[7]:.1f}",
                f"{r[8]:.1f}",
                f"{r[9]:.1f}",
                r[10],
            ]
            for r in rows
        ],
    )
    classes: list[list[Any]] = []
    for name, o in (("optimised", opt), ("peak", plan.peak)):
        classes.extend(
            [
                name,
                c.skill,
                c.site,
                c.start_week,
                c.size,
                c.trainers,
                c.production_week,
                c.proficiency_week,
                f"{c.graduates:.1f}",
            ]
            for c in o.cohorts
        )
    table(
        "Hiring classes (weeks are plan weeks; graduates are expected)",
        ["option", "skill", "site", "start", "size", "trainers", "production", "proficient", "graduates"],
        classes or [["—"] * 9],
    )
    table(
        "Support roles at the busiest week (optimised)",
        ["site", "team leads", "QA analysts", "trainers", "WFM analysts"],
        [
            [
                r.site,
                int(r.team_leads.max(initial=0)),
                int(r.qa_analysts.max(initial=0)),
                int(r.trainers.max(initial=0)),
                int(r.wfm_analysts.max(initial=0)),
            ]
            for r in opt.roles
        ],
    )
    more = plan.peak.shortage_fte_weeks - opt.shortage_fte_weeks
    verdict = f"optimised costs {plan.saving:.1%} less than hiring to the peak"
    if abs(more) > 1e-6:
        verdict += f" and closes {more:.1f} FTE-weeks more of the gap"
    table(
        f"Cost over the plan: {verdict}",
        ["option", "status", "agents", "recruiting", "roles", "total", "per contact", "gap FTE-weeks", "solve s"],
        [
            [
                name,
                o.hiring.status,
                f"{o.cost.agents:,.0f}",
                f"{o.cost.recruiting:,.0f}",
                f"{o.cost.roles:,.0f}",
                f"{o.cost.total:,.0f}",
                f"{o.cost.cost_per_contact:.2f}",
                f"{o.shortage_fte_weeks:.1f}",
                f"{o.hiring.solve_s:.2f}",
            ]
            for name, o in (("optimised", opt), ("peak", plan.peak))
        ],
    )


@capacity_app.command("plan")
@guarded
def plan_cmd(
    plan_file: Path = typer.Argument(..., help="PLAN.toml (see docs/capacity.md)."),
    workspace: Path | None = typer.Option(None, "--workspace", "-w", help="Workspace whose settings are defaults."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Export the weekly rows of both options (.xlsx/.csv)."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Optimiser time limit, seconds."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Weekly FTE required vs available, an optimised hiring plan against hiring to the peak, roles and cost."""
    from supportops.capacity import assess_cohort, build_plan

    pf = load_plan(plan_file, workspace)
    limit = pf.time_limit_s if time_limit is None else time_limit
    if not (math.isfinite(limit) and limit > 0):
        raise InputError(f"--time-limit {limit}: must be more than 0 seconds")
    plan = build_plan(pf.input, time_limit_s=limit)
    reports = [assess_cohort(c, pf.graduation) for c in pf.cohorts]
    if out is not None:
        from supportops.exports import write_table

        write_table(out, WEEK_COLUMNS, week_rows(plan), sheet="capacity plan")
    if as_json:
        doc = plan_document(plan)
        doc["cohorts"] = [
            {
                "name": r.name,
                "hired": r.hired,
                "graduated": r.graduated,
                "failed_assessment": r.failed_assessment,
                "training_attrition": round(r.training_attrition, 4),
                "training_attrition_ok": r.training_attrition_ok,
                "nesting_attrition": round(r.nesting_attrition, 4),
                "nesting_attrition_ok": r.nesting_attrition_ok,
                "proficiency_week": r.proficiency_week,
                "flags": list(r.flags),
            }
            for r in reports
        ]
        doc["export"] = out
        print_json(doc)
        return
    print_plan(plan)
    if reports:
        table(
            "Training cohorts that ran (graduation: knowledge > 80%, mock > 75%)",
            ["class", "hired", "graduated", "failed", "training attr.", "nesting attr.", "proficient week", "flags"],
            [
                [
                    r.name,
                    r.hired,
                    r.graduated,
                    r.failed_assessment,
                    f"{r.training_attrition:.0%}",
                    f"{r.nesting_attrition:.0%}",
                    r.proficiency_week or "—",
                    "; ".join(r.flags) or "ok",
                ]
                for r in reports
            ],
        )
    if out is not None:
        typer.echo(f"wrote {plan.input.weeks} weeks × {len(plan.demand)} skills × 2 options to {out}")


def _numbers(text: str, name: str) -> list[float]:
    try:
        values = [float(v) for v in text.replace(";", ",").split(",") if v.strip()]
    except ValueError:
        raise InputError(f"{name} {text!r}: expected a number or comma-separated numbers") from None
    if not values:
        raise InputError(f"{name}: no value")
    return values


@capacity_app.command("feasibility")
@guarded
def feasibility_cmd(
    calls: str = typer.Option(..., "--calls", help="Contacts per interval; commas for several intervals."),
    aht: str = typer.Option(..., "--aht", help="AHT seconds; one value or one per interval."),
    interval: float = typer.Option(30.0, "--interval", help="Interval length, minutes."),
    sl: str = typer.Option("80/20", "--sl", help="Service-level target PERCENT/SECONDS."),
    shrinkage: float = typer.Option(0.30, "--shrinkage", help="Planned time off the phones, fraction."),
    absenteeism: float = typer.Option(0.08, "--absenteeism", help="Unplanned absence, fraction."),
    patience: float | None = typer.Option(None, "--patience", help="Mean patience, seconds (Erlang A)."),
    budget_fte: int | None = typer.Option(None, "--budget-fte", help="Budget in rostered people."),
    budget_money: float | None = typer.Option(None, "--budget-money", help="Budget in money per year."),
    hourly_cost: float | None = typer.Option(None, "--hourly-cost", help="Cost per paid hour (for money)."),
    paid_hours: float = typer.Option(1920.0, "--paid-hours", help="Paid hours per FTE per year."),
    as_json: bool = JSON_OPTION,
) -> None:
    """What a budget staffs for (service level per interval), and what a service-level target needs (people
    and money): both directions through the same Erlang and shrinkage code as `supportops staff`."""
    import numpy as np

    from supportops.capacity import budget_for_target, fte_for_money, service_level_at_budget
    from supportops.cli.staff import parse_sl
    from supportops.queueing import Targets

    target, threshold = parse_sl(sl)
    c = _numbers(calls, "--calls")
    h = _numbers(aht, "--aht")
    if len(h) not in (1, len(c)):
        raise InputError(f"--aht: give one value or one per interval ({len(c)}), got {len(h)}")
    if any(not (math.isfinite(v) and v >= 0) for v in c):
        raise InputError("--calls: every value must be ≥ 0")
    if any(not (math.isfinite(v) and v > 0) for v in h):
        raise InputError("--aht: every value must be more than 0 seconds")
    if not (math.isfinite(interval) and interval > 0):
        raise InputError(f"--interval {interval}: must be more than 0 minutes")
    for name, v in (("--shrinkage", shrinkage), ("--absenteeism", absenteeism)):
        if not (math.isfinite(v) and 0 <= v < 1):
            raise InputError(f"{name} {v}: must be a fraction in [0, 1) (0.30 means 30%)")
    if hourly_cost is not None and not (math.isfinite(hourly_cost) and hourly_cost > 0):
        raise InputError(f"--hourly-cost {hourly_cost}: must be more than 0")
    if not (math.isfinite(paid_hours) and paid_hours > 0):
        raise InputError(f"--paid-hours {paid_hours}: must be more than 0")
    if budget_money is not None and hourly_cost is None:
        raise InputError("--budget-money needs --hourly-cost (and --paid-hours) to turn money into people")
    if budget_fte is not None and budget_money is not None:
        raise InputError("give --budget-fte or --budget-money, not both")
    per_fte = None if hourly_cost is None else hourly_cost * paid_hours
    targets = Targets(service_level=target, threshold=threshold)
    ca, ha = np.asarray(c), np.asarray(h if len(h) == len(c) else h * len(c))
    need = budget_for_target(
        ca,
        ha,
        interval * 60.0,
        targets,
        shrinkage=shrinkage,
        absenteeism=absenteeism,
        patience=patience,
        cost_per_fte_year=per_fte,
    )
    doc: dict[str, Any] = {
        "target": {"service_level": target, "threshold_s": threshold},
        "model": "erlang_a" if patience is not None else "erlang_c",
        "agents_needed": int(need.agents.max()),
        "scheduled_needed": int(need.scheduled.max()),
        "rostered_needed": need.rostered_needed,
        "money_needed": None if need.budget_needed is None else round(need.budget_needed, 2),
    }
    budget = budget_fte
    if budget_money is not None and per_fte is not None:
        budget = fte_for_money(budget_money, per_fte)
        doc["budget_money"] = budget_money
    ans = None
    if budget is not None:
        if budget < 0:
            raise InputError(f"--budget-fte {budget}: must be ≥ 0 people")
        ans = service_level_at_budget(
            ca,
            ha,
            interval * 60.0,
            budget,
            shrinkage=shrinkage,
            absenteeism=absenteeism,
            targets=targets,
            patience=patience,
        )
        doc.update(
            budget_fte=budget,
            agents_at_budget=ans.agents,
            scheduled_at_budget=ans.scheduled,
            service_level_at_budget=round(ans.overall_service_level, 6),
            feasible=bool(ans.meets_target.all()),
            shortfall_rostered=max(need.rostered_needed - budget, 0),
        )
    doc["intervals"] = [
        {
            "calls": c[i],
            "aht_s": float(ha[i]),
            "agents_needed": int(need.agents[i]),
            "rostered_needed": int(need.rostered[i]),
            "service_level_needed": round(float(need.service_level[i]), 6),
            **(
                {}
                if ans is None
                else {
                    "service_level_at_budget": round(float(ans.service_level[i]), 6),
                    "asa_at_budget_s": round(float(ans.asa[i]), 3) if math.isfinite(ans.asa[i]) else None,
                    "meets_target": bool(ans.meets_target[i]),
                }
            ),
        }
        for i in range(len(c))
    ]
    if as_json:
        print_json(doc)
        return
    rows: list[list[Any]] = [
        ["target", f"{target:.0%} in {threshold:g} s"],
        ["agents needed (on the phones)", doc["agents_needed"]],
        ["scheduled needed", doc["scheduled_needed"]],
        ["rostered needed", doc["rostered_needed"]],
    ]
    if doc["money_needed"] is not None:
        rows.append(["money needed per year", f"{doc['money_needed']:,.0f}"])
    if ans is not None:
        rows += [
            ["budget (rostered)", budget],
            ["agents on the phones at budget", ans.agents],
            ["service level at budget", f"{ans.overall_service_level:.1%}"],
            ["feasible", "yes" if doc["feasible"] else f"no: {doc['shortfall_rostered']} rostered short"],
        ]
    table("SLA feasibility", ["figure", "value"], rows)
