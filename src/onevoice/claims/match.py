"""Hybrid claim matching: which fact-checks does a post repeat?

Four retrievers look at every post, each good where the others are weak:

1. **URL**: the post links an appearance the fact-check lists, or the fact-check itself
   (canonical URLs, :func:`onevoice.ingest.normalise.canonical_url`). Certain, and free.
2. **BM25** on words (:class:`~onevoice.claims.lexical.BM25Index`): same-language wording.
3. **Character n-gram TF-IDF** (:class:`~onevoice.claims.lexical.CharIndex`): inflection,
   typos, names across languages with one script.
4. **Dense** multilingual-E5 (:mod:`~onevoice.claims.dense`): paraphrase and translation;
   the only one that bridges scripts.

**Ranking** fuses the retrievers' ranked lists by weighted reciprocal rank fusion
(Cormack, Clarke & Büttcher 2009, "Reciprocal rank fusion outperforms Condorcet and
individual rank learning methods", SIGIR): ``Σ_m w_m / (k + rank_m)`` with k = 60, the
paper's constant, and weights :data:`WEIGHTS` (dense 4, BM25 1, n-grams 1: chosen on the
CheckThat! 2020 *train* split, where they beat equal weights by 0.04 MAP@5). Lexical votes
count only when the post and the fact-check are in the same language (or one is unknown):
across languages word overlap is noise (names, numbers, loanwords) that would outvote the
embedding. A URL match ranks first.

**Scoring** (is this the same claim at all?) needs a number comparable across posts, which
RRF is not. :func:`match_score` is a logistic model of the E5 cosine and its *margin* over
the best other fact-check, fitted on the multilingual fixtures (``benchmarks/
claims_calibrate.py``), minus a fixed penalty when both texts state numbers and share none
("the 500 note" is not "the 200 note"). A bi-encoder this small cannot tell "same entity,
other claim" from a paraphrase with certainty, so the intercept puts the default threshold
:data:`MIN_SCORE` just above every near-miss distractor of the fixtures: suggestions above
it are precise, and a post's best candidate below it is still ranked, for analysts who
want to look further. A URL match scores 1.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from onevoice.claims.dense import DenseIndex, passage_text
from onevoice.claims.embed import Embedder
from onevoice.claims.lexical import BM25Index, CharIndex, top_k
from onevoice.claims.text import clean_text, content_tokens, numbers

__all__ = [
    "MIN_SCORE",
    "SCORE_COEF",
    "Candidate",
    "Entry",
    "Matcher",
    "match_score",
]

#: Default threshold of :func:`match_score` below which no suggestion is made.
MIN_SCORE = 0.5
#: Reciprocal rank fusion constant (Cormack et al. 2009).
RRF_K = 60.0
#: Fusion weights per retriever.
WEIGHTS = {"bm25": 1.0, "char": 1.0, "dense": 4.0}
#: Logistic coefficients of :func:`match_score` (``benchmarks/claims_calibrate.py``).
SCORE_COEF = {
    "dense": 12.95,
    "margin": 9.14,
    "char": 0.0,
    "different_numbers": -3.0,
    "shared_numbers": 0.0,
    "intercept": -11.8,
}
#: Without embeddings: (coefficient on the char n-gram cosine, intercept).
SCORE_LEXICAL_ONLY = (10.0, -5.0)


@dataclass(frozen=True)
class Entry:
    """One fact-check as the matcher sees it."""

    id: str
    claim: str
    title: str | None = None
    urls: tuple[str, ...] = ()  # canonical: the review itself and the claim's appearances
    lang: str | None = None  # ISO 639-1 of the claim text


@dataclass
class Candidate:
    """A fact-check suggested for a post, with the evidence behind it."""

    index: int  # into the matcher's entries
    fused: float  # reciprocal-rank-fusion score (ranking)
    score: float = 0.0  # 0..1 (decision; see match_score)
    method: str = "hybrid"  # 'url' | 'lexical' | 'dense' | 'hybrid': what carried it
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    why: dict[str, object] = field(default_factory=dict)


def match_score(
    dense: float, margin: float, char: float, shared_numbers: bool | None, url: bool
) -> float:
    """The 0..1 decision score of a (post, fact-check) pair: is this the same claim?

    A logistic model over four pieces of evidence, with the coefficients in
    :data:`SCORE_COEF` fitted by ``benchmarks/claims_calibrate.py`` (logistic regression on
    the multilingual fixtures and the CheckThat! 2020 *train* split; see there):

    Args:
        dense: cosine of the E5 vectors (query vs passage).
        margin: ``dense`` minus the cosine of the post's best *other* fact-check (negative
            when another one is closer).
        char: cosine of the character n-gram TF-IDF vectors.
        shared_numbers: None when either side states no number; else whether they share one.
        url: the post links the fact-check or one of the claim's appearances (score 1).
    """
    if url:
        return 1.0
    if dense <= 0.0:  # no dense evidence (lexical-only matcher): char n-grams decide
        z = SCORE_LEXICAL_ONLY[0] * char + SCORE_LEXICAL_ONLY[1]
    else:
        w = SCORE_COEF
        z = w["dense"] * dense + w["margin"] * margin + w["char"] * char + w["intercept"]
    if shared_numbers is False:
        z += SCORE_COEF["different_numbers"]
    elif shared_numbers is True:
        z += SCORE_COEF["shared_numbers"]
    return round(1.0 / (1.0 + math.exp(-z)), 6)


class Matcher:
    """Indexes a fact-check library once; ranks and scores fact-checks for posts.

    Args:
        entries: the library.
        embedder: multilingual-E5 embedder; None disables the dense retriever.
        vectors: precomputed passage vectors of ``entries`` (e.g. cached in the store).
        depth: how many candidates each retriever contributes to fusion.
    """

    def __init__(
        self,
        entries: Sequence[Entry],
        *,
        embedder: Embedder | None = None,
        vectors: np.ndarray | None = None,
        depth: int = 50,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.entries = list(entries)
        self.depth = depth
        self.embedder = embedder
        texts = [passage_text(e.claim, e.title) for e in self.entries]
        self.texts = texts
        self.bm25 = BM25Index(texts)
        self.char = CharIndex(texts)
        self.by_url: dict[str, list[int]] = {}
        for i, e in enumerate(self.entries):
            for u in e.urls:
                self.by_url.setdefault(u, []).append(i)
        self.timings: dict[str, float] = {}
        self._facts: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        self.dense: DenseIndex | None = None
        if embedder is not None:
            if vectors is None:
                vectors = embedder.embed(texts, kind="passage", progress=progress)
            self.dense = DenseIndex(vectors)

    def rank(
        self,
        texts: Sequence[str],
        urls: Sequence[Sequence[str]] | None = None,
        *,
        k: int = 10,
        vectors: np.ndarray | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> list[list[Candidate]]:
        """The ``k`` best fact-checks for each post, best first, scored and explained.

        Time spent per stage accumulates in :attr:`timings` (seconds).

        Args:
            texts: the posts' texts.
            urls: canonical URLs per post (for the URL retriever).
            k: candidates kept per post.
            vectors: the posts' query vectors, if already computed.
            langs: the posts' languages. Word and n-gram overlap only means something
                within one language, so where both a post's and a fact-check's language
                are known and differ, the lexical retrievers' votes for that pair are
                ignored (they would be noise from names, numbers and loanwords).
        """
        n = len(texts)
        t = time.perf_counter()
        runs: dict[str, tuple[np.ndarray, np.ndarray]] = {
            "bm25": self.bm25.search(texts, self.depth),
        }
        char_all = self.char.scores(texts)
        runs["char"] = top_k(char_all, self.depth)
        t = self._tick("lexical", t)
        if self.dense is not None and self.embedder is not None:
            if vectors is None:
                vectors = self.embedder.embed([clean_text(t) for t in texts], kind="query")
                t = self._tick("embed posts", t)
            runs["dense"] = self.dense.search(vectors, self.depth)
            t = self._tick("dense search", t)
        out: list[list[Candidate]] = []
        for i in range(n):
            cands: dict[int, Candidate] = {}
            for name, (idx, vals) in runs.items():
                for r, (j, v) in enumerate(zip(idx[i], vals[i], strict=True)):
                    if name != "dense":
                        if v <= 0:
                            break
                        if not self._same_lang(langs[i] if langs else None, int(j)):
                            continue
                    c = cands.setdefault(int(j), Candidate(int(j), 0.0))
                    c.fused += WEIGHTS[name] / (RRF_K + r + 1)
                    c.ranks[name] = r + 1
                    c.scores[name] = round(float(v), 6)
            linked = {j for u in (urls[i] if urls else ()) for j in self.by_url.get(u, ())}
            for j in linked:
                c = cands.setdefault(j, Candidate(j, 0.0))
                c.fused += 1.0
                c.ranks["url"] = 1
            best = sorted(cands.values(), key=lambda c: (-c.fused, c.index))[:k]
            top2 = runs["dense"][1][i][:2] if "dense" in runs else np.zeros(0)
            vec = vectors[i] if vectors is not None else None
            self._explain(texts[i], best, vec, linked, top2, char_all[i])
            out.append(best)
        self._tick("fuse and explain", t)
        return out

    def _claim_facts(self, j: int) -> tuple[frozenset[str], frozenset[str]]:
        """The numbers and content words of fact-check ``j`` (computed once)."""
        facts = self._facts.get(j)
        if facts is None:
            facts = self._facts[j] = (
                numbers(self.texts[j]),
                frozenset(content_tokens(self.texts[j])),
            )
        return facts

    def _same_lang(self, lang: str | None, j: int) -> bool:
        other = self.entries[j].lang
        return lang is None or other is None or lang == other

    def _tick(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - since
        return now

    def _explain(
        self,
        text: str,
        cands: list[Candidate],
        vector: np.ndarray | None,
        linked: set[int],
        top2: np.ndarray,
        char_row: np.ndarray,
    ) -> None:
        if not cands:
            return
        idx = [c.index for c in cands]
        char = char_row[idx]
        dense = (
            self.dense.vectors[idx] @ vector
            if self.dense is not None and vector is not None
            else np.zeros(len(idx), dtype=np.float32)
        )
        post_nums = numbers(clean_text(text))
        post_terms = set(content_tokens(text))
        for c, ch, de in zip(cands, char, dense, strict=True):
            claim_nums, claim_terms = self._claim_facts(c.index)
            shared = post_nums & claim_nums
            agree = None if not post_nums or not claim_nums else bool(shared)
            c.scores["char"] = round(float(ch), 6)
            margin = 0.0
            if self.dense is not None and vector is not None:
                c.scores["dense"] = round(float(de), 6)
                # distance to the best *other* fact-check: a post close to two claims is
                # ambiguous, one close to a single claim is not
                if len(top2):
                    other = top2[1] if len(top2) > 1 and de >= top2[0] - 1e-6 else top2[0]
                    margin = float(de) - float(other)
                c.scores["margin"] = round(margin, 6)
            url = c.index in linked
            c.score = match_score(float(de), margin, float(ch), agree, url)
            terms = sorted(post_terms & claim_terms)
            c.why = {"shared_terms": terms[:12], "shared_numbers": sorted(shared)}
            if agree is False:
                c.why["different_numbers"] = {
                    "post": sorted(post_nums)[:6],
                    "claim": sorted(claim_nums)[:6],
                }
            if url:
                c.why["shared_url"] = sorted(set(self.entries[c.index].urls))[:3]
            c.method = _method(c, url)


def _method(c: Candidate, url: bool) -> str:
    if url:
        return "url"
    lex = min(c.ranks.get("bm25", 10**6), c.ranks.get("char", 10**6))
    dense = c.ranks.get("dense", 10**6)
    if lex <= 3 and dense <= 3:
        return "hybrid"
    return "lexical" if lex < dense else "dense"
