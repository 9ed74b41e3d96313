"""The SQL fast paths in front of the Python normalisers give exactly what Python gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls as hyp_urls

from onevoice.ingest.finish import FAST_PATHS, register_functions
from onevoice.ingest.normalise import (
    canonical_url,
    normalise_hashtag,
    normalise_lang,
    normalise_mention,
    url_domain,
)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    register_functions(c)
    yield c
    c.close()


def _same(
    con: duckdb.DuckDBPyConnection, macro: str, fn: Callable[[str], str | None], values: list[str]
) -> None:
    got = con.execute(f"SELECT {macro}(x) FROM unnest(?) t(x)", [values]).fetchall()
    assert [g[0] for g in got] == [fn(v) for v in values]


ascii_token = st.text(alphabet="abcXYZ019_#@-.é ", max_size=10)
url_like = st.builds(
    lambda scheme, host, path, tail: f"{scheme}://{host}/{path}{tail}",
    st.sampled_from(["http", "https", "HTTP"]),
    st.sampled_from(
        [
            "example.org",
            "www.example.org",
            "Example.org",
            "a.bc",
            "x.example.co.uk",
            "example.org:8080",
            "localhost",
            "1.2.3.4",
        ]
    ),
    st.text(alphabet="abcAZ09-_/.%()é", max_size=12),
    st.sampled_from(["", "?a=1", "?utm_source=x", "#frag", ")"]),
)


@settings(max_examples=300)
@given(st.lists(st.one_of(url_like, hyp_urls()), min_size=1, max_size=20))
def test_url_and_domain(con: duckdb.DuckDBPyConnection, values: list[str]) -> None:
    _same(con, "ov_url", canonical_url, values)
    canon = [c for c in (canonical_url(v) for v in values) if c]
    if canon:
        _same(con, "ov_domain", url_domain, canon)


@settings(max_examples=300)
@given(st.lists(ascii_token, min_size=1, max_size=20))
def test_hashtag_mention_lang(con: duckdb.DuckDBPyConnection, values: list[str]) -> None:
    _same(con, "ov_hashtag", normalise_hashtag, values)
    _same(con, "ov_mention", normalise_mention, values)
    _same(con, "ov_lang_code", normalise_lang, values)


def test_both_branches_are_taken(con: duckdb.DuckDBPyConnection) -> None:
    values = [
        "https://example.org/a",
        "HTTPS://Example.org/a?utm_source=x",
        "#G20",
        "#Straße",
        "en",
        "pt-BR",
    ]
    _same(con, "ov_url", canonical_url, values[:2])
    _same(con, "ov_hashtag", normalise_hashtag, values[2:4])
    _same(con, "ov_lang_code", normalise_lang, values[4:])
    assert set(FAST_PATHS) == {"ov_url", "ov_domain", "ov_hashtag", "ov_mention", "ov_lang_code"}
