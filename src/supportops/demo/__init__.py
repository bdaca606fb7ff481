"""The demo: a generated program run through every capability (see :mod:`supportops.demo.runner`)."""

from __future__ import annotations

from supportops.demo.generator import DemoData, generate
from supportops.demo.runner import run_demo

__all__ = ["DemoData", "generate", "run_demo"]
