"""Uploads of platform exports and the background jobs that ingest, detect and match.

A :class:`Job` row is the page's view of one background task: what it does (``kind`` and
``params``), who started it, where it is (``status``, ``progress_done``/``progress_total``
and a message), and how it ended (``result`` summary, or ``error`` with a ``hint``). The
django-tasks result that runs it is linked by ``task_id``; the task itself writes the row as
it goes (:mod:`onevoice.web.jobs.tasks`), so a page never needs the worker to answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

__all__ = ["KINDS", "STATUSES", "Job", "Upload"]

KINDS: tuple[str, ...] = ("ingest", "detect", "match")
STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")


class Upload(models.Model):
    """One uploaded export file, kept in ``UPLOAD_DIR`` under a sanitised name."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=1024)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    #: the format named at upload, or the one detected from the content
    format = models.CharField(max_length=30)
    format_detected = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"upload #{self.pk} {self.original_name}"


class Job(models.Model):
    """One background job: ingest an upload, detect networks, or match claims."""

    kind = models.CharField(max_length=10, choices=[(k, k) for k in KINDS])
    params = models.JSONField(default=dict, blank=True)
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=[(s, s) for s in STATUSES], default="queued", db_index=True
    )
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(null=True, blank=True)
    progress_message = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    hint = models.TextField(blank=True)
    #: the django-tasks result id (a UUID for the database backend)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"job #{self.pk} {self.kind} ({self.status})"

    @property
    def active(self) -> bool:
        """Queued or running: the page keeps refreshing while any job is."""
        return self.status in ("queued", "running")

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, or None while the total is unknown."""
        if not self.progress_total:
            return None
        share = 100 * int(self.progress_done) / int(self.progress_total)
        return max(0, min(100, round(share)))

    def describe(self) -> str:
        """One line for tables: what the job works on."""
        p: dict[str, Any] = self.params or {}
        if self.kind == "ingest":
            name = self.upload.original_name if self.upload else p.get("upload", "?")
            return f"{name} ({p.get('format') or 'format detected'})"
        if self.kind == "detect":
            kinds = ", ".join(p.get("kinds") or []) or "default kinds"
            return f"{kinds}; window {p.get('window', '60')} s; min weight {p.get('min_weight')}"
        dense = "lexical + semantic" if p.get("dense", True) else "lexical only"
        score = p.get("min_score")
        return f"top {p.get('top', 5)}, min score {'default' if score is None else score}, {dense}"
