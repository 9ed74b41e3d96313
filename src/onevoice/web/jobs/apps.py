"""App configuration of uploads and background jobs."""

from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "onevoice.web.jobs"
    label = "jobs"
    verbose_name = "Uploads and background jobs"
    default_auto_field = "django.db.models.BigAutoField"
