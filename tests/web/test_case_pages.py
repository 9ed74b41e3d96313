"""The case pages: who may see them, the form flows (with CSRF), and the workflow on screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onevoice.detect.params import DetectParams
from onevoice.detect.run import detect
from onevoice.ingest.pipeline import ingest_file
from onevoice.store import Store
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.models import (
    Case,
    DisarmFramework,
    DisarmTactic,
    DisarmTechnique,
    Evidence,
)
from onevoice.web.cases.workflow import create_case, transition

pytestmark = pytest.mark.django_db

REFUSED = ("liaison", "member")


def make_store(tmp_path: Path) -> tuple[Path, str]:
    """A store where a, b and c post the same three links seconds apart (one network)."""
    src = tmp_path / "posts.csv"
    lines = ["post_id,account_id,account_handle,created_at,text,urls"]
    n = 0
    for k in range(3):
        for j, acct in enumerate("abc"):
            n += 1
            lines.append(f"{n},{acct},user_{acct},{1_700_000_000 + 3600 * k + 5 * j},x,"
                         f"https://news.example/{k}")  # fmt: skip
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "store"
    with Store(path) as store:
        ingest_file(store, str(src))
        run = detect(store, DetectParams(kinds=("co-link",), min_weight=2))
    return path, run.run_id


def load_framework() -> DisarmFramework:
    """A two-tactic slice of DISARM 1.7, plus an older version with the same ID."""
    fw = DisarmFramework.objects.create(version="1.7", name="DISARM", source_file="x", sha256="1")
    ta17 = DisarmTactic.objects.create(
        framework=fw, external_id="TA17", name="Maximise Exposure", shortname="maximise-exposure"
    )
    ta15 = DisarmTactic.objects.create(
        framework=fw, external_id="TA15", name="Establish Assets", shortname="establish-assets"
    )
    DisarmTechnique.objects.create(
        framework=fw, external_id="T0049", name="Flood Information Space", tactic=ta17,
        stix_id="ap--1",
    )  # fmt: skip
    DisarmTechnique.objects.create(
        framework=fw, external_id="T0090", name="Create Inauthentic Accounts", tactic=ta15,
        stix_id="ap--2",
    )  # fmt: skip
    old = DisarmFramework.objects.create(version="1.6", name="DISARM", source_file="y", sha256="2")
    DisarmTechnique.objects.create(
        framework=old, external_id="T0049", name="Flood Information Space (1.6)", stix_id="ap--3"
    )
    return fw


def csrf_post(client: Client, url: str, data: dict[str, Any]) -> Any:
    """POST ``data`` with the CSRF token of the page at ``url``'s case (read from a GET)."""
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user("analyst", username="author")


@pytest.fixture
def case(analyst: User) -> Case:
    return create_case(analyst, "Network pushing #tag", summary="Three accounts.")


def _pages(pk: int) -> list[str]:
    return [
        "/cases/",
        "/cases/new/",
        f"/cases/{pk}/",
        f"/cases/{pk}/history/",
        f"/cases/{pk}/report/",
    ]


def _posts(pk: int) -> list[str]:
    return [
        "/cases/from-network/",
        f"/cases/{pk}/edit/",
        f"/cases/{pk}/transition/",
        f"/cases/{pk}/accounts/",
        f"/cases/{pk}/techniques/",
        f"/cases/{pk}/judgements/",
    ]


# -- who may see what ------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(case: Case) -> None:
    client = Client()
    for url in _pages(case.pk) + _posts(case.pk):
        response = client.post(url) if url in _posts(case.pk) else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


