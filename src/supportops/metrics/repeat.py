"""Repeat contact: did the customer come back within N days of the end of a handled conversation?

The definition (``reference/formulas.md`` §4.7): for each handled inbound conversation *c* of customer *k*
ending at *t*, repeat(*c*) holds when an inbound conversation of *k* (any channel) starts in (*t*, *t* + N
days]; when *c* has a level-1 reason, the later conversation must have the same ``reason_l1``. Conversations
count once however many legs (transfers, callbacks) they have, because legs are grouped by
``conversation_id`` first. Only conversations whose window has fully elapsed within the data (*t* + N days ≤
the last arrival in the warehouse) are eligible; conversations without a customer key are not eligible.

Computed without a self-join: every conversation contributes a *start* event and every eligible handled
conversation an *end* event; ordering events by time (starts before ends at the same instant) the next start
strictly after an end is the minimum start among the following rows, per customer and per customer and
reason. This runs as two window passes on any backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["repeat_flags"]


def repeat_flags(conversations: ir.Table, *, window_days: int, data_end_epoch_s: int | None) -> ir.Table:
    """``conversation_id, _repeat_eligible, _repeat`` (0/1) for the handled conversations of ``conversations``.

    ``conversations`` needs ``conversation_id``, ``customer_key``, ``reason_l1``, ``arrived_at`` (start),
    ``_conv_end`` (end, a timestamp) and ``_conv_handled`` (0/1). ``data_end_epoch_s`` is the last arrival in
    the warehouse (UTC epoch seconds); without it nothing is eligible.
    """
    import ibis

    from supportops.metrics.tables import epoch_s

    c = conversations.filter(conversations.customer_key.notnull())
    starts = c.select(
        conversation_id="conversation_id",
        customer_key="customer_key",
        reason_l1="reason_l1",
        _t=c.arrived_at,
        _kind=ibis.literal(0, type="int8"),
    )
    ends = c.filter(c._conv_handled == 1).select(
        conversation_id="conversation_id",
        customer_key="customer_key",
        reason_l1="reason_l1",
        _t=c._conv_end,
        _kind=ibis.literal(1, type="int8"),
    )
    ev = starts.union(ends)
    start_t = ibis.cases((ev._kind == 0, ev._t), else_=None)
    any_w = ibis.window(group_by=[ev.customer_key], order_by=[ev._t, ev._kind], rows=(1, None))
    same_w = ibis.window(group_by=[ev.customer_key, ev.reason_l1], order_by=[ev._t, ev._kind], rows=(1, None))
    ev = ev.mutate(_next_any=start_t.min().over(any_w), _next_same=start_t.min().over(same_w))
    ends = ev.filter(ev._kind == 1)
    nxt = ibis.ifelse(ends.reason_l1.isnull(), ends._next_any, ends._next_same)
    horizon = ends._t + ibis.interval(days=window_days)
    if data_end_epoch_s is None:
        eligible: ir.BooleanValue = ibis.literal(False)
    else:
        eligible = epoch_s(ends._t) + window_days * 86400 <= data_end_epoch_s
    return ends.select(
        conversation_id="conversation_id",
        _repeat_eligible=ibis.ifelse(eligible, 1, 0),
        _repeat=ibis.ifelse(eligible & nxt.notnull() & (nxt <= horizon), 1, 0),
    )
