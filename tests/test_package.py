"""Package hygiene: `import supportops` is cheap, and every public package's __all__ is complete and sorted."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

HEAVY = ("ibis", "ortools", "statsforecast", "sklearn", "duckdb", "pyspark", "polars")


def test_import_supportops_is_cheap() -> None:
    code = (
        "import sys, supportops, supportops.schema, supportops.errors, supportops.config; "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "name",
    [
        "supportops",
        "supportops.errors",
        "supportops.schema",
        "supportops.config",
        "supportops.queueing",
        "supportops.metrics",
        "supportops.demo",
        "supportops.exports",
    ],
)
def test_all_is_sorted_and_resolvable(name: str) -> None:
    module = importlib.import_module(name)
    names = list(module.__all__)
    # the order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions, each alphabetical
    assert names == sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))
    for attr in names:
        assert hasattr(module, attr), f"{name}.__all__ names missing {attr}"
