"""One import: sniff, stage, normalise and commit a file as a single transaction."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import duckdb

from onevoice import __version__
from onevoice.errors import StoreError
from onevoice.ingest.finish import finish_import
from onevoice.ingest.formats import detect_format, get_format
from onevoice.ingest.source import Source, open_source
from onevoice.ingest.stage import Stage
from onevoice.store import Store

__all__ = ["ImportResult", "ingest_file", "ingest_files"]

#: Called with (bytes consumed, bytes in total, phase) during an import; phase is
#: "reading" while the file is staged, then "normalising" while it is merged into the store.
ProgressCallback = Callable[[int, int, str], None]


@dataclass
class ImportResult:
    """What one import did."""

    import_id: str
    source_file: str
    format: str
    records_read: int
    posts_added: int
    posts_known: int
    accounts_added: int
    rejected: int
    warnings: int
    rejects: list[tuple[int | None, str, str]] = field(default_factory=list)


def _import_id(store: Store, sha256: str) -> str:
    seq = store.scalar("SELECT count(*) FROM imports") + 1
    return f"{seq:06d}-{sha256[:12]}"


def ingest_file(
    store: Store,
    name: str,
    *,
    format: str | None = None,
    batch_size: int = 20_000,
    progress: ProgressCallback | None = None,
    max_reported: int = 1000,
) -> ImportResult:
    """Ingest one file (or ``-`` for stdin) into ``store`` as one transaction.

    Args:
        store: an open, writable store.
        name: a path, or ``-`` for standard input.
        format: a format name; ``None`` detects it from the content.
        batch_size: records per staging write (results do not depend on it).
        progress: called with (bytes read, total bytes, phase) as the import goes on.
        max_reported: how many reject reasons to return in the result (all are stored).

    Returns:
        the counts, and the first ``max_reported`` rejects as (line, severity, reason).

    Raises:
        UnreadableInput, UnknownFormat, MissingColumns: the file cannot be used at all;
            nothing is written.
    """
    if store.read_only:
        raise StoreError("the store is open read-only")
    source = open_source(name, spool_dir=store.path / "tmp")
    try:
        module = get_format(format) if format else detect_format(source.sample())
        return _run(store, source, module, batch_size, progress, max_reported)
    finally:
        if name == "-":
            source.path.unlink(missing_ok=True)


def _run(
    store: Store,
    source: Source,
    module: ModuleType,
    batch_size: int,
    progress: ProgressCallback | None,
    max_reported: int,
) -> ImportResult:
    con = store.con
    started = datetime.now(UTC)
    import_id = _import_id(store, source.sha256)
    table = f"ov_stage_{import_id.replace('-', '_')}"
    fault_after = int(os.environ.get("ONEVOICE_FAULT_AFTER_BATCHES", "0") or 0)
    writes = 0

    def on_write() -> None:
        nonlocal writes
        writes += 1
        if progress is not None:
            progress(source.position(), source.size, "reading")
        if fault_after and writes >= fault_after:
            # Test hook: die like `kill -9` would, half-way through an import.
            os.kill(os.getpid(), signal.SIGKILL)

    con.execute("BEGIN TRANSACTION")
    try:
        stage = Stage(con, table, source.name, batch_size=batch_size, on_progress=on_write)
        module.read(source, stage)
        stage.flush()
        if progress is not None:
            progress(source.size, source.size, "normalising")
        counts = finish_import(
            con,
            table,
            import_id=import_id,
            source_file=source.name,
            source_format=module.NAME,
            tool_version=f"onevoice {__version__}",
            opaque=stage.opaque_entities,
        )
        con.execute(
            f"""
            INSERT INTO rejects
            SELECT ?, ?, line, severity, reason, excerpt FROM {table}_rejects
            ORDER BY severity, line
        """,
            [import_id, source.name],
        )
        errors, warnings = con.execute(
            f"SELECT count(*) FILTER (WHERE severity = 'error'), "
            f"count(*) FILTER (WHERE severity = 'warning') FROM {table}_rejects"
        ).fetchone() or (0, 0)
        reported = con.execute(
            f"SELECT line, severity, reason FROM {table}_rejects "
            f"ORDER BY line NULLS FIRST, severity, reason LIMIT {int(max_reported)}"
        ).fetchall()
        stage.drop()
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                source.name if source.name == "<stdin>" else str(Path(source.name)),
                source.sha256,
                source.size,
                module.NAME,
                f"onevoice {__version__}",
                started,
                stage.records_read,
                counts["posts_added"],
                counts["posts_known"],
                counts["accounts_added"],
                errors,
                warnings,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    return ImportResult(
        import_id=import_id,
        source_file=source.name,
        format=module.NAME,
        records_read=stage.records_read,
        posts_added=counts["posts_added"],
        posts_known=counts["posts_known"],
        accounts_added=counts["accounts_added"],
        rejected=int(errors),
        warnings=int(warnings),
        rejects=[(line, sev, reason) for line, sev, reason in reported],
    )


def ingest_files(
    store: Store,
    names: list[str],
    *,
    format: str | None = None,
    batch_size: int = 20_000,
    progress: ProgressCallback | None = None,
) -> list[ImportResult]:
    """Ingest several files, each as its own transaction.

    Stops at the first file that cannot be used at all (an
    :class:`~onevoice.errors.InputError`); the files before it stay ingested.
    """
    return [
        ingest_file(store, name, format=format, batch_size=batch_size, progress=progress)
        for name in names
    ]
