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
   normalisation are left out.
2. **Shingle**: word ``word_shingle``-grams ∪ character ``char_shingle``-grams, so scripts
   without spaces (Chinese, Japanese, Thai) and edits inside words are seen too; each
   shingle a stable 64-bit hash.
3. **MinHash** (Broder 1997, *On the resemblance and containment of documents*):
   ``num_perm`` universal hash functions ``(a·x + b) mod (2⁶¹ − 1)`` drawn from
   ``numpy.random.default_rng(seed)``; signatures computed per batch of ``batch_size``
   posts streamed from DuckDB (identical normalised texts of a batch hashed once).
4. **LSH banding** (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3.4):
   ``b`` bands of ``r`` slots chosen by :func:`~onevoice.detect.minhash.lsh_params` (18 × 7
   for 0.7 and 128 slots); DuckDB holds a table of (signature, band, band hash) and the
   candidates come from a self-join on (band, band hash). Posts with equal signatures
   (in practice: equal normalised texts) are one node, so a text copied 100,000 times is
   one node, not 5·10⁹ pairs. In a bucket of more than :data:`BUCKET_ANCHORS` distinct
   signatures, each is compared with the first :data:`BUCKET_ANCHORS` of the bucket (by
   key) only: linear, not quadratic, work, at the price of a link missed when two
   members are close to each other but to none of the anchors, nor share another band.
5. **Verify** each candidate pair: the fraction of equal signature slots (the MinHash
   estimate of the Jaccard similarity, standard error ``√(J(1−J)/num_perm)``, 0.04 at
   0.7 with 128 slots) must reach ``threshold``.
6. **Group**: greedy leader clustering of the verified pairs
   (:func:`~onevoice.detect.minhash.leader_groups`): every member is near-identical to its
   group's leader, so variants of a template cannot chain into one giant group as
   connected components (single linkage) do; a group's item is ``text:<its smallest
   post_id>``; groups whose posts all come from one account are dropped.

Memory is bounded by one batch plus the signatures of the candidate nodes (``4·num_perm``
bytes each); the band table and the pair join live in DuckDB, which spills to disk. The
result does not depend on ``batch_size`` (every step is per text or set-based) and is the
same for the same ``seed``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Generator

import duckdb
import numpy as np
import pyarrow as pa

from onevoice.detect.minhash import (
    MinHasher,
    leader_groups,
    lsh_params,
    normalise_text,
    shingle_hashes,
)
from onevoice.errors import UsageError

__all__ = ["BUCKET_ANCHORS", "near_duplicate_items"]

#: In an LSH bucket of more distinct signatures, each is compared with this many only.
BUCKET_ANCHORS = 100
#: Candidate pairs verified per numpy step.
_PAIR_CHUNK = 50_000
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PREFIX = "ov__cotext_"
_WORK = ("post", "sig", "band", "bucket", "cand", "comp")


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
) -> str:
    """Create the TEMP table ``table(post_id VARCHAR, item VARCHAR)`` of near-duplicates.

    Each post (not a repost) whose normalised text has near-duplicates, estimated Jaccard
    similarity of shingle sets ≥ ``threshold`` directly or through a chain of them, posted by
    at least one other account gets the item ``text:<smallest post_id of its group>``.
    Posts without such near-duplicates are not in the table. The posts are read through a
    second cursor of ``con``, so they must be committed.

    Args:
        con: a connection to a store (its ``posts`` table).
        threshold: Jaccard similarity in (0, 1] for two texts to be near-duplicates.
        min_chars: texts shorter than this after normalisation are left out (short texts
            such as "so true" are near-identical without any coordination).
        num_perm: MinHash signature length.
        char_shingle: character n-gram length.
        word_shingle: word n-gram length.
        seed: draws the MinHash functions; the same seed gives the same table.
        batch_size: posts hashed per step (memory), with no effect on the result.
        table: the name of the TEMP table to create or replace (an SQL identifier).

    Returns:
        ``table``, with rows ordered by ``post_id``.

    Raises:
        UsageError: a parameter out of range, or ``table`` not a plain identifier.
    """
    _check(threshold, min_chars, num_perm, char_shingle, word_shingle, batch_size, table)
    bands, rows = lsh_params(float(threshold), num_perm)
    hasher = MinHasher(num_perm, seed)
    w = {name: f"{_PREFIX}{name}" for name in _WORK}
    try:
        _run(
            con,
            f"""
            CREATE OR REPLACE TEMP TABLE {w["post"]}
                (post_id VARCHAR, account_id VARCHAR, sig_key UBIGINT);
            CREATE OR REPLACE TEMP TABLE {w["sig"]} (sig_key UBIGINT, sig UINTEGER[{num_perm}]);
            CREATE OR REPLACE TEMP TABLE {w["band"]}
                (sig_key UBIGINT, band USMALLINT, band_hash UBIGINT);
            """,
        )
        with contextlib.closing(_batches(con, batch_size)) as batches:
            for batch in batches:
                _hash_batch(
                    con, w, batch, hasher, bands, rows, min_chars, char_shingle, word_shingle
                )
        _candidates(con, w)
        keys, labels = _verify(con, w, threshold, num_perm)
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


def _batches(
    con: duckdb.DuckDBPyConnection, batch_size: int
) -> Generator[pa.RecordBatch, None, None]:
    """The candidate posts, ``batch_size`` at a time, through a second cursor (``con``
    runs the inserts meanwhile; one connection holds one open result at a time)."""
    reader = con.cursor()
    try:
        rel = reader.sql(
            "SELECT post_id, account_id, text FROM posts "
            "WHERE repost_of IS NULL AND account_id IS NOT NULL AND text IS NOT NULL "
            "AND text <> ''"
        )
        yield from rel.to_arrow_reader(batch_size)
    finally:
        reader.close()


