"""The catalogue: every KPI of the operating model, each declared once (formulas in ``docs/metrics.md``).

Counting rules shared by the formulas: only inbound legs count (direction inbound or unknown); a leg is
*offered* when it reached a queue (outcome handled, abandoned, flowed_out, callback_requested or timed_out)
and is not a short abandon (an abandon with queue time below ``service_level.short_abandon_s``; none when
that is 0). Service level, ASA and abandonment are measured on live channels (voice, chat); response time
on email and messaging. Durations are seconds; rates are fractions 0-1; NPS is -100..100.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from supportops.metrics.definitions import Metric, Target
from supportops.metrics.tables import (
    ASYNC_RESPONSE_CHANNELS,
    HANDLING_STATES,
    PRODUCTIVE_STATES,
    SHRINKAGE_STATES,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from supportops.config import Settings
    from supportops.metrics.tables import MetricTables

__all__ = ["METRICS", "REQUIRED_SLUGS", "get_metric", "sl_variant_label"]


def _n(cond: ir.BooleanValue) -> ir.IntegerScalar:
    """Count of rows where ``cond`` is true (NULL counts as false)."""
    import ibis

    return ibis.ifelse(cond, 1, 0).sum()


def _sum(value: ir.NumericValue, cond: ir.BooleanValue) -> ir.NumericScalar:
    import ibis

    return ibis.ifelse(cond, value, 0).sum()


def _ratio(num: ir.NumericScalar, den: ir.NumericScalar, scale: float = 1.0) -> ir.FloatingScalar:
    """``num / den`` as a float, NULL when ``den`` is 0 (no division error on ANSI Spark)."""
    out = num.cast("float64") / den.cast("float64").nullif(0.0)
    return out * scale if scale != 1.0 else out


def _legs(t: MetricTables) -> ir.Table:
    assert t.legs is not None
    return t.legs


def _conv(t: MetricTables) -> ir.Table:
    assert t.conversations is not None
    return t.conversations


def _rep(t: MetricTables) -> ir.Table:
    assert t.repeats is not None
    return t.repeats


def _surv(t: MetricTables) -> ir.Table:
    assert t.surveys is not None
    return t.surveys


def _st(t: MetricTables) -> ir.Table:
    assert t.states is not None
    return t.states


def _abandoned(t: MetricTables, *, with_short: bool = False) -> ir.BooleanValue:
    legs = _legs(t)
    cond = legs.outcome == "abandoned"
    return cond if with_short else cond & ~legs._short


def _sync_offered(t: MetricTables, *, with_short: bool = False) -> ir.BooleanValue:
    legs = _legs(t)
    return legs._sync & (legs._offered_all if with_short else legs._offered)


def _service_level(t: MetricTables, *, with_short: bool = False) -> ir.FloatingScalar:
    """A_in / O, A_in / (O - B_in) or (A_in + B_in) / O as the workspace's variant says."""
    legs = _legs(t)
    within = legs._q_ms <= t.threshold_ms
    a_in = _n(legs._sync & (legs.outcome == "handled") & within)
    b_in = _n(legs._sync & _abandoned(t, with_short=with_short) & within)
    offered = _n(_sync_offered(t, with_short=with_short))
    variant = t.settings.service_level.variant
    if variant == "abandons_ignored":
        return _ratio(a_in, offered - b_in)
    if variant == "abandons_positive":
        return _ratio(a_in + b_in, offered)
    return _ratio(a_in, offered)


def _handled_mean(t: MetricTables, column: str) -> ir.FloatingScalar:
    legs = _legs(t)
    handled = legs.outcome == "handled"
    return _ratio(_sum(legs[column].fill_null(0), handled), _n(handled), 1 / 1000)


def _conv_handled(t: MetricTables) -> ir.BooleanValue:
    return _conv(t)._conv_handled == 1


def _state_secs(t: MetricTables, states: tuple[str, ...]) -> ir.NumericScalar:
    st = _st(t)
    return _sum(st._secs, st.state.isin(states))


LOGGED_STATES = (*PRODUCTIVE_STATES, *SHRINKAGE_STATES)


