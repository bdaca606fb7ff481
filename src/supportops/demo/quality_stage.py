"""Demo stage: the quality programme on the demo workspace.

The month's sampling plan is drawn from the warehouse (new agents daily, complaints, handle-time outliers,
random evaluations per agent); the demo has no recordings, so the picked contacts are answered by simulated
evaluators (seeded; each agent has its own miss rate, new agents miss more), scored against the default
scorecard and stored in ``evaluations``. A calibration session follows: an expert and three evaluators score
the same ten contacts, one evaluator systematically lenient, and the statistics flag him.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from supportops.cli.output import table

if TYPE_CHECKING:
    from supportops.config import Settings

__all__ = ["quality_stage"]

_OPTIONAL = {"personalization", "escalation", "disclosure", "hold"}  # often not applicable on a contact


def _answers(rng: np.random.Generator, miss: float) -> dict[str, str]:
    from supportops.quality import DEFAULT_SCORECARD

    out: dict[str, str] = {}
    for item in DEFAULT_SCORECARD.items:
        if item.id in _OPTIONAL and rng.random() < 0.3:
            out[item.id] = "na"
            continue
        p = miss / 8 if item.fatal else miss / 3 if item.critical else miss
        out[item.id] = "no" if rng.random() < p else "yes"
    return out


def quality_stage(folder: Path, settings: Settings, as_json: bool, *, seed: int = 7) -> dict[str, Any]:
    """Sample the latest month, score simulated evaluations, store them, calibrate; returns the figures.

    Returns ``month``, ``sampled`` (contacts picked now) and ``by_reason``, ``agents_short_of_quota``, then
    over the month's stored evaluations ``evaluations``, ``quality`` (mean score 0-1), ``status``,
    ``critical_error_rate``, ``fatal_rate``, ``by_team``, ``coaching`` (top five of the list) and
    ``calibration`` (``krippendorff_alpha_interval``, ``icc``, ``flagged`` evaluators)."""
    import polars as pl

    from supportops.cli.quality import score_rows
    from supportops.quality import SamplingRules, calibrate, coaching_list, plan_sample, summarize_scores
    from supportops.warehouse.connection import connect
    from supportops.warehouse.evaluations import read_evaluations, sampling_inputs, save_evaluations

    con = connect(folder)
    try:
        last_at = con.execute("SELECT max(arrived_at) FROM contacts WHERE outcome = 'handled'").fetchall()[0][0]
    finally:
        con.close()
    first = last_at.date().replace(day=1)
    last = last_at.date()
    q, t = settings.quality, settings.targets
    contacts, agents, excluded, done, low = sampling_inputs(
        folder, program=None, first=first, last=last, quality_min=t.quality_min
    )
    rng = np.random.default_rng(seed)
    plan = plan_sample(
        contacts,
        rng=rng,
        rules=SamplingRules(
            random_per_agent=q.random_per_agent_month[0],
            random_range=q.random_per_agent_month,
            targeted_per_agent=q.targeted_per_agent_month,
            new_agent_days=q.new_agent_days,
            aht_outlier_iqr=q.aht_outlier_iqr,
        ),
        agents=agents,
        low_performers=low,
        excluded=excluded,
        done=done,
    )
    # simulated evaluators: each agent's miss rate; new agents and AHT outliers miss more
    ids = sorted(set(plan.picks["agent_id"].to_list()))
    skill = dict(zip(ids, rng.beta(2, 30, size=len(ids)), strict=True))
    rows: list[dict[str, str]] = []
    for r in plan.picks.iter_rows(named=True):
        miss = skill[r["agent_id"]] * (2.5 if r["reason"] == "new_agent" else 1.5 if r["reason"] != "random" else 1)
        evaluated = r["arrived_at"] + timedelta(days=1, hours=float(rng.uniform(0, 8)))
        rows.append(
            {
                "contact_id": r["leg_id"],
                "evaluator": f"qa-{int(rng.integers(1, 4))}",
                "sample_reason": r["reason"],
                "evaluated_at": evaluated.isoformat(),
                **_answers(rng, float(miss)),
            }
        )
    if rows:  # a month already sampled (a second run) draws nothing new
        new_evs, new_items = score_rows(folder, settings, rows, source="demo", choice=None, where="demo evaluations")
        save_evaluations(folder, new_evs, new_items)
    evs, items = read_evaluations(folder)
    evs = evs.filter(pl.col("contact_at").dt.date().is_between(first, last))
    items = items.filter(pl.col("evaluation_id").is_in(evs["evaluation_id"].to_list()))
    kw = {
        "quality_min": t.quality_min,
        "quality_excellent": t.quality_excellent,
        "critical_error_rate_max": t.critical_error_rate_max,
    }
    overall = summarize_scores(evs, by=[], **kw).row(0, named=True)
    by_team = summarize_scores(evs, by=["team_id"], **kw)
    coaching = coaching_list(evs, items, quality_min=t.quality_min)

    # calibration: an expert and three evaluators on the same ten contacts; "dan" is lenient by about 8 points
    cal_rows = []
    for k in range(10):
        truth = float(np.clip(rng.normal(0.86, 0.07), 0, 1))
        for name, bias, noise in (("expert", 0.0, 0.0), ("ana", 0.0, 0.02), ("ben", -0.01, 0.03), ("dan", 0.08, 0.02)):
            value = float(np.clip(truth + bias + rng.normal(0, noise), 0, 1)) if noise else truth
            cal_rows.append((f"cal-{k + 1}", name, round(value, 3)))
    cal = calibrate(
        pl.DataFrame(cal_rows, schema=["contact_id", "evaluator", "score"], orient="row"),
        expert="expert",
        tolerance=q.calibration_tolerance,
    )
    by_reason = dict(sorted(plan.picks.group_by("reason").len().iter_rows()))
    doc: dict[str, Any] = {
        "month": f"{first:%Y-%m}",
        "sampled": plan.picks.height,
        "by_reason": by_reason,
        "agents_short_of_quota": int((~plan.quotas["quota_met"]).sum()),
        "evaluations": evs.height,
        "quality": round(float(overall["score"]), 4),
        "status": overall["status"],
        "critical_error_rate": round(float(overall["critical_error_rate"]), 4),
        "fatal_rate": round(float(overall["fatal_rate"]), 4),
        "by_team": [
            {
                "team": r["team_id"],
                "evaluations": r["evaluations"],
                "quality": round(r["score"], 4),
                "status": r["status"],
            }
            for r in by_team.iter_rows(named=True)
        ],
        "coaching": coaching.head(5).to_dicts(),
        "calibration": {
            "krippendorff_alpha_interval": cal.krippendorff_alpha_interval,
            "icc": cal.icc,
            "flagged": [e.evaluator for e in cal.evaluators if e.flagged],
        },
    }
    if not as_json:
        table(
            f"quality {doc['month']}: {doc['sampled']} contacts sampled "
            f"({', '.join(f'{k} {v}' for k, v in by_reason.items())}); simulated evaluations stored",
            ["scope", "evaluations", "quality", "status", "critical errors"],
            [
                [
                    "all",
                    doc["evaluations"],
                    f"{doc['quality']:.1%}",
                    doc["status"],
                    f"{doc['critical_error_rate']:.1%}",
                ],
                *[
                    [
                        r["team_id"],
                        r["evaluations"],
                        f"{r['score']:.1%}",
                        r["status"],
                        f"{r['critical_error_rate']:.1%}",
                    ]
                    for r in by_team.iter_rows(named=True)
                ],
            ],
        )
        c = doc["calibration"]
        table(
            f"Calibration: alpha (interval) {c['krippendorff_alpha_interval']:.2f}, ICC(2,1) {c['icc']:.2f}",
            ["evaluator", "mean deviation from expert", "flagged"],
            [[e.evaluator, f"{e.mean_deviation:+.1%}", "FLAG" if e.flagged else ""] for e in cal.evaluators],
        )
    return doc
