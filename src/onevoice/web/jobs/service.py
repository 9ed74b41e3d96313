"""Starting jobs and describing them: what the pages and the API both call.

``start_*`` create the :class:`Job` row, then enqueue :func:`~onevoice.web.jobs.tasks.run_job`
on the configured django-tasks backend (the database queue by default, which
``onevoice worker`` empties one job at a time). :func:`job_out` is the one description of a
job that the HTML templates and the JSON API share.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from pydantic import BaseModel

from onevoice.errors import UsageError
from onevoice.web.jobs.models import Job, Upload
from onevoice.web.jobs.uploads import StreamedUpload, keep_upload

__all__ = [
    "STALE_QUEUE_SECONDS",
    "JobOut",
    "UploadOut",
    "job_out",
    "start_detect",
    "start_job",
    "start_match",
    "start_upload",
]

#: A job queued for longer than this gets a hint that no worker may be running.
STALE_QUEUE_SECONDS = 30


class UploadOut(BaseModel):
    id: int
    original_name: str
    size: int
    sha256: str
    format: str
    format_detected: bool
    created_at: datetime


class ProgressOut(BaseModel):
    done: int
    total: int | None
    percent: int | None
    message: str


class ErrorOut(BaseModel):
    message: str
    hint: str | None = None


class JobOut(BaseModel):
    id: int
    kind: str
    description: str
    status: str
    params: dict[str, Any]
    created_at: datetime
    created_by: str | None
    started_at: datetime | None
    finished_at: datetime | None
    progress: ProgressOut
    result: dict[str, Any]
    error: ErrorOut | None
    #: set while a job waits longer than expected (no worker running?)
    notice: str | None = None
    task_id: str
    upload: UploadOut | None = None


def job_out(job: Job) -> JobOut:
    """The page's and the API's view of ``job``."""
    notice = None
    if job.status == "queued":
        waited = (timezone.now() - job.created_at).total_seconds()
        if waited > STALE_QUEUE_SECONDS:
            notice = (
                f"waiting for {int(waited)} s: is a worker running? Start one with "
                "'onevoice worker' ('onevoice serve' starts one unless --no-worker)"
            )
    up = job.upload
    return JobOut(
        id=job.pk,
        kind=job.kind,
        description=job.describe(),
        status=job.status,
        params=job.params or {},
        created_at=job.created_at,
        created_by=job.created_by.get_username() if job.created_by else None,
        started_at=job.started_at,
        finished_at=job.finished_at,
        progress=ProgressOut(
            done=job.progress_done,
            total=job.progress_total,
            percent=job.percent,
            message=job.progress_message,
        ),
        result=job.result or {},
        error=ErrorOut(message=job.error, hint=job.hint or None) if job.error else None,
        notice=notice,
        task_id=job.task_id,
        upload=UploadOut(
            id=up.pk,
            original_name=up.original_name,
            size=up.size,
            sha256=up.sha256,
            format=up.format,
            format_detected=up.format_detected,
            created_at=up.created_at,
        )
        if up is not None
        else None,
    )


def start_job(kind: str, params: dict[str, Any], user: Any, upload: Upload | None = None) -> Job:
    """Create the job's row and enqueue it; return the row as it is after enqueueing.

    With the ``immediate`` backend the job has already run when this returns.
    """
    from onevoice.web.jobs.tasks import run_job

    job = Job.objects.create(kind=kind, params=params, created_by=user, upload=upload)
    result = run_job.enqueue(job.pk)
    # only the id: with the immediate backend the task has already written the rest
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    started: Job = job
    return started


def start_upload(file: StreamedUpload, fmt: str, user: Any) -> tuple[Upload, Job]:
    """Keep an uploaded export (format checked) and start its ingest job.

    Raises:
        UploadRefused, UsageError, InputError: see :func:`~.uploads.keep_upload`.
    """
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    kept = keep_upload(file, fmt, prefix=f"{stamp}-{file.sha256[:12]}")
    upload = Upload.objects.create(
        created_by=user,
        original_name=(file.name or "upload")[:255],
        stored_path=str(kept.path),
        size=kept.size,
        sha256=kept.sha256,
        format=kept.format,
        format_detected=kept.detected,
    )
    job = start_job("ingest", {"format": kept.format, "upload": upload.pk}, user, upload)
    return upload, job


def start_detect(kinds: list[str], window: str, min_weight: str, user: Any) -> Job:
    """Start a detection job; the parameters are checked first, as the CLI checks them.

    Raises:
        UsageError: an unknown kind, a bad window or threshold.
    """
    from onevoice.web.jobs.tasks import detect_params

    params = {"kinds": list(kinds), "window": window.strip(), "min_weight": min_weight.strip()}
    checked = detect_params(params)
    for _kind, value in (("", checked.min_weight), *checked.kind_min_weight):
        _check_weight(value)
    return start_job("detect", params, user)


def _check_weight(value: float | str) -> None:
    text = str(value).strip().lower()
    try:
        ok = 0 < float(text[1:]) < 1 if text.startswith("q") else float(text) > 0
    except ValueError:
        ok = False
    if not ok:
        raise UsageError(f"bad min weight '{value}'", hint="a number such as 2, or q0.95")


def start_match(top: int, min_score: float | None, dense: bool, user: Any) -> Job:
    """Start a claim-matching job (``onevoice claims match``).

    Raises:
        UsageError: ``top`` below 1 or ``min_score`` outside 0..1.
    """
    if top < 1 or (min_score is not None and not 0 <= min_score <= 1):
        raise UsageError("top must be at least 1 and min score within 0..1")
    return start_job("match", {"top": top, "min_score": min_score, "dense": dense}, user)
