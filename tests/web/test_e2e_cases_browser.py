"""End to end in headless Chromium: from a demo network to an approved case (issue 5).

An analyst logs in, opens a case from a network the demo data's detection found, tags a
DISARM technique and submits the case; a different reviewer approves it. The same person
cannot approve a case they opened (no button, and a forged POST is refused), and a
``member`` cannot open a case at all. axe-core checks every page on the way for WCAG 2.2
A/AA violations. The server is pytest-django's live server on the test database, reading a
store built from ``demo/data`` (co-link and co-repost).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from onevoice.detect.params import DetectParams
from onevoice.detect.run import detect
from onevoice.ingest import ingest_file
from onevoice.store import Store
from tests.conftest import ROOT, SHARED
from tests.web.browser_helpers import axe_violations, describe, launch, login, needs_chromium
from tests.web.conftest import PASSWORD

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

DEMO = ROOT / "demo" / "data"
DISARM_17 = SHARED / "data" / "disarm" / "DISARM-1.7.stix.json"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data, ingested, with one co-link + co-repost detection run."""
    path = tmp_path_factory.mktemp("e2e") / "store"
    with Store(path) as store:
        for f in sorted(DEMO.iterdir()):
            if f.name != "ground_truth.json":
                ingest_file(store, str(f))
        detect(store, DetectParams(kinds=("co-link", "co-repost"), window=60, min_weight=2))
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture
def site(
    live_server: Any, settings: Any, demo_store: Path, make_user: Callable[..., User]
) -> dict[str, Any]:
    """The live server on the demo store, DISARM 1.7 loaded, one user per part played."""
    from onevoice.web import storecache
    from onevoice.web.cases.disarm import load_disarm

    if not DISARM_17.exists():
        pytest.fail(f"DISARM 1.7 is missing at {DISARM_17} (set ONEVOICE_SHARED)")
    settings.ONEVOICE_STORE = demo_store
    storecache.clear()
    load_disarm(DISARM_17)
    return {
        "url": live_server.url,
        "analyst": make_user("analyst", username="ana"),
        "reviewer": make_user("reviewer", username="rev"),
        "both": make_user("analyst", "reviewer", username="ana-rev"),
        "member": make_user("member", username="mem"),
    }


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[[], Any]]:
    """Pages in fresh browser contexts (one per user), closed afterwards."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page: Any, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {what} ({page.url}):\n{describe(violations)}"


def open_case_from_first_network(page: Any, url: str) -> int:
    """From the explorer's list to the largest network, then "Open a case"; the case id."""
    page.goto(f"{url}/networks/")
    assert_accessible(page, "the network explorer")
    page.get_by_role("link", name="Network 1", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Network 1")
    assert_accessible(page, "a network's page")
    page.get_by_role("button", name="Open a case from this network").click()
    page.wait_for_load_state()
    match = re.search(r"/cases/(\d+)/$", page.url)
    assert match, f"not on a case page: {page.url}"
    return int(match.group(1))


def tag_technique(page: Any, external_id: str) -> None:
    page.get_by_label("Search techniques").fill(external_id)
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    select = page.locator("#id_technique")
    value = select.locator("option", has_text=re.compile(rf"^{external_id} ")).get_attribute(
        "value"
    )
    select.select_option(value)
    page.get_by_role("button", name="Tag technique").click()
    page.wait_for_load_state()


def status_of(page: Any) -> str:
    return str(page.locator(".case-banner .status").inner_text())


def test_analyst_opens_tags_submits_and_another_reviewer_approves(
    site: dict[str, Any], new_page: Callable[[], Any]
) -> None:
    url = site["url"]
    analyst = new_page()
    login(analyst, url, "ana", PASSWORD)
    assert_accessible(analyst, "the dashboard")
    case_id = open_case_from_first_network(analyst, url)
    assert "Network 1" in analyst.get_by_role("heading", level=1).inner_text()
    assert analyst.get_by_text("Network 1 of detect run").first.is_visible()  # the evidence
    tag_technique(analyst, "T0049")
    techniques = analyst.locator("#techniques table")
    assert "T0049" in techniques.inner_text()
    assert "DISARM 1.7" in techniques.inner_text()
    assert_accessible(analyst, "a draft case")
    analyst.get_by_role("button", name="Submit for review").click()
    analyst.wait_for_load_state()
    assert "in review" in status_of(analyst).lower()
    assert analyst.get_by_role("button", name="Approve").count() == 0  # not a reviewer

    reviewer = new_page()
    login(reviewer, url, "rev", PASSWORD)
    reviewer.goto(f"{url}/cases/{case_id}/")
    assert_accessible(reviewer, "a case in review, seen by a reviewer")
    reviewer.get_by_label("Comment on approve (optional)").fill("Evidence checked; T0049 fits.")
    reviewer.get_by_role("button", name="Approve").click()
    reviewer.wait_for_load_state()
    assert "approved" in status_of(reviewer).lower()

    reviewer.goto(f"{url}/cases/{case_id}/history/")
    history = reviewer.locator("main").inner_text()
    for action in ("create", "attach network", "tag technique", "submit", "approve"):
        assert action in history, f"{action!r} missing from the history"
    assert_accessible(reviewer, "a case's history")
    reviewer.goto(f"{url}/cases/{case_id}/report/")
    report = reviewer.locator("main").inner_text()
    assert "T0049" in report and "Key findings" in report
    assert_accessible(reviewer, "a case's report")
    reviewer.goto(f"{url}/cases/")
    assert_accessible(reviewer, "the case list")

    from onevoice.web.cases.models import Case

    case = Case.objects.get(pk=case_id)
    assert case.status == "approved"
    assert case.created_by.get_username() == "ana"
    approve = case.versions.get(action="approve")
    assert approve.created_by.get_username() == "rev"


def test_nobody_approves_their_own_case(site: dict[str, Any], new_page: Callable[[], Any]) -> None:
    url = site["url"]
    page = new_page()
    login(page, url, "ana-rev", PASSWORD)  # both analyst and reviewer
    case_id = open_case_from_first_network(page, url)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Approve").count() == 0
    assert page.get_by_text("another reviewer must approve or reject it").is_visible()

    # A forged POST (the form the page does not show) is refused as well.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{url}/cases/{case_id}/transition/",
        form={"to": "approved", "comment": "looks fine to me"},
        headers={"X-CSRFToken": token, "Referer": f"{url}/cases/{case_id}/"},
        max_redirects=0,
    )
    assert response.status == 403

    from onevoice.web.cases.models import Case

    assert Case.objects.get(pk=case_id).status == "in_review"


def test_a_member_cannot_open_a_case(site: dict[str, Any], new_page: Callable[[], Any]) -> None:
    url = site["url"]
    analyst = new_page()
    login(analyst, url, "ana", PASSWORD)
    case_id = open_case_from_first_network(analyst, url)

    member = new_page()
    login(member, url, "mem", PASSWORD)
    for path in (f"/cases/{case_id}/", f"/cases/{case_id}/report/", "/cases/", "/networks/"):
        response = member.goto(f"{url}{path}")
        assert response is not None and response.status == 403, path
        assert "Your role does not give access" in member.locator("main").inner_text()
        assert "Network 1" not in member.content()
    assert_accessible(member, "the 403 page")
    api = member.request.get(f"{url}/api/cases/{case_id}")
    assert api.status == 403
    assert api.json()["error"]["code"] == "forbidden"
