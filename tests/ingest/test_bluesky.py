"""The ``bluesky`` format (getAuthorFeed / searchPosts responses): mapping, reposts, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from onevoice.ingest import bluesky
from onevoice.ingest.formats import detect_format
from onevoice.ingest.normalise import normalise_mention
from onevoice.ingest.source import open_source
from onevoice.store import Store
from tests.conftest import ingest, rows

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BSKY = FIXTURES / "bluesky"
ALICE = "did:plc:alice7example2xyz"
BOB = "did:plc:bob4example9abc"
P1 = f"at://{ALICE}/app.bsky.feed.post/3kalice0001"
P2 = f"at://{BOB}/app.bsky.feed.post/3kbob00002"
P3 = f"at://{ALICE}/app.bsky.feed.post/3kalice0003"
P4 = f"at://{ALICE}/app.bsky.feed.post/3kalice0004"


def _posts(store: Store) -> dict[str, dict[str, object]]:
    return {str(p["native_id"]): p for p in rows(store, "SELECT * FROM posts")}


def test_author_feed_maps_every_field(store: Store) -> None:
    result = ingest(store, BSKY / "author_feed.json", "bluesky")
    # 4 feed items: 4 posts plus the repost of item 2
    assert (result.format, result.records_read, result.posts_added) == ("bluesky", 5, 5)
    assert (result.rejected, result.warnings) == (0, 0)
    posts = _posts(store)
    assert set(posts) == {P1, P2, f"{P2}#repost/{ALICE}", P3, P4}

    p = posts[P1]
    assert p["post_id"] == f"bluesky:{P1}"
    assert p["platform"] == "bluesky"
    assert p["account_id"] == f"bluesky:{ALICE}"
    assert p["created_at"] == datetime(2024, 10, 1, 8, 30, 0, 123000, tzinfo=UTC)
    assert p["text"] == (
        "Ça commence 🌍 read example.com/investig... #Vote2024 with @carol.example.org"
    )
    assert (p["lang"], p["lang_source"]) == ("fr", "platform")  # langs[0]
    # the link facet's full URI (not the shortened text), then the external card
    assert p["urls"] == [
        "https://example.com/investigation/2024",
        "https://news.example.net/story/42",
    ]
    assert p["domains"] == ["example.com", "news.example.net"]
    assert p["hashtags"] == ["vote2024", "extratag"]  # tag facet + record.tags
    # the mention facet names a DID; its handle is read at the facet's byte range,
    # after the multi-byte "Ç" and "🌍"
    assert p["mentions"] == ["carol.example.org"]
    assert p["repost_of"] is None and p["reply_to"] is None and p["quote_of"] is None
    assert (p["likes"], p["reposts"], p["replies"], p["quotes"], p["views"]) == (17, 5, 2, 1, None)
    assert p["media_hashes"] == []
    assert p["source_line"] == 1 and p["source_format"] == "bluesky"
    raw = orjson.loads(str(p["raw"]))
    assert raw["post"]["cid"] == "bafyreialicepost0001"
    assert raw["post"]["record"]["facets"][2]["features"][0]["did"] == "did:plc:carol3example5def"

    p = posts[P2]
    assert p["account_id"] == f"bluesky:{BOB}"
    assert p["reply_to"] == f"bluesky:{P1}"
    assert p["media_hashes"] == ["bafkreiimage0001", "bafkreiimage0002"]  # blob CIDs
    assert p["urls"] == [] and p["hashtags"] == [] and p["mentions"] == []
    assert (p["likes"], p["reposts"], p["replies"], p["quotes"]) == (3, 1, 0, 0)
    assert p["source_line"] == 2

    p = posts[f"{P2}#repost/{ALICE}"]
    assert p["account_id"] == f"bluesky:{ALICE}"
    assert p["created_at"] == datetime(2024, 10, 1, 10, 0, tzinfo=UTC)  # reason.indexedAt
    assert p["repost_of"] == f"bluesky:{P2}"
    assert p["text"] is None and p["lang"] is None
    assert p["urls"] == [] and p["hashtags"] == [] and p["mentions"] == []
    assert p["likes"] is None and p["reposts"] is None  # missing, not zero
    assert p["source_line"] == 2
    assert orjson.loads(str(p["raw"]))["reason"]["$type"] == bluesky.REPOST

    p = posts[P3]  # no facets: URLs from the text, hashtags found later, no mentions
    assert p["urls"] == ["https://www.example.org/page"]  # ref_src dropped
    assert p["hashtags"] == ["nofacettag"]
    assert p["mentions"] == []
    assert p["quote_of"] == f"bluesky:{P1}"  # recordWithMedia
    assert p["media_hashes"] == ["bafkreivideo0001"]
    assert p["quotes"] is None  # quoteCount missing
    assert (p["lang"], p["lang_source"]) == ("en", "detected")  # no langs

    p = posts[P4]  # pinned (reasonPin): just the post; a quoted feed is not a quoted post
    assert p["quote_of"] is None
    assert p["created_at"] == datetime(2024, 9, 1, tzinfo=UTC)

    accounts = {a["native_id"]: a for a in rows(store, "SELECT * FROM accounts")}
    assert set(accounts) == {ALICE, BOB}
    a = accounts[ALICE]
    assert (a["account_id"], a["handle"], a["display_name"]) == (
        f"bluesky:{ALICE}",
        "alice.example.org",
        "Alice Example",
    )
    assert a["created_at"] == datetime(2023, 4, 20, 10, 15, tzinfo=UTC)
    assert a["first_seen"] == datetime(2024, 9, 1, tzinfo=UTC)
    assert a["last_seen"] == datetime(2024, 10, 2, 12, 0, tzinfo=UTC)
    assert accounts[BOB]["display_name"] is None  # "" is no name


def test_a_did_is_not_a_mention_handle() -> None:
    """Why mentions are read from the text: the normaliser drops a DID."""
    assert normalise_mention("did:plc:carol3example5def") is None
    assert normalise_mention("carol.example.org") == "carol.example.org"


def test_search_results_merge_with_the_feed(store: Store) -> None:
    ingest(store, BSKY / "author_feed.json", "bluesky")
    result = ingest(store, BSKY / "search.jsonl", "bluesky")
    assert (result.records_read, result.posts_added, result.posts_known) == (2, 1, 1)
    erin = _posts(store)["at://did:plc:erin8example1ghi/app.bsky.feed.post/3kerin00005"]
    assert erin["created_at"] == datetime(2024, 10, 1, 6, 30, 20, tzinfo=UTC)  # +02:00
    assert erin["urls"] == ["https://example.com/investigation/2024"]
    assert erin["source_line"] == 1  # JSON Lines: the line
    # a PostView from searchPosts is stored as such, not wrapped in a feed item
    assert orjson.loads(str(erin["raw"]))["cid"] == "bafyreierin0005"
    # the post seen again keeps its first version
    assert _posts(store)[P2]["likes"] == 3


def test_bad_lines_are_reported_and_the_rest_ingested(store: Store) -> None:
    result = ingest(store, BSKY / "search_bad.jsonl", "bluesky")
    # several rejects share a line; the pipeline orders only by line and severity
    assert sorted(result.rejects) == [
        (2, "error", "bad timestamp 'last tuesday': expected ISO 8601 or epoch seconds"),
        (2, "error", "missing uri"),
        (3, "error", "not a getAuthorFeed or searchPosts response"),
        (4, "error", "invalid JSON (unexpected character, expected a JSON value at column 72)"),
        (5, "error", "truncated JSON (the file ends inside a record)"),
    ]
    assert (result.records_read, result.posts_added, result.rejected) == (7, 2, 5)
    assert set(_posts(store)) == {
        P2,
        "at://did:plc:erin8example1ghi/app.bsky.feed.post/3kerin00005",
    }


def test_reingesting_adds_nothing(store: Store) -> None:
    first = ingest(store, BSKY / "author_feed.json", "bluesky")
    again = ingest(store, BSKY / "author_feed.json", "bluesky")
    assert (first.posts_added, again.posts_added, again.posts_known) == (5, 0, 5)
    assert store.scalar("SELECT count(*) FROM posts") == 5


@pytest.mark.parametrize("name", ["author_feed.json", "search.jsonl", "search_bad.jsonl"])
def test_sniffed_as_bluesky(name: str) -> None:
    assert detect_format(open_source(str(BSKY / name)).sample()).NAME == "bluesky"


@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "telegram" / "channel.json",
        FIXTURES / "youtube" / "comment_threads.json",
        FIXTURES / "csv" / "good.csv",
    ],
)
def test_sniff_leaves_other_formats_alone(path: Path) -> None:
    assert not bluesky.sniff(open_source(str(path)).sample())


def test_json_lines_with_lines_longer_than_the_sniffing_sample(
    store: Store, tmp_path: Path
) -> None:
    """A page of 100 posts is one line of more than 64 KiB: still JSON Lines."""
    page = orjson.loads((BSKY / "search.jsonl").read_bytes())
    big = {"posts": [page["posts"][0]] * 120 + [page["posts"][1]], "cursor": "x"}
    line = orjson.dumps(big)
    assert len(line) > 1 << 16
    path = tmp_path / "pages.jsonl"
    path.write_bytes(
        line + b"\n" + orjson.dumps(orjson.loads((BSKY / "search.jsonl").read_bytes()))
    )
    assert detect_format(open_source(str(path)).sample()).NAME == "bluesky"
    result = ingest(store, path, "bluesky")
    assert (result.rejected, result.posts_added) == (0, 2)
    assert {p["source_line"] for p in rows(store, "SELECT source_line FROM posts")} == {1}
