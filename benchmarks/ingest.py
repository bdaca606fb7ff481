"""Ingestion throughput and memory: write a 10-million-row generic CSV, import it with `supportops ingest`.

Measures the whole command as a user runs it (start-up, reading, validation, deduplication, the merge
into the warehouse) in a child process, and that process's peak resident memory. For context it also
times DuckDB's own bare CSV load of the same file into a table (no validation, no lineage, no dedupe),
the floor any importer built on it can reach, and the time DuckDB needs only to write those rows, already
parsed and in memory, into the canonical 41-column ``contacts`` table: the ceiling on rows per second for
any import into the warehouse on this machine.

Ends with ``RESULT ingest rows_per_s=<n> peak_rss_mb=<n>``. Goal: >= 1,000,000 rows/s and < 1 GB on 2 cores.

    uv run python benchmarks/ingest.py [--rows 10000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_csv(path: Path, rows: int) -> float:
    """A realistic contact export: 15 columns, ISO UTC times, seconds, a few bad rows every 100,000."""
    import duckdb

    t = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        f"""COPY (
        SELECT 'CALL-' || i AS source_record_id,
               'CONV-' || (i // 2) AS conversation_id,
               strftime(TIMESTAMP '2026-01-05 07:00:00' + to_seconds(i // 20), '%Y-%m-%dT%H:%M:%SZ') AS arrived_at,
               CASE WHEN i % 10 = 0 THEN NULL
                    ELSE strftime(TIMESTAMP '2026-01-05 07:00:00' + to_seconds(i // 20 + 15), '%Y-%m-%dT%H:%M:%SZ')
               END AS answered_at,
               strftime(TIMESTAMP '2026-01-05 07:00:00' + to_seconds(i // 20 + 320), '%Y-%m-%dT%H:%M:%SZ') AS ended_at,
               ['voice', 'chat', 'email'][1 + i % 3] AS channel,
               CASE WHEN i % 100000 = 7 THEN 'bogus' WHEN i % 10 = 0 THEN 'abandoned' ELSE 'handled' END AS outcome,
               'queue-' || (i % 12) AS queue_id,
               'agent-' || (i % 400) AS agent_id,
               'cust-' || (i % 250000) AS customer_key,
               15 AS queue_ms,
               CASE WHEN i % 100000 = 13 THEN -4 ELSE 180 + i % 240 END AS talk_ms,
               i % 40 AS hold_ms,
               30 AS acw_ms,
               CASE WHEN i % 7 = 0 THEN 'billing' ELSE 'orders' END AS reason_l1
        FROM range({rows}) t(i)) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    con.close()
    return time.perf_counter() - t


def duckdb_floor(path: Path, workdir: Path) -> float:
    import duckdb

    con = duckdb.connect(str(workdir / "floor.duckdb"))
    con.execute("SET threads=2")
    t = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true)")
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def storage_floor(workdir: Path) -> float:
    """Seconds DuckDB takes only to write the floor's rows, already parsed and in memory, into the canonical
    ``contacts`` table of a warehouse file (41 columns, lineage filled, no validation): what remains of any
    import into this warehouse when reading, converting, validating and deduplicating cost nothing."""
    import duckdb

    from supportops.schema import CONTACTS, duckdb_ddl

    con = duckdb.connect(str(workdir / "floor.duckdb"))
    con.execute("SET threads=2")
    con.execute("SET TimeZone='UTC'")
    con.execute(duckdb_ddl(CONTACTS))
    present = {r[0] for r in con.execute("DESCRIBE t").fetchall()}
    select = []
    for c in CONTACTS.columns:
        if c.name in present:
            select.append(f"CAST({c.name} AS {c.duckdb_type}) AS {c.name}")
        elif c.name == "leg_id":
            select.append("'acme:csv:' || source_record_id AS leg_id")
        elif c.name in ("program_id", "source_system", "ingest_batch_id"):
            select.append(f"'x' AS {c.name}")
        else:
            select.append(f"CAST(NULL AS {c.duckdb_type}) AS {c.name}")
    con.execute(f"CREATE TEMP TABLE ready AS SELECT {', '.join(select)} FROM t")
    con.execute("SET preserve_insertion_order = false")
    t = time.perf_counter()
    con.execute("INSERT INTO contacts SELECT * FROM ready")
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the files in this folder.")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="supportops-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = workdir / "contacts.csv"
        gen_s = write_csv(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"wrote {args.rows:,} rows ({size_mb:,.0f} MB) in {gen_s:.1f} s", flush=True)
        ws = workdir / "ws"
        exe = [sys.executable, "-m", "supportops.cli"]
        subprocess.run([*exe, "init", str(ws), "--json"], check=True, capture_output=True)
        env = dict(os.environ)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        done = subprocess.run(
            [*exe, "ingest", str(csv_path), "--workspace", str(ws), "--format", "csv", "--json"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        wall = time.perf_counter() - t
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        result = json.loads(done.stdout)
        assert result["read"] == args.rows, result
        assert result["accepted"] + result["quarantined"] == args.rows, result
        print(
            f"supportops ingest: {wall:.2f} s wall, read {result['read']:,}, accepted {result['accepted']:,}, "
            f"quarantined {result['quarantined']:,} {result['quarantine_reasons']}",
            flush=True,
        )
        floor = duckdb_floor(csv_path, workdir)
        print(
            f"DuckDB bare CSV load of the same file (no validation): {floor:.2f} s; "
            f"supportops / bare = {wall / floor:.2f}x"
        )
        write = storage_floor(workdir)
        print(
            f"DuckDB writing the same rows, already parsed and in memory, into the canonical contacts table: "
            f"{write:.2f} s ({args.rows / write:,.0f} rows/s: the ceiling of any import into this warehouse)"
        )
        rows_per_s = args.rows / wall
        print(f"RESULT ingest rows_per_s={rows_per_s:.0f} peak_rss_mb={peak_mb:.0f}")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
