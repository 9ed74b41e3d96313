"""The JSON twins of the case pages: role rules, the workflow, and the one error shape."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.models import Case
from onevoice.web.cases.workflow import create_case, transition
from tests.web.test_case_pages import load_framework, make_store

pytestmark = pytest.mark.django_db

REFUSED = ("liaison", "member")


@pytest.fixture
def case(make_user: Callable[..., User]) -> Case:
    return create_case(make_user("analyst", username="author"), "Network pushing #tag")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _endpoints(pk: int) -> list[tuple[str, str]]:
    return [
        ("get", "/api/cases"),
        ("get", f"/api/cases/{pk}"),
        ("get", f"/api/cases/{pk}/history"),
        ("get", f"/api/cases/{pk}/report"),
        ("post", "/api/cases"),
        ("post", "/api/cases/from-network"),
        ("post", f"/api/cases/{pk}/transition"),
        ("post", f"/api/cases/{pk}/techniques"),
        ("post", f"/api/cases/{pk}/judgements"),
    ]


def _call(client: Client, method: str, url: str) -> Any:
    return client.get(url) if method == "get" else _post(client, url, {})


def test_anonymous_gets_401(case: Case) -> None:
    for method, url in _endpoints(case.pk):
        response = _call(Client(), method, url)
        assert response.status_code == 401, url
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role", REFUSED)
def test_liaison_and_member_get_403(
    case: Case, client_as: Callable[..., Client], role: str
) -> None:
    client = client_as(role)
    for method, url in _endpoints(case.pk):
        response = _call(client, method, url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "communicator"])
def test_staff_read_cases(case: Case, client_as: Callable[..., Client], role: str) -> None:
    client = client_as(role)
    rows = client.get("/api/cases").json()
    assert [(r["id"], r["status"], r["tlp"], r["created_by"]) for r in rows] == [
        (case.pk, "draft", "amber", "author")
    ]
    detail = client.get(f"/api/cases/{case.pk}").json()
    assert detail["title"] == "Network pushing #tag" and detail["evidence"] == []
    assert [v["action"] for v in client.get(f"/api/cases/{case.pk}/history").json()] == ["create"]
    assert client.get(f"/api/cases/{case.pk}/report").json()["case_id"] == case.pk
    assert client.get("/api/cases/999").json()["error"]["code"] == "not_found"


def test_list_filter_and_audit(case: Case, client_as: Callable[..., Client]) -> None:
    client = client_as("reviewer")
    assert client.get("/api/cases?status=in_review").json() == []
    bad = client.get("/api/cases?status=bogus")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    client.get(f"/api/cases/{case.pk}")
    assert AuditEvent.objects.filter(
        action="view", object_type="case", object_id=str(case.pk), detail__via="api"
    ).exists()


def test_create_needs_an_analyst(make_user: Callable[..., User]) -> None:
    analyst = _client(make_user("analyst"))
    response = _post(analyst, "/api/cases", {"title": "New", "summary": "s", "tlp": "red"})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["tlp"], body["moves"]) == (
        "draft", "red", [{"to": "in_review", "action": "submit"}]
    )  # fmt: skip
    bad = _post(analyst, "/api/cases", {"title": "New", "tlp": "purple"})
    assert bad.status_code == 422 and "unknown TLP" in bad.json()["error"]["message"]
    missing = _post(analyst, "/api/cases", {"summary": "no title"})
    assert missing.status_code == 422 and "title" in missing.json()["error"]["message"]
    reviewer = _client(make_user("reviewer"))
    refused = _post(reviewer, "/api/cases", {"title": "x"})
    assert refused.status_code == 403 and "only an analyst" in refused.json()["error"]["message"]


def test_csrf_is_enforced_on_the_api(make_user: Callable[..., User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("analyst"))
    client.get("/cases/")  # the page sets the CSRF cookie
    assert _post(client, "/api/cases", {"title": "x"}).status_code == 403
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/cases", {"title": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_workflow_through_the_api(case: Case, make_user: Callable[..., User]) -> None:
    author = _client(case.created_by)
    both = make_user("analyst", "reviewer", username="both")
    reviewer = _client(make_user("reviewer", username="rev"))
    url = f"/api/cases/{case.pk}/transition"
    wrong = _post(author, url, {"to": "published"})
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "conflict"
    assert _post(reviewer, url, {"to": "in_review"}).status_code == 403
    assert _post(author, url, {"to": "in_review"}).json()["status"] == "in_review"
    edit = _post(author, f"/api/cases/{case.pk}/techniques", {"technique": "T0049"})
    assert edit.status_code in (404, 409)  # no framework loaded, or not a draft any more
    no_reason = _post(reviewer, url, {"to": "rejected"})
    assert no_reason.status_code == 409 and "reason" in no_reason.json()["error"]["message"]
    body = _post(reviewer, url, {"to": "approved", "comment": "sound"}).json()
    assert body["status"] == "approved" and body["moves"] == []
    # the creator-reviewer cannot approve their own case
    own = create_case(both, "Own")
    transition(own, "in_review", both)
    own_client = _client(both)
    moves = own_client.get(f"/api/cases/{own.pk}").json()["moves"]
    assert moves == [{"to": "draft", "action": "withdraw"}]
    refused = _post(own_client, f"/api/cases/{own.pk}/transition", {"to": "approved"})
    assert refused.status_code == 403 and "own case" in refused.json()["error"]["message"]
    assert Case.objects.get(pk=own.pk).status == "in_review"


def test_tag_techniques_and_judgements(case: Case) -> None:
    load_framework()
    author = _client(case.created_by)
    url = f"/api/cases/{case.pk}"
    tagged = _post(author, f"{url}/techniques", {"technique": "T0049", "note": "bursts"})
    assert tagged.status_code == 201
    assert [(t["id"], t["framework_version"]) for t in tagged.json()["techniques"]] == [
        ("T0049", "1.7")
    ]
    old = _post(author, f"{url}/techniques", {"technique": "T0049", "framework_version": "1.6"})
    assert sorted(t["framework_version"] for t in old.json()["techniques"]) == ["1.6", "1.7"]
    unknown = _post(author, f"{url}/techniques", {"technique": "T9999"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    judgement = {
        "actor": "Ministry Y", "actor_category": "official_state", "likelihood": "likely",
        "confidence": "low", "rationale": "same registrant", "subject": "outlet news.example",
    }  # fmt: skip
    body = _post(author, f"{url}/judgements", judgement).json()
    assert body["judgements"][0]["probability_range"] == [55, 80]
    assert body["judgements"][0]["actor_category"] == "official_state"
    bad = _post(author, f"{url}/judgements", {**judgement, "likelihood": "perhaps"})
    assert bad.status_code == 422 and "unknown likelihood" in bad.json()["error"]["message"]


def test_open_from_a_network(make_user: Callable[..., User], tmp_path: Path, settings: Any) -> None:
    path, run_id = make_store(tmp_path)
    settings.ONEVOICE_STORE = path
    client = _client(make_user("analyst"))
    response = _post(client, "/api/cases/from-network", {"run_id": run_id, "network_id": 1})
    assert response.status_code == 201
    evidence = response.json()["evidence"]
    assert [e["ref"] for e in evidence] == [f"{run_id}/1"]
    assert len(evidence[0]["data"]["members"]) == 3
    again = _post(client, "/api/cases/from-network", {"run_id": run_id, "network_id": 5})
    assert again.status_code == 404 and Case.objects.count() == 1


def test_the_openapi_document_lists_the_case_endpoints(client_as: Callable[..., Client]) -> None:
    paths = client_as("analyst").get("/api/openapi.json").json()["paths"]
    for path in ("/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/report",
                 "/api/cases/{case_id}/history", "/api/cases/{case_id}/transition",
                 "/api/cases/{case_id}/techniques", "/api/cases/{case_id}/judgements",
                 "/api/cases/from-network"):  # fmt: skip
        assert path in paths, path
    assert "409" in paths["/api/cases/{case_id}/transition"]["post"]["responses"]
