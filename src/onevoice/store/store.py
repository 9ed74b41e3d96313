"""Open, create, query and summarise the analytic store.

The store is a directory holding ``onevoice.duckdb`` (and DuckDB's spill files under
``tmp/`` while a large import runs). One writer at a time: DuckDB holds a file lock, and a
second writer gets :class:`~onevoice.errors.StoreLocked` instead of a corrupt file. Every
import is one transaction, so a process killed half-way leaves the store as it was before
that import began (DuckDB discards the uncommitted tail of its write-ahead log on reopen).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from onevoice.errors import QueryError, SchemaMismatch, StoreError, StoreLocked
from onevoice.store.schema import SCHEMA_VERSION, TABLES_DDL, USER_TABLES

__all__ = ["DEFAULT_STORE", "Store", "StoreInfo"]

DEFAULT_STORE = "onevoice-data"
DB_NAME = "onevoice.duckdb"


@dataclass
class StoreInfo:
    """What :meth:`Store.info` reports."""

    path: str
    schema_version: int
    posts: int
    accounts: int
    imports: int
    rejects: int
    warnings: int
    first_post: datetime | None
    last_post: datetime | None
    per_platform: list[tuple[str, int, int]] = field(default_factory=list)
    per_format: list[tuple[str, int, int]] = field(default_factory=list)
    db_bytes: int = 0
    #: What the analyses left: (what, count, detail), e.g. ("fact-checks", 40, "12 false").
    analysis: list[tuple[str, int, str]] = field(default_factory=list)


class Store:
    """A handle on the analytic store in directory ``path``.

    Args:
        path: the store directory; created (with its tables) when ``read_only`` is false.
        read_only: open for reading only; every write statement then fails. ``onevoice
            query`` uses this, so its SQL cannot change the store.
        memory_limit: DuckDB's memory limit (``"4GB"``); past it, joins and sorts spill to
            ``path/tmp``. Defaults to ``$ONEVOICE_MEMORY_LIMIT`` or ``"4GB"``.

    Raises:
        StoreError: ``read_only`` and there is no store at ``path``.
        StoreLocked: another process has the store open for writing.
        SchemaMismatch: the store has a schema version this release does not read.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_STORE,
        *,
        read_only: bool = False,
        memory_limit: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.db_path = self.path / DB_NAME
        self.read_only = read_only
        if read_only and not self.db_path.exists():
            raise StoreError(
                f"no store at {self.path}",
                hint=f"ingest something first: onevoice ingest --store {self.path} FILE",
            )
        if not read_only:
            try:
                (self.path / "tmp").mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the store at {self.path}: {exc}") from exc
        limit = memory_limit or os.environ.get("ONEVOICE_MEMORY_LIMIT", "4GB")
        config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": limit}
        try:
            self.con = duckdb.connect(str(self.db_path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLocked(
                    f"the store at {self.path} is in use by another process",
                    hint="wait for the other onevoice command to finish",
                ) from exc
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        if not read_only:
            self.con.execute(f"SET temp_directory = '{_sql_str(str(self.path / 'tmp'))}'")
            self._ensure_schema()
        self._check_version()

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (idempotent)."""
        with contextlib.suppress(duckdb.Error):
            self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_schema(self) -> None:
        self.con.execute("BEGIN")
        self.con.execute(TABLES_DDL)
        self.con.execute(
            "INSERT INTO meta SELECT 'schema_version', ? "
            "WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'schema_version')",
            [str(SCHEMA_VERSION)],
        )
        self.con.execute("COMMIT")

    def _check_version(self) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException as exc:
            raise SchemaMismatch(f"{self.db_path} is not a OneVoice store (no meta table)") from exc
        found = int(row[0]) if row else None
        if found != SCHEMA_VERSION:
            raise SchemaMismatch(
                f"the store at {self.path} has schema version {found}; "
                f"this onevoice reads version {SCHEMA_VERSION}",
                hint="use the onevoice release that wrote it, or ingest into a new store",
            )

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    # -- reading ---------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run SQL on the store's connection (library use; the CLI goes through query)."""
        return self.con.execute(sql, params or [])

    def query(
        self, sql: str, params: Sequence[Any] | None = None, *, batch: int = 10_000
    ) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
        """Run one SQL statement and return its column names and a row iterator.

        Rows are fetched ``batch`` at a time, so a large result streams. On a read-only
        store any write is refused.

        Raises:
            QueryError: syntax errors, unknown tables or columns, attempted writes.
        """
        try:
            cur = self.con.execute(sql, params or [])
        except duckdb.Error as exc:
            msg = str(exc).strip().splitlines()[0]
            hint = f"the tables are: {', '.join(USER_TABLES)}"
            if self.read_only and ("read-only" in msg or "read only" in msg):
                hint = "onevoice query is read-only; the store changes only through onevoice"
            raise QueryError(msg, hint=hint) from exc
        names = [d[0] for d in (cur.description or [])]

        def rows() -> Iterator[tuple[Any, ...]]:
            while True:
                chunk = cur.fetchmany(batch)
                if not chunk:
                    return
                yield from chunk

        return names, rows()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    def info(self) -> StoreInfo:
        """Summarise the store: counts, time span, posts per platform and per format."""
        c = self.con
        first, last = c.execute(
            "SELECT min(created_at), max(created_at) FROM posts"
        ).fetchone() or (
            None,
            None,
        )
        per_platform = c.execute(
            "SELECT platform, count(*), count(DISTINCT account_id) FROM posts "
            "GROUP BY platform ORDER BY count(*) DESC, platform"
        ).fetchall()
        per_format = c.execute(
            "SELECT format, count(*), sum(posts_added) FROM imports GROUP BY format ORDER BY format"
        ).fetchall()
        return StoreInfo(
            path=str(self.path),
            schema_version=SCHEMA_VERSION,
            posts=self.scalar("SELECT count(*) FROM posts"),
            accounts=self.scalar("SELECT count(*) FROM accounts"),
            imports=self.scalar("SELECT count(*) FROM imports"),
            rejects=self.scalar("SELECT count(*) FROM rejects WHERE severity = 'error'"),
            warnings=self.scalar("SELECT count(*) FROM rejects WHERE severity = 'warning'"),
            first_post=first,
            last_post=last,
            per_platform=[(str(p), int(n), int(a)) for p, n, a in per_platform],
            per_format=[(str(f), int(n), int(a or 0)) for f, n, a in per_format],
            db_bytes=self.db_path.stat().st_size if self.db_path.exists() else 0,
            analysis=self._analysis(),
        )

    def _analysis(self) -> list[tuple[str, int, str]]:
        """Counts of the newest results of detect, claims and alerts."""
        out: list[tuple[str, int, str]] = []
        n = int(self.scalar("SELECT count(*) FROM factchecks"))
        if n:
            ratings = self.con.execute(
                "SELECT rating, count(*) FROM factchecks GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall()
            out.append(("fact-checks", n, ", ".join(f"{c:,} {r}" for r, c in ratings)))
        newest = (
            "(SELECT run_id FROM {t} WHERE finished_at IS NOT NULL "
            "ORDER BY started_at DESC, run_id DESC LIMIT 1)"
        )
        n = int(
            self.scalar(
                "SELECT count(*) FROM networks WHERE run_id = " + newest.format(t="detect_runs")
            )
        )
        if n:
            out.append(("networks", n, "newest detect run"))
        n = int(
            self.scalar(
                "SELECT count(DISTINCT post_id) FROM matches WHERE run_id = "
                + newest.format(t="match_runs")
            )
        )
        if n:
            confirmed = int(
                self.scalar("SELECT count(*) FROM match_reviews WHERE status = 'confirmed'")
            )
            out.append(("matched posts", n, f"newest match run; {confirmed:,} confirmed"))
        n = int(
            self.scalar(
                "SELECT count(*) FROM narratives WHERE run_id = (SELECT run_id FROM narratives "
                "GROUP BY run_id ORDER BY max(window_end) DESC, run_id DESC LIMIT 1)"
            )
        )
        if n:
            out.append(("narratives", n, "newest run"))
        row = self.con.execute(
            "SELECT count(*), count(*) FILTER (ongoing) FROM alerts WHERE run_id = (SELECT "
            "run_id FROM alerts GROUP BY run_id ORDER BY max(raised_at) DESC, run_id DESC "
            "LIMIT 1)"
        ).fetchall()
        if row and row[0][0]:
            out.append(("alerts", int(row[0][0]), f"{int(row[0][1]):,} ongoing"))
        return out


def _sql_str(s: str) -> str:
    return s.replace("'", "''")
