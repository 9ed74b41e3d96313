"""The similarity graph of narrative clustering: cosine kNN, lexical guard, Leiden.

1. **kNN** (:func:`knn_edges`): each distinct text keeps its ``k`` most similar texts whose
   cosine is at least the threshold. Exact by float64 matrix products over blocks of rows
   (cosines rounded to 6 decimals, so neither the block size nor the BLAS kernel can change
   an edge); above ``exact_limit`` texts an HNSW index (Malkov & Yashunin 2018,
   arXiv:1603.09320; hnswlib, built with one thread and a seed, so it is reproducible)
   proposes the neighbours and their cosines are then recomputed exactly.
2. **Lexical guard** (:func:`guard_edges`): an embedding puts "the fund was cut by 100
   billion" and "the fund was cut by 10 billion" side by side, and posts of one topic close
   together in general. An edge survives only if the two texts do not state different
   numbers and, when both are in the same language (or either language is unknown), their
   character 3-5-gram TF-IDF vectors have a cosine of at least ``lexical``: a paraphrase
   shares many of its words' pieces, another claim about the same topic shares few.
   Pairs in different languages rely on the embedding and the numbers.
3. **Clusters** (:func:`leiden_clusters`): connected components chain (A~B~C with A far
   from C); Leiden (Traag, Waltman & van Eck 2019, "From Louvain to Leiden", Sci. Rep.
   9:5233) with the Constant Potts Model cuts them. CPM keeps a set of texts together when
   the share of its pairs joined by an edge beats ``resolution``, whatever the rest of the
   graph holds, so a narrative's cluster does not change when unrelated posts are added
   (modularity has a resolution limit that does), and translations of one claim, fewer
   edges apart than paraphrases in one language, are not cut off as long as they are
   linked to a fair share of the cluster. It runs per connected component, seeded, on the
   unweighted guarded graph: every surviving edge already means "states the same thing".
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["Edges", "guard_edges", "knn_edges", "leiden_clusters"]

#: (source index, target index, cosine), source < target, sorted.
Edges = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]
DECIMALS = 6
_NEVER = np.iinfo(np.int64).min + 1  # a key below every real one, safe to negate


def knn_edges(
    vectors: npt.NDArray[np.float32],
    *,
    k: int,
    threshold: float,
    block_size: int = 512,
    exact_limit: int = 20_000,
    seed: int = 0,
) -> Edges:
    """Undirected kNN edges with cosine ≥ ``threshold`` among unit-length ``vectors``.

    Ties in the cosine are broken by the lower index, so the result depends only on the
    vectors and their order, never on ``block_size``.
    """
    n = len(vectors)
    x = np.asarray(vectors, dtype=np.float64)
    src: list[npt.NDArray[np.int64]] = []
    dst: list[npt.NDArray[np.int64]] = []
    if n > exact_limit:
        cand = _hnsw_candidates(vectors, k=k, seed=seed)
    for start in range(0, n, max(1, block_size)):
        stop = min(n, start + max(1, block_size))
        if n > exact_limit:
            idx = cand[start:stop]
            sims = np.einsum("rd,rkd->rk", x[start:stop], x[idx])
        else:
            idx = np.broadcast_to(np.arange(n, dtype=np.int64), (stop - start, n))
            sims = x[start:stop] @ x.T
        rows = np.arange(start, stop, dtype=np.int64)[:, None]
        # unique integer keys: the cosine in millionths, ties to the lower index
        key = np.rint(sims * 10**DECIMALS).astype(np.int64) * (n + 1) + (n - idx)
        key[idx == rows] = _NEVER  # never itself
        if key.shape[1] > k:
            top = np.argpartition(-key, k - 1, axis=1)[:, :k]
            idx = np.take_along_axis(idx, top, axis=1)
            sims = np.take_along_axis(sims, top, axis=1)
            key = np.take_along_axis(key, top, axis=1)
        keep = (np.rint(sims * 10**DECIMALS) >= round(threshold * 10**DECIMALS)) & (key != _NEVER)
        src.append(np.broadcast_to(rows, idx.shape)[keep])
        dst.append(idx[keep].astype(np.int64))
    if not src:
        return _empty()
    a, b = np.concatenate(src), np.concatenate(dst)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(np.stack([lo, hi], axis=1), axis=0)
    if len(pairs) == 0:
        return _empty()
    cos = np.round(np.einsum("ed,ed->e", x[pairs[:, 0]], x[pairs[:, 1]]), DECIMALS)
    ok = cos >= threshold
    return pairs[ok, 0].copy(), pairs[ok, 1].copy(), cos[ok]


def _empty() -> Edges:
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)


def _hnsw_candidates(
    vectors: npt.NDArray[np.float32], *, k: int, seed: int
) -> npt.NDArray[np.int64]:
    """Approximate ``k + 1`` nearest neighbours of every row (itself included)."""
    import hnswlib

    n, dim = vectors.shape
    index = hnswlib.Index(space="ip", dim=dim)
    index.init_index(max_elements=n, ef_construction=200, M=32, random_seed=seed)
    index.add_items(vectors, np.arange(n), num_threads=1)
    index.set_ef(max(100, 4 * k))
    labels, _ = index.knn_query(vectors, k=min(n, k + 1), num_threads=1)
    return np.asarray(labels, dtype=np.int64)


def guard_edges(
    edges: Edges,
    texts: Sequence[str],
    langs: Sequence[str | None],
    numbers: Sequence[frozenset[str]],
    *,
    lexical: float,
) -> Edges:
    """Keep the edges that pass the lexical guard (see the module docstring)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from onevoice.claims.narrative_text import numbers_disagree

    a, b, cos = edges
    if len(a) == 0:
        return edges
    tfidf = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float64
    ).fit_transform(list(texts))
    char_cos = np.round(np.asarray(tfidf[a].multiply(tfidf[b]).sum(axis=1)).ravel(), DECIMALS)
    lang = np.array([x or "" for x in langs], dtype=object)
    same_lang = (lang[a] == lang[b]) | (lang[a] == "") | (lang[b] == "")
    keep = ~(same_lang & (char_cos < lexical))
    has_numbers = np.array([bool(x) for x in numbers], dtype=bool)
    for e in np.flatnonzero(keep & has_numbers[a] & has_numbers[b]).tolist():
        if numbers_disagree(numbers[int(a[e])], numbers[int(b[e])]):
            keep[e] = False
    return a[keep], b[keep], cos[keep]


