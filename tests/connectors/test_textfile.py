"""Sniffing encodings and delimiters, and locating records on physical lines."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.connectors.textfile import record_lines, record_lines_scan, sniff, utf8_copy
from supportops.errors import InputError


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp1252", "cp1252")],
)
def test_encoding_detection(tmp_path: Path, encoding: str, expected: str) -> None:
    p = tmp_path / "f.csv"
    p.write_bytes("Name;Città\nJosé;Zürich – Genève\n".encode(encoding))
    fmt = sniff(p)
    assert (fmt.encoding, fmt.delimiter, fmt.header) == (expected, ";", ("Name", "Città"))
    copy = utf8_copy(p, fmt.encoding, tmp_path / "u.csv")
    assert "Zürich – Genève" in copy.read_text(encoding="utf-8-sig")


def test_empty_and_headerless_files(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(InputError, match="the file is empty"):
        sniff(tmp_path / "e.csv")


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.lists(st.text(alphabet='ab,"\n x', max_size=6), min_size=3, max_size=3), min_size=1, max_size=40),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_byte_scan_agrees_with_the_csv_module(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], chunk: int
) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["a", "b", "c"])
    w.writerows(rows)
    p = tmp_path_factory.mktemp("scan") / "f.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    want = list(range(1, len(rows) + 1))
    random.Random(0).shuffle(want)
    assert record_lines_scan(p, want, chunk_bytes=chunk) == record_lines(p, sniff(p, delimiter=","), want)
