"""Write successful and failed logins to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest

__all__ = ["connect"]


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from onevoice.web.audit.models import audit

    audit(request, "login", "user", user.get_username(), user=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from onevoice.web.audit.models import audit

    # Django has already masked the password in ``credentials``; keep only the username.
    audit(request, "login_failed", "user", str(credentials.get("username", ""))[:150])


def connect() -> None:
    """Connect the receivers (called once from ``AccountsConfig.ready``)."""
    user_logged_in.connect(_logged_in, dispatch_uid="onevoice-audit-login")
    user_login_failed.connect(_login_failed, dispatch_uid="onevoice-audit-login-failed")
