"""Near-duplicate texts as shared items, for the ``co-text`` coordination kind.

Copy-paste networks post the same text with small edits (an emoji, a swapped word, an
exclamation mark, another link), so exact-text matching such as the QUT toolkit's
``co-tweet`` misses most copies. Following the co-similar-message networks of Pacheco et al.
(2021, *Uncovering Coordinated Networks on Social Media*, ICWSM) and the QUT
coordination-network-toolkit, :func:`near_duplicate_items` groups near-identical texts and
names each group, so that the caller treats a group like a shared URL (two accounts posting
texts of one group within Δ seconds co-share it).

Method (the numpy parts are in :mod:`onevoice.detect.minhash`):

1. **Normalise** each text: NFKC, case-fold, drop URLs and @mentions, keep hashtags' words
   without ``#``, every run of digits becomes ``0``, strip punctuation, symbols (emoji) and
   control characters, collapse whitespace. Reposts (``repost_of IS NOT NULL``: duplicates
   by construction), posts without an account and texts shorter than ``min_chars`` after
   normalisation are left out. Each distinct raw text (grouped by DuckDB) is normalised
   and hashed once (in the benchmark's million posts, 661,000 texts are 526,000 distinct
   raw ones and 439,000 distinct signatures). NFKC and case folding are CPython's; the
   URL and mention expressions, the character map and the squeezing run compiled for a
   whole batch (:func:`~onevoice.detect.textnorm.normalised_code_points`, the same
   strings as the expressions), which hands its code points straight to the hashing: no
   string per normalised text.
2. **Shingle**: word ``word_shingle``-grams ∪ character ``char_shingle``-grams, so scripts
   without spaces (Chinese, Japanese, Thai) and edits inside words are seen too; each
   shingle a stable 64-bit hash.
3. **MinHash** (Broder 1997, *On the resemblance and containment of documents*), as
   one-permutation hashing with optimal densification
   (:class:`~onevoice.detect.minhash.OnePermutationHasher`; Li, Owen & Zhang 2012;
   Shrivastava 2017): one seeded 64-bit hash per shingle, ``num_perm`` bins by hash
   range, a slot is its bin's minimum, and an empty bin takes the value of the first
   non-empty bin of its probe sequence. A slot of two texts agrees with probability
   equal to their Jaccard similarity, as with ``num_perm`` independent hash functions
   (:class:`~onevoice.detect.minhash.MinHasher`, which this replaced: the same estimate,
   about the same spread, half the signature time at 1M posts). Batches are normalised
   and hashed in worker threads (the compiled kernels release the GIL), each writing its
   signatures into its rows of one array, where they stay.
4. **LSH banding** (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3.4):
   ``b`` bands of ``r`` slots chosen by :func:`~onevoice.detect.minhash.lsh_params` (18 × 7
   for 0.7 and 128 slots); for each band in turn, numpy sorts the nodes by band hash and
   each bucket (run of equal hashes) gives its candidate pairs. Posts with equal signatures
   (in practice: equal normalised texts) are one node, so a text copied 100,000 times is
   one node, not 5·10⁹ pairs. In a bucket of more than :data:`BUCKET_ANCHORS` distinct
   signatures, each is compared with the first :data:`BUCKET_ANCHORS` of the bucket (by
   key) only: linear, not quadratic, work, at the price of a link missed when two
   members are close to each other but to none of the anchors, nor share another band.
5. **Verify** each candidate pair: the fraction of equal signature slots (the MinHash
   estimate of the Jaccard similarity, standard error ``√(J(1−J)/num_perm)``, 0.04 at
   0.7 with 128 slots) must reach ``threshold``. A cheap exact filter comes first: equal
   slots have equal low 4 bits, so a pair with fewer slots of equal low bits than the
   slots needed is dropped at once (64 bytes a node, counted with XOR and popcount); the
   rest, once each however many bands found them, are compared on whole slots, four
   pairs at a time (their rows are at random places: four reads overlap).
6. **Group**: greedy leader clustering of the verified pairs
   (:func:`~onevoice.detect.minhash.leader_groups`): every member is near-identical to its
   group's leader, so variants of a template cannot chain into one giant group as
   connected components (single linkage) do; a group's item is ``text:<its smallest
   post_id>``; groups whose posts all come from one account are dropped.

Steps 1–6 run as loops compiled by numba (:mod:`onevoice.detect.textnorm_kernel`,
:mod:`onevoice.detect.cotext_kernels`: a text's shingles, bins and densification in one
pass with no array of shingles; :mod:`onevoice.detect.lsh_kernels`: each bucket's pairs
filtered on the low bits, skipped when an earlier band already made them candidates,
verified on whole slots) — bit for bit the Python and numpy code kept as the reference
(``compiled=False``), which the tests compare them with.

Memory: the texts and their groupings live in DuckDB (which spills to disk); Python holds
a few batches of texts, the signature of every distinct raw text (``4·num_perm`` bytes
each: 270 MB for 526,000 texts), each node's low bits and ``8·b`` bytes of band hashes,
and the verified pairs (8 bytes each). The result does not depend on ``batch_size`` or
the thread count (every step is per text or set-based) and is the same for the same
``seed``.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from onevoice.detect.lsh_groups import BUCKET_ANCHORS, group_signatures
from onevoice.detect.minhash import (
    OnePermutationHasher,
    lsh_params,
    normalise_texts,
    shingle_hashes_unordered,
)
from onevoice.detect.textnorm import normalised_code_points
from onevoice.errors import UsageError

__all__ = ["BUCKET_ANCHORS", "near_duplicate_items"]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PREFIX = "ov__cotext_"
_WORK = ("raw", "keyed", "comp")


def near_duplicate_items(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float = 0.7,
    min_chars: int = 30,
    num_perm: int = 128,
    char_shingle: int = 5,
    word_shingle: int = 3,
    seed: int = 0,
    batch_size: int = 50_000,
    table: str = "ov_text_items",
    compiled: bool = True,
) -> str:
    """Create the TEMP table ``table(post_id VARCHAR, item VARCHAR)`` of near-duplicates.

    Each post (not a repost) whose normalised text has near-duplicates, estimated Jaccard
    similarity of shingle sets ≥ ``threshold`` directly or through a chain of them, posted by
    at least one other account gets the item ``text:<smallest post_id of its group>``.
    Posts without such near-duplicates are not in the table. Works inside an open
    transaction of ``con`` (``onevoice detect`` runs in one) and on a read-only store.

    Args:
        con: a connection to a store (its ``posts`` table).
        threshold: Jaccard similarity in (0, 1] for two texts to be near-duplicates.
        min_chars: texts shorter than this after normalisation are left out (short texts
            such as "so true" are near-identical without any coordination).
        num_perm: MinHash signature length.
        char_shingle: character n-gram length.
        word_shingle: word n-gram length.
        seed: draws the MinHash functions; the same seed gives the same table.
        batch_size: distinct texts normalised or hashed per step (memory), with no
            effect on the result.
        table: the name of the TEMP table to create or replace (an SQL identifier).
        compiled: use the compiled kernels (the default: normaliser, hashing and
            grouping) or the Python and numpy reference code; the table is the same.

    Returns:
        ``table``, with rows ordered by ``post_id``.

    Raises:
        UsageError: a parameter out of range, or ``table`` not a plain identifier.
    """
    _check(threshold, min_chars, num_perm, char_shingle, word_shingle, batch_size, table)
    bands, rows = lsh_params(float(threshold), num_perm)
    hasher = OnePermutationHasher(num_perm, seed)
    w = {name: f"{_PREFIX}{name}" for name in _WORK}
    # While DuckDB groups the texts (it releases the GIL), a thread has numba load the
    # compiled kernels (over a second in a fresh process).
    early = contextlib.ExitStack()
    if compiled:
        warm = threading.Thread(target=_warm_up, args=(hasher, bands, rows, threshold))
        warm.start()
        early.callback(warm.join)
    try:
        _run(
            con,
            f"""
            CREATE OR REPLACE TEMP TABLE {w["raw"]} AS
            SELECT row_number() OVER () AS id, text, posts
            FROM (
                SELECT text, list({{'post_id': post_id, 'account_id': account_id}}) AS posts
                FROM posts
                WHERE repost_of IS NULL AND account_id IS NOT NULL AND text IS NOT NULL
                  AND text <> ''
                GROUP BY text
            );
            """,
        )
        # Each distinct raw text is normalised and hashed once, batches in worker threads
        # (the compiled kernels release the GIL), its signature written in its row of one
        # array (row = id − 1); this thread reads the texts and keeps the keys.
        total = _count(con, w["raw"])
        sig_rows = np.empty((total, num_perm), dtype=np.uint32)
        row_keys = np.zeros(total, dtype=np.uint64)
        usable = np.zeros(total, dtype=bool)  # long enough once normalised
        least = max(min_chars, 1)

        def work(texts: list[str], out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return _batch_signatures(texts, out, hasher, char_shingle, word_shingle, compiled)

        def take_oldest() -> None:
            lo, job = pending.popleft()
            lens, keys = job.result()
            row_keys[lo : lo + len(keys)] = keys
            usable[lo : lo + len(keys)] = lens >= least

        pending: deque[tuple[int, Future[tuple[np.ndarray, np.ndarray]]]] = deque()
        with ThreadPoolExecutor(hasher.threads) as pool:
            for lo, raw in _chunks(con, w["raw"], "text", batch_size):
                texts = [t or "" for t in raw.to_pylist()]
                pending.append((lo, pool.submit(work, texts, sig_rows[lo : lo + len(texts)])))
                if len(pending) > hasher.threads:
                    take_oldest()
            while pending:
                take_oldest()
        kept = np.flatnonzero(usable)
        keyed = pa.table({"rid": pa.array(kept + 1), "sig_key": pa.array(row_keys[kept])})
        # Equal signatures (in practice: equal texts) are one node; nodes in key order,
        # each read in the row of its first text.
        keys, first = np.unique(row_keys[kept], return_index=True)
        where = kept[first]
        del kept, first
        label = group_signatures(
            sig_rows, hasher, bands, rows, threshold, where=where, compiled=compiled
        )
        del sig_rows
        labels = keys[label]
        con.register(w["keyed"], keyed)
        con.register(w["comp"], pa.table({"sig_key": pa.array(keys), "comp": pa.array(labels)}))
        _run(
            con,
            f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            WITH x AS (
                SELECT k.sig_key, unnest(r.posts) AS p
                FROM {w["raw"]} r JOIN {w["keyed"]} k ON k.rid = r.id
            ), p AS (
                SELECT x.p.post_id AS post_id, x.p.account_id AS account_id,
                       coalesce(c.comp, x.sig_key) AS comp
                FROM x LEFT JOIN {w["comp"]} c USING (sig_key)
            ), g AS (
                SELECT comp, 'text:' || min(post_id) AS item FROM p
                GROUP BY comp HAVING count(DISTINCT account_id) > 1
            )
            SELECT p.post_id::VARCHAR AS post_id, g.item::VARCHAR AS item
            FROM p JOIN g USING (comp) ORDER BY p.post_id
            """,
        )
    finally:
        early.close()
        _cleanup(con, w)
    return table


