"""Adherence and conformance: what agents did (``agent_states``) against what they were scheduled to do.

Times are seconds since the Unix epoch (UTC). A scheduled activity is ``work`` (the agent should be in a
productive state: available, on a contact or in after-contact work) or ``break`` / ``lunch`` (the agent should be
on break or lunch; either counts). **Adherence** of an agent in an interval is the scheduled time spent in the
expected state over the scheduled time of that interval (fraction 0-1). **Conformance** is the productive time
worked, anywhere in the horizon, over the scheduled work time (above 1: worked more than scheduled). Time
outside the schedule does not enter adherence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from supportops.errors import InputError

__all__ = ["PRODUCTIVE_STATES", "AdherenceResult", "adherence"]

PRODUCTIVE_STATES = frozenset({"available", "on_contact", "acw"})
BREAK_STATES = frozenset({"break", "lunch"})
_WORK, _BREAK, _OTHER = 1, 2, 3


@dataclass(frozen=True, slots=True, kw_only=True)
class AdherenceResult:
    """Per agent and interval (rows in ``agent``, ``interval_start`` order): ``scheduled_s`` and
    ``in_adherence_s`` (seconds) and ``adherence`` (0-1, NaN where nothing was scheduled). Per agent
    (``agents`` order): scheduled work seconds, productive seconds worked, adherence and conformance."""

    agent: tuple[str, ...]
    interval_start: NDArray[np.int64]
    scheduled_s: NDArray[np.float64]
    in_adherence_s: NDArray[np.float64]
    adherence: NDArray[np.float64]
    agents: tuple[str, ...]
    agent_scheduled_s: NDArray[np.float64]
    agent_work_scheduled_s: NDArray[np.float64]
    agent_worked_s: NDArray[np.float64]
    agent_adherence: NDArray[np.float64]
    agent_conformance: NDArray[np.float64]

    @property
    def overall(self) -> float:
        """Adherence over all agents and intervals (time-weighted), NaN when nothing was scheduled."""
        total = float(self.agent_scheduled_s.sum())
        return float(self.in_adherence_s.sum() / total) if total > 0 else float("nan")

    @property
    def conformance(self) -> float:
        total = float(self.agent_work_scheduled_s.sum())
        return float(self.agent_worked_s.sum() / total) if total > 0 else float("nan")


def _segments(rows: Sequence[tuple[int, int, int]], agent: str, what: str) -> tuple[NDArray[np.int64], ...]:
    arr = np.array(sorted(rows), dtype=np.int64).reshape(-1, 3)
    if arr.size and np.any(arr[:, 1] < arr[:, 0]):
        raise InputError(f"agent {agent}: a {what} ends before it starts")
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _code_at(points: NDArray[np.float64], seg: tuple[NDArray[np.int64], ...]) -> NDArray[np.int64]:
    """The code of the segment holding each point (0 where none; the latest-starting one where they overlap)."""
    starts, ends, codes = seg
    if starts.size == 0:
        return np.zeros(points.size, dtype=np.int64)
    i = np.searchsorted(starts, points, side="right") - 1
    ok = i >= 0
    j = np.where(ok, i, 0)
    inside = ok & (points < ends[j])
    return np.where(inside, codes[j], 0)


def adherence(
    scheduled: Sequence[tuple[str, int, int, str]],
    states: Sequence[tuple[str, int, int, str]],
    *,
    interval: int = 1800,
    horizon: tuple[int, int] | None = None,
) -> AdherenceResult:
    """Adherence per agent and ``interval``-second interval, and conformance per agent.

    ``scheduled``: (agent, start, end, activity) with activity ``work``, ``break`` or ``lunch`` (breaks lie
    inside the work span and take precedence). ``states``: (agent, start, end, state) with the canonical state
    names. Only agents with a schedule are reported. Conformance counts productive time within ``horizon``
    (start, end), by default the whole UTC days the agent's schedule touches.
    """
    sched_by: dict[str, list[tuple[int, int, int]]] = {}
    for agent, start, end, activity in scheduled:
        if activity not in ("work", "break", "lunch"):
            raise InputError(f"agent {agent}: unknown scheduled activity {activity!r} (work, break, lunch)")
        sched_by.setdefault(agent, []).append((int(start), int(end), _WORK if activity == "work" else _BREAK))
    state_by: dict[str, list[tuple[int, int, int]]] = {}
    for agent, start, end, state in states:
        if agent in sched_by and state != "offline":
            code = _WORK if state in PRODUCTIVE_STATES else _BREAK if state in BREAK_STATES else _OTHER
            state_by.setdefault(agent, []).append((int(start), int(end), code))

    rows_agent: list[str] = []
    rows_start: list[NDArray[np.int64]] = []
    rows_sched: list[NDArray[np.float64]] = []
    rows_in: list[NDArray[np.float64]] = []
    names = tuple(sorted(sched_by))
    per = np.zeros((len(names), 4))
    for n, agent in enumerate(names):
        work = [(s, e, c) for s, e, c in sched_by[agent] if c == _WORK]
        brk = [(s, e, c) for s, e, c in sched_by[agent] if c == _BREAK]
        wseg = _segments(work, agent, "scheduled shift")
        bseg = _segments(brk, agent, "scheduled break")
        aseg = _segments(state_by.get(agent, []), agent, "state")
        lo = int(wseg[0].min(initial=0)) if wseg[0].size else 0
        hi = int(wseg[1].max(initial=0)) if wseg[1].size else 0
        grid = np.arange((lo // interval) * interval, hi + interval, interval, dtype=np.int64)
        bounds = np.unique(np.concatenate([grid, wseg[0], wseg[1], bseg[0], bseg[1], aseg[0], aseg[1]]))
        mids = (bounds[:-1] + bounds[1:]) / 2.0
        dur = np.diff(bounds).astype(np.float64)
        planned = np.where(_code_at(mids, bseg) == _BREAK, _BREAK, _code_at(mids, wseg))
        actual = _code_at(mids, aseg)
        in_sched = planned > 0
        hit = in_sched & (planned == actual)
        slot = np.floor_divide(mids, interval).astype(np.int64) * interval
        inside = (mids >= grid[0]) & (mids < grid[-1]) & in_sched
        keys, inv = np.unique(slot[inside], return_inverse=True)
        s_sched = np.bincount(inv, weights=dur[inside], minlength=keys.size)
        s_in = np.bincount(inv, weights=(dur * hit)[inside], minlength=keys.size)
        rows_agent.extend([agent] * keys.size)
        rows_start.append(keys)
        rows_sched.append(np.asarray(s_sched, dtype=np.float64))
        rows_in.append(np.asarray(s_in, dtype=np.float64))
        h0, h1 = horizon if horizon is not None else (lo - lo % 86400, hi + (-hi) % 86400)
        worked_all = float(
            sum(max(0, min(int(e), h1) - max(int(s), h0)) for s, e, c in zip(*aseg, strict=True) if c == _WORK)
        )
        per[n] = (float(dur[in_sched].sum()), float(dur[planned == _WORK].sum()), worked_all, float(dur[hit].sum()))

    cat_f = (lambda xs: np.concatenate(xs)) if rows_sched else (lambda _xs: np.zeros(0))
    sched_s = np.asarray(cat_f(rows_sched), dtype=np.float64)
    in_s = np.asarray(cat_f(rows_in), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        adh = np.where(sched_s > 0, in_s / np.where(sched_s > 0, sched_s, 1.0), np.nan)
        agent_adh = np.where(per[:, 0] > 0, per[:, 3] / np.where(per[:, 0] > 0, per[:, 0], 1.0), np.nan)
        agent_conf = np.where(per[:, 1] > 0, per[:, 2] / np.where(per[:, 1] > 0, per[:, 1], 1.0), np.nan)
    return AdherenceResult(
        agent=tuple(rows_agent),
        interval_start=np.asarray(cat_f(rows_start), dtype=np.int64) if rows_start else np.zeros(0, dtype=np.int64),
        scheduled_s=sched_s,
        in_adherence_s=in_s,
        adherence=adh,
        agents=names,
        agent_scheduled_s=per[:, 0],
        agent_work_scheduled_s=per[:, 1],
        agent_worked_s=per[:, 2],
        agent_adherence=agent_adh,
        agent_conformance=agent_conf,
    )
