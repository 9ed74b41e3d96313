"""Public reports from approved cases: refusals, pseudonyms, review by another, roles, markup."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from onevoice.cli.main import cli
from onevoice.hub.case_reports import ReportRefused, draft_case_report
from onevoice.hub.models import CaseReportAccount, CaseReportIndicator, CaseReportPage
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.evidence import attach_copy, attach_network
from onevoice.web.cases.models import Actor, Case, CaseNarrative, DisarmTechnique, Indicator
from onevoice.web.cases.pseudonyms import pseudonym
from onevoice.web.cases.workflow import (
    CasePermissionError,
    add_judgement,
    create_case,
    mark_account,
    tag_technique,
    transition,
)
from tests.web.test_case_pages import load_framework, make_store

#: What identifies the private accounts b and c of the test network (ids and handles).
PRIVATE = ("other:b", "other:c", "user_b", "user_c")


def _case(make_user: Callable[..., User], tmp_path: Path, *, tlp: str = "clear") -> Case:
    """A draft case: network a, b, c (a is a public figure), an outlet, T0049, a judgement.

    Its free text names the private accounts, as an analyst might by mistake.
    """
    analyst = make_user("analyst", username="author")
    path, run_id = make_store(tmp_path)
    load_framework()
    case = create_case(
        analyst,
        "Zephyrwave links flood",
        summary="Accounts @user_b and https://twitter.com/user_c push https://news.example/0.",
        tlp=tlp,
    )
    network = attach_network(case, path, run_id, 1, analyst, reliability="B", credibility=2)
    outlet = attach_copy(case, "outlet", "news.example", {}, analyst, title="Story")
    tag_technique(
        case, DisarmTechnique.objects.get(external_id="T0049", framework__version="1.7"), analyst
    )
    actor = Actor.objects.create(name="Ministry Y", category="state_linked")
    add_judgement(
        case, actor, analyst, likelihood="very_likely", confidence="moderate",
        rationale="user_b registered the domain", subject="outlet news.example",
        evidence=[outlet, network],
    )  # fmt: skip
    mark_account(case, "other:a", analyst, public_figure=True)
    CaseNarrative.objects.create(case=case, name="Summit cancelled", claims=["other:c says so"])
    for kind, value in (("url", "https://news.example/story"), ("email", "b@mail.example"),
                        ("handle", "@user_b"), ("domain", "news.example")):  # fmt: skip
        Indicator.objects.create(case=case, kind=kind, value=value)
    return case


def _approve(case: Case, make_user: Callable[..., User]) -> Case:
    transition(case, "in_review", case.created_by)
    transition(case, "approved", make_user("reviewer", username="case-reviewer"))
    case.refresh_from_db()
    return case


@pytest.fixture
def approved(demo: dict[str, Any], make_user: Callable[..., User], tmp_path: Path) -> Case:
    return _approve(_case(make_user, tmp_path), make_user)


@pytest.fixture
def communicator(make_user: Callable[..., User]) -> User:
    return make_user("communicator", username="comms")


def _publish(page: CaseReportPage, author: User, make_user: Callable[..., User]) -> Any:
    """Submit ``page`` for review as ``author``; a reviewer other than the author approves."""
    page.get_workflow().start(page, author)
    page = CaseReportPage.objects.get(pk=page.pk)
    state = page.current_workflow_task_state
    state.task.specific.on_action(state, make_user("reviewer", username="hub-reviewer"), "approve")
    return CaseReportPage.objects.get(pk=page.pk)


def test_refused_for_draft_and_submitted_cases(
    demo: dict[str, Any], make_user: Callable[..., User], tmp_path: Path, communicator: User
) -> None:
    case = _case(make_user, tmp_path)
    with pytest.raises(ReportRefused, match=rf"case {case.pk} is a draft; only approved"):
        draft_case_report(case, communicator)
    transition(case, "in_review", case.created_by)
    with pytest.raises(ReportRefused, match="is in review"):
        draft_case_report(case, communicator)
    assert not CaseReportPage.objects.exists()


@pytest.mark.parametrize("tlp", ["green", "amber"])
def test_refused_above_tlp_clear(
    demo: dict[str, Any], make_user: Callable[..., User], tmp_path: Path, tlp: str
) -> None:
    case = _approve(_case(make_user, tmp_path, tlp=tlp), make_user)
    with pytest.raises(ReportRefused, match=rf"TLP:{tlp.upper()}; only TLP:CLEAR") as refused:
        draft_case_report(case, make_user("communicator"))
    assert refused.value.hint and "approved again" in refused.value.hint
    assert not CaseReportPage.objects.exists()


def test_draft_is_not_public_until_another_reviewer_approves(
    approved: Case, make_user: Callable[..., User]
) -> None:
    author = make_user("communicator", "reviewer", username="both")
    page = draft_case_report(approved, author)
    assert not page.live and page.latest_revision.user == author
    assert Client().get(page.url).status_code == 404
    page.get_workflow().start(page, author)
    page = CaseReportPage.objects.get(pk=page.pk)
    state = page.current_workflow_task_state
    with pytest.raises(PermissionDenied):
        state.task.specific.on_action(state, author, "approve")
    assert not CaseReportPage.objects.get(pk=page.pk).live
    state.task.specific.on_action(state, make_user("reviewer"), "approve")
    page = CaseReportPage.objects.get(pk=page.pk)
    assert page.live and Client().get(page.url).status_code == 200
    drafted = AuditEvent.objects.get(object_type="hub-page", detail__event="draft-from-case")
    assert (drafted.action, drafted.actor_username, drafted.detail["case"]) == (
        "create", "both", approved.pk
    )  # fmt: skip


def test_private_accounts_appear_only_as_pseudonyms(
    approved: Case, communicator: User, make_user: Callable[..., User]
) -> None:
    page = _publish(draft_case_report(approved, communicator), communicator, make_user)
    html = Client().get(page.url).content.decode()
    for secret in PRIVATE:
        assert secret not in html, secret
    for account in ("other:b", "other:c"):
        assert pseudonym(account, approved.pk) in html
    assert "user_a" in html and "Public figure" in html  # named by handle
    assert "b[at]mail" not in html and "b@mail.example" not in html  # e-mail left out
    assert "hxxps://news[.]example/story" in html and "news[.]example" in html
    assert "https://news.example" not in html  # defanged, in free text too
    assert "T0049" in html and "Flood Information Space" in html
    assert "very likely (80–95 %)" in html and "moderate confidence" in html


def test_editors_cannot_name_a_private_account_or_undefang() -> None:
    with pytest.raises(ValidationError, match="pseudonym"):
        CaseReportAccount(kind="private", label="user_b").clean()
    with pytest.raises(ValidationError, match="never named"):
        CaseReportAccount(kind="private", label="account-0123456789ab", display_name="B").clean()
    CaseReportAccount(kind="public_figure", label="user_a").clean()
    with pytest.raises(ValidationError, match=re.escape("hxxps://a[.]example/x")):
        CaseReportIndicator(kind="url", value="https://a.example/x").clean()
    CaseReportIndicator(kind="domain", value="a[.]example").clean()


def test_redrafting_adds_a_revision_to_the_same_page(
    approved: Case, communicator: User, make_user: Callable[..., User]
) -> None:
    page = _publish(draft_case_report(approved, communicator), communicator, make_user)
    Case.objects.filter(pk=approved.pk).update(title="Zephyrwave, revised")  # re-approved
    again = draft_case_report(approved, communicator)
    assert again.pk == page.pk and CaseReportPage.objects.count() == 1
    assert again.revisions.count() == 2  # the published draft, the new one
    assert again.live and again.title == "Zephyrwave links flood"  # until reviewed again
    assert again.has_unpublished_changes
    assert again.get_latest_revision_as_object().title == "Zephyrwave, revised"
    kinds = AuditEvent.objects.filter(detail__event="draft-from-case").values_list("action")
    assert sorted(k for (k,) in kinds) == ["change", "create"]
    again.get_workflow().start(again, communicator)
    with pytest.raises(ReportRefused, match="is in review and cannot be re-drafted"):
        draft_case_report(approved, communicator)
    assert CaseReportPage.objects.get().revisions.count() == 2


@pytest.mark.parametrize("role", ["analyst", "member", "reviewer"])
def test_wrong_roles_are_refused(approved: Case, client_as: Any, make_user: Any, role: str) -> None:
    with pytest.raises(CasePermissionError, match="only a communicator"):
        draft_case_report(approved, make_user(role, username=f"lib-{role}"))
    response = client_as(role).post(f"/cases/{approved.pk}/public-report/")
    assert response.status_code == 403
    assert not CaseReportPage.objects.exists()


def test_communicator_drafts_from_the_case_page(approved: Case, client_as: Any) -> None:
    analyst = client_as("analyst").get(f"/cases/{approved.pk}/").content.decode()
    assert "Draft public report" not in analyst
    client = client_as("communicator")
    page = client.get(f"/cases/{approved.pk}/").content.decode()
    assert "Draft public report" in page and f"/cases/{approved.pk}/public-report/" in page
    response = client.post(f"/cases/{approved.pk}/public-report/")
    report = CaseReportPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cms/pages/{report.pk}/edit/"
    assert client.get(response["Location"]).status_code == 200
    assert not report.live


def test_case_page_explains_why_a_case_cannot_be_reported(
    demo: dict[str, Any], make_user: Any, tmp_path: Path, client_as: Any
) -> None:
    case = _case(make_user, tmp_path)
    page = client_as("communicator").get(f"/cases/{case.pk}/").content.decode()
    assert "Draft public report" not in page and "Only approved cases marked TLP:CLEAR" in page
    response = client_as("admin").post(f"/cases/{case.pk}/public-report/")
    assert response.status_code == 409 and b"is a draft" in response.content


def test_json_ld_report(approved: Case, communicator: User, make_user: Any) -> None:
    page = _publish(draft_case_report(approved, communicator), communicator, make_user)
    html = Client().get(page.url).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    (report,) = [d for d in map(json.loads, blocks) if d.get("@type") == "Report"]
    assert report["headline"] == "Zephyrwave links flood"
    assert report["url"].endswith(page.url) and report["reportNumber"] == f"case {approved.pk}"
    assert report["keywords"] == ["DISARM T0049"] and report["inLanguage"] == "en"
    assert report["datePublished"] == page.first_published_at.date().isoformat()


def test_search_sitemap_home_and_feed_list_it_once_live(
    approved: Case, communicator: User, make_user: Any
) -> None:
    import feedparser
    from wagtail.search.index import insert_or_update_object

    draft = draft_case_report(approved, communicator)
    insert_or_update_object(draft)
    client = Client()
    hidden = client.get("/en/hub/search/", {"q": "Zephyrwave"}).content.decode()
    assert f'href="{draft.url}"' not in hidden and "Zephyrwave links flood" not in hidden
    assert draft.url not in client.get("/sitemap.xml").content.decode()
    atom = client.get(f"/hub-feeds/{draft.get_parent().pk}.atom").content
    assert b"Zephyrwave" not in atom
    page = _publish(draft, communicator, make_user)
    insert_or_update_object(page)
    found = client.get("/en/hub/search/", {"q": "Zephyrwave"}).content.decode()
    assert f'href="{page.url}"' in found
    assert page.url in client.get("/sitemap.xml").content.decode()
    home = client.get(page.get_parent().url).content.decode()
    assert "Taskforce reports" in home and f'href="{page.url}"' in home
    feed = feedparser.parse(client.get(f"/hub-feeds/{page.get_parent().pk}.atom").content)
    assert not feed.bozo and "Zephyrwave links flood" in {e.title for e in feed.entries}


def test_cli_prints_the_draft_address(
    approved: Case, communicator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("onevoice.web.bootstrap.setup", lambda *a, **k: None)
    args = ["hub", "report-from-case", str(approved.pk), "--user", "comms"]
    result = CliRunner().invoke(cli, args)
    page = CaseReportPage.objects.get()
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"/cms/pages/{page.pk}/edit/\n")
    Case.objects.filter(pk=approved.pk).update(status="in_review")
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 1
    assert f"Error: case {approved.pk} is in review" in refused.output
