"""The tables metric expressions read: contact legs, conversations, survey responses and agent-state time.

:func:`build_tables` derives them, as Ibis expressions on any backend, from the canonical warehouse tables:

- ``legs``: inbound contact legs (direction inbound or unknown) with the grouping columns (named as the user
  names them: ``queue``, ``agent``, ``day`` ...), the workspace's local bucket key, and helper columns
  (``offered``, ``short_abandon``, ``handle_ms`` ...);
- ``conversations``: one row per inbound conversation, with the attributes of its first leg (earliest
  arrival to the microsecond, then lowest ``leg_seq``; an exact tie picks either), conversation facts over
  all its legs (handled, resolved, escalated, highest tier, surveyed);
- ``repeats``: every conversation again, with its grouping columns and the repeat-contact flags of
  :mod:`supportops.metrics.repeat` (a narrow table: its sort carries only what the flags need);
- ``surveys``: responses, attributed to the surveyed conversation's groups (agent and team from the survey,
  the agent at response time, when it names one);
- ``states``: agent-state seconds split on bucket boundaries, with the agent's program, team, site and the
  hourly cost of its site and delivery model.

Period filters apply to the arrival time of the leg or conversation; the repeat lookup and the first-leg
choice see the whole warehouse so that a conversation or a window crossing the period edge is judged right.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from supportops.metrics.backend import fetch_rows, with_quiet_ibis_duckdb
from supportops.metrics.grain import DIMENSIONS, Grouping, OffsetSchedule, grain_key, offset_schedule

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from supportops.config import Settings

__all__ = [
    "OFFERED_OUTCOMES",
    "STATE_DIMENSIONS",
    "SYNC_CHANNELS",
    "MetricTables",
    "build_tables",
    "epoch_s",
    "has_table",
]

OFFERED_OUTCOMES = ("handled", "abandoned", "flowed_out", "callback_requested", "timed_out")
"""Outcomes of a leg that reached a queue: these legs are offered (short abandons apart)."""
SYNC_CHANNELS = ("voice", "chat")
"""Channels with a live queue: service level, ASA and abandonment are measured on them."""
ASYNC_RESPONSE_CHANNELS = ("email", "messaging")
"""Channels whose speed is the first response time."""
STATE_DIMENSIONS = ("program", "agent", "team", "site")
"""Dimensions agent-state time can be split by (states are not attributable to a queue, channel, ...)."""
HANDLING_STATES = ("on_contact", "acw")
PRODUCTIVE_STATES = ("available", "on_contact", "acw")
SHRINKAGE_STATES = ("break", "lunch", "meeting", "training", "coaching", "system_down", "aux")


def _builtin_epoch_us(backend: str) -> Any:
    """The backend's own microseconds-since-epoch function (DuckDB ``epoch_us``, Spark ``unix_micros``)."""
    if backend == "duckdb":
        from supportops.metrics.native import duckdb_epoch_us

        return duckdb_epoch_us
    if backend == "pyspark":
        from supportops.metrics.native import spark_unix_micros

        return spark_unix_micros
    return None


def epoch_us(ts: ir.TimestampValue) -> ir.IntegerValue:
    """UTC microseconds since 1970 of a timestamp, with the backend's native function where it has one.

    (Ibis's portable ``epoch_seconds`` converts through the session zone on DuckDB, ten times slower.)
    """
    try:
        backend = ts.get_backend().name
    except Exception:  # an unbound expression: the portable form
        backend = ""
    native = _builtin_epoch_us(backend)
    if native is not None:
        return native(ts)
    whole = ts.epoch_seconds().cast("float64").floor().cast("int64")
    return whole * 1_000_000 + ts.microsecond().cast("int64")