def sl_variant_label(settings: Settings) -> str:
    """The service-level definition in words, as every report names it."""
    sl = settings.service_level
    base = {
        "abandons_negative": "answered within {T} s / offered (abandons count against)",
        "abandons_ignored": "answered within {T} s / (offered - abandoned within {T} s)",
        "abandons_positive": "(answered + abandoned within {T} s) / offered",
    }[sl.variant].format(T=f"{sl.threshold_s:g}")
    short = (
        f"; abandons under {sl.short_abandon_s:g} s are not offered"
        if sl.short_abandon_s > 0
        else "; no short-abandon exclusion"
    )
    return f"{sl.variant}: {base}{short}"


def _min(value: Any) -> Target:
    return Target(kind="min", low=float(value))


def _max(value: Any) -> Target:
    return Target(kind="max", high=float(value))


def _range(pair: tuple[float, float]) -> Target:
    return Target(kind="range", low=float(pair[0]), high=float(pair[1]))


def _derive_fcr_repeat(v: Mapping[str, float | None]) -> float | None:
    r = v.get("repeat_rate_7d")
    return None if r is None else 1.0 - r


def _derive_cpph(v: Mapping[str, float | None]) -> float | None:
    handled, hours = v.get("handled"), v.get("productive_hours")
    if handled is None or not hours:
        return None
    return handled / hours


def _derive_cost(v: Mapping[str, float | None]) -> float | None:
    cost, handled, unrated = v.get("agent_cost"), v.get("handled"), v.get("unrated_hours")
    if cost is None or not handled or unrated is None or unrated > 0:
        return None
    return cost / handled


_C = ("contacts.outcome", "contacts.direction")
_Q = (*_C, "contacts.channel", "contacts.queue_ms")
_H = (*_C, "contacts.talk_ms", "contacts.hold_ms", "contacts.acw_ms")
_CONV = ("contacts.conversation_id", "contacts.arrived_at", "contacts.leg_seq", "contacts.outcome")

