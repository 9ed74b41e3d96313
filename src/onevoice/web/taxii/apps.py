"""App configuration of the TAXII 2.1 server."""

from __future__ import annotations

from django.apps import AppConfig


class TaxiiConfig(AppConfig):
    name = "onevoice.web.taxii"
    label = "taxii"
    verbose_name = "TAXII 2.1 server"
    default_auto_field = "django.db.models.BigAutoField"
