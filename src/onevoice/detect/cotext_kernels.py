"""Compiled kernels of ``co-text``'s hashing: the numpy code's results, several times faster.

:mod:`onevoice.detect.shingles` and :class:`~onevoice.detect.minhash.OnePermutationHasher`
are written as whole-array numpy steps; they stay the reference. This module does the
same work text by text in a loop compiled by numba (Lam, Pitrou & Seibert 2015, *Numba: a
LLVM-based Python JIT compiler*), which the numpy form cannot express without temporaries
the size of all shingles: :func:`code_point_signatures` gives a text's character and word
shingle hashes (the polynomial hashes of :mod:`~onevoice.detect.shingles`, bit for bit),
their one-permutation MinHash bins and the optimal densification (bit for bit), and the
signature keys, in one pass over the text's code points, with no array of shingles at
all. The grouping's kernels are in :mod:`onevoice.detect.lsh_kernels`, the normaliser's
in :mod:`onevoice.detect.textnorm_kernel`.

The kernels release the GIL (``nogil``), so callers run them in threads as before; they
are compiled on first use and cached on disk next to this module (numba's ``cache``).
Tests check every kernel against its numpy reference on random and real inputs.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from onevoice.detect.shingles import _K_CHAR, _K_WORD, _TAG_CHAR, _TAG_WORD

__all__ = ["code_point_signatures"]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

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
    out: Any,
) -> Any:
    n = len(lens)
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
        row[:] = np.uint32(0xFFFFFFFF)
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
    return keys


def code_point_signatures(
    cps: U32,
    lens: I64,
    *,
    char_shingle: int,
    word_shingle: int,
    num_perm: int,
    mix: np.uint64,
    probes: npt.NDArray[np.intp],
    probe_salt: np.uint64,
    key_salt: U64,
    out: U32 | None = None,
) -> tuple[U64, U32]:
    """(keys, ``(n, num_perm)`` signatures) of the normalised texts whose code points are
    ``cps``, one after another, ``lens[i]`` for text ``i``, as
    :meth:`OnePermutationHasher.keys` of :meth:`OnePermutationHasher.signatures` of
    :func:`~onevoice.detect.shingles.shingle_hashes_unordered` would give them; the
    signatures written into ``out`` (``(n, num_perm)``, C-ordered) if given."""
    sig = np.empty((len(lens), num_perm), dtype=np.uint32) if out is None else out
    keys = _signatures(
        cps,
        lens,
        char_shingle,
        word_shingle,
        num_perm,
        mix,
        probes.astype(np.int64),
        probe_salt,
        key_salt,
        sig,
    )
    return keys, sig
