"""Atom and RSS feeds of the hub, read back with feedparser (as feed readers do)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from django.test import Client

from onevoice.hub.feed_views import bcp47
from onevoice.hub.feeds import FeedItem, atom_feed, rss_feed, tag_uri

SITE = "https://g20.example.org"
ITEMS = [
    FeedItem(
        title="Leaders' declaration",
        url=f"{SITE}/en/documents/rio-declaration/",
        summary="The declaration of the Rio summit.",
        published=datetime(2024, 11, 18, 12, 0, tzinfo=UTC),
        categories=("Leaders", "2024"),
    ),
    FeedItem(
        title="No, the G20 does not ban cash <really> & truly",
        url=f"{SITE}/en/debunks/cash-ban/",
        summary="The image was altered: a < b & c.",
        published=datetime(2024, 11, 20, 9, 0, tzinfo=UTC),
        updated=datetime(2024, 11, 21, 9, 0, tzinfo=UTC),
        author="Communication office",
    ),
    FeedItem(
        title="بيان القادة",
        url=f"{SITE}/ar/وثائق/بيان/",
        summary="ترجمة رسمية",
        # a naive time is UTC; an aware one in another zone is converted
        published=datetime(2024, 11, 19, 8, 0, tzinfo=timezone(timedelta(hours=3))),
        language="ar",
    ),
]


def parse(text: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("build", [atom_feed, rss_feed])
def test_feed_parses_with_the_right_entries(build: object) -> None:
    assert callable(build)
    text = build("G20 — English", f"{SITE}/en/", ITEMS, "en", f"{SITE}/en/feed")
    parsed = parse(text)
    assert parsed.feed.title == "G20 — English"
    assert parsed.feed.language == "en"
    titles = [e.title for e in parsed.entries]
    # newest first
    assert titles == [ITEMS[1].title, ITEMS[2].title, ITEMS[0].title]
    cash = parsed.entries[0]
    assert cash.link == ITEMS[1].url
    assert cash.id == "tag:g20.example.org,2024-11-20:/en/debunks/cash-ban/"
    assert "a &lt; b &amp; c" in cash.summary
    assert cash.author == "Communication office"
    assert (
        parsed.entries[1].link
        == f"{SITE}/ar/%D9%88%D8%AB%D8%A7%D8%A6%D9%82/%D8%A8%D9%8A%D8%A7%D9%86/"
    )
    assert [t.term for t in parsed.entries[2].tags] == ["Leaders", "2024"]
    assert parsed.entries[2].published_parsed[:5] == (2024, 11, 18, 12, 0)


def test_atom_specifics() -> None:
    parsed = parse(atom_feed("G20", f"{SITE}/en/", ITEMS, "en", f"{SITE}/en/feed.atom"))
    assert parsed.version == "atom10"
    assert parsed.feed.id == f"{SITE}/en/feed.atom"
    assert parsed.feed.updated_parsed[:4] == (2024, 11, 21, 9)  # newest update, not "now"
    assert parsed.entries[1].title_detail.language == "ar"  # entry xml:lang
    assert parsed.entries[0].title_detail.language == "en"
    assert parsed.entries[0].updated_parsed[:3] == (2024, 11, 21)
    assert parsed.entries[1].published_parsed[:4] == (2024, 11, 19, 5)  # +03:00 → UTC


def test_rss_specifics() -> None:
    parsed = parse(rss_feed("G20", f"{SITE}/en/", ITEMS, "en", f"{SITE}/en/feed.rss"))
    assert parsed.version == "rss20"
    assert parsed.entries[0].guidislink is False


def test_output_is_deterministic_and_order_free() -> None:
    one = atom_feed("G20", f"{SITE}/en/", ITEMS, "en", f"{SITE}/en/feed.atom")
    two = atom_feed("G20", f"{SITE}/en/", list(reversed(ITEMS)), "en", f"{SITE}/en/feed.atom")
    assert one == two
    assert rss_feed("G20", f"{SITE}/", ITEMS, "en", f"{SITE}/f") == rss_feed(
        "G20", f"{SITE}/", ITEMS[::-1], "en", f"{SITE}/f"
    )


def test_empty_feed_does_not_use_the_clock() -> None:
    text = atom_feed("G20", f"{SITE}/en/", [], "en", f"{SITE}/en/feed.atom")
    assert parse(text).feed.updated_parsed[:3] == (1970, 1, 1)
    fixed = datetime(2025, 1, 1, tzinfo=UTC)
    text = rss_feed("G20", f"{SITE}/en/", [], "fr", f"{SITE}/f", updated=fixed)
    assert "Wed, 01 Jan 2025 00:00:00 +0000" in text
    assert parse(text).feed.language == "fr"


def test_mappings_are_accepted_and_naive_times_are_utc() -> None:
    item = {"title": "T", "url": f"{SITE}/x/", "published": datetime(2024, 1, 2, 3, 4)}
    parsed = parse(atom_feed("G20", f"{SITE}/", [item], "en", f"{SITE}/feed.atom"))
    assert parsed.entries[0].published_parsed[:5] == (2024, 1, 2, 3, 4)
    assert parsed.entries[0].id == "tag:g20.example.org,2024-01-02:/x/"


def test_tag_uri_keeps_query_and_fragment() -> None:
    uri = tag_uri(f"{SITE}/en/d/?page=2#s", datetime(2024, 5, 6, 23, 0, tzinfo=UTC))
    assert uri == "tag:g20.example.org,2024-05-06:/en/d/?page=2#s"


# --- the hub's own feeds, per language, presidency and track ------------------------------

LANGS = ("en", "fr", "ar")
DECLARATION = {
    "en": "Sample document: a leaders' declaration (India 2023)",
    "fr": "Document d’exemple : déclaration des dirigeants (Inde 2023)",
    "ar": "وثيقة نموذجية: إعلان القادة (الهند 2023)",
}
SUMMIT = {"en": "New Delhi Leaders' Summit", "fr": "Sommet de New Delhi", "ar": "قمة نيودلهي"}


def _translate(page: Any, code: str, **fields: Any) -> Any:
    from wagtail.models import Locale

    copy = page.copy_for_translation(Locale.objects.get(language_code=code), copy_parents=True)
    copy = copy.specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return copy


@pytest.fixture
def hub(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo with India's leaders track, summit and declaration in French and Arabic, plus
    what no feed may list: a French TLP:AMBER document and an Arabic draft."""
    from onevoice.hub.models import (
        DebunkPage,
        DocumentPage,
        HubHomePage,
        MeetingPage,
        PresidencyPage,
        TrackPage,
    )

    india = PresidencyPage.objects.get(locale__language_code="en", year=2023)
    track = TrackPage.objects.child_of(india).get(kind="leaders")
    meeting = MeetingPage.objects.child_of(track).get()
    declaration = DocumentPage.objects.child_of(meeting).get()
    declaration.title = DECLARATION["en"]
    declaration.save_revision().publish()
    pages: dict[str, Any] = {}
    for code, track_title in (("fr", "Dirigeants"), ("ar", "القادة")):
        t = _translate(track, code, title=track_title)
        m = _translate(meeting, code, title=SUMMIT[code])
        _translate(declaration, code, title=DECLARATION[code])
        pages[code] = (HubHomePage.objects.get(locale=t.locale), t.get_parent().specific, t, m)
    pages["en"] = (demo["home"], india, track, meeting)
    amber = DocumentPage(title="Document TLP:AMBER", slug="amber", kind="report", tlp="amber")
    pages["fr"][3].add_child(instance=amber)
    amber.save_revision().publish()
    draft = DocumentPage(title="مسودة", slug="draft", kind="report", live=False)
    pages["ar"][2].add_child(instance=draft)
    draft.save_revision()
    debunk = _translate(demo["debunk"], "fr", title="Exemple de démenti")
    assert isinstance(debunk, DebunkPage)
    return pages


