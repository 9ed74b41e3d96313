"""Atom and RSS feeds of the hub, read back with feedparser (as feed readers do)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import feedparser
import pytest

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
