"""The streaming JSON reader under the JSON connectors: every shape, any chunk boundary, exact lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportops.connectors import jsonfile
from supportops.connectors.jsonfile import iter_json
from supportops.errors import InputError


@contextmanager
def chunk(size: int) -> Iterator[None]:
    saved = jsonfile._CHUNK
    jsonfile._CHUNK = size
    try:
        yield
    finally:
        jsonfile._CHUNK = saved


def values(path: Path, keys: tuple[str, ...] = ("tickets", "metric_sets")) -> list[tuple[str | None, Any, int]]:
    return [(i.key, i.value, i.line) for i in iter_json(path, array_keys=keys)]


records = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.integers(min_value=-(10**12), max_value=10**12),
            "text": st.text(max_size=12),
            "ratio": st.floats(allow_nan=False, allow_infinity=False),
            "tags": st.lists(st.text(max_size=4), max_size=3),
        }
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(rows=records, more=records, size=st.integers(min_value=1, max_value=40), indent=st.sampled_from([None, 1, 2]))
def test_page_documents_stream_at_any_chunk_size(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[dict[str, Any]],
    more: list[dict[str, Any]],
    size: int,
    indent: int | None,
) -> None:
    path = tmp_path_factory.mktemp("json") / "page.json"
    doc = {"count": 123456789, "tickets": rows, "next_page": None, "metric_sets": more, "end_of_stream": True}
    text = json.dumps(doc, indent=indent)
    if indent is None:
        text = "\n" + text  # a one-line page would be read as JSON lines; keep it a document
    path.write_text(text, encoding="utf-8")
    with chunk(size):
        got = values(path)
    assert [(k, v) for k, v, _ in got] == [("tickets", r) for r in rows] + [("metric_sets", r) for r in more]
    lines = text.split("\n")
    for _key, value, line in got:
        if indent is None:
            assert line == 2  # the whole page is on line 2
            continue
        rest = "\n".join(lines[line - 1 :])
        assert rest.lstrip().startswith("{"), (line, lines[line - 1])
        assert json.JSONDecoder().raw_decode(rest.lstrip())[0] == value


def test_json_lines_with_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"id": 1}\n\n{"id": 2}{"id": 3}\n{"id": \n[{"id": 4}, {"id": 5}]\n', encoding="utf-8")
    items = list(iter_json(path, array_keys=("tickets",)))
    assert [(i.value, i.line, i.error is not None) for i in items] == [
        ({"id": 1}, 1, False),
        ({"id": 2}, 3, False),
        ({"id": 3}, 3, False),
        (None, 4, True),
        ({"id": 4}, 5, False),
        ({"id": 5}, 5, False),
    ]
    assert items[3].raw == '{"id":'


def test_json_lines_of_pages_are_expanded(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_text('{"tickets": [{"id": 1}], "end_of_stream": false}\n{"tickets": [{"id": 2}]}\n', encoding="utf-8")
    assert values(path) == [("tickets", {"id": 1}, 1), ("tickets", {"id": 2}, 2)]


def test_utf16_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_text('[\n {"name": "Zoë"},\n {"name": "Łukasz"}\n]\n', encoding="utf-16")
    assert values(path) == [(None, {"name": "Zoë"}, 2), (None, {"name": "Łukasz"}, 3)]
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b'\xef\xbb\xbf{"id": 1}\n')
    assert values(bom) == [(None, {"id": 1}, 1)]


def test_empty_file_has_no_records(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("  \n", encoding="utf-8")
    assert values(path) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{\n "tickets": [\n  {"id": 1},\n  {"id": 2\n ]\n}\n', r"line 5: not valid JSON"),
        ('[\n {"id": 1}\n]\n[\n', r"line 4: not valid JSON: text after the end"),
        ("<html>\n", r"line 1: not valid JSON: a JSON export starts with"),
    ],
)
def test_a_broken_document_names_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        values(path)


def test_cp1252_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"name": "Müller"}\n'.encode("cp1252"))
    with pytest.raises(InputError, match="not valid utf-8-sig text"):
        values(path)
