"""Small, strict readers of JSON values shared by the JSON export formats.

Platform JSON is loosely typed in practice (ids as numbers, counts as strings, lists that
are sometimes objects). These helpers accept what is unambiguous and turn the rest into
``None`` or a warning, so a mapper never guesses and never crashes on one odd record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from onevoice.ingest.normalise import parse_timestamp

__all__ = ["count", "integer", "json_objects", "native_id", "optional_timestamp", "text"]


def json_objects(value: Any) -> list[dict[str, Any]]:
    """The JSON objects in a list (other elements skipped); ``[]`` if not a list."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def native_id(value: Any) -> str | None:
    """An id: a non-blank string (stripped) or an integer; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def text(value: Any) -> str | None:
    """``value`` if it is a string, else ``None``."""
    return value if isinstance(value, str) else None


def integer(value: Any) -> int | None:
    """``value`` if it is an integer (not a boolean), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def count(value: Any, name: str, warnings: list[str]) -> int | None:
    """An engagement count: an integer or a string of digits; ``None`` when missing, never
    0. Anything else is dropped with a warning added to ``warnings``."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    warnings.append(f"bad {name} {value!r}: expected an integer; dropped (the post is kept)")
    return None


def optional_timestamp(value: Any, label: str, warnings: list[str]) -> datetime | None:
    """A timestamp that the post does not need (an account's creation time): parsed, or
    dropped with the warning ``<label>: bad timestamp …; dropped (the post is kept)``."""
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        warnings.append(f"{label}: {exc}; dropped (the post is kept)")
        return None