def _feed_links(path: str) -> dict[str, str]:
    """The page's feed links by type (and checks the page names exactly one of each)."""
    html = Client().get(path).content.decode()
    links = re.findall(
        r'<link rel="alternate" type="application/(atom|rss)\+xml"[^>]*href="([^"]+)"', html
    )
    assert sorted(kind for kind, _ in links) == ["atom", "rss"], links
    return dict(links)


def _entries(url: str, lang: str) -> list[str]:
    """The feed's entry titles after checking it parses and is all in ``lang``."""
    response = Client().get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.language == lang
    for entry in parsed.entries:
        assert urlsplit(entry.link).path.startswith(f"/{lang}/hub/"), entry.link
        if parsed.version == "atom10":
            assert entry.title_detail.language == lang
    return sorted(e.title for e in parsed.entries)


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_home_presidency_and_track_feeds(hub: dict[str, Any], lang: str) -> None:
    home, presidency, track, meeting = hub[lang]
    in_track = sorted(
        [DECLARATION[lang], SUMMIT[lang]]
        + (["Sample data set: meetings of the 2023 presidency"] if lang == "en" else [])
    )
    expected = {
        home: {"en": None, "fr": sorted([*in_track, "Exemple de démenti"]), "ar": in_track}[lang],
        presidency: in_track,
        track: in_track,
    }
    for page, titles in expected.items():
        assert page.locale.language_code == lang
        links = _feed_links(page.url)
        assert links == {"atom": f"/hub-feeds/{page.pk}.atom", "rss": f"/hub-feeds/{page.pk}.rss"}
        for url in links.values():
            found = _entries(url, lang)
            if titles is not None:
                assert found == titles, (page, url)
            assert "Document TLP:AMBER" not in found and "مسودة" not in found
    # a meeting's page links its track's feed
    assert _feed_links(meeting.url)["atom"] == f"/hub-feeds/{track.pk}.atom"


