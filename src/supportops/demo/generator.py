"""A seeded generator of a realistic contact-centre program, for the demo and for tests.

Until the discrete-event simulator drives the demo, this generator produces the canonical tables with the
shapes a WFM analyst knows from real floors:

* arrivals: a Poisson process per queue and 30-minute interval whose rate follows a weekday profile
  (Monday busiest, weekend quiet) times a double-peaked intraday profile (late morning and early
  afternoon), inside each queue's opening hours, with a small week-on-week growth;
* handle times: lognormal talk, hold and after-contact work with per-queue means and a coefficient of
  variation around 0.8 (real handle times are right-skewed, CV 0.6-1.5);
* waits and abandonment: each interval is staffed near what 80/20 needs (square-root staffing plus or
  minus an agent or two); a call waits with the Erlang C probability, for an exponential time of mean
  AHT / (N - A), and abandons when an exponential patience (mean 90 s voice, 120 s chat) runs out first;
* outcomes: transfers, escalations, resolution, repeat contacts within 7 days by the same customer for
  the same reason (unresolved contacts are far more likely to repeat), a contact-reason taxonomy (L1/L2);
* surveys from about one contact in five: CSAT, NPS and CES that fall with long waits, transfers and
  unresolved issues;
* agents with sites, delivery models, teams, skills and hire dates, and agent states per shift (breaks,
  lunch, and the time on contact, in ACW and available that matches the interval's occupancy).

Everything comes from the ``numpy.random.Generator`` passed in: the same seed gives the same tables.
Times are UTC instants; the program runs in Europe/London.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from supportops.queueing import erlang_c

__all__ = ["QUEUES", "REASONS", "DemoData", "DemoQueue", "generate"]

ZONE = ZoneInfo("Europe/London")


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoQueue:
    """One demo queue: channel, daily volume on an average weekday, handle-time means (seconds)."""

    id: str
    channel: str
    language: str
    daily_volume: float
    talk_s: float
    hold_s: float
    acw_s: float
    open_hour: int
    close_hour: int
    weekend: bool


QUEUES: tuple[DemoQueue, ...] = (
    DemoQueue(
        id="billing-voice",
        channel="voice",
        language="en",
        daily_volume=900,
        talk_s=300,
        hold_s=30,
        acw_s=45,
        open_hour=8,
        close_hour=20,
        weekend=True,
    ),
    DemoQueue(
        id="tech-voice",
        channel="voice",
        language="en",
        daily_volume=600,
        talk_s=420,
        hold_s=60,
        acw_s=60,
        open_hour=8,
        close_hour=20,
        weekend=False,
    ),
    DemoQueue(
        id="support-chat",
        channel="chat",
        language="en",
        daily_volume=700,
        talk_s=480,
        hold_s=0,
        acw_s=30,
        open_hour=8,
        close_hour=22,
        weekend=True,
    ),
    DemoQueue(
        id="support-email",
        channel="email",
        language="en",
        daily_volume=400,
        talk_s=360,
        hold_s=0,
        acw_s=60,
        open_hour=0,
        close_hour=24,
        weekend=True,
    ),
    DemoQueue(
        id="help-bot",
        channel="bot",
        language="en",
        daily_volume=1500,
        talk_s=0,
        hold_s=0,
        acw_s=0,
        open_hour=0,
        close_hour=24,
        weekend=True,
    ),
)

REASONS: tuple[tuple[str, str, float], ...] = (
    ("billing", "charge dispute", 0.12),
    ("billing", "payment failed", 0.09),
    ("billing", "refund status", 0.08),
    ("orders", "where is my order", 0.15),
    ("orders", "change delivery", 0.06),
    ("orders", "cancel order", 0.05),
    ("account", "password reset", 0.10),
    ("account", "update details", 0.05),
    ("technical", "app error", 0.08),
    ("technical", "connection problem", 0.07),
    ("product", "how to use", 0.06),
    ("product", "return item", 0.05),
    ("complaint", "service complaint", 0.04),
)

WEEKDAY_FACTOR = np.array([1.18, 1.08, 1.02, 1.0, 0.95, 0.55, 0.35])  # Monday .. Sunday


def _intraday(hours: np.ndarray) -> np.ndarray:
    """Relative arrival rate at local decimal hour ``hours``: peaks near 10:30 and 14:30."""
    return 0.15 + np.exp(-0.5 * ((hours - 10.5) / 1.6) ** 2) + 0.8 * np.exp(-0.5 * ((hours - 14.5) / 2.0) ** 2)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoData:
    """The generated tables as column dictionaries (canonical column names)."""

    contacts: dict[str, list[object]]
    surveys: dict[str, list[object]]
    agents: dict[str, list[object]]
    agent_states: dict[str, list[object]]


def _lognormal(rng: np.random.Generator, mean: float, cv: float, size: int) -> np.ndarray:
    if mean <= 0:
        return np.zeros(size)
    sigma2 = np.log(1 + cv**2)
    return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), size)


def _agents(rng: np.random.Generator, start: date) -> dict[str, list[object]]:
    cols: list[list[object]] = [[] for _ in range(10)]
    ids, names, teams, sups, sites, models, skills, hires, tiers, hours = cols
    skill_sets = [
        "billing-voice|support-chat",
        "tech-voice|support-chat",
        "support-email|support-chat",
        "billing-voice|tech-voice",
    ]
    for i in range(72):
        site, model = ("london", "onshore") if i < 40 else ("manila", "offshore")
        ids.append(f"agent-{i + 1:03d}")
        names.append(f"Agent {i + 1:03d}")
        team = i // 12 + 1
        teams.append(f"team-{team}")
        sups.append(f"lead-{team}")
        sites.append(site)
        models.append(model)
        skills.append(skill_sets[i % len(skill_sets)])
        tenure_days = int(rng.integers(10, 1500)) if i % 9 else int(rng.integers(5, 60))
        hires.append((start - timedelta(days=tenure_days)).isoformat())
        tiers.append(2 if i % 10 == 0 else 1)
        hours.append(40.0 if i % 6 else 24.0)
    return {
        "agent_id": ids,
        "name": names,
        "team_id": teams,
        "supervisor_id": sups,
        "site_id": sites,
        "delivery_model": models,
        "skills": skills,
        "hire_date": hires,
        "tier": tiers,
        "contract_hours_week": hours,
    }


def generate(rng: np.random.Generator, *, start: date, weeks: int, bad_rows: bool = True) -> DemoData:
    """Generate ``weeks`` weeks of the demo program from ``start`` (a Monday is best)."""
    agents = _agents(rng, start)
    agent_ids = np.array(agents["agent_id"])
    c: dict[str, list[object]] = {
        k: []
        for k in (
            "source_record_id",
            "conversation_id",
            "channel",
            "queue_id",
            "language",
            "segment",
            "customer_key",
            "agent_id",
            "tier",
            "arrived_at",
            "answered_at",
            "ended_at",
            "queue_ms",
            "talk_ms",
            "hold_ms",
            "acw_ms",
            "first_response_ms",
            "outcome",
            "transferred",
            "escalated",
            "escalation_level",
            "resolved",
            "reason_l1",
            "reason_l2",
            "reason_source",
            "disposition_code",
        )
    }
    reason_p = np.array([r[2] for r in REASONS])
    reason_p /= reason_p.sum()
    customers = 40_000
    recent: dict[tuple[int, int], datetime] = {}
    seq = 0
    occupancy_by_slot: dict[datetime, float] = {}
    days = weeks * 7
    for d in range(days):
        day = start + timedelta(days=d)
        growth = 1 + 0.01 * (d // 7)
        for q in QUEUES:
            weekday = day.weekday()
            if weekday >= 5 and not q.weekend:
                continue
            slots = np.arange(q.open_hour * 2, q.close_hour * 2)
            hours = slots / 2 + 0.25
            shape = _intraday(hours) if q.channel not in ("email", "bot") else 0.3 + _intraday(hours)
            shape = shape / shape.sum()
            rates = q.daily_volume * WEEKDAY_FACTOR[weekday] * growth * shape
            rates *= rng.gamma(40, 1 / 40, size=rates.size)  # over-dispersion: forecasts are never exact
            counts = rng.poisson(rates)
            for slot, n in zip(slots, counts, strict=True):
                if n == 0:
                    continue
                local = datetime(day.year, day.month, day.day, tzinfo=ZONE) + timedelta(minutes=30 * int(slot))
                slot_utc = local.astimezone(UTC)
                arrivals = np.sort(rng.uniform(0, 1800, n))
                aht = q.talk_s + q.hold_s + q.acw_s
                load = n * aht / 1800
                # the floor staffs roughly to 80/20 with some error either way (a planned floor is never exact)
                staffed = float(np.ceil(load + 1.6 * np.sqrt(load) + 1)) + float(rng.integers(-2, 2))
                staffed = max(staffed, np.floor(load) + 1)
                occ = load / staffed
                if q.channel in ("voice", "chat"):
                    occupancy_by_slot[slot_utc] = max(occupancy_by_slot.get(slot_utc, 0.0), occ)
                    # M/M/N waiting: wait with probability C(N, A), then exponential with mean AHT / (N - A)
                    p_wait = float(erlang_c(staffed, load))
                    waits = rng.exponential(aht / (staffed - load), n) * (rng.random(n) < p_wait)
                else:
                    waits = np.zeros(n)
                patience = rng.exponential(90 if q.channel == "voice" else 120, n)
                reasons = rng.choice(len(REASONS), size=n, p=reason_p)
                cust = rng.integers(1, customers, n)
                talk = _lognormal(rng, q.talk_s, 0.8, n)
                hold = _lognormal(rng, q.hold_s, 1.0, n) * (rng.random(n) < 0.35)
                acw = _lognormal(rng, q.acw_s, 0.6, n)
                u = rng.random((n, 5))
                for k in range(n):
                    seq += 1
                    arrived = slot_utc + timedelta(seconds=float(arrivals[k]))
                    reason = int(reasons[k])
                    key = (int(cust[k]), reason)
                    # a customer whose issue is open comes back: reuse the customer of a recent contact
                    prev = recent.get(key)
                    rid = f"D{seq:08d}"
                    c["source_record_id"].append(rid)
                    c["conversation_id"].append(rid)
                    c["channel"].append(q.channel)
                    c["queue_id"].append(q.id)
                    c["language"].append(q.language)
                    c["segment"].append("vip" if cust[k] % 25 == 0 else "regular")
                    c["customer_key"].append(f"cust-{int(cust[k])}")
                    c["tier"].append(1)
                    c["arrived_at"].append(arrived.isoformat())
                    c["reason_l1"].append(REASONS[reason][0])
                    c["reason_l2"].append(REASONS[reason][1])
                    c["reason_source"].append("agent")
                    if q.channel == "bot":
                        contained = u[k, 0] < 0.45
                        end = arrived + timedelta(seconds=float(30 + 120 * u[k, 1]))
                        c["outcome"].append("contained" if contained else "deflected")
                        for col in ("answered_at", "agent_id", "first_response_ms", "escalation_level"):
                            c[col].append(None)
                        c["ended_at"].append(end.isoformat())
                        c["queue_ms"].append(0)
                        c["talk_ms"].append(0)
                        c["hold_ms"].append(0)
                        c["acw_ms"].append(0)
                        c["transferred"].append(False)
                        c["escalated"].append(False)
                        c["resolved"].append(bool(contained))
                        c["disposition_code"].append("bot")
                        continue
                    abandoned = q.channel in ("voice", "chat") and patience[k] < waits[k]
                    agent = str(agent_ids[int(u[k, 2] * len(agent_ids))])
                    if abandoned:
                        c["outcome"].append("abandoned")
                        c["answered_at"].append(None)
                        c["ended_at"].append((arrived + timedelta(seconds=float(patience[k]))).isoformat())
                        c["queue_ms"].append(int(patience[k] * 1000))
                        for col in ("agent_id", "first_response_ms", "escalation_level"):
                            c[col].append(None)
                        c["talk_ms"].append(0)
                        c["hold_ms"].append(0)
                        c["acw_ms"].append(0)
                        c["transferred"].append(False)
                        c["escalated"].append(False)
                        c["resolved"].append(False)
                        c["disposition_code"].append(None)
                        continue
                    if q.channel == "email":
                        first = float(rng.exponential(4 * 3600))
                        answered = arrived + timedelta(seconds=first)
                        c["first_response_ms"].append(int(first * 1000))
                        c["queue_ms"].append(int(first * 1000))
                    else:
                        answered = arrived + timedelta(seconds=float(waits[k]))
                        c["first_response_ms"].append(None)
                        c["queue_ms"].append(int(waits[k] * 1000))
                    handle = float(talk[k] + hold[k] + acw[k])
                    transferred = u[k, 3] < 0.08
                    escalated = u[k, 4] < 0.04
                    p_resolve = 0.86 - 0.25 * transferred - 0.2 * escalated - 0.1 * (prev is not None)
                    resolved = bool(rng.random() < p_resolve)
                    c["outcome"].append("handled")
                    c["answered_at"].append(answered.isoformat())
                    c["ended_at"].append((answered + timedelta(seconds=handle)).isoformat())
                    c["agent_id"].append(agent)
                    c["talk_ms"].append(int(talk[k] * 1000))
                    c["hold_ms"].append(int(hold[k] * 1000))
                    c["acw_ms"].append(int(acw[k] * 1000))
                    c["transferred"].append(bool(transferred))
                    c["escalated"].append(bool(escalated))
                    c["escalation_level"].append(2 if escalated else 1)
                    c["resolved"].append(resolved)
                    c["disposition_code"].append("resolved" if resolved else "follow-up")
                    if not resolved:
                        recent[key] = arrived
                    elif key in recent:
                        del recent[key]
    # Repeat contacts: an unresolved issue brings the same customer back within days, same reason.
    _add_repeats(rng, c, days_total=days, start=start)
    surveys = _surveys(rng, c)
    states = _states(rng, agents, start, days, occupancy_by_slot)
    if bad_rows:
        _inject_bad_rows(c, surveys)
    return DemoData(contacts=c, surveys=surveys, agents=agents, agent_states=states)


def _add_repeats(rng: np.random.Generator, c: dict[str, list[object]], *, days_total: int, start: date) -> None:
    n = len(c["source_record_id"])
    horizon = datetime(start.year, start.month, start.day, tzinfo=UTC) + timedelta(days=days_total)
    for i in range(n):
        if c["outcome"][i] != "handled" or c["channel"][i] not in ("voice", "chat", "email"):
            continue
        p = 0.35 if not c["resolved"][i] else 0.05
        if rng.random() >= p:
            continue
        arrived = datetime.fromisoformat(str(c["arrived_at"][i])) + timedelta(hours=float(rng.uniform(2, 6 * 24)))
        if arrived >= horizon:
            continue
        answered = arrived + timedelta(seconds=float(rng.exponential(25)))
        talk = float(_lognormal(rng, 330, 0.8, 1)[0])
        rid = f"R{i:08d}"
        for col in c:
            c[col].append(c[col][i])
        c["source_record_id"][-1] = rid
        c["conversation_id"][-1] = rid
        c["arrived_at"][-1] = arrived.isoformat()
        c["answered_at"][-1] = answered.isoformat()
        c["ended_at"][-1] = (answered + timedelta(seconds=talk + 40)).isoformat()
        c["queue_ms"][-1] = int((answered - arrived).total_seconds() * 1000)
        c["talk_ms"][-1] = int(talk * 1000)
        c["hold_ms"][-1] = 0
        c["acw_ms"][-1] = 40_000
        c["first_response_ms"][-1] = None
        c["resolved"][-1] = bool(rng.random() < 0.7)
        c["transferred"][-1] = False
        c["escalated"][-1] = False


def _surveys(rng: np.random.Generator, c: dict[str, list[object]]) -> dict[str, list[object]]:
    s: dict[str, list[object]] = {
        k: []
        for k in (
            "survey_id",
            "conversation_id",
            "responded_at",
            "csat",
            "nps",
            "ces",
            "fcr",
            "agent_id",
            "comment",
        )
    }
    for i in range(len(c["source_record_id"])):
        if c["outcome"][i] != "handled" or rng.random() >= 0.2:
            continue
        resolved = bool(c["resolved"][i])
        wait_s = float(str(c["queue_ms"][i] or 0)) / 1000 if c["channel"][i] != "email" else 0.0
        mood = 0.9 * resolved - 0.5 * bool(c["transferred"][i]) - min(wait_s / 240, 0.8) + rng.normal(0, 0.55)
        csat = int(np.clip(round(3.6 + 1.2 * mood), 1, 5))
        nps = int(np.clip(round(6.8 + 2.6 * mood), 0, 10))
        ces = int(np.clip(round(4.9 + 1.6 * mood), 1, 7))
        ended = datetime.fromisoformat(str(c["ended_at"][i]))
        s["survey_id"].append(f"S-{c['source_record_id'][i]}")
        s["conversation_id"].append(c["conversation_id"][i])
        s["responded_at"].append((ended + timedelta(minutes=float(rng.uniform(2, 240)))).isoformat())
        s["csat"].append(csat)
        s["nps"].append(nps)
        s["ces"].append(ces)
        s["fcr"].append(resolved if rng.random() < 0.9 else not resolved)
        s["agent_id"].append(c["agent_id"][i])
        s["comment"].append("" if csat >= 3 else "Took too long to sort out")
    return s


def _states(
    rng: np.random.Generator,
    agents: dict[str, list[object]],
    start: date,
    days: int,
    occupancy: dict[datetime, float],
) -> dict[str, list[object]]:
    st: dict[str, list[object]] = {k: [] for k in ("state_id", "agent_id", "state", "reason", "start_at", "end_at")}
    n = 0
    for d in range(days):
        day = start + timedelta(days=d)
        weekend = day.weekday() >= 5
        for idx, agent in enumerate(agents["agent_id"]):
            if (weekend and idx % 4) or (not weekend and (idx + d) % 7 == 0):
                continue  # days off
            if rng.random() < 0.06:
                continue  # absent
            shift_start_h = 8 + (idx % 5) * 1.5
            local = datetime(day.year, day.month, day.day, tzinfo=ZONE) + timedelta(hours=shift_start_h)
            t = local.astimezone(UTC)
            plan = [
                ("work", 120),
                ("break", 15),
                ("work", 105),
                ("lunch", 30),
                ("work", 105),
                ("break", 15),
                ("work", 90),
            ]
            for kind, minutes in plan:
                if kind != "work":
                    n += 1
                    end = t + timedelta(minutes=minutes + float(rng.normal(0, 1.5)))
                    st["state_id"].append(f"ST{n:09d}")
                    st["agent_id"].append(agent)
                    st["state"].append(kind)
                    st["reason"].append(kind)
                    st["start_at"].append(t.isoformat())
                    st["end_at"].append(end.isoformat())
                    t = end
                    continue
                block_end = t + timedelta(minutes=minutes)
                while t < block_end:
                    slot = t.replace(minute=(t.minute // 30) * 30, second=0, microsecond=0)
                    seg_end = min(slot + timedelta(minutes=30), block_end)
                    occ = occupancy.get(slot, 0.55) * float(rng.uniform(0.9, 1.05))
                    span = (seg_end - t).total_seconds()
                    on_contact = span * min(occ, 0.97) * 0.85
                    acw = span * min(occ, 0.97) * 0.15
                    for state, secs in (("on_contact", on_contact), ("acw", acw), ("available", None)):
                        n += 1
                        end = t + timedelta(seconds=secs) if secs is not None else seg_end
                        st["state_id"].append(f"ST{n:09d}")
                        st["agent_id"].append(agent)
                        st["state"].append(state)
                        st["reason"].append(None)
                        st["start_at"].append(t.isoformat())
                        st["end_at"].append(end.isoformat())
                        t = end
                    t = seg_end
    return st


def _inject_bad_rows(c: dict[str, list[object]], s: dict[str, list[object]]) -> None:
    """A real export always holds a few broken rows: the demo's show what the quarantine does with them."""
    n = len(c["source_record_id"])
    for i in range(0, n, max(n // 4, 1)):
        j = len(c["source_record_id"])
        for col in c:
            c[col].append(c[col][i])
        c["source_record_id"][j] = f"BAD{j}"
        c["conversation_id"][j] = f"BAD{j}"
        if i % 2:
            c["ended_at"][j] = (datetime.fromisoformat(str(c["arrived_at"][i])) - timedelta(minutes=5)).isoformat()
        else:
            c["talk_ms"][j] = -1000
    if s["survey_id"]:
        j = len(s["survey_id"])
        for col in s:
            s[col].append(s[col][0])
        s["survey_id"][j] = "S-BAD"
        s["nps"][j] = 11
