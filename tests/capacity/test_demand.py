"""Weekly demand → FTE: intraday peaks through queueing, chat concurrency, email deadlines, shrinkage."""

from __future__ import annotations

import numpy as np
import pytest

from supportops.capacity import Shrinkage, SkillDemand, flat_profile, required_fte
from supportops.errors import InputError
from supportops.queueing import Targets, chat_required_agents, offered_load, required_agents

NONE = Shrinkage(categories={}, absenteeism=0.0)


def _d(channel: str, volume: float, aht: float, profile: np.ndarray, **kw: object) -> SkillDemand:
    return SkillDemand(
        skill=channel,
        channel=channel,
        volume=np.array([volume]),
        aht=np.array([aht]),  # type: ignore[arg-type]
        profile=profile,
        **kw,
    )  # type: ignore[arg-type]


def test_peaks_drive_the_requirement_not_the_weekly_average() -> None:
    flat = flat_profile(48, 16, 40)
    peaky = flat.copy().reshape(7, 48)
    peaky[:, 18:22] *= 3.0
    peaky = (peaky / peaky.sum()).reshape(-1)
    a = required_fte(_d("voice", 20_000, 300, flat), NONE)
    b = required_fte(_d("voice", 20_000, 300, peaky), NONE)
    assert b.peak_agents[0] > a.peak_agents[0]
    # every interval is sized on its own load: agent-hours are the sum of the interval requirements
    calls = 20_000 * peaky
    per = required_agents(offered_load(calls, 300.0, 1800.0), 300.0, Targets(service_level=0.8, threshold=20))
    assert b.agent_hours[0] == pytest.approx(float(per.agents.sum()) * 0.5)
    workload_fte = 20_000 * 300 / 3600 / 40
    assert a.fte[0] > workload_fte  # Erlang adds the queueing margin to raw workload


def test_shrinkage_categories_add_up() -> None:
    s = Shrinkage()
    assert s.total == pytest.approx(0.30) and set(s.categories) == {
        "breaks",
        "meetings",
        "training",
        "coaching",
        "system_downtime",
    }
    prof = flat_profile(48, 16, 40)
    base = required_fte(_d("voice", 10_000, 300, prof), NONE)
    gross = required_fte(_d("voice", 10_000, 300, prof), s)
    assert gross.fte[0] == pytest.approx(base.fte[0] / (0.70 * 0.92))
    with pytest.raises(InputError):
        Shrinkage(categories={"a": 0.6, "b": 0.5})


def test_chat_concurrency_needs_fewer_agents_than_voice() -> None:
    prof = flat_profile(48, 16, 40)
    voice = required_fte(_d("voice", 15_000, 480, prof), NONE)
    chat = required_fte(_d("chat", 15_000, 480, prof, concurrency=3, slowdown=0.0), NONE)
    assert chat.fte[0] < 0.6 * voice.fte[0]
    per = 15_000 / (7 * 24)
    one = chat_required_agents(
        per / 1800, 480, Targets(service_level=0.8, threshold=20), max_concurrency=3, slowdown=0.0
    )
    assert chat.agent_hours[0] == pytest.approx(one.agents * 0.5 * 7 * 24)


def test_email_by_hand() -> None:
    # 7 × 10 staffed hours; 700 emails evenly, 360 s each, answered within 2 working hours
    prof = flat_profile(48, 16, 36)
    d = required_fte(_d("email", 700, 360, prof, deadline_s=7200), NONE)
    # 5 emails per half-hour × 360 s = 1,800 agent-seconds per 1,800 s: one agent keeps up exactly
    assert d.peak_agents[0] == 1
    assert d.agent_hours[0] == pytest.approx(1 * 10 * 7)


def test_bad_profiles_are_refused() -> None:
    with pytest.raises(InputError, match="profile"):
        _d("voice", 100, 300, np.ones(10) / 10)
    with pytest.raises(InputError, match="weekday"):
        flat_profile(48, 16, 40, (1, 1))
