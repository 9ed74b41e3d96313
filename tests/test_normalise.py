"""URL canonicaliser, tag/handle/language normalisers and timestamps: examples and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.provisional import urls as hyp_urls

from onevoice.ingest.normalise import (
    TRACKING_PARAMS,
    canonical_url,
    normalise_hashtag,
    normalise_lang,
    normalise_mention,
    parse_timestamp,
    url_domain,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM:443/a?utm_source=x&id=3#top", "https://example.com/a?id=3"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com/p?fbclid=abc", "https://example.com/p"),
        ("https://example.com/p?gclid=1&b=2&a=1", "https://example.com/p?b=2&a=1"),
        ("https://twitter.com/u/status/1?s=20&t=abc", "https://twitter.com/u/status/1"),
        ("https://www.youtube.com/watch?v=xyz&si=share", "https://www.youtube.com/watch?v=xyz"),
        ("www.example.org/news", "http://www.example.org/news"),
        ("https://user:pw@example.com/", "https://example.com/"),
        ("https://example.com/Case/Path", "https://example.com/Case/Path"),
        ("(see https://example.com/x)", None),
        ("https://example.com/x)", "https://example.com/x"),
        ("https://en.wikipedia.org/wiki/G20_(group)", "https://en.wikipedia.org/wiki/G20_(group)"),
        ("", None),
        ("   ", None),
        ("-", None),
        ("notaurl", None),
        ("ftp://example.com/file", None),
        ("mailto:someone@example.com", None),
        ("http://", None),
        ("https://localhost/x", "https://localhost/x"),
        ("http://example.com:99999/", None),
    ],
)
def test_canonical_url_examples(raw: str, expected: str | None) -> None:
    assert canonical_url(raw) == expected


@given(hyp_urls())
@example("HTTP://EXAMPLE.com:80/?utm_campaign=a#x")
def test_canonical_url_properties(url: str) -> None:
    canon = canonical_url(url)
    if canon is None:
        return
    assert canonical_url(canon) == canon  # idempotent
    parts = urlsplit(canon)
    assert parts.scheme in ("http", "https")
    assert parts.fragment == ""
    assert parts.netloc == parts.netloc.lower()
    assert parts.port not in (80, 443) or f":{parts.port}" not in parts.netloc
    for key, _ in parse_qsl(parts.query, keep_blank_values=True):
        assert not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    assert url_domain(canon) is not None


@given(st.text())
def test_canonical_url_never_raises_and_blank_is_none(text: str) -> None:
    result = canonical_url(text)
    if not text.strip():
        assert result is None
    assert result is None or result.startswith(("http://", "https://"))


@given(
    hyp_urls(),
    st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid"]),
    st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=8),
)
def test_tracking_parameters_never_change_the_canonical_form(
    url: str, key: str, value: str
) -> None:
    base = url.split("#", 1)[0]
    sep = "&" if "?" in base else "?"
    assert canonical_url(f"{base}{sep}{key}={value}") == canonical_url(base)


def test_url_domain() -> None:
    assert url_domain("https://www.example.org/x") == "example.org"
    assert url_domain("https://news.example.co.uk/") == "news.example.co.uk"
    assert url_domain(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#G20Rio", "g20rio"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("#2024", None),
        ("भारत", "भारत"),
        ("ＧＩＧ", "gig"),
        ("", None),
        ("two words", None),
    ],
)
def test_normalise_hashtag(raw: str, expected: str | None) -> None:
    assert normalise_hashtag(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@UN_News", "un_news"),
        ("Carol@Example.Social", "carol@example.social"),
        ("@", None),
        ("did:plc:abc", None),
    ],
)
def test_normalise_mention(raw: str, expected: str | None) -> None:
    assert normalise_mention(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("en", "en"),
        ("pt-BR", "pt"),
        ("zh_Hant", "zh"),
        ("und", None),
        ("qme", None),
        ("", None),
        ("english", None),
    ],
)
def test_normalise_lang(raw: str, expected: str | None) -> None:
    assert normalise_lang(raw) == expected


def test_parse_timestamp_forms() -> None:
    utc = datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_timestamp("2021-01-02T03:04:05Z") == utc
    assert parse_timestamp("2021-01-02T03:04:05.000Z") == utc
    assert parse_timestamp("2021-01-02T05:04:05+02:00") == utc
    assert parse_timestamp("2021-01-02 03:04:05") == utc
    assert parse_timestamp(int(utc.timestamp())) == utc
    assert parse_timestamp(str(int(utc.timestamp()))) == utc
    assert (
        parse_timestamp(datetime(2021, 1, 2, 4, 4, 5, tzinfo=timezone(timedelta(hours=1)))) == utc
    )
    with pytest.raises(
        ValueError,
        match=r"^bad timestamp '2021-13-01': expected ISO 8601 or "
        r"epoch seconds$",
    ):
        parse_timestamp("2021-13-01")
    with pytest.raises(ValueError, match="bad timestamp 'None'"):
        parse_timestamp(None)


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_parse_timestamp_round_trips(dt: datetime) -> None:
    assert parse_timestamp(dt.isoformat()) == dt
    assert parse_timestamp(dt.isoformat().replace("+00:00", "Z")) == dt