@pytest.mark.parametrize("role", REFUSED)
def test_liaison_and_member_are_refused_everywhere(
    case: Case, client_as: Callable[..., Client], role: str
) -> None:
    client = client_as(role)
    for url in _pages(case.pk):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Your role does not give access" in response.content
    for url in _posts(case.pk):
        assert client.post(url, {"to": "in_review"}).status_code == 403, url
    assert Case.objects.get(pk=case.pk).status == "draft"


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "communicator"])
def test_staff_roles_read_cases(case: Case, client_as: Callable[..., Client], role: str) -> None:
    client = client_as(role)
    for url in [u for u in _pages(case.pk) if u != "/cases/new/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    listing = client.get("/cases/").content.decode()
    assert "Network pushing #tag" in listing and "TLP:AMBER" in listing
    assert client.get("/cases/new/").status_code == (200 if role == "analyst" else 403)


def test_every_view_is_audited(case: Case, client_as: Callable[..., Client]) -> None:
    client = client_as("reviewer")
    client.get(f"/cases/{case.pk}/")
    client.get(f"/cases/{case.pk}/history/")
    views = AuditEvent.objects.filter(action="view", object_type="case", object_id=str(case.pk))
    assert views.count() == 2
    assert {e.detail.get("page") for e in views} == {None, "history"}
    client.get("/cases/?status=draft")
    assert AuditEvent.objects.filter(detail__page="list", detail__status="draft").exists()


def test_the_list_filters_by_status(case: Case, analyst: User, client_as: Callable) -> None:
    other = create_case(analyst, "Submitted one")
    transition(other, "in_review", analyst)
    client = client_as("reviewer")
    page = client.get("/cases/?status=in_review").content.decode()
    assert "Submitted one" in page and "Network pushing" not in page
    assert "Network pushing" in client.get("/cases/?status=bogus").content.decode()


# -- forms -----------------------------------------------------------------------------------


def test_new_case_form_enforces_csrf(analyst: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    page = client.get("/cases/new/")
    assert page.status_code == 200 and b'name="csrfmiddlewaretoken"' in page.content
    data = {"title": "Flood of #tag", "summary": "s", "tlp": "green"}
    assert client.post("/cases/new/", data).status_code == 403  # no token
    assert not Case.objects.filter(title="Flood of #tag").exists()
    response = csrf_post(client, "/cases/new/", data)
    case = Case.objects.get(title="Flood of #tag")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.tlp, case.status, case.created_by) == ("green", "draft", analyst)
    page = client.get(response["Location"]).content.decode()
    assert "opened as a draft" in page and "TLP:GREEN" in page


def test_new_case_form_errors_are_shown(analyst: User) -> None:
    client = Client()
    client.force_login(analyst)
    response = client.post("/cases/new/", {"title": "", "tlp": "purple"})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert b"Select a valid choice" in response.content


def test_open_a_case_from_a_network(analyst: User, tmp_path: Path, settings: Any) -> None:
    path, run_id = make_store(tmp_path)
    settings.ONEVOICE_STORE = path
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    client.get("/cases/")  # sets the CSRF cookie
    assert client.get("/cases/from-network/").status_code == 405
    response = csrf_post(client, "/cases/from-network/", {"run_id": run_id, "network_id": 1})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.title == f"Network 1 of detect run {run_id}"
    assert case.evidence.get().ref == f"{run_id}/1"
    page = client.get(response["Location"]).content.decode()
    for text in ("other:a", "user_b", "hub", "F6", "pseudonymised", "Members of"):
        assert text in page, text
    missing = csrf_post(client, "/cases/from-network/", {"run_id": run_id, "network_id": 9})
    assert missing.status_code == 404 and b"no network 9" in missing.content
    assert Case.objects.count() == 1  # nothing half-made
    settings.ONEVOICE_STORE = None
    none = csrf_post(client, "/cases/from-network/", {"run_id": run_id, "network_id": 1})
    assert none.status_code == 409 and Case.objects.count() == 1


def test_reviewers_cannot_open_cases_from_networks(
    client_as: Callable[..., Client], tmp_path: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = tmp_path
    response = client_as("reviewer").post("/cases/from-network/", {"run_id": "r", "network_id": 1})
    assert response.status_code == 403


def test_draft_contents_through_the_forms(
    case: Case, analyst: User, tmp_path: Path, settings: Any
) -> None:
    load_framework()
    path, run_id = make_store(tmp_path)
    settings.ONEVOICE_STORE = path
    client = Client()
    client.force_login(analyst)
    client.post("/cases/from-network/", {"run_id": run_id, "network_id": 1})
    case = Case.objects.latest("id")
    ev = case.evidence.get()
    url = f"/cases/{case.pk}"
    page = client.get(f"{url}/").content.decode()
    assert '<optgroup label="TA15 Establish Assets">' in page  # grouped by tactic
    assert "T0049 Flood Information Space" in page and "(1.6)" not in page  # newest version
    assert "(1.6)" in client.get(f"{url}/?framework=1.6").content.decode()
    searched = client.get(f"{url}/?q=inauthentic").content.decode()
    assert "T0090" in searched and "T0049 Flood" not in searched
    t0049 = DisarmTechnique.objects.get(external_id="T0049", framework__version="1.7")
    assert client.post(f"{url}/techniques/", {"technique": t0049.pk}).status_code == 302
    tag = case.techniques.get()
    assert (tag.external_id, tag.framework_version) == ("T0049", "1.7")
    rate = {f"ev{ev.pk}-reliability": "B", f"ev{ev.pk}-credibility": "2"}
    assert client.post(f"{url}/evidence/{ev.pk}/rate/", rate).status_code == 302
    assert Evidence.objects.get(pk=ev.pk).admiralty == "B2"
    mark = {"account_id": "other:a", "public_figure": "on"}
    assert client.post(f"{url}/accounts/", mark).status_code == 302
    judgement = {
        "actor": "Ministry Y", "category": "official_state", "likelihood": "likely",
        "confidence": "moderate", "rationale": "shared hosting", "subject": "outlet news.example",
        "evidence": [ev.pk],
    }  # fmt: skip
    assert client.post(f"{url}/judgements/", judgement).status_code == 302
    j = case.judgements.get()
    assert (j.actor.category, list(j.evidence.all())) == ("official_state", [ev])
    edit = {"title": "Renamed", "summary": "new", "tlp": "red"}
    assert client.post(f"{url}/edit/", edit).status_code == 302
    page = client.get(f"{url}/").content.decode()
    for text in ("Renamed", "TLP:RED", "T0049", "DISARM 1.7", "Ministry Y", "official state",
                 "likely (55–80 %)", "moderate", "B2", "named (public figure)"):  # fmt: skip
        assert text in page, text
    assert client.post(f"{url}/techniques/{tag.pk}/remove/").status_code == 302
    assert client.post(f"{url}/judgements/{j.pk}/remove/").status_code == 302
    assert client.post(f"{url}/evidence/{ev.pk}/detach/").status_code == 302
    assert not case.techniques.exists() and not case.judgements.exists()
    assert not case.evidence.exists()


def test_bad_forms_show_the_page_again(case: Case, analyst: User) -> None:
    client = Client()
    client.force_login(analyst)
    bad = {"actor": "X", "likelihood": "maybe", "confidence": "high", "rationale": ""}
    response = client.post(f"/cases/{case.pk}/judgements/", bad)
    assert response.status_code == 400
    assert b"Check the form below" in response.content and b"Select a valid choice" in (
        response.content
    )
    assert not case.judgements.exists()


# -- the workflow on the page ----------------------------------------------------------------


def _buttons(client: Client, pk: int) -> set[str]:
    page = client.get(f"/cases/{pk}/").content.decode()
    return set(re.findall(r'<button type="submit" class="action-(\w+)"', page))


def test_review_workflow_through_the_pages(
    make_user: Callable[..., User], analyst: User, case: Case
) -> None:
    clients = {"a": Client(), "r1": Client(), "r2": Client(), "c": Client()}
    clients["a"].force_login(analyst)
    clients["r1"].force_login(make_user("reviewer", username="rev1"))
    clients["r2"].force_login(make_user("reviewer", username="rev2"))
    clients["c"].force_login(make_user("communicator", username="comm"))
    own = create_case(make_user("analyst", "reviewer", username="both"), "Own case")
    url = f"/cases/{case.pk}/transition/"
    assert _buttons(clients["a"], case.pk) == {"submit"}
    assert _buttons(clients["r1"], case.pk) == set()
    assert clients["a"].post(url, {"to": "in_review"}).status_code == 302
    assert _buttons(clients["r1"], case.pk) == {"approve", "reject"}
    assert _buttons(clients["a"], case.pk) == {"withdraw"}
    refused = clients["a"].post(f"/cases/{case.pk}/edit/", {"title": "x", "tlp": "red"})
    assert refused.status_code == 409 and b"cannot be changed" in refused.content
    no_reason = clients["r1"].post(url, {"to": "rejected", "comment": " "})
    assert no_reason.status_code == 409 and b"a rejection needs a reason" in no_reason.content
    assert clients["r1"].post(url, {"to": "approved", "comment": "ok"}).status_code == 302
    assert clients["c"].post(url, {"to": "published"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == "published"
    # the analyst-reviewer who opened a case never sees approve, and a POST is refused
    transition(own, "in_review", own.created_by)
    creator = Client()
    creator.force_login(own.created_by)
    assert _buttons(creator, own.pk) == {"withdraw"}
    assert b"another reviewer must approve" in creator.get(f"/cases/{own.pk}/").content
    response = creator.post(f"/cases/{own.pk}/transition/", {"to": "approved"})
    assert response.status_code == 403
    assert Case.objects.get(pk=own.pk).status == "in_review"


def test_history_page_shows_the_changes(case: Case, analyst: User) -> None:
    client = Client()
    client.force_login(analyst)
    client.post(f"/cases/{case.pk}/edit/", {"title": "Renamed", "summary": "", "tlp": "red"})
    client.post(f"/cases/{case.pk}/transition/", {"to": "in_review", "comment": "please"})
    page = client.get(f"/cases/{case.pk}/history/").content.decode()
    for text in ("case opened", "title: Network pushing #tag → Renamed", "tlp: amber → red",
                 "summary changed", "status: draft → in_review", "please", "analyst"):  # fmt: skip
        assert text in page, text
