"""The generic ``csv`` format: field-by-field mapping, exact error texts, line numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from onevoice.errors import MissingColumns
from onevoice.ingest.formats import detect_format
from onevoice.ingest.source import open_source
from onevoice.store import Store
from tests.conftest import ingest, rows

CSV = Path(__file__).resolve().parent.parent / "fixtures" / "csv"


def test_good_file_maps_every_field(store: Store) -> None:
    result = ingest(store, CSV / "good.csv")
    assert (result.format, result.records_read, result.posts_added) == ("csv", 4, 4)
    assert (result.rejected, result.warnings) == (0, 0)
    posts = {p["native_id"]: p for p in rows(store, "SELECT * FROM posts")}

    p = posts["1001"]
    assert p["post_id"] == "twitter:1001"
    assert p["platform"] == "twitter"
    assert p["account_id"] == "twitter:a1"
    assert p["created_at"] == datetime(2024, 11, 18, 9, 0, tzinfo=UTC)
    assert p["text"] == "Summit opens today #G20Rio @UN_News https://t.co/abc"
    assert (p["lang"], p["lang_source"]) == ("en", "platform")
    # the urls column is given, so the t.co link in the text is not added
    assert p["urls"] == ["https://www.example.org/news/summit?id=7"]
    assert p["domains"] == ["example.org"]
    assert p["hashtags"] == ["g20rio"]
    assert p["mentions"] == ["un_news"]
    assert p["repost_of"] is None and p["reply_to"] is None and p["quote_of"] is None
    assert p["likes"] == 12
    assert p["reposts"] is None and p["views"] is None  # missing is not zero
    assert p["source_line"] == 2 and p["source_format"] == "csv"
    assert p["source_file"] == str(CSV / "good.csv")
    assert p["tool_version"].startswith("onevoice ")
    raw = orjson.loads(p["raw"])
    assert raw["extra_note"] == "kept in raw" and raw["post_id"] == "1001"

    p = posts["1002"]
    assert p["created_at"] == datetime(2024, 11, 18, 9, 1, tzinfo=UTC)  # epoch seconds
    assert p["repost_of"] == "twitter:1001"
    assert p["urls"] == [] and p["hashtags"] == [] and p["mentions"] == []  # given, empty
    assert (p["lang"], p["lang_source"]) == ("en", "detected")

    p = posts["1003"]
    assert p["created_at"] == datetime(2024, 11, 18, 9, 30, tzinfo=UTC)  # +01:00 → UTC
    assert p["text"] == "Une réponse en français, avec une ligne\nde plus"
    assert p["reply_to"] == "twitter:1001"
    assert p["likes"] == 0  # zero stays zero
    assert p["source_line"] == 4

    p = posts["1004"]
    assert p["platform"] == "mastodon" and p["account_id"] == "mastodon:a3"
    assert p["created_at"] == datetime(2024, 11, 18, 11, 0, tzinfo=UTC)  # no zone → UTC
    assert p["urls"] == ["http://example.org/a", "https://news.example.com/b"]
    assert p["domains"] == ["example.org", "news.example.com"]
    assert p["quote_of"] == "mastodon:1001"
    assert (p["lang"], p["lang_source"]) == ("de", "detected")
    assert p["source_line"] == 6  # the record before spans two lines

    accounts = {a["account_id"]: a for a in rows(store, "SELECT * FROM accounts")}
    assert set(accounts) == {"twitter:a1", "twitter:a2", "mastodon:a3"}
    a1 = accounts["twitter:a1"]
    assert a1["handle"] == "Alice_G20"
    assert a1["first_seen"] == datetime(2024, 11, 18, 9, 0, tzinfo=UTC)
    assert a1["last_seen"] == datetime(2024, 11, 18, 9, 30, tzinfo=UTC)


def test_bad_rows_are_reported_and_the_rest_ingested(store: Store) -> None:
    result = ingest(store, CSV / "bad.csv")
    assert sorted(rows(store, "SELECT native_id FROM posts"), key=str) == [
        {"native_id": "2001"},
        {"native_id": "2003"},
        {"native_id": "2007"},
    ]
    assert [(line, sev, reason) for line, sev, reason in result.rejects] == [
        (
            3,
            "error",
            "bad timestamp 'not-a-date' in column created_at: expected ISO 8601 or epoch seconds",
        ),
        (5, "error", "empty account_id"),
        (6, "error", "expected 5 fields, found 6"),
        (7, "error", "empty post_id"),
        (8, "warning", "'notaurl' in urls is not a URL; dropped (the post is kept)"),
    ]
    assert (result.records_read, result.rejected, result.warnings) == (7, 4, 1)
    stored = rows(store, "SELECT line, severity, reason, source_file FROM rejects ORDER BY line")
    assert [r["line"] for r in stored] == [3, 5, 6, 7, 8]
    assert {r["source_file"] for r in stored} == {str(CSV / "bad.csv")}


def test_an_empty_url_cell_is_never_a_url(store: Store) -> None:
    ingest(store, CSV / "bad.csv")
    assert rows(store, "SELECT urls FROM posts WHERE native_id = '2003'") == [{"urls": []}]
    empties = store.scalar("SELECT count(*) FROM (SELECT unnest(urls) u FROM posts) WHERE u = ''")
    assert empties == 0


def test_wrong_column_set_names_missing_and_found(store: Store) -> None:
    with pytest.raises(MissingColumns) as exc:
        ingest(store, CSV / "wrong_columns.csv", "csv")
    assert exc.value.message == (
        f"{CSV / 'wrong_columns.csv'}: missing required columns post_id, account_id, "
        "created_at for the csv format; found: id, user, time, message"
    )
    assert store.scalar("SELECT count(*) FROM imports") == 0


def test_tab_separated(store: Store) -> None:
    result = ingest(store, CSV / "good.tsv")
    assert result.format == "csv" and result.posts_added == 1
    assert rows(store, "SELECT hashtags, platform FROM posts") == [
        {"hashtags": ["tab"], "platform": "other"}
    ]


def test_sniffed_as_csv() -> None:
    assert detect_format(open_source(str(CSV / "good.csv")).sample()).NAME == "csv"
