"""Queueing and staffing math: Erlang B, C and A, service-level variants, staffing searches, chat, backlog
and shrinkage. Pure functions over NumPy arrays; seconds, Erlangs and fractions 0-1 throughout.
"""

from __future__ import annotations

from supportops.queueing.backlog import BacklogPlan, backlog_required_agents
from supportops.queueing.chat import ChatMetrics, chat_metrics, chat_required_agents
from supportops.queueing.erlang import ErlangCMetrics, erlang_b, erlang_c, erlang_c_metrics
from supportops.queueing.erlang_a import ErlangAMetrics, erlang_a_metrics
from supportops.queueing.service_level import ServiceLevelVariant, observed_service_level
from supportops.queueing.shrinkage import ShrinkageChain, apply_shrinkage
from supportops.queueing.staffing import (
    Evaluation,
    StaffingResult,
    Targets,
    evaluate,
    offered_load,
    required_agents,
)

__all__ = [
    "BacklogPlan",
    "ChatMetrics",
    "ErlangAMetrics",
    "ErlangCMetrics",
    "Evaluation",
    "ServiceLevelVariant",
    "ShrinkageChain",
    "StaffingResult",
    "Targets",
    "apply_shrinkage",
    "backlog_required_agents",
    "chat_metrics",
    "chat_required_agents",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "evaluate",
    "observed_service_level",
    "offered_load",
    "required_agents",
]
