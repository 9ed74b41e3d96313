"""What a page should say when the store cannot be opened read-only because a job writes.

DuckDB lets one process open a store read-write, or many processes read-only. While a job
writes, a page's read-only open fails:

- from another process (the worker ``onevoice serve`` starts is a child process, and
  ``onevoice worker`` is its own): ``duckdb.IOException`` "Could not set lock on file …
  Conflicting lock is held", which :class:`~onevoice.store.Store` raises as
  :class:`~onevoice.errors.StoreLocked`;
- from the same process (a worker thread, or the ``immediate`` tasks backend):
  ``duckdb.ConnectionException`` "Can't open a connection to same database file with a
  different configuration than existing connections", raised as a plain
  :class:`~onevoice.errors.StoreError` ("cannot open the store at …").

:func:`open_store_read_only` turns both into :class:`StoreBusy`, whose message names the
running job, so every page can show "the store is busy" instead of an error page.

The other way round matters too: while any page holds a read-only handle, a job cannot open
the store read-write (DuckDB's shared file lock), and a busy site could starve it. So the
writer goes first: while a job's row says ``running`` (set before it opens the store),
:func:`open_store_read_only` answers :class:`StoreBusy` without touching the file, and the
job retries its own open for a while (:data:`onevoice.web.jobs.tasks.STORE_WAIT`).
"""

from __future__ import annotations

from pathlib import Path

from onevoice.errors import StoreError, StoreLocked
from onevoice.store import Store

__all__ = ["StoreBusy", "busy_message", "is_busy_error", "open_store_read_only", "running_job"]


class StoreBusy(StoreError):
    """The store is being written (by a job or another program); try again in a moment."""


def running_job() -> int | None:
    """The id of the job now running, or None."""
    from onevoice.web.jobs.models import Job

    pk = (
        Job.objects.filter(status="running").order_by("started_at").values_list("pk", flat=True)
    ).first()
    return None if pk is None else int(pk)


def is_busy_error(exc: StoreError) -> bool:
    """True when ``exc`` means "someone is writing", not "this store is broken"."""
    text = exc.message.lower()
    return isinstance(exc, StoreLocked) or "lock" in text or "different configuration" in text


def busy_message(job: int | None = None) -> str:
    """The text pages show: "The store is busy: a job is writing (job #N); …"."""
    job = job if job is not None else running_job()
    if job is not None:
        return f"The store is busy: a job is writing (job #{job}); try again in a moment."
    return (
        "The store is busy: another program (an onevoice command) is writing to it; "
        "try again in a moment."
    )


def open_store_read_only(path: Path, memory_limit: str = "512MB") -> Store:
    """Open the store at ``path`` read-only for one request.

    Raises:
        StoreBusy: a job or another program is writing to it (see the module docstring).
        StoreError: any other reason it cannot be opened (no store, other schema version).
    """
    job = running_job()
    if job is not None:  # writer first: do not hold a read lock the job is waiting for
        raise StoreBusy(busy_message(job), hint="the page reloads by itself")
    try:
        return Store(path, read_only=True, memory_limit=memory_limit)
    except StoreError as exc:
        if is_busy_error(exc):
            raise StoreBusy(busy_message(), hint="the page reloads by itself") from exc
        raise
