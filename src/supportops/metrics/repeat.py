"""Repeat contact: did the customer come back within N days of the end of a handled conversation?

The definition (``reference/formulas.md`` §4.7): for each handled inbound conversation *c* of customer *k*
ending at *t*, repeat(*c*) holds when an inbound conversation of *k* (any channel) starts in (*t*, *t* + N
days]; when *c* has a level-1 reason, the later conversation must have the same ``reason_l1``. Conversations
count once however many legs (transfers, callbacks) they have, because legs are grouped by
``conversation_id`` first; outbound conversations never count. Only conversations whose window has fully
elapsed within the data (*t* + N days ≤ the last arrival in the warehouse, to the second) are eligible;
conversations without a customer key are not eligible.

Computed exactly without a quadratic self-join. Order a customer's conversations by start: every start
strictly after *t* comes after *c* in that order, so when the next conversation's start (``lead``) is after
*t*, it is the first start after *t* and the question is whether it lies within N days. Only when the next
conversation starts before *c* ends (overlapping conversations, rare), or a hash collision puts another
customer's conversation next, is the window searched directly, by a join restricted to those conversations.
The same is done per customer and reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

StartsLookup = Callable[["ir.Table"], "ir.Table"]
"""Given the conversations that need the direct search (column ``_k``: their customer keys), the starts of
every conversation of those customers: columns ``_sk`` (customer key), ``_sr`` (reason_l1), ``_st`` (start)."""

__all__ = ["with_repeat_flags"]


def with_repeat_flags(
    conversations: ir.Table,
    *,
    window_days: int,
    data_end_epoch_s: int | None,
    starts: StartsLookup | None = None,
) -> ir.Table:
    """``conversations`` with ``_repeat_eligible`` and ``_repeat`` (0/1) added.

    ``conversations`` has one row per conversation with ``conversation_id``, ``customer_key``, ``reason_l1``,
    ``arrived_at`` (start), ``_conv_end`` (end) and ``_conv_handled`` (0/1). ``data_end_epoch_s`` is the
    last arrival in the warehouse (UTC epoch seconds); without it nothing is eligible. ``starts`` finds the
    conversation starts of the few customers the direct search needs more cheaply than a second pass over
    ``conversations`` (when that is derived, not stored); by default they are read from ``conversations``.
    """
    import ibis

    from supportops.metrics.tables import epoch_s

    c = conversations
    # Partition on integer hashes (sorting on the text keys costs twice as much); the next row is checked to be
    # the same customer (and reason), and a hash collision in between sends the row to the direct search.
    any_w = ibis.window(group_by=[c.customer_key.hash()], order_by=[c.arrived_at])
    same_w = ibis.window(group_by=[c.customer_key.concat("\x1f", c.reason_l1).hash()], order_by=[c.arrived_at])
    c = c.mutate(
        _next_any=c.arrived_at.lead().over(any_w),
        _next_any_k=c.customer_key.lead().over(any_w),
        _next_same=c.arrived_at.lead().over(same_w),
        _next_same_k=c.customer_key.lead().over(same_w),
        _next_same_r=c.reason_l1.lead().over(same_w),
    )
    horizon = c._conv_end + ibis.interval(days=window_days)
    if data_end_epoch_s is None:
        eligible: ir.BooleanValue = ibis.literal(False)
    else:
        eligible = (
            (c._conv_handled == 1)
            & c.customer_key.notnull()
            & (epoch_s(c._conv_end) + window_days * 86400 <= data_end_epoch_s)
        )
    c = c.mutate(
        _eligible=eligible,
        _overlap_any=c._next_any.notnull()
        & ((c._next_any_k != c.customer_key).fill_null(True) | (c._next_any <= c._conv_end)),
        _overlap_same=c.reason_l1.notnull()
        & c._next_same.notnull()
        & (
            ((c._next_same_k != c.customer_key) | (c._next_same_r != c.reason_l1)).fill_null(True)
            | (c._next_same <= c._conv_end)
        ),
        _horizon=horizon,
    )
    # overlapping conversations: look for a start inside (end, end + N days] directly
    need = c.filter(c._eligible & (c._overlap_any | c._overlap_same)).select(
        _cid="conversation_id", _k="customer_key", _r="reason_l1", _end="_conv_end", _hz="_horizon"
    )
    if starts is None:
        src = conversations
        found_starts = src.filter(src.customer_key.notnull()).select(
            _sk="customer_key", _sr="reason_l1", _st="arrived_at"
        )
    else:
        found_starts = starts(need)
    hits = need.join(
        found_starts, [need._k == found_starts._sk, found_starts._st > need._end, found_starts._st <= need._hz]
    )
    found = hits.group_by("_cid").aggregate(
        _fb_any=ibis.ifelse(hits._st.notnull(), 1, 0).max(),
        _fb_same=ibis.ifelse(hits._sr == hits._r, 1, 0).max(),
    )
    c = c.left_join(found, c.conversation_id == found._cid).drop("_cid")
    by_lead_any = c._next_any.notnull() & (c._next_any <= c._horizon)
    by_lead_same = c._next_same.notnull() & (c._next_same <= c._horizon)
    any_hit = ibis.ifelse(c._overlap_any, c._fb_any.fill_null(0) == 1, by_lead_any)
    same_hit = ibis.ifelse(c._overlap_same, c._fb_same.fill_null(0) == 1, by_lead_same)
    hit = ibis.ifelse(c.reason_l1.isnull(), any_hit, same_hit)
    c = c.mutate(_repeat_eligible=ibis.ifelse(c._eligible, 1, 0), _repeat=ibis.ifelse(c._eligible & hit, 1, 0))
    return c.drop(
        "_next_any", "_next_same", "_eligible", "_overlap_any", "_overlap_same", "_horizon", "_fb_any", "_fb_same"
    )
