"""Reading JSON exports record by record, whatever their shape, without loading the file.

Vendors deliver the same records in three shapes: JSON lines (one object per line, or objects written back to
back as a stream delivery does), a JSON array of records, or an API page such as ``{"tickets": [...],
"end_of_stream": true}``. :func:`iter_json` yields the records of any of them, each with the physical line
where it starts, reading the file in chunks so memory does not grow with the file.

A line of JSON lines that is not valid JSON is yielded as an error item (the connector quarantines it and
reads on); a JSON document that is broken part-way cannot be resynchronised, so it raises
:class:`~supportops.errors.InputError` naming the line.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from supportops.errors import InputError

__all__ = ["JsonItem", "iter_json"]

_CHUNK = 1 << 16
_PEEK = 1 << 20
_WS = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True, slots=True)
class JsonItem:
    """One record of a JSON export.

    ``key`` is the array the record came from in a page document (``"tickets"``), None for JSON lines and
    top-level arrays; ``value`` is the decoded record, or None when ``error`` says why the line is not JSON;
    ``raw`` is the source text of the record (for the quarantine), as it stands in the file.
    """

    key: str | None
    value: Any
    line: int
    error: str | None = None
    raw: str | None = None


def _encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def iter_json(path: Path, *, array_keys: tuple[str, ...]) -> Iterator[JsonItem]:
    """The records of a JSON-lines file, a JSON array, or an object whose ``array_keys`` hold records.

    In JSON lines, a line that is itself a page object (holding one of ``array_keys``) is expanded into its
    records. Encoding: UTF-8 with or without BOM, or UTF-16 with BOM.
    """
    encoding = _encoding(path)
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            head = fh.read(_PEEK)
            first_line = head.split("\n", 1)[0] if "\n" in head else (head if len(head) < _PEEK else "")
            lines_mode = False
            if first_line.strip():
                try:  # the first line holds a whole value: JSON lines (possibly several values a line)
                    json.JSONDecoder().raw_decode(first_line.strip())
                    lines_mode = True
                except json.JSONDecodeError:
                    lines_mode = False
            elif not head.strip():
                return
            fh.seek(0)
            if lines_mode:
                yield from _lines(fh, array_keys)
            else:
                yield from _Document(fh, path, array_keys).items()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid {encoding} text: {exc.reason} near byte {exc.start}") from None


def _expand(value: Any, line: int, array_keys: tuple[str, ...], raw: str) -> Iterator[JsonItem]:
    if isinstance(value, list):  # a whole array on one line
        for element in value:
            yield JsonItem(None, element, line)
        return
    if isinstance(value, dict):
        keys = [k for k in array_keys if isinstance(value.get(k), list)]
        if keys:
            for k in keys:
                for element in value[k]:
                    yield JsonItem(k, element, line)
            return
    yield JsonItem(None, value, line, raw=raw)


def _lines(fh: IO[str], array_keys: tuple[str, ...]) -> Iterator[JsonItem]:
    decoder = json.JSONDecoder()
    for number, text in enumerate(fh, start=1):
        pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
        while pos < len(text):
            try:
                value, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                yield JsonItem(
                    None,
                    None,
                    number,
                    error=f"{exc.msg} (character {exc.pos - pos + 1} of the record)",
                    raw=text[pos:].strip(),
                )
                break
            yield from _expand(value, number, array_keys, text[pos:end])
            pos = _WS.match(text, end).end()  # type: ignore[union-attr]


class _Document:
    """A streaming walk over one JSON document: a top-level array or an object of arrays."""

    def __init__(self, fh: IO[str], path: Path, array_keys: tuple[str, ...]) -> None:
        self.fh, self.path, self.array_keys = fh, path, array_keys
        self.buf, self.pos, self.eof = "", 0, False
        self.line, self.counted = 1, 0
        self.decoder = json.JSONDecoder()

    def _fill(self, want: int = _CHUNK) -> bool:
        if self.eof:
            return False
        self._line_at(self.pos)
        self.buf, self.pos, self.counted = self.buf[self.pos :], 0, 0
        chunk = self.fh.read(max(want, _CHUNK))
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _line_at(self, pos: int) -> int:
        self.line += self.buf.count("\n", self.counted, pos)
        self.counted = pos
        return self.line

    def _fail(self, what: str) -> InputError:
        return InputError(f"{self.path}: line {self._line_at(self.pos)}: not valid JSON: {what}")

    def _peek(self) -> str | None:
        """The next non-blank character (not consumed), or None at the end of the file."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return None

    def _expect(self, chars: str) -> str:
        c = self._peek()
        if c is None or c not in chars:
            raise self._fail(f"expected one of {chars!r}, found {'end of file' if c is None else repr(c)}")
        self.pos += 1
        return c

    def _value(self) -> tuple[Any, str]:
        """The next JSON value and its source text."""
        self._peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
                if end < len(self.buf) or self.eof:
                    text, self.pos = self.buf[self.pos : end], end
                    return value, text
            except json.JSONDecodeError as exc:
                if self.eof:
                    self.pos = min(exc.pos, len(self.buf))
                    raise self._fail(exc.msg) from None
            self._fill(len(self.buf) - self.pos)

    def _array(self, key: str | None) -> Iterator[JsonItem]:
        self._expect("[")
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            self._peek()
            line = self._line_at(self.pos)
            value, text = self._value()
            yield JsonItem(key, value, line, raw=text)
            if self._expect(",]") == "]":
                return

    def items(self) -> Iterator[JsonItem]:
        first = self._peek()
        if first == "[":
            yield from self._array(None)
        elif first == "{":
            self.pos += 1
            if self._peek() == "}":
                self.pos += 1
            else:
                while True:
                    key = self._value()[0]
                    if not isinstance(key, str):
                        raise self._fail("an object key is not a string")
                    self._expect(":")
                    if key in self.array_keys and self._peek() == "[":
                        yield from self._array(key)
                    else:
                        line = self._line_at(self.pos)
                        value, text = self._value()
                        if key in self.array_keys:  # a single record where a list was expected
                            yield JsonItem(key, value, line, raw=text)
                    if self._expect(",}") == "}":
                        break
        elif first is not None:
            raise self._fail(f"a JSON export starts with '[' or '{{', not {first!r}")
        if self._peek() is not None:
            raise self._fail("text after the end of the JSON document")
