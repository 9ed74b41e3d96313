"""The export section of the case page in headless Chromium: an approved case offers its
STIX bundle, MISP event and platform CSVs as downloads, the page passes axe-core's WCAG 2.2
A/AA rules, and an imported case shows its source."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from onevoice.exchange.stix_export import bundle_json
from onevoice.exchange.stix_import import read_bundle
from onevoice.web.cases.exchange import bundle_for_cases, disarm_catalogs, import_cases
from onevoice.web.cases.models import Case
from tests.web.browser_helpers import axe_violations, describe, launch, login, needs_chromium
from tests.web.conftest import PASSWORD
from tests.web.test_case_exchange import demo_case
from tests.web.test_case_pages import make_store

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/onevoice-shots")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture
def approved(make_user: Callable[..., User], tmp_path: Path) -> Case:
    from onevoice.web.cases.disarm import load_disarm_dir
    from tests.web.test_case_exchange import DISARM

    load_disarm_dir(DISARM)
    analyst = make_user("analyst", username="ana")
    reviewer = make_user("reviewer", username="rev")
    return demo_case(analyst, reviewer, make_store(tmp_path), "Links flood")


def test_export_section_downloads_and_accessibility(
    live_server: Any, browser: Any, approved: Case
) -> None:
    page = browser.new_page()
    login(page, live_server.url, "rev", PASSWORD)
    page.goto(f"{live_server.url}/cases/{approved.pk}/")
    section = page.locator("#export")
    section.scroll_into_view_if_needed()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-export.png"), full_page=True)
    assert describe(axe_violations(page)) == ""
    with page.expect_download() as info:
        section.get_by_role("link", name="Export STIX bundle").click()
    download = info.value
    assert download.suggested_filename == f"onevoice-case-{approved.pk}.stix.json"
    bundle = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert bundle == json.loads(bundle_json(bundle_for_cases([approved])))
    links = section.get_by_role("link").all_inner_texts()
    assert links[:3] == ["Export STIX bundle", "MISP event", "Platform CSV"]
    assert any(text.startswith("Platform CSV for ") for text in links)
    page.close()


def test_imported_case_shows_its_source(live_server: Any, browser: Any, approved: Case) -> None:
    ana = User.objects.get(username="ana")
    exports = read_bundle(bundle_json(bundle_for_cases([approved])), disarm=disarm_catalogs())
    (imported,) = import_cases(exports, ana, source="EEAS", imported_from="eeas-2026-03.json")
    page = browser.new_page()
    login(page, live_server.url, "ana", PASSWORD)
    page.goto(f"{live_server.url}/cases/{imported.pk}/")
    banner = page.locator(".case-banner").inner_text()
    assert "Source: OneVoice · imported from eeas-2026-03.json" in banner
    assert "Not exportable: case" in page.locator("#export").inner_text()
    page.screenshot(path=str(SHOTS / "case-imported.png"), full_page=True)
    assert describe(axe_violations(page)) == ""
    page.close()
