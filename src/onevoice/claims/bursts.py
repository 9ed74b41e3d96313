"""Kleinberg's two-state burst detection for batched arrivals.

Method (Kleinberg 2003, §4 "Enumerating bursts"): time is cut into bins; in bin ``t`` there
are ``d_t`` events in all, ``r_t`` of them relevant (posts with a hashtag, among all posts).
A hidden automaton is in state 0 (base rate ``p0 = R / D``, the share of relevant events
over the whole series) or state 1 (burst rate ``p1 = s · p0``). The cost of state ``i`` in
bin ``t`` is the negative log-likelihood of the bin under the binomial model::

    cost_i(t) = −ln( C(d_t, r_t) · p_i^r_t · (1 − p_i)^(d_t − r_t) )

Going up from state 0 to state 1 costs ``γ · ln n`` (``n`` = number of bins); going down is
free. The optimal state sequence minimises the summed costs and is found exactly by the
Viterbi recursion (a loop over bins, vectorised over many series at once; no recursion).
A *burst* is a maximal run of state 1; its *weight* is ``Σ (cost_0 − cost_1)`` over the
run, the log-likelihood ratio of burst rate against base rate for those bins (Kleinberg's
burst weight). In the optimal sequence every burst has weight ≥ ``γ · ln n``.

Parameters:

- ``s`` (> 1, default 2): how much more frequent relevant events are during a burst. Higher
  ``s`` asks for sharper rises. ``p1`` is capped at ``1 − (1 − p0) / s`` so it stays below 1
  (a burst then at most divides the share of *other* events by ``s``).
- ``gamma`` (≥ 0, default 1): the price of entering a burst, in units of ``ln n``. Higher
  ``gamma`` gives fewer and shorter bursts; 0 makes every locally denser bin a burst.

The binomial coefficient is the same in both states, so it changes neither the optimal
sequence nor the weights; it is left out of the computation. Bins with ``d_t = 0`` cost
nothing in either state (they are "not observed"). A series with no relevant events, or
with only relevant events (``p0`` = 0 or 1), has no bursts.

References:
    J. Kleinberg, "Bursty and Hierarchical Structure in Streams", Proc. KDD 2002;
    Data Mining and Knowledge Discovery 7(4):373–397, 2003.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from onevoice.errors import UsageError

__all__ = ["Burst", "burst_states", "bursts_for_counts", "bursts_for_matrix"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ArrayLike = Sequence[int] | Sequence[Sequence[int]] | npt.NDArray[np.integer]


@dataclass(frozen=True)
class Burst:
    """One maximal run of the burst state.

    Attributes:
        start: index of the first bin of the burst.
        end: index of the last bin of the burst (inclusive).
        weight: Kleinberg's burst weight, ``Σ (cost_0 − cost_1)`` over the run (nats).
        posts: relevant events in the burst, ``Σ r_t``.
        total: all events in the burst's bins, ``Σ d_t``.
        expected: relevant events the base rate predicts there, ``p0 · Σ d_t``.
    """

    start: int
    end: int
    weight: float
    posts: int
    total: int
    expected: float


def _check(counts: ArrayLike, totals: ArrayLike, s: float, gamma: float) -> tuple[IntArray, ...]:
    if not s > 1 or not math.isfinite(s):
        raise UsageError(f"bad burst rate s={s}", hint="s must be a number greater than 1")
    if not gamma >= 0 or not math.isfinite(gamma):
        raise UsageError(f"bad gamma={gamma}", hint="gamma must be a number ≥ 0")
    r = np.asarray(counts, dtype=np.int64)
    d = np.asarray(totals, dtype=np.int64)
    if r.ndim == 1:
        r = r[None, :]
    if d.ndim == 1:
        d = d[None, :]
    if r.ndim != 2 or d.ndim != 2 or d.shape[1] != r.shape[1] or d.shape[0] not in (1, r.shape[0]):
        raise UsageError(
            f"counts of shape {np.shape(counts)} do not fit totals of shape {np.shape(totals)}",
            hint="one total per bin, or one row of totals per series",
        )
    d = np.broadcast_to(d, r.shape)
    if (r < 0).any() or (r > d).any():
        raise UsageError(
            "burst counts must satisfy 0 ≤ relevant ≤ total in every bin",
            hint="totals count all events of a bin, relevant ones included",
        )
    return r, d


def _costs(r: IntArray, d: IntArray, s: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-bin costs of state 0 and state 1 (without the binomial term), and ``p0``."""
    rel = r.sum(axis=1).astype(np.float64)
    tot = d.sum(axis=1).astype(np.float64)
    p0 = np.divide(rel, tot, out=np.zeros_like(rel), where=tot > 0)
    can_burst = (p0 > 0) & (p0 < 1)
    q0 = np.where(can_burst, p0, 0.5)  # placeholder rates where no burst is possible
    q1 = np.minimum(s * q0, 1.0 - (1.0 - q0) / s)
    rf = r.astype(np.float64)
    miss = (d - r).astype(np.float64)
    cost0 = -(rf * np.log(q0)[:, None] + miss * np.log1p(-q0)[:, None])
    cost1 = -(rf * np.log(q1)[:, None] + miss * np.log1p(-q1)[:, None])
    cost1 = np.where(can_burst[:, None], cost1, cost0)
    return cost0, cost1, p0


