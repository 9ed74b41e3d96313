"""One-permutation MinHash with optimal densification, and the cheap filters of ``co-text``.

What must hold: the numpy signatures are those of the method written out plainly (one hash
per shingle, bins by hash range, the minimum per bin, each empty bin filled from the first
non-empty bin of its probe sequence); the fraction of equal slots estimates the Jaccard
similarity without bias and with about the binomial spread; a text's signature depends on
its shingle set only (not their order, repeats or the other texts of the batch) and on the
seed; the unordered shingles are the ordered ones; the band hashes and the low-bit filter
never separate what is equal; the batch normaliser gives each text's normalisation.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import onevoice.detect.lsh_groups as ct
from onevoice.detect.minhash import (
    OnePermutationHasher,
    fmix64,
    normalise_text,
    normalise_texts,
    shingle_hashes,
    shingle_hashes_unordered,
)

M64 = (1 << 64) - 1


def _fmix(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & M64
    return h ^ (h >> 33)


def _reference(hasher: OnePermutationHasher, shingles: list[int]) -> list[int]:
    """The signature of one text, by the definition (plain Python integers)."""
    k = hasher.num_perm
    mix = int(hasher._mix)
    bins: list[int | None] = [None] * k
    for x in shingles:
        g = _fmix(x ^ mix)
        b = ((g >> 32) * k) >> 32
        v = g & 0xFFFFFFFF
        current = bins[b]
        bins[b] = v if current is None else min(current, v)
    if not shingles:
        return [2**32 - 1] * k
    out = []
    for i in range(k):
        attempt, donor = 0, i
        while bins[donor] is None:
            attempt += 1
            donor = int(hasher.probe(np.array([i], dtype=np.intp), attempt)[0])
        value = bins[donor]
        assert value is not None
        out.append(value)
    return out


@pytest.mark.parametrize("num_perm", [128, 100, 16, 2, 1])
def test_signatures_follow_the_definition(num_perm: int) -> None:
    rng = np.random.default_rng(3)
    sizes = [0, 1, 3, 20, 60, 200, 0, 5]
    texts = [rng.integers(0, 2**64 - 1, s, dtype=np.uint64) for s in sizes]
    hashes = np.concatenate(texts)
    owners = np.repeat(np.arange(len(sizes)), sizes)
    hasher = OnePermutationHasher(num_perm, seed=7)
    sig = hasher.signatures(hashes, owners, len(sizes))
    assert sig.shape == (len(sizes), num_perm) and sig.dtype == np.uint32
    for i, t in enumerate(texts):
        assert sig[i].tolist() == _reference(hasher, [int(x) for x in t])


def test_a_text_with_one_shingle_has_it_in_every_slot() -> None:
    hasher = OnePermutationHasher(128, seed=0)
    sig = hasher.signatures(np.array([12345], dtype=np.uint64), np.array([0]), 1)
    assert len(set(sig[0].tolist())) == 1  # every empty bin found the one non-empty bin


def test_signatures_depend_on_the_shingle_set_and_the_seed_only() -> None:
    rng = np.random.default_rng(9)
    hashes = rng.integers(0, 2**64 - 1, 30_000, dtype=np.uint64)
    owners = np.sort(rng.integers(0, 400, 30_000))
    hasher = OnePermutationHasher(128, seed=1)
    base = hasher.signatures(hashes, owners, 400)
    # order, repeats, and the other texts of the batch change nothing
    perm = rng.permutation(len(hashes))
    assert (hasher.signatures(hashes[perm], owners[perm], 400) == base).all()
    twice = np.concatenate([hashes, hashes[::3]])
    assert (hasher.signatures(twice, np.concatenate([owners, owners[::3]]), 400) == base).all()
    mine = owners == 17
    alone = hasher.signatures(hashes[mine], np.zeros(int(mine.sum()), dtype=np.int64), 1)
    assert (alone[0] == base[17]).all()
    assert (
        OnePermutationHasher(128, seed=1, threads=3).signatures(hashes, owners, 400) == base
    ).all()
    assert (OnePermutationHasher(128, seed=2).signatures(hashes, owners, 400) != base).mean() > 0.9


@pytest.mark.parametrize("size", [40, 150])
def test_equal_slots_estimate_the_jaccard_similarity(size: int) -> None:
    """Unbiased (Shrivastava 2017: a slot agrees with probability J exactly), with about the
    spread of ``num_perm`` independent functions, √(J(1−J)/k), also for short texts whose
    bins are mostly empty and filled by densification."""
    rng = np.random.default_rng(11)
    hasher = OnePermutationHasher(128, seed=0)
    for similarity in (0.5, 0.7, 0.8):
        errors = []
        for _ in range(300):
            pool = rng.integers(0, 2**64 - 1, 2 * size, dtype=np.uint64)
            shared = int(similarity * size)
            half = (size - shared) // 2
            a = pool[: shared + half]
            b = np.concatenate([pool[:shared], pool[shared + half : size]])
            owners = np.repeat([0, 1], [len(a), len(b)])
            sig = hasher.signatures(np.concatenate([a, b]), owners, 2)
            errors.append(float((sig[0] == sig[1]).mean()) - shared / size)
        spread = np.sqrt(similarity * (1 - similarity) / 128)
        assert abs(np.mean(errors)) < 0.01
        assert np.std(errors) < 1.25 * spread


def test_unordered_shingles_are_the_ordered_ones() -> None:
    texts = ["the same words here", "", "x", "中文的句子没有空格", "a b c d e f g", "naïve café"]
    ordered, o_owners = shingle_hashes(texts, char_shingle=4, word_shingle=2)
    loose, l_owners = shingle_hashes_unordered(texts, char_shingle=4, word_shingle=2)
    assert sorted(zip(o_owners.tolist(), ordered.tolist(), strict=True)) == sorted(
        zip(l_owners.tolist(), loose.tolist(), strict=True)
    )


def test_band_hashes_are_multilinear_and_separate_bands() -> None:
    rng = np.random.default_rng(2)
    sig = rng.integers(0, 2**32, (50, 32), dtype=np.uint64).astype(np.uint32)
    sig[1, :8] = sig[0, :8]  # the same first two bands of 4
    hasher = OnePermutationHasher(32, seed=0)
    bands = hasher.band_hashes(sig, 8, 4)
    assert bands[0, 0] == bands[1, 0] and bands[0, 1] == bands[1, 1]
    assert (bands[0, 2:] != bands[1, 2:]).all()
    assert len(np.unique(bands)) == bands.size - 2
    mult = [int(m) | 1 for m in hasher._salt]
    for i in (0, 7):
        for b in range(8):
            acc = sum(mult[b * 4 + j] * int(sig[i, b * 4 + j]) for j in range(4)) & M64
            assert int(bands[i, b]) == int(fmix64(np.array([acc], dtype=np.uint64))[0])


@pytest.mark.parametrize("bits", [2, 4])
@pytest.mark.parametrize("width", [128, 100, 7])
def test_equal_low_bits_bound_the_equal_slots(width: int, bits: int) -> None:
    rng = np.random.default_rng(width)
    base = rng.integers(0, 2**32, (40, width), dtype=np.uint64).astype(np.uint32)
    sigs = np.concatenate([base, np.where(rng.random(base.shape) < 0.3, base ^ 16, base)])
    sigs = np.concatenate([sigs, np.where(rng.random(base.shape) < 0.5, base + 1, base)])
    left, right = rng.integers(0, len(sigs), 500), rng.integers(0, len(sigs), 500)
    left[:40], right[:40] = np.arange(40), np.arange(40) + 40
    packed = ct._low_bits(sigs, bits)
    got = ct._equal_low_bits(packed, left, right, width, bits)
    mask = (1 << bits) - 1
    expected = ((sigs[left] & mask) == (sigs[right] & mask)).sum(axis=1)
    assert got.tolist() == expected.tolist()
    assert (got >= ct._equal_slots(sigs, left, right)).all()


# -- the batch normaliser ---------------------------------------------------------------------
_PIECES = st.sampled_from(
    [
        " ",
        "  ",
        "\t",
        "\n",
        "\u00a0",
        "\u2028",
        "0",
        "00",
        "٣",
        "!",
        "#tag",
        "@bob",
        "a@b.c",
        "https://t.co/x",
        "www.x.org/a",
        "news.example.com/p",
        "\ufe0f",
        "\u20dd",
        "🚨",
        "👍🏽",
        "ﬁ",
        "Straße",
        "ΣΑΣ",
        "é",
        "e\u0301",
        "中文",
        "\u0915\u093f",
        "\ue000",
        "\x00",
        "İ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=12).map("".join)))
def test_normalise_texts_is_normalise_text_of_each(texts: list[str]) -> None:
    expected = [normalise_text(t) for t in texts]
    assert normalise_texts(texts) == expected
    assert normalise_texts(texts, compiled=False) == expected


def test_normalise_texts_of_a_batch_with_a_private_use_character() -> None:
    texts = ["A\ue000B  0 00", "x", "", "🚨 RT @bob: Leaked!! https://t.co/x #G20 in 2025…"]
    assert normalise_texts(texts) == ["a b 0 0", "x", "", "rt leaked g0 in 0"]
    assert normalise_texts(texts, compiled=False) == normalise_texts(texts)
    assert normalise_texts([]) == []
