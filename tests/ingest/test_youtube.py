"""The ``youtube`` format (Data API v3 comment responses): mapping, replies, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from onevoice.ingest import youtube
from onevoice.ingest.formats import detect_format
from onevoice.ingest.source import open_source
from onevoice.store import Store
from tests.conftest import ingest, rows

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
YT = FIXTURES / "youtube"
TOP1 = "UgzTopLevel0001AaABAg"
REPLY1 = f"{TOP1}.A1reply00001"
REPLY2 = f"{TOP1}.A1reply00002"


def _posts(store: Store) -> dict[str, dict[str, object]]:
    return {str(p["native_id"]): p for p in rows(store, "SELECT * FROM posts")}


def test_comment_threads_map_every_field(store: Store) -> None:
    result = ingest(store, YT / "comment_threads.json", "youtube")
    # 3 threads: 3 top-level comments and 2 replies
    assert (result.format, result.records_read, result.posts_added) == ("youtube", 5, 5)
    assert (result.rejected, result.warnings) == (0, 0)
    posts = _posts(store)
    assert set(posts) == {TOP1, REPLY1, REPLY2, "UgyTopLevel0002AaABAg", "UgxTopLevel0003AaABAg"}

    p = posts[TOP1]
    assert p["post_id"] == f"youtube:{TOP1}"
    assert p["platform"] == "youtube"
    assert p["account_id"] == "youtube:UCmaria00000000000000001"
    assert p["created_at"] == datetime(2024, 6, 10, 14, 3, 22, tzinfo=UTC)  # not updatedAt
    assert p["text"] == (
        "This is staged, read https://fact.example.org/check/9?utm_campaign=x #FakeNews @CheckDesk"
    )  # textOriginal, not the HTML textDisplay
    assert (p["lang"], p["lang_source"]) == ("en", "detected")
    # no entity list: found in the text; the video is not a shared URL
    assert p["urls"] == ["https://fact.example.org/check/9"]
    assert p["domains"] == ["fact.example.org"]
    assert p["hashtags"] == ["fakenews"]
    assert p["mentions"] == ["checkdesk"]
    assert p["repost_of"] is None and p["reply_to"] is None and p["quote_of"] is None
    assert (p["likes"], p["replies"]) == (41, 2)  # likeCount, totalReplyCount
    assert p["reposts"] is None and p["quotes"] is None and p["views"] is None
    assert p["media_hashes"] == []
    assert p["source_line"] == 1 and p["source_format"] == "youtube"
    raw = orjson.loads(str(p["raw"]))
    assert raw["kind"] == "youtube#commentThread"
    assert raw["snippet"]["videoId"] == "dQw4w9WgXc0"  # the video: in raw only
    assert "replies" not in raw  # each reply is its own post

    p = posts[REPLY1]  # no textOriginal: textDisplay without its HTML
    assert p["text"] == "Agreed & shared\nsecond line 1:02"
    assert p["reply_to"] == f"youtube:{TOP1}"
    assert p["account_id"] == "youtube:UCtom000000000000000002"
    assert (p["likes"], p["replies"]) == (2, None)  # replies are not counted on replies
    assert p["urls"] == []  # the timestamp link to the same video is not kept
    assert p["source_line"] == 1
    assert orjson.loads(str(p["raw"]))["kind"] == "youtube#comment"

    p = posts[REPLY2]
    assert p["created_at"] == datetime(2024, 6, 10, 13, 30, 0, 500000, tzinfo=UTC)  # +02:00
    assert p["mentions"] == ["tomsample"]

    p = posts["UgyTopLevel0002AaABAg"]
    assert (p["likes"], p["replies"]) == (0, 0)  # zero stays zero
    assert p["source_line"] == 2

    p = posts["UgxTopLevel0003AaABAg"]
    assert (p["text"], p["lang"]) == ("Правда ли это?", "ru")
    assert p["source_line"] == 3

    accounts = {a["native_id"]: a for a in rows(store, "SELECT * FROM accounts")}
    assert set(accounts) == {
        "UCmaria00000000000000001",
        "UCtom000000000000000002",
        "UColdstyle00000000000003",
        "UCivan000000000000000004",
    }
    a = accounts["UCmaria00000000000000001"]
    assert (a["account_id"], a["handle"], a["display_name"]) == (
        "youtube:UCmaria00000000000000001",
        "MariaExample",
        "@MariaExample",
    )
    assert a["first_seen"] == datetime(2024, 6, 10, 13, 30, 0, 500000, tzinfo=UTC)
    assert a["last_seen"] == datetime(2024, 6, 10, 14, 3, 22, tzinfo=UTC)
    # an old /channel/ URL has no handle; a percent-encoded one is decoded
    assert accounts["UColdstyle00000000000003"]["handle"] is None
    assert accounts["UCivan000000000000000004"]["handle"] == "иван"


def test_comments_list_replies_point_to_their_parent(store: Store) -> None:
    ingest(store, YT / "comment_threads.json", "youtube")
    result = ingest(store, YT / "comments_list.json", "youtube")
    assert (result.records_read, result.posts_added, result.posts_known) == (2, 1, 1)
    p = _posts(store)[f"{TOP1}.A1reply00003"]
    assert p["reply_to"] == f"youtube:{TOP1}"  # parentId
    assert p["account_id"] == "youtube:UClate000000000000000005"
    assert p["replies"] is None and p["likes"] == 1
    assert p["source_line"] == 2


def test_bad_lines_are_reported_and_the_rest_ingested(store: Store) -> None:
    result = ingest(store, YT / "threads_bad.jsonl", "youtube")
    # several rejects share a line; the pipeline orders only by line and severity
    assert sorted(result.rejects) == [
        (2, "error", "bad timestamp '10/06/2024': expected ISO 8601 or epoch seconds"),
        (2, "error", "missing id"),
        (2, "error", "not a comment thread (kind 'youtube#video')"),
        (3, "error", "not a commentThreads.list or comments.list response"),
        (4, "error", "truncated JSON (the file ends inside a record)"),
    ]
    assert (result.records_read, result.posts_added, result.rejected) == (7, 2, 5)
    posts = _posts(store)
    # the thread whose top-level comment has no id still gives its good reply
    assert set(posts) == {"UgyTopLevel0002AaABAg", REPLY2}
    assert posts[REPLY2]["source_line"] == 2 and posts[REPLY2]["reply_to"] == f"youtube:{TOP1}"
    excerpt = rows(store, "SELECT excerpt FROM rejects WHERE line = 3")[0]["excerpt"]
    assert excerpt.startswith('{"error":{"code":403')


def test_reingesting_adds_nothing(store: Store) -> None:
    first = ingest(store, YT / "comment_threads.json", "youtube")
    again = ingest(store, YT / "comment_threads.json", "youtube")
    assert (first.posts_added, again.posts_added, again.posts_known) == (5, 0, 5)
    assert store.scalar("SELECT count(*) FROM posts") == 5


@pytest.mark.parametrize(
    "name", ["comment_threads.json", "comments_list.json", "threads_bad.jsonl"]
)
def test_sniffed_as_youtube(name: str) -> None:
    assert detect_format(open_source(str(YT / name)).sample()).NAME == "youtube"


@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "telegram" / "channel.json",
        FIXTURES / "bluesky" / "author_feed.json",
        FIXTURES / "csv" / "good.csv",
    ],
)
def test_sniff_leaves_other_formats_alone(path: Path) -> None:
    assert not youtube.sniff(open_source(str(path)).sample())


def test_json_lines_with_lines_longer_than_the_sniffing_sample(
    store: Store, tmp_path: Path
) -> None:
    """A page of 100 threads is one line of more than 64 KiB: still JSON Lines."""
    page = orjson.loads((YT / "comment_threads.json").read_bytes())
    first = dict(page, items=page["items"][:1] * 80)
    second = dict(page, items=page["items"][1:])
    path = tmp_path / "pages.jsonl"
    path.write_bytes(orjson.dumps(first) + b"\n" + orjson.dumps(second) + b"\n")
    assert path.stat().st_size > 1 << 16
    assert detect_format(open_source(str(path)).sample()).NAME == "youtube"
    result = ingest(store, path, "youtube")
    assert (result.rejected, result.posts_added) == (0, 5)
    lines = {p["native_id"]: p["source_line"] for p in rows(store, "SELECT * FROM posts")}
    assert lines == {
        TOP1: 1,
        REPLY1: 1,
        REPLY2: 1,
        "UgyTopLevel0002AaABAg": 2,
        "UgxTopLevel0003AaABAg": 2,
    }
