"""MinHash signatures of short texts, in numpy, for near-duplicate detection (``co-text``).

The pieces :func:`onevoice.detect.co_text.near_duplicate_items` is built from, each usable
on its own:

- :func:`normalise_text`: NFKC, case-folded, URLs and @mentions dropped, the ``#`` of
  hashtags dropped (the tag's word stays), every run of digits one ``0``, punctuation,
  symbols (emoji) and control/format characters stripped, whitespace collapsed.
  :class:`ChildNormaliser` runs it in a child interpreter (pure Python holds the GIL; the
  hashing threads' numpy calls would queue behind it).
- :func:`shingle_hashes`: the union of word ``w``-grams (scripts written with spaces) and
  character ``k``-grams (scripts without spaces, such as Chinese, Japanese or Thai, and small
  edits inside words), each as a stable 64-bit hash: a polynomial hash of the code points
  (mod 2⁶⁴) through MurmurHash3's 64-bit finaliser, computed for a whole batch at once. It
  does not depend on the process (unlike Python's salted ``hash()``) nor on the batch.
- :class:`MinHasher`: Broder's MinHash (1997): ``num_perm`` hash functions from the
  universal family ``h(x) = (a·x + b) mod p``, ``p = 2⁶¹ − 1`` (Carter & Wegman 1979), as
  datasketch does: ``a`` and ``b`` drawn from ``numpy.random.default_rng(seed)`` in
  ``[1, p)`` and ``[0, p)``, ``x`` the low 32 bits of the shingle hash. Unlike datasketch,
  which lets ``a·x`` wrap round modulo 2⁶⁴, the product is reduced exactly (``a`` split in
  two halves, see :meth:`MinHasher._values`). (Drawing ``a < 2³¹`` so that nothing
  overflows is no shortcut: ``a·x + b`` then passes ``p`` at most four times, the functions
  are nearly linear in ``x``, far from min-wise independent, and the estimate's spread
  doubles; the tests check the spread.) A slot keeps the top 32 bits of its minimum. The
  fraction of equal slots of two signatures estimates the Jaccard similarity of the two
  shingle sets (standard error ``√(J(1−J)/num_perm)``, 0.04 at J = 0.7 with 128 slots).
- :func:`lsh_params` and :meth:`MinHasher.band_hashes`: the banding of Leskovec, Rajaraman &
  Ullman, *Mining of Massive Datasets*, ch. 3.4: ``b`` bands of ``r`` slots; two texts are
  candidates when all ``r`` slots of some band agree, with probability ``1 − (1 − Jʳ)ᵇ``.
- :func:`components`: connected components of verified pairs (union–find by hooking the
  larger root under the smaller one, with pointer jumping), labelled by their smallest node.

Everything is vectorised: the Python loops run over shingle offsets (``k`` or ``w``), blocks
of hash functions and groups of texts, never over shingles, permutations or pairs; the one
exception is the visit of :func:`leader_groups`, sequential by nature, which steps through
each node's earlier neighbours in plain Python until it meets a leader.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__all__ = [
    "MERSENNE_61",
    "ChildNormaliser",
    "MinHasher",
    "components",
    "fmix64",
    "lsh_params",
    "normalise_text",
    "normalise_texts",
    "serve_normalise",
    "shingle_hashes",
]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

#: The Mersenne prime 2⁶¹ − 1 of the universal hash family.
MERSENNE_61 = (1 << 61) - 1
_P = np.uint64(MERSENNE_61)
_S61 = np.uint64(61)
_S32 = np.uint64(32)
_S29 = np.uint64(29)
_LOW32 = np.uint64(0xFFFFFFFF)
#: Odd multipliers of the polynomial hashes (the 64-bit golden ratio and a CityHash prime).
_K_CHAR = np.uint64(0x9E3779B97F4A7C15)
_K_WORD = np.uint64(0x9AE16A3B2F90404F)
#: Tags keeping character and word shingles apart (one text's "abcde" is not a word 5-gram).
_TAG_CHAR = np.uint64(0x243F6A8885A308D3)
_TAG_WORD = np.uint64(0x13198A2E03707344)
#: The table of a batch's distinct shingles × a block of hash functions (uint32) stays within
#: this many bytes, with blocks of at least 16 functions (a 64-byte row, one cache line:
#: gathering a text's rows costs more than computing them) and at most all of them.
_TABLE_BYTES = 128 << 20
_MIN_BLOCK = 16
#: Bound of the temporaries that evaluate the functions (bytes); bound of the running
#: minima of one group of texts (4 bytes per text and function of a block), which take the
#: minimum of ``_ROWS`` gathered rows of shingles per step. Measured on 10,000 tweet-length
#: texts: small cache-resident groups are 1.3–1.6× faster than one large gather and ``min``
#: along an axis, and few numpy calls per group keep two hashing threads from queueing for
#: the GIL (one call per row made two threads no faster than one).
_CHUNK_BYTES = 512 << 10
_GATHER = 32 << 10
_ROWS = 16
#: Below this many shingles, one thread; above, blocks of functions go to threads.
_PARALLEL_MIN = 200_000

# -- normalisation -------------------------------------------------------------------------
_URL = re.compile(r"https?://\S+|www\.\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*")
_MENTION = re.compile(r"(?<!\w)@[\w.\-]+(?:@[\w.\-]+)?")


class _CharMap(dict[int, int | str]):
    """``str.translate`` table filled on first sight of each code point: punctuation,
    symbols (emoji, ``#``), separators and control/format characters become a space;
    enclosing marks and variation selectors (emoji presentation) vanish; decimal digits of
    any script become ``0``; everything else (letters, combining marks of Indic and Arabic
    scripts, other numbers) stays."""

    def __missing__(self, cp: int) -> int | str:
        cat = unicodedata.category(chr(cp))
        value: int | str
        if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or cat == "Me":
            value = ""
        elif cat[0] in "PSZ" or (cat[0] == "C" and cat != "Cn"):
            value = " "
        elif cat == "Nd":
            value = "0"
        else:
            value = cp
        self[cp] = value
        return value


_CHARMAP = _CharMap()


def normalise_text(text: str) -> str:
    """The text as the shingles see it (see the module docstring).

    >>> normalise_text("🚨 RT @bob: Leaked!! https://t.co/x #G20 in 2025…")
    'rt leaked g0 in 0'
    """
    s = unicodedata.normalize("NFKC", text).casefold()
    if "/" in s or "www." in s:  # the regular expressions cost more than these tests
        s = _URL.sub(" ", s)
    if "@" in s:
        s = _MENTION.sub(" ", s)
    s = s.translate(_CHARMAP)
    while "00" in s:  # runs of zeros to one (halving each run: faster than a regex)
        s = s.replace("00", "0")
    return " ".join(s.split())


def normalise_texts(texts: list[str]) -> list[str]:
    """:func:`normalise_text` of each text."""
    return [normalise_text(t) for t in texts]


def serve_normalise(source: BinaryIO, sink: BinaryIO) -> None:
    """Answer requests until ``source`` ends: each request a pickled list of texts after its
    8-byte little-endian length, each answer the pickled :func:`normalise_texts` of it,
    framed alike. The loop of the child process :class:`ChildNormaliser` talks to."""
    while head := source.read(8):
        texts = pickle.loads(source.read(int.from_bytes(head, "little")))
        data = pickle.dumps(normalise_texts(texts), protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(len(data).to_bytes(8, "little"))
        sink.write(data)
        sink.flush()


class ChildNormaliser:
    """:func:`normalise_texts` in a child interpreter, so that it runs on another CPU while
    this process hashes (normalising is pure Python and holds the GIL, which would stall
    the hashing threads' many short numpy calls). Requests are answered in order, one at a
    time, by a thread of this process that writes a request and reads its answer; a
    :class:`~concurrent.futures.Future` per request, which raises :class:`OSError` if the
    child cannot be reached or has ended. Use as a context manager."""

    def __init__(self) -> None:
        # The child imports what this process imports: this interpreter, this sys.path in
        # this order (-P: not the working directory first).
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        code = (
            "import sys; from onevoice.detect.minhash import serve_normalise; "
            "serve_normalise(sys.stdin.buffer, sys.stdout.buffer)"
        )
        self._child = subprocess.Popen(
            [sys.executable, "-P", "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._io = ThreadPoolExecutor(1)

    def submit(self, texts: list[str]) -> Future[list[str]]:
        """The normalised ``texts``, once the child has answered."""
        return self._io.submit(self._ask, texts)

    def _ask(self, texts: list[str]) -> list[str]:
        child_in, child_out = self._child.stdin, self._child.stdout
        assert child_in is not None and child_out is not None
        data = pickle.dumps(texts, protocol=pickle.HIGHEST_PROTOCOL)
        child_in.write(len(data).to_bytes(8, "little"))
        child_in.write(data)
        child_in.flush()
        head = child_out.read(8)
        if len(head) < 8:
            raise OSError(f"the normalising process ended (exit code {self._child.wait()})")
        answer: list[str] = pickle.loads(child_out.read(int.from_bytes(head, "little")))
        return answer

    def close(self) -> None:
        """Wait for the answers pending, then end the child."""
        self._io.shutdown(wait=True)
        for pipe in (self._child.stdin, self._child.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a child that died leaves a broken pipe
                    pipe.close()
        self._child.wait()

    def __enter__(self) -> ChildNormaliser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    c1 = cps.astype(np.uint64) + np.uint64(1)  # 0 is "no character"
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
    ch, ch_t = _char_grams(c1, lens, text_of, char_shingle)
    wd, wd_t = _word_grams(c1, cps == 32, lens, text_of, word_shingle)
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


# -- MinHash -------------------------------------------------------------------------------
class MinHasher:
    """``num_perm`` universal hash functions drawn from ``default_rng(seed)``.

    Args:
        num_perm: signature length (hash functions).
        seed: the same seed gives the same functions, hence the same signatures.
        threads: worker threads for large batches (numpy releases the GIL); ``None``: the
            CPU count, at most 4. The result does not depend on it.
    """

    def __init__(self, num_perm: int = 128, seed: int = 0, threads: int | None = None) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be at least 1")
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.a = rng.integers(1, MERSENNE_61, size=num_perm, dtype=np.uint64)
        self.b = rng.integers(0, MERSENNE_61, size=num_perm, dtype=np.uint64)
        self._a_lo = self.a & _LOW32
        self._a_hi = self.a >> np.uint64(32)
        self.threads = threads or min(os.cpu_count() or 1, 4)
        #: Per-slot salts of the band and signature keys (fixed: keys compare across seeds
        #: only through equal signatures, which needs equal seeds anyway).
        self._salt = fmix64(np.arange(1, num_perm + 1, dtype=np.uint64) * _K_CHAR)

    def signatures(self, hashes: U64, owners: I64, n: int) -> U32:
        """The ``(n, num_perm)`` signatures of ``n`` texts from :func:`shingle_hashes`'s
        output (``owners`` sorted); a text with no shingle gets the all-``2³²−1`` signature.

        A slot is the top 32 bits of the minimum of ``(a·x + b) mod p`` over the text's
        shingles (the top bits are monotone in the value, so this is the minimum of the top
        bits; two different minima share them with probability 2⁻³²).

        The hash functions are evaluated once per *distinct* shingle of the batch (found by
        pyarrow's hash-based dictionary encoding of the low 32 bits; short
        texts share most of their character n-grams: in the demo data 6 % of the shingle
        occurrences are distinct), ``block`` functions at a time, so that the table of
        values stays within :data:`_TABLE_BYTES` when it can. Each text's minima are then
        taken over the table rows of its shingles, for groups of texts of about equal
        shingle counts padded to a rectangle (a ``min`` over an axis is much faster than a
        ragged ``reduceat``). Blocks are independent, so threads take them in turn.
        """
        out = np.full((n, self.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        if len(hashes) == 0:
            return out
        # The distinct values, by hashing (pyarrow's dictionary encoding is several times
        # faster than numpy's sort-based unique; their order does not matter here).
        encoded = pa.array((hashes & _LOW32).astype(np.uint32)).dictionary_encode()
        uniq = encoded.dictionary.to_numpy().astype(np.uint64)
        inv = encoded.indices.to_numpy()
        threads = min(self.threads, max(1, len(hashes) // _PARALLEL_MIN))
        fit = _TABLE_BYTES // (4 * (len(uniq) + 1)) // _MIN_BLOCK * _MIN_BLOCK
        block = min(self.num_perm, max(_MIN_BLOCK, fit))
        if threads > 1:  # at least one block per thread
            block = min(block, max(_MIN_BLOCK, -(-self.num_perm // threads)))
        groups = _padded_groups(
            owners, inv.astype(np.int32, copy=False), n, len(uniq), _GATHER // (4 * block)
        )

        def run(p0: int) -> None:
            p1 = min(p0 + block, self.num_perm)
            table = self._values(uniq, p0, p1)
            for texts, cells in groups:
                low = table[cells[0]]
                for c in range(1, len(cells), _ROWS):
                    np.minimum(low, np.minimum.reduce(table[cells[c : c + _ROWS]]), out=low)
                out[texts, p0:p1] = low

        starts = range(0, self.num_perm, block)
        if threads == 1:
            for p0 in starts:
                run(p0)
        else:
            with ThreadPoolExecutor(threads) as pool:
                for job in [pool.submit(run, p0) for p0 in starts]:
                    job.result()
        return out

    def _values(self, x: U64, p0: int, p1: int) -> U32:
        """``(len(x) + 1, p1 − p0)``: the top 32 bits of hash functions ``p0 … p1−1`` of
        every ``x < 2³²``, then a row of ``2³²−1`` (the padding's value).

        ``(a·x + b) mod p`` is exact in uint64 arithmetic: with ``a = a_hi·2³² + a_lo``, no
        product exceeds 64 bits; ``a_lo·x < 2⁶⁴`` is folded as ``(t & p) + (t >> 61)``
        (2⁶¹ ≡ 1 mod p), and ``a_hi·x·2³² ≡ ((a_hi·x) mod 2²⁹)·2³² + ((a_hi·x) >> 29)``."""
        k = p1 - p0
        a_lo, a_hi, b = self._a_lo[None, p0:p1], self._a_hi[None, p0:p1], self.b[None, p0:p1]
        out = np.full((len(x) + 1, k), np.iinfo(np.uint32).max, dtype=np.uint32)
        step = max(1, _CHUNK_BYTES // (8 * k))
        t_buf, u_buf, r_buf = (np.empty((step, k), dtype=np.uint64) for _ in range(3))
        for s in range(0, len(x), step):
            xs = x[s : s + step, None]
            m = len(xs)
            t, u, r = t_buf[:m], u_buf[:m], r_buf[:m]
            np.multiply(a_lo, xs, out=t)
            np.bitwise_and(t, _P, out=r)
            np.right_shift(t, _S61, out=t)
            r += t
            np.multiply(a_hi, xs, out=t)
            np.left_shift(t, _S32, out=u)
            u &= _P
            r += u
            np.right_shift(t, _S29, out=t)
            r += t
            r += b  # each of the five terms < 2⁶¹: no overflow
            np.right_shift(r, _S61, out=t)
            r &= _P
            r += t  # ≡ a·x + b (mod p), and < p + 4
            np.subtract(r, _P, out=t)
            np.minimum(r, t, out=r)  # r − p wraps round (is huge) unless r ≥ p
            np.right_shift(r, _S29, out=t)
            out[s : s + m] = t
        return out

    def keys(self, sig: U32) -> U64:
        """A 64-bit key per signature: equal signatures, equal keys."""
        mixed = fmix64(sig.astype(np.uint64) ^ self._salt[None, :])
        return fmix64(mixed.sum(axis=1, dtype=np.uint64))

    def band_hashes(self, sig: U32, bands: int, rows: int) -> U64:
        """``(n, bands)``: one 64-bit hash per band of ``rows`` consecutive slots."""
        if bands * rows > self.num_perm:
            raise ValueError("bands × rows exceeds num_perm")
        used = fmix64(sig[:, : bands * rows].astype(np.uint64) ^ self._salt[None, : bands * rows])
        return fmix64(used.reshape(len(sig), bands, rows).sum(axis=2, dtype=np.uint64))


def _padded_groups(
    owners: I64, inv: npt.NDArray[np.int32], n: int, pad: int, size: int
) -> list[tuple[I64, npt.NDArray[np.int32]]]:
    """Texts in groups of ``size`` (at least one) of about equal shingle counts, each with
    a ``(longest, texts)`` matrix of table rows: row ``j`` holds each text's ``j``-th
    shingle (``pad`` where a text has fewer). A group's minima are then a running
    ``np.minimum`` over blocks of :data:`_ROWS` rows (see :data:`_GATHER`)."""
    counts = np.bincount(owners, minlength=n)
    first = np.cumsum(counts) - counts
    order = np.argsort(counts, kind="stable")
    order = order[counts[order] > 0]
    size = max(1, size)
    groups = []
    for i in range(0, len(order), size):
        texts = order[i : i + size]
        width = int(counts[texts[-1]])
        row = np.arange(width)[:, None]
        idx = np.minimum(first[texts][None, :] + row, len(inv) - 1)
        groups.append((texts, np.where(row < counts[texts][None, :], inv[idx], np.int32(pad))))
    return groups


@lru_cache(maxsize=64)
def lsh_params(
    threshold: float, num_perm: int, fp_weight: float = 0.2, fn_weight: float = 0.8
) -> tuple[int, int]:
    """Bands ``b`` and rows ``r`` (``b·r ≤ num_perm``) for a Jaccard ``threshold``.

    Minimises ``fp_weight·FP + fn_weight·FN``, where FP is the area under the candidate
    probability ``1 − (1 − sʳ)ᵇ`` below the threshold and FN the area above it under its
    complement (the criterion of datasketch's ``MinHashLSH``; Leskovec et al. ch. 3.4).
    Recall weighs more because every candidate is verified on its signatures afterwards,
    so a false candidate costs time, a missed one a result. The S-curve's steepest point
    ``(1/b)^(1/r)`` then lies a little below the threshold: 0.7 with 128 slots gives
    ``b = 18, r = 7`` (S-curve at 0.66; a pair at J = 0.75 is a candidate with probability
    0.92, one at J = 0.5 with 0.13).
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    below = np.linspace(0.0, threshold, 201)
    above = np.linspace(threshold, 1.0, 201)
    best: tuple[float, int, int] | None = None
    for r in range(1, num_perm + 1):
        b = np.arange(1, num_perm // r + 1, dtype=np.float64)[:, None]
        fp = np.trapezoid(1 - (1 - below[None, :] ** r) ** b, below, axis=1)
        fn = np.trapezoid((1 - above[None, :] ** r) ** b, above, axis=1)
        cost = np.asarray(fp_weight * fp + fn_weight * fn, dtype=np.float64)
        i = int(np.argmin(cost))
        if best is None or cost[i] < best[0] - 1e-12:
            best = (float(cost[i]), i + 1, r)
    assert best is not None
    return best[1], best[2]


def components(n: int, left: I64, right: I64) -> I64:
    """Connected components of ``n`` nodes joined by the edges ``left[i]–right[i]``: each
    node's label is the smallest node of its component (deterministic)."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        pl, pr = parent[left], parent[right]
        lo, hi = np.minimum(pl, pr), np.maximum(pl, pr)
        moved = lo != hi
        if not moved.any():
            return parent
        np.minimum.at(parent, hi[moved], lo[moved])
        while True:  # pointer jumping until every node points at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def leader_groups(n: int, left: I64, right: I64) -> I64:
    """Leader ("star") clustering of ``n`` nodes over similarity edges.

    Nodes are visited by decreasing degree (ties by index), so the text most copies are
    near to — typically the original — leads. Each node joins the group of its first
    visited neighbour that leads a group; failing that, the group of its first visited
    neighbour that is next to its own leader; failing that, it leads a new group. Every
    member is thus at most two near-duplicate steps from its group's leader: unlike
    connected components (single linkage), pairs cannot chain a template's variants into
    one giant group whose members share almost nothing (seen on templated organic text,
    where components grew to 200,000 posts at a million posts), while an edited copy of an
    edited copy still finds its group. Deterministic for given nodes and edges.

    Args:
        n: number of nodes.
        left, right: the edges, as node indexes (either order).

    Returns:
        each node's label: the index of its group's leader.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    degree = np.bincount(np.concatenate([left, right]), minlength=n)
    order = np.argsort(-degree, kind="stable")  # visiting order (ties by index)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    a, b = rank[left], rank[right]
    # Edges by (later rank, earlier rank): one sort of a combined key (n² < 2⁶³ for any n
    # that fits in memory), several times faster than a lexsort of the two.
    key = np.sort(np.maximum(a, b) * n + np.minimum(a, b))
    lo, hi = key % max(n, 1), key // max(n, 1)
    ranks = np.arange(n, dtype=np.int64)
    starts = np.searchsorted(hi, ranks, side="left")
    ends = np.searchsorted(hi, ranks, side="right")
    # The visit is sequential (each step reads the depths set before it); plain Python
    # lists cost far less per step than numpy calls on a handful of neighbours.
    neighbours, first, last = lo.tolist(), starts.tolist(), ends.tolist()
    label = ranks.tolist()
    depth = bytearray(n)  # 0: leads, 1: next to its leader, 2: two steps
    for j in np.flatnonzero(ends > starts).tolist():
        near = -1  # the first earlier neighbour next to its leader, if no leader is near
        for k in range(first[j], last[j]):  # earlier neighbours, ascending rank
            e = neighbours[k]
            if depth[e] == 0:
                label[j], depth[j] = e, 1
                break
            if near < 0 and depth[e] == 1:
                near = e
        else:
            if near >= 0:
                label[j], depth[j] = label[near], 2
    return order[np.asarray(label, dtype=np.int64)[rank]]
