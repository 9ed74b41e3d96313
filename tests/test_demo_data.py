"""The demo data generator and the benchmark post stream (onevoice.demo).

What must hold: the same seed gives byte-identical files (also in another process, with
another hash seed); every file is read by its format with no reject; the ground truth's
members and items are in the store and behave as planted (within seconds), while organic
accounts share the same items too; the benchmark stream gives exactly n posts in each form,
in constant memory.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from onevoice.demo import generate, write_benchmark_posts
from onevoice.demo.bench import BENCH_FORMATS, BenchFormat
from onevoice.ingest import ImportResult
from onevoice.ingest.normalise import canonical_url
from onevoice.store import Store
from tests.conftest import ingest, rows

SCALE = 0.2
EXPECTED_FORMATS = {
    "twitter.jsonl": "twarc2",
    "telegram.json": "telegram",
    "telegram_chat.json": "telegram",
    "mastodon.json": "mastodon",
    "bluesky.json": "bluesky",
    "youtube.json": "youtube",
    "facebook.csv": "meta-csv",
    "other.csv": "csv",
}


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out, seed=20, scale=SCALE)
    return out


@pytest.fixture(scope="module")
def truth(demo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def loaded(
    demo: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, ImportResult]]]:
    """A store holding the whole demo set, each file's format detected from its content."""
    with Store(tmp_path_factory.mktemp("store")) as store:
        results = {name: ingest(store, demo / name) for name in EXPECTED_FORMATS}
        yield store, results


# -- generation ------------------------------------------------------------------------------
def test_writes_one_file_per_platform_and_the_ground_truth(tmp_path: Path) -> None:
    paths = generate(tmp_path, seed=5, scale=0.05)
    assert [p.name for p in paths] == [*EXPECTED_FORMATS, "ground_truth.json"]
    assert all(p.parent == tmp_path and p.stat().st_size > 0 for p in paths)


def test_same_seed_gives_identical_bytes(demo: Path, tmp_path: Path) -> None:
    generate(tmp_path, seed=20, scale=SCALE)
    assert _digests(tmp_path) == _digests(demo)


