"""The one exception root of supportops.

Every error the product raises on purpose derives from :class:`SupportOpsError`::

    SupportOpsError
    ├── ConfigError (ValueError)        the workspace file is missing, unreadable or invalid
    ├── WorkspaceError                  the workspace folder is missing or not a workspace
    ├── InputError (ValueError)         a user-supplied file or argument cannot be used as given
    │   └── UnknownFormatError          an ingest format name that no connector serves
    ├── IngestError                     an import failed as a whole; the warehouse is unchanged
    └── ComputationError (ArithmeticError)  a numerical method could not reach an answer

Errors about input say where the problem is (file, row, field or key) in their message, so a CLI can print
them as they are. The CLI maps them to exit code 2 (bad input) or 1 (anything else).
"""

from __future__ import annotations

__all__ = [
    "ComputationError",
    "ConfigError",
    "IngestError",
    "InputError",
    "SupportOpsError",
    "UnknownFormatError",
    "WorkspaceError",
]


class SupportOpsError(Exception):
    """Root of every error supportops raises on purpose."""


class ConfigError(SupportOpsError, ValueError):
    """The workspace configuration is invalid; the message names the key and why."""


class WorkspaceError(SupportOpsError):
    """The workspace folder does not exist or is not a supportops workspace."""


class InputError(SupportOpsError, ValueError):
    """A file or argument supplied by the user cannot be used as given."""


class UnknownFormatError(InputError):
    """An ingest format that no connector serves."""


class IngestError(SupportOpsError):
    """An import failed as a whole; nothing of it was written to the warehouse."""


class ComputationError(SupportOpsError, ArithmeticError):
    """A numerical method could not reach an answer (for example no staffing meets the targets)."""
