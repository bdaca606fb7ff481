"""What every command shares: the stderr console, JSON output, tables, progress bars and error handling."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from supportops.errors import ConfigError, InputError, SupportOpsError

__all__ = ["JSON_OPTION", "err", "guarded", "print_json", "progress_bar", "table"]

_WIDE = 160  # tables piped to a file or a pager keep their columns instead of wrapping at 80

err = Console(stderr=True, width=None if sys.stderr.isatty() else _WIDE)
"""Progress, logs and human output go to stderr unless a command prints its result as a table to stdout."""
out = Console(width=None if sys.stdout.isatty() else _WIDE)

JSON_OPTION = typer.Option(False, "--json", help="Print one JSON document on stdout (progress goes to stderr).")

P = ParamSpec("P")
R = TypeVar("R")


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(document: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, default=_default, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn supportops errors into a clear message and exit code 2 (bad input) or 1 (other failures).

    With ``--json`` the error is printed as ``{"error": ..., "kind": ...}`` on stdout as well.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SupportOpsError as exc:
            code = 2 if isinstance(exc, InputError | ConfigError) else 1
            if kwargs.get("as_json"):
                print_json({"error": str(exc), "kind": type(exc).__name__})
            err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(code) from None

    return wrapper


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, to_stderr: bool = False) -> None:
    """Print rows as a Rich table (numbers right-aligned)."""
    t = Table(title=title, title_justify="left")
    sample = rows[0] if rows else [""] * len(columns)
    for name, value in zip(columns, sample, strict=False):
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        t.add_column(name, justify="right" if numeric else "left")
    for row in rows:
        t.add_row(*(f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v) for v in row))
    (err if to_stderr else out).print(t)


@contextmanager
def progress_bar(description: str, *, enabled: bool = True) -> Iterator[Callable[[float | None, str], None]]:
    """A Rich progress bar on stderr; yields ``update(fraction or None, text)``."""
    if not enabled:
        yield lambda _f, _t: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(fraction: float | None, text: str) -> None:
            if fraction is None:
                bar.update(task, description=text)
            else:
                bar.update(task, total=1.0, completed=min(max(fraction, 0.0), 1.0), description=text)

        yield update
