"""Login throttling: 5 failures per username and IP in 15 minutes lock that pair out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from onevoice.web.accounts.throttle import MAX_FAILURES
from onevoice.web.audit.models import AuditEvent
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    """Argon2 costs ~0.1 s a try on purpose; these tests make dozens of tries."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _fail(client: Client, n: int, username: str = "ana") -> None:
    for _ in range(n):
        response = client.post("/login/", {"username": username, "password": "wrong!"})
        assert response.status_code == 200


def test_right_password_refused_after_five_failures(make_user: Callable[..., object]) -> None:
    make_user("analyst", username="ana")
    client = Client()
    _fail(client, MAX_FAILURES)
    response = client.post("/login/", {"username": "ana", "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    assert (last.action, last.detail) == ("login_failed", {"throttled": True})


def test_four_failures_do_not_lock_out(make_user: Callable[..., object]) -> None:
    make_user("analyst", username="ana")
    client = Client()
    _fail(client, MAX_FAILURES - 1)
    response = client.post("/login/", {"username": "ana", "password": PASSWORD})
    assert response.status_code == 302


def test_other_ip_and_other_username_are_not_locked(make_user: Callable[..., object]) -> None:
    make_user("analyst", username="ana")
    make_user("reviewer", username="rev")
    _fail(Client(), MAX_FAILURES)
    other_ip = Client(REMOTE_ADDR="10.0.0.9")
    assert other_ip.post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 302
    same_ip = Client()
    assert same_ip.post("/login/", {"username": "rev", "password": PASSWORD}).status_code == 302


def test_old_failures_expire(make_user: Callable[..., object]) -> None:
    make_user("analyst", username="ana")
    _fail(Client(), MAX_FAILURES)
    # Rows cannot be updated through the model (append-only), so age them with raw SQL.
    from django.db import connection

    old = timezone.now() - timedelta(minutes=16)
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET timestamp = %s", [old])
    response = Client().post("/login/", {"username": "ana", "password": PASSWORD})
    assert response.status_code == 302