def _check(
    threshold: float,
    min_chars: int,
    num_perm: int,
    char_shingle: int,
    word_shingle: int,
    batch_size: int,
    table: str,
) -> None:
    if not 0 < threshold <= 1:
        raise UsageError(f"the text similarity threshold must be in (0, 1], not {threshold}")
    for name, value, low in (
        ("min_chars", min_chars, 0),
        ("num_perm", num_perm, 1),
        ("char_shingle", char_shingle, 1),
        ("word_shingle", word_shingle, 1),
        ("batch_size", batch_size, 1),
    ):
        if value < low:
            raise UsageError(f"{name} must be at least {low}, not {value}")
    if num_perm > 4096:
        raise UsageError(f"num_perm must be at most 4096, not {num_perm}")
    if not _IDENT.match(table) or table.startswith(_PREFIX):
        raise UsageError(f"not a usable table name: {table!r}")


def _chunks(
    con: duckdb.DuckDBPyConnection, name: str, column: str, size: int
) -> Iterator[tuple[int, pa.Array[Any]]]:
    """``(lo, column)`` of TEMP table ``name`` (ids 1 … n) for ids ``lo + 1 …``, ``size``
    rows at a time, in id order.

    Each chunk is read to its end before the caller queries again: one connection holds
    one open result at a time, and a TEMP table is seen by its own connection only. (The
    ids are a column, not ``rowid``: rows written inside an open transaction have row ids
    from 2⁶² up.)"""
    total = _count(con, name)
    for lo in range(0, total, size):
        chunk = con.sql(
            f"SELECT {column} FROM {name} WHERE id > {lo} AND id <= {lo + size} ORDER BY id"
        ).to_arrow_table()
        yield lo, chunk.column(0).combine_chunks()


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])


