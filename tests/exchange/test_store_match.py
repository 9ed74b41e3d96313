"""Imported indicators matched against a small synthetic store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from onevoice.exchange.model import IndicatorRef
from onevoice.exchange.store_match import match_indicators
from onevoice.store.store import Store


def _post(
    store: Store, post_id: str, account: str, urls: Sequence[str], domains: Sequence[str]
) -> None:
    platform, native = post_id.split(":", 1)
    store.execute(
        """
        INSERT INTO posts (post_id, platform, native_id, account_id, created_at, text, urls,
            domains, hashtags, mentions, media_hashes, repost_extra, source_file,
            source_line, source_format, tool_version, import_id)
        VALUES (?, ?, ?, ?, '2024-03-01 10:00:00+00'::TIMESTAMPTZ, 't', ?, ?, [], [], [],
            [], 'test', 1, 'test', 'test', 'i1')
        """,
        [post_id, platform, native, account, list(urls), list(domains)],
    )


def _account(store: Store, account: str, handle: str) -> None:
    platform, native = account.split(":", 1)
    store.execute(
        "INSERT INTO accounts (account_id, platform, native_id, handle, first_seen, import_id)"
        " VALUES (?, ?, ?, ?, '2024-01-01 00:00:00+00', 'i1')",
        [account, platform, native, handle],
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store") as s:
        _post(s, "twitter:1", "twitter:a", ["https://news.example.org/x"], ["news.example.org"])
        _post(s, "twitter:2", "twitter:a", [], ["example.org"])
        _post(s, "twitter:3", "twitter:b", [], ["notexample.org"])
        _post(s, "telegram:4", "telegram:c", [], [])
        _account(s, "telegram:c", "GovoritMD")
        _account(s, "twitter:b", "govoritmd")
        yield s


def test_domains_urls_and_handles_match(store: Store) -> None:
    matches = match_indicators(
        store,
        [
            IndicatorRef("domain", "example.org"),
            IndicatorRef("url", "https://news.example.org/x?utm_source=meta"),
            IndicatorRef("handle", "govoritmd", "telegram"),
            IndicatorRef("other", "3 Pages"),
        ],
    )
    found = {(m.kind, m.value, m.account_id, m.posts) for m in matches}
    assert found == {
        ("domain", "example.org", "twitter:a", 2),  # the subdomain counts, notexample.org not
        ("url", "https://news.example.org/x?utm_source=meta", "twitter:a", 1),
        ("handle", "govoritmd", "telegram:c", 1),  # the twitter account is another platform
    }


def test_nothing_to_match(store: Store) -> None:
    assert match_indicators(store, [IndicatorRef("domain", "absent.example")]) == []
