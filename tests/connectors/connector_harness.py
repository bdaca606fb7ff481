"""What the vendor connector tests share: a fresh workspace, imports through the real pipeline, queries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supportops.warehouse.connection import connect
from supportops.warehouse.ingest import IngestResult, ingest_file
from supportops.workspace import init_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLI_KEYS = {"read", "accepted", "replaced", "duplicates", "quarantined", "quarantine_reasons"}


@dataclass(frozen=True, slots=True)
class Harness:
    """A workspace in a temporary folder and the calls a connector test makes against it."""

    ws: Path
    fmt: str

    @classmethod
    def create(cls, tmp_path: Path, fmt: str, *, time_zone: str = "UTC", extra_toml: str = "") -> Harness:
        ws = tmp_path / "ws"
        init_workspace(ws, time_zone=time_zone)
        if extra_toml:
            with (ws / "supportops.toml").open("a", encoding="utf-8") as fh:
                fh.write(extra_toml)
        return cls(ws=ws, fmt=fmt)

    def ingest(self, file: Path | str) -> IngestResult:
        path = file if isinstance(file, Path) else FIXTURES / file
        return ingest_file(self.ws, path, program_id="default", fmt=self.fmt)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        con = connect(self.ws)
        try:
            cur = con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        finally:
            con.close()

    def one(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        found = self.rows(sql, params)
        assert len(found) == 1, found
        return found[0]

    def contact(self, record_id: str) -> dict[str, Any]:
        return self.one("SELECT * FROM contacts WHERE source_record_id = ?", [record_id])

    def quarantine(self, table: str = "contacts") -> list[tuple[Any, ...]]:
        """(record, line, field, reason, detail) of the quarantined rows of ``table``, in record order."""
        return [
            (r["record"], r["line"], r["field"], r["reason"], r["detail"])
            for r in self.rows(
                "SELECT record, line, field, reason, detail FROM quarantine WHERE table_name = ? ORDER BY record",
                [table],
            )
        ]

    def salt(self) -> str:
        return str(self.one("SELECT value FROM meta WHERE key = 'customer_salt'")["value"])

    def cli(self, file: Path | str) -> dict[str, Any]:
        from typer.testing import CliRunner

        from supportops.cli.main import app

        path = file if isinstance(file, Path) else FIXTURES / file
        result = CliRunner().invoke(
            app, ["ingest", str(path), "--workspace", str(self.ws), "--format", self.fmt, "--json"]
        )
        assert result.exit_code == 0, result.output
        doc: dict[str, Any] = json.loads(result.stdout)
        assert set(doc) >= CLI_KEYS
        return doc


def counts(result: IngestResult) -> tuple[int, int, int, int, int]:
    """(read, accepted, replaced, duplicates, quarantined) of an import."""
    return result.read, result.accepted, result.replaced, result.duplicates, result.quarantined
