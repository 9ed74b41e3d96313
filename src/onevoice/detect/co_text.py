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
   once, and each distinct normalised text is shingled and hashed once, as soon as it is
   first seen (in the benchmark's million posts, 661,000 texts are 526,000 distinct raw
   and 439,000 distinct normalised ones). From :data:`_PROCESS_MIN` posts with a text
   on, normalising runs in :data:`_CHILDREN` child interpreters
   (:class:`~onevoice.detect.minhash.ChildNormaliser`), batches in turn, on other CPUs
   while this process hashes: it is pure Python, so in a thread it would hold the GIL.
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
   about the same spread, half the signature time at 1M posts). Signatures are computed
   per batch of distinct texts, batches in worker threads (numpy releases the GIL).
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
   rest, once each however many bands found them, are compared on whole slots.
6. **Group**: greedy leader clustering of the verified pairs
   (:func:`~onevoice.detect.minhash.leader_groups`): every member is near-identical to its
   group's leader, so variants of a template cannot chain into one giant group as
   connected components (single linkage) do; a group's item is ``text:<its smallest
   post_id>``; groups whose posts all come from one account are dropped.

Steps 2–3 and 5–6 run as loops compiled by numba (:mod:`onevoice.detect.cotext_kernels`:
a text's shingles, bins and densification in one pass with no array of shingles; each
bucket's pairs filtered on the low bits, skipped when an earlier band already made them
candidates, verified on whole slots with an early exit) — bit for bit the numpy code
kept here as the reference (``compiled=False``), which the tests compare them with.

