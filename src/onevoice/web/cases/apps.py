"""App configuration of the case files."""

from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onevoice.web.cases"
    label = "cases"
    verbose_name = "Case files"
    default_auto_field = "django.db.models.BigAutoField"
