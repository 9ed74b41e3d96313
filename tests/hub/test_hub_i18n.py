"""Languages on hub pages: lang, dir, hreflang alternates, the switcher; the CSP."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from onevoice.hub.jsonld import validate_claimreview
from onevoice.web.security import CMS_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY


def test_hub_redirects_to_a_language() -> None:
    response = Client().get("/hub/")
    assert response.status_code == 302
    assert response["Location"] == "/en/hub/"


def test_alternates_and_direction(demo: dict[str, Any]) -> None:
    client = Client()
    english = client.get("/en/hub/2023-india/").content.decode()
    assert '<html lang="en" dir="ltr">' in english
    hreflangs = dict(
        re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', english)
    )
    assert set(hreflangs) == {"en", "fr", "ar", "x-default"}
    assert hreflangs["ar"] == "http://localhost/ar/hub/2023-india/"
    assert hreflangs["x-default"] == hreflangs["en"]

    arabic = client.get("/ar/hub/2023-india/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "أرض واحدة، عائلة واحدة، مستقبل واحد" in arabic
    # the switcher: each language in itself, the current one marked
    assert re.search(
        r'<a href="/ar/hub/2023-india/" lang="ar" hreflang="ar" aria-current="page">', arabic
    )
    assert '<a href="/en/hub/2023-india/" lang="en" hreflang="en">English</a>' in arabic
    # untranslated tracks are shown in the original language, marked as such
    assert 'lang="en" dir="ltr"' in arabic
    assert "Think20 (T20)" in arabic

    french = client.get("/fr/hub/2023-india/").content.decode()
    assert '<html lang="fr" dir="ltr">' in french
    assert "Une seule Terre" in french


def test_untranslated_page_lists_itself_only(demo: dict[str, Any]) -> None:
    page = Client().get("/en/hub/sample-debunk-summit-cancelled/").content.decode()
    assert re.findall(r'hreflang="([^"]+)" href', page) == ["en", "x-default"]


def test_debunk_claimreview_validates(demo: dict[str, Any]) -> None:
    import json

    page = Client().get("/en/hub/sample-debunk-summit-cancelled/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    docs = [json.loads(b) for b in blocks]
    reviews = [d for d in docs if d.get("@type") == "ClaimReview"]
    assert len(reviews) == 1
    assert validate_claimreview(reviews[0]) == []
    assert reviews[0]["reviewRating"]["alternateName"] == "False"


def test_strict_csp_on_hub_relaxed_only_on_cms(demo: dict[str, Any], client_as: Any) -> None:
    hub = Client().get("/en/hub/")
    assert hub["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert hub["X-Frame-Options"] == "DENY"
    client = client_as("communicator")
    cms = client.get("/cms/")
    policy = cms["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'; ", policy)
    assert nonce is not None
    assert policy == CMS_CONTENT_SECURITY_POLICY.format(nonce=nonce.group(1))
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert cms["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/cms/")["Content-Security-Policy"] != policy  # a new nonce each time


def test_wagtail_inline_scripts_carry_the_nonce(demo: dict[str, Any], make_user: Any) -> None:
    from onevoice.hub.models import DocumentPage

    editor = make_user("communicator")
    client = Client()
    client.force_login(editor)
    doc = DocumentPage.objects.filter(locale__language_code="en").first()
    response = client.get(f"/cms/pages/{doc.pk}/edit/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    tags = re.findall(r"<script([^>]*)>", html)
    inline = [a for a in tags if "src=" not in a and "application/json" not in a]
    assert inline, "the editor has inline panels and date pickers"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline), inline


def test_switcher_reaches_every_language_from_any_page(demo: dict[str, Any]) -> None:
    page = Client().get("/en/hub/sample-debunk-summit-cancelled/").content.decode()
    nav = page.split('class="hub-langs"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav)
    assert links == [
        ("/en/hub/sample-debunk-summit-cancelled/", "en"),
        ("/fr/hub/", "fr"),
        ("/ar/hub/", "ar"),
    ]


def test_search_finds_pages_in_the_active_language(demo: dict[str, Any]) -> None:
    client = Client()
    english = client.get("/en/hub/search/", {"q": "Vasudhaiva"})
    assert english.status_code == 200
    assert b'href="/en/hub/2023-india/"' in english.content
    arabic = client.get("/ar/hub/search/", {"q": "الهند"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert 'href="/ar/hub/2023-india/"' in arabic
    assert 'href="/en/hub/2023-india/"' not in arabic.split("<main")[1]
    empty = client.get("/en/hub/search/", {"q": "zzzznothing"}).content.decode()
    assert "0 results" in empty


def test_search_switcher_lists_languages_with_a_home(demo: dict[str, Any]) -> None:
    page = Client().get("/fr/hub/search/", {"q": "Inde"}).content.decode()
    nav = page.split('class="hub-langs"')[1].split("</nav>")[0]
    codes = re.findall(r'lang="([^"]+)" hreflang', nav)
    assert codes == ["en", "fr", "ar"]
    assert 'href="/ar/hub/search/?q=Inde"' in nav


def test_interface_is_translated(demo: dict[str, Any]) -> None:
    client = Client()
    arabic = client.get("/ar/hub/2023-india/").content.decode()
    assert "<dt>السنة</dt>" in arabic
    assert 'aria-label="اللغة"' in arabic
    french = client.get("/fr/hub/2023-india/").content.decode()
    assert "<dt>Année</dt>" in french
    assert ">Rechercher</button>" in french
    english = client.get("/en/hub/2023-india/").content.decode()
    assert "<dt>Year</dt>" in english


def test_sitemap_lists_public_pages_in_every_language(demo: dict[str, Any]) -> None:
    from onevoice.hub.models import DocumentPage

    DocumentPage.objects.filter(slug="sample-dataset", title__contains="2024").update(tlp="red")
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    locs = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert "http://testserver/en/hub/2023-india/" in locs
    assert "http://testserver/ar/hub/2023-india/" in locs
    assert "http://testserver/fr/hub/" in locs
    assert not any("2024-brazil/leaders/sample-dataset" in loc for loc in locs)
    assert any("2023-india/leaders/sample-dataset" in loc for loc in locs)
    assert len(locs) == len(set(locs))


def test_feeds_per_language_presidency_and_track_parse(demo: dict[str, Any]) -> None:
    import feedparser

    from onevoice.hub.models import HubHomePage, PresidencyPage, TrackPage

    client = Client()
    english_home = HubHomePage.objects.get(locale__language_code="en")
    india = PresidencyPage.objects.get(locale__language_code="en", year=2023)
    leaders = TrackPage.objects.child_of(india).get(kind="leaders")
    page = client.get("/en/hub/2023-india/leaders/").content.decode()
    assert (
        f'type="application/atom+xml" title="Leaders (Atom)" href="/hub-feeds/{leaders.pk}.atom"'
        in page
    )
    for source, expected in ((english_home, 3 * 3 + 1), (india, 3), (leaders, 3)):
        for fmt in ("atom", "rss"):
            response = client.get(f"/hub-feeds/{source.pk}.{fmt}")
            assert response.status_code == 200
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, parsed.bozo_exception
            assert len(parsed.entries) == expected, (source, fmt)
    titles = {
        e.title for e in feedparser.parse(client.get(f"/hub-feeds/{india.pk}.atom").content).entries
    }
    assert "New Delhi Leaders' Summit" in titles
    arabic_home = HubHomePage.objects.get(locale__language_code="ar")
    parsed = feedparser.parse(client.get(f"/hub-feeds/{arabic_home.pk}.atom").content)
    assert not parsed.bozo
    assert parsed.entries == []  # nothing but the home and a presidency is in Arabic yet
    assert client.get("/hub-feeds/999999.atom").status_code == 404