Memory: the texts and their groupings live in DuckDB (which spills to disk); Python holds
a few batches, the distinct normalised texts (a dict from each to its node: about
100 MB for 439,000 tweet-length texts), the signatures of the distinct texts
(``4·num_perm`` bytes each, plus their low bits and ``8·b`` bytes of band hashes) and,
for one band at a time, its candidate pairs in chunks, then the pairs that passed the
low-bit filter (8 bytes each). The result does not depend on ``batch_size``, the
thread count or where the texts are normalised (every step is per text or set-based)
and is the same for the same ``seed``.
"""

from __future__ import annotations

import contextlib
import re
import sys
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
    ChildNormaliser,
    OnePermutationHasher,
    lsh_params,
    normalise_texts,
    shingle_hashes_unordered,
)
from onevoice.errors import UsageError

__all__ = ["BUCKET_ANCHORS", "near_duplicate_items"]

#: From this many posts with a text on, texts are normalised in child processes (started
#: afresh, about 0.3 s, while DuckDB groups the texts), overlapped with the hashing;
#: below, in this thread.
_PROCESS_MIN = 100_000
#: Child processes that normalise, batches in turn (answers are taken in order). With
#: hashing and verifying compiled, normalising (NFKC, case folding, the URL expression:
#: pure Python) is the longest step before the grouping; two children share it.
_CHILDREN = 2
#: The posts co-text reads (their count decides whether children normalise).
_TEXT_POSTS = (
    "(SELECT 1 FROM posts WHERE repost_of IS NULL AND account_id IS NOT NULL"
    " AND text IS NOT NULL AND text <> '')"
)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PREFIX = "ov__cotext_"
_WORK = ("raw", "norm", "key", "post", "comp")


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
        compiled: use the compiled kernels of :mod:`onevoice.detect.cotext_kernels`
            (the default) or the numpy reference code; the table is the same.

    Returns:
        ``table``, with rows ordered by ``post_id``.

    Raises:
        UsageError: a parameter out of range, or ``table`` not a plain identifier.
    """
    _check(threshold, min_chars, num_perm, char_shingle, word_shingle, batch_size, table)
    bands, rows = lsh_params(float(threshold), num_perm)
    hasher = OnePermutationHasher(num_perm, seed)
    w = {name: f"{_PREFIX}{name}" for name in _WORK}
    # While DuckDB groups the texts (it releases the GIL): the normalising children start
    # and, in a thread, numba loads the compiled kernels (over a second in a fresh process).
    early = contextlib.ExitStack()
    children: list[ChildNormaliser | None] = [None]
    if sys.executable and _count(con, _TEXT_POSTS) >= _PROCESS_MIN:
        with contextlib.suppress(OSError):  # no child: normalise here
            children = [early.enter_context(ChildNormaliser()) for _ in range(_CHILDREN)]
    if compiled:
        warm = threading.Thread(target=hasher.compiled_signatures, args=(["warm up"],))
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
            CREATE OR REPLACE TEMP TABLE {w["norm"]} (rid BIGINT, nid BIGINT);
            CREATE OR REPLACE TEMP TABLE {w["key"]} (nid BIGINT, sig_key UBIGINT);
            """,
        )
        # Each distinct raw text is normalised once (in a child process when there are
        # many), each distinct normalised text hashed once (in worker threads: numpy
        # releases the GIL) as soon as it is first seen; this thread reads, deduplicates
        # and stores. A text's node ``nid`` is its rank of first sight.
        key_parts: list[np.ndarray] = []
        sig_parts: list[np.ndarray] = []
        seen: dict[str, int] = {}
        fresh: list[str] = []
        # Hashing takes about 12 KB of numpy temporaries a text, against about 1 KB for
        # normalising: each thread's batch is a fifth of batch_size. (A twentieth hashed
        # 10 % faster alone but made the whole 5 % slower: four times the inserts and
        # GIL hand-overs.)
        size = max(1, batch_size // 5)

        def signatures(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
            if compiled:
                return hasher.compiled_signatures(
                    texts, char_shingle=char_shingle, word_shingle=word_shingle
                )
            hashes, owners = shingle_hashes_unordered(
                texts, char_shingle=char_shingle, word_shingle=word_shingle
            )
            sig = hasher.signatures(hashes, owners, len(texts))
            return hasher.keys(sig), sig

        hashing: deque[tuple[int, Future[tuple[np.ndarray, np.ndarray]]]] = deque()
        normalising: deque[tuple[pa.Array[Any], list[str], Future[list[str]]]] = deque()

        def store_oldest() -> None:
            start, job = hashing.popleft()
            keys, sig = job.result()
            nids = pa.array(np.arange(start, start + len(keys), dtype=np.int64))
            _insert(con, w["key"], {"nid": nids, "sig_key": pa.array(keys)})
            key_parts.append(keys)
            sig_parts.append(sig)

        def submit(texts: list[str], start: int) -> None:
            hashing.append((start, pool.submit(signatures, texts)))
            if len(hashing) > hasher.threads:
                store_oldest()

        def take_oldest() -> None:
            nonlocal fresh
            rid, texts, job = normalising.popleft()
            try:
                norms = job.result()
            except OSError:  # the child could not start or died: normalise here
                norms = normalise_texts(texts)
            nids = []
            for t in norms:
                if len(t) < least:
                    nids.append(-1)
                    continue
                nid = seen.get(t)
                if nid is None:
                    nid = seen[t] = len(seen)
                    fresh.append(t)
                nids.append(nid)
            ids = np.asarray(nids, dtype=np.int64)
            keep = ids >= 0
            _insert(con, w["norm"], {"rid": rid.filter(pa.array(keep)), "nid": pa.array(ids[keep])})
            while len(fresh) >= size:
                submit(fresh[:size], len(seen) - len(fresh))
                fresh = fresh[size:]

        least = max(min_chars, 1)
        with contextlib.ExitStack() as stack:
            pool = stack.enter_context(ThreadPoolExecutor(hasher.threads))
            stack.enter_context(early)  # the children end once every answer is read
            for i, (rid, raw) in enumerate(_chunks(con, w["raw"], "text", batch_size)):
                texts = [t or "" for t in raw.to_pylist()]
                child = children[i % len(children)]
                normalising.append((rid, texts, _normalised(child, texts)))
                if len(normalising) > len(children):
                    take_oldest()
            while normalising:
                take_oldest()
            if fresh:
                submit(fresh, len(seen) - len(fresh))
            while hashing:
                store_oldest()
        _run(
            con,
            f"""
            CREATE OR REPLACE TEMP TABLE {w["post"]} AS
            WITH x AS (
                SELECT k.sig_key, unnest(r.posts) AS p
                FROM {w["raw"]} r JOIN {w["norm"]} m ON m.rid = r.id
                JOIN {w["key"]} k ON k.nid = m.nid
            )
            SELECT p.post_id AS post_id, p.account_id AS account_id, sig_key FROM x
            """,
        )
        # Equal signatures (in practice: equal texts) are one node; nodes in key order.
        all_keys = np.concatenate([np.zeros(0, np.uint64), *key_parts])
        keys, first = np.unique(all_keys, return_index=True)
        sigs = _gather_rows(sig_parts, first, num_perm)
        key_parts.clear()
        labels = keys[group_signatures(sigs, hasher, bands, rows, threshold, compiled=compiled)]
        comp = pa.table({"sig_key": pa.array(keys), "comp": pa.array(labels)})
        con.register(w["comp"], comp)
        _run(
            con,
            f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            WITH p AS (
                SELECT p.post_id, p.account_id, coalesce(c.comp, p.sig_key) AS comp
                FROM {w["post"]} p LEFT JOIN {w["comp"]} c USING (sig_key)
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


def _gather_rows(parts: list[np.ndarray], rows: np.ndarray, width: int) -> np.ndarray:
    """Rows ``rows`` (indexes into the parts one after another) of the ``parts``, in that
    order, into one array, each part freed once read (no concatenation of them all)."""
    out = np.empty((len(rows), width), dtype=np.uint32)
    ends = np.cumsum([len(p) for p in parts], dtype=np.int64)
    owner = np.searchsorted(ends, rows, side="right")
    start = 0
    for i in range(len(parts)):
        at = np.flatnonzero(owner == i) if len(parts) > 1 else np.arange(len(rows))
        if len(at):
            out[at] = parts[i][rows[at] - start]
        start = int(ends[i])
        parts[i] = np.zeros((0, width), np.uint32)
    return out


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
) -> Iterator[tuple[pa.Array[Any], pa.Array[Any]]]:
    """``(id, column)`` of TEMP table ``name`` (ids 1 … n), ``size`` rows at a time.

    Each chunk is read to its end before the caller inserts anything: one connection holds
    one open result at a time, and a TEMP table is seen by its own connection only. (The
    ids are a column, not ``rowid``: rows written inside an open transaction have row ids
    from 2⁶² up.)"""
    total = _count(con, name)
    for lo in range(0, total, size):
        chunk = con.sql(
            f"SELECT id, {column} FROM {name} WHERE id > {lo} AND id <= {lo + size} ORDER BY id"
        ).to_arrow_table()
        yield chunk.column(0).combine_chunks(), chunk.column(1).combine_chunks()


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])


def _normalised(child: ChildNormaliser | None, texts: list[str]) -> Future[list[str]]:
    """The normalised ``texts``: from ``child``, or here and now (a finished future)."""
    if child is not None:
        return child.submit(texts)
    done: Future[list[str]] = Future()
    done.set_result(normalise_texts(texts))
    return done


def _insert(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, Any]) -> None:
    """Append ``columns`` (arrays in the table's column order) to TEMP table ``name``."""
    view = f"{name}_in"
    con.register(view, pa.table(columns))
    try:
        _run(con, f"INSERT INTO {name} SELECT * FROM {view}")
    finally:
        con.unregister(view)


def _cleanup(con: duckdb.DuckDBPyConnection, w: dict[str, str]) -> None:
    with contextlib.suppress(duckdb.Error):
        con.unregister(w["comp"])
    for name in ("raw", "norm", "key", "post"):
        _run(con, f"DROP TABLE IF EXISTS {w[name]}")


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run statements to their end (a result left unread would hold the connection)."""
    con.execute(sql).fetchall()
