"""Shared fixtures: a temporary store, an ingest helper, the fixture and shared-data folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onevoice.ingest import ImportResult, ingest_file
from onevoice.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: ../shared beside the checkout (CI puts a copy there); override with ONEVOICE_SHARED.
SHARED = Path(os.environ.get("ONEVOICE_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh writable store in a temporary directory."""
    with Store(tmp_path / "store") as s:
        yield s


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "data").is_dir():
        pytest.fail(f"the shared data folder is missing: {SHARED} (set ONEVOICE_SHARED)")
    return SHARED


def ingest(store: Store, path: Path | str, fmt: str | None = None, **kw: Any) -> ImportResult:
    """Ingest a file and return the result (a thin alias for tests)."""
    return ingest_file(store, str(path), format=fmt, **kw)


def rows(store: Store, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Run SQL and return the rows as dicts."""
    cur = store.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
