"""The store: idempotent re-import, overlap, atomic imports, batch invariance, read-only SQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from onevoice.errors import QueryError, SchemaMismatch, StoreError, StoreLocked
from onevoice.store import Store
from tests.conftest import FIXTURES, ingest, rows

HEADER = "post_id,account_id,created_at,text,urls\n"


def _csv(path: Path, ids: range, extra: str = "") -> Path:
    lines = [
        f"{i},acct{i % 7},{1700000000 + i * 13},post {i} #tag{i % 5} {extra},"
        f"https://news.example.org/{i % 11}?utm_source=x"
        for i in ids
    ]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _snapshot(store: Store) -> list[tuple]:
    return store.execute(
        "SELECT post_id, account_id, created_at, text, lang, urls, domains, hashtags, "
        "mentions, repost_of, source_line, raw FROM posts ORDER BY post_id"
    ).fetchall()


def test_reingesting_the_same_file_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", range(50))
    first = ingest(store, path)
    again = ingest(store, path)
    assert (first.posts_added, first.accounts_added) == (50, 7)
    assert (again.posts_added, again.posts_known, again.accounts_added) == (0, 50, 0)
    assert store.scalar("SELECT count(*) FROM posts") == 50
    assert store.scalar("SELECT count(*) FROM imports") == 2


def test_an_overlapping_file_adds_only_what_is_new(store: Store, tmp_path: Path) -> None:
    ingest(store, _csv(tmp_path / "a.csv", range(0, 40)))
    result = ingest(store, _csv(tmp_path / "b.csv", range(30, 60), extra="changed"))
    assert (result.posts_added, result.posts_known) == (20, 10)
    # the posts already there are left as they were
    assert rows(store, "SELECT text FROM posts WHERE native_id = '35'") == [
        {"text": "post 35 #tag0 "}
    ]
    assert store.scalar("SELECT count(DISTINCT post_id) FROM posts") == 60


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_results_do_not_depend_on_batch_size(tmp_path: Path, batch_size: int) -> None:
    files = [
        FIXTURES / "csv" / "good.csv",
        FIXTURES / "csv" / "bad.csv",
        _csv(tmp_path / "a.csv", range(100)),
    ]
    with Store(tmp_path / "ref") as ref, Store(tmp_path / f"b{batch_size}") as other:
        for f in files:
            ingest(ref, f, batch_size=20_000)
            ingest(other, f, batch_size=batch_size)
        assert _snapshot(ref) == _snapshot(other)
        q = "SELECT line, severity, reason FROM rejects ORDER BY source_file, line, reason"
        assert ref.execute(q).fetchall() == other.execute(q).fetchall()


def test_an_import_killed_half_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    with Store(store_dir) as s:
        ingest(s, _csv(tmp_path / "first.csv", range(100)))
        before = _snapshot(s)
    big = _csv(tmp_path / "big.csv", range(1000, 6000))
    env = {**os.environ, "ONEVOICE_FAULT_AFTER_BATCHES": "3"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "onevoice.cli.main",
            "ingest",
            "--store",
            str(store_dir),
            "--batch-size",
            "100",
            "--format",
            "csv",
            str(big),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == -9, proc.stderr  # SIGKILL, mid-import
    with Store(store_dir) as s:
        assert _snapshot(s) == before
        assert s.scalar("SELECT count(*) FROM imports") == 1
        assert s.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'ov_%'") == 0
        # and the store still works: the same file now goes in whole
        assert ingest(s, big).posts_added == 5000


def test_query_is_read_only(store: Store, tmp_path: Path) -> None:
    ingest(store, _csv(tmp_path / "a.csv", range(3)))
    store.close()
    with Store(store.path, read_only=True) as ro:
        names, it = ro.query("SELECT count(*) AS n FROM posts")
        assert (names, list(it)) == (["n"], [(3,)])
        with pytest.raises(QueryError) as exc:
            ro.query("DELETE FROM posts")
        assert (
            exc.value.hint == "onevoice query is read-only; the store changes only through onevoice"
        )
        with pytest.raises(QueryError):
            ro.query("SELECT * FROM no_such_table")


def test_missing_store_locked_store_and_foreign_schema(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as exc:
        Store(tmp_path / "nothing", read_only=True)
    assert exc.value.message == f"no store at {tmp_path / 'nothing'}"

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from onevoice.store import Store; s = Store(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(30)",
            str(tmp_path / "held"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLocked) as locked:
            Store(tmp_path / "held")
        assert (
            locked.value.message == f"the store at {tmp_path / 'held'} is in use by another process"
        )
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()

    with Store(tmp_path / "old"):
        pass
    con = duckdb.connect(str(tmp_path / "old" / "onevoice.duckdb"))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaMismatch) as bad:
        Store(tmp_path / "old")
    assert bad.value.message == (
        f"the store at {tmp_path / 'old'} has schema version 99; this onevoice reads version 1"
    )


def test_a_file_larger_than_the_memory_limit_streams(tmp_path: Path) -> None:
    """DuckDB spills staging and merge to STORE/tmp past ONEVOICE_MEMORY_LIMIT."""
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as f:
        f.write("post_id,account_id,created_at,lang,text\n")
        for i in range(120_000):
            f.write(f"{i},acct{i % 977},{1700000000 + i},en,post {i} #t{i % 50} {'x' * 250}\n")
    assert big.stat().st_size > 32 << 20
    env = {**os.environ, "ONEVOICE_MEMORY_LIMIT": "32MB"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "onevoice.cli.main",
            "ingest",
            "--store",
            str(tmp_path / "s"),
            "--json",
            str(big),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"posts_added":120000' in proc.stdout
