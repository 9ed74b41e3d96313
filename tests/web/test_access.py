"""Every access rule: anonymous, wrong role and right role, on pages and API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from onevoice.web.roles import ROLES, STAFF_ROLES, has_role, role_required

pytestmark = pytest.mark.django_db

REFUSED = sorted(set(ROLES) - set(STAFF_ROLES))  # liaison, member


def test_anonymous_is_redirected_to_login() -> None:
    response = Client().get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/dashboard/"


def test_home_sends_anonymous_to_login() -> None:
    assert Client().get("/")["Location"] == "/login/"


@pytest.mark.parametrize("role", REFUSED)
def test_wrong_role_gets_403_on_the_dashboard(client_as: Callable[..., Client], role: str) -> None:
    response = client_as(role).get("/dashboard/")
    assert response.status_code == 403
    assert b"Your role does not give access" in response.content


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_roles_see_the_dashboard(client_as: Callable[..., Client], role: str) -> None:
    response = client_as(role).get("/dashboard/")
    assert response.status_code == 200
    assert b"<h1>Dashboard</h1>" in response.content


def test_user_without_any_role_is_refused(client_as: Callable[..., Client]) -> None:
    assert client_as().get("/dashboard/").status_code == 403


def test_inactive_user_has_no_role(make_user: Callable[..., object]) -> None:
    user = make_user("analyst")
    user.is_active = False  # type: ignore[attr-defined]
    assert not has_role(user, "analyst")


@pytest.mark.parametrize("role", REFUSED)
def test_wrong_role_gets_403_with_the_error_shape_from_the_api(
    client_as: Callable[..., Client], role: str
) -> None:
    response = client_as(role).get("/api/dashboard")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert "analyst" in error["message"]
    assert error["hint"]


def test_anonymous_gets_401_with_the_error_shape_from_the_api() -> None:
    response = Client().get("/api/dashboard")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_analyst_gets_the_api_dashboard(client_as: Callable[..., Client]) -> None:
    response = client_as("analyst").get("/api/dashboard")
    assert response.status_code == 200
    assert response.json()["status"] == "no_store"


def test_unknown_api_path_answers_in_the_error_shape() -> None:
    response = Client().get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_document_lists_the_dashboard() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert "/api/dashboard" in doc["paths"]
    responses = doc["paths"]["/api/dashboard"]["get"]["responses"]
    assert {"200", "401", "403"} <= set(responses)


def test_api_docs_page_uses_no_cdn() -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content and b"https://" not in response.content


def test_unknown_role_names_are_rejected_in_code() -> None:
    with pytest.raises(ValueError, match="analist"):
        role_required("analist")
    with pytest.raises(ValueError, match="unknown role"):
        has_role(None, "root")


@pytest.mark.parametrize("role", ROLES)
def test_only_communicators_and_admins_draft_public_reports(
    client_as: Callable[..., Client], role: str
) -> None:
    """The role check comes first: allowed roles reach the (missing) case, others get 403."""
    response = client_as(role).post("/cases/999999/public-report/")
    assert response.status_code == (404 if role in ("communicator", "admin") else 403)


def test_drafting_a_public_report_needs_post_and_login(client_as: Callable[..., Client]) -> None:
    assert Client().post("/cases/1/public-report/")["Location"].startswith("/login/")
    assert client_as("communicator").get("/cases/1/public-report/").status_code == 405
