"""Grouping near-duplicate signatures for ``co-text``: LSH bands, verified pairs, leaders.

:func:`group_signatures` takes the MinHash signatures of the distinct texts (rows in key
order) and gives each its leader group (steps 4–6 of
:mod:`onevoice.detect.co_text`): for each of ``b`` bands of ``r`` slots (Leskovec,
Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3.4) the nodes are sorted by band
hash; each bucket (run of equal hashes) pairs its first :data:`BUCKET_ANCHORS` members with
every later member; a pair is kept when at least ``⌈threshold·num_perm⌉`` slots are equal
(the MinHash estimate of the Jaccard similarity reaches the threshold); the kept pairs
are grouped by :func:`~onevoice.detect.lsh.leader_groups`.

Two implementations, the same groups: the compiled kernels of
:mod:`onevoice.detect.lsh_kernels` (the default: each distinct pair verified once, in
the first band that makes it a candidate) and the numpy reference below (every band's
candidates filtered on the low bits of their slots, the survivors sorted to drop repeats,
then verified on whole slots), which the tests compare them with.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from onevoice.detect import leader_kernels, lsh_kernels
from onevoice.detect.lsh import leader_groups
from onevoice.detect.minhash import MinHasher, OnePermutationHasher

__all__ = ["BUCKET_ANCHORS", "group_signatures"]

#: In an LSH bucket of more distinct signatures, each is compared with this many only.
BUCKET_ANCHORS = 100
#: Candidate pairs verified per numpy step, and nodes band-hashed per step. Small steps
#: reuse freed memory instead of asking the kernel for fresh zeroed pages: at 1M posts,
#: 20,000 pairs instead of 200,000 took the filter's system time from 3 s to 1.2 s.
_PAIR_CHUNK = 20_000
_NODE_CHUNK = 20_000
#: Low bits of each slot compared by the candidate filter (64 bytes a node). At 1M posts,
#: 2 bits made the filter twice as fast but let 12.3 million distinct pairs through to the
#: whole-slot check instead of 6.7 million (5.4 million pass): no faster in all.
_FILTER_BITS = 4


def group_signatures(
    sigs: np.ndarray,
    hasher: MinHasher | OnePermutationHasher,
    bands: int,
    rows: int,
    threshold: float,
    *,
    where: np.ndarray | None = None,
    compiled: bool = True,
) -> np.ndarray:
    """Leader-group label (a node index) of each node, from its signature: row
    ``where[i]`` of ``sigs`` for node ``i`` (``where=None``: the rows are the nodes);
    nodes in key order.

    Band by band (bands, band hashing and verification in parallel threads): the nodes are
    sorted by (band hash, index);
    each bucket of two or more gives the pairs of its first :data:`BUCKET_ANCHORS` members
    with every later member, and a pair is dropped at once unless the low bits of at
    least ``need`` slots agree (equal slots have equal low bits, so this never drops a
    similar pair, and reads 64 bytes a node instead of 512). The pairs left, each kept
    once however many bands found it, are then verified on the whole slots."""
    num_perm = sigs.shape[1]
    need = int(np.ceil(threshold * num_perm - 1e-9))  # equal slots for estimate ≥ threshold
    if compiled:
        at = np.arange(len(sigs)) if where is None else np.asarray(where, dtype=np.int64)
        return _compiled_groups(sigs, at, hasher, bands, rows, need)
    if where is not None:
        sigs = sigs[where]
    n = len(sigs)

    def banded(i: int) -> np.ndarray:
        return hasher.band_hashes(sigs[i : i + _NODE_CHUNK], bands, rows)

    low = _low_bits(sigs, _FILTER_BITS)

    def one_band(band: int) -> np.ndarray:
        order = np.argsort(band_hash[:, band], kind="stable")  # ties by index
        found = [np.zeros(0, dtype=np.int64)]
        for left, right in _bucket_pairs(band_hash[order, band], order):
            maybe = _equal_low_bits(low, left, right, num_perm, _FILTER_BITS) >= need
            found.append(left[maybe] * n + right[maybe])
        return np.concatenate(found)

    def verified(i: int) -> np.ndarray:
        j = i + _PAIR_CHUNK
        return np.flatnonzero(_equal_slots(sigs, left[i:j], right[i:j]) >= need) + i

    with ThreadPoolExecutor(hasher.threads) as pool:
        parts = pool.map(banded, range(0, n, _NODE_CHUNK))
        band_hash = np.concatenate([np.zeros((0, bands), np.uint64), *parts])
        pairs = np.sort(np.concatenate([np.zeros(0, np.int64), *pool.map(one_band, range(bands))]))
        # Each pair once (sorting then masking: numpy's unique is far slower here).
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])] if len(pairs) else pairs
        left, right = pairs // max(n, 1), pairs % max(n, 1)
        chunks = pool.map(verified, range(0, len(pairs), _PAIR_CHUNK))
        ok = np.concatenate([np.zeros(0, np.int64), *chunks])
    return leader_groups(n, left[ok], right[ok], compiled=False)


def _compiled_groups(
    sigs: np.ndarray,
    where: np.ndarray,
    hasher: MinHasher | OnePermutationHasher,
    bands: int,
    rows: int,
    need: int,
) -> np.ndarray:
    """:func:`group_signatures` by the compiled kernels: the same candidates, each
    distinct pair verified once, in the first band that makes it a candidate. The
    signatures are read where they are (node ``i``: row ``where[i]``), not gathered."""
    n = len(where)
    mult = hasher.band_multipliers(bands, rows)
    band_hash = np.empty((bands, n), dtype=np.uint64)  # band-major: a band's in a row
    low = np.zeros((n, -(-sigs.shape[1] // 16)), dtype=np.uint64)
    keys = np.empty((bands, n), dtype=np.int32)

    def banded(i: int) -> None:
        j = min(i + _NODE_CHUNK, n)
        lsh_kernels.band_rows(sigs, where[i:j], mult, band_hash[:, i:j], low[i:j])

    def sort_band(band: int) -> np.ndarray:
        order = np.argsort(band_hash[band])  # ties put in index order by bucket_keys
        keys[band] = lsh_kernels.bucket_keys(order, band_hash[band][order], BUCKET_ANCHORS)
        return order

    def one_band(band: int) -> np.ndarray:
        return lsh_kernels.verified_pairs(band, orders[band], band_hash, data, need, BUCKET_ANCHORS)

    with ThreadPoolExecutor(hasher.threads) as pool:
        list(pool.map(banded, range(0, n, _NODE_CHUNK)))
        orders = list(pool.map(sort_band, range(bands)))
        data = lsh_kernels.BandData(sigs, keys, where, low)
        pairs = list(pool.map(one_band, range(bands)))
    return leader_kernels.pair_leaders(n, pairs)


def _low_bits(sigs: np.ndarray, bits: int = 4) -> np.ndarray:
    """The low ``bits`` bits (2 or 4) of each slot, packed ``8 // bits`` slots a byte, as
    ``(n, words)`` uint64 (slots padded with zeros to whole words)."""
    n, k = sigs.shape
    per = 8 // bits
    low = np.zeros((n, k + (-k % (8 * per))), dtype=np.uint8)
    low[:, :k] = sigs & ((1 << bits) - 1)
    packed = low[:, 0::per].copy()
    for j in range(1, per):
        packed |= low[:, j::per] << (j * bits)
    return np.ascontiguousarray(packed).view(np.uint64)


def _equal_low_bits(
    packed: np.ndarray, left: np.ndarray, right: np.ndarray, slots: int, bits: int = 4
) -> np.ndarray:
    """The number of slots of rows ``left[i]`` and ``right[i]`` of :func:`_low_bits` of
    ``slots`` slots whose low ``bits`` bits agree (the padding always agrees): never fewer
    than the equal slots, since equal slots have equal low bits. Each ``bits``-bit group
    of the XOR is folded onto its lowest bit and the unequal groups counted by popcount."""
    x = np.take(packed, left, axis=0)
    x ^= np.take(packed, right, axis=0)
    shift = 1
    while shift < bits:
        x |= x >> np.uint64(shift)
        shift *= 2
    x &= np.uint64(int("01".rjust(bits, "0") * (64 // bits), 2))
    unequal = np.add.reduce(np.bitwise_count(x), axis=1, dtype=np.int64)
    counts: np.ndarray = slots - unequal
    return counts


def _equal_slots(sigs: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The number of equal slots of rows ``left[i]`` and ``right[i]`` of ``sigs``.

    The boolean matrix of equal slots is read as 64-bit words and their set bits counted
    (a ``True`` is one set bit): ``np.count_nonzero`` along an axis is about twice as slow.
    (Rows are padded with unequal slots to a multiple of 8 bytes, if need be.)"""
    eq = np.equal(np.take(sigs, left, axis=0), np.take(sigs, right, axis=0))
    pad = -eq.shape[1] % 8
    if pad:
        eq = np.concatenate([eq, np.zeros((len(eq), pad), dtype=bool)], axis=1)
    words = np.ascontiguousarray(eq).view(np.uint64)
    counts: np.ndarray = np.add.reduce(np.bitwise_count(words), axis=1, dtype=np.int64)
    return counts


