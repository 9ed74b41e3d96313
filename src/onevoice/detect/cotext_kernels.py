"""Compiled kernels of ``co-text``: the same results as the numpy code, several times faster.

:mod:`onevoice.detect.shingles`, :class:`~onevoice.detect.minhash.OnePermutationHasher`,
:func:`onevoice.detect.lsh_groups.group_signatures` and
:func:`onevoice.detect.lsh.leader_groups` are written as whole-array numpy steps; they
stay the reference. This module does the same work text by text and pair by pair in
loops compiled by numba (Lam, Pitrou & Seibert 2015, *Numba: a LLVM-based Python JIT
compiler*), which the numpy form cannot express without temporaries the size of all
shingles or all candidate pairs:

- :func:`signatures`: a text's character and word shingle hashes (the polynomial hashes of
  :mod:`~onevoice.detect.shingles`, bit for bit), their one-permutation MinHash bins and
  the optimal densification (:class:`~onevoice.detect.minhash.OnePermutationHasher`, bit
  for bit), and the signature keys, in one pass over the text's code points, with no
  array of shingles at all.
- :func:`verified_pairs`: the LSH candidates of one band (the pairs of a bucket's first
  ``anchors`` members with its later members, as ``lsh_groups._bucket_pairs``), each checked
  on the whole signatures with an early exit once too many slots differ. A pair that was
  already a candidate in an earlier band is skipped (its band hashes and bucket places
  are compared first: a few loads instead of a signature), so each distinct pair is
  verified once and the bands' outputs are disjoint: no sort to remove repeats.
- :func:`squeeze_mapped`: the last steps of
  :func:`~onevoice.detect.textnorm.normalise_texts` (removed characters, runs of zeros and
  of spaces) in one pass over a batch's code points instead of a dozen array operations.
- :func:`leader_visit`: the sequential visit of :func:`~onevoice.detect.lsh.leader_groups`.

The kernels release the GIL (``nogil``), so callers run them in threads as before; they
are compiled on first use and cached on disk next to this module (numba's ``cache``).
Tests check every kernel against its numpy reference on random and real inputs.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from numba import types
from numba.extending import intrinsic

from onevoice.detect.shingles import _K_CHAR, _K_WORD, _TAG_CHAR, _TAG_WORD

__all__ = [
    "BandData",
    "bucket_keys",
    "leader_visit",
    "signatures",
    "squeeze_mapped",
    "verified_pairs",
]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]

# The shingle hashes' constants are the reference's (bit for bit the same hashes).
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_S32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_ONE = np.uint64(1)
_ZERO = np.uint64(0)
_SPACE = np.uint32(32)
_JIT: dict[str, Any] = {"nogil": True, "cache": True}


@numba.njit(inline="always", **_JIT)
def _fmix(h: np.uint64) -> np.uint64:
    h ^= h >> _S33
    h *= _M1
    h ^= h >> _S33
    h *= _M2
    h ^= h >> _S33
    return h


@numba.njit(inline="always", **_JIT)
def _bin(g: np.uint64, k: int, shift: np.uint64) -> Any:
    if shift > _ZERO:
        return np.int64(g >> shift)
    return np.int64(((g >> _S32) * np.uint64(k)) >> _S32)


@numba.njit(**_JIT)
def _signatures(
    cps: Any,
    lens: Any,
    k: int,
    w: int,
    num_perm: int,
    mix: np.uint64,
    probes: Any,
    probe_salt: np.uint64,
    key_salt: Any,
) -> tuple[Any, Any]:
    n = len(lens)
    out = np.full((n, num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    keys = np.empty(n, dtype=np.uint64)
    shift = _ZERO
    if num_perm > 1 and num_perm & (num_perm - 1) == 0:
        bits = 0
        while (1 << bits) < num_perm:
            bits += 1
        shift = np.uint64(64 - bits)
    filled = np.zeros(num_perm, dtype=np.bool_)
    k_pow = _ONE  # K^k
    for _ in range(k):
        k_pow *= _K_CHAR
    longest = 1
    for i in range(n):
        longest = max(longest, lens[i])
    words = np.empty(longest + 1, dtype=np.uint64)
    start = 0
    for t in range(n):
        length = lens[t]
        row = out[t]
        filled[:] = False
        some = False
        # character k-grams (a shorter text: one shingle of its whole length), the
        # polynomial Σ cⱼ·K^(k−j) rolled along the text: drop the first term, shift, add
        last = start + length - k if length >= k else start
        h = _ZERO
        for j in range(k):
            c = np.uint64(cps[start + j]) + _ONE if j < length else _ZERO
            h = (h + c) * _K_CHAR
        for i in range(start, last + 1):
            if length == 0:
                break
            if i > start:
                h = h - (np.uint64(cps[i - 1]) + _ONE) * k_pow + np.uint64(cps[i + k - 1]) + _ONE
                h *= _K_CHAR
            g = _fmix(_fmix(h ^ _TAG_CHAR) ^ mix)
            b = _bin(g, num_perm, shift)
            v = np.uint32(g & _LOW32)
            if v < row[b]:
                row[b] = v
            filled[b] = True
            some = True
        # words (runs of non-spaces), then word w-grams (fewer words: one, zero-padded)
        nw = 0
        acc = _ZERO
        power = _K_WORD
        inword = False
        for i in range(start, start + length):
            c = cps[i]
            if c == _SPACE:
                if inword:
                    words[nw] = _fmix(acc)
                    nw += 1
                    inword = False
                continue
            if not inword:
                inword = True
                acc = _ZERO
                power = _K_WORD
            acc += (np.uint64(c) + _ONE) * power
            power *= _K_WORD
        if inword:
            words[nw] = _fmix(acc)
            nw += 1
        for r in range(max(nw - w, 0) + 1 if nw > 0 else 0):
            h = _ZERO
            for j in range(w):
                c = words[r + j] if r + j < nw else _ZERO
                h = (h + c) * _K_WORD
            g = _fmix(_fmix(h ^ _TAG_WORD) ^ mix)
            b = _bin(g, num_perm, shift)
            v = np.uint32(g & _LOW32)
            if v < row[b]:
                row[b] = v
            filled[b] = True
            some = True
        # optimal densification: an empty bin takes its first non-empty probe's minimum
        if some:
            for b in range(num_perm):
                if filled[b]:
                    continue
                attempt = 0
                while True:
                    attempt += 1
                    if attempt <= probes.shape[0]:
                        donor = np.int64(probes[attempt - 1, b])
                    else:
                        step = np.uint64(attempt) * _K_WORD
                        x = np.uint64(b) * _K_CHAR + step
                        hp = _fmix(x ^ probe_salt)
                        donor = np.int64(((hp >> _S32) * np.uint64(num_perm)) >> _S32)
                    if filled[donor]:
                        row[b] = row[donor]
                        break
        total = _ZERO
        for b in range(num_perm):
            total += _fmix(np.uint64(row[b]) ^ key_salt[b])
        keys[t] = _fmix(total)
        start += length
    return keys, out


def signatures(
    texts: list[str],
    *,
    char_shingle: int,
    word_shingle: int,
    num_perm: int,
    mix: np.uint64,
    probes: npt.NDArray[np.intp],
    probe_salt: np.uint64,
    key_salt: U64,
) -> tuple[U64, U32]:
    """(keys, ``(n, num_perm)`` signatures) of normalised ``texts``, as
    :meth:`OnePermutationHasher.keys` of :meth:`OnePermutationHasher.signatures` of
    :func:`~onevoice.detect.shingles.shingle_hashes_unordered` would give them."""
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    keys, sig = _signatures(
        cps,
        lens,
        char_shingle,
        word_shingle,
        num_perm,
        mix,
        probes.astype(np.int64),
        probe_salt,
        key_salt,
    )
    return keys, sig


@numba.njit(**_JIT)
def _bucket_keys(order: Any, hashes: Any, anchors: int, out: Any) -> None:
    first = 0
    for i in range(len(order)):
        if i > 0 and hashes[i] != hashes[i - 1]:
            first = i
        out[order[i]] = 2 * first + (1 if i - first < anchors else 0)


def bucket_keys(order: I64, hashes: U64, anchors: int) -> I32:
    """Each node's bucket in one band, as ``2·(the bucket's first place in the band's sort)
    + (1 if the node is among the bucket's first anchors)``: two nodes were a candidate
    pair of the band if their keys agree but for the low bit and one low bit is set."""
    out = np.empty(len(order), dtype=np.int32)
    _bucket_keys(order, hashes, anchors, out)
    return out


@intrinsic
def _popcount(typingctx: Any, x: Any) -> Any:
    """The set bits of a uint64: LLVM's ``ctpop``, one instruction on CPUs with one."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


@numba.njit(**_JIT)
def _verified(
    band: int,
    order: Any,
    hashes: Any,
    keys: Any,
    low: Any,
    words: Any,
    need: int,
    anchors: int,
) -> Any:
    n = len(order)
    num_perm = 2 * words.shape[1]
    allowed = num_perm - need
    found = np.empty(1024, dtype=np.int64)
    count = 0
    s = 0
    ones = np.uint64(0x1111111111111111)
    nibbles_allowed = np.uint64(allowed)
    while s < n:
        e = s + 1
        while e < n and hashes[e] == hashes[s]:
            e += 1
        for p in range(min(anchors, e - s - 1)):
            u = order[s + p]
            for q in range(s + p + 1, e):
                v = order[q]
                # 1. equal slots have equal low 4 bits: too many unequal nibbles, too few
                #    equal slots (64 bytes a node, one cache line; 16 slots a word)
                unequal = np.uint64(0)
                for j in range(low.shape[1]):
                    x = low[u, j] ^ low[v, j]
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
                    ku = keys[u, b]
                    kv = keys[v, b]
                    if (ku >> 1) == (kv >> 1) and (ku | kv) & 1:
                        seen = True
                        break
                if seen:
                    continue
                # 3. the whole slots, two a word
                differ = 0
                for j in range(words.shape[1]):
                    x = words[u, j] ^ words[v, j]
                    if x != 0:
                        differ += 2 if (x & _LOW32) != 0 and (x >> _S32) != 0 else 1
                        if differ > allowed:
                            break
                if differ > allowed:
                    continue
                if count == len(found):
                    grown = np.empty(2 * len(found), dtype=np.int64)
                    grown[:count] = found
                    found = grown
                found[count] = u * n + v
                count += 1
        s = e
    return found[:count].copy()


@numba.njit(**_JIT)
def _nibbles(sigs: Any, out: Any) -> None:
    for i in range(sigs.shape[0]):
        for j in range(sigs.shape[1]):
            out[i, j // 16] |= np.uint64(sigs[i, j] & 15) << np.uint64(4 * (j % 16))


def _low_nibbles(sigs: U32) -> U64:
    """The low 4 bits of each slot, 16 slots a 64-bit word (slots padded with zeros)."""
    out = np.zeros((len(sigs), -(-sigs.shape[1] // 16)), dtype=np.uint64)
    _nibbles(sigs, out)
    return out


class BandData:
    """What :func:`verified_pairs` reads, one row per node: the low 4 bits of each slot
    (64 bytes for 128 slots: the first, exact, filter), its bucket key in each band
    (:func:`bucket_keys`), and its signature as 64-bit words. (Rows ordered so that
    near-duplicates sit together were tried: no faster, the filter rows fit the cache.)

    Args:
        sigs: ``(n, num_perm)`` signatures.
        keys: ``(bands, n)`` bucket keys.
    """

    def __init__(self, sigs: U32, keys: I32) -> None:
        n = len(sigs)
        if sigs.shape[1] % 2:  # pad with a slot equal in every row: changes no count
            sigs = np.concatenate([sigs, np.zeros((n, 1), np.uint32)], axis=1)
        self.words = np.ascontiguousarray(sigs).view(np.uint64)
        self.low = _low_nibbles(sigs)
        self.keys = np.ascontiguousarray(keys.T)


def verified_pairs(
    band: int, order: I64, band_hash: U64, data: BandData, need: int, anchors: int
) -> I64:
    """The pairs ``u·n + v`` (``u < v``) first found as candidates in ``band`` whose
    signatures agree on at least ``need`` slots.

    Args:
        band: the band's index.
        order: the nodes sorted by (this band's hash, index).
        band_hash: ``(n, bands)`` band hashes (node order).
        data: the nodes' filter bits, bucket keys and signatures (:class:`BandData`).
        need: equal slots for the estimate to reach the threshold.
        anchors: ``lsh_groups.BUCKET_ANCHORS``: in a bucket, each of the first ``anchors``
            nodes is paired with every later node.
    """
    hashes = np.ascontiguousarray(band_hash[order, band])
    pairs: I64 = _verified(band, order, hashes, data.keys, data.low, data.words, need, anchors)
    return pairs


@numba.njit(**_JIT)
def _leaders(n: int, a: Any, b: Any) -> Any:
    # each edge under its later rank (a counting sort: no order inside a rank is needed)
    first = np.zeros(n + 1, dtype=np.int64)
    for i in range(len(a)):
        first[max(a[i], b[i]) + 1] += 1
    for j in range(n):
        first[j + 1] += first[j]
    fill = first[:-1].copy()
    earlier = np.empty(len(a), dtype=np.int64)
    for i in range(len(a)):
        hi = max(a[i], b[i])
        earlier[fill[hi]] = min(a[i], b[i])
        fill[hi] += 1
    label = np.arange(n, dtype=np.int64)
    depth = np.zeros(n, dtype=np.uint8)  # 0: leads, 1: next to its leader, 2: two steps
    for j in range(n):
        leader = -1  # the earliest earlier neighbour that leads
        near = -1  # the earliest earlier neighbour next to its leader
        for k in range(first[j], first[j + 1]):
            e = earlier[k]
            if depth[e] == 0:
                if leader < 0 or e < leader:
                    leader = e
            elif depth[e] == 1 and (near < 0 or e < near):
                near = e
        if leader >= 0:
            label[j] = leader
            depth[j] = 1
        elif near >= 0:
            label[j] = label[near]
            depth[j] = 2
    return label


def leader_visit(n: int, a: I64, b: I64) -> I64:
    """The labels (by visiting rank) of :func:`~onevoice.detect.lsh.leader_groups`' visit,
    from its edges as visiting ranks ``a[i]–b[i]``. Each rank ``j`` in turn joins its
    earliest earlier neighbour that leads a group, or else the group of its earliest
    earlier neighbour next to its leader, or else leads: the earliest, not the first of a
    sorted list, so the edges are only bucketed by their later rank (a counting sort)."""
    label: I64 = _leaders(n, a, b)
    return label


@numba.njit(**_JIT)
def _squeeze(cps: Any, table: Any, astral: Any, codes: Any, drop: np.uint32, sep: np.uint32) -> Any:
    out = np.empty(len(cps), dtype=np.uint32)
    m = 0
    zero = np.uint32(0x30)
    space = np.uint32(0x20)
    prev = sep  # the previous character kept before spaces go: none yet
    for cp in cps:
        c = table[cp] if cp < len(table) else codes[np.searchsorted(astral, cp)]
        if c == drop:
            continue
        if c == zero and prev == zero:
            continue
        kept_prev = out[m - 1] if m > 0 else sep
        prev = c
        if c == space:
            if kept_prev in (space, sep):
                continue
        elif c == sep and kept_prev == space:
            m -= 1  # no space before the end of a text
        out[m] = c
        m += 1
    if m > 0 and out[m - 1] == space:
        m -= 1
    return out[:m].copy()


def squeeze_mapped(cps: U32, table: U32, astral: U32, codes: U32, drop: int, sep: int) -> U32:
    """A batch's code points (texts joined by ``sep``) through the character map —
    ``table[cp]`` below ``len(table)``, above it ``codes[i]`` where ``astral[i] == cp``
    (``astral`` sorted, holding every such code point of the batch) — without the ``drop``
    code points, with every run of zeros one zero, and no space at the start or end of a
    text nor after another space."""
    out: U32 = _squeeze(cps, table, astral, codes, np.uint32(drop), np.uint32(sep))
    return out