def test_english_home_feed_is_the_whole_hub(hub: dict[str, Any]) -> None:
    titles = _entries(_feed_links("/en/hub/")["atom"], "en")
    assert DECLARATION["en"] in titles
    assert "Sample debunk: “the G20 summit was cancelled”" in titles
    assert not {DECLARATION["fr"], DECLARATION["ar"], "Exemple de démenti"} & set(titles)
    years = {re.findall(r"\d{4}", t)[0] for t in titles if t.startswith("Sample data set")}
    assert years == {"2023", "2024", "2025"}


def test_unpublished_or_restricted_pages_leave_the_feed(hub: dict[str, Any]) -> None:
    from wagtail.models import PageViewRestriction

    _home, presidency, track, meeting = hub["en"]
    url = f"/hub-feeds/{track.pk}.atom"
    assert DECLARATION["en"] in _entries(url, "en")
    meeting.unpublish()  # its declaration stays live, but the feed drops it
    assert _entries(url, "en") == ["Sample data set: meetings of the 2023 presidency"]

    PageViewRestriction.objects.create(page=track, restriction_type="login")
    assert Client().get(url).status_code == 404
    assert DECLARATION["en"] not in _entries(f"/hub-feeds/{presidency.pk}.atom", "en")
    track.unpublish()
    assert Client().get(f"/hub-feeds/{track.pk}.rss").status_code == 404
    assert Client().get(f"/hub-feeds/{meeting.pk}.rss").status_code == 404  # no meeting feeds


def test_empty_feed_dates_from_its_page(demo: dict[str, Any]) -> None:
    from onevoice.hub.models import HubHomePage

    arabic = HubHomePage.objects.get(locale__language_code="ar")
    parsed = feedparser.parse(Client().get(f"/hub-feeds/{arabic.pk}.atom").content)
    assert parsed.entries == []
    assert parsed.feed.updated_parsed[:3] == arabic.last_published_at.utctimetuple()[:3]


def test_language_tags_are_bcp47() -> None:
    assert [bcp47(c) for c in ("en", "zh-hans", "pt-br", "sr-latn-rs")] == [
        "en",
        "zh-Hans",
        "pt-BR",
        "sr-Latn-RS",
    ]


def test_feed_titles_name_the_hub_in_their_language(hub: dict[str, Any]) -> None:
    names = {"en": "G20 Hub", "fr": "Portail du G20", "ar": "بوابة مجموعة العشرين"}
    for lang, (_home, presidency, _track, _meeting) in hub.items():
        for fmt in ("atom", "rss"):
            content = Client().get(f"/hub-feeds/{presidency.pk}.{fmt}").content
            title = feedparser.parse(content).feed.title
            assert title == f"{presidency.title} · {names[lang]}"
