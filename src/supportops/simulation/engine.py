"""The discrete-event core: contacts (drawn up front as arrays) meet agents (on duty windows) through queues.

Everything is in seconds from the start of the simulation. The engine knows nothing of channels or dates: a
contact is an arrival time, a queue, a rank offset (its place in the queue is ``arrival + rank_offset``: a
negative offset is a head start, a deadline gives earliest-deadline-first), a patience (``inf`` never
abandons), the seconds it keeps an agent busy (talk + hold + after-contact work), the seconds the customer
stays (talk + hold) and a weight in agent capacity units (a voice call takes a whole agent; a chat takes
one of the agent's concurrent sessions).

Agents belong to groups. A group lists the queues it takes in order of preference, each with the wait after
which the group may take a contact of that queue (0 for its own skills, a threshold for overflow). Each
agent is on duty in windows; the gap after a window is a break, lunch, auxiliary time or the end of the
shift. An agent busy at the end of a window finishes the contact first and then takes the whole break.

Contacts can be chained: answering a leg that is transferred makes its next leg arrive at the next queue
when the customer leaves the first agent; a contact that gives up waiting and has an ``abandon_to`` leg
(it accepted a callback) makes that leg arrive at once; a conversation that ends unresolved (or abandoned)
makes its repeat contact arrive ``repeat_delay`` seconds later. Chained legs are pre-drawn and inactive
until then.

Waiting contacts sit in a heap per queue; abandonment is lazy: a contact whose patience ran out is dropped
when an agent reaches it, and it abandoned at ``arrival + patience``. Only a waiting contact that would bring
a repeat contact or a callback gets an abandonment event on time, so that those arrive when they should.

For one queue served first-come-first-served by one group of always-on single-capacity agents with no
chaining, :func:`run` uses the exact recursion of the FIFO multi-server queue instead (each arrival takes
the agent that frees up first; with impatience it abandons if that agent frees up after its patience).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from supportops.errors import InputError

__all__ = [
    "ABANDONED",
    "ANSWERED",
    "NOT_ARRIVED",
    "UNANSWERED",
    "AgentPlan",
    "ContactPlan",
    "EngineResult",
    "GroupPlan",
    "run",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
BOOL = NDArray[np.bool_]

NOT_ARRIVED = 0
ANSWERED = 1
ABANDONED = 2
UNANSWERED = 3

_DONE, _LEAVE, _RETURN, _ARRIVE, _OVERFLOW, _PATIENCE = 0, 1, 2, 3, 4, 5
_INF = math.inf


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactPlan:
    """Every contact that may arrive, as equal-length arrays (seconds; see the module docstring)."""

    arrival: F64
    queue: I64
    rank_offset: F64
    patience: F64
    handle: F64
    customer_time: F64
    weight: I64
    active: BOOL
    resolved: BOOL
    transfer_to: I64
    repeat_to: I64
    repeat_delay: F64
    abandon_to: I64 | None = None

    @property
    def size(self) -> int:
        return int(self.arrival.shape[0])

    def abandon_targets(self) -> I64:
        """The leg that arrives when each contact abandons (a callback), -1 for none."""
        if self.abandon_to is None:
            return np.full(self.size, -1, dtype=np.int64)
        return self.abandon_to


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupPlan:
    """One agent group: the queues it takes in order, the wait before it may take each, its capacity units."""

    queues: tuple[int, ...]
    min_wait: tuple[float, ...]
    capacity: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentPlan:
    """Agents: group of each, and on-duty windows (agent ``a`` owns windows ``offsets[a]:offsets[a+1]``).

    ``gap_state`` is the state code of the time after each window (see :mod:`supportops.simulation.states`).
    """

    group: I64
    offsets: I64
    window_start: F64
    window_end: F64
    gap_state: NDArray[np.int8]

    @property
    def size(self) -> int:
        return int(self.group.shape[0])


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineResult:
    """What happened to each contact, and the agents' duty spans and off-duty intervals.

    ``status``: NOT_ARRIVED (a chained leg never triggered), ANSWERED, ABANDONED, UNANSWERED (still waiting
    when every agent had gone home). ``arrival`` is the realised arrival (chained legs get theirs in the run),
    ``answered`` the answer time (nan if not answered), ``ended`` when the customer left, ``agent`` the agent
    index (-1). Duty spans: ``duty_agent``, ``duty_start``, ``duty_end``; off intervals: ``off_agent``,
    ``off_state``, ``off_start``, ``off_end`` (breaks, lunches, aux time; not the time between shifts).
    """

    status: NDArray[np.int8]
    arrival: F64
    answered: F64
    ended: F64
    agent: I64
    duty_agent: I64
    duty_start: F64
    duty_end: F64
    off_agent: I64
    off_state: NDArray[np.int8]
    off_start: F64
    off_end: F64
    fast_path: bool


def _check(contacts: ContactPlan, agents: AgentPlan, groups: tuple[GroupPlan, ...], n_queues: int) -> None:
    n = contacts.size
    for name in ("queue", "rank_offset", "patience", "handle", "customer_time", "weight", "active", "resolved"):
        if getattr(contacts, name).shape[0] != n:
            raise InputError(f"contact plan: {name} has {getattr(contacts, name).shape[0]} entries, arrival has {n}")
    if n and (contacts.queue.min() < 0 or contacts.queue.max() >= n_queues):
        raise InputError(f"contact plan: queue index outside 0..{n_queues - 1}")
    if n and contacts.handle.min() < 0:
        raise InputError("contact plan: a handle time is negative")
    if agents.offsets.shape[0] != agents.size + 1:
        raise InputError("agent plan: offsets must have one entry more than there are agents")
    if agents.size and (agents.group.min() < 0 or agents.group.max() >= len(groups)):
        raise InputError(f"agent plan: group index outside 0..{len(groups) - 1}")
    for g, plan in enumerate(groups):
        if len(plan.queues) != len(plan.min_wait):
            raise InputError(f"group {g}: queues and min_wait differ in length")
        if plan.capacity < 1:
            raise InputError(f"group {g}: capacity must be at least 1")
        if any(q < 0 or q >= n_queues for q in plan.queues):
            raise InputError(f"group {g}: queue index outside 0..{n_queues - 1}")
    for g_idx in range(len(groups)):
        w_max = groups[g_idx].capacity
        for q in groups[g_idx].queues:
            sel = contacts.queue == q
            if sel.any() and int(contacts.weight[sel].max()) > w_max:
                raise InputError(f"group {g_idx}: a contact of queue {q} needs more capacity than the group has")


def _fast_path_applies(contacts: ContactPlan, agents: AgentPlan, groups: tuple[GroupPlan, ...]) -> bool:
    if len(groups) != 1 or groups[0].capacity != 1 or len(groups[0].queues) != 1 or groups[0].min_wait[0] != 0:
        return False
    if (contacts.queue != groups[0].queues[0]).any() or (contacts.rank_offset != 0).any():
        return False
    if not contacts.active.all() or (contacts.transfer_to >= 0).any() or (contacts.repeat_to >= 0).any():
        return False
    if (contacts.abandon_targets() >= 0).any():
        return False
    if (contacts.weight != 1).any():
        return False
    one_window = np.diff(agents.offsets) == 1
    if not one_window.all():
        return False
    return bool((agents.window_start <= 0).all() and np.isinf(agents.window_end).all())


def _fifo(contacts: ContactPlan, n_agents: int) -> EngineResult:
    """FIFO M/G/N+G by the multi-server recursion: exact, one heap operation per answered contact."""
    n = contacts.size
    order = np.argsort(contacts.arrival, kind="stable")
    arr = contacts.arrival[order].tolist()
    pat = contacts.patience[order].tolist()
    hdl = contacts.handle[order].tolist()
    start = [_INF] * n
    who = [-1] * n
    free: list[tuple[float, int]] = [(0.0, a) for a in range(n_agents)]
    replace = heapq.heapreplace
    if n_agents:
        for i in range(n):
            a = arr[i]
            f, ag = free[0]
            s = a if f < a else f
            if s - a > pat[i]:
                continue
            replace(free, (s + hdl[i], ag))
            start[i] = s
            who[i] = ag
    answered_sorted = np.array(start, dtype=np.float64)
    agent_sorted = np.array(who, dtype=np.int64)
    answered = np.empty(n, dtype=np.float64)
    answered[order] = answered_sorted
    agent = np.empty(n, dtype=np.int64)
    agent[order] = agent_sorted
    ok = np.isfinite(answered)
    status = np.where(ok, ANSWERED, ABANDONED).astype(np.int8)
    ended = np.where(ok, answered + contacts.customer_time, contacts.arrival + contacts.patience)
    answered = np.where(ok, answered, np.nan)
    if n_agents == 0:
        status[~np.isfinite(contacts.patience)] = UNANSWERED
    ended = np.where(status == UNANSWERED, np.nan, ended)
    empty_f = np.empty(0, dtype=np.float64)
    empty_i = np.empty(0, dtype=np.int64)
    return EngineResult(
        status=status,
        arrival=contacts.arrival.astype(np.float64, copy=True),
        answered=answered,
        ended=ended,
        agent=agent,
        duty_agent=np.arange(n_agents, dtype=np.int64),
        duty_start=np.zeros(n_agents),
        duty_end=np.full(n_agents, np.inf),
        off_agent=empty_i,
        off_state=np.empty(0, dtype=np.int8),
        off_start=empty_f,
        off_end=empty_f,
        fast_path=True,
    )


def run(
    contacts: ContactPlan,
    agents: AgentPlan,
    groups: tuple[GroupPlan, ...],
    n_queues: int,
    *,
    repeat_horizon: float = _INF,
    allow_fast_path: bool = True,
) -> EngineResult:
    """Simulate the contacts through the queues and agents; repeats arriving after ``repeat_horizon`` are
    dropped. The result is a function of the plans alone (no randomness is drawn here)."""
    _check(contacts, agents, groups, n_queues)
    if allow_fast_path and _fast_path_applies(contacts, agents, groups):
        return _fifo(contacts, agents.size)
    return _event_loop(contacts, agents, groups, n_queues, repeat_horizon)


def _event_loop(
    contacts: ContactPlan,
    agents: AgentPlan,
    groups: tuple[GroupPlan, ...],
    n_queues: int,
    repeat_horizon: float,
) -> EngineResult:
    n = contacts.size
    arrival = contacts.arrival.tolist()
    queue = contacts.queue.tolist()
    offset = contacts.rank_offset.tolist()
    patience = contacts.patience.tolist()
    handle = contacts.handle.tolist()
    cust = contacts.customer_time.tolist()
    weight = contacts.weight.tolist()
    resolved = contacts.resolved.tolist()
    transfer_to = contacts.transfer_to.tolist()
    repeat_to = contacts.repeat_to.tolist()
    repeat_delay = contacts.repeat_delay.tolist()
    abandon_to = contacts.abandon_targets().tolist()
    status = [NOT_ARRIVED] * n
    answered = [math.nan] * n
    ended = [math.nan] * n
    agent_of = [-1] * n

    n_agents = agents.size
    a_group = agents.group.tolist()
    w_off = agents.offsets.tolist()
    w_start = agents.window_start.tolist()
    w_end = agents.window_end.tolist()
    w_gap = agents.gap_state.tolist()
    wp = [w_off[a] for a in range(n_agents)]
    cap = [groups[g].capacity for g in a_group]
    free = list(cap)
    duty_since = [_INF] * n_agents
    duty_rows: list[tuple[int, float, float]] = []
    off_rows: list[tuple[int, int, float, float]] = []

    g_queues = [list(zip(p.queues, p.min_wait, strict=True)) for p in groups]
    g_cap = [p.capacity for p in groups]
    idle_full: list[dict[int, None]] = [{} for _ in groups]
    idle_part: list[dict[int, None]] = [{} for _ in groups]
    primary: list[list[int]] = [[] for _ in range(n_queues)]
    overflow: list[list[tuple[int, float]]] = [[] for _ in range(n_queues)]
    for g, p in enumerate(groups):
        for q, mw in zip(p.queues, p.min_wait, strict=True):
            (primary[q].append(g) if mw <= 0 else overflow[q].append((g, mw)))
    waiting: list[list[tuple[float, int]]] = [[] for _ in range(n_queues)]

    heap: list[tuple[float, int, int]] = []
    push = heapq.heappush
    pop = heapq.heappop
    for a in range(n_agents):
        k = w_off[a]
        if k < w_off[a + 1]:
            push(heap, (w_start[k], _RETURN, a))

    def conversation_end(c: int, t_end: float) -> None:
        r = repeat_to[c]
        if r >= 0:
            t_r = t_end + repeat_delay[c]
            if t_r < repeat_horizon:
                arrival[r] = t_r
                push(heap, (t_r, _ARRIVE, r))

    def abandon(c: int) -> None:
        status[c] = ABANDONED
        t_ab = arrival[c] + patience[c]
        ended[c] = t_ab
        child = abandon_to[c]
        if child >= 0:
            arrival[child] = t_ab
            push(heap, (t_ab, _ARRIVE, child))
        else:
            conversation_end(c, t_ab)

    def assign(a: int, c: int, t: float) -> None:
        status[c] = ANSWERED
        answered[c] = t
        agent_of[c] = a
        push(heap, (t + handle[c], _DONE, c))
        t_cust = t + cust[c]
        ended[c] = t_cust
        child = transfer_to[c]
        if child >= 0:
            arrival[child] = t_cust
            push(heap, (t_cust, _ARRIVE, child))
        elif not resolved[c]:
            conversation_end(c, t_cust)

    def take_work(a: int, g: int, t: float) -> None:
        """Agent ``a`` (on duty, in no idle list) fills its free capacity from its queues, then waits."""
        f = free[a]
        for q, mw in g_queues[g]:
            h = waiting[q]
            while h:
                c = h[0][1]
                if status[c] != UNANSWERED:  # abandoned already (checked on time because a repeat hangs on it)
                    pop(h)
                    continue
                if arrival[c] + patience[c] < t:
                    pop(h)
                    abandon(c)
                    continue
                w = weight[c]
                if w > f or (mw > 0 and t - arrival[c] < mw):
                    break
                pop(h)
                f -= w
                assign(a, c, t)
                if f == 0:
                    break
            if f == 0:
                break
        free[a] = f
        if f == g_cap[g]:
            idle_full[g][a] = None
        elif f > 0:
            idle_part[g][a] = None

    def go_off(a: int, t: float) -> None:
        k = wp[a]
        state = w_gap[k]
        duty_rows.append((a, duty_since[a], t))
        duty_since[a] = _INF
        last = w_off[a + 1]
        nk = k + 1
        if nk >= last:
            wp[a] = nk
            return
        # a break inside the shift is taken in full, even when it starts late
        back = max(w_start[nk], t + (w_start[nk] - w_end[k])) if state != 0 else max(w_start[nk], t)
        while nk < last and back >= w_end[nk]:
            nk += 1
            if nk < last:
                back = max(back, w_start[nk])
        wp[a] = nk
        if state != 0:
            off_rows.append((a, state, t, back))
        if nk < last:
            push(heap, (back, _RETURN, a))

    def offer(c: int, t: float) -> None:
        q = queue[c]
        w = weight[c]
        for g in primary[q]:
            if w < g_cap[g] and idle_part[g]:
                d = idle_part[g]
            elif idle_full[g]:
                d = idle_full[g]
            else:
                continue
            a = next(iter(d))
            del d[a]
            f = free[a] - w
            free[a] = f
            assign(a, c, t)
            if f == g_cap[g]:
                idle_full[g][a] = None
            elif f > 0:
                idle_part[g][a] = None
            return
        status[c] = UNANSWERED
        push(waiting[q], (t + offset[c], c))
        if (repeat_to[c] >= 0 or abandon_to[c] >= 0) and patience[c] < _INF:
            push(heap, (t + patience[c], _PATIENCE, c))
        for _g, mw in overflow[q]:
            push(heap, (t + mw, _OVERFLOW, q))

    order = np.argsort(np.where(contacts.active, contacts.arrival, np.inf), kind="stable")
    n_init = int(contacts.active.sum())
    init = order[:n_init].tolist()
    i = 0
    next_arr = arrival[init[0]] if n_init else _INF
    while True:
        if heap and heap[0][0] <= next_arr:
            t, kind, x = pop(heap)
            if kind == _DONE:
                a = agent_of[x]
                g = a_group[a]
                free[a] += weight[x]
                idle_part[g].pop(a, None)
                if duty_since[a] < _INF:
                    if t < w_end[wp[a]]:
                        take_work(a, g, t)
                    elif free[a] == cap[a]:
                        go_off(a, t)
            elif kind == _ARRIVE:
                offer(x, t)
            elif kind == _RETURN:
                a = x
                duty_since[a] = t
                push(heap, (w_end[wp[a]], _LEAVE, a))
                take_work(a, a_group[a], t)
            elif kind == _LEAVE:
                a = x
                if wp[a] >= w_off[a + 1] or w_end[wp[a]] != t or duty_since[a] == _INF:
                    continue
                g = a_group[a]
                idle_part[g].pop(a, None)
                idle_full[g].pop(a, None)
                if free[a] == cap[a]:
                    go_off(a, t)
            elif kind == _PATIENCE:
                if status[x] == UNANSWERED:
                    abandon(x)
            else:  # overflow check: idle overflow agents of queue x may now take its oldest contact
                for g, _mw in overflow[x]:
                    while waiting[x] and (idle_full[g] or idle_part[g]):
                        d = idle_part[g] if idle_part[g] else idle_full[g]
                        a = next(iter(d))
                        del d[a]
                        before = free[a]
                        take_work(a, g, t)
                        if free[a] == before:
                            break
        elif i < n_init:
            c = init[i]
            i += 1
            t = next_arr
            next_arr = arrival[init[i]] if i < n_init else _INF
            offer(c, t)
        else:
            break
    for q in range(n_queues):
        for _key, c in waiting[q]:
            if status[c] == UNANSWERED and math.isfinite(patience[c]):
                abandon(c)
    for a in range(n_agents):
        if duty_since[a] < _INF:
            duty_rows.append((a, duty_since[a], w_end[wp[a]] if wp[a] < w_off[a + 1] else duty_since[a]))
    st = np.array(status, dtype=np.int8)
    return EngineResult(
        status=st,
        arrival=np.where(st == NOT_ARRIVED, np.nan, np.array(arrival, dtype=np.float64)),
        answered=np.array(answered, dtype=np.float64),
        ended=np.array(ended, dtype=np.float64),
        agent=np.array(agent_of, dtype=np.int64),
        duty_agent=np.array([r[0] for r in duty_rows], dtype=np.int64),
        duty_start=np.array([r[1] for r in duty_rows], dtype=np.float64),
        duty_end=np.array([r[2] for r in duty_rows], dtype=np.float64),
        off_agent=np.array([r[0] for r in off_rows], dtype=np.int64),
        off_state=np.array([r[1] for r in off_rows], dtype=np.int8),
        off_start=np.array([r[2] for r in off_rows], dtype=np.float64),
        off_end=np.array([r[3] for r in off_rows], dtype=np.float64),
        fast_path=False,
    )
