"""Read the analytic store from the pages, with results cached until the store changes.

Opening the DuckDB store read-only costs about 15 ms and a page's queries a few more; a page
read by fifty people a minute would pay that each time for the same answer. The store only
changes when a writer (``onevoice ingest``/``detect``/… or a background job) commits, and a
commit always touches ``onevoice.duckdb`` or its write-ahead log ``onevoice.duckdb.wal``. So
:func:`cached_read` keys each result by the *signature* of the store, the (inode, size,
modification time in ns) of both files, and runs the query again only when that signature
has changed. This is the validation scheme of HTTP's ``Last-Modified``/``ETag`` applied
inside the process; results are never stale beyond one ``stat`` call.

While a job writes (:mod:`onevoice.web.jobs.storeaccess`: pages then keep off the file so
the writer is not starved), a page gets the result it last read, if any, and otherwise
:class:`~onevoice.web.jobs.storeaccess.StoreBusy`.

The cache is per process, thread-safe, and bounded (least recently used entries go first).
Cached values must be treated as read-only: use immutable results (pydantic models, tuples).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from onevoice.errors import StoreError

__all__ = ["MAX_ENTRIES", "cached_read", "cached_value", "clear", "store_signature"]

T = TypeVar("T")

#: How many results the cache keeps (one per page and parameter set).
MAX_ENTRIES = 512

_lock = threading.Lock()
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def store_signature(store_path: Path) -> tuple[int, ...] | None:
    """(inode, size, mtime_ns) of the database file and its WAL; None when there is no store."""
    parts: list[int] = []
    for name in ("onevoice.duckdb", "onevoice.duckdb.wal"):
        try:
            st = os.stat(store_path / name)
        except FileNotFoundError:
            if name == "onevoice.duckdb":
                return None
            parts.extend((0, 0, 0))
            continue
        parts.extend((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(parts)


def cached_read(
    store_path: Path,
    key: Hashable,
    read: Callable[[Any], T],
    *,
    memory_limit: str = "512MB",
) -> T:
    """``read(store)`` on the store opened read-only, or its cached result.

    Args:
        store_path: the store directory.
        key: what is read (page name and parameters); results are cached per key and store.
        read: called with an open :class:`onevoice.store.Store`; its result is cached.
        memory_limit: DuckDB's memory limit for the read-only connection.

    Raises:
        StoreError: there is no store at ``store_path``, or it cannot be opened
            (``StoreBusy`` when a writer holds it and nothing was read before, or another
            schema version).
    """
    from onevoice.web.jobs.storeaccess import StoreBusy, open_store_read_only

    signature = store_signature(store_path)
    if signature is None:
        raise StoreError(f"there is no store at {store_path}")
    full_key = (str(store_path), key)
    with _lock:
        hit = _cache.get(full_key)
        if hit is not None and hit[0] == signature:
            _cache.move_to_end(full_key)
            return hit[1]  # type: ignore[no-any-return]
    try:
        store = open_store_read_only(store_path, memory_limit=memory_limit)
    except StoreBusy:
        if hit is not None:  # a job is writing: show what was last read meanwhile
            return hit[1]  # type: ignore[no-any-return]
        raise
    with store:
        value = read(store)
    with _lock:
        _cache[full_key] = (signature, value)
        _cache.move_to_end(full_key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return value


def cached_value(store_path: Path, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, cached like :func:`cached_read` but without opening the store.

    For what is derived from data already read (a page's rendered tables): it is computed
    again only when the store's signature has changed since.
    """
    signature = store_signature(store_path)
    full_key = (str(store_path), key)
    with _lock:
        hit = _cache.get(full_key)
        if hit is not None and hit[0] == signature:
            _cache.move_to_end(full_key)
            return hit[1]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _cache[full_key] = (signature, value)
        _cache.move_to_end(full_key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached result (tests; after a job wrote to the store)."""
    with _lock:
        _cache.clear()
