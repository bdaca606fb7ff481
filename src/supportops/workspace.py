"""Creating and opening a workspace: a folder with ``supportops.toml``, the warehouse and its side folders."""

from __future__ import annotations

from pathlib import Path

from supportops.config import CONFIG_FILE, TEMPLATE, Settings, load_settings, parse_settings
from supportops.errors import WorkspaceError
from supportops.warehouse.connection import WAREHOUSE_FILE, connect

__all__ = ["init_workspace", "open_settings"]

SIDE_FOLDERS = ("quarantine", "reports")


def init_workspace(
    folder: Path,
    *,
    name: str = "supportops workspace",
    time_zone: str = "UTC",
    program: str = "default",
    program_name: str = "Default program",
    queue: str = "general",
    force: bool = False,
) -> Settings:
    """Write a commented ``supportops.toml`` and an empty warehouse into ``folder``.

    An existing workspace is left alone unless ``force`` is given (which rewrites the toml only; the
    warehouse and its data are kept).
    """
    config = folder / CONFIG_FILE
    if config.exists() and not force:
        raise WorkspaceError(f"{folder}: already a workspace ({CONFIG_FILE} exists); use --force to rewrite it")
    text = TEMPLATE.format(name=name, time_zone=time_zone, program=program, program_name=program_name, queue=queue)
    settings = parse_settings(text, source=str(config))  # the template must always load
    folder.mkdir(parents=True, exist_ok=True)
    for side in SIDE_FOLDERS:
        (folder / side).mkdir(exist_ok=True)
    config.write_text(text, encoding="utf-8")
    connect(folder, create=True).close()
    return settings


def open_settings(folder: Path) -> Settings:
    """The validated settings of an existing workspace."""
    if not folder.is_dir():
        raise WorkspaceError(f"{folder}: no such folder; create a workspace with `supportops init {folder}`")
    if not (folder / WAREHOUSE_FILE).exists() and not (folder / CONFIG_FILE).exists():
        raise WorkspaceError(f"{folder}: not a workspace; create one with `supportops init {folder}`")
    return load_settings(folder)
