"""Shared fixtures: a fresh workspace, and the location of the real public data."""

from __future__ import annotations

from pathlib import Path

import pytest

from realdata import REPO  # noqa: F401  (re-exported for tests)

WORKSPACE_EXTRA = """
[[queues]]
id = "berlin"
program = "default"
channel = "voice"
time_zone = "Europe/Berlin"

[ingest.surveys]
table = "surveys"

[ingest.states]
table = "agent_states"

[ingest.agents]
table = "agents"

[ingest.crm]
table = "contacts"
duration_unit = "s"
columns = { source_record_id = "Call ID", arrived_at = "Start", ended_at = "End", queue_id = "Queue", talk_ms = "Talk", outcome = "Result", customer_key = "Phone" }
constants = { channel = "voice" }
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A new workspace with program ``default``, a Berlin queue and mappings for every table."""
    from supportops.workspace import init_workspace

    ws = tmp_path / "ws"
    init_workspace(ws)
    with (ws / "supportops.toml").open("a", encoding="utf-8") as fh:
        fh.write(WORKSPACE_EXTRA)
    return ws


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's workspace with four generated weeks imported (stages 1-3 of ``supportops demo``), built once
    per test session. Treat it as read-only: tests that write to it must use their own copy."""
    from supportops.demo.runner import build_demo_workspace

    folder = tmp_path_factory.mktemp("demo") / "acme"
    build_demo_workspace(folder, weeks=4, seed=11, as_json=True)
    return folder
