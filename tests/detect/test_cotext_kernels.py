"""The compiled kernels of ``co-text`` give what the numpy reference gives, bit for bit.

Signatures and keys (:func:`onevoice.detect.cotext_kernels.code_point_signatures` against
:func:`shingle_hashes_unordered` + :meth:`OnePermutationHasher.signatures`), on random
texts in several scripts, lengths around the shingle sizes, odd and power-of-two slot
counts; the grouping (:func:`onevoice.detect.lsh_groups.group_signatures`) on signatures with big
buckets; and the whole near-duplicate table on the demo data.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import onevoice.detect.lsh_groups as lsh_groups
from onevoice.detect import leader_kernels, lsh_kernels
from onevoice.detect.lsh import leader_groups
from onevoice.detect.minhash import OnePermutationHasher, shingle_hashes_unordered
from onevoice.store import Store
from tests.detect.test_co_text import _table, demo, multilingual  # noqa: F401

_ALPHABET = st.sampled_from(list("ab cdé 中文 مر 0\ue000\U0001f600ßİ"))


def _reference(
    hasher: OnePermutationHasher, texts: list[str], k: int, w: int
) -> tuple[np.ndarray, np.ndarray]:
    hashes, owners = shingle_hashes_unordered(texts, char_shingle=k, word_shingle=w)
    sig = hasher.signatures(hashes, owners, len(texts))
    return hasher.keys(sig), sig


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(_ALPHABET, max_size=40), max_size=12),
    k=st.integers(1, 7),
    w=st.integers(1, 4),
    num_perm=st.sampled_from([1, 7, 16, 100, 128]),
    seed=st.integers(0, 2**64 - 1),
)
def test_compiled_signatures_are_the_reference(
    texts: list[str], k: int, w: int, num_perm: int, seed: int
) -> None:
    hasher = OnePermutationHasher(num_perm, seed)
    keys, sig = hasher.compiled_signatures(texts, char_shingle=k, word_shingle=w)
    ref_keys, ref_sig = _reference(hasher, texts, k, w)
    assert sig.dtype == np.uint32 and sig.shape == (len(texts), num_perm)
    assert np.array_equal(sig, ref_sig)
    assert np.array_equal(keys, ref_keys)


def test_compiled_signatures_of_tweet_length_texts() -> None:
    rng = np.random.default_rng(3)
    words = ["g20", "summit", "cancelled", "ministers", "sommet", "annulé", "قمة", "峰会", "x"]
    texts = [" ".join(rng.choice(words, int(rng.integers(0, 40)))) for _ in range(3000)]
    hasher = OnePermutationHasher(128, seed=9)
    keys, sig = hasher.compiled_signatures(texts)
    ref_keys, ref_sig = _reference(hasher, texts, 5, 3)
    assert np.array_equal(sig, ref_sig) and np.array_equal(keys, ref_keys)
    assert len(np.unique(keys)) > 2000  # the test sees distinct signatures


@pytest.mark.parametrize("anchors", [2, 5, 100])
def test_compiled_grouping_is_the_reference(monkeypatch: pytest.MonkeyPatch, anchors: int) -> None:
    """Buckets larger than the anchors, pairs found in many bands, pairs just above and
    below the threshold: the same leader groups either way."""
    monkeypatch.setattr(lsh_groups, "BUCKET_ANCHORS", anchors)
    rng = np.random.default_rng(anchors)
    base = rng.integers(0, 2**32, (30, 64), dtype=np.uint64).astype(np.uint32)
    sigs = base[rng.integers(0, 30, 600)]
    edits = rng.random(sigs.shape) < rng.choice([0.05, 0.25, 0.4], (len(sigs), 1))
    sigs = np.where(edits, rng.integers(0, 2**32, sigs.shape, dtype=np.uint64), sigs)
    sigs = np.unique(sigs.astype(np.uint32), axis=0)
    hasher = OnePermutationHasher(64, seed=1, threads=2)
    bands, rows = 12, 5
    ref = lsh_groups.group_signatures(sigs, hasher, bands, rows, 0.7, compiled=False)
    got = lsh_groups.group_signatures(sigs, hasher, bands, rows, 0.7, compiled=True)
    assert got.tolist() == ref.tolist()
    assert len(np.unique(ref)) < len(sigs) - 50  # real groups


def test_compiled_table_is_the_reference(multilingual: Store) -> None:  # noqa: F811
    ref = _table(multilingual, compiled=False)
    assert ref and _table(multilingual, compiled=True) == ref


def test_compiled_table_on_the_demo_is_the_reference(demo: Store) -> None:  # noqa: F811
    ref = _table(demo, compiled=False)
    assert len(ref) > 100 and _table(demo, compiled=True) == ref


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_leaders_are_the_leader_groups(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    u = rng.integers(0, n, 3000)
    v = rng.integers(0, n, 3000)
    pairs = np.unique(np.minimum(u, v) * n + np.maximum(u, v))
    pairs = pairs[pairs // n != pairs % n]
    expected = leader_groups(n, pairs // n, pairs % n, compiled=False)
    shuffled = rng.permutation(pairs)
    parts = [shuffled[:1000], shuffled[1000:1000], shuffled[1000:]]
    assert leader_kernels.pair_leaders(n, parts).tolist() == expected.tolist()
    assert leader_kernels.pair_leaders(n, [pairs[:0]]).tolist() == list(range(n))
    assert leader_kernels.pair_leaders(n, []).tolist() == list(range(n))


def test_bucket_keys_put_the_ties_in_index_order() -> None:
    rng = np.random.default_rng(4)
    hashes = rng.integers(0, 50, 5000).astype(np.uint64)
    stable = np.argsort(hashes, kind="stable")
    order = np.argsort(hashes)  # not stable: ties in any order
    keys = lsh_kernels.bucket_keys(order, hashes[order], 3)
    assert order.tolist() == stable.tolist()
    assert keys.tolist() == lsh_kernels.bucket_keys(stable.copy(), hashes[stable], 3).tolist()


@pytest.mark.parametrize("compiled", [True, False])
def test_grouping_reads_the_signatures_where_they_are(compiled: bool) -> None:
    """Node ``i``'s signature in row ``where[i]`` of a larger array: the same groups as
    the rows gathered in node order (co-text leaves them where they were computed)."""
    rng = np.random.default_rng(8)
    base = rng.integers(0, 2**32, (20, 64), dtype=np.uint64).astype(np.uint32)
    sigs = base[rng.integers(0, 20, 300)]
    edits = rng.random(sigs.shape) < 0.15
    sigs = np.unique(np.where(edits, 7, sigs).astype(np.uint32), axis=0)
    where = rng.permutation(len(sigs) + 100)[: len(sigs)]
    spread = rng.integers(0, 2**32, (len(sigs) + 100, 64), dtype=np.uint64).astype(np.uint32)
    spread[where] = sigs
    hasher = OnePermutationHasher(64, seed=1, threads=2)
    expected = lsh_groups.group_signatures(sigs, hasher, 12, 5, 0.7, compiled=compiled)
    got = lsh_groups.group_signatures(spread, hasher, 12, 5, 0.7, where=where, compiled=compiled)
    assert got.tolist() == expected.tolist()
    assert len(np.unique(expected)) < len(sigs) - 30  # real groups


@pytest.mark.parametrize("num_perm", [63, 65, 17])
def test_compiled_grouping_with_an_odd_signature_length(num_perm: int) -> None:
    rng = np.random.default_rng(num_perm)
    base = rng.integers(0, 2**32, (15, num_perm), dtype=np.uint64).astype(np.uint32)
    sigs = base[rng.integers(0, 15, 200)]
    sigs = np.unique(np.where(rng.random(sigs.shape) < 0.1, 3, sigs).astype(np.uint32), axis=0)
    hasher = OnePermutationHasher(num_perm, seed=2, threads=2)
    bands, rows = 8, num_perm // 8
    ref = lsh_groups.group_signatures(sigs, hasher, bands, rows, 0.7, compiled=False)
    got = lsh_groups.group_signatures(sigs, hasher, bands, rows, 0.7, compiled=True)
    assert got.tolist() == ref.tolist()
    assert len(np.unique(ref)) < len(sigs) - 20
