"""Streaming JSON readers shared by the JSON formats.

- :func:`json_lines`: JSON Lines, one value per line, parsed with orjson. A line that does
  not parse is rejected as ``invalid JSON (<orjson's reason>)``; a last line cut short is
  ``truncated JSON (the file ends inside a record)``.
- :func:`json_items`: the elements of an array inside one large JSON document (Telegram's
  ``messages``), streamed with ijson so memory stays flat. A document cut short keeps the
  items before the cut and rejects the rest with ``truncated JSON after record N``.
- :func:`json_documents`: a file that is either one JSON document or JSON Lines of
  documents (API pages saved one per file, or appended one per line).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import ijson
import orjson

from onevoice.ingest.source import Source
from onevoice.ingest.stage import Stage

__all__ = ["json_documents", "json_items", "json_lines", "json_pages"]


def json_lines(source: Source, stage: Stage) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, value)`` for each non-blank line of a JSON Lines file."""
    with source.open() as f:
        lineno = 0
        for raw in f:
            lineno += 1
            line = raw.strip()
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line:
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                ended = not raw.endswith(b"\n")
                if ended and _looks_cut(line):
                    stage.reject(lineno, "truncated JSON (the file ends inside a record)", line)
                else:
                    stage.reject(lineno, f"invalid JSON ({_reason(exc)})", line)
                continue
            yield lineno, value


def _looks_cut(line: bytes) -> bool:
    depth = 0
    in_str = False
    esc = False
    for b in line:
        if in_str:
            if esc:
                esc = False
            elif b == 0x5C:
                esc = True
            elif b == 0x22:
                in_str = False
        elif b == 0x22:
            in_str = True
        elif b in (0x7B, 0x5B):
            depth += 1
        elif b in (0x7D, 0x5D):
            depth -= 1
    return depth > 0 or in_str


def _reason(exc: orjson.JSONDecodeError) -> str:
    msg = str(exc.msg if hasattr(exc, "msg") else exc)
    return f"{msg} at column {exc.colno}" if getattr(exc, "colno", None) else msg


def _plain(value: Any) -> Any:
    """ijson gives Decimal for non-integers; make values JSON-ready."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def json_items(source: Source, stage: Stage, prefix: str) -> Iterator[tuple[int, Any]]:
    """Yield ``(record index, item)`` for the array at ``prefix`` (ijson's path syntax,
    e.g. ``"messages.item"``); indexes count from 1."""
    index = 0
    with source.open() as f:
        try:
            for item in ijson.items(f, prefix, use_float=True):
                index += 1
                yield index, item
        except ijson.IncompleteJSONError as exc:
            stage.reject(index + 1, f"truncated JSON after record {index} ({_ijson_reason(exc)})")
        except ijson.JSONError as exc:
            stage.reject(index + 1, f"invalid JSON after record {index} ({_ijson_reason(exc)})")


def _ijson_reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def json_documents(source: Source, stage: Stage) -> Iterator[tuple[int, Any]]:
    """Yield ``(line or 1, document)``: JSON Lines if every line is a document, else the
    whole file as one document (pretty-printed API responses)."""
    for line, doc, _per_line in json_pages(source, stage):
        yield line, doc


def json_pages(source: Source, stage: Stage) -> Iterator[tuple[int, Any, bool]]:
    """Like :func:`json_documents`, with a third value: whether the file is JSON Lines
    (decided by its whole first line, however long: one page of 100 posts can pass 1 MB).

    A single document is read whole: API responses saved one per file are pages, not
    archives.
    """
    with source.open() as f:
        first = b""
        for raw in f:
            first = raw.strip()
            if first:
                break
    try:
        orjson.loads(first.lstrip(b"\xef\xbb\xbf"))
        one_per_line = True
    except orjson.JSONDecodeError:
        one_per_line = False
    if one_per_line:
        for line, doc in json_lines(source, stage):
            yield line, doc, True
        return
    with source.open() as f:
        data = _read_all(f)
    try:
        yield 1, orjson.loads(data.lstrip(b"\xef\xbb\xbf")), False
    except orjson.JSONDecodeError as exc:
        if _looks_cut(data.strip()):
            stage.reject(1, "truncated JSON (the file ends inside a record)", data[:200])
        else:
            stage.reject(1, f"invalid JSON ({_reason(exc)})", data[:200])


def _read_all(f: IO[bytes]) -> bytes:
    return f.read()
