"""The one place that writes tables for people: CSV (UTF-8 with BOM for Excel) and XLSX.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab, CR,
``|`` or ``%``) are neutralised once with a leading apostrophe; numbers stay numbers (a negative duration
is not text). XLSX cells are written as typed values, strings always as string cells, never formulas.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from supportops.errors import InputError

__all__ = ["neutralise", "write_table"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "|", "%")
EXCEL_MAX_ROWS = 1_048_576


def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: formula-like text gets one leading apostrophe."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; values are UTC unless a column says so
    return neutralise(value)


def write_table(
    path: Path,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "data",
    number_formats: Mapping[str, str] | None = None,
) -> Path:
    """Write ``rows`` to ``path``: ``.xlsx`` as a typed workbook, anything else as Excel-friendly CSV.

    ``number_formats`` maps a column name to an Excel number format (``"[h]:mm:ss"``, ``"0.0%"``) applied to
    its numeric XLSX cells; CSV ignores it.
    """
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        if len(rows) + 1 > EXCEL_MAX_ROWS:
            raise InputError(f"{path}: {len(rows):,} rows exceed Excel's {EXCEL_MAX_ROWS:,}; export CSV instead")
        wb = Workbook(write_only=True)
        from openpyxl.cell import WriteOnlyCell

        ws = wb.create_sheet(sheet[:31])
        ws.append([str(neutralise(c)) for c in columns])
        formats = [(number_formats or {}).get(str(c)) for c in columns]
        for row in rows:
            cells: list[Any] = []
            for v, fmt in zip(row, formats, strict=False):
                v = _cell(v)
                if fmt is not None and isinstance(v, int | float) and not isinstance(v, bool):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = fmt
                    cells.append(cell)
                else:
                    cells.append(v)
            ws.append(cells)
        # openpyxl would read a leading '=' as a formula; neutralise() guarantees no string starts with one.
        wb.save(path)
        return path
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else _cell(v) for v in row])
    return path
