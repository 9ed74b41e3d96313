"""The pages' store cache: results reused until the store changes, and a busy store reported."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from onevoice.errors import StoreError
from onevoice.store import Store
from onevoice.web import storecache
from onevoice.web.jobs.storeaccess import StoreBusy

pytestmark = pytest.mark.django_db  # the page checks for a running job first


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    storecache.clear()


def _count_imports(store: Store) -> int:
    return int(store.execute("SELECT count(*) FROM imports").fetchone()[0])


def test_results_are_reused_until_the_store_changes(web_store: Path) -> None:
    calls: list[int] = []

    def read(store: Store) -> int:
        calls.append(1)
        return _count_imports(store)

    assert storecache.cached_read(web_store, "n", read) == 2
    assert storecache.cached_read(web_store, "n", read) == 2
    assert len(calls) == 1  # the second answer came from the cache
    with Store(web_store) as s:  # a writer commits: the signature changes
        s.execute(
            "INSERT INTO imports VALUES ('imp3', 'f3', 'sha', 1, 'csv', 'test',"
            " '2026-11-03 12:00:00+00', '2026-11-03 12:00:00+00', 1, 1, 0, 0, 0, 0)"
        )
    assert storecache.cached_read(web_store, "n", read) == 3
    assert len(calls) == 2


def test_keys_are_kept_apart(web_store: Path) -> None:
    assert storecache.cached_read(web_store, "a", lambda s: "a") == "a"
    assert storecache.cached_read(web_store, "b", lambda s: "b") == "b"


def test_no_store_is_an_error(tmp_path: Path) -> None:
    assert storecache.store_signature(tmp_path) is None
    with pytest.raises(StoreError, match="no store"):
        storecache.cached_read(tmp_path, "n", _count_imports)


def test_a_writer_in_another_process_makes_the_store_busy(web_store: Path) -> None:
    code = (
        "import sys, time\n"
        "from onevoice.store import Store\n"
        "s = Store(sys.argv[1])\n"
        "print('open', flush=True)\n"
        "time.sleep(30)\n"
    )
    assert storecache.cached_read(web_store, "before", lambda s: 1) == 1
    with subprocess.Popen(
        [sys.executable, "-c", code, str(web_store)], stdout=subprocess.PIPE, text=True
    ) as writer:
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "open"
            with pytest.raises(StoreBusy, match="busy"):
                storecache.cached_read(web_store, "n", _count_imports)
            # what was read before stays available while the writer works
            assert storecache.cached_read(web_store, "before", lambda s: 2) == 1
        finally:
            writer.kill()
    deadline = time.monotonic() + 10
    while True:  # the lock goes with the process
        try:
            assert storecache.cached_read(web_store, "n", _count_imports) == 2
            break
        except StoreBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
