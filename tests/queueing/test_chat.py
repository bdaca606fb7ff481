"""Chat concurrency model: reduces to Erlang C at k = 1, and slowing sessions cost capacity."""

from __future__ import annotations

import pytest

from supportops.errors import InputError
from supportops.queueing import Targets, chat_metrics, chat_required_agents, erlang_c_metrics


def test_single_session_without_slowdown_is_erlang_c() -> None:
    m = chat_metrics(29, 120 / 1800, 360.0, 20.0, max_concurrency=1, slowdown=0.0)
    c = erlang_c_metrics(29, 24.0, 360.0, 20.0)
    assert m.p_wait == pytest.approx(float(c.p_wait), rel=1e-10)
    assert m.service_level == pytest.approx(float(c.service_level), rel=1e-10)
    assert m.asa == pytest.approx(float(c.asa), rel=1e-10)


def test_k_sessions_without_slowdown_is_erlang_c_on_slots() -> None:
    """With no slowdown an agent holding k sessions behaves like k independent servers (N·k slots)."""
    m = chat_metrics(10, 120 / 1800, 360.0, 20.0, max_concurrency=3, slowdown=0.0)
    c = erlang_c_metrics(30, 24.0, 360.0, 20.0)
    assert m.p_wait == pytest.approx(float(c.p_wait), rel=1e-10)


def test_slowdown_needs_more_agents_than_plain_division() -> None:
    t = Targets(service_level=0.8, threshold=60.0)
    fast = chat_required_agents(200 / 1800, 420.0, t, max_concurrency=3, slowdown=0.0)
    slow = chat_required_agents(200 / 1800, 420.0, t, max_concurrency=3, slowdown=0.3)
    assert slow.agents > fast.agents
    assert slow.mean_handle_time > 420.0
    below = chat_metrics(slow.agents - 1, 200 / 1800, 420.0, 60.0, max_concurrency=3, slowdown=0.3)
    assert below.service_level < 0.8 <= slow.service_level


def test_overloaded_and_bad_inputs() -> None:
    m = chat_metrics(1, 1.0, 300.0, 20.0)
    assert m.p_wait == 1.0
    assert m.service_level == 0.0
    with pytest.raises(InputError, match="concurrency"):
        chat_metrics(1, 0.1, 300.0, 20.0, max_concurrency=0)
    with pytest.raises(InputError, match="abandonment"):
        chat_required_agents(0.1, 300.0, Targets(service_level=0.8, max_abandon=0.05))
