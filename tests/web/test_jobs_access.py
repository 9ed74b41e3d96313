"""Who may use the jobs pages and API: analysts and admins; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onevoice.web.jobs.models import Job, Upload
from onevoice.web.roles import ROLES

pytestmark = pytest.mark.django_db

ALLOWED = ("analyst", "admin")
REFUSED = sorted(set(ROLES) - set(ALLOWED))
PAGES = ("/jobs/", "/jobs/1/")
POSTS = ("/jobs/upload/", "/jobs/detect/", "/jobs/match/")
API_GETS = ("/api/jobs", "/api/jobs/1")
API_POSTS = ("/api/jobs/upload", "/api/jobs/detect", "/api/jobs/match")


@pytest.fixture(autouse=True)
def _jobs(settings: Any, tmp_path: Path, make_user: Callable[..., Any]) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.ONEVOICE_STORE = tmp_path / "store"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Job.objects.create(pk=1, kind="detect", created_by=make_user("analyst", username="owner"))


@pytest.mark.parametrize("url", PAGES + POSTS)
def test_anonymous_is_sent_to_login(url: str) -> None:
    client = Client()
    response = client.post(url) if url in POSTS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/login/?next={url}")


@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize("url", PAGES)
def test_other_roles_get_403_on_the_pages(
    client_as: Callable[..., Client], role: str, url: str
) -> None:
    assert client_as(role).get(url).status_code == 403


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_cannot_start_jobs(client_as: Callable[..., Client], role: str) -> None:
    client = client_as(role)
    upload = {"file": SimpleUploadedFile("a.jsonl", b'{"data": []}\n'), "format": "auto"}
    assert client.post("/jobs/upload/", upload).status_code == 403
    assert client.post("/jobs/detect/", {"kinds": ["co-link"]}).status_code == 403
    assert client.post("/jobs/match/", {"top": "5"}).status_code == 403
    assert Job.objects.count() == 1
    assert not Upload.objects.exists()


@pytest.mark.parametrize("role", ALLOWED)
@pytest.mark.parametrize("url", PAGES)
def test_analysts_and_admins_see_the_pages(
    client_as: Callable[..., Client], role: str, url: str
) -> None:
    response = client_as(role).get(url)
    assert response.status_code == 200
    assert b'aria-current="page"' in response.content


@pytest.mark.parametrize("url", API_GETS + API_POSTS)
def test_api_anonymous_gets_401(url: str) -> None:
    client = Client()
    response = client.post(url) if url in API_POSTS else client.get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize("url", API_GETS + API_POSTS)
def test_api_other_roles_get_403(client_as: Callable[..., Client], role: str, url: str) -> None:
    client = client_as(role)
    if url in API_POSTS:
        response = client.post(url, {}, content_type="application/json")
    else:
        response = client.get(url)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert "analyst or admin" in error["message"]
    assert Job.objects.count() == 1


@pytest.mark.parametrize("role", ALLOWED)
def test_api_analysts_and_admins_see_jobs(client_as: Callable[..., Client], role: str) -> None:
    client = client_as(role)
    assert client.get("/api/jobs").json()["jobs"][0]["id"] == 1
    assert client.get("/api/jobs/1").json()["created_by"] == "owner"


def test_forms_carry_the_csrf_token_and_are_enforced(make_user: Callable[..., Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("analyst", username="csrf-analyst"))
    page = client.get("/jobs/").content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == 4  # three forms and log-out
    assert client.post("/jobs/detect/", {"kinds": ["co-link"]}).status_code == 403
    response = client.post("/api/jobs/detect", {}, content_type="application/json")
    assert response.status_code == 403
    assert Job.objects.count() == 1
