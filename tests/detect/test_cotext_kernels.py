"""The compiled kernels of ``co-text`` give what the numpy reference gives, bit for bit.

Signatures and keys (:func:`onevoice.detect.cotext_kernels.signatures` against
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