def leiden_clusters(
    n: int,
    edges: Edges,
    *,
    sizes: Sequence[int],
    min_size: int,
    resolution: float,
    seed: int,
) -> list[list[int]]:
    """Clusters of node indices whose summed ``sizes`` reach ``min_size``.

    Each connected component that could reach ``min_size`` posts (``sizes`` = copies of
    each text) is split by Leiden (CPM over distinct texts: a copy adds no evidence that two
    *different* texts belong together). Clusters come out sorted by their smallest index;
    members sorted.
    """
    import igraph  # type: ignore[import-untyped]

    a, b, _ = edges
    graph = igraph.Graph(n=n, edges=list(zip(a.tolist(), b.tolist(), strict=True)))
    out: list[list[int]] = []
    for comp in graph.connected_components():
        if sum(sizes[v] for v in comp) < min_size:
            continue
        members = sorted(comp)
        if len(members) == 1:
            out.append(members)
            continue
        sub = graph.subgraph(members)
        igraph.set_random_number_generator(random.Random(seed))
        try:
            part = sub.community_leiden(
                objective_function="CPM",
                resolution=resolution,
                n_iterations=-1,
            )
        finally:
            igraph.set_random_number_generator(random)
        groups: dict[int, list[int]] = {}
        for local, label in enumerate(part.membership):
            groups.setdefault(label, []).append(members[local])
        out.extend(g for g in groups.values() if sum(sizes[v] for v in g) >= min_size)
    out = [sorted(g) for g in out]
    out.sort(key=lambda g: g[0])
    return out
