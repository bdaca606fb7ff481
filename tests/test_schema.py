"""The canonical declarations drive the DDL, the Arrow schemas, validation and the docs page."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from realdata import REPO
from supportops.schema import QUARANTINE_REASONS, TABLES, arrow_schema, duckdb_ddl, markdown, table
from supportops.warehouse.validation import reason_sql


def test_docs_schema_page_is_generated_from_the_declarations() -> None:
    assert (REPO / "docs" / "schema.md").read_text(encoding="utf-8") == markdown(), (
        "docs/schema.md is stale: run `supportops schema --markdown > docs/schema.md`"
    )


@pytest.mark.parametrize("name", list(TABLES))
def test_ddl_and_arrow_schema_agree(name: str) -> None:
    t = table(name)
    con = duckdb.connect()
    con.execute(duckdb_ddl(t))
    cols = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
    assert cols == list(t.column_names)
    schema = arrow_schema(t)
    assert isinstance(schema, pa.Schema)
    assert schema.names == list(t.column_names)
    assert t.key in t.column_names
    assert t.column(t.key).required


def test_every_reason_the_validation_can_give_is_documented() -> None:
    for t in TABLES.values():
        _, reason, _, _ = reason_sql(t)
        for code in {c.below_minimum_reason for c in t.columns} | {ck.reason for ck in t.checks}:
            assert code in QUARANTINE_REASONS
        assert "missing_required" in reason


def test_unknown_table_and_column_are_clear() -> None:
    with pytest.raises(KeyError, match="no canonical table 'calls'"):
        table("calls")
    with pytest.raises(KeyError, match="has no column 'x'"):
        table("contacts").column("x")


def test_validation_sql_names_the_first_broken_rule() -> None:
    t = table("surveys")
    rule, reason, field, detail = reason_sql(t)
    con = duckdb.connect()
    con.execute(duckdb_ddl(t, name="s", temporary=True))
    con.execute("ALTER TABLE s ADD COLUMN _err_reason VARCHAR")
    con.execute("ALTER TABLE s ADD COLUMN _err_field VARCHAR")
    con.execute("ALTER TABLE s ADD COLUMN _err_detail VARCHAR")
    con.execute(
        "INSERT INTO s (program_id, survey_id, responded_at, csat, nps, source_system, source_record_id, "
        "ingest_batch_id) VALUES ('p', 'a', now(), 5, 10, 'x', 'a', 'b'), ('p', 'b', now(), 6, 11, 'x', 'b', 'b'), "
        "('p', 'c', NULL, 3, 3, 'x', 'c', 'b')"
    )
    got = con.execute(
        f"SELECT survey_id, {reason}, {field}, {detail} FROM (SELECT *, {rule} AS _rule FROM s) ORDER BY 1"
    ).fetchall()
    assert got == [
        ("a", None, None, None),
        ("b", "out_of_range", "csat", "6.0"),
        ("c", "missing_required", "responded_at", None),
    ]
