"""The ``twarc2`` format: X API v2 pages and flattened tweets, field by field, with exact
reject reasons and lines."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from onevoice.ingest import twarc2
from onevoice.ingest.formats import detect_format
from onevoice.ingest.source import Sample, open_source
from onevoice.store import Store
from tests.conftest import ingest, rows

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TWARC2 = FIXTURES / "twarc2"


def _posts(store: Store) -> dict[str, dict[str, object]]:
    return {p["native_id"]: p for p in rows(store, "SELECT * FROM posts")}


def _lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def test_search_pages_map_every_field(store: Store) -> None:
    result = ingest(store, TWARC2 / "search.jsonl")
    assert (result.format, result.records_read, result.posts_added) == ("twarc2", 6, 6)
    assert (result.rejected, result.warnings, result.accounts_added) == (0, 0, 3)
    posts = _posts(store)
    # includes.tweets (Carol's quoted tweet) is context, not a post of the search
    assert "1858000000000000009" not in posts

    p = posts["1858123400000000001"]
    assert p["post_id"] == "twitter:1858123400000000001"
    assert p["platform"] == "twitter" and p["account_id"] == "twitter:1111"
    assert p["created_at"] == datetime(2024, 11, 17, 9, 0, tzinfo=UTC)
    assert p["text"] == (
        "Summit opens today #G20Rio with @UN_News https://t.co/aaa1 https://t.co/bbb2 "
        "https://t.co/ccc3"
    )
    assert (p["lang"], p["lang_source"]) == ("en", "platform")
    # unwound_url wins over the bit.ly expanded_url; utm_source is dropped; the photo
    # link (with a media_key) is an attachment, not a shared link; never the t.co link
    assert p["urls"] == [
        "https://www.example.org/news/summit?id=7",
        "https://news.example.com/live",
    ]
    assert p["domains"] == ["example.org", "news.example.com"]
    assert p["hashtags"] == ["g20rio"] and p["mentions"] == ["un_news"]
    assert p["media_hashes"] == []
    assert (p["repost_of"], p["reply_to"], p["quote_of"]) == (None, None, None)
    assert (p["likes"], p["reposts"], p["replies"], p["quotes"], p["views"]) == (12, 5, 1, 1, 340)
    assert p["source_line"] == 1 and p["source_format"] == "twarc2"
    assert p["source_file"] == str(TWARC2 / "search.jsonl")
    page1, page2, _empty = _lines(TWARC2 / "search.jsonl")
    assert orjson.loads(p["raw"]) == page1["data"][0]  # the tweet as read

    p = posts["1858123400000000002"]  # a retweet: truncated text kept, its own entities
    assert p["account_id"] == "twitter:3333"
    assert p["text"].startswith("RT @alice_g20: Summit opens today #G20Rio")
    assert p["repost_of"] == "twitter:1858123400000000001"
    assert p["reply_to"] is None and p["quote_of"] is None
    # the photo link without media_key is still recognised as the attachment
    assert p["urls"] == [
        "https://www.example.org/news/summit?id=7",
        "https://news.example.com/live",
    ]
    assert p["mentions"] == ["alice_g20", "un_news"] and p["hashtags"] == ["g20rio"]
    assert (p["likes"], p["reposts"], p["replies"], p["quotes"], p["views"]) == (0, 5, 0, 0, 0)
    assert orjson.loads(p["raw"]) == page1["data"][1]

    p = posts["1858123400000000003"]  # a reply that quotes; lang 'und'; no impressions
    assert p["reply_to"] == "twitter:1858123400000000001"
    assert p["quote_of"] == "twitter:1858000000000000009"
    assert p["repost_of"] is None
    assert (p["lang"], p["lang_source"]) == ("en", "detected")
    assert p["urls"] == ["https://twitter.com/carol_fc/status/1858000000000000009"]
    assert p["domains"] == ["twitter.com"]
    assert p["hashtags"] == [] and p["mentions"] == ["alice_g20"]
    assert (p["likes"], p["reposts"], p["replies"], p["quotes"]) == (2, 0, 0, 0)
    assert p["views"] is None  # missing is not zero

    p = posts["1858123400000000004"]  # no entities at all: found in the text
    assert p["hashtags"] == ["g20rio"] and p["mentions"] == ["un_news"] and p["urls"] == []
    assert p["created_at"] == datetime(2024, 11, 17, 10, 0, tzinfo=UTC)

    p = posts["1858123400000000005"]  # a long post: note_tweet's full text and entities
    long = page2["data"][0]["note_tweet"]["text"]
    assert p["text"] == long and len(long) > 280
    assert p["urls"] == ["https://example.net/communique.pdf"]
    assert p["hashtags"] == ["communique"] and p["mentions"] == []
    assert p["account_id"] == "twitter:5555" and p["source_line"] == 2

    p = posts["1858123400000000006"]  # entities without lists; no public_metrics
    assert p["urls"] == [] and p["hashtags"] == [] and p["mentions"] == []
    assert [p[c] for c in ("likes", "reposts", "replies", "quotes", "views")] == [None] * 5

    accounts = {a["account_id"]: a for a in rows(store, "SELECT * FROM accounts")}
    assert set(accounts) == {"twitter:1111", "twitter:3333", "twitter:5555"}
    a = accounts["twitter:1111"]
    assert (a["platform"], a["native_id"], a["handle"]) == ("twitter", "1111", "alice_g20")
    assert a["display_name"] == "Alice Example"
    assert a["created_at"] == datetime(2015, 3, 2, 10, 0, tzinfo=UTC)
    assert (a["followers"], a["verified"]) == (1520, False)
    assert a["description"] == "Summit watcher. Views my own."
    assert a["first_seen"] == datetime(2024, 11, 17, 9, 0, tzinfo=UTC)
    assert a["last_seen"] == datetime(2024, 11, 17, 10, 0, tzinfo=UTC)
    b = accounts["twitter:3333"]
    assert (b["handle"], b["display_name"], b["followers"], b["verified"]) == (
        "Bob_News",
        "Bob's Newsdesk",
        98000,
        True,
    )
    c = accounts["twitter:5555"]  # its user is missing from includes
    assert (c["handle"], c["display_name"], c["followers"], c["created_at"]) == (
        None,
        None,
        None,
        None,
    )


def test_flattened_tweets(store: Store) -> None:
    result = ingest(store, TWARC2 / "flat.jsonl")
    assert (result.format, result.posts_added, result.rejected) == ("twarc2", 2, 0)
    posts = _posts(store)
    p = posts["1858200000000000001"]
    assert p["account_id"] == "twitter:6666"
    assert p["repost_of"] == "twitter:1858123400000000001"  # expanded referenced tweet
    assert p["urls"] == ["https://bit.ly/3xYz"]  # no unwound_url: expanded_url as given
    assert p["mentions"] == ["alice_g20", "un_news"]  # expanded mentions keep username
    assert (p["likes"], p["reposts"], p["views"]) == (0, 6, 0)
    raw = orjson.loads(p["raw"])
    assert raw["author"]["username"] == "dana_obs" and "__twarc" in raw

    p = posts["1858200000000000002"]
    assert p["quote_of"] == "twitter:1858000000000000009"
    assert p["created_at"] == datetime(2024, 11, 17, 10, 0, tzinfo=UTC)  # +01:00 → UTC
    assert (p["lang"], p["lang_source"]) == ("pt", "platform")
    assert p["urls"] == ["https://x.com/carol_fc/status/1858000000000000009"]
    assert p["domains"] == ["x.com"] and p["hashtags"] == ["g20rio"]

    (a,) = rows(store, "SELECT * FROM accounts")
    assert (a["account_id"], a["handle"], a["display_name"]) == (
        "twitter:6666",
        "dana_obs",
        "Dana Observer",
    )
    assert (a["followers"], a["verified"], a["description"]) == (88, False, "")
    assert a["created_at"] == datetime(2023, 1, 5, tzinfo=UTC)


def test_bad_lines_are_rejected_and_the_rest_kept(store: Store) -> None:
    result = ingest(store, TWARC2 / "bad.jsonl")
    assert sorted(_posts(store)) == ["1858300000000000001", "1858300000000000005"]
    assert (result.posts_added, result.rejected, result.warnings) == (2, 7, 2)
    assert sorted(result.rejects) == [  # the order within one line is not defined
        (1, "error", "bad timestamp '2024-13-45T99:00:00Z': expected ISO 8601 or epoch seconds"),
        (1, "error", "missing id"),
        (
            1,
            "warning",
            "author created_at: bad timestamp 'yesterday': expected ISO 8601 or "
            "epoch seconds; dropped (the post is kept)",
        ),
        (
            1,
            "warning",
            "bad public_metrics.like_count 'many': expected an integer; dropped (the post is kept)",
        ),
        (2, "error", "invalid JSON (unexpected character, expected ',' or '}' at column 52)"),
        (3, "error", "bad page: 'data' is not a list of tweets"),
        (4, "error", "not a twarc2 page or tweet (a JSON object)"),
        (6, "error", "missing created_at"),
        (7, "error", "truncated JSON (the file ends inside a record)"),
    ]
    excerpts = {
        r["reason"]: r["excerpt"]
        for r in rows(store, "SELECT reason, excerpt FROM rejects WHERE severity = 'error'")
    }
    assert orjson.loads(excerpts["missing id"])["text"] == "I have no id"
    p = _posts(store)["1858300000000000001"]
    assert p["likes"] is None and p["reposts"] == 1  # the bad count only is dropped
    assert p["hashtags"] == ["ok"]
    erin = rows(store, "SELECT * FROM accounts WHERE account_id = 'twitter:7777'")[0]
    # the bad date of the page's user is dropped; the flat line's author gives one
    assert erin["created_at"] == datetime(2018, 1, 1, tzinfo=UTC)
    assert (erin["handle"], erin["followers"]) == ("erin_r", 10)


def test_reingest_adds_nothing(store: Store) -> None:
    first = ingest(store, TWARC2 / "search.jsonl")
    again = ingest(store, TWARC2 / "search.jsonl")
    assert (first.posts_added, again.posts_added, again.posts_known) == (6, 0, 6)
    assert again.accounts_added == 0
    assert rows(store, "SELECT count(*) AS n FROM posts") == [{"n": 6}]


def test_one_tweet_page_and_a_page_longer_than_the_sample(store: Store, tmp_path: Path) -> None:
    page1 = _lines(TWARC2 / "search.jsonl")[0]
    single = {"data": page1["data"][0], "includes": page1["includes"]}  # `twarc2 tweet`
    many = dict(page1)
    many["data"] = [dict(page1["data"][3], id=str(1858400000000000000 + i)) for i in range(600)]
    path = tmp_path / "tweets.jsonl"
    path.write_bytes(orjson.dumps(many) + b"\n" + orjson.dumps(single) + b"\n")
    assert path.read_bytes().index(b"\n") > 65536  # the first line does not fit the sample
    assert detect_format(open_source(str(path)).sample()).NAME == "twarc2"
    result = ingest(store, path)
    assert (result.posts_added, result.rejected) == (601, 0)
    assert rows(store, "SELECT source_line FROM posts WHERE native_id = '1858123400000000001'") == [
        {"source_line": 2}
    ]


@pytest.mark.parametrize("name", ["search.jsonl", "flat.jsonl", "bad.jsonl"])
def test_sniffing_picks_twarc2(name: str) -> None:
    assert detect_format(open_source(str(TWARC2 / name)).sample()).NAME == "twarc2"


@pytest.mark.parametrize(
    "head",
    [
        b'{"data": [{"id": "1", "message": "hi", "created_time": "2024"}], "paging": {}}',
        b'{"name": "Channel", "type": "public_channel", "id": 1, "messages": []}',
        b'{"text": "hi", "createdAt": "2024-01-01T00:00:00Z", "$type": "app.bsky.feed.post"}',
        b'[{"id": "1", "text": "a list of tweets is not a twarc2 file", "author_id": "2"}]',
        b"post_id,account_id,created_at\n1,2,2024-01-01\n",
    ],
)
def test_sniffing_refuses_other_shapes(head: bytes) -> None:
    assert not twarc2.sniff(Sample(name="x", head=head))


def test_sniffing_leaves_other_formats_files_alone() -> None:
    for path in sorted(FIXTURES.glob("*/*")):
        if path.parent.name != "twarc2" and path.is_file():
            assert not twarc2.sniff(open_source(str(path)).sample()), path


def test_batch_size_does_not_change_the_result(store: Store, tmp_path: Path) -> None:
    query = "SELECT * EXCLUDE (import_id) FROM posts ORDER BY post_id"
    ingest(store, TWARC2 / "search.jsonl")
    ingest(store, TWARC2 / "bad.jsonl")
    expected = rows(store, query)
    with Store(tmp_path / "other") as other:
        ingest(other, TWARC2 / "search.jsonl", batch_size=1)
        result = ingest(other, TWARC2 / "bad.jsonl", batch_size=1)
        assert rows(other, query) == expected
        assert (result.rejected, result.warnings) == (7, 2)
