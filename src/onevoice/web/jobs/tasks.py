"""The background task: run one :class:`~onevoice.web.jobs.models.Job` with the library.

``run_job`` is a django-tasks task. It calls the same library functions as the CLI
(:func:`onevoice.ingest.ingest_file` like ``onevoice ingest``,
:func:`onevoice.detect.run.detect` like ``onevoice detect``,
:func:`onevoice.claims.run.match_store` like ``onevoice claims match``) and writes the job's
row as it goes: ``running`` with progress (throttled to a few writes a second), then ``done``
with a result summary or ``failed`` with the error's message and hint.

One job at a time: DuckDB lets one process write a store, so every job takes an exclusive
file lock (``STORE/.jobs.lock``) before it opens the store, whatever worker runs it. If
another program (the CLI) holds the store, the job waits up to :data:`STORE_WAIT` seconds
and then fails with a hint. A deliberate library error (:class:`~onevoice.errors.OneVoiceError`)
ends the job as ``failed``; anything else is also logged and re-raised, so the django-tasks
result records the traceback.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from onevoice.errors import InputError, OneVoiceError, StoreLocked, UsageError
from onevoice.store import Store
from onevoice.web.jobs.models import Job

__all__ = ["SHOWN_REJECTS", "STORE_WAIT", "JobProgress", "job_lock", "run_job"]

log = logging.getLogger(__name__)

#: Seconds a job waits for a store another program holds before it gives up.
STORE_WAIT = 30.0
#: Rejected records listed in an ingest job's result (all stay in the store's rejects table).
SHOWN_REJECTS = 20


class JobProgress:
    """A ``progress(done, total, phase)`` callback that writes the job's row, throttled."""

    def __init__(self, job_id: int, every: float = 0.5) -> None:
        self.job_id = job_id
        self.every = every
        self._last = 0.0
        self._phase = ""

    def __call__(self, done: int, total: int | None, phase: str) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if phase == self._phase and not final and now - self._last < self.every:
            return
        self._last, self._phase = now, phase
        Job.objects.filter(pk=self.job_id).update(
            progress_done=done, progress_total=total, progress_message=phase[:200]
        )


