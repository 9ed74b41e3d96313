"""App configuration of accounts: connects the login signals to the audit log."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onevoice.web.accounts"
    label = "onevoice_accounts"
    verbose_name = "Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onevoice.web.accounts import signals

        signals.connect()
