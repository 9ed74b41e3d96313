"""CooRTweet's own example data sets (Parquet, and the same data as CSV): nothing lost."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from onevoice.store import Store
from tests.conftest import ingest, rows

pytestmark = pytest.mark.slow

RUSSIAN = "data/coortweet/russian_coord_tweets.parquet"
GERMAN = "data/coortweet/german_elections.parquet"
PLATFORM = (
    "CASE WHEN starts_with(account_id, 'fb_') THEN 'facebook' "
    "WHEN starts_with(account_id, 'tw_') THEN 'twitter' ELSE 'other' END"
)
OBJECTS = {
    "url_id": "urls",
    "hashtag_id": "hashtags",
    "domain_id": "domains",
    "phash_id": "media_hashes",
}


def _file(sql: str) -> set[tuple[object, ...]]:
    with duckdb.connect() as con:
        return set(con.execute(sql).fetchall())


def test_russian_retweets_every_object_kept(shared: Path, store: Store) -> None:
    path = shared / RUSSIAN
    result = ingest(store, path)
    assert result.format == "coortweet"
    assert (result.records_read, result.posts_added, result.rejected) == (35_125, 35_085, 0)
    # 40 rows repeat a retweet id: 39 name a second object, one is an exact duplicate row
    assert store.scalar("SELECT count(*) FROM posts WHERE len(repost_extra) > 0") == 39
    assert store.scalar("SELECT count(*) FROM posts WHERE raw LIKE '[%'") == 40
    in_file = _file(f"SELECT DISTINCT content_id, object_id FROM '{path}'")
    in_store = {
        (r["native_id"], r["object"].removeprefix("twitter:"))
        for r in rows(
            store,
            """
            SELECT native_id, repost_of AS object FROM posts
            UNION ALL SELECT native_id, unnest(repost_extra) FROM posts
        """,
        )
    }
    assert in_store == in_file
    # the first object by row is repost_of
    first = _file(f"""
        SELECT content_id, arg_min(object_id, r) FROM
        (SELECT *, row_number() OVER () AS r FROM '{path}') GROUP BY 1
    """)
    stored_first = {
        (r["native_id"], r["repost_of"].removeprefix("twitter:"))
        for r in rows(store, "SELECT native_id, repost_of FROM posts")
    }
    assert stored_first == first
    # questions a user asks
    assert store.scalar("SELECT count(*) FROM accounts") == 9_509
    _, it = store.query(
        "SELECT account_id, count(*) AS n FROM posts GROUP BY 1 ORDER BY n DESC, account_id LIMIT 5"
    )
    expected = _file(f"""
        SELECT 'twitter:' || account_id, count(DISTINCT content_id) AS n FROM '{path}'
        GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5
    """)
    assert set(it) == expected


def _german_checks(store: Store, path: Path) -> None:
    assert store.scalar("SELECT count(*) FROM posts") == 194_323
    for col, target in OBJECTS.items():
        in_file = _file(f"""
            SELECT DISTINCT {PLATFORM} || ':' || post_id, CAST({col} AS VARCHAR)
            FROM '{path}' WHERE post_id IS NOT NULL AND {col} IS NOT NULL
        """)
        in_store = {
            (r["post_id"], r["v"])
            for r in rows(store, f"SELECT post_id, unnest({target}) AS v FROM posts")
        }
        assert in_store == in_file, col
    # no duplicates inside a list
    for target in OBJECTS.values():
        assert (
            store.scalar(
                f"SELECT count(*) FROM posts WHERE len({target}) <> len(list_distinct({target}))"
            )
            == 0
        )


def test_german_elections_nothing_lost(shared: Path, store: Store) -> None:
    path = shared / GERMAN
    result = ingest(store, path)
    assert result.format == "coortweet"
    assert (result.records_read, result.posts_added, result.rejected) == (218_971, 194_323, 3)
    assert {reason for _, _, reason in result.rejects} == {"empty post_id"}
    _german_checks(store, path)
    # posts per platform, and the most active accounts, as the file says
    _, it = store.query("SELECT platform, count(*) FROM posts GROUP BY 1 ORDER BY 1")
    assert list(it) == sorted(
        _file(f"""
        SELECT {PLATFORM}, count(DISTINCT post_id) FROM '{path}' GROUP BY 1
    """)
    )
    _, it = store.query(
        "SELECT account_id, count(*) AS n FROM posts GROUP BY 1 "
        "ORDER BY n DESC, account_id LIMIT 10"
    )
    assert list(it) == sorted(
        _file(f"""
        SELECT {PLATFORM} || ':' || account_id, count(DISTINCT post_id) AS n FROM '{path}'
        WHERE post_id IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10
    """),
        key=lambda r: (-int(str(r[1])), str(r[0])),
    )


def test_german_elections_as_csv_gives_the_same_posts(shared: Path, tmp_path: Path) -> None:
    path = shared / GERMAN
    csv_path = tmp_path / "german_elections.csv"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM '{path}') TO '{csv_path}' (HEADER)")
    columns = (
        "post_id, platform, native_id, account_id, created_at, urls, domains, hashtags, "
        "media_hashes, repost_of, repost_extra, source_line"
    )
    with Store(tmp_path / "p") as p, Store(tmp_path / "c") as c:
        from_parquet = ingest(p, path)
        from_csv = ingest(c, csv_path)
        assert from_csv.format == "coortweet"
        assert (from_csv.records_read, from_csv.posts_added, from_csv.rejected) == (
            from_parquet.records_read,
            from_parquet.posts_added,
            from_parquet.rejected,
        )
        assert [line for line, _, _ in from_csv.rejects] == [
            line + 1
            for line, _, _ in from_parquet.rejects  # header line vs row index
        ]
        _german_checks(c, path)
        sql = f"SELECT {columns} FROM posts ORDER BY post_id"
        parquet_posts = p.execute(sql).fetchall()
        csv_posts = [(*r[:-1], r[-1] - 1) for r in c.execute(sql).fetchall()]
        assert csv_posts == parquet_posts
