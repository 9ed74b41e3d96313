"""The hub's page tree, field rules, TLP rule and the demo loader."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from onevoice.hub.models import (
    DebunkPage,
    DocumentPage,
    DocumentVersion,
    HubHomePage,
    MeetingPage,
    PresidencyPage,
    TrackPage,
)
from onevoice.hub.models.documents import validate_scores
from onevoice.hub.models.presidency import contrast_ratio


def _english(model: Any) -> Any:
    return model.objects.filter(locale__language_code="en")


def test_tree_has_one_layout_per_presidency(demo: dict[str, Any]) -> None:
    home = demo["home"]
    years = [p.year for p in _english(PresidencyPage).child_of(home).order_by("year")]
    assert years == [2023, 2024, 2025, 2026]
    india = _english(PresidencyPage).get(year=2023)
    assert india.theme == "One Earth, One Family, One Future"
    assert "Vasudhaiva Kutumbakam" in india.theme_note
    assert _english(PresidencyPage).get(year=2024).theme == (
        "Building a Just World and a Sustainable Planet"
    )
    assert _english(PresidencyPage).get(year=2025).theme == "Solidarity, Equality, Sustainability"
    assert _english(PresidencyPage).get(year=2026).is_sample
    kinds = {t.kind for t in TrackPage.objects.child_of(india)}
    assert kinds == {"leaders", "sherpa", "finance", "engagement"}
    # every presidency page renders with the same template, whatever its theme
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    templates = {p.get_template(request) for p in PresidencyPage.objects.all()}
    assert templates == {"hub/presidency_page.html"}


def test_documents_are_marked_as_samples(demo: dict[str, Any]) -> None:
    documents = list(DocumentPage.objects.all())
    assert documents
    for doc in documents:
        assert doc.is_sample
        assert doc.title.startswith("Sample")
    declaration = DocumentPage.objects.get(
        slug="sample-leaders-declaration", title__contains="India"
    )
    statuses = {(v.language, v.status) for v in declaration.versions.all()}
    assert statuses == {("en", "original"), ("fr", "machine")}
    assert len(declaration.sha256) == 64
    assert {t.name for t in declaration.tags.all()} == {"sample", "g20-2023"}
    commitment = declaration.commitments.get()
    assert commitment.average() == 0


def test_demo_loads_twice_idempotently(demo: dict[str, Any]) -> None:
    from wagtail.models import Page

    from onevoice.hub.demo import load_demo

    before = sorted(Page.objects.values_list("url_path", "locale__language_code"))
    load_demo()
    after = sorted(Page.objects.values_list("url_path", "locale__language_code"))
    assert after == before
    assert DocumentVersion.objects.count() == 2 * DocumentPage.objects.count() - 3


@pytest.mark.parametrize(
    ("primary", "ok"), [("#1d3b6f", True), ("#ffff00", False), ("1d3b6f", False)]
)
def test_theme_colours_keep_white_text_readable(primary: str, ok: bool, db: Any) -> None:
    page = PresidencyPage(
        title="x", slug="x", year=2030, host_country="X", theme="T", primary_colour=primary
    )
    if ok:
        page.clean()
    else:
        with pytest.raises(ValidationError):
            page.clean()


def test_contrast_ratio_extremes() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


def test_compliance_scores_are_minus_one_zero_or_one() -> None:
    validate_scores({"Brazil": 1, "India": 0, "Japan": -1})
    for bad in ({"Brazil": 2}, {"": 1}, [1, 0]):
        with pytest.raises(ValidationError):
            validate_scores(bad)


def test_document_version_needs_file_or_text() -> None:
    with pytest.raises(ValidationError):
        DocumentVersion(language="en", status="original", text="  ").clean()
    DocumentVersion(language="en", status="original", text="x").clean()


def test_document_checksum_format(db: Any) -> None:
    doc = DocumentPage(title="x", slug="x", kind="report", sha256="ABC")
    with pytest.raises(ValidationError):
        doc.clean()


def test_tlp_above_clear_is_never_public(demo: dict[str, Any]) -> None:
    meeting = _english(MeetingPage).filter(title__contains="New Delhi").get()
    secret = DocumentPage(title="Amber report", slug="amber", kind="report", tlp="amber")
    meeting.add_child(instance=secret)
    secret.save_revision().publish()
    secret.refresh_from_db()
    assert secret.live
    assert Client().get(secret.url).status_code == 404
    listing = Client().get(meeting.url)
    assert listing.status_code == 200
    assert b"Amber report" not in listing.content
    assert secret not in DocumentPage.public_children(meeting)


def test_theme_stylesheet_has_only_colours(demo: dict[str, Any]) -> None:
    india = _english(PresidencyPage).get(year=2023)
    response = Client().get(f"/hub-theme/{india.pk}.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response.content.decode() == (
        ":root { --hub-primary: #7a3b00; --hub-accent: #1b6e2a; }\n"
    )
    assert Client().get("/hub-theme/999999.css").status_code == 404


def test_pages_render(demo: dict[str, Any]) -> None:
    client = Client()
    for model in (HubHomePage, PresidencyPage, TrackPage, MeetingPage, DocumentPage, DebunkPage):
        page = model.objects.live().first()
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert page.title.encode() in response.content.replace(b"&#x27;", b"'")