def _batch_signatures(
    texts: list[str],
    out: np.ndarray,
    hasher: OnePermutationHasher,
    char_shingle: int,
    word_shingle: int,
    compiled: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """``(lengths, keys)`` of the normalised ``texts``, their signatures written into
    ``out``: compiled, from their code points (no string per text); or by the numpy
    reference, a fifth of the batch at a time (it takes about 12 KB of temporaries a
    text)."""
    if compiled:
        cps, lens = normalised_code_points(texts)
        keys, _ = hasher.code_point_signatures(
            cps, lens, char_shingle=char_shingle, word_shingle=word_shingle, out=out
        )
        return lens, keys
    norms = normalise_texts(texts, compiled=False)
    lens = np.fromiter(map(len, norms), dtype=np.int64, count=len(norms))
    step = max(1, len(norms) // 5)
    for i in range(0, len(norms), step):
        hashes, owners = shingle_hashes_unordered(
            norms[i : i + step], char_shingle=char_shingle, word_shingle=word_shingle
        )
        out[i : i + step] = hasher.signatures(hashes, owners, len(norms[i : i + step]))
    return lens, hasher.keys(out)


def _warm_up(hasher: OnePermutationHasher, bands: int, rows: int, threshold: float) -> None:
    """Have numba load (or compile, the first time) the kernels that ``co-text`` uses, on
    arrays of the types the real calls pass."""
    cps, lens = normalised_code_points(["warm up", "warm up 🚀"])
    sig = np.empty((4, hasher.num_perm), dtype=np.uint32)
    hasher.code_point_signatures(cps, lens, out=sig[:2])
    sig[2:] = sig[:2]
    group_signatures(sig, hasher, bands, rows, threshold, where=np.arange(4))


def _cleanup(con: duckdb.DuckDBPyConnection, w: dict[str, str]) -> None:
    for name in ("keyed", "comp"):
        with contextlib.suppress(duckdb.Error):
            con.unregister(w[name])
    _run(con, f"DROP TABLE IF EXISTS {w['raw']}")


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run statements to their end (a result left unread would hold the connection)."""
    con.execute(sql).fetchall()
