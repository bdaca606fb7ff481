"""Run a scenario: draw, simulate, summarise, and (on request) build the canonical tables."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from supportops.simulation.engine import ABANDONED, ANSWERED, NOT_ARRIVED, UNANSWERED, EngineResult, run
from supportops.simulation.frames import agent_states_table, agents_table, contacts_table, surveys_table
from supportops.simulation.plan import Plan, build_plan
from supportops.simulation.scenario import Scenario

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["QueueSummary", "SimulationResult", "simulate", "summarise"]


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueSummary:
    """What one queue experienced over the run (arrivals after the warm-up only).

    ``service_level``: answered within the queue's threshold over all arrivals (abandons count against).
    ``abandon_rate``: abandoned / arrivals. ``asa``: mean wait of answered contacts (seconds).
    ``unanswered``: still waiting when the last shift ended (email backlog). ``callbacks``: callers who took a
    callback instead of waiting (not counted as abandoned; the callback is a leg of ``callback_to``).
    """

    queue: str
    channel: str
    threshold_s: float
    arrivals: int
    answered: int
    abandoned: int
    callbacks: int
    unanswered: int
    service_level: float
    abandon_rate: float
    asa: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationResult:
    """A finished run: the plan that was drawn, the engine's result, per-queue summaries and timings.

    The canonical tables (Arrow, :mod:`supportops.schema` columns) are present when ``tables=True`` was
    asked for; ``contacts_simulated`` counts the legs that reached an agent queue.
    """

    scenario: Scenario
    plan: Plan
    engine: EngineResult
    queues: tuple[QueueSummary, ...]
    contacts_simulated: int
    seconds: float
    contacts: pa.Table | None = None
    agent_states: pa.Table | None = None
    surveys: pa.Table | None = None
    agents: pa.Table | None = None


def summarise(sc: Scenario, plan: Plan, res: EngineResult) -> tuple[QueueSummary, ...]:
    """Service level, abandonment and ASA per queue for the arrivals after ``warmup_s``."""
    out = []
    arrived = (res.status != NOT_ARRIVED) & (res.arrival >= sc.warmup_s)
    wait = res.answered - res.arrival
    for i, q in enumerate(sc.queues):
        if q.channel == "bot":
            continue
        sel = arrived & (plan.contacts.queue == i)
        n = int(sel.sum())
        ans = sel & (res.status == ANSWERED)
        n_ans = int(ans.sum())
        within = int((ans & (wait <= q.threshold_s)).sum())
        targets = plan.contacts.abandon_targets()
        called_back = (res.status == ABANDONED) & (targets >= 0) & (res.status[np.maximum(targets, 0)] != NOT_ARRIVED)
        n_cb = int((sel & called_back).sum())
        n_ab = int((sel & (res.status == ABANDONED)).sum()) - n_cb
        out.append(
            QueueSummary(
                queue=q.id,
                channel=q.channel,
                threshold_s=q.threshold_s,
                arrivals=n,
                answered=n_ans,
                abandoned=n_ab,
                callbacks=n_cb,
                unanswered=int((sel & (res.status == UNANSWERED)).sum()),
                service_level=within / n if n else float("nan"),
                abandon_rate=n_ab / n if n else float("nan"),
                asa=float(wait[ans].mean()) if n_ans else float("nan"),
            )
        )
    return tuple(out)


def simulate(
    sc: Scenario, rng: np.random.Generator, *, tables: bool = False, allow_fast_path: bool = True
) -> SimulationResult:
    """Simulate ``sc`` with randomness from ``rng``; with ``tables`` also build the canonical tables."""
    started = time.perf_counter()
    plan = build_plan(sc, rng)
    res = run(
        plan.contacts,
        plan.agents,
        plan.groups,
        len(sc.queues),
        repeat_horizon=plan.horizon_s,
        allow_fast_path=allow_fast_path,
    )
    summary = summarise(sc, plan, res)
    extra: dict[str, pa.Table] = {}
    if tables:
        extra = {
            "contacts": contacts_table(sc, plan, res),
            "agent_states": agent_states_table(sc, plan, res),
            "surveys": surveys_table(sc, plan, res, rng),
            "agents": agents_table(sc, plan),
        }
    return SimulationResult(
        scenario=sc,
        plan=plan,
        engine=res,
        queues=summary,
        contacts_simulated=int((res.status != NOT_ARRIVED).sum()),
        seconds=time.perf_counter() - started,
        **extra,
    )
