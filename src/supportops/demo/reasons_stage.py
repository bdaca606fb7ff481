"""Demo stage: contact reasons on the demo workspace.

The generated contacts carry agent-coded reasons (L1 / L2). The stage ranks them by volume and cost (Pareto,
top-10 share against the brief's 60-70 %), finds the repeat drivers (another contact of the same customer
within the targets' repeat window) and builds the business cases for the top five opportunities from the
workspace's cost rates and ``[reasons]`` assumptions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from supportops.cli.output import table

if TYPE_CHECKING:
    from supportops.config import Settings

__all__ = ["reasons_stage"]


def reasons_stage(folder: Path, settings: Settings, as_json: bool) -> dict[str, Any]:
    """Pareto, repeat drivers and top-5 business cases of the demo warehouse's contacts.

    Returns ``contacts``, ``reasons``, ``top10_share`` (fraction 0-1), ``top10_verdict`` (below / within /
    above the brief's band), ``top`` (the three largest reasons: ``reason``, ``volume``, ``share``,
    ``cost``), ``repeat_drivers`` (three: ``reason``, ``repeat_rate``), ``cases`` (five: ``reason``,
    ``lever``, ``net_saving`` per year, ``payback_months``) and ``net_saving`` (the five cases' sum), amounts in
    the workspace currency."""
    from supportops.cli.reasons import analyse, build_cases, case_document, cost_per_minute, print_cases
    from supportops.reasons.sources import warehouse_frame

    frame = warehouse_frame(folder)
    cpm, _ = cost_per_minute(settings, None)
    doc = analyse(
        frame, level=2, window_days=settings.targets.repeat_window_days, cpm=cpm, top=10, levers=settings.reasons.levers
    )
    p = doc["pareto"]
    cases = []
    if cpm is not None:
        found, _period = build_cases(frame, settings, level=2, cpm=cpm, aht_s=None, top=5)
        cases = [case_document(c) for c in found]
    result: dict[str, Any] = {
        "contacts": p["contacts"],
        "reasons": p["reasons"],
        "top10_share": p["top10_share"],
        "top10_verdict": p["top10_verdict"],
        "top": [
            {"reason": r["reason"], "volume": r["volume"], "share": r["share"], "cost": r["cost"]}
            for r in p["rows"][:3]
        ],
        "repeat_drivers": [
            {"reason": d["reason"], "repeat_rate": d["repeat_rate"]} for d in doc.get("repeat_drivers", [])[:3]
        ],
        "cases": [
            {
                "reason": c["reason"],
                "lever": c["lever"],
                "net_saving": round(c["net_saving"], 2),
                "payback_months": None if c["payback_months"] is None else round(c["payback_months"], 1),
            }
            for c in cases
        ],
        "net_saving": round(sum(c["net_saving"] for c in cases), 2),
    }
    if not as_json:
        table(
            f"Contact reasons: top 10 of {p['reasons']} carry {p['top10_share']:.0%} of {p['contacts']:,} contacts",
            ["reason", "contacts", "share", "cumulative", "cost"],
            [
                [
                    r["reason"],
                    r["volume"],
                    f"{r['share']:.1%}",
                    f"{r['cumulative_share']:.1%}",
                    "-" if r["cost"] is None else f"{r['cost']:,.0f}",
                ]
                for r in p["rows"][:5]
            ],
        )
        if cases:
            print_cases(cases, "Top 5 business cases (annualised)")
    return result
