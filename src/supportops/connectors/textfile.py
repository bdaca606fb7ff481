"""Reading delimited text the way exports arrive: any common encoding, any common delimiter.

:func:`sniff` finds the encoding (UTF-8 with or without BOM, UTF-16 with BOM, else cp1252), the delimiter
(``,`` ``;`` tab ``|``) and the header. :func:`utf8_copy` writes a UTF-8 copy of a file in another encoding,
streaming, so the fast reader only ever sees UTF-8. :func:`record_lines` maps record numbers to the physical
line where each record starts (quoted newlines make the two differ).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from supportops.errors import InputError

__all__ = ["TextFormat", "normalize_header", "record_lines", "record_lines_scan", "sniff", "utf8_copy"]

_SNIFF_BYTES = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True, slots=True)
class TextFormat:
    """How a delimited text file is written."""

    encoding: str  # a Python codec name: utf-8, utf-8-sig, utf-16, cp1252
    delimiter: str
    header: tuple[str, ...]


def normalize_header(name: str) -> str:
    """Header names compared the way people write them: case, spacing and underscores folded."""
    return " ".join(name.replace("\ufeff", "").replace("_", " ").split()).lower()


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8"


def sniff(path: Path, *, delimiter: str = "auto") -> TextFormat:
    """Encoding, delimiter and header of a delimited text file."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if not head.strip():
        raise InputError(f"{path}: the file is empty")
    encoding = _detect_encoding(head)
    text = head.decode(encoding, errors="ignore")
    if len(head) == _SNIFF_BYTES:  # drop the last, possibly cut, line
        text = text[: text.rfind("\n") + 1] or text
    lines = io.StringIO(text, newline="")
    if delimiter == "auto":
        best, best_score = ",", (-1, -1)
        sample = text[:65536]
        for cand in _DELIMITERS:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=cand))[:50]
            if not rows:
                continue
            width = len(rows[0])
            consistent = sum(1 for r in rows[1:-1] if len(r) == width)
            score = (consistent if width > 1 else -1, width)
            if score > best_score:
                best, best_score = cand, score
        delimiter = best
    header = next(csv.reader(lines, delimiter=delimiter), None)
    if not header:
        raise InputError(f"{path}: no header row")
    header = [h.replace("\ufeff", "").strip() for h in header]
    blanks = [i + 1 for i, h in enumerate(header) if not h]
    if blanks:
        raise InputError(f"{path}: line 1: header column {blanks[0]} has no name")
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        key = normalize_header(h)
        if key in seen:
            raise InputError(f"{path}: line 1: header {h!r} (column {i + 1}) repeats column {seen[key] + 1}")
        seen[key] = i
    return TextFormat(encoding=encoding, delimiter=delimiter, header=tuple(header))


def utf8_copy(path: Path, encoding: str, target: Path) -> Path:
    """Write ``path`` re-encoded from ``encoding`` to UTF-8 at ``target``, 1 MiB at a time."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(1 << 20):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid {encoding} text near byte {exc.start}") from None
    return target


def record_lines(
    path: Path, fmt: TextFormat, records: Iterable[int], *, expected_fields: int | None = None
) -> dict[int, int]:
    """The physical line (1-based, header = line 1) where each wanted data record starts.

    Records are counted from 1 after the header. With ``expected_fields``, only records with that many
    fields are counted (records a fast reader skipped as malformed are passed over the same way).
    """
    wanted = set(records)
    if not wanted:
        return {}
    last = max(wanted)
    out: dict[int, int] = {}
    with path.open("r", encoding=fmt.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=fmt.delimiter)
        next(reader, None)
        start_line = reader.line_num + 1
        n = 0
        for row in reader:
            if expected_fields is None or len(row) == expected_fields:
                n += 1
                if n in wanted:
                    out[n] = start_line
                if n >= last:
                    break
            start_line = reader.line_num + 1
    return out


def record_lines_scan(path: Path, records: Iterable[int], *, chunk_bytes: int = 1 << 26) -> dict[int, int]:
    """:func:`record_lines` for a well-formed UTF-8 CSV with ``"`` quoting, by a vectorised byte scan.

    A newline ends a record when the number of quote characters before it is even (doubled quotes inside a
    quoted field keep the parity), so record ``k`` starts on the line after the ``k``-th record-ending
    newline. Reads the file once, in chunks, at memory speed; stops after the last wanted record.
    """
    import numpy as np

    wanted = np.array(sorted(set(records)), dtype=np.int64)
    if wanted.size == 0:
        return {}
    out: dict[int, int] = {}
    quotes_before = 0  # quote characters before the current chunk
    newlines_before = 0  # newline characters before the current chunk
    boundaries_before = 0  # record-ending newlines before the current chunk (the header's counts as 1)
    next_idx = 0
    with path.open("rb") as fh:
        while next_idx < wanted.size:
            chunk = fh.read(chunk_bytes)
            if not chunk:
                break
            if quotes_before % 2 == 0 and b'"' not in chunk:
                # no quoting in this chunk: every newline ends a record
                count = chunk.count(b"\n")
                first_b = boundaries_before + 1
                last_b = boundaries_before + count
                while next_idx < wanted.size and wanted[next_idx] <= last_b:
                    k = int(wanted[next_idx])
                    if k >= first_b:
                        out[k] = newlines_before + (k - first_b) + 2
                    next_idx += 1
                boundaries_before = last_b
                newlines_before += count
                continue
            data = np.frombuffer(chunk, dtype=np.uint8)
            nl = np.flatnonzero(data == 10)
            quotes = np.flatnonzero(data == 34) if b'"' in chunk else nl[:0]
            parity = (quotes_before + np.searchsorted(quotes, nl)) % 2
            ends = np.flatnonzero(parity == 0)  # indices into nl of record-ending newlines
            # boundary number b (1-based, global) is followed by data record b (the header ends at b = 1)
            first_b = boundaries_before + 1
            last_b = boundaries_before + ends.size
            while next_idx < wanted.size and wanted[next_idx] <= last_b:
                k = int(wanted[next_idx])
                if k >= first_b:
                    local = ends[k - first_b]
                    out[k] = newlines_before + int(local) + 2  # lines are 1-based; the record starts after it
                next_idx += 1
            boundaries_before = last_b
            newlines_before += nl.size
            quotes_before += int(quotes.size)
    return out
