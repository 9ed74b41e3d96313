"""Django app configuration of the hub."""

from __future__ import annotations

from django.apps import AppConfig


class HubConfig(AppConfig):
    """The ``hub`` app; connects the publishing signals to the audit log."""

    name = "onevoice.hub"
    label = "hub"
    verbose_name = "G20 hub"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Audit publishing steps; put the CSP nonce on the Wagtail admin's inline scripts."""
        from onevoice.hub import csp, workflow

        workflow.connect_signals()
        csp.install()