def test_same_seed_gives_identical_bytes_in_another_process(demo: Path, tmp_path: Path) -> None:
    # Another hash seed: iteration over sets of strings would show up here.
    code = (
        "import sys; from pathlib import Path; from onevoice.demo import generate; "
        "generate(Path(sys.argv[1]), seed=20, scale=float(sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path), str(SCALE)], env=env, check=True)
    assert _digests(tmp_path) == _digests(demo)


def test_another_seed_gives_other_data(demo: Path, tmp_path: Path) -> None:
    generate(tmp_path, seed=21, scale=SCALE)
    ours, theirs = _digests(tmp_path), _digests(demo)
    assert all(ours[name] != theirs[name] for name in ours)


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale must be positive"):
        generate(tmp_path, scale=0)


def test_scale_one_is_small_enough_to_commit(tmp_path: Path) -> None:
    paths = generate(tmp_path)
    size = sum(p.stat().st_size for p in paths)
    posts = sum(json.loads(paths[-1].read_text(encoding="utf-8"))["files"].values())
    assert 2_000_000 <= size <= 6_000_000
    assert 10_000 <= posts <= 30_000


# -- ingest ----------------------------------------------------------------------------------
def test_every_file_is_detected_and_ingested_without_rejects(
    loaded: tuple[Store, dict[str, ImportResult]], truth: dict[str, Any]
) -> None:
    _store, results = loaded
    for name, result in results.items():
        assert result.format == EXPECTED_FORMATS[name], name
        assert (result.rejected, result.warnings) == (0, 0), (name, result.rejects[:5])
        assert result.posts_added == truth["files"][name], name


def test_posts_lie_in_the_window_and_speak_many_languages(
    loaded: tuple[Store, dict[str, ImportResult]], truth: dict[str, Any]
) -> None:
    store, _ = loaded
    [span] = rows(
        store,
        "SELECT strftime(min(created_at), '%Y-%m-%dT%H:%M:%SZ') AS first, "
        "strftime(max(created_at), '%Y-%m-%dT%H:%M:%SZ') AS last FROM posts",
    )
    assert truth["window"]["start"] <= span["first"] <= span["last"] < truth["window"]["end"]
    langs = {
        r["lang"]
        for r in rows(store, "SELECT DISTINCT lang FROM posts WHERE lang_source = 'platform'")
    }
    assert {
        "en",
        "fr",
        "de",
        "es",
        "pt",
        "it",
        "ru",
        "zh",
        "ja",
        "ko",
        "ar",
        "hi",
        "id",
        "tr",
    } <= langs


def test_ground_truth_members_are_accounts_in_the_store(
    loaded: tuple[Store, dict[str, ImportResult]], truth: dict[str, Any]
) -> None:
    store, _ = loaded
    known = {r["account_id"] for r in rows(store, "SELECT account_id FROM accounts")}
    assert [n["kind"] for n in truth["networks"]] == [
        "link-sharing",
        "reposting",
        "copy-paste",
        "hashtag-pushing",
    ]
    for net in truth["networks"]:
        members = net["members"]
        assert 8 <= len(members) <= 30, net["id"]
        assert set(members) <= known, (net["id"], sorted(set(members) - known)[:3])
        assert sorted({m.split(":", 1)[0] for m in members}) == net["platforms"]
        assert set(net.get("amplified_accounts", [])) <= known


def _member_posts(
    store: Store, net: dict[str, Any], where: str, params: list[Any]
) -> list[dict[str, Any]]:
    return rows(
        store,
        f"SELECT account_id, epoch(created_at) AS t, text, lang, urls, "
        f"hashtags, repost_of FROM posts WHERE account_id IN "
        f"(SELECT unnest(?)) AND {where}",
        [net["members"], *params],
    )


def test_link_network_pushes_its_urls_within_seconds_and_organic_accounts_share_them(
    loaded: tuple[Store, dict[str, ImportResult]], truth: dict[str, Any]
) -> None:
    store, _ = loaded
    net = truth["networks"][0]
    assert set(net["platforms"]) == {"twitter", "facebook"}
    for url in net["items"]["urls"]:
        assert canonical_url(url) == url
        posts = _member_posts(store, net, "list_contains(urls, ?)", [url])
        assert len({p["account_id"] for p in posts}) >= 8, url
        assert {p["account_id"].split(":")[0] for p in posts} == {"twitter", "facebook"}
        assert max(p["t"] for p in posts) - min(p["t"] for p in posts) <= 40, url
    [organic] = rows(
        store,
        "SELECT count(DISTINCT account_id) AS n FROM posts "
        "WHERE list_has_any(domains, ?) AND account_id NOT IN "
        "(SELECT unnest(?))",
        [net["items"]["domains"], net["members"]],
    )
    assert organic["n"] >= 3


def test_reposting_network_retweets_the_same_posts_within_seconds(
    loaded: tuple[Store, dict[str, ImportResult]], truth: dict[str, Any]
) -> None:
    store, _ = loaded
    net = truth["networks"][1]
    for target in net["items"]["posts"]:
        posts = _member_posts(store, net, "repost_of = ?", [target])
        assert len(posts) >= 8, target
        assert max(p["t"] for p in posts) - min(p["t"] for p in posts) <= 30, target
        [orig] = rows(store, "SELECT account_id FROM posts WHERE post_id = ?", [target])
        assert orig["account_id"] in net["amplified_accounts"]


def test_copy_paste_network_posts_near_duplicates_in_several_languages(
    loaded: tuple[Store, dict[str, ImportResult]], truth: dict[str, Any]
) -> None:
    store, _ = loaded
    net = truth["networks"][2]
    canon = {
        (lang, frozenset(text.lower().split()))
        for item in net["items"]["texts"]
        for lang, text in item.items()
        if lang != "narrative"
    }
    copies = []
    for post in _member_posts(store, net, "text IS NOT NULL", []):
        words = set(post["text"].lower().split())
        best = max(len(words & c) / len(words | c) for _lang, c in canon)
        if best >= 0.5:
            copies.append(post)
    assert len(copies) >= 0.8 * net["posts"]
    assert len({p["account_id"] for p in copies}) == len(net["members"])
    assert {p["account_id"].split(":")[0] for p in copies} == set(net["platforms"])
    assert len({p["lang"] for p in copies if p["lang"]}) >= 3
    # Small edits make most copies differ (exact-text matching misses them), not all.
    assert len({p["text"] for p in copies}) >= 0.7 * len(copies)


def test_hashtag_network_floods_its_hashtags_and_organic_accounts_use_the_main_one(
    loaded: tuple[Store, dict[str, ImportResult]], truth: dict[str, Any]
) -> None:
    store, _ = loaded
    net = truth["networks"][3]
    tag, *slogans = net["items"]["hashtags"]
    posts = _member_posts(store, net, "list_contains(hashtags, ?)", [tag])
    assert len(posts) >= net["posts"]
    assert {p["account_id"] for p in posts} == set(net["members"])
    for slogan in slogans:  # one burst each: many members within the burst's 150 s
        burst = _member_posts(store, net, "list_contains(hashtags, ?)", [slogan])
        assert len({p["account_id"] for p in burst}) >= 8, slogan
        assert max(p["t"] for p in burst) - min(p["t"] for p in burst) <= 150, slogan
    [organic] = rows(
        store,
        "SELECT count(DISTINCT account_id) AS n FROM posts WHERE "
        "list_contains(hashtags, ?) AND account_id NOT IN "
        "(SELECT unnest(?))",
        [tag, net["members"]],
    )
    assert organic["n"] >= 3


# -- benchmark posts ---------------------------------------------------------------------------
def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_benchmark_posts_give_n_rows_of_the_same_posts(tmp_path: Path) -> None:
    n = 1_234
    for fmt in BENCH_FORMATS:
        assert write_benchmark_posts(tmp_path / fmt, n, fmt) == n
    ours, qut = _csv_rows(tmp_path / "csv"), _csv_rows(tmp_path / "qut")
    assert ours[0] == [
        "post_id",
        "account_id",
        "created_at",
        "platform",
        "account_handle",
        "text",
        "lang",
        "urls",
        "hashtags",
        "mentions",
        "repost_of",
    ]
    assert qut[0] == [
        "message_id",
        "user_id",
        "username",
        "repost_id",
        "reply_id",
        "message",
        "timestamp",
        "urls",
    ]
    assert len(ours) == len(qut) == n + 1
    assert all(len(r) == 11 for r in ours) and all(len(r) == 8 for r in qut)
    for a, b in zip(ours[1:], qut[1:], strict=True):
        assert (a[0], a[1], a[4], a[10], a[5], a[2], a[7]) == (
            b[0],
            b[1],
            b[2],
            b[3],
            b[5],
            b[6],
            b[7],
        )
    for fmt in ("csv", "qut"):
        assert b'"' not in (tmp_path / fmt).read_bytes(), "nothing may need quoting"
    pages = [orjson.loads(line) for line in (tmp_path / "twarc2").read_bytes().splitlines()]
    assert [len(p["data"]) for p in pages] == [100] * (n // 100) + [n % 100]
    assert [t["id"] for p in pages for t in p["data"]] == [r[0] for r in ours[1:]]


def test_benchmark_posts_are_deterministic_and_ingest_cleanly(tmp_path: Path, store: Store) -> None:
    formats: tuple[BenchFormat, ...] = ("csv", "twarc2")
    for fmt in formats:
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        write_benchmark_posts(a, 500, fmt, seed=3)
        write_benchmark_posts(b, 500, fmt, seed=3)
        assert a.read_bytes() == b.read_bytes()
        result = ingest(store, a, fmt)
        assert (result.rejected, result.warnings) == (0, 0), result.rejects[:5]
        assert result.posts_added + result.posts_known == 500


def test_benchmark_posts_stream_in_constant_memory(tmp_path: Path) -> None:
    peaks = []
    for n in (4_000, 16_000):
        tracemalloc.start()
        write_benchmark_posts(tmp_path / f"{n}.csv", n, "csv")
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.3 * peaks[0]


def test_benchmark_posts_refuse_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown benchmark format 'xml'"):
        write_benchmark_posts(tmp_path / "x", 10, "xml")  # type: ignore[arg-type]


def test_the_bundled_demo_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    """demo/data is committed; regenerate it with `make demo-data` after changing the
    generator (this test fails until then)."""
    bundled = Path(__file__).resolve().parent.parent / "demo" / "data"
    written = generate(tmp_path / "d")
    assert sorted(p.name for p in written) == sorted(p.name for p in bundled.iterdir())
    for path in written:
        assert path.read_bytes() == (bundled / path.name).read_bytes(), path.name