def epoch_s(ts: ir.TimestampValue) -> ir.IntegerValue:
    """Whole UTC epoch seconds of a timestamp (floor), the same on DuckDB and PySpark."""
    return epoch_us(ts) // 1_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricTables:
    """The derived tables one metric computation reads, plus the settings its formulas take."""

    settings: Settings
    grouping: Grouping
    legs: ir.Table | None
    conversations: ir.Table | None
    repeats: ir.Table | None
    surveys: ir.Table | None
    states: ir.Table | None
    offsets: OffsetSchedule
    data_end_epoch_s: int | None

    @property
    def threshold_ms(self) -> int:
        """The service-level answer time in whole milliseconds (see :func:`whole_ms_at_most`)."""
        return whole_ms_at_most(self.settings.service_level.threshold_s)


def whole_ms_at_most(seconds: float) -> int:
    """The largest whole number of milliseconds not above ``seconds``: durations are stored in whole
    milliseconds, so ``q <= seconds * 1000`` holds exactly when ``q <= whole_ms_at_most(seconds)``, an integer
    comparison (a fractional literal makes DuckDB compare every row as a decimal). Rounded to the nanosecond
    first, so that 1.005 s is 1005 ms whatever its binary form."""
    return math.floor(round(seconds * 1000.0, 6))


def whole_ms_below(seconds: float) -> int:
    """The smallest whole number of milliseconds not below ``seconds``: ``q < seconds * 1000`` holds exactly
    when ``q < whole_ms_below(seconds)`` for whole milliseconds ``q``."""
    return math.ceil(round(seconds * 1000.0, 6))


@with_quiet_ibis_duckdb
def has_table(con: BaseBackend, name: str) -> bool:
    """Whether ``con`` holds a table ``name`` (without ``list_tables``, which ibis 12 breaks on duckdb 2)."""
    import ibis.common.exceptions as com

    try:
        con.table(name)
    except com.TableNotFound:
        return False
    return True


def _time_range(con: BaseBackend) -> tuple[int | None, int | None, int | None, int]:
    """(first instant, last contact arrival, last instant, longest state) in epoch seconds, one pass per table."""
    first: int | None = None
    last_arrival: int | None = None
    last: int | None = None
    longest = 0
    if has_table(con, "contacts"):
        c = con.table("contacts")
        row = fetch_rows(c.aggregate(lo=epoch_s(c.arrived_at).min(), hi=epoch_s(c.arrived_at).max()))[0]
        first, last_arrival, last = row["lo"], row["hi"], row["hi"]
    if has_table(con, "agent_states"):
        s = con.table("agent_states")
        row = fetch_rows(
            s.aggregate(
                lo=epoch_s(s.start_at).min(),
                hi=epoch_s(s.end_at).max(),
                longest=(epoch_s(s.end_at) - epoch_s(s.start_at)).max(),
            )
        )[0]
        if row["lo"] is not None:
            first = row["lo"] if first is None else min(first, row["lo"])
            last = row["hi"] if last is None else max(last, row["hi"])
            longest = int(row["longest"] or 0)
    return first, last_arrival, last, longest


