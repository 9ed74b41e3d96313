"""The network explorer in a real browser (Debian's Chromium through Playwright).

Against pytest-django's live server on the demo store: no console error (a CSP violation is
one), no request leaves the server, the htmx filter swaps the table in place, the graph is
drawn from the JSON endpoint with hubs as diamonds, and without JavaScript the page still
shows its tables. Set ``EXPLORER_SCREENSHOTS=DIR`` to keep PNG screenshots.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser_helpers import axe_violations, describe, launch, needs_chromium
from tests.web.test_explorer import build_demo_store

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture
def demo(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    store, run_id = build_demo_store(tmp_path_factory.getbasetemp())
    settings.ONEVOICE_STORE = store
    return run_id


class Session:
    """A logged-in browser page that records console errors and foreign requests."""

    def __init__(self, browser: Any, base: str, cookie: str, *, js: bool = True) -> None:
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=js
        )
        host = base.split("//", 1)[1].split(":")[0]
        self.context.add_cookies(
            [{"name": "sessionid", "value": cookie, "domain": host, "path": "/"}]
        )
        self.problems: list[str] = []
        self.base = base
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"{m.type}: {m.text}")
                if m.type in {"error", "warning"}
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(base)
                else (self.problems.append(f"request: {route.request.url}"), route.abort())
            ),
        )

    def axe_violations(self) -> str:
        """WCAG 2.2 A/AA violations axe-core finds on the page, one per line."""
        return describe(axe_violations(self.page))

    def shot(self, name: str) -> None:
        folder = os.environ.get("EXPLORER_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            height = self.page.evaluate("document.documentElement.scrollHeight")
            for i, top in enumerate(range(0, min(height, 6000), 1500)):  # readable pieces
                clip = {"x": 0, "y": top, "width": 1280, "height": min(1500, height - top)}
                path = Path(folder) / name.replace(".png", f"-{i}.png")
                self.page.screenshot(path=str(path), full_page=True, clip=clip)


@pytest.fixture
def session(browser: Any, live_server: Any) -> Iterator[Callable[..., Session]]:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    opened: list[Session] = []

    def make(role: str = "analyst", *, js: bool = True) -> Session:
        # transactional tests flush the tables, the groups of the data migration with them
        group, _ = Group.objects.get_or_create(name=role)
        user = User.objects.create_user(f"{role}-{len(opened)}", password="not used here")
        user.groups.add(group)
        client = Client()
        client.force_login(user)
        s = Session(browser, live_server.url, client.cookies["sessionid"].value, js=js)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.context.close()


def test_list_filters_in_place_with_htmx(session: Callable[..., Session], demo: str) -> None:
    s = session()
    page = s.page
    page.goto(f"{s.base}/networks/")
    rows = page.locator("#network-table tbody tr")
    total = rows.count()
    assert total >= 5
    s.shot("explorer-list.png")
    page.evaluate("window.__notReloaded = true")
    page.select_option("#f-kind", "co-repost")
    # (wait_for_function would need 'unsafe-eval', which the CSP rightly refuses)
    page.locator("#network-table caption", has_text="with co-repost").wait_for()
    assert rows.count() < total
    assert page.evaluate("window.__notReloaded") is True  # swapped, not reloaded
    assert "kind=co-repost" in page.url  # and the address follows, for bookmarks
    assert rows.count() >= 1 and "co-repost" in page.locator("#network-table caption").inner_text()
    assert s.problems == []


def test_detail_draws_the_graph(session: Callable[..., Session], demo: str) -> None:
    s = session("reviewer")
    page = s.page
    page.goto(f"{s.base}/networks/{demo}/1/")
    page.wait_for_selector("#graph[data-drawn]")
    assert page.locator("#graph canvas").count() >= 1
    assert not page.locator(".graph-fallback").is_visible()
    assert "Drawn:" in page.locator("#graph-status").inner_text()
    box = page.locator("#graph").bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 300
    assert page.locator(".platform-key").count() >= 2  # colours are named in the legend
    page.wait_for_timeout(300)
    s.shot("explorer-detail.png")
    assert s.problems == []


def test_detail_without_javascript(session: Callable[..., Session], demo: str) -> None:
    s = session("communicator", js=False)
    page = s.page
    page.goto(f"{s.base}/networks/{demo}/2/")
    assert page.locator(".graph-fallback").is_visible()
    assert page.locator("svg.timeline rect.bar").count() >= 1
    assert page.locator("table.evidence tbody tr").count() >= 1
    assert page.locator("table.members tbody tr").count() >= 1
    # the plain form still filters
    page.goto(f"{s.base}/networks/")
    page.select_option("#f-kind", "co-hashtag")
    page.click("form.filters button[type=submit]")
    assert "kind=co-hashtag" in page.url
    assert "co-hashtag" in page.locator("#network-table caption").inner_text()
    s.shot("explorer-nojs.png")


def test_axe_finds_no_wcag_violation(session: Callable[..., Session], demo: str) -> None:
    s = session("analyst")
    for url in ("/networks/", f"/networks/{demo}/1/", f"/networks/{demo}/4/"):
        s.page.goto(f"{s.base}{url}")
        if url != "/networks/":
            s.page.wait_for_selector("#graph[data-drawn]")
        assert s.axe_violations() == "", url
    assert s.problems == []


def test_analyst_opens_a_case_from_the_network(session: Callable[..., Session], demo: str) -> None:
    s = session("analyst")
    s.page.goto(f"{s.base}/networks/{demo}/3/")
    s.page.click("text=Open a case from this network")
    s.page.wait_for_load_state("load")
    assert "/cases/" in s.page.url
    assert "Network 3" in s.page.content()
    assert s.problems == []
