"""The audit log records logins and views, and refuses changes and deletions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from onevoice.web.audit.models import AppendOnlyError, AuditEvent, audit
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_and_failed_login_are_recorded(make_user: Callable[..., object]) -> None:
    make_user("analyst", username="ana")
    client = Client()
    client.post("/login/", {"username": "ana", "password": "wrong password"})
    response = client.post("/login/", {"username": "ana", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    events = list(AuditEvent.objects.order_by("id").values_list("action", "object_id", "roles"))
    assert events == [("login_failed", "ana", ""), ("login", "ana", "analyst")]
    assert AuditEvent.objects.get(action="login").ip == "127.0.0.1"


def test_dashboard_view_is_recorded(client_as: Callable[..., Client]) -> None:
    client_as("reviewer").get("/dashboard/")
    event = AuditEvent.objects.get(action="view")
    assert (event.object_type, event.actor_username, event.roles) == (
        "dashboard",
        "reviewer",
        "reviewer",
    )


def test_refused_view_is_not_recorded_as_a_view(client_as: Callable[..., Client]) -> None:
    client_as("member").get("/dashboard/")
    assert not AuditEvent.objects.filter(action="view").exists()


def test_rows_cannot_be_changed_or_deleted() -> None:
    event = audit(None, "export", "case", 7, fmt="stix")
    assert AuditEvent.objects.get().detail == {"fmt": "stix"}
    event.object_id = "8"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(object_id="9")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["object_id"])
    assert AuditEvent.objects.get().object_id == "7"


def test_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit(None, "erase", "case", 1)
