"""Lexical retrieval of fact-checks: BM25 over words and TF-IDF over character n-grams.

- **BM25** (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and
  Beyond"), as implemented by ``bm25s`` (Lù 2024, arXiv:2407.03618: scores precomputed into
  a sparse matrix, so a query costs one sparse row sum). Tokens come from
  :func:`onevoice.claims.text.content_tokens` (words without the commonest function
  words of the G20 languages; CJK character bigrams). k1 = 1.2 and b = 0.75, the classic
  defaults; on short claims they matter little.
- **Character n-gram TF-IDF** (``char_wb`` 3–5-grams, sublinear tf, cosine), which needs no
  word segmentation, survives inflection and typos, and matches transliterated names: the
  usual strong baseline for near-duplicate claims (e.g. Kazemi et al. 2021, "Claim matching
  beyond English to scale global fact-checking", ACL).

Both return, per query, the top ``k`` library rows and their scores; the caller fuses them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from onevoice.claims.text import clean_text, content_tokens

__all__ = ["BM25Index", "CharIndex", "top_k"]

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


def top_k(scores: npt.NDArray[np.floating], k: int) -> tuple[IntArray, FloatArray]:
    """Indices and values of the ``k`` largest scores per row, best first.

    Ties are broken by the lower index, so results never depend on the platform's sort.
    """
    scores = np.atleast_2d(scores)
    n = scores.shape[1]
    k = min(k, n)
    if k == 0:
        empty = np.zeros((scores.shape[0], 0))
        return empty.astype(np.int64), empty.astype(np.float32)
    part = (
        np.argpartition(-scores, k - 1, axis=1)[:, :k]
        if k < n
        else np.tile(np.arange(n), (scores.shape[0], 1))
    )
    vals = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -vals), axis=1)
    idx = np.take_along_axis(part, order, axis=1).astype(np.int64)
    return idx, np.take_along_axis(vals, order, axis=1).astype(np.float32)


class BM25Index:
    """BM25 over the word tokens of the library's texts."""

    def __init__(self, docs: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        import bm25s

        self.size = len(docs)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        corpus = [content_tokens(d) or ["\x00"] for d in docs]
        self._bm25.index(corpus, show_progress=False)

    def search(self, queries: Sequence[str], k: int) -> tuple[IntArray, FloatArray]:
        """Top ``k`` documents per query by BM25 score (0 where no term is shared)."""
        scores = np.zeros((len(queries), self.size), dtype=np.float32)
        for i, q in enumerate(queries):
            toks = content_tokens(q)
            if toks:
                scores[i] = self._bm25.get_scores(toks)
        return top_k(scores, k)


class CharIndex:
    """Cosine similarity of character 3–5-gram TF-IDF vectors (word-bounded n-grams)."""

    def __init__(self, docs: Sequence[str], *, ngram_range: tuple[int, int] = (3, 5)) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.size = len(docs)
        self._vec = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            lowercase=True,
            sublinear_tf=True,
            min_df=1,
            dtype=np.float32,
        )
        self._docs = self._vec.fit_transform([clean_text(d) for d in docs]).T.tocsr()

    def scores(self, queries: Sequence[str]) -> FloatArray:
        """Cosine of every query with every document (queries × documents)."""
        q = self._vec.transform([clean_text(t) for t in queries])
        return np.asarray((q @ self._docs).toarray(), dtype=np.float32)

    def search(self, queries: Sequence[str], k: int) -> tuple[IntArray, FloatArray]:
        """Top ``k`` documents per query by cosine of their n-gram vectors."""
        return top_k(self.scores(queries), k)
