"""Why an agent cannot be scheduled, in words: which agent, which rule, which day.

Before any solving, each distinct agent profile (same skills, hours, availability, time off) is checked on its
own: arithmetic first (maximum below minimum hours, no required skill), then a tiny CP-SAT model of that
agent's rules in which every rule group is switched on by an assumption literal. When the model is
infeasible, CP-SAT's *sufficient assumptions for infeasibility* name a small set of rules that cannot hold
together; those become :class:`Conflict` records. The agents are coupled only through soft coverage targets,
so the whole schedule is feasible exactly when no agent has a conflict.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

from supportops.scheduling.assign import add_agent_rules
from supportops.scheduling.rules import Agent, Requirements, Rules
from supportops.scheduling.shifts import ShiftType

__all__ = ["Conflict", "diagnose", "explain"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """One rule taking part in an agent's infeasibility: ``rule`` key, the ``day`` it concerns (the first day of
    the week for weekly rules) and a sentence."""

    agent: str
    rule: str
    day: date | None
    message: str


def _clock(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h:02d}:{m:02d}"


def _words(rule: str, index: int, agent: Agent, req: Requirements, rules: Rules) -> tuple[date, str]:
    if rule in ("days_off", "consecutive_days_off", "min_hours", "max_hours"):
        first = req.day(7 * index)
        week = f"in the week from {first:%a %Y-%m-%d}"
        text = {
            "days_off": f"at least {rules.days_off} days off {week}",
            "consecutive_days_off": f"{rules.days_off} consecutive days off {week}",
            "min_hours": f"at least {agent.min_hours:g} paid hours {week}",
            "max_hours": f"at most {agent.max_hours:g} paid hours {week}",
        }[rule]
        return first, text
    day = req.day(index)
    if rule == "time_off":
        return day, f"approved time off on {day:%a %Y-%m-%d}"
    if rule == "availability":
        lo, hi = agent.availability[day.weekday()]
        return day, f"availability {_clock(lo)}-{_clock(hi)} on {day:%a %Y-%m-%d}"
    if rule == "max_consecutive":
        last = day + timedelta(days=rules.max_consecutive_days)
        return (
            day,
            f"at most {rules.max_consecutive_days} working days in a row ({day:%a %Y-%m-%d} to {last:%a %Y-%m-%d})",
        )
    return day, f"{rules.min_rest / 60:g} h rest between shifts on {day:%a %Y-%m-%d} and {day + timedelta(days=1):%a}"


def explain(conflicts: list[Conflict]) -> list[str]:
    """One sentence per agent: the rules that cannot all hold."""
    by_agent: dict[str, list[str]] = {}
    for c in conflicts:
        by_agent.setdefault(c.agent, []).append(c.message)
    return [f"agent {a} cannot be scheduled: " + "; ".join(msgs) + " cannot all hold" for a, msgs in by_agent.items()]


def _arithmetic(agent: Agent, req: Requirements, rules: Rules, types: tuple[ShiftType, ...]) -> list[Conflict]:
    out: list[Conflict] = []
    if agent.max_hours < agent.min_hours:
        out.append(
            Conflict(
                agent=agent.id,
                rule="contract_hours",
                day=None,
                message=f"maximum {agent.max_hours:g} h is below the minimum {agent.min_hours:g} h per week",
            )
        )
    if agent.min_hours > 0 and not set(agent.skills) & set(req.skills):
        out.append(
            Conflict(
                agent=agent.id,
                rule="skills",
                day=None,
                message=f"needs {agent.min_hours:g} h a week but has none of the scheduled skills "
                f"({', '.join(req.skills)})",
            )
        )
    if not types and agent.min_hours > 0:
        out.append(Conflict(agent=agent.id, rule="shift_lengths", day=None, message="the rules allow no shift at all"))
    return out


def diagnose(
    agents: list[Agent],
    req: Requirements,
    rules: Rules,
    types: tuple[ShiftType, ...],
    *,
    time_limit: float = 5.0,
    seed: int = 0,
) -> list[Conflict]:
    """Conflicts of every agent that cannot be scheduled under ``rules`` (empty: every agent can)."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    verdict: dict[tuple[object, ...], list[tuple[str, int]] | None] = {}
    conflicts: list[Conflict] = []
    for agent in agents:
        found = _arithmetic(agent, req, rules, types)
        if found:
            conflicts.extend(found)
            continue
        if not set(agent.skills) & set(req.skills):
            continue
        key = agent.profile()
        if key not in verdict:
            m = cp_model.CpModel()
            lits = add_agent_rules(m, agent, req, rules, types, guarded=True)
            names = list(lits.guards)
            m.add_assumptions([lits.guards[n] for n in names])
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.random_seed = seed
            solver.parameters.max_time_in_seconds = max(0.5, time_limit - (time.perf_counter() - started))
            status = solver.solve(m)
            if status == cp_model.INFEASIBLE:
                core = set(solver.sufficient_assumptions_for_infeasibility())
                verdict[key] = [n for n in names if lits.guards[n].index in core] or names
            elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                verdict[key] = None
            else:
                conflicts.append(
                    Conflict(
                        agent=agent.id,
                        rule="undecided",
                        day=None,
                        message=f"its rules could not be checked within {time_limit:g} s",
                    )
                )
                continue
        for rule, index in verdict[key] or []:
            day, text = _words(rule, index, agent, req, rules)
            conflicts.append(Conflict(agent=agent.id, rule=rule, day=day, message=text))
    return conflicts
