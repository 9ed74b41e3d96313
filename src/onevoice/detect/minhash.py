"""MinHash signatures of short texts, in numpy, for near-duplicate detection (``co-text``).

The pieces :func:`onevoice.detect.co_text.near_duplicate_items` is built from, each usable
on its own:

- :mod:`onevoice.detect.textnorm` (:func:`normalise_text`, :func:`normalise_texts`) and
  :mod:`onevoice.detect.shingles` (:func:`shingle_hashes`), re-exported here: the texts
  normalised, then their word and character shingles as stable 64-bit hashes.
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
- :class:`OnePermutationHasher`: the same estimate from *one* hash per shingle —
  one-permutation hashing (Li, Owen & Zhang 2012) with optimal densification
  (Shrivastava 2017): ``num_perm`` bins by hash range, a slot is its bin's minimum, an
  empty bin takes the value of the first non-empty bin of a fixed probe sequence. A slot
  agrees with probability equal to the Jaccard similarity; the spread is about that of
  ``num_perm`` independent functions (within 10 % for texts of 40 shingles, smaller for
  long ones; the tests check it). ``co-text`` uses it: half the signature time.
- :func:`lsh_params` and :meth:`MinHasher.band_hashes`: the banding of Leskovec, Rajaraman &
  Ullman, *Mining of Massive Datasets*, ch. 3.4: ``b`` bands of ``r`` slots; two texts are
  candidates when all ``r`` slots of some band agree, with probability ``1 − (1 − Jʳ)ᵇ``.
- :func:`components`: connected components of verified pairs (union–find by hooking the
  larger root under the smaller one, with pointer jumping), labelled by their smallest node.

Everything is vectorised: the Python loops run over shingle offsets (``k`` or ``w``), blocks
of hash functions, groups of texts and densification probes, never over shingles,
permutations or pairs; the one
exception is the visit of :func:`leader_groups`, sequential by nature, which steps through
each node's earlier neighbours in plain Python until it meets a leader.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from onevoice.detect.lsh import components, leader_groups, lsh_params
from onevoice.detect.shingles import fmix64, shingle_hashes, shingle_hashes_unordered
from onevoice.detect.textnorm import normalise_text, normalise_texts

__all__ = [
    "MERSENNE_61",
    "MinHasher",
    "OnePermutationHasher",
    "components",
    "fmix64",
    "leader_groups",
    "lsh_params",
    "normalise_text",
    "normalise_texts",
    "shingle_hashes",
    "shingle_hashes_unordered",
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
#: Odd multipliers (the 64-bit golden ratio and a CityHash prime; also the shingles').
_K_CHAR = np.uint64(0x9E3779B97F4A7C15)
_K_WORD = np.uint64(0x9AE16A3B2F90404F)
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
#: Densification attempts whose probes are tabled (most empty bins are filled by the
#: first: a tweet-length text fills about 70 % of 128 bins).
_PROBES = 8
#: Below this many shingles, one thread; above, blocks of functions go to threads.
_PARALLEL_MIN = 200_000


# -- MinHash -------------------------------------------------------------------------------
class _Keys:
    """Signature keys and LSH band hashes, shared by both hashers."""

    def __init__(self, num_perm: int) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be at least 1")
        self.num_perm = num_perm
        #: Per-slot salts of the band and signature keys (fixed: keys compare across seeds
        #: only through equal signatures, which needs equal seeds anyway).
        self._salt = fmix64(np.arange(1, num_perm + 1, dtype=np.uint64) * _K_CHAR)

    def keys(self, sig: U32) -> U64:
        """A 64-bit key per signature: equal signatures, equal keys."""
        mixed = fmix64(sig.astype(np.uint64) ^ self._salt[None, :])
        return fmix64(mixed.sum(axis=1, dtype=np.uint64))

    def band_multipliers(self, bands: int, rows: int) -> U64:
        """``(bands, rows)``: the odd multipliers of :meth:`band_hashes`."""
        if bands * rows > self.num_perm:
            raise ValueError("bands × rows exceeds num_perm")
        mult: U64 = (self._salt[: bands * rows] | np.uint64(1)).reshape(bands, rows)
        return mult

    def band_hashes(self, sig: U32, bands: int, rows: int) -> U64:
        """``(n, bands)``: one 64-bit hash per band of ``rows`` consecutive slots.

        A multilinear hash (``Σ mⱼ·sⱼ mod 2⁶⁴`` with fixed odd multipliers ``mⱼ``; Carter &
        Wegman 1979, Lemire & Kaser 2016), then MurmurHash3's finaliser per band: one
        multiplication a slot instead of a finaliser a slot. Two bands that differ collide
        about once in 2⁶³ (the slots are below 2³², so no difference is a multiple of
        2³²); a collision only adds a candidate pair, which verification then drops.
        """
        mult = self.band_multipliers(bands, rows)
        slots = sig[:, : bands * rows].reshape(len(sig), bands, rows)
        acc = slots[:, :, 0] * mult[:, 0]  # uint64: a sum over the short axis is slow
        for j in range(1, rows):
            acc += slots[:, :, j] * mult[:, j]
        return fmix64(acc)


class MinHasher(_Keys):
    """``num_perm`` universal hash functions drawn from ``default_rng(seed)``.

    Args:
        num_perm: signature length (hash functions).
        seed: the same seed gives the same functions, hence the same signatures.
        threads: worker threads for large batches (numpy releases the GIL); ``None``: the
            CPU count, at most 4. The result does not depend on it.
    """

    def __init__(self, num_perm: int = 128, seed: int = 0, threads: int | None = None) -> None:
        super().__init__(num_perm)
        rng = np.random.default_rng(seed)
        self.a = rng.integers(1, MERSENNE_61, size=num_perm, dtype=np.uint64)
        self.b = rng.integers(0, MERSENNE_61, size=num_perm, dtype=np.uint64)
        self._a_lo = self.a & _LOW32
        self._a_hi = self.a >> np.uint64(32)
        self.threads = threads or min(os.cpu_count() or 1, 4)

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


class OnePermutationHasher(_Keys):
    """One-permutation MinHash with optimal densification: ``num_perm`` slots from *one*
    hash per shingle.

    Li, Owen & Zhang (2012, *One Permutation Hashing*, NeurIPS) split the range of one hash
    function into ``k = num_perm`` equal bins and keep, per bin, the minimum of the text's
    shingle hashes that fall in it; a bin that no shingle of the text falls in is *empty*.
    Shrivastava (2017, *Optimal Densification for Fast and Accurate Minwise Hashing*,
    ICML) fills each empty bin ``i`` with the value of the first non-empty bin of the
    sequence ``h(i, 1), h(i, 2), …`` (a hash of the bin and the attempt, the same for every
    text). The probability that two texts' slot ``i`` agrees is then exactly their Jaccard
    similarity, as with ``k`` independent functions, and the estimate's variance is close
    to theirs (Shrivastava 2017, Theorem 3.1): the fraction of equal slots estimates the
    Jaccard similarity of the shingle sets, and LSH banding works on the slots as on
    :class:`MinHasher`'s. The cost is one hash and one minimum per shingle instead of
    ``k``.

    Each shingle hash ``x`` (from :func:`shingle_hashes`) is mixed with the seed,
    ``g = fmix64(x ⊕ salt(seed))``; its bin is ``⌊(g >> 32)·k / 2³²⌋`` (the top 32 bits
    by range) and its value the low 32 bits. A slot is the minimum value of its bin, or
    the densified one. Two different bins' minima come from different shingles, so a
    slot filled from another bin agrees with a slot of the other text only if both took
    the same bin's minimum (or, with probability 2⁻³², by chance).

    Args:
        num_perm: signature length (bins).
        seed: the same seed gives the same signatures.
        threads: accepted for the interface of :class:`MinHasher`; one batch is one pass
            of numpy calls, so batches, not slots, are what callers run in threads.
    """

    def __init__(self, num_perm: int = 128, seed: int = 0, threads: int | None = None) -> None:
        super().__init__(num_perm)
        self.seed = seed
        self.threads = threads or min(os.cpu_count() or 1, 4)
        mix = fmix64(np.array([seed & 0xFFFFFFFFFFFFFFFF, 0x5EED], dtype=np.uint64) * _K_WORD)
        self._mix = np.uint64(mix[0])
        self._probe = np.uint64(mix[1] ^ mix[0])
        #: The probes of the first attempts: row ``a``, the bin each empty bin looks at in
        #: attempt ``a + 1``.
        every = np.arange(num_perm, dtype=np.intp)
        self._probes = np.stack([self.probe(every, a) for a in range(1, _PROBES + 1)])

    def signatures(self, hashes: U64, owners: I64, n: int) -> U32:
        """The ``(n, num_perm)`` signatures of ``n`` texts from :func:`shingle_hashes`'s
        output; a text with no shingle gets the all-``2³²−1`` signature. ``owners`` need
        not be sorted; repeated shingles change nothing."""
        k = self.num_perm
        out = np.full(n * k, np.iinfo(np.uint32).max, dtype=np.uint32)
        if len(hashes) == 0:
            return out.reshape(n, k)
        g = fmix64(hashes ^ self._mix)
        if k > 1 and k & (k - 1) == 0:  # the same bins as below, in fewer steps
            bins = (g >> np.uint64(64 - k.bit_length() + 1)).astype(np.intp)
        else:
            bins = (((g >> _S32) * np.uint64(k)) >> _S32).astype(np.intp)
        cells = owners * k
        cells += bins
        np.minimum.at(out, cells, g.astype(np.uint32))  # the low 32 bits
        filled = np.zeros(n * k, dtype=bool)
        filled[cells] = True
        some = np.zeros(n, dtype=bool)
        some[owners] = True
        # Each empty bin probes bins until it meets a non-empty one (flat indexes: a row's
        # bins are k apart); the probes of the first attempts come from a table.
        empty = np.flatnonzero(~filled.reshape(n, k) & some[:, None])
        cols = empty % k
        row0 = empty - cols
        attempt = 0
        while len(empty):
            attempt += 1
            if attempt <= _PROBES:
                donor = row0 + self._probes[attempt - 1][cols]
            else:  # rare: a text with few non-empty bins
                donor = row0 + self.probe(cols, attempt)
            ok = filled[donor]
            out[empty[ok]] = out[donor[ok]]
            keep = ~ok
            empty, row0, cols = empty[keep], row0[keep], cols[keep]
        return out.reshape(n, k)

    def compiled_signatures(
        self, texts: list[str], *, char_shingle: int = 5, word_shingle: int = 3
    ) -> tuple[U64, U32]:
        """``(keys, signatures)`` of normalised ``texts`` in one compiled pass
        (:func:`onevoice.detect.cotext_kernels.code_point_signatures`): bit for bit
        ``keys(sig)`` and ``sig = signatures(*shingle_hashes_unordered(texts), len(texts))``,
        without the arrays of shingles."""
        lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), np.uint32)
        return self.code_point_signatures(
            cps, lens, char_shingle=char_shingle, word_shingle=word_shingle
        )

    def code_point_signatures(
        self,
        cps: U32,
        lens: I64,
        *,
        char_shingle: int = 5,
        word_shingle: int = 3,
        out: U32 | None = None,
    ) -> tuple[U64, U32]:
        """:meth:`compiled_signatures` of the normalised texts whose code points are
        ``cps``, one after another, ``lens[i]`` for text ``i`` (as
        :func:`~onevoice.detect.textnorm.normalised_code_points` gives them), written
        into ``out`` (``(len(lens), num_perm)``, C-ordered) if given."""
        from onevoice.detect import cotext_kernels

        return cotext_kernels.code_point_signatures(
            cps,
            lens,
            char_shingle=char_shingle,
            word_shingle=word_shingle,
            num_perm=self.num_perm,
            mix=self._mix,
            probes=self._probes,
            probe_salt=self._probe,
            key_salt=self._salt,
            out=out,
        )

    def probe(self, bins: npt.NDArray[np.intp], attempt: int) -> npt.NDArray[np.intp]:
        """The bin that empty ``bins`` look at in ``attempt`` (1, 2, …): a hash of the bin
        and the attempt, reduced to ``[0, num_perm)`` by range, the same for every text."""
        step = np.uint64(attempt * int(_K_WORD) & 0xFFFFFFFFFFFFFFFF)
        x = bins.astype(np.uint64) * _K_CHAR + step
        h = fmix64(x ^ self._probe)
        return (((h >> _S32) * np.uint64(self.num_perm)) >> _S32).astype(np.intp)


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
