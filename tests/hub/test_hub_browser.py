"""The hub in a real browser (Debian's Chromium): no CSP error, RTL Arabic, axe-core clean.

Against pytest-django's live server on the demo hub: the home, a presidency, a document,
the debunk, the Arabic presidency and a search page load with no console error (a CSP
violation is one) and no request leaving the server, and axe-core finds no WCAG 2.2 A/AA
violation. Set ``HUB_SCREENSHOTS=DIR`` to keep PNG screenshots.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser_helpers import axe_violations, describe, launch, needs_chromium

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/en/hub/",
    "presidency": "/en/hub/2023-india/",
    "document": "/en/hub/2023-india/leaders/summit/sample-leaders-declaration/",
    "debunk": "/en/hub/sample-debunk-summit-cancelled/",
    "accounts": "/en/hub/official-accounts/",
    "arabic": "/ar/hub/2023-india/",
    "search": "/fr/hub/search/?q=Inde",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_clean_in_chromium(
    name: str, browser: Any, live_server: Any, demo: dict[str, Any]
) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    problems: list[str] = []
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in {"error", "warning"} else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(base) and "favicon" not in route.request.url
            else route.abort()
        ),
    )
    try:
        response = page.goto(base + PAGES[name])
        assert response is not None and response.status == 200
        direction = page.evaluate("document.documentElement.dir")
        assert direction == ("rtl" if name == "arabic" else "ltr")
        if name == "arabic":
            # the header really is laid out right to left: the brand sits on the right
            brand = page.locator(".hub-brand").bounding_box()
            assert brand is not None and brand["x"] > 550
        violations = axe_violations(page)
        assert not violations, describe(violations)
        assert problems == []
        folder = os.environ.get("HUB_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"hub-{name}.png"), full_page=True)
    finally:
        context.close()
