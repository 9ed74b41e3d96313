"""Integrity of the hand-written multilingual claim-matching fixtures (``claims/data/``)."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from onevoice.claims import fixtures
from onevoice.claims.fixtures import KINDS, LANGS, TruthRow, read_truth, truth
from onevoice.store import Store
from tests.conftest import ingest, rows

POSTS_HEADER = [
    "post_id",
    "account_id",
    "created_at",
    "platform",
    "account_handle",
    "lang",
    "text",
    "urls",
]
DEMO_SLUGS = {
    "leaked-g20-declaration-written-by-bankers",
    "g20-climate-fund-quietly-cancelled-weapons",
    "delegates-caught-mocking-global-south-video",
    "g20-digital-id-plan-track-every-citizen-2030",
    "half-of-delegations-walked-out-photos-staged",
    "g20-food-aid-will-never-arrive",
}
PUBLISHER = {"@type": "Organization", "name": "Example Fact Check", "url": "https://example.org"}
FACTCHECK_URL = re.compile(r"^https://example\.org/fact-check/[a-z0-9]+(-[a-z0-9]+)*$")


def _feed() -> dict[str, Any]:
    value = orjson.loads(fixtures.factchecks_path().read_bytes())
    assert isinstance(value, dict)
    return value


def _reviews() -> list[dict[str, Any]]:
    return list(_feed()["dataFeedElement"])


def _posts() -> list[dict[str, str]]:
    with fixtures.posts_path().open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == POSTS_HEADER
        return list(reader)


def _date(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


# --- the fact-check feed -------------------------------------------------------------------


def test_feed_is_a_schema_org_datafeed_of_40_claimreviews() -> None:
    feed = _feed()
    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    reviews = _reviews()
    assert len(reviews) == 40
    assert all(r["@type"] == "ClaimReview" for r in reviews)
    urls = [r["url"] for r in reviews]
    assert len(set(urls)) == 40
    assert all(FACTCHECK_URL.match(u) for u in urls), urls
    assert {u.rsplit("/", 1)[1] for u in urls} >= DEMO_SLUGS
    assert len({r["claimReviewed"] for r in reviews}) == 40


@pytest.mark.parametrize("index", range(40))
def test_every_claimreview_has_the_required_fields(index: int) -> None:
    r = _reviews()[index]
    assert r["inLanguage"] == "en"
    assert r["author"] == PUBLISHER
    claim = r["claimReviewed"]
    assert 20 <= len(claim) <= 200 and claim.endswith(".")
    assert r["headline"] and r["headline"] != claim
    published = _date(r["datePublished"])
    assert 2025 <= published.year <= 2026

    rating = r["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"].strip()
    if "ratingValue" in rating:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]

    item = r["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"]["name"].strip()
    assert _date(item["datePublished"]) <= published
    appearances = item["appearance"]
    assert 1 <= len(appearances) <= 3
    for a in appearances:
        assert a["@type"] == "CreativeWork"
        assert a["url"].startswith("https://") and "example.org" not in a["url"]


def test_ratings_use_varied_wordings() -> None:
    wordings = Counter(r["reviewRating"]["alternateName"] for r in _reviews())
    assert len(wordings) >= 8
    assert {"False", "Pants on Fire", "Misleading", "Satire", "Unproven"} <= set(wordings)


def test_appearance_urls_are_unique_across_the_feed() -> None:
    urls = [a["url"] for r in _reviews() for a in r["itemReviewed"]["appearance"]]
    assert len(urls) == len(set(urls))


def test_the_claimreview_reader_reads_every_record_without_warnings() -> None:
    from onevoice.claims.claimreview import Review, parse_jsonld

    path = fixtures.factchecks_path()
    items = list(parse_jsonld(path.read_bytes(), str(path)))
    assert all(isinstance(i, Review) for i in items)
    reviews = [i for i in items if isinstance(i, Review)]
    assert len(reviews) == 40
    assert [r.warnings for r in reviews] == [[]] * 40
    assert {r.publisher for r in reviews} == {"Example Fact Check"}


# --- the posts and the answer key ----------------------------------------------------------


def test_posts_and_truth_have_the_same_ids_in_the_same_order() -> None:
    posts = _posts()
    key = truth()
    assert [p["post_id"] for p in posts] == [t.post_id for t in key]
    assert len({p["post_id"] for p in posts}) == len(posts)
    for p, t in zip(posts, key, strict=True):
        assert re.fullmatch(rf"fx-{p['lang']}-\d\d", p["post_id"]), p["post_id"]
        assert p["lang"] == t.lang


def test_post_fields_are_well_formed() -> None:
    posts = _posts()
    assert {p["lang"] for p in posts} == set(LANGS)
    assert {p["platform"] for p in posts} == {"other"}
    assert all(re.fullmatch(r"fxacct\d\d", p["account_id"]) for p in posts)
    assert len({p["account_id"] for p in posts}) >= 40  # many accounts, not a handful
    for p in posts:
        ts = datetime.strptime(p["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert datetime(2026, 1, 1, tzinfo=UTC) <= ts < datetime(2026, 7, 1, tzinfo=UTC)
        assert p["account_handle"] and p["text"] == p["text"].strip()
        assert len(p["text"]) <= 280
        assert "http" not in p["text"]  # links go in the urls column only
    assert len({p["text"] for p in posts}) == len(posts)


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_12_repeats_and_4_distractors(lang: str) -> None:
    key = [t for t in truth() if t.lang == lang]
    repeats = [t.factcheck_url for t in key if t.kind == "repeat"]
    assert len(repeats) >= 12
    assert len(set(repeats)) == len(repeats)  # each repeats a different claim
    kinds = Counter(t.kind for t in key if t.is_distractor)
    assert sum(kinds.values()) >= 4
    assert set(kinds) == {"distractor_entity", "distractor_number", "neutral"}


def test_truth_urls_point_into_the_feed() -> None:
    urls = {r["url"] for r in _reviews()}
    for t in truth():
        if t.kind == "repeat":
            assert t.factcheck_url in urls and t.near_url is None, t
        else:
            assert t.near_url in urls and t.factcheck_url is None, t


def test_every_claim_is_repeated_in_at_least_three_languages() -> None:
    langs: dict[str, set[str]] = defaultdict(set)
    for t in truth():
        if t.factcheck_url:
            langs[t.factcheck_url].add(t.lang)
    assert set(langs) == {r["url"] for r in _reviews()}
    assert min(len(v) for v in langs.values()) >= 3


def test_repeats_are_not_older_than_their_claim() -> None:
    claimed = {r["url"]: _date(r["itemReviewed"]["datePublished"]) for r in _reviews()}
    posts = {p["post_id"]: p for p in _posts()}
    for t in truth():
        if t.factcheck_url:
            ts = datetime.strptime(posts[t.post_id]["created_at"], "%Y-%m-%dT%H:%M:%SZ")
            assert ts.replace(tzinfo=UTC) >= claimed[t.factcheck_url], t.post_id


def test_linked_urls_are_appearances_of_the_repeated_claim_at_most_one_per_language() -> None:
    appearances = {
        r["url"]: {a["url"] for a in r["itemReviewed"]["appearance"]} for r in _reviews()
    }
    key = {t.post_id: t for t in truth()}
    linked = [p for p in _posts() if p["urls"]]
    assert 1 <= len(linked) <= len(LANGS)
    assert max(Counter(p["lang"] for p in linked).values()) == 1
    for p in linked:
        t = key[p["post_id"]]
        assert t.factcheck_url is not None
        assert p["urls"] in appearances[t.factcheck_url]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def test_repeats_are_paraphrases_not_copies_of_the_claim() -> None:
    claims = {r["url"]: r["claimReviewed"] for r in _reviews()}
    posts = {p["post_id"]: p["text"] for p in _posts()}
    for t in truth():
        if not t.factcheck_url:
            continue
        text, claim = posts[t.post_id], claims[t.factcheck_url]
        assert claim.rstrip(".").lower() not in text.lower(), t.post_id
        if t.lang == "en":
            a, b = _words(text), _words(claim)
            assert len(a & b) / len(a | b) < 0.5, t.post_id


# --- scripts and languages -----------------------------------------------------------------

SCRIPTS = {
    "ar": ("ARABIC",),
    "hi": ("DEVANAGARI",),
    "ru": ("CYRILLIC",),
    "ko": ("HANGUL",),
    "zh": ("CJK",),
    "ja": ("HIRAGANA", "KATAKANA", "CJK"),
}
OTHER_SCRIPTS = ("ARABIC", "DEVANAGARI", "CYRILLIC", "HANGUL", "CJK", "HIRAGANA", "KATAKANA")


def _script_letters(text: str) -> Counter[str]:
    """Letters counted by the first word of their Unicode name (LATIN, CJK, HANGUL…)."""
    return Counter(unicodedata.name(ch, "?").split()[0] for ch in text if ch.isalpha())


@pytest.mark.parametrize("lang", LANGS)
def test_the_script_agrees_with_the_lang_column(lang: str) -> None:
    texts = [p["text"] for p in _posts() if p["lang"] == lang]
    for text in texts:
        letters = _script_letters(text)
        total = sum(letters.values())
        expected = SCRIPTS.get(lang, ("LATIN",))
        share = sum(letters[s] for s in expected) / total
        assert share >= 0.6, (lang, text)  # "G20", "WHO", "5G" are Latin in every script
        if lang not in SCRIPTS:
            assert not any(letters[s] for s in OTHER_SCRIPTS), text
    if lang == "ja":  # every Japanese post has kana; no Chinese post has any
        assert all(_script_letters(t)["HIRAGANA"] + _script_letters(t)["KATAKANA"] for t in texts)
    if lang == "zh":
        assert not any(_script_letters(t)["HIRAGANA"] for t in texts)


def test_the_language_detector_never_contradicts_the_lang_column() -> None:
    from onevoice.ingest.lang import detect_languages

    posts = _posts()
    found = detect_languages([p["text"] for p in posts])
    wrong = [(p["post_id"], f) for p, f in zip(posts, found, strict=True) if f != p["lang"]]
    # None (undecided, e.g. Indonesian against Malay) is allowed; another language is not
    assert [w for w in wrong if w[1] is not None] == []
    assert len(wrong) <= 5


# --- ingest ----------------------------------------------------------------------------------


def test_ingest_as_generic_csv_keeps_every_row(store: Store) -> None:
    posts = _posts()
    result = ingest(store, fixtures.posts_path(), fmt="csv")
    assert (result.records_read, result.posts_added, result.rejected) == (len(posts), 240, 0)
    stored = {
        r["native_id"]: r
        for r in rows(store, "SELECT native_id, platform, lang, lang_source, urls FROM posts")
    }
    assert set(stored) == {p["post_id"] for p in posts}
    for p in posts:
        s = stored[p["post_id"]]
        assert (s["platform"], s["lang"], s["lang_source"]) == ("other", p["lang"], "platform")
        assert s["urls"] == ([p["urls"]] if p["urls"] else [])


# --- the loader ------------------------------------------------------------------------------


def test_truth_rows_are_frozen_and_typed() -> None:
    key = truth()
    assert len(key) == 240
    assert {t.kind for t in key} == set(KINDS)
    first = key[0]
    with pytest.raises(FrozenInstanceError):
        first.kind = "neutral"  # type: ignore[misc]
    key.clear()  # a fresh list each call
    assert len(truth()) == 240
    assert fixtures.DATA_DIR == fixtures.posts_path().parent == fixtures.truth_path().parent


def test_read_truth_reads_empty_cells_as_none(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "post_id,lang,kind,factcheck_url,near_url\n"
        "a,en,repeat,https://example.org/fact-check/x,\n"
        "b,fr,neutral,,https://example.org/fact-check/x\n",
        encoding="utf-8",
    )
    assert read_truth(path) == [
        TruthRow("a", "en", "repeat", "https://example.org/fact-check/x", None),
        TruthRow("b", "fr", "neutral", None, "https://example.org/fact-check/x"),
    ]
    assert [r.is_distractor for r in read_truth(path)] == [False, True]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("post_id,lang,kind\n", "header is"),
        ("", "header is None"),
        ("post_id,lang,kind,factcheck_url,near_url\na,en,repeat,u\n", ":2: 4 fields"),
        ("post_id,lang,kind,factcheck_url,near_url\na,en,copy,u,\n", "unknown kind 'copy'"),
    ],
)
def test_read_truth_refuses_a_broken_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        read_truth(path)