METRICS: tuple[Metric, ...] = (
    # ---- volume
    Metric(
        slug="offered",
        label="Offered",
        unit="count",
        better="target",
        category="volume",
        source="legs",
        formula="inbound legs that reached a queue (handled, abandoned, flowed out, callback, timed out), "
        "short abandons excluded",
        requires=_C,
        expr=lambda t: _n(_legs(t)._offered),
    ),
    Metric(
        slug="handled",
        label="Handled",
        unit="count",
        better="higher",
        category="volume",
        source="legs",
        formula="inbound legs with outcome handled",
        requires=_C,
        expr=lambda t: _n(_legs(t).outcome == "handled"),
    ),
    Metric(
        slug="abandoned",
        label="Abandoned",
        unit="count",
        better="lower",
        category="volume",
        source="legs",
        formula="inbound legs with outcome abandoned, short abandons excluded",
        requires=(*_C, "contacts.queue_ms"),
        expr=lambda t: _n(_abandoned(t)),
    ),
    Metric(
        slug="short_abandoned",
        label="Short abandons",
        unit="count",
        better="lower",
        category="volume",
        source="legs",
        formula="abandons with queue time under service_level.short_abandon_s (0 when unset)",
        requires=(*_C, "contacts.queue_ms"),
        expr=lambda t: _n(_legs(t)._short),
    ),
    Metric(
        slug="flowed_out",
        label="Flowed out",
        unit="count",
        better="lower",
        category="volume",
        source="legs",
        formula="inbound legs that left the queue to overflow, voicemail or a callback request",
        requires=_C,
        expr=lambda t: _n(_legs(t).outcome.isin(("flowed_out", "callback_requested"))),
    ),
    Metric(
        slug="contained",
        label="Contained (self-service / bot)",
        unit="count",
        better="higher",
        category="volume",
        source="legs",
        formula="legs with outcome contained",
        requires=_C,
        expr=lambda t: _n(_legs(t).outcome == "contained"),
    ),
    Metric(
        slug="deflected",
        label="Deflected",
        unit="count",
        better="higher",
        category="volume",
        source="legs",
        formula="legs with outcome deflected",
        requires=_C,
        expr=lambda t: _n(_legs(t).outcome == "deflected"),
    ),
    Metric(
        slug="containment_rate",
        label="Containment rate",
        unit="fraction",
        better="higher",
        category="volume",
        source="legs",
        formula="contained / legs on self_service and bot channels",
        requires=(*_C, "contacts.channel"),
        expr=lambda t: _ratio(_n(_legs(t).outcome == "contained"), _n(_legs(t).channel.isin(("self_service", "bot")))),
    ),
    Metric(
        slug="deflection_rate",
        label="Deflection rate",
        unit="fraction",
        better="higher",
        category="volume",
        source="legs",
        formula="deflected / (deflected + offered)",
        requires=_C,
        expr=lambda t: _ratio(
            _n(_legs(t).outcome == "deflected"), _n(_legs(t).outcome == "deflected") + _n(_legs(t)._offered)
        ),
    ),
    # ---- speed
    Metric(
        slug="service_level",
        label="Service level",
        unit="fraction",
        better="higher",
        category="speed",
        source="legs",
        formula="live channels; variant from service_level.variant (see sl_variant_label)",
        requires=_Q,
        expr=lambda t: _service_level(t),
        target=lambda s: _min(s.service_level.target),
    ),
    Metric(
        slug="service_level_all_abandons",
        label="Service level, short abandons counted",
        unit="fraction",
        better="higher",
        category="speed",
        source="legs",
        formula="the same variant with every abandon offered (no short-abandon exclusion)",
        requires=_Q,
        expr=lambda t: _service_level(t, with_short=True),
        target=lambda s: _min(s.service_level.target),
    ),
    Metric(
        slug="asa_s",
        label="ASA",
        unit="seconds",
        better="lower",
        category="speed",
        source="legs",
        formula="Σ queue time of answered live legs / answered live legs",
        requires=_Q,
        expr=lambda t: _ratio(
            _sum(_legs(t)._q_ms, _legs(t)._sync & (_legs(t).outcome == "handled")),
            _n(_legs(t)._sync & (_legs(t).outcome == "handled")),
            1 / 1000,
        ),
    ),
    Metric(
        slug="abandon_rate",
        label="Abandon rate",
        unit="fraction",
        better="lower",
        category="speed",
        source="legs",
        formula="abandoned / offered on live channels (short abandons in neither)",
        requires=_Q,
        expr=lambda t: _ratio(_n(_legs(t)._sync & _abandoned(t)), _n(_sync_offered(t))),
        target=lambda s: _max(s.targets.abandon_rate_max),
    ),
    Metric(
        slug="response_time_s",
        label="First response time (email, messaging)",
        unit="seconds",
        better="lower",
        category="speed",
        source="legs",
        formula="mean first_response_ms / 1000 of email and messaging legs",
        requires=("contacts.channel", "contacts.first_response_ms"),
        expr=lambda t: _ratio(
            _sum(
                _legs(t).first_response_ms,
                _legs(t).channel.isin(ASYNC_RESPONSE_CHANNELS) & _legs(t).first_response_ms.notnull(),
            ),
            _n(_legs(t).channel.isin(ASYNC_RESPONSE_CHANNELS) & _legs(t).first_response_ms.notnull()),
            1 / 1000,
        ),
    ),
    # ---- efficiency
    Metric(
        slug="aht_s",
        label="AHT",
        unit="seconds",
        better="lower",
        category="efficiency",
        source="legs",
        formula="Σ (talk + hold + ACW) of handled legs / handled legs",
        requires=_H,
        expr=lambda t: _handled_mean(t, "_handle_ms"),
    ),
    Metric(
        slug="talk_s",
        label="Average talk",
        unit="seconds",
        better="lower",
        category="efficiency",
        source="legs",
        formula="Σ talk of handled legs / handled legs",
        requires=_H,
        expr=lambda t: _handled_mean(t, "talk_ms"),
    ),
    Metric(
        slug="hold_s",
        label="Average hold",
        unit="seconds",
        better="lower",
        category="efficiency",
        source="legs",
        formula="Σ hold of handled legs / handled legs",
        requires=_H,
        expr=lambda t: _handled_mean(t, "hold_ms"),
    ),
    Metric(
        slug="acw_s",
        label="Average ACW",
        unit="seconds",
        better="lower",
        category="efficiency",
        source="legs",
        formula="Σ after-contact work of handled legs / handled legs",
        requires=_H,
        expr=lambda t: _handled_mean(t, "acw_ms"),
    ),
    Metric(
        slug="occupancy",
        label="Occupancy",
        unit="fraction",
        better="target",
        category="efficiency",
        source="states",
        formula="(on_contact + acw) / (available + on_contact + acw) state time",
        requires=("agent_states.state", "agent_states.start_at", "agent_states.end_at"),
        expr=lambda t: _ratio(_state_secs(t, HANDLING_STATES), _state_secs(t, PRODUCTIVE_STATES)),
        target=lambda s: _max(s.staffing.max_occupancy),
    ),
    Metric(
        slug="utilisation",
        label="Utilisation",
        unit="fraction",
        better="higher",
        category="efficiency",
        source="states",
        formula="(available + on_contact + acw) / logged state time (all but offline)",
        requires=("agent_states.state",),
        expr=lambda t: _ratio(_state_secs(t, PRODUCTIVE_STATES), _state_secs(t, LOGGED_STATES)),
    ),
    Metric(
        slug="shrinkage_actual",
        label="Actual shrinkage",
        unit="fraction",
        better="lower",
        category="efficiency",
        source="states",
        formula="(break + lunch + meeting + training + coaching + system_down + aux) / logged state time",
        requires=("agent_states.state",),
        expr=lambda t: _ratio(_state_secs(t, SHRINKAGE_STATES), _state_secs(t, LOGGED_STATES)),
        target=lambda s: _max(s.staffing.shrinkage),
    ),
    Metric(
        slug="productive_hours",
        label="Productive hours",
        unit="hours",
        better="target",
        category="efficiency",
        source="states",
        formula="(available + on_contact + acw) state time / 3600",
        requires=("agent_states.state",),
        expr=lambda t: _state_secs(t, PRODUCTIVE_STATES).cast("float64") / 3600.0,
    ),
    Metric(
        slug="logged_hours",
        label="Logged hours",
        unit="hours",
        better="target",
        category="efficiency",
        source="states",
        formula="state time other than offline / 3600",
        requires=("agent_states.state",),
        expr=lambda t: _state_secs(t, LOGGED_STATES).cast("float64") / 3600.0,
    ),
    Metric(
        slug="agent_cost",
        label="Agent cost",
        unit="currency",
        better="lower",
        category="efficiency",
        source="states",
        formula="Σ logged hours × hourly_cost of the agent's (site, delivery_model)",
        requires=("agent_states.state", "agents.site_id", "agents.delivery_model"),
        expr=lambda t: _sum(
            _st(t)._secs.cast("float64") / 3600.0 * _st(t)._hourly_cost,
            _st(t).state.isin(LOGGED_STATES) & _st(t)._hourly_cost.notnull(),
        ),
    ),
    Metric(
        slug="unrated_hours",
        label="Logged hours without a cost rate",
        unit="hours",
        better="lower",
        category="efficiency",
        source="states",
        internal=True,
        formula="logged hours of agents whose (site, delivery_model) has no cost rate",
        requires=("agent_states.state", "agents.site_id", "agents.delivery_model"),
        expr=lambda t: (
            _sum(_st(t)._secs, _st(t).state.isin(LOGGED_STATES) & _st(t)._hourly_cost.isnull()).cast("float64") / 3600.0
        ),
    ),
    Metric(
        slug="contacts_per_productive_hour",
        label="Contacts per productive hour",
        unit="per_hour",
        better="higher",
        category="efficiency",
        source="derived",
        formula="handled / productive_hours",
        dependencies=("handled", "productive_hours"),
        derive=_derive_cpph,
    ),
    Metric(
        slug="cost_per_contact",
        label="Cost per contact",
        unit="currency",
        better="lower",
        category="efficiency",
        source="derived",
        formula="agent_cost / handled, only when every logged hour has a cost rate",
        dependencies=("agent_cost", "handled", "unrated_hours"),
        derive=_derive_cost,
    ),
    # ---- outcome
    Metric(
        slug="fcr",
        label="FCR (agent flag)",
        unit="fraction",
        better="higher",
        category="outcome",
        source="conversations",
        formula="handled conversations flagged resolved on any leg / handled conversations with a flag",
        requires=(*_CONV, "contacts.resolved"),
        expr=lambda t: _ratio(
            _n(_conv_handled(t) & (_conv(t)._conv_resolved == 1)),
            _n(_conv_handled(t) & _conv(t)._conv_resolved.notnull()),
        ),
        target=lambda s: _min(s.targets.fcr_min),
    ),
    Metric(
        slug="fcr_survey",
        label="FCR (customer survey)",
        unit="fraction",
        better="higher",
        category="outcome",
        source="surveys",
        formula="responses saying resolved / responses answering the FCR question",
        requires=("surveys.fcr",),
        expr=lambda t: _ratio(_n(_surv(t).fcr.fill_null(False)), _n(_surv(t).fcr.notnull())),
        target=lambda s: _min(s.targets.fcr_min),
    ),
    Metric(
        slug="fcr_repeat",
        label="FCR (no repeat contact)",
        unit="fraction",
        better="higher",
        category="outcome",
        source="derived",
        formula="1 - repeat_rate_7d",
        dependencies=("repeat_rate_7d",),
        derive=_derive_fcr_repeat,
        target=lambda s: _min(s.targets.fcr_min),
    ),
    Metric(
        slug="repeat_rate_7d",
        label="Repeat contact rate",
        unit="fraction",
        better="lower",
        category="outcome",
        source="repeats",
        formula="eligible handled conversations followed by the customer's next inbound conversation "
        "(same reason_l1 when known) within targets.repeat_window_days / eligible ones",
        requires=(*_CONV, "contacts.customer_key", "contacts.reason_l1", "contacts.ended_at"),
        expr=lambda t: _ratio(_rep(t)._repeat.sum(), _rep(t)._repeat_eligible.sum()),
        target=lambda s: _max(s.targets.repeat_rate_max),
    ),
    Metric(
        slug="transfer_rate",
        label="Transfer rate",
        unit="fraction",
        better="lower",
        category="outcome",
        source="legs",
        formula="handled legs marked transferred / handled legs",
        requires=(*_C, "contacts.transferred"),
        expr=lambda t: _ratio(
            _n((_legs(t).outcome == "handled") & _legs(t).transferred.fill_null(False)),
            _n(_legs(t).outcome == "handled"),
        ),
        target=lambda s: _max(s.targets.transfer_rate_max),
    ),
    Metric(
        slug="escalation_rate",
        label="Escalation rate",
        unit="fraction",
        better="lower",
        category="outcome",
        source="conversations",
        formula="handled conversations with an escalated leg / handled conversations",
        requires=(*_CONV, "contacts.escalated"),
        expr=lambda t: _ratio(_n(_conv_handled(t) & (_conv(t)._conv_escalated == 1)), _n(_conv_handled(t))),
        target=lambda s: _max(s.targets.escalation_rate_max),
    ),
    Metric(
        slug="tier1_to_tier2_rate",
        label="Tier 1 → 2 rate",
        unit="fraction",
        better="lower",
        category="outcome",
        source="conversations",
        formula="handled conversations starting at tier 1 (or no tier) that reach tier 2+ (leg tier or "
        "escalation_level) / those starting at tier 1",
        requires=(*_CONV, "contacts.tier", "contacts.escalation_level"),
        expr=lambda t: _ratio(
            _n(_conv_handled(t) & (_conv(t).tier.fill_null(1) == 1) & (_conv(t)._conv_max_tier >= 2)),
            _n(_conv_handled(t) & (_conv(t).tier.fill_null(1) == 1)),
        ),
        target=lambda s: _max(s.targets.tier1_to_tier2_max),
    ),
    Metric(
        slug="tier3_rate",
        label="Tier 3 rate",
        unit="fraction",
        better="lower",
        category="outcome",
        source="conversations",
        formula="handled conversations reaching tier 3 / handled conversations",
        requires=(*_CONV, "contacts.tier", "contacts.escalation_level"),
        expr=lambda t: _ratio(_n(_conv_handled(t) & (_conv(t)._conv_max_tier >= 3)), _n(_conv_handled(t))),
        target=lambda s: _max(s.targets.tier3_max),
    ),
    # ---- customer
    Metric(
        slug="csat_top2",
        label="CSAT top-2-box",
        unit="fraction",
        better="higher",
        category="customer",
        source="surveys",
        formula="(CSAT 4 or 5 + binary good) / (CSAT responses + binary good or bad)",
        requires=("surveys.csat", "surveys.csat_label"),
        expr=lambda t: _ratio(
            _n(_surv(t).csat >= 4) + _n(_surv(t).csat.isnull() & (_surv(t).csat_label == "good")),
            _n(_surv(t).csat.notnull()) + _n(_surv(t).csat.isnull() & _surv(t).csat_label.notnull()),
        ),
        target=lambda s: _min(s.targets.csat_top2_min),
    ),
    Metric(
        slug="csat_mean",
        label="CSAT mean (1-5)",
        unit="score",
        better="higher",
        category="customer",
        source="surveys",
        formula="mean CSAT of 1-5 responses",
        requires=("surveys.csat",),
        expr=lambda t: _ratio(_sum(_surv(t).csat, _surv(t).csat.notnull()), _n(_surv(t).csat.notnull())),
    ),
    Metric(
        slug="nps",
        label="NPS",
        unit="score",
        better="higher",
        category="customer",
        source="surveys",
        formula="100 × (promoters 9-10 - detractors 0-6) / NPS responses",
        requires=("surveys.nps",),
        expr=lambda t: _ratio(_n(_surv(t).nps >= 9) - _n(_surv(t).nps <= 6), _n(_surv(t).nps.notnull()), 100.0),
        target=lambda s: _min(s.targets.nps_min),
    ),
    Metric(
        slug="ces",
        label="CES mean (1-7)",
        unit="score",
        better="higher",
        category="customer",
        source="surveys",
        formula="mean CES 2.0 score (7 = easiest)",
        requires=("surveys.ces",),
        expr=lambda t: _ratio(_sum(_surv(t).ces, _surv(t).ces.notnull()), _n(_surv(t).ces.notnull())),
        target=lambda s: _min(s.targets.ces_min),
    ),
    Metric(
        slug="ces_agree",
        label="CES share 5-7",
        unit="fraction",
        better="higher",
        category="customer",
        source="surveys",
        formula="CES responses of 5, 6 or 7 / CES responses",
        requires=("surveys.ces",),
        expr=lambda t: _ratio(_n(_surv(t).ces >= 5), _n(_surv(t).ces.notnull())),
    ),
    Metric(
        slug="survey_responses",
        label="Survey responses",
        unit="count",
        better="higher",
        category="customer",
        source="surveys",
        formula="survey responses",
        requires=("surveys.survey_id",),
        expr=lambda t: _n(_surv(t).survey_id.notnull()),
    ),
    Metric(
        slug="survey_response_rate",
        label="Survey response rate",
        unit="fraction",
        better="higher",
        category="customer",
        source="conversations",
        formula="handled conversations with a survey response / handled conversations",
        requires=(*_CONV, "surveys.conversation_id"),
        expr=lambda t: _ratio(_n(_conv_handled(t) & (_conv(t)._surveyed == 1)), _n(_conv_handled(t))),
    ),
    # ---- channel mix (share of inbound conversations by the channel of their first leg)
    Metric(
        slug="mix_self_service",
        label="Mix: self-service and bot",
        unit="fraction",
        better="target",
        category="mix",
        source="conversations",
        formula="conversations on self_service or bot / conversations",
        requires=(*_CONV, "contacts.channel"),
        expr=lambda t: _ratio(_n(_conv(t).channel.isin(("self_service", "bot"))), _n(_conv(t)._first)),
        target=lambda s: _range(s.channel_mix.self_service),
    ),
    Metric(
        slug="mix_chat_messaging",
        label="Mix: chat and messaging",
        unit="fraction",
        better="target",
        category="mix",
        source="conversations",
        formula="conversations on chat or messaging / conversations",
        requires=(*_CONV, "contacts.channel"),
        expr=lambda t: _ratio(_n(_conv(t).channel.isin(("chat", "messaging"))), _n(_conv(t)._first)),
        target=lambda s: _range(s.channel_mix.chat_messaging),
    ),
    Metric(
        slug="mix_voice",
        label="Mix: voice",
        unit="fraction",
        better="target",
        category="mix",
        source="conversations",
        formula="conversations on voice / conversations",
        requires=(*_CONV, "contacts.channel"),
        expr=lambda t: _ratio(_n(_conv(t).channel == "voice"), _n(_conv(t)._first)),
        target=lambda s: _range(s.channel_mix.voice),
    ),
)

_BY_SLUG = {m.slug: m for m in METRICS}

REQUIRED_SLUGS = (
    "offered", "handled", "abandoned", "service_level", "asa_s", "abandon_rate", "aht_s", "occupancy", "fcr",
    "repeat_rate_7d", "transfer_rate", "escalation_rate", "csat_top2", "nps", "ces",
)  # fmt: skip


def get_metric(slug: str) -> Metric:
    """The metric called ``slug``; KeyError names the known slugs."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"no metric {slug!r}; metrics are {', '.join(_BY_SLUG)}") from None
