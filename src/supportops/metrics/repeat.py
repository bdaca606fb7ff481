"""Repeat contact: did the customer come back within N days of the end of a handled conversation?

The definition (``reference/formulas.md`` §4.7): for each handled inbound conversation *c* of customer *k*
ending at *t*, repeat(*c*) holds when an inbound conversation of *k* (any channel) starts in (*t*, *t* + N
days]; when *c* has a level-1 reason, the later conversation must have the same ``reason_l1``. Conversations
count once however many legs (transfers, callbacks) they have, because legs are grouped by
``conversation_id`` first; outbound conversations never count. Only conversations whose window has fully
elapsed within the data (*t* + N days ≤ the last arrival in the warehouse, to the second) are eligible;
conversations without a customer key are not eligible.

Computed exactly without a quadratic self-join, with one sort. Order a customer's conversations by start:
every start strictly after *t* (≥ *c*'s own start) comes after *c* in that order, whatever the order among
equal starts. So the first :data:`FOLLOWERS` conversations after *c* (``lead`` 1, 2, ...) answer the question
unless all of them start within *t* + N days without one qualifying (a conversation that starts before *c*
ends, a different reason): then, and only then (rare), the window is searched directly, by a join restricted
to those conversations' customers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

FOLLOWERS = 2
"""How many next conversations of the customer are read from the sorted order before searching directly."""

__all__ = ["FOLLOWERS", "with_repeat_flags"]


def with_repeat_flags(
    conversations: ir.Table,
    *,
    window_days: int,
    data_end_epoch_s: int | None,
    followers: int = FOLLOWERS,
    cache: bool = True,
) -> ir.Table:
    """``conversations`` with ``_repeat_eligible`` and ``_repeat`` (0/1) for each.

    ``conversations`` has one row per conversation with ``conversation_id``, ``customer_key``, ``reason_l1``,
    ``_start_us`` and ``_end_us`` (start and end, UTC epoch microseconds) and ``_conv_handled`` (0/1); the
    result has its columns but the instants and ``_conv_handled``, in no particular order.
    ``data_end_epoch_s`` is the last arrival in the warehouse (UTC epoch seconds); without it nothing is
    eligible. The direct search reads the starts from ``conversations`` (so pass a stored table, or a cheap
    one). ``followers`` (≥ 1) trades the width of the sorted pass against how often the direct search runs;
    the answer does not depend on it. ``cache`` materialises the sorted pass (it feeds both the flags and the
    direct search; without it a backend may run it twice).
    """
    import ibis

    if followers < 1:
        raise ValueError(f"followers must be at least 1, not {followers}")

    def eligible_of(t: ir.Table) -> ir.BooleanValue:
        if data_end_epoch_s is None:
            return ibis.literal(False)
        # whole seconds of the end + N days <= the last arrival, as one integer comparison in microseconds
        elapsed = t._end_us < (data_end_epoch_s - window_days * 86400 + 1) * 1_000_000
        return (t.customer_key.notnull() & (t._conv_handled == 1) & elapsed).fill_null(False)

    # instants are UTC epoch microseconds: integer comparisons, and no calendar arithmetic for the horizon
    c = conversations.filter(conversations.customer_key.notnull())
    w = ibis.window(group_by=[c.customer_key], order_by=[c._start_us])
    nexts = {}
    for j in range(1, followers + 1):
        nexts[f"_t{j}"] = c._start_us.lead(j).over(w)
        nexts[f"_r{j}"] = c.reason_l1.lead(j).over(w)
    c = c.mutate(**nexts, _hz=c._end_us + window_days * 86_400_000_000)
    qualifies = []
    for j in range(1, followers + 1):
        t, r = c[f"_t{j}"], c[f"_r{j}"]
        same = c.reason_l1.isnull() | (r == c.reason_l1).fill_null(False)
        qualifies.append(t.notnull() & (t > c._end_us) & (t <= c._hz) & same)
    hit = qualifies[0]
    for q in qualifies[1:]:
        hit = hit | q
    # only eligible conversations are judged (all of them are candidates for the next start, above)
    c = c.mutate(_hit=hit, _last=c[f"_t{followers}"]).filter(eligible_of(c))
    c = c.drop(*nexts, "_start_us", "_conv_handled")
    if cache:  # the sorted pass feeds the flags and the direct search: run it once
        c = c.cache()
    # every follower read starts within the window without qualifying: look for a start directly
    c = c.mutate(_open=~c._hit & c._last.notnull() & (c._last <= c._hz))
    need = c.filter(c._open).select(
        _cid="conversation_id", _k="customer_key", _r="reason_l1", _end="_end_us", _lim="_hz"
    )
    src = conversations.filter(conversations.customer_key.notnull())
    found_starts = src.select(_sk="customer_key", _sr="reason_l1", _st="_start_us")
    hits = need.join(
        found_starts, [need._k == found_starts._sk, found_starts._st > need._end, found_starts._st <= need._lim]
    )
    found = hits.group_by("_cid").aggregate(
        _fb=ibis.ifelse(hits._r.isnull() | (hits._sr == hits._r).fill_null(False), 1, 0).max()
    )
    c = c.left_join(found, c.conversation_id == found._cid).drop("_cid")
    repeat = c._hit | (c._open & (c._fb.fill_null(0) == 1))
    c = c.mutate(_repeat_eligible=ibis.literal(1), _repeat=ibis.ifelse(repeat, 1, 0))
    c = c.drop("_end_us", "_hz", "_hit", "_last", "_open", "_fb")
    # and every other conversation, so that each group of conversations is present
    rest = conversations.filter(~eligible_of(conversations))
    rest = rest.mutate(_repeat_eligible=ibis.literal(0), _repeat=ibis.literal(0)).select(*c.columns)
    return c.union(rest)
