"""Where the real public data lives for tests: ``../shared/data`` or ``$SUPPORTOPS_DATA``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    """``../shared/data`` beside the repository, or the folder named by ``SUPPORTOPS_DATA``."""
    env = os.environ.get("SUPPORTOPS_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def real_file(*parts: str) -> Path:
    """A file of the real data set; the test is skipped when the data is absent."""
    path = shared_data().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not present: {path}")
    return path
