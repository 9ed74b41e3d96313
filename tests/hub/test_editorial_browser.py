"""The hub's editorial flow end to end, through the Wagtail admin screens, in Chromium.

Issue 7's "must show": a ``communicator`` drafts a report in the admin (``/cms/``) under the
India 2023 Sherpa track and submits it for review; while it waits it answers 404 to the
public, its author finds no approve action and a forged approve POST is refused. A
``reviewer`` approves it from the dashboard and it goes live. The communicator then makes
the French and Arabic versions with Wagtail's "Translate" action, rewrites their titles and
summaries, submits them; the reviewer approves both. The public reads the report in three
languages (``lang="fr"``, ``dir="rtl"`` in Arabic) through the English page's language
switcher, search finds it in English and French, and our audit log names who submitted,
approved and published each version.

Every admin screen used runs under the strict ``/cms/`` CSP with no console error (a CSP
violation is one) and no request leaving the server; axe-core finds no WCAG 2.2 A/AA
violation on the three public pages. Search indexing is queued for ``onevoice worker`` (the
django-tasks database backend): the test runs the queue the way the worker does. Set
``HUB_SCREENSHOTS=DIR`` to keep a PNG of each step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from onevoice.hub.models import DocumentPage, TrackPage
from onevoice.web.audit.models import AuditEvent
from tests.web.browser_helpers import axe_violations, describe, launch, login, needs_chromium
from tests.web.conftest import PASSWORD

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

#: The report in each language: title, summary and the word search must find it by.
TEXT = {
    "en": (
        "Sherpa report on summit rumours",
        "Sample report: how the sherpas traced false rumours about the summit.",
        "rumours",
    ),
    "fr": (
        "Rapport des sherpas sur les rumeurs du sommet",
        "Exemple de rapport : comment les sherpas ont suivi les fausses rumeurs sur le sommet.",
        "rumeurs",
    ),
    "ar": (
        "تقرير الشيربا عن شائعات القمة",
        "تقرير تجريبي: كيف تتبّع الشيربا الشائعات الكاذبة عن القمة.",
        "شائعات",
    ),
}
BODY = "Sample body: the sherpas logged forty false claims before the New Delhi summit."
REFUSED = "Sorry, you do not have permission to access this area."


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture
def site(live_server: Any, demo: dict[str, Any], make_user: Callable[..., User]) -> dict[str, Any]:
    """The live server on the demo hub; a communicator and a reviewer."""
    return {
        "url": live_server.url,
        "track": TrackPage.objects.get(
            locale__language_code="en", slug="sherpa", url_path__contains="/2023-india/"
        ),
        "communicator": make_user("communicator", username="comm"),
        "reviewer": make_user("reviewer", username="rev"),
    }


class Screens:
    """Browser contexts for the people in the story, and what went wrong in their consoles."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser = browser
        self.base = base
        self.contexts: list[Any] = []
        self.problems: list[str] = []
        self.folder = os.environ.get("HUB_SCREENSHOTS")
        self.shots = 0

    def open(self, username: str | None = None) -> Any:
        """A page in a new context, logged in as ``username`` (anonymous when None)."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        self.contexts.append(context)
        # nothing may leave the server; Chromium's own /favicon.ico probe is not ours
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(self.base + "/")
                and route.request.url != self.base + "/favicon.ico"
                else route.abort()
            ),
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        who = username or "public"
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"{who} {m.type} on {page.url}: {m.text}")
                if m.type in {"error", "warning"}
                else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"{who} script error: {e}"))
        if username:
            login(page, self.base, username, PASSWORD)
        return page

    def shot(self, page: Any, name: str) -> None:
        """Keep a screenshot of this step when ``HUB_SCREENSHOTS`` names a folder."""
        if self.folder:
            self.shots += 1
            Path(self.folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(self.folder) / f"editorial-{self.shots:02d}-{name}.png"))

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def screens(browser: Any, site: dict[str, Any]) -> Iterator[Screens]:
    made = Screens(browser, site["url"])
    yield made
    made.close()


def run_worker() -> None:
    """Run the queued background tasks (search index updates) as ``onevoice worker`` does."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def message(page: Any, text: str) -> None:
    """Wait for the admin's message after an action, e.g. "… submitted for moderation"."""
    expect(page.locator(".messages")).to_contain_text(text, timeout=20_000)


def more_actions(page: Any) -> Any:
    """Open the edit screen's "More actions" menu of the save/submit button."""
    page.get_by_role("button", name="More actions").click()
    return page


def submit_for_review(page: Any) -> None:
    """From a page's edit screen: save its draft, then submit it to the hub's review."""
    page.get_by_role("button", name="Save draft").click()
    message(page, "has been updated")
    more_actions(page).get_by_role("button", name="Submit to Hub review").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))
    message(page, "has been submitted for moderation")


