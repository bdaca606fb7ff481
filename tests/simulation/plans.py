"""Engine inputs shared by the simulation tests."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from supportops.simulation.engine import AgentPlan, ContactPlan, GroupPlan


def contact_plan(
    arrival: ArrayLike,
    handle: ArrayLike,
    patience: ArrayLike,
    *,
    queue: ArrayLike | None = None,
    rank_offset: ArrayLike | None = None,
    customer_time: ArrayLike | None = None,
    weight: ArrayLike | None = None,
) -> ContactPlan:
    """Contacts arriving at ``arrival`` (seconds, sorted) with these handle times and patiences (seconds; inf
    never abandons), all active and resolved, no transfers or repeats; queue 0, no priority head start, the
    customer busy for the whole handle time and weight 1 unless given."""
    arrivals = np.asarray(arrival, dtype=float)
    n = arrivals.size
    return ContactPlan(
        arrival=arrivals,
        queue=np.zeros(n, dtype=np.int64) if queue is None else np.asarray(queue, dtype=np.int64),
        rank_offset=np.zeros(n) if rank_offset is None else np.asarray(rank_offset, dtype=float),
        patience=np.asarray(patience, dtype=float),
        handle=np.asarray(handle, dtype=float),
        customer_time=np.asarray(handle if customer_time is None else customer_time, dtype=float),
        weight=np.ones(n, dtype=np.int64) if weight is None else np.asarray(weight, dtype=np.int64),
        active=np.ones(n, dtype=bool),
        resolved=np.ones(n, dtype=bool),
        transfer_to=np.full(n, -1, dtype=np.int64),
        repeat_to=np.full(n, -1, dtype=np.int64),
        repeat_delay=np.zeros(n),
    )


def single_queue_plan(
    arrival: ArrayLike, handle: ArrayLike, patience: ArrayLike, n_agents: int
) -> tuple[ContactPlan, AgentPlan, tuple[GroupPlan, ...]]:
    """One FIFO queue served by ``n_agents`` always on duty: contacts arriving at ``arrival`` (seconds, sorted)
    with these handle times and patiences (seconds; inf never abandons), all resolved, no transfers or repeats."""
    contacts = contact_plan(arrival, handle, patience)
    agents = AgentPlan(
        group=np.zeros(n_agents, dtype=np.int64),
        offsets=np.arange(n_agents + 1, dtype=np.int64),
        window_start=np.zeros(n_agents),
        window_end=np.full(n_agents, np.inf),
        gap_state=np.zeros(n_agents, dtype=np.int8),
    )
    return contacts, agents, (GroupPlan(queues=(0,), min_wait=(0.0,)),)
