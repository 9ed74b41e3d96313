"""``onevoice ingest``: progress on stderr, a summary per file, rejects with file:line."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click
import orjson

from onevoice.errors import RejectedRecords
from onevoice.ingest import ImportResult, ingest_file
from onevoice.store import Store

#: Files at least this large get a progress bar on a terminal.
PROGRESS_BYTES = 16 << 20
SHOWN_REJECTS = 10


def _progress_wanted(progress: bool | None, name: str) -> bool:
    if progress is not None:
        return progress
    if not sys.stderr.isatty():
        return False
    try:
        return name == "-" or Path(name).stat().st_size >= PROGRESS_BYTES
    except OSError:
        return False


def run_ingest(
    store_dir: str,
    files: list[str],
    fmt: str | None,
    strict: bool,
    progress: bool | None,
    batch_size: int,
    as_json: bool,
) -> None:
    total_rejected = 0
    with Store(store_dir) as store:
        for name in files:
            result = _one(store, name, fmt, batch_size, _progress_wanted(progress, name))
            total_rejected += result.rejected
            _report(result, store_dir)
            if as_json:
                record = asdict(result)
                record.pop("rejects")
                sys.stdout.write(orjson.dumps(record).decode() + "\n")
                sys.stdout.flush()
    if strict and total_rejected:
        raise RejectedRecords(
            f"{total_rejected} record{'s' if total_rejected != 1 else ''} rejected (--strict)",
            hint=f"see them with: onevoice query --store {store_dir} "
            "\"SELECT source_file, line, reason FROM rejects WHERE severity = 'error'\"",
        )


def _one(store: Store, name: str, fmt: str | None, batch_size: int, bar: bool) -> ImportResult:
    if not bar:
        return ingest_file(store, name, format=fmt, batch_size=batch_size)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar_:
        label = Path(name).name if name != "-" else "<stdin>"
        task = bar_.add_task(f"{label} · reading", total=None)

        def tick(done: int, total: int, phase: str) -> None:
            bar_.update(task, completed=done, total=total, description=f"{label} · {phase}")

        return ingest_file(store, name, format=fmt, batch_size=batch_size, progress=tick)


def _report(r: ImportResult, store_dir: str) -> None:
    def n(k: int, word: str) -> str:
        return f"{k:,} {word}{'' if k == 1 else 's'}"

    click.echo(
        f"{r.source_file}: {r.format}, {n(r.records_read, 'record')} read, "
        f"{n(r.posts_added, 'post')} added, {r.posts_known:,} already in the store, "
        f"{n(r.accounts_added, 'new account')}, {r.rejected:,} rejected, "
        f"{n(r.warnings, 'warning')}",
        err=True,
    )
    shown = 0
    for line, severity, reason in r.rejects:
        if shown == SHOWN_REJECTS:
            break
        where = f"{r.source_file}:{line}" if line is not None else r.source_file
        label = "warning" if severity == "warning" else "rejected"
        click.echo(f"  {where}: {label}: {reason}", err=True)
        shown += 1
    more = r.rejected + r.warnings - shown
    if more > 0:
        click.echo(
            f"  … and {more:,} more: onevoice query --store {store_dir} "
            f"\"SELECT line, severity, reason FROM rejects WHERE import_id = '{r.import_id}'\"",
            err=True,
        )
