"""Login throttling, counted from the audit log.

After :data:`MAX_FAILURES` failed logins for the same username from the same IP address
within :data:`WINDOW`, further attempts are refused without checking the password (and are
themselves logged as ``login_failed`` with ``throttled: true``, so a caller who keeps trying
stays locked out). Counting rows of the audit log rather than a cache keeps the count right
across threads, processes and restarts. This is the per-(username, IP) scheme OWASP's
Authentication Cheat Sheet recommends over locking the account itself, which would let anyone
lock out a colleague by guessing wrong on purpose.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from onevoice.web.audit.models import AuditEvent, audit, client_ip

__all__ = ["MAX_FAILURES", "WINDOW", "ThrottledAuthenticationForm", "is_throttled"]

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def is_throttled(username: str, ip: str | None) -> bool:
    """True when ``username`` from ``ip`` failed :data:`MAX_FAILURES` times in :data:`WINDOW`."""
    since = timezone.now() - WINDOW
    failures = AuditEvent.objects.filter(
        action="login_failed", object_type="user", object_id=username, ip=ip, timestamp__gte=since
    )
    return bool(failures.count() >= MAX_FAILURES)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing early when :func:`is_throttled`."""

    error_messages: dict[str, Any] = {
        **AuthenticationForm.error_messages,
        "throttled": (
            "Too many failed logins for this account from your address. Try again in 15 minutes."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")[:150]
        ip = client_ip(self.request) if self.request is not None else None
        if username and is_throttled(username, ip):
            audit(self.request, "login_failed", "user", username, throttled=True)
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        result: dict[str, Any] = super().clean()
        return result
