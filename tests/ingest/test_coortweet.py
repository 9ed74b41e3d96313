"""The ``coortweet`` format: both CooRTweet input forms, CSV and Parquet, exact rejects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from onevoice.errors import MissingColumns
from onevoice.ingest import coortweet, generic_csv, meta_csv
from onevoice.ingest.formats import detect_format
from onevoice.ingest.source import open_source
from onevoice.store import Store
from tests.conftest import FIXTURES, ingest, rows

DIR = FIXTURES / "coortweet"
POST_COLUMNS = (
    "post_id, platform, native_id, account_id, created_at, text, lang, urls, domains, hashtags, "
    "mentions, media_hashes, repost_of, repost_extra, reply_to, quote_of, likes, reposts, "
    "replies, quotes, views"
)


def _posts(store: Store) -> dict[str, dict[str, Any]]:
    return {p["post_id"]: p for p in rows(store, "SELECT * FROM posts")}


def _ts(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def test_share_form_maps_every_field(store: Store) -> None:
    result = ingest(store, DIR / "share.csv", "coortweet")
    assert (result.format, result.records_read, result.posts_added) == ("coortweet", 5, 4)
    assert (result.rejected, result.warnings) == (0, 0)
    posts = _posts(store)
    assert set(posts) == {f"twitter:c7d1e2f30{i}" for i in (1, 2, 3, 4)}

    p = posts["twitter:c7d1e2f301"]
    assert (p["platform"], p["native_id"]) == ("twitter", "c7d1e2f301")
    assert p["account_id"] == "twitter:a3e1b5"
    assert p["created_at"] == datetime(2021, 6, 16, 22, 4, 51, tzinfo=UTC)
    assert p["repost_of"] == "twitter:9f2c41d07a" and p["repost_extra"] == []
    assert p["reply_to"] is None and p["quote_of"] is None
    assert p["text"] is None and p["lang"] is None and p["lang_source"] is None
    for col in ("urls", "domains", "hashtags", "mentions", "media_hashes"):
        assert p[col] == [], col
    for col in ("likes", "reposts", "replies", "quotes", "views"):
        assert p[col] is None, col  # CooRTweet has no counts: missing, not zero
    assert (p["source_line"], p["source_format"]) == (2, "coortweet")
    assert p["source_file"] == str(DIR / "share.csv")
    assert orjson.loads(p["raw"]) == {
        "object_id": "9f2c41d07a",
        "account_id": "a3e1b5",
        "content_id": "c7d1e2f301",
        "timestamp_share": "1623881091",
    }

    p = posts["twitter:c7d1e2f302"]
    assert p["created_at"] == datetime(2021, 6, 16, 22, 5, 0, 500000, tzinfo=UTC)  # a float

    # one retweet id naming two objects: the first (by line) is repost_of, nothing is lost
    p = posts["twitter:c7d1e2f303"]
    assert p["repost_of"] == "twitter:5be0aa1c33"
    assert p["repost_extra"] == ["twitter:71d4c2e9f0"]
    assert p["source_line"] == 4
    assert [r["object_id"] for r in orjson.loads(p["raw"])] == ["5be0aa1c33", "71d4c2e9f0"]

    assert posts["twitter:c7d1e2f304"]["created_at"] == datetime(2021, 6, 16, 22, 8, 20, tzinfo=UTC)
    accounts = {a["account_id"]: a for a in rows(store, "SELECT * FROM accounts")}
    assert set(accounts) == {"twitter:a3e1b5", "twitter:b48f09", "twitter:c902ee"}
    a = accounts["twitter:a3e1b5"]
    assert (a["platform"], a["native_id"], a["handle"], a["followers"]) == (
        "twitter",
        "a3e1b5",
        None,
        None,
    )
    assert a["first_seen"] == _ts(1623881091) and a["last_seen"] == _ts(1623881200)


def test_a_platform_column_overrides_twitter(store: Store) -> None:
    ingest(store, DIR / "share_platform.csv", "coortweet")
    assert rows(store, "SELECT post_id, account_id, repost_of FROM posts ORDER BY 1") == [
        {
            "post_id": "facebook:p-post-1",
            "account_id": "facebook:u-11",
            "repost_of": "facebook:p-obj-1",
        },
        {
            "post_id": "twitter:p-post-2",
            "account_id": "twitter:u-12",
            "repost_of": "twitter:p-obj-1",
        },  # an empty platform cell: the default
    ]


def test_multimodal_form_merges_rows_of_one_post(store: Store) -> None:
    result = ingest(store, DIR / "multimodal.csv", "coortweet")
    assert (result.records_read, result.posts_added, result.rejected) == (7, 5, 0)
    posts = _posts(store)
    assert set(posts) == {
        "facebook:5001",
        "twitter:5002",
        "other:5003",
        "facebook:5004",
        "twitter:5001",
    }
    p = posts["facebook:5001"]
    assert p["account_id"] == "facebook:fb_101"
    assert p["created_at"] == _ts(1629589836)
    # lists concatenated in source order, de-duplicated, ids kept as given (opaque)
    assert p["urls"] == ["23678", "23679"]
    assert p["domains"] == ["3498"]
    assert p["hashtags"] == ["17"]  # a digit-only "tag": kept, it is an anonymised id
    assert p["media_hashes"] == [] and p["mentions"] == []
    assert p["repost_of"] is None and p["repost_extra"] == []
    assert p["source_line"] == 2
    assert [r["url_id"] for r in orjson.loads(p["raw"])] == ["23678", "23679"]

    p = posts["twitter:5002"]
    assert (p["urls"], p["hashtags"], p["domains"], p["media_hashes"]) == (
        [],
        ["17", "18"],
        [],
        ["9280"],
    )
    p = posts["other:5003"]  # a post that shares nothing is still a post
    assert p["account_id"] == "other:other_303"
    assert (p["urls"], p["hashtags"], p["domains"], p["media_hashes"]) == ([], [], [], [])
    assert posts["facebook:5004"]["urls"] == ["23678"]  # "23678.0" written by a float writer
    assert posts["facebook:5004"]["created_at"] == _ts(1629590100)
    # the same number on another platform is another post
    assert posts["twitter:5001"]["urls"] == ["23678"]
    assert posts["twitter:5001"]["account_id"] == "twitter:tw_202"
    assert {a["account_id"] for a in rows(store, "SELECT account_id FROM accounts")} == {
        "facebook:fb_101",
        "twitter:tw_202",
        "other:other_303",
    }


def test_bad_share_rows_are_reported_and_the_rest_ingested(store: Store) -> None:
    result = ingest(store, DIR / "bad_share.csv", "coortweet")
    assert [r["native_id"] for r in rows(store, "SELECT native_id FROM posts ORDER BY 1")] == [
        "c7d1e2f301",
        "c7d1e2f309",
    ]
    assert result.rejects == [
        (3, "error", "empty content_id"),
        (4, "error", "empty object_id (the shared object)"),
        (5, "error", "empty account_id"),
        (
            6,
            "error",
            "bad timestamp '2021-06-16 22:04:51' in column timestamp_share: expected epoch seconds",
        ),
        (7, "error", "expected 4 fields, found 3"),
        (8, "error", "empty timestamp_share"),
    ]
    assert (result.records_read, result.rejected, result.warnings) == (8, 6, 0)
    excerpt = store.scalar("SELECT excerpt FROM rejects WHERE line = 3")
    assert orjson.loads(excerpt)["content_id"] == ""


def test_bad_multimodal_rows(store: Store) -> None:
    result = ingest(store, DIR / "bad_multimodal.csv", "coortweet")
    assert result.rejects == [
        (3, "error", "empty post_id"),
        (4, "error", "bad timestamp 'NA' in column timestamp: expected epoch seconds"),
    ]
    assert [r["post_id"] for r in rows(store, "SELECT post_id FROM posts ORDER BY 1")] == [
        "facebook:7001",
        "twitter:7003",
    ]


def _multimodal_parquet(path: Path) -> None:
    """The multi-modal fixture as CooRTweet's R data becomes in Parquet: int32 ids with
    nulls, float timestamps, a dictionary-encoded account column."""
    table = pacsv.read_csv(
        DIR / "multimodal.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={"account_id": pa.string(), "url_id": pa.float64()}
        ),
    )
    ints = {
        c: table[c].cast(pa.int32())
        for c in ("post_id", "url_id", "hashtag_id", "domain_id", "phash_id")
    }
    out = pa.table(
        {
            "account_id": table["account_id"].dictionary_encode(),
            **ints,
            "timestamp": table["timestamp"].cast(pa.float64()),
        }
    )
    pq.write_table(out, path)


def test_parquet_gives_the_same_posts_as_csv(tmp_path: Path) -> None:
    parquet = tmp_path / "multimodal.parquet"
    _multimodal_parquet(parquet)
    with Store(tmp_path / "a") as a, Store(tmp_path / "b") as b:
        from_csv = ingest(a, DIR / "multimodal.csv", "coortweet")
        from_parquet = ingest(b, parquet, "coortweet", batch_size=3)  # batches split posts
        assert (from_parquet.records_read, from_parquet.posts_added) == (
            from_csv.records_read,
            from_csv.posts_added,
        )
        sql = f"SELECT {POST_COLUMNS}, source_line FROM posts ORDER BY post_id"
        csv_posts, parquet_posts = rows(a, sql), rows(b, sql)
        for p in csv_posts:
            p["source_line"] -= 1  # CSV: physical line; Parquet: 1-based row index
        assert parquet_posts == csv_posts
        raw = orjson.loads(b.scalar("SELECT raw FROM posts WHERE post_id = 'other:5003'"))
        assert raw == {
            "account_id": "other_303",
            "post_id": 5003,
            "url_id": None,
            "hashtag_id": None,
            "domain_id": None,
            "phash_id": None,
            "timestamp": 1629590000.0,
        }


def test_parquet_share_form_types_and_rejects(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "share.parquet"
    pq.write_table(
        pa.table(
            {
                "object_id": pa.array(["o1", "o1", "o2", None]).dictionary_encode(),
                "account_id": pa.array(["u1", "u2", "u1", "u3"]).dictionary_encode(),
                "content_id": pa.array(["c1", "c2", "c3", "c4"], pa.large_string()),
                "timestamp_share": pa.array([1623881091.0, float("nan"), 1623881200.25, 1.0]),
            }
        ),
        path,
    )
    result = ingest(store, path, "coortweet")
    assert (result.records_read, result.posts_added) == (4, 2)
    assert result.rejects == [
        (2, "error", "empty timestamp_share"),  # NaN, as pandas writes a missing value
        (4, "error", "empty object_id (the shared object)"),
    ]
    assert rows(
        store, "SELECT post_id, repost_of, created_at, source_line FROM posts ORDER BY 1"
    ) == [
        {
            "post_id": "twitter:c1",
            "repost_of": "twitter:o1",
            "created_at": _ts(1623881091),
            "source_line": 1,
        },
        {
            "post_id": "twitter:c3",
            "repost_of": "twitter:o2",
            "created_at": _ts(1623881200.25),
            "source_line": 3,
        },
    ]


def test_parquet_timestamp_column(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ts.parquet"
    when = datetime(2021, 6, 16, 22, 4, 51, tzinfo=UTC)
    pq.write_table(
        pa.table(
            {
                "object_id": ["o1"],
                "account_id": ["u1"],
                "content_id": [123456789012345678],
                "timestamp_share": pa.array([when], pa.timestamp("s", tz="UTC")),
            }
        ),
        path,
    )
    ingest(store, path, "coortweet")
    assert rows(store, "SELECT native_id, created_at FROM posts") == [
        {"native_id": "123456789012345678", "created_at": when},
    ]


def test_wrong_columns(store: Store, tmp_path: Path) -> None:
    with pytest.raises(MissingColumns) as exc:
        ingest(store, FIXTURES / "csv" / "wrong_columns.csv", "coortweet")
    assert exc.value.message == (
        f"{FIXTURES / 'csv' / 'wrong_columns.csv'}: missing required columns object_id, "
        "account_id, content_id, timestamp_share for the coortweet format; "
        "found: id, user, time, message"
    )
    no_objects = tmp_path / "no_objects.csv"
    no_objects.write_text("account_id,post_id,timestamp\nfb_1,1,1629589836\n")
    with pytest.raises(
        MissingColumns,
        match="needs at least one of the columns url_id, hashtag_id, domain_id, phash_id",
    ):
        ingest(store, no_objects, "coortweet")
    parquet = tmp_path / "other.parquet"
    pq.write_table(pa.table({"id": [1], "text": ["x"]}), parquet)
    with pytest.raises(MissingColumns, match="missing required columns object_id"):
        ingest(store, parquet, "coortweet")
    assert store.scalar("SELECT count(*) FROM imports") == 0


def test_reingesting_adds_nothing(store: Store) -> None:
    ingest(store, DIR / "multimodal.csv", "coortweet")
    again = ingest(store, DIR / "multimodal.csv", "coortweet")
    assert (again.posts_added, again.posts_known, again.accounts_added) == (0, 5, 0)
    assert store.scalar("SELECT count(*) FROM posts") == 5


def test_results_do_not_depend_on_batch_size(tmp_path: Path) -> None:
    sql = f"SELECT {POST_COLUMNS}, source_line, raw FROM posts ORDER BY post_id"
    results = []
    for size in (1, 2, 20_000):
        with Store(tmp_path / f"s{size}") as s:
            ingest(s, DIR / "share.csv", "coortweet", batch_size=size)
            ingest(s, DIR / "multimodal.csv", "coortweet", batch_size=size)
            results.append(rows(s, sql))
    assert results[0] == results[1] == results[2]


@pytest.mark.parametrize(
    "name",
    ["share.csv", "share_platform.csv", "multimodal.csv", "bad_share.csv", "bad_multimodal.csv"],
)
def test_sniffed_as_coortweet(name: str) -> None:
    assert detect_format(open_source(str(DIR / name)).sample()).NAME == "coortweet"


def test_parquet_is_sniffed_as_coortweet(tmp_path: Path) -> None:
    path = tmp_path / "m.parquet"
    _multimodal_parquet(path)
    assert detect_format(open_source(str(path)).sample()).NAME == "coortweet"


def test_sniff_claims_no_other_csv() -> None:
    others = [*(FIXTURES / "meta_csv").glob("*.csv"), *(FIXTURES / "csv").glob("*.csv")]
    assert others
    for path in others:
        assert not coortweet.sniff(open_source(str(path)).sample()), path
    for path in DIR.glob("*.csv"):
        sample = open_source(str(path)).sample()
        assert not meta_csv.sniff(sample) and not generic_csv.sniff(sample), path
