"""The ``meta-csv`` format: CrowdTangle and Meta Content Library exports, field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from onevoice.errors import MissingColumns
from onevoice.ingest import coortweet, generic_csv, meta_csv
from onevoice.ingest.formats import detect_format
from onevoice.ingest.source import open_source
from onevoice.store import Store
from tests.conftest import FIXTURES, ingest, rows

DIR = FIXTURES / "meta_csv"


def _posts(store: Store) -> dict[str, dict[str, Any]]:
    return {p["post_id"]: p for p in rows(store, "SELECT * FROM posts")}


def test_crowdtangle_facebook_maps_every_field(store: Store) -> None:
    result = ingest(store, DIR / "crowdtangle_facebook.csv")
    assert (result.format, result.records_read, result.posts_added) == ("meta-csv", 4, 4)
    assert (result.rejected, result.warnings) == (0, 0)
    posts = _posts(store)

    p = posts["facebook:100200300400_5550001112223334"]
    assert (p["platform"], p["native_id"]) == ("facebook", "100200300400_5550001112223334")
    assert p["account_id"] == "facebook:100200300400"
    assert p["created_at"] == datetime(2021, 7, 6, 20, 45, 20, tzinfo=UTC)  # EDT → UTC
    assert p["text"] == (
        "Council approves new ferry timetable #HarbourTown via @CityCouncil\n"
        "Details: https://gazette.example.com/ferry"
    )
    assert (p["lang"], p["lang_source"]) == ("en", "detected")
    # Link and Final Link, canonical; the URL in the message is not added (a list is given)
    assert p["urls"] == [
        "https://bit.ly/3xFerry",
        "https://gazette.example.com/news/ferry-timetable?id=9",
    ]
    assert p["domains"] == ["bit.ly", "gazette.example.com"]
    assert p["hashtags"] == ["harbourtown"] and p["mentions"] == ["citycouncil"]
    assert p["media_hashes"] == [] and p["repost_of"] is None and p["repost_extra"] == []
    assert (p["likes"], p["reposts"], p["replies"], p["quotes"], p["views"]) == (
        800,
        120,
        150,
        None,
        0,
    )
    assert (p["source_line"], p["source_format"]) == (2, "meta-csv")
    raw = orjson.loads(p["raw"])
    assert raw["Total Interactions"] == "1,204" and raw["Link Text"] == "Ferry timetable approved"
    assert (
        raw[
            "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x "
            "Haha 1x Sad 1x Angry 1x Care 1x )"
        ]
        == "2.31"
    )

    p = posts["facebook:100200300400_777888999000111"]  # a native video, in winter (EST)
    assert p["created_at"] == datetime(2021, 1, 15, 13, 5, tzinfo=UTC)
    assert p["text"] is None and p["lang"] is None
    assert p["urls"] == ["https://www.facebook.com/harbourgazette/videos/777888999000111/"]
    assert (p["likes"], p["reposts"], p["replies"], p["views"]) == (70, 11, 6, 5230)
    assert p["source_line"] == 4  # the message of the record before spans two lines

    p = posts["facebook:987654321_1234567890"]  # permalink.php?story_fbid=…
    assert p["created_at"] == datetime(2021, 3, 28, 0, 30, tzinfo=UTC)  # CET → UTC
    assert p["urls"] == [] and p["hashtags"] == ["nordstadt"]
    assert (p["lang"], p["lang_source"]) == ("de", "detected")
    assert (p["likes"], p["reposts"], p["replies"], p["views"]) == (10, None, 2, None)

    p = posts["facebook:555000111_200300400500"]  # …/photos/a.100/200300400500/
    assert p["created_at"] == datetime(2021, 3, 28, 7, 0, tzinfo=UTC)  # "+03"
    assert p["text"] == "Ранкові новини"  # Image Text is not the author's words

    accounts = {a["account_id"]: a for a in rows(store, "SELECT * FROM accounts")}
    assert set(accounts) == {"facebook:100200300400", "facebook:987654321", "facebook:555000111"}
    a = accounts["facebook:100200300400"]
    assert (a["handle"], a["display_name"]) == ("harbourgazette", "Harbour Town Gazette")
    assert a["followers"] == 27311  # at the latest post
    assert a["created_at"] == datetime(2010, 5, 14, 16, 26, 44, tzinfo=UTC)
    assert a["description"] == "Local news for Harbour Town since 1921."
    assert a["verified"] is None
    assert a["first_seen"] == datetime(2021, 1, 15, 13, 5, tzinfo=UTC)
    assert a["last_seen"] == datetime(2021, 7, 6, 20, 45, 20, tzinfo=UTC)
    a = accounts["facebook:987654321"]
    assert (a["handle"], a["display_name"], a["followers"]) == (
        None,
        "Bürgerforum Nordstadt",
        3350,
    )


def test_crowdtangle_instagram(store: Store) -> None:
    result = ingest(store, DIR / "crowdtangle_instagram.csv")
    assert (result.format, result.posts_added, result.rejected) == ("meta-csv", 2, 0)
    posts = _posts(store)
    p = posts["instagram:CZx1AbCdEfG"]
    assert (p["platform"], p["account_id"]) == ("instagram", "instagram:tideandtable")
    assert p["created_at"] == datetime(2022, 2, 10, 18, 0, tzinfo=UTC)
    assert p["text"] == "Sunday brunch is back! #brunch #HarbourTown with @localfarm"
    assert p["urls"] == []  # Link is the post itself
    assert p["hashtags"] == ["brunch", "harbourtown"] and p["mentions"] == ["localfarm"]
    assert (p["likes"], p["reposts"], p["replies"], p["views"]) == (1520, None, 48, None)
    p = posts["instagram:CaB2cD3eF4g"]  # a reel, in summer (PDT)
    assert p["created_at"] == datetime(2022, 7, 1, 19, 0, tzinfo=UTC)
    assert p["urls"] == ["https://tideandtable.example.com/menu"]
    assert p["views"] == 20100 and p["source_line"] == 3
    assert rows(store, "SELECT handle, display_name, followers FROM accounts") == [
        {"handle": "tideandtable", "display_name": "Tide & Table Kitchen", "followers": 16020},
    ]


def test_content_library_facebook(store: Store) -> None:
    result = ingest(store, DIR / "mcl_facebook.csv")
    assert (result.format, result.posts_added, result.rejected) == ("meta-csv", 3, 0)
    posts = _posts(store)
    p = posts["facebook:778899001122334"]
    assert p["account_id"] == "facebook:445566"
    assert p["created_at"] == datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)
    assert p["text"] == (
        "Vaccines are safe: read the facts https://health.example.org/facts #FactCheck"
    )
    assert (p["lang"], p["lang_source"]) == ("en", "platform")
    assert p["urls"] == ["https://health.example.org/facts"]  # fbclid dropped
    assert p["domains"] == ["health.example.org"] and p["hashtags"] == ["factcheck"]
    assert (p["likes"], p["reposts"], p["replies"], p["views"]) == (120, 30, 12, None)
    assert p["repost_of"] is None and p["source_line"] == 2
    assert orjson.loads(p["raw"])["statistics.reaction_count"] == "150"

    p = posts["facebook:778899001122999"]  # a reshare into a group, no text
    assert p["repost_of"] == "facebook:778899001122334"
    assert p["account_id"] == "facebook:112233"
    assert p["created_at"] == datetime(2024, 3, 5, 15, 0, tzinfo=UTC)  # no zone: UTC
    assert p["text"] is None and p["lang"] is None and p["urls"] == []
    assert (p["likes"], p["reposts"], p["replies"], p["views"]) == (3, 1, 0, 410)
    assert orjson.loads(p["raw"])["multimedia"] == '[{"type": "photo"}]'

    p = posts["facebook:778899001123000"]
    assert p["created_at"] == datetime(2024, 3, 5, 15, 0, tzinfo=UTC)  # epoch seconds
    assert (p["lang"], p["reposts"], p["views"]) == ("de", 0, None)

    accounts = {a["account_id"]: a for a in rows(store, "SELECT * FROM accounts")}
    assert (accounts["facebook:445566"]["handle"], accounts["facebook:445566"]["display_name"]) == (
        "civichealthwatch",
        "Civic Health Watch",
    )
    assert accounts["facebook:112233"]["handle"] is None


def test_content_library_instagram(store: Store) -> None:
    ingest(store, DIR / "mcl_instagram.csv")
    p = _posts(store)["instagram:3300111222333"]
    assert p["account_id"] == "instagram:17841400000001"
    assert p["created_at"] == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert p["hashtags"] == ["spring"] and p["mentions"] == ["tideandtable"]
    assert p["urls"] == []  # none in the text, no link column
    assert (p["likes"], p["reposts"], p["replies"], p["views"]) == (640, None, 22, 9100)


def test_bad_crowdtangle_rows(store: Store) -> None:
    result = ingest(store, DIR / "bad_crowdtangle.csv")
    assert result.rejects == [
        (3, "error", "empty URL"),
        (4, "error", "empty Facebook Id"),
        (
            5,
            "error",
            "bad timestamp 'yesterday' in column Post Created: expected 'YYYY-MM-DD HH:MM:SS ZONE'",
        ),
        (6, "error", "unknown time zone 'XYZT' in column Post Created"),
        (7, "error", "expected 10 fields, found 9"),
        (8, "error", "no post id in URL 'https://www.facebook.com/'"),
        (9, "error", "empty Post Created"),
    ]
    assert (result.records_read, result.posts_added, result.rejected) == (9, 2, 7)
    assert rows(store, "SELECT native_id, urls FROM posts ORDER BY source_line") == [
        {"native_id": "100200300400_6001", "urls": []},
        {"native_id": "100200300400_6009", "urls": ["https://example.org/x"]},
    ]
    excerpt = store.scalar("SELECT excerpt FROM rejects WHERE line = 5")
    assert '"Post Created":"yesterday"' in excerpt and len(excerpt) == 200  # the row, cut


def test_bad_content_library_rows(store: Store) -> None:
    result = ingest(store, DIR / "bad_mcl.csv")
    assert result.rejects == [
        (3, "error", "empty id"),
        (4, "error", "empty post_owner.id"),
        (
            5,
            "error",
            "bad timestamp '05/03/2024 14:25' in column creation_time: "
            "expected ISO 8601 or epoch seconds",
        ),
    ]
    assert rows(store, "SELECT native_id, created_at, likes FROM posts ORDER BY 1") == [
        {
            "native_id": "900001",
            "created_at": datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC),
            "likes": 5,
        },
        {
            "native_id": "900005",
            "created_at": datetime(2024, 3, 5, 14, 26, 10, tzinfo=UTC),
            "likes": None,
        },
    ]


@pytest.mark.parametrize(
    ("cell", "utc"),
    [
        ("2021-07-06 16:45:20 EDT", datetime(2021, 7, 6, 20, 45, 20, tzinfo=UTC)),
        ("2021-07-06 16:45:20 BST", datetime(2021, 7, 6, 15, 45, 20, tzinfo=UTC)),
        ("2021-07-06 16:45:20 IST", datetime(2021, 7, 6, 11, 15, 20, tzinfo=UTC)),
        ("2021-07-06 16:45:20 AEST", datetime(2021, 7, 6, 6, 45, 20, tzinfo=UTC)),
        ("2021-07-06 16:45:20 +0530", datetime(2021, 7, 6, 11, 15, 20, tzinfo=UTC)),
        ("2021-07-06 16:45:20 GMT-3", datetime(2021, 7, 6, 19, 45, 20, tzinfo=UTC)),
        ("2021-07-06 16:45:20 UTC", datetime(2021, 7, 6, 16, 45, 20, tzinfo=UTC)),
        ("2021-07-06 16:45:20", datetime(2021, 7, 6, 16, 45, 20, tzinfo=UTC)),
        ("2021-07-06 6:45 cest", datetime(2021, 7, 6, 4, 45, tzinfo=UTC)),
    ],
)
def test_crowdtangle_time_zones(store: Store, tmp_path: Path, cell: str, utc: datetime) -> None:
    path = tmp_path / "ct.csv"
    path.write_text(f"Facebook Id,Post Created,URL\n1,{cell},https://www.facebook.com/1/posts/2\n")
    result = ingest(store, path)
    assert result.rejects == []
    assert store.scalar("SELECT created_at FROM posts") == utc


def test_crowdtangle_group_export_old_header(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "groups.csv"
    path.write_text(
        "Group Name,User Name,Facebook Id,Created,Likes,URL,Message,Link\n"
        "Harbour Parents,,4455,2020-11-02 07:30:00 EST,3,"
        "https://www.facebook.com/watch/?v=998877,Watch this,"
        "https://www.facebook.com/watch/?v=998877\n"
    )
    result = ingest(store, path)
    assert (result.format, result.rejected) == ("meta-csv", 0)
    assert rows(store, "SELECT post_id, created_at, urls, text FROM posts") == [
        {
            "post_id": "facebook:4455_998877",
            "created_at": datetime(2020, 11, 2, 12, 30, tzinfo=UTC),
            "urls": [],
            "text": "Watch this",
        },
    ]
    assert rows(store, "SELECT display_name FROM accounts") == [{"display_name": "Harbour Parents"}]


def test_content_library_platform_from_mcl_url(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mcl.csv"
    path.write_text(
        "id,creation_time,post_owner.id,statistics.reaction_count,mcl_url\n"
        "1,2024-01-01T00:00:00,7,2,https://www.facebook.com/transparency-tools/"
        "content-library/dataset/1/instagram/entity/1\n"
        "2,2024-01-01T00:00:00,7,2,\n"
    )
    ingest(store, path)
    assert rows(store, "SELECT post_id, likes FROM posts ORDER BY 1") == [
        {"post_id": "facebook:2", "likes": 2},  # reaction_count: a Facebook-only column
        {"post_id": "instagram:1", "likes": 2},
    ]


def test_missing_columns(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ct.csv"
    path.write_text("Facebook Id,Post Created,Message\n1,2021-07-06 16:45:20 EDT,hello\n")
    with pytest.raises(MissingColumns) as exc:
        ingest(store, path, "meta-csv")
    assert exc.value.message.startswith(f"{path}: not a meta-csv header")
    with pytest.raises(MissingColumns) as exc:
        ingest(store, FIXTURES / "csv" / "wrong_columns.csv", "meta-csv")
    assert exc.value.message.endswith("found: id, user, time, message")
    mcl = tmp_path / "mcl.csv"
    mcl.write_text("id,creation_time,statistics.views\n1,2024-01-01T00:00:00,5\n")
    with pytest.raises(MissingColumns) as exc:
        ingest(store, mcl, "meta-csv")
    assert exc.value.message == (
        f"{mcl}: missing required column post_owner.id for the meta-csv format; "
        "found: id, creation_time, statistics.views"
    )


def test_reingesting_adds_nothing(store: Store) -> None:
    ingest(store, DIR / "crowdtangle_facebook.csv")
    again = ingest(store, DIR / "crowdtangle_facebook.csv")
    assert (again.posts_added, again.posts_known, again.accounts_added) == (0, 4, 0)
    assert store.scalar("SELECT count(*) FROM posts") == 4


@pytest.mark.parametrize("path", sorted(DIR.glob("*.csv")), ids=lambda p: p.name)
def test_sniffed_as_meta_csv(path: Path) -> None:
    assert detect_format(open_source(str(path)).sample()).NAME == "meta-csv"


def test_sniff_claims_no_other_csv() -> None:
    for path in [*(FIXTURES / "coortweet").glob("*.csv"), *(FIXTURES / "csv").glob("*.csv")]:
        assert not meta_csv.sniff(open_source(str(path)).sample()), path
    for path in DIR.glob("*.csv"):
        sample = open_source(str(path)).sample()
        assert not coortweet.sniff(sample) and not generic_csv.sniff(sample), path