def draft_report(screens: Screens, page: Any, track: Any) -> int:
    """The communicator adds the English report under the track and submits it; its id."""
    title, summary, _ = TEXT["en"]
    page.goto(f"{screens.base}/cms/")
    page.get_by_role("link", name=re.compile(r"Pages created in")).click()
    page.get_by_role("link", name="Explore child pages of 'G20 2023: India'").click()
    page.get_by_role("link", name=f"Add a child page to '{track.title}'").click()
    page.get_by_role("link", name="Document page", exact=True).click()
    page.wait_for_url(re.compile(r"/cms/pages/add/hub/documentpage/\d+/$"))
    page.get_by_role("textbox", name="Title*").fill(title)
    page.get_by_role("textbox", name="Summary").fill(summary)
    page.get_by_role("combobox", name="Kind*").select_option(label="Report")
    page.get_by_role("combobox", name="TLP*").select_option(label="TLP:CLEAR")
    page.get_by_role("button", name="Add Language versions").click()
    page.get_by_role("textbox", name="Language*").fill("en")
    page.get_by_role("combobox", name="Status*").select_option(label="Original")
    page.get_by_role("textbox", name="Text", exact=True).fill(BODY)
    screens.shot(page, "communicator-drafts")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/edit/$"))
    page_id = int(re.findall(r"/cms/pages/(\d+)/edit/", page.url)[0])
    screens.shot(page, "draft-saved")
    more_actions(page).get_by_role("button", name="Submit to Hub review").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))
    message(page, "has been submitted for moderation")
    screens.shot(page, "submitted")
    return page_id


def author_cannot_approve(screens: Screens, page: Any, report: DocumentPage) -> None:
    """No approve action for the author, and a forged approve POST changes nothing."""
    page.goto(f"{screens.base}/cms/pages/{report.pk}/edit/")
    more_actions(page)
    expect(page.get_by_role("button", name="Cancel workflow")).to_be_visible()
    assert page.get_by_role("button", name=re.compile(r"^Approve")).count() == 0
    screens.shot(page, "author-has-no-approve")
    state = report.current_workflow_task_state
    assert state is not None
    url = reverse("wagtailadmin_pages:workflow_action", args=(report.pk, "approve", state.pk))
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        screens.base + url, form={"csrfmiddlewaretoken": token}, max_redirects=0
    )
    assert response.status == 302
    page.goto(f"{screens.base}/cms/")
    message(page, REFUSED)
    assert page.locator("#awaiting-review-section").count() == 0, "not the author's to review"
    report.refresh_from_db()
    assert not report.live


def approve_from_dashboard(screens: Screens, page: Any, code: str) -> None:
    """The reviewer opens the ``code`` version "Awaiting your review" and approves it."""
    page.goto(f"{screens.base}/cms/")
    awaiting = page.locator("#awaiting-review-section")
    awaiting.get_by_role("link", name=TEXT[code][0]).click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/edit/$"))
    if code == "en":
        # the preview panel frames the page under the public policy (frame-ancestors 'self')
        page.get_by_role("button", name="Toggle preview").click()
        preview = page.frame_locator("iframe#w-preview-iframe[src*=in_preview_panel]")
        assert preview.get_by_role("heading", level=1).inner_text() == TEXT[code][0]
    screens.shot(page, f"reviewer-opens-{code}")
    more_actions(page).get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))
    message(page, "has been updated")


def translate(screens: Screens, page: Any, track: Any) -> None:
    """The communicator translates the track with its report into French and Arabic."""
    page.goto(f"{screens.base}/cms/pages/{track.pk}/")
    page.get_by_role("button", name="Actions").click()
    action = page.get_by_role("link", name="Translate")
    action.or_(page.get_by_role("link", name="History")).first.wait_for()
    assert action.count() == 1, "communicators need simple_translation.submit_translation"
    action.click()
    page.wait_for_url(re.compile(r"/cms/translation/submit/page/\d+/$"))
    page.get_by_label("French").check()
    page.get_by_label("Arabic").check()
    page.get_by_label("Include subtree (1 page)").check()
    screens.shot(page, "translate")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))
    message(page, "was successfully created in 2 locales")


def rewrite_translation(screens: Screens, page: Any, report: DocumentPage, code: str) -> None:
    """From the English edit screen, switch to the ``code`` version, rewrite it, submit it."""
    language = {"fr": "French", "ar": "Arabic"}[code]
    title, summary, _ = TEXT[code]
    page.goto(f"{screens.base}/cms/pages/{report.pk}/edit/")
    status = page.get_by_role("button", name="Toggle status")
    if status.get_attribute("aria-expanded") != "true":  # the admin remembers it open
        status.click()
    switch = page.get_by_role("button", name="Switch locales")
    switch.or_(page.get_by_text("No other translations")).first.wait_for()
    assert switch.count() == 1, f"the communicator may not edit the {language} tree"
    switch.click()
    page.get_by_role("link", name=language, exact=True).click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/edit/$"))
    assert f"/cms/pages/{report.pk}/" not in page.url
    page.get_by_role("textbox", name="Title*").fill(title)
    page.get_by_role("textbox", name="Summary").fill(summary)
    screens.shot(page, f"translation-{code}")
    submit_for_review(page)


