"""JSON twins of the upload and job pages (mounted at ``/api/jobs``).

=============================== ==============================================================
``GET /api/jobs``               twin of ``/jobs/``: the newest jobs, and the one running
``GET /api/jobs/{id}``          twin of ``/jobs/{id}/``: one job's progress, result or error
``POST /api/jobs/upload``       multipart ``file`` (+ ``format``, default ``auto``): keep the
                                export and start its ingest job (201; 413 past the size limit;
                                400 for an empty file or an unknown format)
``POST /api/jobs/detect``       JSON ``{kinds, window, min_weight}``: start a detection job
``POST /api/jobs/match``        JSON ``{top, min_score, dense}``: start claim matching
=============================== ==============================================================

Analysts and admins only (401 anonymous, 403 other roles); POSTs need the CSRF token in
the ``X-CSRFToken`` header, like every unsafe call of this API.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

router = Router(tags=["jobs"])

# after ``router``: onevoice.web.api imports this module to mount it
from onevoice.errors import OneVoiceError  # noqa: E402
from onevoice.web.api import ErrorBody, RoleSessionAuth, error_response  # noqa: E402
from onevoice.web.audit.models import audit  # noqa: E402
from onevoice.web.jobs.models import Job  # noqa: E402
from onevoice.web.jobs.service import (  # noqa: E402
    JobOut,
    UploadOut,
    job_out,
    start_detect,
    start_match,
    start_upload,
)
from onevoice.web.jobs.storeaccess import running_job  # noqa: E402
from onevoice.web.jobs.uploads import StreamedUpload, upload_refusal  # noqa: E402
from onevoice.web.jobs.views import JOB_ROLES, recent_jobs  # noqa: E402

_AUTH = RoleSessionAuth(*JOB_ROLES)
_ERRORS: dict[int, Any] = {401: ErrorBody, 403: ErrorBody}
_START_ERRORS: dict[int, Any] = {400: ErrorBody, **_ERRORS}


class JobList(Schema):
    running: int | None
    jobs: list[JobOut]


class UploadStarted(Schema):
    upload: UploadOut
    job: JobOut


class DetectIn(Schema):
    kinds: list[str] = ["co-link", "co-repost"]
    window: str = "60"
    min_weight: str = "2"


class MatchIn(Schema):
    top: int = 5
    min_score: float | None = None
    dense: bool = True


def _failed(exc: OneVoiceError, status: int = 400) -> HttpResponse:
    return error_response(status, exc.message, exc.hint)


@router.get("", response={200: JobList, **_ERRORS}, auth=_AUTH, summary="The newest jobs")
def jobs(request: HttpRequest) -> JobList:
    """Twin of ``/jobs/``; ``running`` is the id of the job writing the store now."""
    audit(request, "view", "jobs", via="api")
    return JobList(running=running_job(), jobs=[job_out(j) for j in recent_jobs()])


@router.get(
    "/{int:job_id}",
    response={200: JobOut, 404: ErrorBody, **_ERRORS},
    auth=_AUTH,
    summary="One job: progress, result or error",
)
def job(request: HttpRequest, job_id: int) -> JobOut:
    """Twin of ``/jobs/{id}/``."""
    row = get_object_or_404(Job.objects.select_related("upload", "created_by"), pk=job_id)
    audit(request, "view", "job", row.pk, kind=row.kind, via="api")
    return job_out(row)


@router.post(
    "/upload",
    response={201: UploadStarted, 413: ErrorBody, **_START_ERRORS},
    auth=_AUTH,
    summary="Upload an export (multipart) and start its ingest job",
)
def upload(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    format: Form[str] = "auto",
) -> Any:
    """Keep the file (streamed to disk, format checked) and queue its ingest."""
    refused = upload_refusal(request)
    if refused is not None:
        return _failed(refused, 413)
    if not isinstance(file, StreamedUpload):
        return error_response(
            400, "no file in the request", "send it as the multipart field 'file'"
        )
    try:
        up, started = start_upload(file, format, request.user)
    except OneVoiceError as exc:
        return _failed(exc)
    audit(request, "create", "upload", up.pk, name=up.original_name, size=up.size, via="api")
    audit(request, "create", "job", started.pk, kind="ingest", upload=up.pk, via="api")
    out = job_out(started)
    assert out.upload is not None
    return Status(201, UploadStarted(upload=out.upload, job=out))


@router.post(
    "/detect",
    response={201: JobOut, **_START_ERRORS},
    auth=_AUTH,
    summary="Start a detection run on the store",
)
def detect(request: HttpRequest, body: DetectIn) -> Any:
    """Like ``onevoice detect --kind … --window … --min-weight …``."""
    try:
        started = start_detect(body.kinds, body.window, body.min_weight, request.user)
    except OneVoiceError as exc:
        return _failed(exc)
    audit(request, "create", "job", started.pk, kind="detect", params=started.params, via="api")
    return Status(201, job_out(started))


@router.post(
    "/match",
    response={201: JobOut, **_START_ERRORS},
    auth=_AUTH,
    summary="Start claim matching on the store",
)
def match(request: HttpRequest, body: MatchIn) -> Any:
    """Like ``onevoice claims match --top … --min-score … [--no-dense]``."""
    try:
        started = start_match(body.top, body.min_score, body.dense, request.user)
    except OneVoiceError as exc:
        return _failed(exc)
    audit(request, "create", "job", started.pk, kind="match", params=started.params, via="api")
    return Status(201, job_out(started))
