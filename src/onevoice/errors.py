"""The one exception tree of OneVoice.

Every error the library raises on purpose derives from :class:`OneVoiceError`; the CLI turns
it into ``Error: <message>`` plus an optional ``Hint: <hint>`` on stderr and exit code 1
(:class:`UsageError`: exit code 2)::

    OneVoiceError
    ├── UsageError              the call itself is wrong (unknown format name, bad option)
    ├── InputError              an input cannot be used at all
    │   ├── UnreadableInput     missing, unreadable or empty file
    │   ├── UnknownFormat       content matches none of the formats
    │   └── MissingColumns      a CSV header lacks required columns
    ├── StoreError              the analytic store cannot be used
    │   ├── StoreLocked         another process holds the store
    │   └── SchemaMismatch      the store was written by an incompatible version
    ├── QueryError              read-only SQL failed (syntax, unknown table, attempted write)
    └── RejectedRecords         ``--strict`` and at least one record was rejected

A malformed *record* is not an exception: it becomes a row of the ``rejects`` table and the
rest of the file is ingested.
"""

from __future__ import annotations

__all__ = [
    "InputError",
    "MissingColumns",
    "OneVoiceError",
    "QueryError",
    "RejectedRecords",
    "SchemaMismatch",
    "StoreError",
    "StoreLocked",
    "UnknownFormat",
    "UnreadableInput",
    "UsageError",
]


class OneVoiceError(Exception):
    """Base of every deliberate OneVoice error.

    Args:
        message: what went wrong, one sentence, naming the file or value.
        hint: what the user can do about it (optional).
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(OneVoiceError):
    """The call is wrong: an unknown option value, a format name that does not exist."""

    exit_code = 2


class InputError(OneVoiceError):
    """An input file cannot be used at all."""


class UnreadableInput(InputError):
    """The file is missing, unreadable, or empty."""


class UnknownFormat(InputError):
    """The content matches none of the known export formats."""


class MissingColumns(InputError):
    """A CSV header lacks one or more required columns."""


class StoreError(OneVoiceError):
    """The analytic store cannot be opened or written."""


class StoreLocked(StoreError):
    """Another process holds the store's write lock."""


class SchemaMismatch(StoreError):
    """The store was written by a version of OneVoice with another schema."""


class QueryError(OneVoiceError):
    """A read-only query failed."""


class RejectedRecords(OneVoiceError):
    """Raised after an import under ``--strict`` when records were rejected."""
