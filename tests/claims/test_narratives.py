"""Emerging narratives (``onevoice.claims.narratives``) on a small synthetic store.

The fixture (tests/fixtures/claims/narratives/posts.csv) plants, in the week of 2025-03-06:
``w*`` a water-pact claim in en/fr/es (plus four reposts ``r*`` of ``w00``), ``v*`` a vaccine
passport claim in en/de/pt posted only by accounts ``net1``–``net6``, and two claims on one
topic with different numbers: ``h*`` "the summit cost 400 million" (en/es) and ``l*`` "… only
12 million" (en/fr). ``z*`` are unrelated posts, ``s*`` too short to state anything, and
``x*`` repeat the water claim two weeks later (another window).

What must hold: each planted claim is one narrative across its languages; the two cost
claims stay apart; noise and short posts are in none; labels, terms and the network link are
right; the match filter removes matched posts (and a rejected match does not); a rerun, a
different block size and a reversed insertion order change nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from onevoice.claims.narrative_graph import guard_edges, knn_edges
from onevoice.claims.narrative_text import (
    ctfidf_terms,
    normalise_post,
    numbers_disagree,
    numbers_of,
    strip_links,
    tokens,
)
from onevoice.claims.narratives import NarrativesResult, find_narratives, parse_window
from onevoice.cli.main import cli
from onevoice.errors import UsageError
from onevoice.ingest import ingest_file
from onevoice.store import Store
from tests.conftest import FIXTURES, rows

CSV = FIXTURES / "claims" / "narratives" / "posts.csv"
WEEK = datetime(2025, 3, 6, tzinfo=UTC)
PLATFORMS = ["twitter", "mastodon", "other"] * 2
NETWORK = [f"{p}:net{i}" for i, p in enumerate(PLATFORMS, start=1)]


def _make_store(path: Path, *, detect: bool = True) -> Store:
    store = Store(path)
    ingest_file(store, str(CSV))
    if detect:
        now = datetime(2025, 3, 20, tzinfo=UTC)
        store.execute(
            "INSERT INTO detect_runs VALUES ('d1', ?, ?, ['co-text'], 60, 2, '{}', 0)",
            [now, now],
        )
        for account in NETWORK:
            store.execute(
                "INSERT INTO network_members VALUES ('d1', ?, 1, false, 5, 10, 0.1)", [account]
            )
    return store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, NarrativesResult]]:
    store = _make_store(tmp_path_factory.mktemp("narr") / "store")
    result = find_narratives(store, window="7d")
    yield store, result
    store.close()


def _native(post_id: str) -> str:
    return post_id.split(":", 1)[1]


def _groups(result: NarrativesResult) -> dict[str, list[Any]]:
    """Narratives of the first week keyed by the planted group letters of their posts."""
    out: dict[str, list[Any]] = {}
    for n in result.narratives:
        letters = "".join(sorted({_native(p)[0] for p, _ in n.posts}))
        out.setdefault(letters, []).append(n)
    return out


def test_each_planted_claim_is_one_narrative_across_languages(
    demo: tuple[Store, NarrativesResult],
) -> None:
    _, result = demo
    groups = _groups(result)
    assert sorted(groups) == ["h", "l", "rw", "v", "x"]
    water = groups["rw"][0]
    assert water.window_start == WEEK and water.window_end == WEEK + timedelta(days=7)
    assert water.size == 30  # 26 posts + 4 reposts
    assert water.langs == ["en", "es", "fr"]
    assert groups["v"][0].langs == ["de", "en", "pt"] and groups["v"][0].size == 24
    assert groups["h"][0].size == 16 and groups["l"][0].size == 14
    late = groups["x"][0]
    assert late.window_start == WEEK + timedelta(days=14) and late.size == 6


def test_same_topic_different_numbers_is_not_merged(demo: tuple[Store, NarrativesResult]) -> None:
    _, result = demo
    for n in result.narratives:
        letters = {_native(p)[0] for p, _ in n.posts}
        assert not {"h", "l"} <= letters
    high = numbers_of("The G20 summit cost taxpayers 400 million dollars, four times")
    low = numbers_of("Le sommet du G20 n'a coûté que 12 millions de dollars")
    assert numbers_disagree(high, low)


def test_noise_short_posts_and_ids(demo: tuple[Store, NarrativesResult]) -> None:
    _, result = demo
    members = {_native(p) for n in result.narratives for p, _ in n.posts}
    assert not any(m[0] in "zs" for m in members)
    ids = [n.narrative_id for n in result.narratives]
    assert len(set(ids)) == len(ids) and all(i.startswith("nar-") for i in ids)


def test_labels_terms_and_medoid(demo: tuple[Store, NarrativesResult]) -> None:
    _, result = demo
    groups = _groups(result)
    water, passport = groups["rw"][0], groups["v"][0]
    assert "water pact" in water.label.lower() or "pacte du g20" in water.label.lower()
    assert len(water.label) <= 140
    assert _native(water.medoid_post_id)[0] == "w"
    assert {"water", "pact", "rivers", "eau", "agua"} & set(water.terms)
    assert {"passport", "vaccine", "memo", "impfpass"} & set(passport.terms)
    assert "g20" not in water.terms[:1]  # shared by every class: not distinctive
    medoid_cos = dict(water.posts)[water.medoid_post_id]
    assert medoid_cos == 1.0
    assert all(0.8 < c <= 1.0 for _, c in water.posts)


def test_networks_are_linked(demo: tuple[Store, NarrativesResult]) -> None:
    _, result = demo
    groups = _groups(result)
    assert groups["v"][0].networks == [
        {"run_id": "d1", "network_id": 1, "posts": 24, "accounts": 6}
    ]
    assert groups["rw"][0].networks == []


def test_growth_and_accounts(demo: tuple[Store, NarrativesResult]) -> None:
    _, result = demo
    passport = _groups(result)["v"][0]
    assert passport.accounts == 6
    assert passport.platforms == ["mastodon", "other", "twitter"]
    assert passport.growth is not None and 0.5 < passport.growth < 2.0


def test_written_to_store_once(demo: tuple[Store, NarrativesResult]) -> None:
    store, result = demo
    heads = rows(store, "SELECT * FROM narratives WHERE run_id = ?", [result.run_id])
    assert sorted(h["narrative_id"] for h in heads) == sorted(
        n.narrative_id for n in result.narratives
    )
    v = next(h for h in heads if h["medoid_post_id"] == _groups(result)["v"][0].medoid_post_id)
    assert orjson.loads(v["networks"])[0]["network_id"] == 1
    count = store.scalar("SELECT count(*) FROM narrative_posts WHERE run_id = ?", [result.run_id])
    assert count == sum(n.size for n in result.narratives)
    again = find_narratives(store, window="7d")
    assert again.run_id == result.run_id
    assert store.scalar("SELECT count(*) FROM narratives") == len(result.narratives)
    assert store.scalar("SELECT count(*) FROM narrative_posts") == count


def _summary(result: NarrativesResult) -> list[tuple[Any, ...]]:
    return [
        (n.narrative_id, n.label, tuple(n.terms), n.size, n.growth, tuple(n.posts))
        for n in result.narratives
    ]


def test_deterministic_and_independent_of_block_size(
    demo: tuple[Store, NarrativesResult], tmp_path: Path
) -> None:
    store, result = demo
    small = find_narratives(store, window="7d", block_size=3, write=False)
    assert small.run_id == result.run_id
    assert _summary(small) == _summary(result)
    other = _make_store(tmp_path / "other")  # same data, another store and import
    try:
        assert _summary(find_narratives(other, window="7d", write=False)) == _summary(result)
    finally:
        other.close()


def test_whole_span_window_joins_the_late_copies(demo: tuple[Store, NarrativesResult]) -> None:
    store, _ = demo
    result = find_narratives(store, window=None, write=False)
    groups = _groups(result)
    assert "rwx" in groups and groups["rwx"][0].size == 36
    assert result.windows == 1


def test_matched_posts_are_left_out(tmp_path: Path) -> None:
    store = _make_store(tmp_path / "s", detect=False)
    try:
        t = datetime(2025, 3, 20, tzinfo=UTC)
        store.execute("INSERT INTO match_runs VALUES ('m1', ?, ?, '{}', 100, 3)", [t, t])
        for post, fc in (("twitter:w00", "fc:a"), ("mastodon:w01", "fc:a"), ("other:w02", "fc:b")):
            store.execute(
                "INSERT INTO matches VALUES ('m1', ?, ?, 1, 0.9, 'dense', NULL)", [post, fc]
            )
        # w02's match is rejected: it stays a candidate; v00 is confirmed without a match
        store.execute(
            "INSERT INTO match_reviews VALUES ('other:w02', 'fc:b', 'rejected', 'ana', ?, NULL)",
            [t],
        )
        store.execute(
            "INSERT INTO match_reviews VALUES ('twitter:v00', 'fc:c', 'confirmed', 'ana', ?, NULL)",
            [t],
        )
        result = find_narratives(store, window="7d", write=False)
        posts = {p for n in result.narratives for p, _ in n.posts}
        assert "twitter:w00" not in posts and "mastodon:w01" not in posts
        assert not any(_native(p).startswith("r") for p in posts)  # reposts of w00
        assert "other:w02" in posts and "twitter:v00" not in posts
        assert all(n.networks is None for n in result.narratives)  # no detect run
    finally:
        store.close()


def test_cli_table_and_json(demo: tuple[Store, NarrativesResult], tmp_path: Path) -> None:
    store = _make_store(tmp_path / "c")
    store.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["claims", "narratives", "--store", str(tmp_path / "c"), "--json"])
    assert out.exit_code == 0, out.output
    lines = [orjson.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 5 and {"label", "networks", "post_ids", "terms"} <= set(lines[0])
    table = runner.invoke(cli, ["claims", "narratives", "--store", str(tmp_path / "c")])
    assert table.stdout.splitlines()[0].split()[:4] == ["id", "window", "size", "accts"]
    bad = runner.invoke(
        cli, ["claims", "narratives", "--store", str(tmp_path / "c"), "--window", "7x"]
    )
    assert bad.exit_code == 2 and "Error: bad window '7x'" in bad.stderr


def test_parse_window() -> None:
    assert parse_window("7d") == timedelta(days=7)
    assert parse_window("12h") == timedelta(hours=12)
    assert parse_window("all") is None and parse_window(None) is None
    for bad in ("7", "0d", "-1d", "week"):
        with pytest.raises(UsageError):
            parse_window(bad)


def test_numbers_and_tokens() -> None:
    assert numbers_of("G20 and COP29 in 2030: 1,000 or 1.000 people, 1,5%") == {
        "2030",
        "1000",
        "1.5",
    }
    assert numbers_of("二十国集团减少40%") == {"40"}
    assert not numbers_disagree(frozenset({"2030"}), frozenset({"2030", "50"}))
    assert not numbers_disagree(frozenset(), frozenset({"7"}))
    assert tokens("峰会 the summit") == ["峰会", "summit"]
    assert strip_links("Leaked! https://t.co/x  see WWW.a.org/b #G20") == "Leaked! see #G20"
    key = normalise_post("RT @bob: Leaked!!  The DECLARATION 😡 https://t.co/x @ann #G20")
    assert key == "leaked!! the declaration #g20"
    terms = ctfidf_terms(
        [
            [("fund cancelled for weapons", 3)],
            [("fund doubled for schools", 3)],
            [("weather today fund", 1)],
        ],
        top=2,
    )
    assert terms[0] == ["cancelled", "weapons"] and terms[1] == ["doubled", "schools"]


@given(st.text(max_size=80))
def test_normalise_post_is_idempotent(text: str) -> None:
    once = normalise_post(text)
    assert normalise_post(once) == once
    assert once == " ".join(once.split())


def test_lexical_guard_drops_other_claims_and_keeps_paraphrases() -> None:
    texts = [
        "le sommet du g20 n'a coûté que 12 millions de dollars aux contribuables",
        "le pacte du g20 sur l'eau livre tous les fleuves d'afrique aux entreprises privées",
        "avec le pacte du g20 sur l'eau, les fleuves africains sont livrés aux entreprises privées",
        "the g20 water pact hands every river in africa to private companies",
        "the g20 summit cost taxpayers 400 million dollars, four times the official figure",
        "the g20 summit cost taxpayers just 12 million dollars, less than the last one",
    ]
    langs = ["fr", "fr", "fr", "en", "en", "en"]
    # E5 puts all of these pairs above 0.90 (0.93 for the first: one topic, two claims)
    pairs = [(0, 1), (1, 2), (1, 3), (4, 5), (0, 5)]
    edges = (
        np.array([a for a, _ in pairs], dtype=np.int64),
        np.array([b for _, b in pairs], dtype=np.int64),
        np.full(len(pairs), 0.93),
    )
    kept = guard_edges(edges, texts, langs, [numbers_of(t) for t in texts], lexical=0.30)
    assert list(zip(kept[0].tolist(), kept[1].tolist(), strict=True)) == [(1, 2), (1, 3), (0, 5)]


def test_knn_edges_independent_of_block_size_and_index() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 16)).astype(np.float32)
    x[150:] = x[:150] + 0.05 * rng.normal(size=(150, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    exact = knn_edges(x, k=5, threshold=0.9, block_size=512)
    for other in (
        knn_edges(x, k=5, threshold=0.9, block_size=7),
        knn_edges(x, k=5, threshold=0.9, block_size=64, exact_limit=10),  # HNSW path
    ):
        assert all(np.array_equal(a, b) for a, b in zip(exact, other, strict=True))
    assert len(exact[0]) >= 150 and (exact[2] >= 0.9).all()


def test_embedding_does_not_depend_on_the_engine_batch() -> None:
    from onevoice.claims.embed import Embedder

    texts = [
        "the g20 water pact hands every river in africa to private companies",
        "short",
        "le pacte du g20 sur l'eau livre tous les fleuves d'afrique aux entreprises privées",
    ]
    one = Embedder(batch_size=1).embed(texts)
    assert np.array_equal(one, Embedder(batch_size=64).embed(texts))