@contextlib.contextmanager
def job_lock(store_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the store's job lock (an exclusive ``flock``), waiting for it if need be."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / ".jobs.lock", "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _open_store(store_dir: Path, progress: JobProgress) -> Store:
    deadline = time.monotonic() + STORE_WAIT
    while True:
        try:
            return Store(store_dir)
        except StoreLocked as exc:
            if time.monotonic() >= deadline:
                raise StoreLocked(
                    f"the store at {store_dir} stayed in use by another program",
                    hint="an onevoice command (ingest, detect, claims) may be writing to it; "
                    "run this job again when it has finished",
                ) from exc
            progress(0, None, "waiting for the store: another program is using it")
            time.sleep(0.2)


def _need_store(store_dir: Path) -> None:
    if not (store_dir / "onevoice.duckdb").exists():
        raise InputError(
            f"there is no store at {store_dir} yet",
            hint="upload an export first: its ingest job creates the store",
        )


def _ingest(job: Job, store_dir: Path, progress: JobProgress) -> dict[str, Any]:
    from onevoice.ingest import ingest_file

    upload = job.upload
    if upload is None or not Path(upload.stored_path).exists():
        raise InputError(
            "the uploaded file is gone from the upload folder",
            hint="upload the export again",
        )
    fmt = job.params.get("format") or None
    with _open_store(store_dir, progress) as store:
        r = ingest_file(store, upload.stored_path, format=fmt, progress=progress)
        reasons = store.execute(
            "SELECT severity, reason, count(*) FROM rejects WHERE import_id = ?"
            " GROUP BY ALL ORDER BY 3 DESC, 2 LIMIT 10",
            [r.import_id],
        ).fetchall()
    shown = [
        {"file": upload.original_name, "line": line, "severity": sev, "reason": reason}
        for line, sev, reason in r.rejects[:SHOWN_REJECTS]
    ]
    return {
        "import_id": r.import_id,
        "file": upload.original_name,
        "format": r.format,
        "records_read": r.records_read,
        "posts_added": r.posts_added,
        "posts_known": r.posts_known,
        "accounts_added": r.accounts_added,
        "rejected": r.rejected,
        "warnings": r.warnings,
        "rejects": shown,
        "rejects_more": max(0, r.rejected + r.warnings - len(shown)),
        "reject_reasons": [
            {"severity": sev, "reason": reason, "count": int(n)} for sev, reason, n in reasons
        ],
    }


def detect_params(params: dict[str, Any]) -> Any:
    """The :class:`~onevoice.detect.params.DetectParams` of a detect job (as the CLI parses).

    ``window`` is seconds or ``auto``; ``min_weight`` is ``2``, ``q0.95`` or a
    comma-separated list with ``KIND=N`` items.

    Raises:
        UsageError: an unknown kind, or a window that is neither a number nor ``auto``.
    """
    from onevoice.detect.kinds import KINDS
    from onevoice.detect.params import DetectParams

    kinds = tuple(params.get("kinds") or DetectParams.kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise UsageError(
            f"unknown coordination kind {', '.join(unknown)}", hint=f"kinds: {', '.join(KINDS)}"
        )
    raw_window = str(params.get("window") or "60").strip()
    window: float | str = raw_window
    with contextlib.suppress(ValueError):
        window = float(raw_window)
    if isinstance(window, str) and window.lower() != "auto":
        raise UsageError(f"bad window '{raw_window}'", hint="seconds, such as 60, or auto")
    overall: float | str = "2"
    per_kind: list[tuple[str, float | str]] = []
    for item in str(params.get("min_weight") or "2").split(","):
        if "=" in item:
            kind, _, w = item.partition("=")
            per_kind.append((kind.strip(), w.strip()))
        elif item.strip():
            overall = item.strip()
    return DetectParams(
        kinds=kinds, window=window, min_weight=overall, kind_min_weight=tuple(per_kind)
    )


def _detect(job: Job, store_dir: Path, progress: JobProgress) -> dict[str, Any]:
    from onevoice.detect.run import detect

    params = detect_params(job.params)
    _need_store(store_dir)
    with _open_store(store_dir, progress) as store:
        progress(0, None, f"detecting {', '.join(params.kinds)}")
        r = detect(store, params)
    progress(1, 1, "done")
    return {
        "run_id": r.run_id,
        "networks": r.networks,
        "kinds": [
            {"kind": k.kind, "window": k.window, "min_weight": k.min_weight, "edges": k.edges}
            for k in r.kinds
        ],
    }


def _match(job: Job, store_dir: Path, progress: JobProgress) -> dict[str, Any]:
    from onevoice.claims.match import MIN_SCORE
    from onevoice.claims.run import match_store

    p = job.params
    _need_store(store_dir)
    with _open_store(store_dir, progress) as store:
        r = match_store(
            store,
            top=int(p.get("top") or 5),
            min_score=float(p["min_score"]) if p.get("min_score") is not None else MIN_SCORE,
            dense=bool(p.get("dense", True)),
            progress=progress,
        )
    return {
        "run_id": r.run_id,
        "posts": r.posts,
        "distinct_texts": r.distinct_texts,
        "matched_posts": r.matched_posts,
        "suggestions": r.suggestions,
        "seconds": round(r.timings.get("total", 0.0), 2),
    }


RUNNERS: dict[str, Callable[[Job, Path, JobProgress], dict[str, Any]]] = {
    "ingest": _ingest,
    "detect": _detect,
    "match": _match,
}


def _finish(job_id: int, **fields: Any) -> None:
    Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)


@task()
def run_job(job_id: int) -> dict[str, Any]:
    """Run job ``job_id`` and record its progress and outcome in its row."""
    job = Job.objects.select_related("upload").get(pk=job_id)
    progress = JobProgress(job_id)
    store = settings.ONEVOICE_STORE
    try:
        if store is None:
            raise UsageError(
                "no analytic store is configured",
                hint="start the application with a store: onevoice serve --store DIR",
            )
        store_dir = Path(store)

        def waiting() -> None:
            progress(0, None, "waiting for the job before it to finish")

        with job_lock(store_dir, on_wait=waiting):
            Job.objects.filter(pk=job_id).update(
                status="running", started_at=timezone.now(), progress_message="starting"
            )
            result = RUNNERS[job.kind](job, store_dir, progress)
    except OneVoiceError as exc:
        _finish(job_id, status="failed", error=exc.message, hint=exc.hint or "")
        return {"job": job_id, "status": "failed", "error": exc.message}
    except Exception as exc:
        log.exception("job #%s (%s) failed", job_id, job.kind)
        _finish(
            job_id,
            status="failed",
            error=f"internal error: {type(exc).__name__}: {exc}",
            hint="the worker's log has the details; tell an admin if it happens again",
        )
        raise
    done = Job.objects.filter(pk=job_id).values_list("progress_total", flat=True).first()
    _finish(
        job_id,
        status="done",
        result=result,
        progress_done=done or 1,
        progress_total=done or 1,
        progress_message="done",
    )
    return {"job": job_id, "status": "done"}


def reconcile_stale_jobs(store_dir: Path | None) -> int:
    """Mark as failed the jobs left ``running`` by a worker that stopped; return how many.

    Called when a worker starts: if nobody holds the store's job lock, no job is running,
    so a ``running`` row is a leftover of a killed worker.
    """
    if store_dir is None or not store_dir.exists():
        return 0
    with open(store_dir / ".jobs.lock", "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0
        try:
            return int(
                Job.objects.filter(status="running").update(
                    status="failed",
                    finished_at=timezone.now(),
                    error="the worker stopped while this job was running",
                    hint="run the job again; an interrupted job changes nothing in the store",
                )
            )
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
