"""Quality evaluations in the warehouse, and the contact facts sampling plans draw from.

Two tables, created on demand:

- ``evaluations``: one row per evaluation. ``evaluated_at`` (UTC), ``score`` (fraction 0-1, 0 after a fatal
  miss), ``critical_error`` and ``fatal`` (booleans) are what the scorecard diagnostics read; ``leg_id`` is the
  contact evaluated, ``source`` says ``human`` or ``auto``, ``sample_reason`` why it was picked.
- ``evaluation_items``: one row per answered item (answer, credit 0-1 or null when not applicable, missed,
  evidence for automated answers).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import polars as pl

__all__ = [
    "EVALUATIONS_DDL",
    "EVALUATION_COLUMNS",
    "ITEMS_DDL",
    "ITEM_COLUMNS",
    "contact_facts",
    "ensure_tables",
    "read_evaluations",
    "sampling_inputs",
    "save_evaluations",
]

EVALUATION_COLUMNS = (
    "evaluation_id",
    "program_id",
    "leg_id",
    "agent_id",
    "team_id",
    "queue_id",
    "channel",
    "evaluator",
    "source",
    "scorecard_id",
    "scorecard_version",
    "sample_reason",
    "contact_at",
    "evaluated_at",
    "score",
    "critical_error",
    "fatal",
)
EVALUATIONS_DDL = """CREATE TABLE IF NOT EXISTS evaluations (
  evaluation_id VARCHAR, program_id VARCHAR, leg_id VARCHAR, agent_id VARCHAR, team_id VARCHAR, queue_id VARCHAR,
  channel VARCHAR, evaluator VARCHAR, source VARCHAR, scorecard_id VARCHAR, scorecard_version INTEGER,
  sample_reason VARCHAR, contact_at TIMESTAMPTZ, evaluated_at TIMESTAMPTZ, score DOUBLE, critical_error BOOLEAN,
  fatal BOOLEAN
)"""
ITEM_COLUMNS = (
    "evaluation_id",
    "item",
    "section",
    "category",
    "answer",
    "credit",
    "missed",
    "critical",
    "fatal",
    "evidence",
)
ITEMS_DDL = """CREATE TABLE IF NOT EXISTS evaluation_items (
  evaluation_id VARCHAR, item VARCHAR, section VARCHAR, category VARCHAR, answer VARCHAR, credit DOUBLE,
  missed BOOLEAN, critical BOOLEAN, fatal BOOLEAN, evidence VARCHAR
)"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``evaluations`` and ``evaluation_items`` when missing."""
    con.execute(EVALUATIONS_DDL)
    con.execute(ITEMS_DDL)


def save_evaluations(ws: Path, evaluations: pl.DataFrame, items: pl.DataFrame) -> int:
    """Store scored evaluations (columns :data:`EVALUATION_COLUMNS`) and their items (:data:`ITEM_COLUMNS`);
    an evaluation with an ``evaluation_id`` already stored replaces it. Returns the evaluations written."""
    from supportops.warehouse.connection import connect

    con = connect(ws)
    try:
        ensure_tables(con)
        ev = evaluations.select(EVALUATION_COLUMNS)
        it = items.select(ITEM_COLUMNS)
        con.execute("BEGIN TRANSACTION")
        con.register("new_ev", ev.to_arrow())
        con.register("new_it", it.to_arrow())
        con.execute("DELETE FROM evaluation_items WHERE evaluation_id IN (SELECT evaluation_id FROM new_ev)")
        con.execute("DELETE FROM evaluations WHERE evaluation_id IN (SELECT evaluation_id FROM new_ev)")
        con.execute(f"INSERT INTO evaluations SELECT {', '.join(EVALUATION_COLUMNS)} FROM new_ev")
        con.execute(f"INSERT INTO evaluation_items SELECT {', '.join(ITEM_COLUMNS)} FROM new_it")
        con.execute("COMMIT")
    finally:
        con.close()
    return ev.height