def _group_columns(t: ir.Table, grouping: Grouping, dims: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {name: t[DIMENSIONS[name]] for name in (dims if dims is not None else grouping.dimensions)}


def build_tables(
    con: BaseBackend,
    settings: Settings,
    grouping: Grouping,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    cache: bool = True,
    sources: Collection[str] | None = None,
) -> MetricTables:
    """Derive the metric tables of ``con`` (a DuckDB or PySpark Ibis backend) for ``grouping`` and a period.

    ``start``/``end`` are UTC instants (end exclusive) on the arrival time. ``cache`` materialises the
    conversation table once (it feeds conversation, repeat and survey metrics), and before it the hashes of the
    multi-leg conversations' ids (read twice while building it). ``sources`` names the tables
    the caller will aggregate (``legs``, ``conversations``, ``repeats``, ``surveys``, ``states``; default all):
    the others are not built.
    """
    wanted = set(sources) if sources is not None else {"legs", "conversations", "repeats", "surveys", "states"}
    want_conversations = bool(wanted & {"conversations", "repeats", "surveys"})
    import ibis

    first, last_arrival, last, longest = _time_range(con)
    ref = first if first is not None else 0
    offsets = offset_schedule(settings.workspace.time_zone, ref, last if last is not None else ref)
    week_start = settings.workspace.week_start
    lo = None if start is None else int(start.timestamp())
    hi = None if end is None else int(end.timestamp())

    def in_period(epoch: ir.IntegerValue) -> ir.BooleanValue:
        cond: ir.BooleanValue = ibis.literal(True)
        if lo is not None:
            cond = cond & (epoch >= lo)
        if hi is not None:
            cond = cond & (epoch < hi)
        return cond

    def bucket(epoch: ir.IntegerValue) -> dict[str, Any]:
        if grouping.grain is None:
            return {}
        local = offsets.local_seconds(epoch)
        return {grouping.grain: grain_key(grouping.grain, local, offsets.offset(epoch), week_start)}

    legs: ir.Table | None = None
    conversations: ir.Table | None = None
    repeats: ir.Table | None = None
    surveys: ir.Table | None = None
    states: ir.Table | None = None
    has_agents = has_table(con, "agents")

    if has_table(con, "contacts"):
        contacts = con.table("contacts")
        join_agents = has_agents and bool({"team", "site"} & set(grouping.dimensions))

        def inbound(*columns: str) -> ir.Table:
            """Inbound legs (direction inbound or unknown): ``columns`` of the contact record (other names are
            grouping columns, always added).

            Each consumer reads its own columns of ``contacts``: one leg table shared by several consumers
            would be stored whole (DuckDB materialises a subquery read twice), which costs more than a scan.
            """
            known = set(contacts.columns)
            names = [c for c in columns if c in known] + [DIMENSIONS[d] for d in grouping.dimensions] + ["direction"]
            if join_agents:
                names.append("agent_id")
            t = contacts.select(*dict.fromkeys(names))
            t = t.filter(t.direction.isnull() | (t.direction == "inbound"))
            if join_agents:
                a = con.table("agents").select(agent_id="agent_id", _a_team="team_id", _a_site="site_id")
                t = t.left_join(a, "agent_id")
                t = t.mutate(
                    **{
                        col: ibis.coalesce(t[col], t[alt])
                        for col, alt in (("team_id", "_a_team"), ("site_id", "_a_site"))
                        if col in t.columns
                    }
                ).drop("_a_team", "_a_site")
            return t.mutate(**_group_columns(t, grouping))

        short_ms = whole_ms_below(settings.service_level.short_abandon_s)
        c = inbound(*contacts.columns)
        arrived = epoch_s(c.arrived_at)
        is_short = (c.outcome == "abandoned") & (c.queue_ms.fill_null(0) < short_ms) if short_ms > 0 else None
        legs = c.mutate(
            **bucket(arrived),
            _arrived_s=arrived,
            _short=ibis.literal(False) if is_short is None else is_short,
            _offered_all=c.outcome.isin(OFFERED_OUTCOMES),
            _sync=c.channel.isin(SYNC_CHANNELS),
            _q_ms=c.queue_ms.fill_null(0),
            _handle_ms=c.talk_ms.fill_null(0) + c.hold_ms.fill_null(0) + c.acw_ms.fill_null(0),
        )
        legs = legs.mutate(_offered=legs._offered_all & ~legs._short)
        if want_conversations:
            from supportops.metrics.native import arg_min

            # conversation facts over all legs, and the first leg's attributes (by arrival, then leg_seq). Most
            # conversations have one leg: only the others are grouped (the first arrival is the earliest one, so
            # instants need no arg_min), and the time grain is bucketed once per conversation. Conversations
            # are told apart by a hash of their id: a collision only sends single legs down the grouped path,
            # which gives them the same row.
            first_cols = tuple(dict.fromkeys(("customer_key", "reason_l1", "channel", "tier", *grouping.dimensions)))
            fact_cols = ("arrived_at", "ended_at", "outcome", "resolved", "escalated", "tier", "escalation_level")

            def leg_facts(t: ir.Table) -> dict[str, ir.Value]:
                return {
                    "_start_us": epoch_us(t.arrived_at),
                    "_end_us": epoch_us(ibis.coalesce(t.ended_at, t.arrived_at)),
                    "_conv_handled": ibis.ifelse(t.outcome == "handled", 1, 0),
                    "_conv_resolved": t.resolved.cast("int32"),
                    "_conv_escalated": ibis.ifelse(t.escalated.fill_null(False), 1, 0),
                    "_conv_max_tier": ibis.greatest(t.tier.fill_null(1), t.escalation_level.fill_null(0)),
                }

            ids = inbound("conversation_id")
            ids = ids.select(_h=ids.conversation_id.hash())
            multi = ids.group_by("_h").aggregate(_n=ids.count())
            multi = multi.filter(multi._n > 1).select("_h")
            if cache:
                multi = multi.cache()
            single = inbound("conversation_id", *first_cols, *fact_cols)
            single = single.anti_join(multi, single.conversation_id.hash() == multi._h)
            single = single.select("conversation_id", *first_cols, **leg_facts(single))
            several = inbound("conversation_id", "leg_seq", *first_cols, *fact_cols)
            several = several.semi_join(multi, several.conversation_id.hash() == multi._h)
            first_key = epoch_us(several.arrived_at) * 100 + ibis.least(several.leg_seq.fill_null(1), 99)
            facts = leg_facts(several)
            grouped = several.group_by("conversation_id").aggregate(
                _f=arg_min(ibis.struct({name: several[name] for name in first_cols}), first_key),
                _start_us=facts.pop("_start_us").min(),
                **{name: value.max() for name, value in facts.items()},
            )
            grouped = grouped.select(
                "conversation_id", *(grouped._f[name].name(name) for name in first_cols), *leg_facts(legs)
            )
            conv = single.union(grouped)
            conv = conv.mutate(**bucket(conv._start_us // 1_000_000))
            if has_table(con, "surveys"):
                s = con.table("surveys")
                surveyed = s.filter(s.conversation_id.notnull()).select("conversation_id").distinct()
                surveyed = surveyed.mutate(_surveyed=ibis.literal(1))
                conv = conv.left_join(surveyed, "conversation_id").drop("conversation_id_right")
                conv = conv.mutate(_surveyed=conv._surveyed.fill_null(0))
            else:
                conv = conv.mutate(_surveyed=ibis.literal(0))
            if cache:
                conv = conv.cache()
            # derived after the cache: stored, they would cost more to write than to compute
            conv = conv.mutate(_arrived_s=conv._start_us // 1_000_000, _first=ibis.literal(True))
            if "repeats" in wanted:
                from supportops.metrics.repeat import with_repeat_flags

                need = ("conversation_id", "customer_key", "reason_l1", "_start_us", "_end_us", "_conv_handled")
                flagged = with_repeat_flags(
                    conv.select(*dict.fromkeys((*need, "_arrived_s", *grouping.names))),
                    window_days=settings.targets.repeat_window_days,
                    data_end_epoch_s=last_arrival,
                    cache=cache,
                )
                flagged = flagged.select(*dict.fromkeys(("_arrived_s", *grouping.names, "_repeat_eligible", "_repeat")))
                repeats = flagged.filter(in_period(flagged._arrived_s))
            conv = conv.drop(*(c for c in ("customer_key", "reason_l1") if c not in grouping.names))
            if has_table(con, "surveys"):
                s = con.table("surveys")
                keys = [*grouping.dimensions, *((grouping.grain,) if grouping.grain else ())]
                cv = conv.select("conversation_id", "_arrived_s", *keys)
                cv = cv.rename(_cv_id="conversation_id")
                sj = s.left_join(cv, s.conversation_id == cv._cv_id)
                responded = epoch_s(sj.responded_at)
                when = ibis.coalesce(sj._arrived_s, responded)
                fill: dict[str, Any] = {}
                if "agent" in grouping.dimensions:
                    fill["agent"] = ibis.coalesce(sj.agent_id, sj["agent"])
                if "team" in grouping.dimensions:
                    fill["team"] = ibis.coalesce(sj.team_id, sj["team"])
                if "program" in grouping.dimensions:
                    fill["program"] = ibis.coalesce(sj["program"], sj.program_id)
                if grouping.grain:
                    fill[grouping.grain] = ibis.coalesce(sj[grouping.grain], bucket(responded)[grouping.grain])
                surveys = sj.mutate(**fill, _when_s=when)
                surveys = surveys.filter(in_period(surveys._when_s))
        legs = legs.filter(in_period(legs._arrived_s))
        if want_conversations:
            conversations = conv.filter(in_period(conv._arrived_s))

    if "states" in wanted and has_table(con, "agent_states") and set(grouping.dimensions) <= set(STATE_DIMENSIONS):
        states = _state_pieces(con, settings, grouping, offsets, longest, has_agents, in_period)
    return MetricTables(
        settings=settings,
        grouping=grouping,
        legs=legs,
        conversations=conversations,
        repeats=repeats,
        surveys=surveys,
        states=states,
        offsets=offsets,
        data_end_epoch_s=last_arrival,
    )


def _state_pieces(
    con: BaseBackend,
    settings: Settings,
    grouping: Grouping,
    offsets: OffsetSchedule,
    longest: int,
    has_agents: bool,
    in_period: Any,
) -> ir.Table:
    """Agent-state seconds split on local bucket boundaries (day boundaries when there is no finer grain).

    Each piece is placed with the UTC offset at its state's start, so durations are exact; only a state that
    spans a daylight-saving change is bucketed up to an hour off.
    """
    import ibis
    import pyarrow as pa

    s = con.table("agent_states")
    if has_agents:
        a = con.table("agents").select(
            agent_id="agent_id", team_id="team_id", site_id="site_id", delivery_model="delivery_model"
        )
        s = s.left_join(a, "agent_id")
    else:
        s = s.mutate(team_id=ibis.null("string"), site_id=ibis.null("string"), delivery_model=ibis.null("string"))
    rates = [(r.site, r.delivery_model, float(r.hourly_cost)) for r in settings.cost_rates]
    if rates:
        rt = ibis.memtable(
            pa.table(
                {
                    "_r_site": pa.array([r[0] for r in rates], pa.string()),
                    "_r_model": pa.array([r[1] for r in rates], pa.string()),
                    "_hourly_cost": pa.array([r[2] for r in rates], pa.float64()),
                }
            )
        )
        s = s.left_join(rt, (s.site_id == rt._r_site) & (s.delivery_model == rt._r_model))
        s = s.drop("_r_site", "_r_model")
    else:
        s = s.mutate(_hourly_cost=ibis.null("float64"))
    width = 86400
    if grouping.grain and grouping.grain.endswith("min"):
        width = int(grouping.grain.removesuffix("min")) * 60
    begin = epoch_s(s.start_at)
    off = offsets.offset(begin)
    ls = begin + off
    le = epoch_s(s.end_at) + off
    s = s.mutate(_ls=ls, _le=le, _off=off, _b0=ls // width)
    s = s.mutate(_n=ibis.greatest((s._le - 1) // width - s._b0 + 1, 1))
    k_max = max(1, longest // width + 2)
    ks = ibis.memtable(pa.table({"_k": pa.array(range(k_max), pa.int64())}))
    p = s.cross_join(ks)
    p = p.filter(p._k < p._n)
    piece_b = (p._b0 + p._k) * width
    p = p.mutate(_pb=piece_b)
    p = p.mutate(_secs=ibis.greatest(ibis.least(p._le, p._pb + width) - ibis.greatest(p._ls, p._pb), 0))
    keys: dict[str, Any] = {}
    for name in grouping.dimensions:
        keys[name] = {"program": p.program_id, "agent": p.agent_id, "team": p.team_id, "site": p.site_id}[name]
    if grouping.grain:
        keys[grouping.grain] = grain_key(grouping.grain, p._pb, p._off, settings.workspace.week_start)
    p = p.mutate(**keys, _utc_piece_s=ibis.greatest(p._ls, p._pb) - p._off)
    return p.filter(in_period(p._utc_piece_s))