def _bucket_pairs(hashes: np.ndarray, nodes: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The candidate pairs ``(left < right)`` of one band: ``hashes`` sorted, ``nodes``
    ascending within equal hashes. In each bucket (run of equal hashes) of size ``c``, the
    member at place ``p < BUCKET_ANCHORS`` is paired with the members at places ``p+1 …
    c−1``. Yields at most about :data:`_PAIR_CHUNK` pairs at a time."""
    if len(hashes) < 2:
        return
    starts = np.flatnonzero(np.concatenate([[True], hashes[1:] != hashes[:-1]]))
    sizes = np.diff(np.append(starts, len(hashes)))
    starts, sizes = starts[sizes > 1], sizes[sizes > 1]
    for p in range(min(BUCKET_ANCHORS, int(sizes.max(initial=1)) - 1)):
        live = sizes > p + 1
        starts, sizes = starts[live], sizes[live]
        counts = sizes - p - 1
        ends = np.cumsum(counts)
        lo = 0
        while lo < len(counts):  # groups of buckets, about _PAIR_CHUNK pairs each
            hi = int(np.searchsorted(ends, (ends[lo - 1] if lo else 0) + _PAIR_CHUNK)) + 1
            hi = min(hi, len(counts))
            c = counts[lo:hi]
            anchor = np.repeat(starts[lo:hi] + p, c)
            step = np.arange(len(anchor), dtype=np.int64) - np.repeat(np.cumsum(c) - c, c) + 1
            yield nodes[anchor], nodes[anchor + step]
            lo = hi