def _viterbi(cost0: FloatArray, cost1: FloatArray, up: float) -> npt.NDArray[np.int8]:
    """Optimal 0/1 state sequences of many series at once (rows), by dynamic programming.

    The automaton starts in state 0. Ties go to state 0 at the end, to "stay in the burst"
    rather than "enter a new one" for state 1, and to state 0 for state 0: fewer bursts.
    """
    n_series, n_bins = cost0.shape
    from1_to0 = np.zeros((n_series, n_bins), dtype=bool)  # best predecessor of 0 is 1
    from1_to1 = np.zeros((n_series, n_bins), dtype=bool)  # best predecessor of 1 is 1
    acc0 = cost0[:, 0].copy()
    acc1 = cost1[:, 0] + up
    for t in range(1, n_bins):
        b0 = acc1 < acc0
        b1 = acc1 <= acc0 + up
        from1_to0[:, t] = b0
        from1_to1[:, t] = b1
        new0 = np.where(b0, acc1, acc0) + cost0[:, t]
        acc1 = np.where(b1, acc1, acc0 + up) + cost1[:, t]
        acc0 = new0
    states = np.zeros((n_series, n_bins), dtype=np.int8)
    state = acc1 < acc0
    for t in range(n_bins - 1, -1, -1):
        states[:, t] = state
        if t:
            state = np.where(state, from1_to1[:, t], from1_to0[:, t])
    return states


def burst_states(
    counts: ArrayLike, totals: ArrayLike, *, s: float = 2.0, gamma: float = 1.0
) -> npt.NDArray[np.int8]:
    """The optimal state (0 base, 1 burst) of every bin.

    Args:
        counts: relevant events per bin, ``r_t``; one series, or one row per series.
        totals: all events per bin, ``d_t``; one row for all series, or one per series.
        s: burst rate as a multiple of the base rate (> 1).
        gamma: cost of entering a burst, in units of ``ln(number of bins)`` (≥ 0).

    Returns:
        An ``int8`` array shaped like ``counts`` (2-D if ``counts`` is).

    Raises:
        UsageError: bad ``s`` or ``gamma``, shapes that do not fit, or ``r_t > d_t``.
    """
    r, d = _check(counts, totals, s, gamma)
    if r.shape[1] == 0:
        states = np.zeros(r.shape, dtype=np.int8)
    else:
        cost0, cost1, _ = _costs(r, d, s)
        states = _viterbi(cost0, cost1, gamma * math.log(r.shape[1]))
    return states[0] if np.ndim(counts) == 1 else states


def bursts_for_matrix(
    counts: ArrayLike, totals: ArrayLike, *, s: float = 2.0, gamma: float = 1.0
) -> list[list[Burst]]:
    """Bursts of many series on the same bins (one row each), in bin order per row.

    Args:
        counts: relevant events, shape ``(series, bins)``.
        totals: all events, shape ``(bins,)`` (shared) or ``(series, bins)``.
        s: burst rate as a multiple of the base rate (> 1).
        gamma: cost of entering a burst, in units of ``ln(number of bins)`` (≥ 0).

    Returns:
        One list of :class:`Burst` per row. A run whose weight is not positive (possible
        only as a tie when ``γ · ln n`` is 0) is not reported.

    Raises:
        UsageError: as :func:`burst_states`.
    """
    r, d = _check(counts, totals, s, gamma)
    n_series, n_bins = r.shape
    out: list[list[Burst]] = [[] for _ in range(n_series)]
    if n_bins == 0 or n_series == 0:
        return out
    cost0, cost1, p0 = _costs(r, d, s)
    states = _viterbi(cost0, cost1, gamma * math.log(n_bins))
    edges = np.diff(np.pad(states, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)  # row-major order: each start meets its own end
    if rows.size == 0:
        return out
    width = n_bins + 1  # a zero column after each row, so every run end + 1 is in range
    bounds = np.empty(2 * rows.size, dtype=np.int64)
    bounds[0::2] = rows * width + starts
    bounds[1::2] = rows * width + ends

    def run_sums(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        padded = np.pad(values, ((0, 0), (0, 1))).ravel()
        return np.add.reduceat(padded, bounds)[0::2]

    weights = run_sums(cost0 - cost1)
    posts = run_sums(r)
    total = run_sums(d)
    for i in range(rows.size):
        if weights[i] <= 0:
            continue
        row = int(rows[i])
        out[row].append(
            Burst(
                start=int(starts[i]),
                end=int(ends[i]) - 1,
                weight=float(weights[i]),
                posts=int(posts[i]),
                total=int(total[i]),
                expected=float(p0[row] * total[i]),
            )
        )
    return out


def bursts_for_counts(
    counts: Sequence[int] | npt.NDArray[np.integer],
    totals: Sequence[int] | npt.NDArray[np.integer],
    s: float = 2.0,
    gamma: float = 1.0,
) -> list[Burst]:
    """Bursts of one series: ``counts[t]`` relevant events out of ``totals[t]`` in bin ``t``.

    Examples:
        >>> flat = [2] * 20
        >>> counts = flat[:10] + [9, 10, 9] + flat[13:]
        >>> [(b.start, b.end) for b in bursts_for_counts(counts, [20] * 20)]
        [(10, 12)]

    Raises:
        UsageError: as :func:`burst_states`.
    """
    if np.ndim(counts) != 1:
        raise UsageError("bursts_for_counts takes one series", hint="use bursts_for_matrix")
    return bursts_for_matrix(np.asarray(counts)[None, :], totals, s=s, gamma=gamma)[0]
