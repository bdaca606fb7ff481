"""Diagnostics: the contradictions no single metric shows, and the patterns of gaming a metric.

Each diagnostic is judged on the whole operation and on each group of a breakdown, for one period against
the period before, and reports the numbers behind its verdict (``triggered``, ``clear`` or ``not_evaluated``
with the reason):

- ``high_csat_low_fcr``: CSAT top-2-box meets its target while FCR misses its own (pleasant but unresolved).
  FCR is the agent flag when known, else the survey answer, else 1 − repeat rate; the method is reported.
- ``high_fcr_high_aht``: FCR meets its target while AHT is above the threshold: a configured number of
  seconds, or by default the median AHT of the breakdown's groups in the period (resolved but inefficient).
- ``low_effort_high_repeat``: CES (CES 2.0, 7 = easiest, so a *high* score is *low* effort) meets its target
  while the repeat-contact rate is above its maximum (easy, but the underlying issue is not fixed).
- ``aht_down_repeat_up``: AHT fell and the repeat rate rose against the previous period (handle time cut by
  pushing work back onto the customer).
- ``sl_via_short_abandon_exclusion``: service level meets its target only because short abandons are not
  offered: the same variant with every abandon counted misses it. Not evaluated without a short-abandon
  threshold.
- ``quality_high_critical_errors_rising``: the mean evaluation score meets ``targets.quality_min`` while the
  critical-error rate rose against the previous period. Needs an ``evaluations`` table with ``evaluated_at``,
  ``score`` (0-1) and ``critical_error`` (boolean); otherwise not evaluated.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from supportops.config import Settings

__all__ = ["Diagnostic", "run_diagnostics"]

Verdict = Literal["triggered", "clear", "not_evaluated"]
Row = dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One diagnostic on one scope (``group`` empty for the whole operation), with its numbers."""

    code: str
    title: str
    verdict: Verdict
    group: dict[str, Any] = field(default_factory=dict)
    numbers: dict[str, float | str | None] = field(default_factory=dict)
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "verdict": self.verdict,
            "group": dict(self.group),
            "numbers": dict(self.numbers),
            "detail": self.detail,
        }


TITLES = {
    "high_csat_low_fcr": "High CSAT with low FCR: pleasant but unresolved",
    "high_fcr_high_aht": "High FCR with high AHT: resolved but inefficient",
    "low_effort_high_repeat": "Low effort (high CES) with high repeat contact: easy but not fixed",
    "aht_down_repeat_up": "AHT falling while repeat contact rises",
    "sl_via_short_abandon_exclusion": "Service level met only through the short-abandon exclusion",
    "quality_high_critical_errors_rising": "Quality high while critical errors rise",
}


def _fcr(row: Row) -> tuple[float | None, str]:
    for slug in ("fcr", "fcr_survey", "fcr_repeat"):
        if row.get(slug) is not None:
            return row[slug], slug
    return None, "none"


def _missing(code: str, group: dict[str, Any], numbers: dict[str, Any]) -> Diagnostic:
    absent = ", ".join(k for k, v in numbers.items() if v is None)
    return Diagnostic(
        code=code,
        title=TITLES[code],
        verdict="not_evaluated",
        group=group,
        numbers=numbers,
        detail=f"no value for {absent} in this period",
    )


def _judge(code: str, group: dict[str, Any], numbers: dict[str, Any], hit: bool, detail: str) -> Diagnostic:
    return Diagnostic(
        code=code,
        title=TITLES[code],
        verdict="triggered" if hit else "clear",
        group=group,
        numbers=numbers,
        detail=detail if hit else "",
    )


