"""Compiled kernels of the LSH grouping of ``co-text``: the same results as the numpy code.

:func:`onevoice.detect.lsh_groups.group_signatures` and
:func:`onevoice.detect.lsh.leader_groups` are written as whole-array numpy steps; they stay
the reference. This module does the same work bucket by bucket and pair by pair in loops
compiled by numba (Lam, Pitrou & Seibert 2015), which the numpy form cannot express without
temporaries the size of all candidate pairs:

- :func:`bucket_keys`: one band's sort made exact (ties by node index) and each node's
  bucket key, in one pass over the sorted hashes.
- :func:`verified_pairs`: the LSH candidates of one band (the pairs of a bucket's first
  ``anchors`` members with its later members, as ``lsh_groups._bucket_pairs``), filtered
  on the low bits of their slots, skipped when an earlier band already made them
  candidates (its bucket keys compared: a few loads instead of a signature), then checked
  on the whole signatures, four pairs at a time. Each distinct pair is verified once and
  the bands' outputs are disjoint: no sort to remove repeats.

The leader grouping of the verified pairs is in :mod:`onevoice.detect.leader_kernels`.

The kernels release the GIL (``nogil``): bands run in threads. They are compiled on first
use and cached on disk next to this module (numba's ``cache``). Tests check every kernel
against its numpy reference on random and real inputs.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from numba import types
from numba.extending import intrinsic

from onevoice.detect.cotext_kernels import _JIT, _LOW32, _S32, _ZERO, _fmix

__all__ = [
    "BandData",
    "band_rows",
    "bucket_keys",
    "verified_pairs",
]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


@numba.njit(**_JIT)
def _bucket_keys(order: Any, hashes: Any, anchors: int, out: Any) -> None:
    first = 0
    n = len(order)
    for i in range(n + 1):
        if i == n or (i > 0 and hashes[i] != hashes[i - 1]):
            if i - first > 1:  # a bucket: its nodes by index
                order[first:i].sort()
            if i == n:
                break
            first = i
    first = 0
    for i in range(n):
        if i > 0 and hashes[i] != hashes[i - 1]:
            first = i
        out[order[i]] = 2 * first + (1 if i - first < anchors else 0)


def bucket_keys(order: I64, hashes: U64, anchors: int) -> I32:
    """Each node's bucket in one band, as ``2·(the bucket's first place in the band's sort)
    + (1 if the node is among the bucket's first anchors)``: two nodes were a candidate
    pair of the band if their keys agree but for the low bit and one low bit is set.

    ``order`` sorts the nodes by their ``hashes`` (``hashes`` in that order); nodes of
    equal hashes are put in index order here, in place (so an unstable sort, several times
    faster than a stable one, will do)."""
    out = np.empty(len(order), dtype=np.int32)
    _bucket_keys(order, hashes, anchors, out)
    return out


@intrinsic
def _popcount(typingctx: Any, x: Any) -> Any:
    """The set bits of a uint64: LLVM's ``ctpop``, one instruction on CPUs with one."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


@numba.njit(inline="always", **_JIT)
def _unequal(x: Any) -> Any:
    """Unequal slots in a word of two slots XORed (0, 1 or 2), without a branch."""
    return np.uint64((x & _LOW32) != _ZERO) + np.uint64((x >> _S32) != _ZERO)


@numba.njit(**_JIT)
def _whole_slots(
    u: int,
    cand: Any,
    nc: int,
    words: Any,
    where: Any,
    allowed: int,
    n: int,
    found: Any,
    count: int,
) -> int:
    """Append ``u·n + v`` to ``found`` (from ``count``) for each ``v`` of ``cand[:nc]``
    whose signature (row ``where[v]`` of ``words``) differs from ``u``'s in at most
    ``allowed`` slots; the new count."""
    limit = np.uint64(allowed)
    wu = where[u]
    k = 0
    while k + 4 <= nc:
        v0, v1, v2, v3 = cand[k], cand[k + 1], cand[k + 2], cand[k + 3]
        w0, w1, w2, w3 = where[v0], where[v1], where[v2], where[v3]
        d0 = d1 = d2 = d3 = _ZERO
        for j in range(words.shape[1]):
            a = words[wu, j]
            d0 += _unequal(a ^ words[w0, j])
            d1 += _unequal(a ^ words[w1, j])
            d2 += _unequal(a ^ words[w2, j])
            d3 += _unequal(a ^ words[w3, j])
        for v, d in ((v0, d0), (v1, d1), (v2, d2), (v3, d3)):
            if d <= limit:
                found[count] = u * n + v
                count += 1
        k += 4
    while k < nc:
        v = cand[k]
        wv = where[v]
        d = _ZERO
        for j in range(words.shape[1]):
            d += _unequal(words[wu, j] ^ words[wv, j])
        if d <= limit:
            found[count] = u * n + v
            count += 1
        k += 1
    return count


@numba.njit(**_JIT)
def _verified(
    band: int,
    order: Any,
    hashes: Any,
    keys: Any,
    low: Any,
    words: Any,
    where: Any,
    allowed: int,
    anchors: int,
) -> Any:
    n = len(order)
    found = np.empty(1024, dtype=np.int64)
    count = 0
    s = 0
    ones = np.uint64(0x1111111111111111)
    nibbles_allowed = np.uint64(allowed)
    # A bucket's filter bits and earlier bucket keys, copied together in bucket order:
    # the pairs then read them in sequence, not at random places of arrays larger than
    # the cache (each node is copied once a band; most pairs come from buckets of 10 to
    # 1,000 nodes).
    width = low.shape[1]
    lowb = np.empty((64, width), dtype=low.dtype)
    keyb = np.empty((64, max(band, 1)), dtype=keys.dtype)
    cand = np.empty(64, dtype=np.int64)
    while s < n:
        e = s + 1
        while e < n and hashes[e] == hashes[s]:
            e += 1
        m = e - s
        if m < 2:
            s = e
            continue
        if m > len(lowb):
            lowb = np.empty((2 * m, width), dtype=low.dtype)
            keyb = np.empty((2 * m, max(band, 1)), dtype=keys.dtype)
        for q in range(m):
            v = order[s + q]
            for j in range(width):
                lowb[q, j] = low[v, j]
            for b in range(band):
                keyb[q, b] = keys[v, b]
        if m > len(cand):
            cand = np.empty(2 * m, dtype=np.int64)
        for p in range(min(anchors, m - 1)):
            u = order[s + p]
            nc = 0
            for q in range(p + 1, m):
                # 1. equal slots have equal low 4 bits: too many unequal nibbles, too few
                #    equal slots (64 bytes a node, one cache line; 16 slots a word)
                unequal = np.uint64(0)
                for j in range(width):
                    x = lowb[p, j] ^ lowb[q, j]
                    x |= x >> np.uint64(1)
                    x |= x >> np.uint64(2)
                    unequal += _popcount(x & ones)  # type: ignore[call-arg]
                    if unequal > nibbles_allowed:
                        break
                if unequal > nibbles_allowed:
                    continue
                # 2. a candidate of an earlier band was verified there
                seen = False
                for b in range(band):
                    ku = keyb[p, b]
                    kv = keyb[q, b]
                    if (ku >> 1) == (kv >> 1) and (ku | kv) & 1:
                        seen = True
                        break
                if seen:
                    continue
                cand[nc] = order[s + q]
                nc += 1
            # 3. the whole slots of the candidates left, four pairs at a time: their rows
            #    are at random places of memory, and four independent reads overlap
            if count + nc > len(found):
                grown = np.empty(2 * (count + nc), dtype=np.int64)
                grown[:count] = found[:count]
                found = grown
            count = _whole_slots(u, cand, nc, words, where, allowed, n, found, count)
        s = e
    return found[:count].copy()


@numba.njit(**_JIT)
def _band_rows(sigs: Any, where: Any, mult: Any, hashes: Any, low: Any) -> None:
    bands, rows = mult.shape
    for i in range(len(where)):
        row = sigs[where[i]]
        for band in range(bands):
            acc = _ZERO
            for j in range(rows):
                acc += np.uint64(row[band * rows + j]) * mult[band, j]
            hashes[band, i] = _fmix(acc)
        for j in range(len(row)):
            low[i, j // 16] |= np.uint64(row[j] & 15) << np.uint64(4 * (j % 16))


def band_rows(sigs: U32, where: I64, mult: U64, hashes: U64, low: U64) -> None:
    """One pass over the signatures of nodes ``where`` (rows of ``sigs``): their band hashes
    into ``hashes`` (``(bands, len(where))``, band-major: a band's hashes in a row, as
    :meth:`~onevoice.detect.minhash.OnePermutationHasher.band_hashes` gives them, bit for
    bit, from the multipliers ``mult``) and the low 4 bits of their slots, 16 slots a
    64-bit word, into ``low`` (zeros: the bits are or-ed in)."""
    _band_rows(sigs, where, mult, hashes, low)


class BandData:
    """What :func:`verified_pairs` reads, one row per node: the low 4 bits of each slot
    (64 bytes for 128 slots: the first, exact, filter), its bucket key in each band
    (:func:`bucket_keys`), and its signature as 64-bit words (row ``where[i]`` of
    ``words`` for node ``i``: the signatures stay where they were computed).

    Args:
        sigs: signatures, ``num_perm`` a row.
        keys: ``(bands, n)`` bucket keys.
        where: node ``i``'s row of ``sigs``.
        low: the nodes' low nibbles (:func:`band_rows`).
    """

    def __init__(self, sigs: U32, keys: I32, where: I64, low: U64) -> None:
        self.slots = sigs.shape[1]
        rows = where
        if sigs.shape[1] % 2:  # pad with a slot equal in every row: changes no count
            sigs = np.concatenate([sigs[rows], np.zeros((len(rows), 1), np.uint32)], axis=1)
            rows = np.arange(len(rows))
        self.where = np.ascontiguousarray(rows, dtype=np.int64)
        self.words = np.ascontiguousarray(sigs).view(np.uint64)
        self.low = low  # (an odd num_perm's padding slot adds no nibble word)
        self.keys = np.ascontiguousarray(keys.T)


def verified_pairs(
    band: int, order: I64, band_hash: U64, data: BandData, need: int, anchors: int
) -> I64:
    """The pairs ``u·n + v`` (``u < v``) first found as candidates in ``band`` whose
    signatures agree on at least ``need`` slots.

    Args:
        band: the band's index.
        order: the nodes sorted by (this band's hash, index).
        band_hash: ``(bands, n)`` band hashes (band-major, nodes in order).
        data: the nodes' filter bits, bucket keys and signatures (:class:`BandData`).
        need: equal slots for the estimate to reach the threshold.
        anchors: ``lsh_groups.BUCKET_ANCHORS``: in a bucket, each of the first ``anchors``
            nodes is paired with every later node.
    """
    hashes = band_hash[band][order]
    pairs: I64 = _verified(
        band,
        order,
        hashes,
        data.keys,
        data.low,
        data.words,
        data.where,
        data.slots - need,  # unequal slots allowed (not counting an odd length's pad)
        anchors,
    )
    return pairs
