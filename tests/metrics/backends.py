"""Hand-built rows loaded into DuckDB or into PySpark in local mode, for the metrics suite.

A loader takes ``{table: [row dicts]}`` (canonical column names; missing columns are NULL) and returns an Ibis
backend holding exactly those tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportops.schema import TABLES, arrow_schema

Rows = dict[str, list[dict[str, Any]]]
Loader = Callable[[Rows], Any]

_DEFAULTS: dict[str, dict[str, Any]] = {
    "contacts": {
        "program_id": "default",
        "source_system": "test",
        "ingest_batch_id": "b",
        "channel": "voice",
        "direction": "inbound",
        "outcome": "handled",
    },
    "surveys": {"program_id": "default", "source_system": "test", "ingest_batch_id": "b"},
    "agent_states": {"program_id": "default", "source_system": "test", "ingest_batch_id": "b"},
    "agents": {"program_id": "default", "source_system": "test", "ingest_batch_id": "b"},
}
_KEYS = {"contacts": "leg_id", "surveys": "survey_id", "agent_states": "state_id", "agents": "agent_id"}
_counter = itertools.count(1)


def utc(text: str) -> datetime:
    """``"2024-01-01 10:00:05"`` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def arrow_rows(name: str, rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    full = []
    for r in rows:
        row = {**_DEFAULTS[name], **r}
        n = next(_counter)
        row.setdefault(_KEYS[name], f"{name}-{n}")
        row.setdefault("source_record_id", row[_KEYS[name]])
        if name == "contacts":
            row.setdefault("conversation_id", row["leg_id"])
        full.append(row)
    return pa.Table.from_pylist(full, schema=arrow_schema(TABLES[name]))


def duckdb_loader(tmp_path: Path) -> Loader:
    def load(rows: Rows) -> Any:
        from supportops.metrics import duckdb_backend
        from supportops.warehouse.connection import connect
        from supportops.workspace import init_workspace

        ws = tmp_path / f"ws{next(_counter)}"
        init_workspace(ws)
        con = connect(ws)
        try:
            for name, table_rows in rows.items():
                data = arrow_rows(name, table_rows)  # noqa: F841 (read by DuckDB's replacement scan)
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM data")
        finally:
            con.close()
        return duckdb_backend(ws)

    return load


def spark_loader(session: Any) -> Loader:
    def load(rows: Rows) -> Any:
        from supportops.metrics import pyspark_backend

        for name in TABLES:
            session.catalog.dropTempView(name)
        for name, table_rows in rows.items():
            session.createDataFrame(arrow_rows(name, table_rows)).createOrReplaceTempView(name)
        return pyspark_backend(session)

    return load
