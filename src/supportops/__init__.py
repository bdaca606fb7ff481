"""supportops: run a customer-support operation end to end.

Import the area you need (``supportops.queueing``, ``supportops.schema``, ...); this package itself imports
nothing heavy, so ``import supportops`` stays cheap.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
