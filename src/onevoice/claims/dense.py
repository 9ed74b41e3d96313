"""Dense retrieval of fact-checks with multilingual-E5 vectors, exact or approximate.

Fact-checks are embedded as E5 *passages* (``claim. title``), posts as *queries*; the score
is the cosine of the unit vectors. Up to :data:`EXACT_LIMIT` fact-checks the search is exact
(one matrix product per batch of posts: 14,000 claims × 384 dimensions is 21 MB); above it an
HNSW graph (Malkov & Yashunin 2020, "Efficient and robust approximate nearest neighbor
search using Hierarchical Navigable Small World graphs", IEEE TPAMI) from ``hnswlib`` with
M = 32, ef_construction = 200 and ef = max(100, 4k), whose recall at these settings is above
0.99 on sentence-embedding data of this size; the random levels use a fixed seed.

Vectors of a store's library are cached in ``factcheck_vectors`` keyed by the model name and
a hash of the embedded text, so a library is embedded once and a changed claim re-embedded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from onevoice.claims.embed import DIM, Embedder, text_hash
from onevoice.claims.lexical import top_k

__all__ = ["EXACT_LIMIT", "DenseIndex", "cached_vectors"]

#: Above this many fact-checks, search with HNSW instead of exactly.
EXACT_LIMIT = 50_000

Vectors = npt.NDArray[np.float32]


class DenseIndex:
    """Nearest fact-checks by cosine of multilingual-E5 vectors.

    Args:
        vectors: one unit-length row per fact-check (see :meth:`Embedder.embed`).
        seed: seed of the HNSW level generator (approximate mode only).
    """

    def __init__(self, vectors: Vectors, *, seed: int = 0) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.size = len(self.vectors)
        self._hnsw: Any = None
        if self.size > EXACT_LIMIT:
            import hnswlib

            index = hnswlib.Index(space="ip", dim=DIM)
            index.init_index(max_elements=self.size, M=32, ef_construction=200, random_seed=seed)
            index.set_num_threads(1)  # insertion order then fixes the graph
            index.add_items(self.vectors, np.arange(self.size))
            self._hnsw = index

    def search(self, queries: Vectors, k: int) -> tuple[npt.NDArray[np.int64], Vectors]:
        """Top ``k`` fact-checks per query vector, best first, with their cosines."""
        if self.size == 0 or len(queries) == 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.int64), empty.astype(np.float32)
        if self._hnsw is None:
            return top_k(queries @ self.vectors.T, k)
        k = min(k, self.size)
        self._hnsw.set_ef(max(100, 4 * k))
        labels, dist = self._hnsw.knn_query(queries, k=k)
        return labels.astype(np.int64), (1.0 - dist).astype(np.float32)


def passage_text(claim: str, title: str | None) -> str:
    """What is embedded for a fact-check: the claim, and the title when it adds words."""
    if title and title.strip() and title.strip().casefold() not in claim.casefold():
        return f"{claim.strip()} {title.strip()}"
    return claim.strip()


def cached_vectors(
    con: Any,
    ids: Sequence[str],
    texts: Sequence[str],
    embedder: Embedder,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Vectors:
    """Vectors for fact-checks ``ids`` (embedding ``texts``), through ``factcheck_vectors``.

    Rows whose (model, text hash) are stored are read back; the rest are embedded and
    written. ``con`` is a DuckDB connection on the store, inside the caller's transaction.
    """
    hashes = [text_hash(t) for t in texts]
    have: dict[tuple[str, str], Vectors] = {}
    rows = con.execute(
        "SELECT factcheck_id, text_hash, vector FROM factcheck_vectors WHERE model = ?",
        [embedder.model_name],
    ).fetchall()
    for fid, h, vec in rows:
        have[(fid, h)] = np.asarray(vec, dtype=np.float32)
    out = np.zeros((len(ids), DIM), dtype=np.float32)
    missing = [i for i, key in enumerate(zip(ids, hashes, strict=True)) if key not in have]
    for i, key in enumerate(zip(ids, hashes, strict=True)):
        if key in have:
            out[i] = have[key]
    if missing:
        vecs = embedder.embed([texts[i] for i in missing], kind="passage", progress=progress)
        out[missing] = vecs
        con.execute(
            "DELETE FROM factcheck_vectors WHERE model = ? AND factcheck_id IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [embedder.model_name, [ids[i] for i in missing]],
        )
        con.executemany(
            "INSERT INTO factcheck_vectors VALUES (?, ?, ?, ?)",
            [
                (ids[i], embedder.model_name, hashes[i], vecs[j].tolist())
                for j, i in enumerate(missing)
            ],
        )
    return out
