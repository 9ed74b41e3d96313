"""Stable 64-bit hashes of the word and character shingles of a batch of texts.

:func:`shingle_hashes`: the union of word ``w``-grams (scripts written with spaces) and
character ``k``-grams (scripts without spaces, such as Chinese, Japanese or Thai, and small
edits inside words), each as a stable 64-bit hash: a polynomial hash of the code points
(mod 2⁶⁴) through MurmurHash3's 64-bit finaliser (:func:`fmix64`), computed for a whole
batch at once. It does not depend on the process (unlike Python's salted ``hash()``) nor on
the batch. :func:`shingle_hashes_unordered` gives the same (text, hash) pairs without
grouping them text by text, which the one-permutation hasher does not need.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["fmix64", "shingle_hashes", "shingle_hashes_unordered"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

#: Odd multipliers of the polynomial hashes (the 64-bit golden ratio and a CityHash prime).
_K_CHAR = np.uint64(0x9E3779B97F4A7C15)
_K_WORD = np.uint64(0x9AE16A3B2F90404F)
#: Tags keeping character and word shingles apart (one text's "abcde" is not a word 5-gram).
_TAG_CHAR = np.uint64(0x243F6A8885A308D3)
_TAG_WORD = np.uint64(0x13198A2E03707344)


# -- hashing -------------------------------------------------------------------------------
def fmix64(h: U64) -> U64:
    """MurmurHash3's 64-bit finaliser, elementwise (a new array; ``h`` is left alone)."""
    h = h ^ (h >> np.uint64(33))
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def shingle_hashes(
    texts: Sequence[str], *, char_shingle: int = 5, word_shingle: int = 3
) -> tuple[U64, I64]:
    """The shingle hashes of normalised ``texts``: (hashes, index of the text of each).

    A text shorter than ``char_shingle`` characters (or ``word_shingle`` words) gives one
    character (word) shingle of its whole length. Empty texts give none. The index array is
    sorted; a shingle repeated inside a text may appear twice (MinHash ignores repeats).
    """
    (ch, ch_t), (wd, wd_t) = _grams(texts, char_shingle, word_shingle)
    # Each text's character shingles, then its word shingles: placed directly (the owner
    # arrays are sorted, a text with a short character shingle has no other one).
    n = len(texts)
    n_ch = np.bincount(ch_t, minlength=n)
    n_wd = np.bincount(wd_t, minlength=n)
    first = np.cumsum(n_ch + n_wd) - (n_ch + n_wd)
    hashes = np.empty(len(ch) + len(wd), dtype=np.uint64)
    hashes[first[ch_t] + _rank_in_runs(ch_t)] = ch
    hashes[first[wd_t] + n_ch[wd_t] + _rank_in_runs(wd_t)] = wd
    return hashes, np.repeat(np.arange(n, dtype=np.int64), n_ch + n_wd)


def shingle_hashes_unordered(
    texts: Sequence[str], *, char_shingle: int = 5, word_shingle: int = 3
) -> tuple[U64, I64]:
    """:func:`shingle_hashes` without its order: the same (hash, text) pairs, the character
    shingles of all texts first, then the word shingles (the index array is not sorted).
    For :class:`OnePermutationHasher`, which needs no order: placing each text's shingles
    together costs a fifth of the hashing."""
    (ch, ch_t), (wd, wd_t) = _grams(texts, char_shingle, word_shingle)
    return np.concatenate([ch, wd]), np.concatenate([ch_t, wd_t])


def _grams(texts: Sequence[str], k: int, w: int) -> tuple[tuple[U64, I64], tuple[U64, I64]]:
    """(character shingles, word shingles) of ``texts``, each as (hashes, text index)."""
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    c1 = cps.astype(np.uint64) + np.uint64(1)  # 0 is "no character"
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
    return _char_grams(c1, lens, text_of, k), _word_grams(c1, cps == 32, lens, text_of, w)


def _rank_in_runs(owners: I64) -> I64:
    """The place of each element in its run of equal values (runs are contiguous)."""
    if len(owners) == 0:
        return owners
    change = np.flatnonzero(owners[1:] != owners[:-1]) + 1
    run_first = np.zeros(len(owners), dtype=np.int64)
    run_first[change] = change
    np.maximum.accumulate(run_first, out=run_first)
    return np.arange(len(owners), dtype=np.int64) - run_first


def _char_grams(c1: U64, lens: I64, text_of: I64, k: int) -> tuple[U64, I64]:
    n = len(c1)
    ends = np.cumsum(lens)
    starts = ends - lens
    # Full k-grams: every position but the last k − 1 of each text (views, no gathers).
    m = max(n - k + 1, 0)
    h = np.zeros(m, dtype=np.uint64)
    for j in range(k):
        h += c1[j : j + m]
        h *= _K_CHAR
    valid = np.ones(m, dtype=bool)
    for j in range(1, k):
        last = ends - j
        last = last[(last >= starts) & (last < m)]
        valid[last] = False
    grams = np.flatnonzero(valid)
    hashes, owners = h[grams], text_of[grams]
    # A text shorter than k (only when min_chars < k) is one shingle of its whole length.
    short = np.flatnonzero((lens > 0) & (lens < k))
    if len(short):
        hs = np.zeros(len(short), dtype=np.uint64)
        padded = np.concatenate([c1, np.zeros(k, dtype=np.uint64)])
        for j in range(k):
            hs += np.where(j < lens[short], padded[starts[short] + j], np.uint64(0))
            hs *= _K_CHAR
        hashes = np.concatenate([hashes, hs])
        owners = np.concatenate([owners, short])
    return fmix64(hashes ^ _TAG_CHAR), owners


def _word_grams(
    c1: U64, is_space: npt.NDArray[np.bool_], lens: I64, text_of: I64, w: int
) -> tuple[U64, I64]:
    n_chars = len(c1)
    starts = np.cumsum(lens) - lens
    text_start = np.zeros(n_chars, dtype=bool)
    text_start[starts[lens > 0]] = True
    prev_space = np.ones(n_chars, dtype=bool)
    prev_space[1:] = is_space[:-1]
    word_start = ~is_space & (prev_space | text_start)
    # Characters of words only; the index of each character's word and its place in it.
    in_word = ~is_space
    word_id = np.cumsum(word_start)[in_word] - 1
    first_char = np.flatnonzero(word_start)
    if len(first_char) == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    place = np.flatnonzero(in_word) - first_char[word_id]
    powers = np.cumprod(np.full(int(place.max()) + 1, _K_WORD, dtype=np.uint64))
    word_hash = fmix64(
        np.add.reduceat(c1[in_word] * powers[place], np.flatnonzero(word_start[in_word]))
    )
    # Word w-grams inside each text.
    w_text = text_of[first_char]
    n_words = np.bincount(w_text, minlength=len(lens))
    w_first = np.cumsum(n_words) - n_words
    w_rank = np.arange(len(first_char), dtype=np.int64) - w_first[w_text]
    grams = np.flatnonzero(w_rank <= np.maximum(n_words[w_text] - w, 0))
    limit = (w_first + n_words)[w_text[grams]]
    padded = np.concatenate([word_hash, np.zeros(w, dtype=np.uint64)])
    h = np.zeros(len(grams), dtype=np.uint64)
    for j in range(w):
        h += np.where(grams + j < limit, padded[grams + j], np.uint64(0))
        h *= _K_WORD
    return fmix64(h ^ _TAG_WORD), w_text[grams]
