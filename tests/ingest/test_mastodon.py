"""The ``mastodon`` format: API Status entities, field by field, in every file layout, with
exact reject reasons and lines."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from onevoice.ingest import mastodon
from onevoice.ingest.formats import detect_format
from onevoice.ingest.source import Sample, open_source
from onevoice.store import Store
from tests.conftest import ingest, rows

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MASTODON = FIXTURES / "mastodon"
S1 = "113500000000000001"


def _posts(store: Store) -> dict[str, dict[str, object]]:
    return {p["native_id"]: p for p in rows(store, "SELECT * FROM posts")}


def _timeline() -> list[dict[str, object]]:
    value: list[dict[str, object]] = orjson.loads((MASTODON / "timeline.json").read_bytes())
    return value


def test_timeline_array_maps_every_field(store: Store) -> None:
    result = ingest(store, MASTODON / "timeline.json")
    assert (result.format, result.records_read, result.posts_added) == ("mastodon", 4, 4)
    assert (result.rejected, result.warnings, result.accounts_added) == (0, 0, 4)
    posts = _posts(store)

    p = posts[S1]
    assert p["post_id"] == f"mastodon:{S1}" and p["platform"] == "mastodon"
    # a local account: acct + the host of account.url, case-folded
    assert p["account_id"] == "mastodon:alice@social.example"
    assert p["created_at"] == datetime(2024, 11, 17, 9, 0, tzinfo=UTC)
    assert p["text"] == (
        "Summit opens today & the agenda is out. #G20Rio with @bob\n\n"
        "Read: https://www.example.org/news/summit?utm_source=mastodon&id=7\n"
        "Live: https://news.example.com/live"
    )
    assert (p["lang"], p["lang_source"]) == ("en", "platform")
    # links only: not the hashtag or mention links; the card's URL is already there
    assert p["urls"] == [
        "https://www.example.org/news/summit?id=7",
        "https://news.example.com/live",
    ]
    assert p["domains"] == ["example.org", "news.example.com"]
    assert p["hashtags"] == ["g20rio"]
    assert p["mentions"] == ["bob@news.example"]
    assert p["media_hashes"] == []
    assert (p["repost_of"], p["reply_to"], p["quote_of"]) == (None, None, None)
    assert (p["likes"], p["reposts"], p["replies"]) == (12, 1, 1)
    assert p["quotes"] is None and p["views"] is None  # the API counts neither
    assert p["source_line"] == 1 and p["source_format"] == "mastodon"
    assert p["source_file"] == str(MASTODON / "timeline.json")
    assert orjson.loads(p["raw"]) == _timeline()[0]

    p = posts["113500000000000002"]  # a boost: its own empty text, empty lists
    assert p["account_id"] == "mastodon:bob@news.example"  # remote: acct as given
    assert p["repost_of"] == f"mastodon:{S1}"
    assert p["text"] == ""
    assert p["urls"] == [] and p["hashtags"] == [] and p["mentions"] == []
    assert p["lang"] is None
    assert (p["likes"], p["reposts"], p["replies"]) == (0, 0, 0)  # zero stays zero
    assert orjson.loads(p["raw"])["reblog"]["id"] == S1
    assert p["source_line"] == 2

    p = posts["113500000000000003"]  # a reply mentioning a local account
    assert p["reply_to"] == f"mastodon:{S1}"
    assert p["text"] == "@Alice That is not what the published minutes say."
    assert p["mentions"] == ["alice@social.example"]  # joins Alice's account id
    assert p["urls"] == [] and p["hashtags"] == []
    assert p["likes"] == 2

    p = posts["113500000000000004"]  # a quote, from another server's software
    assert p["account_id"] == "mastodon:dave@other.example"
    assert p["quote_of"] == f"mastodon:{S1}"  # a shallow quote's quoted_status_id
    assert p["created_at"] == datetime(2024, 11, 17, 10, 30, tzinfo=UTC)  # +01:00 → UTC
    assert p["text"] == "Worth a read #climate <3\nblog.example.net/post"
    # the #climate link has no class and another server's tag URL: its label tells;
    # the card's URL and the link are one after canonicalisation
    assert p["urls"] == ["https://blog.example.net/post"]
    assert p["hashtags"] == ["climate"] and p["mentions"] == []
    assert (p["lang"], p["lang_source"]) == ("de", "platform")
    assert p["likes"] is None  # no favourites_count given: missing, not zero
    assert (p["reposts"], p["replies"]) == (3, 0)

    accounts = {a["account_id"]: a for a in rows(store, "SELECT * FROM accounts")}
    assert set(accounts) == {
        "mastodon:alice@social.example",
        "mastodon:bob@news.example",
        "mastodon:carol@social.example",
        "mastodon:dave@other.example",
    }
    a = accounts["mastodon:alice@social.example"]
    assert (a["platform"], a["native_id"]) == ("mastodon", "alice@social.example")
    assert (a["handle"], a["display_name"]) == ("Alice@social.example", "Alice Example")
    assert a["created_at"] == datetime(2022, 11, 1, tzinfo=UTC)
    assert (a["followers"], a["verified"]) == (321, None)
    assert a["description"] == "Summit watcher & note taker.\n\nRio, Brazil"
    assert a["first_seen"] == a["last_seen"] == datetime(2024, 11, 17, 9, 0, tzinfo=UTC)
    b = accounts["mastodon:bob@news.example"]
    assert (b["handle"], b["display_name"], b["followers"]) == (
        "bob@news.example",
        "Bob's Newsdesk",
        9800,
    )
    assert b["description"] == "News, all day."
    c = accounts["mastodon:carol@social.example"]
    assert (c["handle"], c["display_name"], c["description"]) == ("carol@social.example", "", "")


def test_json_lines_of_pages_and_statuses(store: Store) -> None:
    result = ingest(store, MASTODON / "statuses.jsonl")
    assert (result.format, result.posts_added, result.rejected) == ("mastodon", 3, 0)
    posts = _posts(store)
    assert posts["113500000000000005"]["source_line"] == 1  # a page (array) on line 1
    assert posts["113500000000000006"]["source_line"] == 1
    assert posts["113500000000000005"]["urls"] == ["https://news.example.com/day2"]
    assert posts["113500000000000005"]["text"] == "Second day: news.example.com/day2"
    assert posts["113500000000000006"]["mentions"] == ["bob@news.example"]
    p = posts["113500000000000007"]  # one status on line 2, quoting with a full Quote
    assert p["source_line"] == 2
    assert p["quote_of"] == "mastodon:113500000000000005"
    assert p["account_id"] == "mastodon:alice@social.example"


def test_one_line_array_and_one_pretty_status(store: Store, tmp_path: Path) -> None:
    statuses = _timeline()
    compact = tmp_path / "page.json"  # what `curl …/api/v1/timelines/public` saves
    compact.write_bytes(orjson.dumps(statuses))
    result = ingest(store, compact)
    assert (result.format, result.posts_added, result.rejected) == ("mastodon", 4, 0)
    lines = [r["source_line"] for r in rows(store, "SELECT source_line FROM posts ORDER BY 1")]
    assert lines == [1, 2, 3, 4]  # record indexes
    pretty = tmp_path / "status.json"
    pretty.write_bytes(orjson.dumps(statuses[2] | {"id": "1135"}, option=orjson.OPT_INDENT_2))
    assert detect_format(open_source(str(pretty)).sample()).NAME == "mastodon"
    result = ingest(store, pretty)
    assert (result.posts_added, result.rejected) == (1, 0)
    assert _posts(store)["1135"]["reply_to"] == f"mastodon:{S1}"


def test_bad_array_is_rejected_record_by_record(store: Store) -> None:
    result = ingest(store, MASTODON / "bad.json")
    assert sorted(_posts(store)) == ["113500000000000011", "113500000000000015"]
    assert result.rejects == [
        (2, "error", "missing id"),
        (3, "error", "bad timestamp '17/11/2024 09:00': expected ISO 8601 or epoch seconds"),
        (4, "error", "not a status (a JSON object)"),
        (6, "error", "truncated JSON after record 5 (parse error: premature EOF)"),
    ]
    assert _posts(store)["113500000000000015"]["source_line"] == 5  # record index
    assert _posts(store)["113500000000000011"]["hashtags"] == ["ok"]


def test_bad_lines_are_rejected_and_the_rest_kept(store: Store) -> None:
    result = ingest(store, MASTODON / "bad.jsonl")
    assert sorted(_posts(store)) == ["113500000000000011", "113500000000000021"]
    assert (result.posts_added, result.rejected, result.warnings) == (2, 3, 2)
    assert sorted(result.rejects) == [  # the order within one line is not defined
        (2, "error", "invalid JSON (unexpected character, expected ',' or '}' at column 68)"),
        (
            3,
            "warning",
            "account created_at: bad timestamp 'last year': expected ISO 8601 or "
            "epoch seconds; dropped (the post is kept)",
        ),
        (
            3,
            "warning",
            "bad favourites_count 'lots': expected an integer; dropped (the post is kept)",
        ),
        (5, "error", "not a status (a JSON object)"),
        (6, "error", "missing created_at"),
    ]
    p = _posts(store)["113500000000000021"]
    assert p["likes"] is None and p["reposts"] == 0
    (carol,) = rows(store, "SELECT * FROM accounts WHERE handle = 'carol@social.example'")
    # line 3's bad date is dropped; line 1 gives Carol's
    assert carol["created_at"] == datetime(2023, 2, 2, tzinfo=UTC) and carol["followers"] == 12


def test_reingest_adds_nothing(store: Store) -> None:
    first = ingest(store, MASTODON / "timeline.json")
    again = ingest(store, MASTODON / "timeline.json")
    assert (first.posts_added, again.posts_added, again.posts_known) == (4, 0, 4)
    assert again.accounts_added == 0
    assert rows(store, "SELECT count(*) AS n FROM posts") == [{"n": 4}]


@pytest.mark.parametrize("name", ["timeline.json", "statuses.jsonl", "bad.json", "bad.jsonl"])
def test_sniffing_picks_mastodon(name: str) -> None:
    assert detect_format(open_source(str(MASTODON / name)).sample()).NAME == "mastodon"


@pytest.mark.parametrize(
    "head",
    [
        b'{"id": "1", "content": "<p>hi</p>", "account": {}}',  # no Mastodon-only key
        b'{"uri": "at://did:plc:x/app.bsky.feed.post/1", "record": {"text": "hi"}}',
        b'{"data": [{"id": "1", "text": "hi", "author_id": "2"}], "includes": {}}',
        b"not json at all",
    ],
)
def test_sniffing_refuses_other_shapes(head: bytes) -> None:
    assert not mastodon.sniff(Sample(name="x", head=head))


def test_sniffing_leaves_other_formats_files_alone() -> None:
    for path in sorted(FIXTURES.glob("*/*")):
        if path.parent.name != "mastodon" and path.is_file():
            assert not mastodon.sniff(open_source(str(path)).sample()), path


def test_html_to_text() -> None:
    html = (
        "<p>One &amp; two<br />three</p><blockquote><p>quoted</p></blockquote>"
        "<ul><li>a</li><li>b</li></ul><p>&lt;end&gt; &#127482;</p>"
    )
    assert mastodon.html_to_text(html) == "One & two\nthree\n\nquoted\n\na\nb\n\n<end> 🇺"
    assert mastodon.html_to_text("") == ""


def test_batch_size_does_not_change_the_result(store: Store, tmp_path: Path) -> None:
    query = "SELECT * EXCLUDE (import_id) FROM posts ORDER BY post_id"
    ingest(store, MASTODON / "timeline.json")
    ingest(store, MASTODON / "bad.jsonl")
    expected = rows(store, query)
    with Store(tmp_path / "other") as other:
        ingest(other, MASTODON / "timeline.json", batch_size=1)
        result = ingest(other, MASTODON / "bad.jsonl", batch_size=1)
        assert rows(other, query) == expected
        assert (result.rejected, result.warnings) == (3, 2)
