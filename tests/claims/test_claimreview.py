"""ClaimReview, HTML and CSV readers, and the rating normaliser: fixtures good and bad,
hypothesis on arbitrary input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onevoice.claims.claimreview import Reject, Review, parse_html, parse_jsonld, reviews_in_value
from onevoice.claims.factcheck_csv import parse_csv
from onevoice.claims.ratings import RATINGS, normalise_rating, rating_key
from onevoice.errors import MissingColumns, UnreadableInput

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "claims"


def read(name: str) -> list[Review | Reject]:
    data = (FIX / name).read_bytes()
    if name.endswith(".html"):
        return list(parse_html(data, name))
    if name.endswith(".csv"):
        return list(parse_csv(data, name))
    return list(parse_jsonld(data, name))


def reviews(name: str) -> list[Review]:
    items = read(name)
    assert all(isinstance(i, Review) for i in items), items
    return [i for i in items if isinstance(i, Review)]


# -- ratings -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("False", "false"),
        ("Pants on Fire!", "false"),
        ("Fake", "false"),
        ("Mostly false", "misleading"),
        ("Misleading", "misleading"),
        ("Missing context", "misleading"),
        ("Altered", "false"),
        ("Half True", "mixed"),
        ("Mixture", "mixed"),
        ("TRUE", "true"),
        ("Mostly true", "true"),
        ("Correct", "true"),
        ("Unproven", "unrated"),
        ("Satire", "misleading"),
        ("Miscaptioned", "misleading"),
        ("Misattributed", "false"),
        ("Correct Attribution", "true"),
        ("Faux", "false"),
        ("Falso", "false"),
        ("Falsch", "false"),
        ("Engañoso", "misleading"),
        ("Enganoso", "misleading"),
        ("Irreführend", "misleading"),
        ("Неправда", "false"),
        ("Ложь", "false"),
        ("Правда", "true"),
        ("虚假", "false"),
        ("误导", "misleading"),
        ("Salah", "false"),
        ("Hoaks", "false"),
        ("Konteks yang Salah", "misleading"),
        ("Yanlış", "false"),
        ("YANLIŞ", "false"),
        ("Doğru değil", "false"),
        ("गलत", "false"),
        ("ग़लत", "false"),
        ("خطأ", "false"),
        ("غير صحيح", "false"),
        ("거짓", "false"),
        ("대체로 사실 아님", "misleading"),
        ("절반의 사실", "mixed"),
        ("誤り", "false"),
        ("不正確", "misleading"),
        ("False. The photo was taken in 2015.", "false"),
        ("Not entirely true", "misleading"),
        ("untrue", "false"),
        ("Something we never saw", "unrated"),
        ("", "unrated"),
    ],
)
def test_rating_words_in_g20_languages(text: str, expected: str) -> None:
    assert normalise_rating(text) == expected


def test_rating_key_folds_case_diacritics_and_punctuation() -> None:
    assert rating_key("  ENGAÑOSO!! ") == "enganoso"
    assert rating_key("Pants-on-Fire") == "pants on fire"
    assert rating_key("Yanlış") == rating_key("YANLIŞ") == "yanlis"


@pytest.mark.parametrize(
    ("value", "best", "worst", "expected"),
    [
        # PolitiFact's six steps, 1 = Pants on Fire … 6 = True
        (1, 6, 1, "false"),
        (2, 6, 1, "false"),
        (3, 6, 1, "misleading"),
        (4, 6, 1, "mixed"),
        (5, 6, 1, "true"),
        (6, 6, 1, "true"),
        # schema.org's default scale 1..5
        (1, None, None, "false"),
        (2, None, None, "misleading"),
        (3, None, None, "mixed"),
        ("4", None, None, "true"),
        (0, 5, 1, "unrated"),  # outside the scale
        (3, 1, 5, "unrated"),  # best below worst
        ("n/a", None, None, "unrated"),
        (float("nan"), None, None, "unrated"),
    ],
)
def test_numeric_rule(value: Any, best: Any, worst: Any, expected: str) -> None:
    assert normalise_rating(None, value, best, worst) == expected


def test_words_win_over_numbers_and_text_rating_values_are_read() -> None:
    assert normalise_rating("True", 1, 5, 1) == "true"
    assert normalise_rating("(our own scale)", 1, 5, 1) == "false"
    assert normalise_rating(None, "Misleading") == "misleading"
    assert normalise_rating(["Falso", "x"]) == "false"
    assert normalise_rating({"@value": "Faux", "@language": "fr"}) == "false"


ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300)
@given(ANY, ANY, ANY, ANY)
def test_rating_normaliser_never_raises_and_gives_one_of_five(
    a: Any, b: Any, c: Any, d: Any
) -> None:
    assert normalise_rating(a, b, c, d) in RATINGS


@given(st.text(max_size=60))
def test_rating_of_any_text_is_one_of_five(text: str) -> None:
    assert normalise_rating(text) in RATINGS


# -- JSON-LD -------------------------------------------------------------------------------
def test_single_object_maps_every_field() -> None:
    (r,) = reviews("object.jsonld")
    assert r.line == 1
    assert r.url == "https://factcheck.example.org/2024/03/g20-summit-cancelled"  # utm_ dropped
    assert r.claim.startswith("The G20 summit in Rio")
    assert r.title == "No, the G20 summit was not cancelled"
    assert (r.rating, r.rating_original) == ("false", "Pants on Fire")
    assert (r.rating_value, r.best_rating, r.worst_rating) == (1.0, 6.0, 1.0)
    assert (r.publisher, r.publisher_url) == (
        "Example Fact Check",
        "https://factcheck.example.org/",
    )
    assert r.lang == "en"
    assert r.date_published == datetime(2024, 3, 2, tzinfo=UTC)
    assert r.claim_date == datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    assert r.claimant == "Viral Account"
    # first appearance first, canonical, no duplicates
    assert r.appearances == [
        "https://social.example/@viral/111",
        "https://x.com/viral/status/123",
        "https://t.me/rumours/456",
    ]
    assert orjson.loads(r.raw)["@context"] == "http://schema.org"
    assert r.warnings == []


def test_list_with_type_lists_prefixes_and_language_objects() -> None:
    es, pt = reviews("list.jsonld")  # the WebPage between them is ignored
    assert (es.line, es.lang, es.rating, es.title) == (
        1,
        "es",
        "misleading",
        "La vacuna no contiene microchips",
    )
    assert es.date_published == datetime(2024, 2, 10, 18, 0, tzinfo=UTC)
    assert (pt.line, pt.url, pt.lang, pt.publisher) == (
        2,
        "https://checagem.example.br/onda-de-calor",
        "pt",
        "Checagem Exemplo",
    )
    assert (pt.rating, pt.rating_value) == ("false", 1.0)


def test_graph_numeric_rating_and_missing_url() -> None:
    numeric, worded = reviews("graph.jsonld")
    assert (numeric.url, numeric.rating, numeric.rating_original) == (None, "misleading", None)
    assert numeric.lang is None  # not stated: the library detects it
    assert worded.appearances == ["https://www.facebook.com/post/789"]  # fbclid dropped


def test_data_feed_direct_and_wrapped_items_in_order() -> None:
    got = [(r.line, r.lang, r.rating) for r in reviews("feed.jsonld")]
    assert got == [
        (1, "hi", "false"),
        (2, "id", "misleading"),
        (3, "tr", "false"),
        (4, "ko", "mixed"),
    ]


def test_json_lines_keep_their_line_numbers() -> None:
    got = [(r.line, r.lang, r.rating_original, r.rating) for r in reviews("lines.jsonl")]
    assert got == [
        (1, "fr", "Faux", "false"),
        (3, "ru", "Неправда", "false"),
        (4, "zh", "误导", "misleading"),
    ]


def test_html_page_reads_every_ld_json_script_at_its_line() -> None:
    got = [(r.line, r.lang, r.url) for r in reviews("page.html")]
    assert got == [
        (10, "ja", "https://factcheck.example.jp/jishin-yochi"),
        (25, "ar", "https://factcheck.example.sa/dates"),
    ]


def test_bad_records_are_rejected_with_line_and_reason_the_rest_kept() -> None:
    got = [
        (i.line, "reject", i.reason) if isinstance(i, Reject) else (i.line, "kept", i.warnings)
        for i in read("bad.jsonl")
    ]
    assert got == [
        (1, "kept", []),
        (2, "reject", "invalid JSON (unexpected end of data at column 92)"),
        (3, "reject", "no claimReviewed (the claim text is required)"),
        (4, "reject", "no reviewRating (the verdict is required)"),
        (
            6,
            "kept",
            [
                "datePublished: bad timestamp 'last Tuesday': expected ISO 8601 or epoch seconds; "
                "dropped (the fact-check is kept)",
                "itemReviewed.datePublished: bad timestamp '2024-13-45': expected ISO 8601 or "
                "epoch seconds; dropped (the fact-check is kept)",
                "appearance 'not a url' is not a URL; dropped (the fact-check is kept)",
            ],
        ),
        (7, "reject", "reviewRating has neither alternateName nor ratingValue"),
        (8, "reject", "claimReviewed is not text"),
    ]


def test_broken_script_is_rejected_and_the_page_still_read() -> None:
    broken, good = read("bad_page.html")
    assert isinstance(broken, Reject) and broken.line == 2
    assert broken.reason.startswith('invalid JSON in <script type="application/ld+json">')
    assert isinstance(good, Review) and good.rating == "true"


def test_a_document_that_is_not_json_fails_as_a_whole() -> None:
    with pytest.raises(UnreadableInput, match=r"invalid JSON \(.* at line 3, column 1\)"):
        read("not_json.jsonld")


def test_non_claimreview_json_gives_nothing() -> None:
    assert read("no_claimreview.jsonld") == []


# -- CSV -----------------------------------------------------------------------------------
def test_csv_rows_with_a_multiline_claim() -> None:
    en, fr, it = reviews("factchecks.csv")
    assert (en.line, en.rating, en.claimant, en.appearances) == (
        2,
        "false",
        "Viral Account",
        ["https://x.com/a/status/1", "https://t.me/b/2"],
    )
    assert en.claim_date == datetime(2024, 7, 30, tzinfo=UTC)
    assert (fr.line, fr.rating, fr.claim) == (
        3,
        "misleading",
        "Le G20 va créer une monnaie unique\ndès l'an prochain.",
    )
    assert fr.date_published == datetime(2024, 8, 2, 8, 0, tzinfo=UTC)
    assert (it.line, it.lang, it.url, it.rating) == (5, None, None, "true")


def test_bad_csv_rows() -> None:
    got = [
        (i.line, i.reason) if isinstance(i, Reject) else (i.line, i.warnings)
        for i in read("bad.csv")
    ]
    assert got == [
        (2, []),
        (3, "empty claim"),
        (4, "empty rating"),
        (5, "expected 6 fields, found 7"),
        (
            6,
            [
                "'notaurl' in column appearances is not a URL; dropped (the fact-check is kept)",
                "bad timestamp 'yesterday': expected ISO 8601 or epoch seconds in column "
                "date_published; dropped (the fact-check is kept)",
            ],
        ),
    ]


def test_csv_without_required_columns() -> None:
    with pytest.raises(MissingColumns, match="missing required columns claim, rating"):
        read("wrong_columns.csv")


# -- arbitrary JSON ------------------------------------------------------------------------
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = [
    "url",
    "claimReviewed",
    "headline",
    "reviewRating",
    "author",
    "inLanguage",
    "datePublished",
    "itemReviewed",
    "@id",
]


def _check(items: list[Review | Reject]) -> None:
    for item in items:
        if isinstance(item, Review):
            assert item.claim.strip() and item.rating in RATINGS
            assert all(u.startswith(("http://", "https://")) for u in item.appearances)
            orjson.loads(item.raw)
        else:
            assert isinstance(item, Reject) and item.reason


@settings(max_examples=200)
@given(JSON)
def test_parser_never_raises_on_arbitrary_json(value: Any) -> None:
    data = orjson.dumps(value)
    _check(list(parse_jsonld(data, "x.json")))
    _check(list(parse_html(b'<script type="application/ld+json">' + data + b"</script>", "x.html")))


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=len(FIELDS)))
def test_claimreviews_with_arbitrary_property_values(props: dict[str, Any]) -> None:
    obj = {"@type": "ClaimReview", **props}
    items = list(reviews_in_value({"@graph": [obj]}))
    assert len(items) == 1
    _check(items)
    # the same object inside JSON Lines, next to garbage lines
    data = orjson.dumps(obj) + b"\n{not json\n" + orjson.dumps([obj, {"@type": "Thing"}])
    _check(list(parse_jsonld(data, "x.jsonl")))


@given(st.binary(max_size=200))
def test_parser_on_arbitrary_bytes_raises_only_input_errors(data: bytes) -> None:
    try:
        items = list(parse_jsonld(data, "x"))
    except UnreadableInput:
        return
    _check(items)
