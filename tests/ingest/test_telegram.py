"""The ``telegram`` format (Telegram Desktop's result.json): mapping, layouts, cut files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from onevoice.errors import UnreadableInput
from onevoice.ingest import telegram
from onevoice.ingest.formats import detect_format
from onevoice.ingest.source import open_source
from onevoice.store import Store
from tests.conftest import ingest, rows

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TG = FIXTURES / "telegram"


def _posts(store: Store) -> dict[str, dict[str, object]]:
    return {str(p["native_id"]): p for p in rows(store, "SELECT * FROM posts")}


def test_channel_export_maps_every_field(store: Store) -> None:
    result = ingest(store, TG / "channel.json", "telegram")
    # the service message (id 1) is skipped: neither a post nor a reject
    assert (result.format, result.records_read, result.posts_added) == ("telegram", 4, 4)
    assert (result.rejected, result.warnings) == (0, 0)
    posts = _posts(store)
    assert set(posts) == {
        "-1001500123456/2",
        "-1001500123456/3",
        "-1001500123456/4",
        "-1001500123456/5",
    }

    p = posts["-1001500123456/2"]
    assert p["post_id"] == "telegram:-1001500123456/2"
    assert p["platform"] == "telegram"
    assert p["account_id"] == "telegram:channel1500123456"
    # date_unixtime 1709294400, not the zone-less local "date"
    assert p["created_at"] == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert p["text"] == (
        "Read it first here: https://news.example.com/story?id=7&utm_source=tg and the full "
        "report #Summit via @OtherChannel, thanks Jane Example example.net/page"
    )
    assert p["urls"] == [
        "https://news.example.com/story?id=7",  # utm_source dropped
        "https://www.example.org/report",  # text_link href
        "http://example.net/page",  # schemeless link entity
    ]
    assert p["domains"] == ["news.example.com", "example.org", "example.net"]
    assert p["hashtags"] == ["summit"]
    assert p["mentions"] == ["otherchannel", "user777000111"]  # mention, mention_name
    assert p["repost_of"] is None and p["reply_to"] is None and p["quote_of"] is None
    assert p["likes"] == 15  # 12 + 3 reactions
    assert p["reposts"] is None and p["replies"] is None and p["quotes"] is None
    assert p["views"] is None
    assert p["media_hashes"] == []
    assert p["source_line"] == 2 and p["source_format"] == "telegram"
    assert p["source_file"] == str(TG / "channel.json")
    raw = orjson.loads(str(p["raw"]))
    assert raw["id"] == 2 and raw["reactions"][0]["emoji"] == "👍"

    p = posts["-1001500123456/3"]
    # a forward: the source channel is known, the forwarded message is not
    assert p["repost_of"] is None
    raw = orjson.loads(str(p["raw"]))
    assert (raw["forwarded_from"], raw["forwarded_from_id"]) == (
        "Mirror Channel",
        "channel1600999888",
    )
    # the entity list says there is no hashtag; "#NotATag" in plain text is not one
    assert p["hashtags"] == [] and p["urls"] == [] and p["mentions"] == []
    assert p["created_at"] == datetime(2024, 3, 1, 12, 5, tzinfo=UTC)  # not the edit time
    assert p["likes"] is None  # no reactions: missing, not zero
    assert p["source_line"] == 3

    p = posts["-1001500123456/4"]
    assert p["text"] is None  # a photo without caption
    assert p["reply_to"] == "telegram:-1001500123456/2"
    assert p["lang"] is None and p["lang_source"] is None

    p = posts["-1001500123456/5"]
    assert p["account_id"] == "telegram:channel1500123456"  # no from_id: the channel
    assert p["likes"] == 0  # an empty reactions list is zero
    assert p["source_line"] == 5

    accounts = rows(store, "SELECT * FROM accounts")
    assert len(accounts) == 1
    a = accounts[0]
    assert (a["account_id"], a["native_id"], a["display_name"], a["handle"]) == (
        "telegram:channel1500123456",
        "channel1500123456",
        "Example Truth Daily",
        None,
    )
    assert a["first_seen"] == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert a["last_seen"] == datetime(2024, 3, 1, 13, 0, tzinfo=UTC)


def test_all_chats_export_keeps_chats_apart(store: Store) -> None:
    result = ingest(store, TG / "all_chats.json", "telegram")
    assert (result.records_read, result.posts_added, result.rejected) == (4, 4, 0)
    posts = _posts(store)
    # message 10 exists in two chats: the chat id keeps them apart
    assert set(posts) == {"-1001700111222/10", "-1001700111222/12", "555000222/10", "-4400/1"}
    assert posts["-1001700111222/10"]["hashtags"] == ["election2024"]
    assert posts["-1001700111222/10"]["account_id"] == "telegram:user555000222"
    assert posts["-1001700111222/12"]["reply_to"] == "telegram:-1001700111222/10"
    # a reply into another chat names that chat (reply_to_peer_id)
    assert posts["555000222/10"]["reply_to"] == "telegram:-1001700111222/10"
    assert posts["555000222/10"]["created_at"] == datetime(2024, 5, 3, 18, 0, tzinfo=UTC)
    assert posts["-4400/1"]["account_id"] == "telegram:user123"  # left basic group: -<id>
    assert [
        p["source_line"] for p in rows(store, "SELECT source_line FROM posts ORDER BY source_line")
    ] == [1, 3, 4, 5]
    names = {a["native_id"]: a["display_name"] for a in rows(store, "SELECT * FROM accounts")}
    assert names == {
        "user555000222": "Alex Sample",
        "user555000111": "Exporting Person",
        "user123": "Deleted Account",
    }


def test_cut_file_keeps_the_messages_before_the_cut(store: Store) -> None:
    result = ingest(store, TG / "bad_cut.json", "telegram")
    assert result.rejects == [
        (1, "error", "missing id"),
        (2, "error", "bad timestamp 'yesterday': expected ISO 8601 or epoch seconds"),
        (3, "error", "not a message (type 'unsupported')"),
        (5, "error", "truncated JSON after record 4 (parse error: premature EOF)"),
    ]
    assert (result.records_read, result.posts_added, result.rejected) == (5, 1, 4)
    (p,) = rows(store, "SELECT * FROM posts")
    assert p["post_id"] == "telegram:-1001800000001/4"  # private_channel: -100<id>
    assert p["text"] == "I am fine"
    assert p["source_line"] == 4
    stored = rows(store, "SELECT line, excerpt FROM rejects ORDER BY line")
    assert orjson.loads(stored[0]["excerpt"])["text"] == "I have no id"


def test_old_export_without_unixtime_reads_date_as_utc_with_one_warning(store: Store) -> None:
    result = ingest(store, TG / "old_export.json", "telegram")
    assert result.rejects == [
        (
            1,
            "warning",
            "no date_unixtime: 'date' is the exporting computer's local time without a zone; "
            "read as UTC",
        )
    ]
    assert (result.posts_added, result.rejected, result.warnings) == (2, 0, 1)
    posts = _posts(store)
    p = posts["-1001100220033/100"]
    assert p["created_at"] == datetime(2019, 6, 1, 14, 0, tzinfo=UTC)
    assert p["account_id"] == "telegram:user4455667788"  # bare number: a user id


def test_export_without_chat_id_is_unreadable(store: Store) -> None:
    with pytest.raises(UnreadableInput) as exc:
        ingest(store, TG / "no_chat_id.json", "telegram")
    assert exc.value.message == (
        f"cannot read {TG / 'no_chat_id.json'}: the Telegram export has no chat id"
    )
    assert store.scalar("SELECT count(*) FROM imports") == 0
    assert store.scalar("SELECT count(*) FROM posts") == 0


def test_header_after_the_messages_is_found(store: Store, tmp_path: Path) -> None:
    """Key-sorted JSON (``jq -S``) puts ``name`` and ``type`` after ``messages``."""
    doc = orjson.loads((TG / "channel.json").read_bytes())
    path = tmp_path / "sorted.json"
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
    result = ingest(store, path, "telegram")
    assert (result.posts_added, result.rejected) == (4, 0)
    assert "-1001500123456/5" in _posts(store)
    assert rows(store, "SELECT account_id FROM posts WHERE native_id = '-1001500123456/5'") == [
        {"account_id": "telegram:channel1500123456"}
    ]


def test_reingesting_adds_nothing(store: Store) -> None:
    first = ingest(store, TG / "channel.json", "telegram")
    again = ingest(store, TG / "channel.json", "telegram")
    assert (first.posts_added, again.posts_added, again.posts_known) == (4, 0, 4)
    assert store.scalar("SELECT count(*) FROM posts") == 4


def test_batch_size_does_not_change_the_result(store: Store, tmp_path: Path) -> None:
    ingest(store, TG / "all_chats.json", "telegram", batch_size=1)
    with Store(tmp_path / "other") as other:
        ingest(other, TG / "all_chats.json", "telegram")
        sql = "SELECT post_id, created_at, text, reply_to, source_line FROM posts ORDER BY 1"
        assert rows(store, sql) == rows(other, sql)


@pytest.mark.parametrize(
    "name", ["channel.json", "all_chats.json", "bad_cut.json", "old_export.json"]
)
def test_sniffed_as_telegram(name: str) -> None:
    assert detect_format(open_source(str(TG / name)).sample()).NAME == "telegram"


@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "bluesky" / "author_feed.json",
        FIXTURES / "youtube" / "comment_threads.json",
        FIXTURES / "csv" / "good.csv",
    ],
)
def test_sniff_leaves_other_formats_alone(path: Path) -> None:
    assert not telegram.sniff(open_source(str(path)).sample())


def test_cut_all_chats_export_keeps_the_messages_before_the_cut(
    store: Store, tmp_path: Path
) -> None:
    data = (TG / "all_chats.json").read_bytes()
    path = tmp_path / "result.json"
    path.write_bytes(data[: data.index(b'"Yes, it is fake"')])
    result = ingest(store, path, "telegram")
    # records count every message, the skipped service message (record 2) too
    assert result.rejects == [
        (3, "error", "truncated JSON after record 2 (parse error: premature EOF)"),
    ]
    assert set(_posts(store)) == {"-1001700111222/10"}