def _scope(
    settings: Settings, group: dict[str, Any], cur: Row, prev: Row, aht_threshold: float | None, threshold_rule: str
) -> list[Diagnostic]:
    t = settings.targets
    out: list[Diagnostic] = []
    fcr, method = _fcr(cur)

    nums: dict[str, Any] = {
        "csat_top2": cur.get("csat_top2"),
        "fcr": fcr,
        "fcr_method": method,
        "csat_target": t.csat_top2_min,
        "fcr_target": t.fcr_min,
    }
    if nums["csat_top2"] is None or fcr is None:
        out.append(_missing("high_csat_low_fcr", group, nums))
    else:
        out.append(
            _judge(
                "high_csat_low_fcr",
                group,
                nums,
                nums["csat_top2"] >= t.csat_top2_min and fcr < t.fcr_min,
                f"CSAT top-2 {nums['csat_top2']:.1%} meets {t.csat_top2_min:.0%} but FCR ({method}) "
                f"{fcr:.1%} is under {t.fcr_min:.0%}",
            )
        )

    nums = {
        "fcr": fcr,
        "fcr_method": method,
        "aht_s": cur.get("aht_s"),
        "aht_threshold_s": aht_threshold,
        "aht_threshold_rule": threshold_rule,
        "fcr_target": t.fcr_min,
    }
    if fcr is None or nums["aht_s"] is None or aht_threshold is None:
        out.append(_missing("high_fcr_high_aht", group, nums))
    else:
        out.append(
            _judge(
                "high_fcr_high_aht",
                group,
                nums,
                fcr >= t.fcr_min and nums["aht_s"] > aht_threshold,
                f"FCR ({method}) {fcr:.1%} meets {t.fcr_min:.0%} with AHT {nums['aht_s']:.0f} s above "
                f"{aht_threshold:.0f} s ({threshold_rule})",
            )
        )

    nums = {
        "ces": cur.get("ces"),
        "repeat_rate_7d": cur.get("repeat_rate_7d"),
        "ces_target": t.ces_min,
        "repeat_target": t.repeat_rate_max,
    }
    if nums["ces"] is None or nums["repeat_rate_7d"] is None:
        out.append(_missing("low_effort_high_repeat", group, nums))
    else:
        hit = nums["ces"] >= t.ces_min and nums["repeat_rate_7d"] > t.repeat_rate_max
        out.append(
            _judge(
                "low_effort_high_repeat",
                group,
                nums,
                hit,
                f"CES {nums['ces']:.2f} meets {t.ces_min:g} but repeat contact "
                f"{nums['repeat_rate_7d']:.1%} is above {t.repeat_rate_max:.0%}",
            )
        )

    nums = {
        "aht_s": cur.get("aht_s"),
        "aht_s_previous": prev.get("aht_s"),
        "repeat_rate_7d": cur.get("repeat_rate_7d"),
        "repeat_rate_7d_previous": prev.get("repeat_rate_7d"),
    }
    if any(v is None for v in nums.values()):
        out.append(_missing("aht_down_repeat_up", group, nums))
    else:
        hit = nums["aht_s"] < nums["aht_s_previous"] and nums["repeat_rate_7d"] > nums["repeat_rate_7d_previous"]
        out.append(
            _judge(
                "aht_down_repeat_up",
                group,
                nums,
                hit,
                f"AHT {nums['aht_s_previous']:.0f} → {nums['aht_s']:.0f} s while repeat contact "
                f"{nums['repeat_rate_7d_previous']:.1%} → {nums['repeat_rate_7d']:.1%}",
            )
        )

    sl = settings.service_level
    nums = {
        "service_level": cur.get("service_level"),
        "service_level_all_abandons": cur.get("service_level_all_abandons"),
        "short_abandoned": cur.get("short_abandoned"),
        "short_abandon_s": sl.short_abandon_s,
        "target": sl.target,
    }
    if sl.short_abandon_s <= 0:
        out.append(
            Diagnostic(
                code="sl_via_short_abandon_exclusion",
                title=TITLES["sl_via_short_abandon_exclusion"],
                verdict="not_evaluated",
                group=group,
                numbers=nums,
                detail="no short-abandon threshold is set (service_level.short_abandon_s = 0)",
            )
        )
    elif nums["service_level"] is None or nums["service_level_all_abandons"] is None:
        out.append(_missing("sl_via_short_abandon_exclusion", group, nums))
    else:
        hit = nums["service_level"] >= sl.target and nums["service_level_all_abandons"] < sl.target
        out.append(
            _judge(
                "sl_via_short_abandon_exclusion",
                group,
                nums,
                hit,
                f"service level {nums['service_level']:.1%} meets {sl.target:.0%} but is "
                f"{nums['service_level_all_abandons']:.1%} when the {nums['short_abandoned']} "
                f"short abandons count",
            )
        )
    return out


def _quality(
    con: BaseBackend, settings: Settings, period: tuple[datetime, datetime], previous: tuple[datetime, datetime]
) -> Diagnostic:
    code = "quality_high_critical_errors_rising"
    from supportops.metrics.tables import epoch_s, has_table

    if not has_table(con, "evaluations"):
        return Diagnostic(
            code=code, title=TITLES[code], verdict="not_evaluated", detail="no evaluations table in the warehouse"
        )
    ev = con.table("evaluations")
    lacking = [c for c in ("evaluated_at", "score", "critical_error") if c not in ev.columns]
    if lacking:
        return Diagnostic(
            code=code,
            title=TITLES[code],
            verdict="not_evaluated",
            detail=f"the evaluations table lacks {', '.join(lacking)}",
        )
    import ibis

    from supportops.metrics.backend import fetch_rows

    def stats(bounds: tuple[datetime, datetime]) -> tuple[float | None, float | None]:
        at = epoch_s(ev.evaluated_at)
        sel = ev.filter((at >= int(bounds[0].timestamp())) & (at < int(bounds[1].timestamp())))
        row = fetch_rows(
            sel.aggregate(
                q=sel.score.cast("float64").mean(),
                c=ibis.ifelse(sel.critical_error.fill_null(False), 1.0, 0.0).mean(),
            )
        )[0]
        return row["q"], row["c"]

    q, c = stats(period)
    _, c_prev = stats(previous)
    nums: dict[str, Any] = {
        "quality": q,
        "critical_error_rate": c,
        "critical_error_rate_previous": c_prev,
        "quality_target": settings.targets.quality_min,
    }
    if q is None or c is None or c_prev is None:
        return _missing(code, {}, nums)
    hit = q >= settings.targets.quality_min and c > c_prev
    return _judge(
        code,
        {},
        nums,
        hit,
        f"quality {q:.1%} meets {settings.targets.quality_min:.0%} while critical errors rose {c_prev:.1%} → {c:.1%}",
    )


def run_diagnostics(
    con: BaseBackend,
    settings: Settings,
    *,
    overall: tuple[Row, Row],
    groups: Sequence[tuple[dict[str, Any], Row, Row]],
    aht_threshold_s: float | None,
    period: tuple[datetime, datetime],
    previous: tuple[datetime, datetime],
) -> list[Diagnostic]:
    """Every diagnostic on the whole operation (``overall`` = this and the previous period's metric rows) and
    on each ``(group key, this period, previous period)`` of a breakdown."""
    if aht_threshold_s is not None:
        threshold: float | None = aht_threshold_s
        rule = "configured threshold"
    else:
        ahts = [r["aht_s"] for _, r, _ in groups if r.get("aht_s") is not None]
        threshold = statistics.median(ahts) if ahts else None
        rule = f"median AHT of {len(ahts)} groups"
    out = _scope(settings, {}, overall[0], overall[1], threshold, rule)
    out.append(_quality(con, settings, period, previous))
    for key, cur, prev in groups:
        out.extend(_scope(settings, key, cur, prev, threshold, rule))
    return out
