"""The jobs pages: upload an export and run ingest, detection and claim matching.

Analysts and admins only. ``/jobs/`` holds the three forms and the table of jobs; it
refreshes itself every few seconds while a job is queued or running (a ``<meta refresh>``
without JavaScript; with JavaScript, ``jobs.js`` reloads instead and holds off while a form is
being filled in). Each POST redirects back (post/redirect/get), or re-renders the page with
the error and its hint.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from onevoice.errors import OneVoiceError
from onevoice.web.audit.models import audit
from onevoice.web.jobs.forms import DetectForm, MatchForm, UploadForm
from onevoice.web.jobs.models import Job
from onevoice.web.jobs.service import job_out, start_detect, start_match, start_upload
from onevoice.web.jobs.uploads import StreamedUpload, upload_refusal
from onevoice.web.roles import role_required

__all__ = [
    "JOB_ROLES",
    "LIST_LIMIT",
    "REFRESH_SECONDS",
    "detect",
    "job_detail",
    "job_list",
    "match",
    "upload",
]

JOB_ROLES: tuple[str, ...] = ("analyst", "admin")
LIST_LIMIT = 50
REFRESH_SECONDS = 3


def recent_jobs(limit: int = LIST_LIMIT) -> list[Job]:
    """The newest jobs, with their uploads and starters."""
    return list(Job.objects.select_related("upload", "created_by")[:limit])


def _page(
    request: HttpRequest,
    *,
    forms: dict[str, Any] | None = None,
    error: OneVoiceError | None = None,
    status: int = 200,
) -> HttpResponse:
    from django.conf import settings

    jobs = [job_out(j) for j in recent_jobs()]
    context = {
        "jobs": jobs,
        "active": any(j.status in ("queued", "running") for j in jobs),
        "refresh": REFRESH_SECONDS,
        "store": settings.ONEVOICE_STORE,
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
        "upload_form": UploadForm(),
        "detect_form": DetectForm(),
        "match_form": MatchForm(),
        "error": error,
        **(forms or {}),
    }
    return render(request, "jobs/list.html", context, status=status)


@require_GET
@role_required(*JOB_ROLES)
def job_list(request: HttpRequest) -> HttpResponse:
    """``/jobs/``: the forms and the newest jobs."""
    audit(request, "view", "jobs")
    return _page(request)


@require_GET
@role_required(*JOB_ROLES)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/jobs/<pk>/``: one job's progress, result or error."""
    job = get_object_or_404(Job.objects.select_related("upload", "created_by"), pk=pk)
    audit(request, "view", "job", job.pk, kind=job.kind)
    out = job_out(job)
    return render(
        request,
        "jobs/detail.html",
        {"job": out, "active": job.active, "refresh": REFRESH_SECONDS},
    )


@require_POST
@role_required(*JOB_ROLES)
def upload(request: HttpRequest) -> HttpResponse:
    """Keep the uploaded export and start its ingest job."""
    form = UploadForm(request.POST, request.FILES)  # reading FILES streams the upload
    refused = upload_refusal(request)
    if refused is not None:
        return _page(request, forms={"upload_form": form}, error=refused, status=413)
    if not form.is_valid():
        return _page(request, forms={"upload_form": form}, status=400)
    file = form.cleaned_data["file"]
    if not isinstance(file, StreamedUpload):  # pragma: no cover - settings changed
        raise TypeError("FILE_UPLOAD_HANDLERS must be the streaming upload handler")
    try:
        up, job = start_upload(file, form.cleaned_data["format"], request.user)
    except OneVoiceError as exc:
        return _page(request, forms={"upload_form": form}, error=exc, status=400)
    audit(request, "create", "upload", up.pk, name=up.original_name, size=up.size, sha256=up.sha256)
    audit(request, "create", "job", job.pk, kind="ingest", upload=up.pk)
    messages.success(request, f"{up.original_name} uploaded; ingest job #{job.pk} started.")
    return redirect("jobs:list")


@require_POST
@role_required(*JOB_ROLES)
def detect(request: HttpRequest) -> HttpResponse:
    """Start a detection run on the store."""
    form = DetectForm(request.POST)
    if not form.is_valid():
        return _page(request, forms={"detect_form": form}, status=400)
    d = form.cleaned_data
    try:
        job = start_detect(d["kinds"], d["window"], d["min_weight"], request.user)
    except OneVoiceError as exc:
        return _page(request, forms={"detect_form": form}, error=exc, status=400)
    audit(request, "create", "job", job.pk, kind="detect", params=job.params)
    messages.success(request, f"Detection job #{job.pk} started.")
    return redirect("jobs:list")


@require_POST
@role_required(*JOB_ROLES)
def match(request: HttpRequest) -> HttpResponse:
    """Start claim matching on the store."""
    form = MatchForm(request.POST)
    if not form.is_valid():
        return _page(request, forms={"match_form": form}, status=400)
    d = form.cleaned_data
    try:
        job = start_match(d["top"], d["min_score"], not d["lexical_only"], request.user)
    except OneVoiceError as exc:
        return _page(request, forms={"match_form": form}, error=exc, status=400)
    audit(request, "create", "job", job.pk, kind="match", params=job.params)
    messages.success(request, f"Claim-matching job #{job.pk} started.")
    return redirect("jobs:list")
