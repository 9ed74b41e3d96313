"""Compiled leader grouping of ``co-text``'s verified pairs: the labels of the reference.

:func:`onevoice.detect.lsh.leader_groups` visits the nodes by decreasing degree (ties by
index); each joins its earliest earlier neighbour that leads a group, or else the group of
its earliest earlier neighbour next to its leader, or else leads. Here the same visit
runs as loops compiled by numba, in passes over the bands' pair arrays
(:func:`onevoice.detect.lsh_kernels.verified_pairs`): degrees, the visiting order (a
counting sort), the pairs bucketed by their later rank (a counting sort: no order inside a
rank is needed), the visit. The pairs are never concatenated or sorted; tests compare the
labels with the plain-Python reference.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from onevoice.detect.cotext_kernels import _JIT

__all__ = ["leader_visit", "pair_leaders"]

I64 = npt.NDArray[np.int64]


@numba.njit(**_JIT)
def _add_degrees(pairs: Any, n: int, degree: Any) -> None:
    for p in pairs:
        degree[p // n] += 1
        degree[p % n] += 1


@numba.njit(**_JIT)
def _visiting_order(degree: Any) -> Any:
    """Nodes by decreasing degree, ties by index (a counting sort), and each one's rank."""
    n = len(degree)
    top = degree.max() if n > 0 else 0
    place = np.zeros(top + 2, dtype=np.int64)
    for d in degree:
        place[top - d + 1] += 1
    for k in range(top + 1):
        place[k + 1] += place[k]
    order = np.empty(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    for i in range(n):
        k = top - degree[i]
        order[place[k]] = i
        rank[i] = place[k]
        place[k] += 1
    return order, rank


@numba.njit(**_JIT)
def _count_later(pairs: Any, n: int, rank: Any, first: Any) -> None:
    """Count each edge under its later rank, and rewrite it in place in ranks:
    ``later·n + earlier``."""
    for i in range(len(pairs)):
        a = rank[pairs[i] // n]
        b = rank[pairs[i] % n]
        hi = max(a, b)
        first[hi + 1] += 1
        pairs[i] = hi * n + min(a, b)


@numba.njit(**_JIT)
def _fill_earlier(ranked: Any, n: int, fill: Any, earlier: Any) -> None:
    for p in ranked:
        hi = p // n
        earlier[fill[hi]] = p % n
        fill[hi] += 1


@numba.njit(**_JIT)
def _visit(n: int, first: Any, earlier: Any) -> Any:
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


def _ranked_visit(n: int, parts: list[I64], rank: I64) -> I64:
    """The visit's labels (by rank) over the edges ``parts`` (``u·n + v``, rewritten in
    place) with nodes ranked ``rank``: each edge under its later rank (a counting sort,
    in passes over the parts, which are not concatenated; no order inside a rank is
    needed), 4 bytes an edge besides the parts."""
    first = np.zeros(n + 1, dtype=np.int64)
    for part in parts:
        _count_later(part, n, rank, first)
    np.cumsum(first, out=first)
    fill = first[:-1].copy()
    earlier = np.empty(int(first[-1]), dtype=np.int32 if n < 2**31 else np.int64)
    for part in parts:
        _fill_earlier(part, n, fill, earlier)
    label: I64 = _visit(n, first, earlier)
    return label


def leader_visit(n: int, a: I64, b: I64) -> I64:
    """The labels (by visiting rank) of :func:`~onevoice.detect.lsh.leader_groups`' visit,
    from its edges as visiting ranks ``a[i]–b[i]``. Each rank ``j`` in turn joins its
    earliest earlier neighbour that leads a group, or else the group of its earliest
    earlier neighbour next to its leader, or else leads: the earliest, not the first of a
    sorted list, so the edges are only bucketed by their later rank (a counting sort)."""
    pairs = np.asarray(a, dtype=np.int64) * n + np.asarray(b, dtype=np.int64)
    return _ranked_visit(n, [pairs], np.arange(n, dtype=np.int64))


def pair_leaders(n: int, parts: list[I64]) -> I64:
    """:func:`~onevoice.detect.lsh.leader_groups` of ``n`` nodes over the edges in
    ``parts`` (arrays of ``u·n + v``, each edge once, in any order; they are overwritten):
    the same labels, from
    compiled passes over the parts — degrees, the visiting order (decreasing degree, ties
    by index: a counting sort), the edges bucketed by later rank, the visit — with no
    concatenated copy of the edges (at 10M posts there are about 120 million)."""
    degree = np.zeros(n, dtype=np.int64)
    for part in parts:
        _add_degrees(part, n, degree)
    order, rank = _visiting_order(degree)
    del degree
    label = _ranked_visit(n, parts, rank)
    out: I64 = order[label[rank]]
    return out