def _hash_batch(
    con: duckdb.DuckDBPyConnection,
    w: dict[str, str],
    batch: pa.RecordBatch,
    hasher: MinHasher,
    bands: int,
    rows: int,
    min_chars: int,
    char_shingle: int,
    word_shingle: int,
) -> None:
    norm = [normalise_text(t or "") for t in batch.column(2).to_pylist()]
    keep = np.fromiter((len(s) >= max(min_chars, 1) for s in norm), dtype=bool, count=len(norm))
    if not keep.any():
        return
    # Identical normalised texts of the batch are hashed once.
    distinct: dict[str, int] = {}
    inverse = np.fromiter(
        (distinct.setdefault(s, len(distinct)) for s, k in zip(norm, keep, strict=True) if k),
        dtype=np.int64,
    )
    texts = list(distinct)
    hashes, owners = shingle_hashes(texts, char_shingle=char_shingle, word_shingle=word_shingle)
    sig = hasher.signatures(hashes, owners, len(texts))
    keys = hasher.keys(sig)
    band_hash = hasher.band_hashes(sig, bands, rows)
    mask = pa.array(keep)
    posts = pa.table(
        {
            "post_id": batch.column(0).filter(mask),
            "account_id": batch.column(1).filter(mask),
            "sig_key": pa.array(keys[inverse]),
        }
    )
    sigs = pa.table(
        {
            "sig_key": pa.array(keys),
            "sig": pa.FixedSizeListArray.from_arrays(pa.array(sig.ravel()), hasher.num_perm),
        }
    )
    band_rows = pa.table(
        {
            "sig_key": pa.array(np.repeat(keys, bands)),
            "band": pa.array(np.tile(np.arange(bands, dtype=np.uint16), len(keys))),
            "band_hash": pa.array(band_hash.ravel()),
        }
    )
    for target, data in (("post", posts), ("sig", sigs), ("band", band_rows)):
        view = f"{w[target]}_in"
        con.register(view, data)
        try:
            _run(con, f"INSERT INTO {w[target]} SELECT * FROM {view}")
        finally:
            con.unregister(view)


def _candidates(con: duckdb.DuckDBPyConnection, w: dict[str, str]) -> None:
    """Candidate pairs ``(k1 < k2)`` of distinct signatures sharing a band bucket."""
    _run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE {w["bucket"]} AS
        SELECT band, band_hash, sig_key,
               row_number() OVER (PARTITION BY band, band_hash ORDER BY sig_key) AS pos
        FROM (SELECT DISTINCT band, band_hash, sig_key FROM {w["band"]})
        QUALIFY count(*) OVER (PARTITION BY band, band_hash) > 1;
        CREATE OR REPLACE TEMP TABLE {w["cand"]} AS
        SELECT DISTINCT a.sig_key AS k1, b.sig_key AS k2
        FROM (SELECT * FROM {w["bucket"]} WHERE pos <= {BUCKET_ANCHORS}) a
        JOIN {w["bucket"]} b
          ON a.band = b.band AND a.band_hash = b.band_hash AND b.pos > a.pos;
        """,
    )


def _verify(
    con: duckdb.DuckDBPyConnection, w: dict[str, str], threshold: float, num_perm: int
) -> tuple[np.ndarray, np.ndarray]:
    """The keys of the candidate nodes and the component label (a key) of each."""
    nodes = con.sql(
        f"""
        SELECT sig_key, any_value(sig) AS sig FROM {w["sig"]}
        WHERE sig_key IN (SELECT k1 FROM {w["cand"]} UNION SELECT k2 FROM {w["cand"]})
        GROUP BY sig_key ORDER BY sig_key
        """
    ).to_arrow_table()
    keys = nodes.column("sig_key").to_numpy()
    if len(keys) == 0:
        return keys.astype(np.uint64), keys.astype(np.uint64)
    sig_col = nodes.column("sig").combine_chunks()
    sigs = sig_col.flatten().to_numpy().reshape(len(keys), num_perm)
    need = int(np.ceil(threshold * num_perm - 1e-9))  # equal slots for estimate ≥ threshold
    left = [np.zeros(0, dtype=np.int64)]
    right = [np.zeros(0, dtype=np.int64)]
    reader = con.sql(f"SELECT k1, k2 FROM {w['cand']}").to_arrow_reader(_PAIR_CHUNK)
    try:
        for chunk in reader:
            i = np.searchsorted(keys, chunk.column(0).to_numpy())
            j = np.searchsorted(keys, chunk.column(1).to_numpy())
            ok = (sigs[i] == sigs[j]).sum(axis=1) >= need
            left.append(i[ok])
            right.append(j[ok])
    finally:
        reader.close()
    labels = leader_groups(len(keys), np.concatenate(left), np.concatenate(right))
    return keys, keys[labels]


def _cleanup(con: duckdb.DuckDBPyConnection, w: dict[str, str]) -> None:
    with contextlib.suppress(duckdb.Error):
        con.unregister(w["comp"])
    for name in ("post", "sig", "band", "bucket", "cand"):
        _run(con, f"DROP TABLE IF EXISTS {w[name]}")


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run statements to their end (a result left unread would hold the connection)."""
    con.execute(sql).fetchall()
