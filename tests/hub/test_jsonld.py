"""schema.org JSON-LD of the hub: ClaimReview golden file, validation, ratings, script escaping.

The golden files are under ``tests/fixtures/hub/jsonld_golden/``. After an intended change
of the output, regenerate them and review the diff::

    ONEVOICE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/hub/test_jsonld.py
"""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onevoice.claims.claimreview import Review, ld_scripts, parse_html, reviews_in_value
from onevoice.claims.ratings import RATINGS, normalise_rating
from onevoice.hub.jsonld import (
    RATING_VALUES,
    claimreview_jsonld,
    dataset_jsonld,
    event_jsonld,
    og_locale,
    opengraph,
    organization_jsonld,
    report_jsonld,
    script_tag,
    validate_claimreview,
)

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "hub" / "jsonld_golden"
UPDATE = os.environ.get("ONEVOICE_UPDATE_GOLDEN") == "1"

DEBUNK: dict[str, Any] = {
    "claim": "The G20 communiqué bans cash payments from 2026",
    "rating": "false",
    "verdict": "Faux",
    "url": "https://g20.example.org/fr/debunks/cash-ban/",
    "title": "Non, le G20 n'interdit pas l'argent liquide",
    "summary": "The communiqué does not mention cash; the image was altered.",
    "date_published": date(2024, 11, 20),
    "date_modified": datetime(2024, 11, 21, 9, 30, tzinfo=UTC),
    "language": "fr",
    "claimant": "Viral post on X",
    "claim_date": "2024-11-18",
    "appearances": [
        "https://x.com/someone/status/1858000000000000000",
        "https://t.me/somechannel/4242",
    ],
    "sources": [
        {
            "title": "G20 Rio de Janeiro Leaders' Declaration",
            "url": "https://g20.example.org/en/documents/rio/",
        },
        {"title": "no URL: left out", "url": ""},
    ],
}


def golden(name: str, got: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with ONEVOICE_UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8")


def test_claimreview_matches_the_golden_file() -> None:
    doc = claimreview_jsonld(DEBUNK)
    golden("debunk_claimreview.json", json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def test_claimreview_has_the_fields_google_and_fact_checkers_use() -> None:
    doc = claimreview_jsonld(DEBUNK)
    assert validate_claimreview(doc) == []
    assert doc["reviewRating"]["alternateName"] == "Faux"
    assert doc["itemReviewed"]["author"] == {"@type": "Person", "name": "Viral post on X"}
    assert [a["url"] for a in doc["itemReviewed"]["appearance"]] == DEBUNK["appearances"]
    assert doc["author"] == {
        "@type": "GovernmentOrganization",
        "name": "G20",
        "url": "https://g20.example.org/",
    }
    assert doc["datePublished"] == "2024-11-20"
    assert doc["dateModified"] == "2024-11-21T09:30:00Z"
    assert doc["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "G20 Rio de Janeiro Leaders' Declaration",
            "url": "https://g20.example.org/en/documents/rio/",
        }
    ]


def test_our_claimreview_reads_back_through_the_importer() -> None:
    """The hub's debunks can be imported into the fact-check library unchanged."""
    html = f"<html><head>{script_tag(claimreview_jsonld(DEBUNK))}</head></html>"
    (review,) = list(parse_html(html.encode(), "page.html"))
    assert isinstance(review, Review)
    assert review.rating == "false" and review.rating_original == "Faux"
    assert review.claim == DEBUNK["claim"] and review.lang == "fr"
    assert review.claimant == "Viral post on X"
    assert review.appearances == DEBUNK["appearances"]
    assert review.warnings == []


@pytest.mark.parametrize("rating", RATINGS)
def test_ratings_map_to_numbers_the_importer_reads_back(rating: str) -> None:
    doc = claimreview_jsonld({**DEBUNK, "rating": rating, "verdict": None})
    r = doc["reviewRating"]
    assert normalise_rating(r["alternateName"], r.get("ratingValue"), r.get("bestRating"),
                            r.get("worstRating")) == rating  # fmt: skip
    if rating == "unrated":
        assert "ratingValue" not in r
    else:
        assert r["ratingValue"] == RATING_VALUES[rating]
        assert normalise_rating(None, r["ratingValue"], r["bestRating"], r["worstRating"]) == (
            rating
        )
    assert validate_claimreview(doc) == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"rating": "pants on fire"}, "unknown rating"),
        ({"claim": " "}, "claim text"),
        ({"url": "/fr/debunks/x/"}, "absolute page URL"),
        ({"date_published": "20 Nov 2024"}, "ISO 8601"),
    ],
)
def test_claimreview_refuses_bad_input(bad: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        claimreview_jsonld({**DEBUNK, **bad})


def _broken(path: tuple[str, ...], value: Any = None) -> dict[str, Any]:
    doc = copy.deepcopy(claimreview_jsonld(DEBUNK))
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        (_broken(("claimReviewed",)), "claimReviewed"),
        (_broken(("reviewRating", "alternateName")), "alternateName"),
        (_broken(("reviewRating", "worstRating"), 0), "worstRating"),
        (_broken(("reviewRating", "ratingValue"), 9), "outside"),
        (_broken(("reviewRating", "bestRating")), "bestRating and worstRating"),
        (_broken(("url",), "/fr/x/"), "url"),
        (_broken(("author",)), "author is missing"),
        (_broken(("author", "@type"), "Thing"), "author.@type"),
        (_broken(("datePublished",)), "datePublished"),
        (_broken(("itemReviewed", "appearance")), "appearance"),
        (_broken(("itemReviewed", "appearance"), [{"@type": "CreativeWork"}]), "appearance[0]"),
        (_broken(("itemReviewed", "author")), "itemReviewed.author"),
        (_broken(("itemReviewed", "@type"), "CreativeWork"), "Claim"),
        (_broken(("@type",), "Review"), "@type"),
    ],
)
def test_validation_names_each_problem(doc: dict[str, Any], problem: str) -> None:
    problems = validate_claimreview(doc)
    assert len(problems) == 1, problems
    assert problem in problems[0]


