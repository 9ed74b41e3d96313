"""The staging area a format reader writes into during one import.

A reader never touches the store's tables. It hands the :class:`Stage` either mapped records
(``add``: one dict per post, keys from :data:`~onevoice.store.schema.STAGE_COLUMNS`) or whole
Arrow batches with a SQL projection (``add_arrow``), and reports what it could not read
(``reject``). Everything lands in a staging table inside the import's transaction;
:mod:`onevoice.ingest.finish` then normalises it into ``posts`` and ``accounts``.

Extending: a new format is a module with ``NAME``, ``DESCRIPTION``, ``sniff(sample) -> bool``
and ``read(source, stage) -> None`` (see :mod:`onevoice.ingest.formats`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from onevoice.store.schema import STAGE_COLUMNS

__all__ = ["Stage", "excerpt", "stage_arrow_schema"]

_ARROW_TYPES: dict[str, pa.DataType] = {
    "BIGINT": pa.int64(),
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "VARCHAR[]": pa.list_(pa.string()),
}


def stage_arrow_schema() -> pa.Schema:
    """The Arrow schema matching the staging table."""
    return pa.schema([pa.field(name, _ARROW_TYPES[t]) for name, t in STAGE_COLUMNS.items()])


_SCHEMA = stage_arrow_schema()
EXCERPT_CHARS = 200


def excerpt(value: Any) -> str | None:
    """The first 200 characters of an offending input, for the ``rejects`` table."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        value = orjson.dumps(value, default=str).decode()
    text = str(value).rstrip("\r\n")
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


class Stage:
    """Collects one import's records in a staging table of the store.

    Args:
        con: the store connection, inside the import's transaction.
        table: the staging table's name.
        source_name: the file name shown in reject reasons.
        batch_size: records buffered before a write. Results do not depend on it (tested).
        on_progress: called after each write, for the progress bar.

    Attributes:
        opaque_entities: a reader sets it when the format's URLs, hashtags, domains and
            media ids are anonymised identifiers (CooRTweet): they are then kept as given
            instead of being normalised.
        records_read: records (lines, rows, messages) looked at, kept or not.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        source_name: str,
        *,
        batch_size: int = 20_000,
        on_progress: Callable[[], None] | None = None,
    ) -> None:
        self.con = con
        self.table = table
        self.source_name = source_name
        self.batch_size = batch_size
        self.opaque_entities = False
        self.records_read = 0
        self.errors = 0
        self.warnings = 0
        self._rows: list[dict[str, Any]] = []
        self._rejects: list[tuple[int | None, str, str, str | None]] = []
        self._on_progress = on_progress
        cols = ", ".join(f"{n} {t}" for n, t in STAGE_COLUMNS.items())
        # TEMP: held in memory, spilled to the store's tmp/ past the memory limit, never
        # written to the database file (so a crash cannot leave it behind).
        con.execute(f"CREATE TEMP TABLE {table} ({cols})")
        con.execute(
            f"CREATE TEMP TABLE {table}_rejects (line BIGINT, severity VARCHAR, reason VARCHAR, "
            "excerpt VARCHAR)"
        )

    @property
    def arrow_batch_size(self) -> int:
        """Rows per :meth:`add_arrow` call for columnar readers: five times ``batch_size``,
        since a row of text columns is far smaller than a mapped record with its raw JSON,
        and each SQL statement has a fixed cost."""
        return 5 * self.batch_size

    # -- records ---------------------------------------------------------------------------
    def add(self, row: dict[str, Any]) -> None:
        """Stage one mapped post (a dict with ``source_line``, ``platform``, ``native_id``,
        ``created_at`` and any other staging column)."""
        self.records_read += 1
        self._rows.append(row)
        if len(self._rows) >= self.batch_size:
            self.flush()

    def add_arrow(
        self, batch: pa.Table | pa.RecordBatch, select_sql: str, reject_sql: str | None = None
    ) -> None:
        """Stage a whole Arrow batch through SQL.

        ``batch`` is visible to the SQL as the relation ``batch``. ``select_sql`` selects
        staging columns by name (missing ones are NULL); ``reject_sql``, if given, selects
        ``line, reason, excerpt`` for the rows ``select_sql`` leaves out.
        """
        self.flush()
        self.records_read += batch.num_rows
        self.con.register("batch", batch)
        try:
            row = self.con.execute(f"INSERT INTO {self.table} BY NAME {select_sql}").fetchone()
            staged = int(row[0]) if row else 0
            if reject_sql and staged < batch.num_rows:
                n = self.con.execute(
                    f"INSERT INTO {self.table}_rejects SELECT line, 'error', reason, "
                    f"excerpt FROM ({reject_sql}) RETURNING 1"
                ).fetchall()
                self.errors += len(n)
        finally:
            self.con.unregister("batch")
        self._progress()

    def reject(
        self, line: int | None, reason: str, raw: Any = None, *, severity: str = "error"
    ) -> None:
        """Report a record that cannot be read (``error``: dropped) or a value that was
        dropped from a kept record (``warning``). ``reason`` must not repeat the file or
        line: the report adds both."""
        if severity == "error":
            self.records_read += 1
            self.errors += 1
        else:
            self.warnings += 1
        self._rejects.append((line, severity, reason, excerpt(raw)))
        if len(self._rejects) >= self.batch_size:
            self._flush_rejects()

    # -- writing ---------------------------------------------------------------------------
    def flush(self) -> None:
        """Write buffered records and rejects to the staging tables."""
        if self._rows:
            table = pa.Table.from_pylist(self._rows, schema=_SCHEMA)
            self._rows = []
            self.con.register("stage_rows", table)
            try:
                self.con.execute(f"INSERT INTO {self.table} SELECT * FROM stage_rows")
            finally:
                self.con.unregister("stage_rows")
            self._progress()
        self._flush_rejects()

    def _flush_rejects(self) -> None:
        if self._rejects:
            lines, severities, reasons, excerpts = zip(*self._rejects, strict=True)
            table = pa.table(
                {
                    "line": pa.array(lines, pa.int64()),
                    "severity": pa.array(severities, pa.string()),
                    "reason": pa.array(reasons, pa.string()),
                    "excerpt": pa.array(excerpts, pa.string()),
                }
            )
            self._rejects = []
            self.con.register("stage_rejects", table)
            try:
                self.con.execute(f"INSERT INTO {self.table}_rejects SELECT * FROM stage_rejects")
            finally:
                self.con.unregister("stage_rejects")

    def _progress(self) -> None:
        if self._on_progress is not None:
            self._on_progress()

    def reset(self) -> None:
        """Forget everything staged so far (a reader starting the file over)."""
        self._rows = []
        self._rejects = []
        self.records_read = self.errors = self.warnings = 0
        self.con.execute(f"DELETE FROM {self.table}")
        self.con.execute(f"DELETE FROM {self.table}_rejects")

    def drop(self) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.con.execute(f"DROP TABLE IF EXISTS {self.table}_rejects")
