"""Importing generic files: every bad-input case ends in the quarantine with its exact reason, nothing is
lost, nothing is doubled, and a failed import leaves the warehouse as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from supportops.errors import IngestError, InputError
from supportops.warehouse import ingest as ingest_mod
from supportops.warehouse.connection import connect
from supportops.warehouse.ingest import IngestResult, ingest_file

HEADER = "source_record_id,arrived_at,answered_at,ended_at,channel,outcome,queue_id,talk_ms,customer_key"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def ingest(ws: Path, path: Path, **kw: Any) -> IngestResult:
    return ingest_file(ws, path, program_id="default", fmt=kw.pop("fmt", "csv"), **kw)


def quarantine(ws: Path) -> list[tuple[Any, ...]]:
    con = connect(ws)
    try:
        return con.execute(
            "SELECT record, line, field, reason, detail FROM quarantine ORDER BY record, line"
        ).fetchall()
    finally:
        con.close()


def rows(ws: Path, sql: str) -> list[tuple[Any, ...]]:
    con = connect(ws)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_valid_rows_are_written_with_canonical_values(workspace: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.csv",
        f"{HEADER}\nA1,2026-01-05T10:00:00Z,2026-01-05T10:00:20Z,2026-01-05T11:05:00+01:00,voice,handled,general,280,"
        "+44 20 7946 0000\n",
    )
    result = ingest(workspace, f)
    assert (result.read, result.accepted, result.quarantined) == (1, 1, 0)
    [(leg, conv, arrived, ended, talk, cust)] = rows(
        workspace, "SELECT leg_id, conversation_id, arrived_at, ended_at, talk_ms, customer_key FROM contacts"
    )
    assert leg == "default:csv:A1"
    assert conv == "A1"
    assert arrived == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    assert ended == datetime(2026, 1, 5, 10, 5, tzinfo=UTC)  # +01:00 offset honoured
    assert talk == 280_000  # seconds by default ("auto" without a colon)
    assert cust is not None and len(cust) == 16 and "7946" not in cust  # pseudonymous, never the raw phone


@pytest.mark.parametrize(
    ("line", "field", "reason", "detail"),
    [
        (
            "B1,2026-01-05T10:00:00Z,,2026-01-05T09:00:00Z,voice,abandoned,general,,",
            "ended_at",
            "end_before_start",
            None,
        ),
        ("B1,2026-01-05T10:00:00Z,,,voice,handled,general,-5,", "talk_ms", "negative_duration", "-5000"),
        ("B1,2026-01-05T10:00:00Z,,,fax,handled,general,,", "channel", "invalid_value", "fax"),
        ("B1,,,,voice,handled,general,,", "arrived_at", "missing_required", None),
        ("B1,yesterday,,,voice,handled,general,,", "arrived_at", "unparseable_timestamp", "yesterday"),
        ("B1,2026-01-05T10:00:00Z,,,voice,handled,general,12x,", "talk_ms", "unparseable_duration", "12x"),
        (",2026-01-05T10:00:00Z,,,voice,handled,general,,", "source_record_id", "missing_required", None),
        (
            "B1,2026-01-05T10:00:00Z,2026-01-05T09:59:00Z,,voice,handled,general,,",
            "answered_at",
            "answer_before_arrival",
            None,
        ),
    ],
)
def test_each_bad_value_is_quarantined_with_its_exact_reason(
    workspace: Path, tmp_path: Path, line: str, field: str, reason: str, detail: str | None
) -> None:
    good = "G1,2026-01-05T10:00:00Z,,,voice,abandoned,general,,"
    f = write(tmp_path / "bad.csv", f"{HEADER}\n{good}\n{line}\n")
    result = ingest(workspace, f)
    assert (result.read, result.accepted, result.quarantined) == (2, 1, 1)
    assert result.quarantine_reasons == {reason: 1}
    [(record, qline, qfield, qreason, qdetail)] = quarantine(workspace)
    assert (record, qline, qfield, qreason) == (2, 3, field, reason)
    assert qdetail == detail


def test_out_of_range_survey_scores_are_rejected(workspace: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path / "s.csv",
        "survey_id,responded_at,csat,nps,ces\n"
        "S1,2026-01-05T10:00:00Z,5,10,7\n"
        "S2,2026-01-05T10:00:00Z,0,9,6\n"  # CSAT 0 on a 1-5 scale
        "S3,2026-01-05T10:00:00Z,4,11,6\n"  # NPS 11
        "S4,2026-01-05T10:00:00Z,4,9,8\n",  # CES 8 on a 1-7 scale
    )
    result = ingest(workspace, f, mapping="surveys")
    assert (result.read, result.accepted, result.quarantined) == (4, 1, 3)
    assert [(r[0], r[2], r[3]) for r in quarantine(workspace)] == [
        (2, "csat", "out_of_range"),
        (3, "nps", "out_of_range"),
        (4, "ces", "out_of_range"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_encodings_and_delimiters(workspace: Path, tmp_path: Path, encoding: str, delimiter: str) -> None:
    text = (
        "source_record_id,arrived_at,channel,outcome,queue_id,disposition_code\n"
        "E1,2026-01-05T10:00:00Z,voice,handled,general,Résolu – café\n"
        "E2,2026-01-05T11:00:00Z,chat,handled,general,plain\n"
    ).replace(",", delimiter)
    f = write(tmp_path / "enc.csv", text, encoding)
    result = ingest(workspace, f)
    assert (result.read, result.accepted, result.quarantined) == (2, 2, 0)
    assert rows(workspace, "SELECT disposition_code FROM contacts ORDER BY leg_id") == [
        ("Résolu – café",),
        ("plain",),
    ]


def test_quoted_newlines_keep_line_numbers_exact(workspace: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path / "q.csv",
        "source_record_id,arrived_at,channel,outcome,disposition_code\n"
        'Q1,2026-01-05T10:00:00Z,voice,handled,"first line\nsecond line\nthird"\n'
        "Q2,2026-01-05T10:00:00Z,voice,nope,x\n",
    )
    result = ingest(workspace, f)
    assert (result.accepted, result.quarantined) == (1, 1)
    [(record, line, field, reason, _)] = quarantine(workspace)
    assert (record, line, field, reason) == (2, 5, "outcome", "invalid_value")
    assert rows(workspace, "SELECT disposition_code FROM contacts") == [("first line\nsecond line\nthird",)]


def test_malformed_rows_are_quarantined_with_their_line(workspace: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path / "m.csv",
        "source_record_id,arrived_at,channel,outcome\n"
        "M1,2026-01-05T10:00:00Z,voice,handled\n"
        "M2,2026-01-05T10:00:00Z,voice,handled,extra,fields\n"
        "M3,2026-01-05T10:00:00Z,voice,nope\n",
    )
    result = ingest(workspace, f)
    assert (result.read, result.accepted, result.quarantined) == (3, 1, 2)
    q = quarantine(workspace)
    assert sorted((r[1], r[3]) for r in q) == [(3, "malformed_row"), (4, "invalid_value")]


@pytest.mark.parametrize(
    ("unit", "value", "expected_ms"),
    [
        ("s", "90", 90_000),
        ("ms", "90", 90),
        ("min", "1.5", 90_000),
        ("hms", "0:01:30", 90_000),
        ("hms", "25:13:02", 90_782_000),
        ("auto", "00:01:30", 90_000),
        ("auto", "90.5", 90_500),
    ],
)
def test_duration_units(workspace: Path, tmp_path: Path, unit: str, value: str, expected_ms: int) -> None:
    cfg = workspace / "supportops.toml"
    cfg.write_text(
        cfg.read_text() + f'\n[ingest.unit]\ntable = "contacts"\nduration_unit = "{unit}"\n', encoding="utf-8"
    )
    f = write(
        tmp_path / "d.csv",
        f"source_record_id,arrived_at,channel,outcome,talk_ms\nD1,2026-01-05T10:00:00Z,voice,handled,{value}\n",
    )
    assert ingest(workspace, f, mapping="unit").accepted == 1
    assert rows(workspace, "SELECT talk_ms FROM contacts") == [(expected_ms,)]


def test_naive_local_times_use_the_queue_zone_and_resolve_dst(workspace: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path / "tz.csv",
        "source_record_id,arrived_at,channel,outcome,queue_id\n"
        "T1,2026-06-01 12:00:00,voice,handled,berlin\n"  # CEST: 10:00 UTC
        "T2,2026-03-29 02:30:00,voice,handled,berlin\n"  # spring-forward gap: read as 03:30 CEST = 01:30 UTC
        "T3,2026-10-25 02:30:00,voice,handled,berlin\n"  # fall-back repeat: first occurrence, CEST = 00:30 UTC
        "T4,2026-06-01 12:00:00,voice,handled,general\n",  # workspace zone UTC
    )
    result = ingest(workspace, f)
    assert result.accepted == 4
    assert (result.dst_gaps, result.dst_folds) == (1, 1)
    got = dict(rows(workspace, "SELECT source_record_id, arrived_at FROM contacts"))
    assert got["T1"] == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert got["T2"] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert got["T3"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert got["T4"] == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_mapping_with_vendor_headers(workspace: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path / "crm.csv",
        "CALL ID;START;End;queue;TALK;Result;Phone\n"
        "C-1;2026-01-05T10:00:00Z;2026-01-05T10:05:00Z;general;120;handled;555\n",
    )
    result = ingest(workspace, f, mapping="crm")
    assert result.accepted == 1
    assert rows(workspace, "SELECT leg_id, channel, talk_ms FROM contacts") == [
        ("default:csv:crm:C-1", "voice", 120_000)
    ]


def test_reimport_adds_nothing_and_reports_every_row_as_duplicate(workspace: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path / "r.csv",
        f"{HEADER}\nR1,2026-01-05T10:00:00Z,,,voice,abandoned,general,,\nR2,2026-01-05T10:00:00Z,,,fax,handled,general,,\n",
    )
    first = ingest(workspace, f)
    assert (first.accepted, first.quarantined) == (1, 1)
    second = ingest(workspace, f)
    assert (second.read, second.accepted, second.replaced, second.duplicates, second.quarantined) == (2, 0, 0, 2, 0)
    assert rows(workspace, "SELECT count(*) FROM contacts") == [(1,)]
    assert rows(workspace, "SELECT count(*) FROM quarantine") == [(1,)]


def test_newer_version_replaces_older_and_older_is_a_duplicate(workspace: Path, tmp_path: Path) -> None:
    head = "source_record_id,source_version,arrived_at,channel,outcome,disposition_code\n"
    v1 = write(tmp_path / "v1.csv", head + "V1,2026-01-05T10:00:00Z,2026-01-05T09:00:00Z,voice,handled,old\n")
    v2 = write(tmp_path / "v2.csv", head + "V1,2026-01-05T11:00:00Z,2026-01-05T09:00:00Z,voice,handled,new\n")
    assert ingest(workspace, v1).accepted == 1
    r2 = ingest(workspace, v2)
    assert (r2.accepted, r2.replaced, r2.duplicates) == (0, 1, 0)
    r1 = ingest(workspace, v1)
    assert (r1.accepted, r1.replaced, r1.duplicates) == (0, 0, 1)
    assert rows(workspace, "SELECT disposition_code FROM contacts") == [("new",)]


def test_duplicate_keys_inside_one_file_keep_the_newest(workspace: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path / "dup.csv",
        "source_record_id,source_version,arrived_at,channel,outcome,disposition_code\n"
        "K1,2026-01-05T11:00:00Z,2026-01-05T09:00:00Z,voice,handled,newest\n"
        "K1,2026-01-05T10:00:00Z,2026-01-05T09:00:00Z,voice,handled,older\n",
    )
    result = ingest(workspace, f)
    assert (result.read, result.accepted, result.duplicates) == (2, 1, 1)
    assert rows(workspace, "SELECT disposition_code FROM contacts") == [("newest",)]


def test_failed_import_leaves_the_warehouse_as_it_was(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok = write(tmp_path / "ok.csv", f"{HEADER}\nF1,2026-01-05T10:00:00Z,,,voice,handled,general,,\n")
    ingest(workspace, ok)
    before = rows(
        workspace,
        "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM quarantine), "
        "(SELECT count(*) FROM ingest_batches)",
    )
    bad = write(
        tmp_path / "two.csv",
        f"{HEADER}\nF2,2026-01-05T10:00:00Z,,,voice,handled,general,,\nF3,2026-01-05T10:00:00Z,,,fax,handled,general,,\n",
    )
    real_merge = ingest_mod._merge_table

    def merge_then_fail(*args: Any, **kwargs: Any) -> Any:
        real_merge(*args, **kwargs)  # the rows and the quarantine entry are written inside the transaction...
        raise RuntimeError("disk full")  # ...and then the import fails

    monkeypatch.setattr(ingest_mod, "_merge_table", merge_then_fail)
    with pytest.raises(IngestError, match="nothing was written"):
        ingest(workspace, bad)
    after = rows(
        workspace,
        "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM quarantine), "
        "(SELECT count(*) FROM ingest_batches)",
    )
    assert after == before


def test_unknown_program_format_mapping_and_missing_file(workspace: Path, tmp_path: Path) -> None:
    f = write(tmp_path / "x.csv", f"{HEADER}\n")
    with pytest.raises(InputError, match="'nope' is not a program"):
        ingest_file(workspace, f, program_id="nope", fmt="csv")
    with pytest.raises(InputError, match="--format 'xml' is not known"):
        ingest(workspace, f, fmt="xml")
    with pytest.raises(InputError, match="--mapping 'zz' is not in"):
        ingest(workspace, f, mapping="zz")
    with pytest.raises(InputError, match="no such file"):
        ingest(workspace, tmp_path / "missing.csv")
    with pytest.raises(InputError, match="header column 2 has no name"):
        ingest(workspace, write(tmp_path / "h.csv", "source_record_id,,x\n1,2,3\n"))
    with pytest.raises(InputError, match="repeats column 1"):
        ingest(workspace, write(tmp_path / "h2.csv", "Source Record ID,source_record_id\n1,2\n"))


def test_parquet_files_import_like_csv(workspace: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "source_record_id": ["P1", "P2"],
            "arrived_at": [datetime(2026, 1, 5, 10, tzinfo=UTC), datetime(2026, 1, 5, 11, tzinfo=UTC)],
            "channel": ["email", "voice"],
            "outcome": ["handled", "abandoned"],
            "talk_ms": [1500, -1],
        }
    )
    pq.write_table(table, tmp_path / "p.parquet")
    cfg = workspace / "supportops.toml"
    cfg.write_text(cfg.read_text() + '\n[ingest.pq]\ntable = "contacts"\nduration_unit = "ms"\n', encoding="utf-8")
    result = ingest(workspace, tmp_path / "p.parquet", fmt="parquet", mapping="pq")
    assert (result.accepted, result.quarantined, result.quarantine_reasons) == (1, 1, {"negative_duration": 1})
    assert rows(workspace, "SELECT leg_id, talk_ms FROM contacts") == [("default:parquet:pq:P1", 1500)]
