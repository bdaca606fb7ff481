"""Exports open cleanly in Excel: formulas neutralised exactly once, numbers stay numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from supportops.exports import neutralise, write_table

PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "|x", "%x", "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_triggers_are_neutralised_once(payload: str) -> None:
    assert neutralise(payload) == "'" + payload
    assert neutralise(neutralise(payload)) == "'" + payload  # an apostrophe is not a trigger: applied once


def test_clean_values_untouched() -> None:
    assert [neutralise(v) for v in ("O'Keefe", "a=b", None, -5, 3.5)] == ["O'Keefe", "a=b", None, -5, 3.5]


def test_xlsx_cells_are_typed_and_safe(tmp_path: Path) -> None:
    p = write_table(
        tmp_path / "x.xlsx",
        ["text", "n", "when"],
        [["=1+1", -4, datetime(2026, 1, 5, 10, tzinfo=UTC)], ["plain", 2.5, None]],
    )
    ws = load_workbook(p).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "'=1+1" and rows[1][1] == -4 and rows[2][1] == 2.5
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_csv_has_bom_for_excel(tmp_path: Path) -> None:
    p = write_table(tmp_path / "x.csv", ["a"], [["é"]])
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")
