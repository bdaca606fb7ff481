"""Opening the workspace's DuckDB warehouse and creating its tables from the canonical declarations."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from supportops.errors import WorkspaceError
from supportops.schema import TABLES, duckdb_ddl

if TYPE_CHECKING:
    import duckdb

__all__ = ["WAREHOUSE_FILE", "connect", "create_tables", "customer_salt", "table_counts"]

WAREHOUSE_FILE = "warehouse.duckdb"

_SYSTEM_DDL = (
    """CREATE TABLE IF NOT EXISTS ingest_batches (
  batch_id VARCHAR, program_id VARCHAR, format VARCHAR, source_file VARCHAR, source_sha256 VARCHAR,
  started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, read BIGINT, accepted BIGINT, replaced BIGINT,
  duplicates BIGINT, quarantined BIGINT, dst_gaps BIGINT, dst_folds BIGINT
)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
  batch_id VARCHAR, program_id VARCHAR, table_name VARCHAR, source_file VARCHAR, source_sha256 VARCHAR,
  record BIGINT, line BIGINT, field VARCHAR, reason VARCHAR, detail VARCHAR, raw VARCHAR,
  quarantined_at TIMESTAMPTZ
)""",
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)",
)


def connect(workspace: Path, *, create: bool = False, memory_limit: str = "600MB") -> duckdb.DuckDBPyConnection:
    """A connection to the workspace warehouse; ``create`` makes the file and tables when missing.

    The memory limit keeps imports of any size within a bounded footprint (DuckDB spills to
    ``<workspace>/.tmp``).
    """
    import duckdb

    path = workspace / WAREHOUSE_FILE
    if not create and not path.exists():
        raise WorkspaceError(f"{workspace}: no warehouse here; create a workspace with `supportops init DIR`")
    con = duckdb.connect(str(path))
    con.execute(f"SET memory_limit='{memory_limit}'")
    con.execute(f"SET temp_directory='{workspace / '.tmp'}'")
    con.execute("SET TimeZone='UTC'")
    if create:
        create_tables(con)
    return con


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every canonical and system table that does not exist yet."""
    for t in TABLES.values():
        con.execute(duckdb_ddl(t))
    for ddl in _SYSTEM_DDL:
        con.execute(ddl)
    if con.execute("SELECT count(*) FROM meta WHERE key = 'customer_salt'").fetchall()[0] == (0,):
        con.execute("INSERT INTO meta VALUES ('customer_salt', ?)", [secrets.token_hex(16)])


def customer_salt(con: duckdb.DuckDBPyConnection) -> str:
    """The workspace's secret salt for pseudonymous customer keys (kept in the warehouse, not the toml)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'customer_salt'").fetchall()[0]
    if row is None:
        raise WorkspaceError("the warehouse has no customer salt; run `supportops init` on the workspace")
    return str(row[0])


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every canonical table and of the quarantine."""
    out: dict[str, int] = {}
    for name in (*TABLES, "quarantine"):
        row = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0]
        out[name] = int(row[0]) if row else 0
    return out
