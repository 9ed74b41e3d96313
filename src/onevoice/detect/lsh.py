"""Banding, and grouping the verified near-duplicate pairs, for ``co-text``.

- :func:`lsh_params`: the banding of Leskovec, Rajaraman & Ullman, *Mining of Massive
  Datasets*, ch. 3.4: ``b`` bands of ``r`` slots; two texts are candidates when all ``r``
  slots of some band agree, with probability ``1 − (1 − Jʳ)ᵇ``.
- :func:`components`: connected components of verified pairs (union–find by hooking the
  larger root under the smaller one, with pointer jumping), labelled by their smallest node.
- :func:`leader_groups`: leader ("star") groups of radius two, so templated texts cannot
  chain into one giant component.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = ["components", "leader_groups", "lsh_params"]

I64 = npt.NDArray[np.int64]


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


def leader_groups(n: int, left: I64, right: I64, *, compiled: bool = True) -> I64:
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
        compiled: visit in the compiled loop of
            :func:`onevoice.detect.leader_kernels.leader_visit` (the default) or in
            plain Python; the groups are the same.

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
    if compiled:
        from onevoice.detect.leader_kernels import leader_visit

        return order[leader_visit(n, a, b)[rank]]
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