def public_page(screens: Screens, page: Any, response: Any, code: str) -> None:
    """The live ``code`` version just loaded: 200, language, direction, title; axe-clean."""
    assert response is not None and response.status == 200, page.url
    assert f"/{code}/hub/2023-india/sherpa/" in page.url
    assert page.evaluate("document.documentElement.lang") == code
    assert page.evaluate("document.documentElement.dir") == ("rtl" if code == "ar" else "ltr")
    assert page.get_by_role("heading", level=1).inner_text() == TEXT[code][0]
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"
    screens.shot(page, f"public-{code}")


def search_results(screens: Screens, page: Any, code: str) -> list[str]:
    """The titles the public search in language ``code`` lists for the report's word."""
    page.goto(f"{screens.base}/{code}/hub/search/?q={TEXT[code][2]}")
    screens.shot(page, f"search-{code}")
    return [str(t) for t in page.locator(".hub-results a").all_inner_texts()]


def audit_steps(page_id: int) -> list[tuple[str, str]]:
    """(event, user) of the publishing steps of one page in our audit log, sorted."""
    rows = AuditEvent.objects.filter(object_type="hub-page", object_id=str(page_id))
    return sorted((e.detail["event"], e.actor_username) for e in rows)


def test_communicator_drafts_reviewer_publishes_in_three_languages(
    site: dict[str, Any], screens: Screens
) -> None:
    base, track = site["url"], site["track"]
    communicator = screens.open("comm")
    anonymous = screens.open()

    # 1. the communicator drafts the report and submits it; the public cannot see it
    report = DocumentPage.objects.get(pk=draft_report(screens, communicator, track))
    assert (report.kind, report.tlp, report.live) == ("report", "clear", False)
    assert [(v.language, v.status, v.text) for v in report.versions.all()] == [
        ("en", "original", BODY)
    ]
    public_url = f"{base}/en/hub/2023-india/sherpa/{report.slug}/"
    assert anonymous.request.get(public_url).status == 404

    # 2. its author cannot approve it, neither in the admin nor by a forged POST
    author_cannot_approve(screens, communicator, report)
    assert anonymous.request.get(public_url).status == 404
    run_worker()  # the draft is in the search index now, but search shows only live pages
    assert search_results(screens, anonymous, "en") == []

    # 3. another user, a reviewer, approves it from the dashboard: it is live
    reviewer = screens.open("rev")
    approve_from_dashboard(screens, reviewer, "en")
    report.refresh_from_db()
    assert report.live
    public_page(screens, anonymous, anonymous.goto(public_url), "en")

    # 4. French and Arabic versions through the admin's Translate action, each reviewed
    translate(screens, communicator, track)
    for code in ("fr", "ar"):
        rewrite_translation(screens, communicator, report, code)
        approve_from_dashboard(screens, reviewer, code)
    versions = {p.locale.language_code: p for p in report.get_translations(inclusive=True)}
    assert sorted(versions) == ["ar", "en", "fr"]
    assert all(p.live for p in versions.values())
    anonymous.goto(public_url)
    switcher = anonymous.get_by_role("navigation", name="Language")
    links = {
        code: switcher.locator(f"a[hreflang={code}]").get_attribute("href") for code in ("fr", "ar")
    }
    assert links == {code: versions[code].specific.get_url() for code in ("fr", "ar")}, (
        "the switcher links to the translations"
    )
    for code in ("fr", "ar"):
        anonymous.goto(public_url)
        with anonymous.expect_navigation() as navigation:
            switcher.locator(f"a[hreflang={code}]").click()
        public_page(screens, anonymous, navigation.value, code)

    # 5. search finds it, in English and in French (the worker updates the index)
    run_worker()
    for code in ("en", "fr"):
        assert search_results(screens, anonymous, code) == [TEXT[code][0]], code

    # 6. the audit log has each step with the right user
    for code, version in versions.items():
        steps = audit_steps(version.pk)
        assert {
            ("submit-for-review", "comm"),
            ("review-approve", "rev"),
            ("publish", "rev"),
        } <= set(steps), (code, steps)
        assert {user for e, user in steps if e in {"publish", "review-approve"}} == {"rev"}

    # 7. no console error and no CSP violation on any screen used
    assert screens.problems == []