def test_a_debunk_without_claimant_or_appearance_is_not_valid() -> None:
    doc = claimreview_jsonld({**DEBUNK, "claimant": None, "appearances": []})
    problems = validate_claimreview(doc)
    assert any("itemReviewed.author" in p for p in problems)
    assert any("appearance" in p for p in problems)
    assert validate_claimreview("not an object") == ["a ClaimReview is a JSON object"]


def test_other_types() -> None:
    report = report_jsonld(
        {"title": "Public report", "url": "https://g20.example.org/en/reports/r1/",
         "date_published": date(2025, 1, 2), "language": "en", "keywords": ["FIMI"]}
    )  # fmt: skip
    assert report["@type"] == "Report" and report["datePublished"] == "2025-01-02"
    assert report["publisher"]["url"] == "https://g20.example.org/"
    data = dataset_jsonld(
        {
            "name": "Commitments",
            "description": "Commitments of the 2024 communiqué.",
            "url": "https://g20.example.org/en/data/c/",
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "language": "en",
            "distributions": [{"url": "/media/c.csv"}, {"url": "https://cdn.example/c.json"}],
        }
    )
    assert data["distribution"] == [
        {"@type": "DataDownload", "contentUrl": "https://g20.example.org/media/c.csv",
         "encodingFormat": "text/csv"},
        {"@type": "DataDownload", "contentUrl": "https://cdn.example/c.json",
         "encodingFormat": "application/json"},
    ]  # fmt: skip
    assert data["license"].startswith("https://creativecommons.org/")
    event = event_jsonld(
        {"name": "G20 Rio de Janeiro Leaders' Summit", "start_date": date(2024, 11, 18),
         "end_date": date(2024, 11, 19), "city": "Rio de Janeiro", "country": "BR"}
    )  # fmt: skip
    assert event["startDate"] == "2024-11-18"
    assert event["location"]["address"]["addressCountry"] == "BR"
    assert event["organizer"] == {"@type": "GovernmentOrganization", "name": "G20"}
    org = organization_jsonld(
        {"name": "G20 Brasil 2024", "url": "https://g20.example.org/2024/",
         "accounts": ["https://x.com/g20org", "https://www.instagram.com/g20org/"],
         "parent": {"name": "G20"}}
    )  # fmt: skip
    assert org["@type"] == "GovernmentOrganization"
    assert org["sameAs"] == ["https://www.instagram.com/g20org/", "https://x.com/g20org"]
    assert org["parentOrganization"]["@type"] == "GovernmentOrganization"


def test_opengraph() -> None:
    pairs = opengraph(
        "Title", "Desc", "https://g20.example.org/ar/", locale="ar",
        alternates=["ar", "en", "pt-BR", "zh-Hant", "en"], image="https://g20.example.org/i.png",
    )  # fmt: skip
    assert ("og:locale", "ar_AR") in pairs
    alts = [v for k, v in pairs if k == "og:locale:alternate"]
    assert alts == ["en_GB", "pt_BR", "zh_TW"]
    assert dict(pairs)["og:image"] == "https://g20.example.org/i.png"
    assert og_locale("fr_CA") == "fr_CA" and og_locale("es") == "es_ES"


HOSTILE = [
    "</script><script>alert(1)</script>",
    "<!-- <script>",
    "</SCRIPT >",
    "]]> & \u2028 \u2029 ' \"",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_script_tag_cannot_be_closed_from_inside(text: str) -> None:
    tag = script_tag({"claimReviewed": text})
    inner = tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner
    assert json.loads(inner) == {"claimReviewed": text}


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_script_tag_round_trips_through_an_html_parser(value: Any) -> None:
    """Whatever the content, the page has exactly one script and it holds the same JSON."""
    page = f"<p>before</p>{script_tag({'v': value})}<p>after</p>"
    scripts = ld_scripts(page)
    assert len(scripts) == 1
    assert json.loads(scripts[0][1]) == {"v": value}
    assert page.endswith("</script><p>after</p>")


def test_golden_claimreview_is_found_by_the_importer_walk() -> None:
    doc = json.loads((GOLDEN / "debunk_claimreview.json").read_text(encoding="utf-8"))
    (review,) = list(reviews_in_value(doc))
    assert isinstance(review, Review) and review.rating == "false"
