"""Account signals on hand-built posts: clockwork vs bursty, cohorts, duplicates, handles."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onevoice.detect.signals import account_signals, normalised_text_sql
from onevoice.store import Store
from tests.conftest import rows

T0 = datetime(2025, 11, 15, tzinfo=UTC)
_seq = iter(range(1, 10**9))


def _post(
    store: Store,
    account: str,
    at: datetime,
    text: str = "hello",
    repost_of: str | None = None,
) -> None:
    n = next(_seq)
    store.execute(
        """
        INSERT INTO posts (post_id, platform, native_id, account_id, created_at, text, urls,
                           domains, hashtags, mentions, media_hashes, repost_of, repost_extra,
                           source_file, source_line, source_format, tool_version, import_id)
        VALUES (?, 'x', ?, ?, ?, ?, [], [], [], [], [], ?, [], 'test', ?, 'test', '0', 'i')
        """,
        [f"x:{n}", str(n), account, at, text, repost_of, n],
    )


def _account(store: Store, account: str, handle: str | None, created: datetime | None) -> None:
    store.execute(
        "INSERT INTO accounts (account_id, platform, native_id, handle, created_at, import_id) "
        "VALUES (?, 'x', ?, ?, ?, 'i')",
        [account, account, handle, created],
    )


def _member(store: Store, account: str, network: int = 1, run: str = "r") -> None:
    store.execute(
        "INSERT INTO network_members VALUES (?, ?, ?, false, 1, 1, 0.1)", [run, account, network]
    )


def _signals(store: Store, run: str = "r") -> dict[str, dict[str, Any]]:
    return {
        r["account_id"]: r
        for r in rows(store, "SELECT * FROM account_signals WHERE run_id = ?", [run])
    }


def test_clockwork_account_is_regular_and_bursty_account_is_not(store: Store) -> None:
    for i in range(50):  # every ten minutes, on the dot
        _post(store, "clock", T0 + timedelta(seconds=600 * i))
    rng = random.Random(7)
    t = T0
    for _ in range(50):  # bursts of quick posts, then pauses of hours
        t += timedelta(seconds=rng.choice([5, 20, 40, 90, 3600, 5 * 3600, 11 * 3600]))
        _post(store, "human", t)
    _member(store, "clock")
    _member(store, "human")
    assert account_signals(store.con, "r") == 2
    got = _signals(store)
    clock, human = got["clock"], got["human"]
    assert clock["posts"] == 50
    assert clock["interval_cv"] == pytest.approx(0.0, abs=1e-9)
    assert clock["interval_entropy"] == pytest.approx(0.0, abs=1e-9)
    assert human["interval_cv"] > 1.0
    assert human["interval_entropy"] > clock["interval_entropy"] + 1.5
    # 50 posts ten minutes apart: 500 minutes over 9 UTC hours
    assert clock["active_hours"] == 9
    assert 0 < clock["hour_entropy"] <= math.log2(9) + 1e-9
    assert human["hour_entropy"] <= math.log2(24) + 1e-9


def test_entropy_is_in_bits_over_log2_bins(store: Store) -> None:
    # gaps 1, 2, 4, 8 s: four bins, one each -> 2 bits; CV of (1, 2, 4, 8)
    t = T0
    _post(store, "a", t)
    for gap in (1, 2, 4, 8):
        t += timedelta(seconds=gap)
        _post(store, "a", t)
    _member(store, "a")
    account_signals(store.con, "r")
    a = _signals(store)["a"]
    assert a["interval_entropy"] == pytest.approx(2.0)
    gaps = [1, 2, 4, 8]
    mean = sum(gaps) / 4
    sd = math.sqrt(sum((g - mean) ** 2 for g in gaps) / 4)
    assert a["interval_cv"] == pytest.approx(sd / mean)


def test_one_post_gives_nulls_not_errors(store: Store) -> None:
    _post(store, "once", T0)
    _member(store, "once")
    _member(store, "ghost")  # a member with no posts and no account row
    assert account_signals(store.con, "r") == 2
    got = _signals(store)
    once = got["once"]
    assert once["posts"] == 1
    for col in ("interval_entropy", "interval_cv", "hour_entropy"):
        assert once[col] is None
    assert once["active_hours"] == 1
    assert once["account_created_at"] is None
    assert once["creation_cohort"] is None
    assert once["handle_pattern"] is None
    assert once["duplicate_text_share"] == 0.0
    ghost = got["ghost"]
    assert ghost["posts"] == 0
    assert ghost["interval_cv"] is None and ghost["duplicate_text_share"] is None


def test_creation_cohort_counts_members_of_the_same_network_within_a_day(store: Store) -> None:
    day = timedelta(hours=24)
    created = {
        "a": T0,
        "b": T0 + timedelta(hours=3),
        "c": T0 + timedelta(hours=23),
        "d": T0 + timedelta(hours=30),  # 27 h after b, 7 h after c
        "e": T0 + 10 * day,  # alone
        "f": None,  # unknown
        "g": T0 + timedelta(hours=1),  # in another network
    }
    for acct, at in created.items():
        _account(store, acct, None, at)
        _post(store, acct, T0 + 20 * day)
        _member(store, acct, network=2 if acct == "g" else 1)
    account_signals(store.con, "r")
    got = _signals(store)
    assert {k: v["creation_cohort"] for k, v in got.items()} == {
        "a": 3,  # a, b, c
        "b": 3,  # a, b, c (d is 27 h later)
        "c": 4,  # a, b, c, d
        "d": 2,  # c, d
        "e": 1,
        "f": None,
        "g": 1,  # a is an hour away, but in network 1
    }
    assert got["a"]["account_created_at"] == T0


def test_duplicate_text_share(store: Store) -> None:
    # 'a' posts four originals: two also posted by another account (after normalisation),
    # one only by itself (twice), one that is a repost (not counted), one only a URL.
    _post(store, "a", T0, "Vote NO on the treaty! https://x.example/1 @friend")
    _post(store, "b", T0, "  vote no on   the TREATY!  @someone http://other.example")
    _post(store, "a", T0 + timedelta(hours=1), "The summit is a scam")
    _post(store, "c", T0 + timedelta(days=3), "the summit is a scam")
    _post(store, "a", T0 + timedelta(hours=2), "my own words")
    _post(store, "a", T0 + timedelta(hours=3), "My own words")  # itself again: not another
    _post(store, "a", T0 + timedelta(hours=4), "my own words", repost_of="x:1")
    _post(store, "a", T0 + timedelta(hours=5), "https://only.example/link")
    _post(store, "d", T0, "my own words", repost_of="x:1")  # a repost by another: not counted
    _member(store, "a")
    account_signals(store.con, "r")
    assert _signals(store)["a"]["duplicate_text_share"] == pytest.approx(2 / 4)


@pytest.mark.parametrize(
    ("handle", "label"),
    [
        ("maria38174920", "name + 8 digits"),
        ("@John_Smith12345", "name + 5 digits"),
        ("alice1984", None),
        ("1234567", "digits only"),
        ("k3x9q2w7", "random letters and digits"),
        ("mp3lover2", None),
        ("xkqjrtzpw", "random letters"),
        ("wonderland", None),
        ("bot42@mastodon.social", None),
        ("qwrtzpkl88822@mastodon.social", "name + 5 digits"),
        ("", None),
        (None, None),
    ],
)
def test_handle_patterns(store: Store, handle: str | None, label: str | None) -> None:
    _account(store, "a", handle, None)
    _post(store, "a", T0)
    _member(store, "a")
    account_signals(store.con, "r")
    assert _signals(store)["a"]["handle_pattern"] == label


def test_rerun_replaces_rows_and_keeps_other_runs(store: Store) -> None:
    _post(store, "a", T0)
    _member(store, "a", run="r1")
    _member(store, "a", run="r2")
    assert account_signals(store.con, "r1") == 1
    assert account_signals(store.con, "r1") == 1
    assert account_signals(store.con, "r2") == 1
    assert store.scalar("SELECT count(*) FROM account_signals") == 2


def _reference_normalise(text: str) -> str:
    t = re.sub(r"(https?://|www\.)[^\t\n\f\r ]*", " ", text.lower())
    t = re.sub(r"@[^\t\n\f\r ]*", " ", t)
    return re.sub(r"[\t\n\f\r ]+", " ", t).strip(" ")


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"aBÉz .:/@\t\n\r\x0c\x0b", "http://", "HTTPS://", "www.", "  "]),
        max_size=30,
    ).map("".join)
)
def test_normalised_text_matches_the_three_step_definition(text: str) -> None:
    con = duckdb.connect()
    got = con.execute(f"SELECT {normalised_text_sql('t')} FROM (SELECT ? AS t)", [text]).fetchone()
    assert got is not None and got[0] == _reference_normalise(text)