def read_evaluations(
    ws: Path, *, start: datetime | None = None, end: datetime | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Stored evaluations evaluated in [start, end) (UTC) and their items, as Polars frames."""
    import polars as pl

    from supportops.warehouse.connection import connect

    con = connect(ws)
    try:
        ensure_tables(con)
        where, args = "WHERE TRUE", []
        if start is not None:
            where += " AND evaluated_at >= ?"
            args.append(start)
        if end is not None:
            where += " AND evaluated_at < ?"
            args.append(end)
        ev = pl.from_arrow(con.sql(f"SELECT * FROM evaluations {where}", params=args).to_arrow_table())
        it = pl.from_arrow(
            con.sql(
                "SELECT * FROM evaluation_items WHERE evaluation_id IN "
                f"(SELECT evaluation_id FROM evaluations {where})",
                params=args,
            ).to_arrow_table()
        )
    finally:
        con.close()
    assert isinstance(ev, pl.DataFrame) and isinstance(it, pl.DataFrame)
    return ev, it


def contact_facts(ws: Path, leg_ids: list[str]) -> pl.DataFrame:
    """``leg_id, program_id, agent_id, team_id, queue_id, channel, arrived_at`` of the given contacts."""
    import polars as pl

    from supportops.warehouse.connection import connect

    con = connect(ws)
    try:
        con.register("wanted", pl.DataFrame({"leg_id": leg_ids}, schema={"leg_id": pl.String}).to_arrow())
        table = con.sql(
            """SELECT c.leg_id, c.program_id, c.agent_id, coalesce(c.team_id, a.team_id) AS team_id, c.queue_id,
                      c.channel, c.arrived_at
               FROM contacts c JOIN wanted w USING (leg_id) LEFT JOIN agents a USING (agent_id)"""
        ).to_arrow_table()
    finally:
        con.close()
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out.unique(subset="leg_id", keep="first")


def sampling_inputs(
    ws: Path, *, program: str | None, first: date, last: date, quality_min: float
) -> tuple[pl.DataFrame, pl.DataFrame, set[str], pl.DataFrame, set[str]]:
    """What a sampling plan for the days ``first``..``last`` (UTC, inclusive) needs from the warehouse.

    Returns the handled contacts with an agent (``leg_id, agent_id, queue_id, arrived_at, handle_s`` in
    seconds, ``complaint``: complaint reason or a CSAT of 1-2 on the contact), the agents' hire dates, the
    contacts already evaluated (ever), the evaluations already stored for contacts of the period
    (``agent_id, reason, day``), and the
    low performers (mean score of their evaluations in the 90 days before ``first`` at or below ``quality_min``).
    """
    import polars as pl

    from supportops.warehouse.connection import connect

    con = connect(ws)
    try:
        ensure_tables(con)
        prog = "AND c.program_id = ?" if program else ""
        args: list[object] = [first, last, *([program] if program else [])]
        contacts = pl.from_arrow(
            con.sql(
                f"""
                WITH bad AS (
                  SELECT DISTINCT leg_id FROM surveys WHERE csat <= 2 AND leg_id IS NOT NULL
                  UNION SELECT DISTINCT c.leg_id FROM surveys s JOIN contacts c USING (conversation_id)
                  WHERE s.csat <= 2 AND s.leg_id IS NULL)
                SELECT c.leg_id, c.agent_id, c.queue_id, c.arrived_at,
                       (coalesce(c.talk_ms, 0) + coalesce(c.hold_ms, 0) + coalesce(c.acw_ms, 0)) / 1000.0 AS handle_s,
                       (lower(coalesce(c.reason_l1, '')) = 'complaint' OR b.leg_id IS NOT NULL) AS complaint
                FROM contacts c LEFT JOIN bad b USING (leg_id)
                WHERE c.outcome = 'handled' AND c.agent_id IS NOT NULL AND c.agent_id <> ''
                  AND CAST(c.arrived_at AS DATE) BETWEEN ? AND ? {prog}
                """,
                params=args,
            ).to_arrow_table()
        )
        agents = pl.from_arrow(con.sql("SELECT agent_id, hire_date FROM agents").to_arrow_table())
        excluded = {r[0] for r in con.execute("SELECT DISTINCT leg_id FROM evaluations").fetchall()}
        done = pl.from_arrow(
            con.sql(
                """SELECT agent_id, coalesce(sample_reason, 'random') AS reason, CAST(contact_at AS DATE) AS day
                   FROM evaluations WHERE CAST(contact_at AS DATE) BETWEEN ? AND ?""",
                params=[first, last],
            ).to_arrow_table()
        )
        low = {
            r[0]
            for r in con.execute(
                """SELECT agent_id FROM evaluations
                   WHERE evaluated_at >= CAST(? AS DATE) - INTERVAL 90 DAY AND evaluated_at < CAST(? AS DATE)
                   GROUP BY 1 HAVING avg(score) <= ?""",
                [first, first, quality_min],
            ).fetchall()
        }
    finally:
        con.close()
    assert isinstance(contacts, pl.DataFrame) and isinstance(agents, pl.DataFrame) and isinstance(done, pl.DataFrame)
    return contacts, agents, excluded, done, low
