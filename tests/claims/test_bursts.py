"""Kleinberg's two-state burst detection on series with known bursts, and its edge cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onevoice.claims.alerts import MIN_WEIGHT
from onevoice.claims.bursts import (
    Burst,
    burst_states,
    bursts_for_counts,
    bursts_for_matrix,
)
from onevoice.errors import UsageError


def spans(bursts: list[Burst]) -> list[tuple[int, int]]:
    return [(b.start, b.end) for b in bursts]


def test_a_planted_burst_is_found_at_exactly_its_bins() -> None:
    totals = [100] * 60
    counts = [5] * 60
    counts[30:35] = [25] * 5
    (burst,) = bursts_for_counts(counts, totals)
    assert (burst.start, burst.end) == (30, 34)
    assert (burst.posts, burst.total) == (125, 500)
    p0 = sum(counts) / sum(totals)
    assert burst.expected == pytest.approx(p0 * 500)
    # the weight is the log-likelihood ratio of the burst rate over the base rate
    p1 = 2 * p0
    llr = 125 * math.log(p1 / p0) + 375 * math.log((1 - p1) / (1 - p0))
    assert burst.weight == pytest.approx(llr)
    assert burst.weight >= math.log(60)  # paid the entry cost γ ln n
    states = burst_states(counts, totals)
    assert states.tolist() == [0] * 30 + [1] * 5 + [0] * 25


def test_a_flat_binomial_series_has_no_burst() -> None:
    rng = np.random.default_rng(7)
    totals = rng.poisson(200, size=150)
    counts = rng.binomial(totals, 0.05)
    assert bursts_for_counts(counts, totals) == []


def test_chance_bursts_of_flat_series_stay_below_the_alert_threshold() -> None:
    # among many flat series, γ = 1 lets a few chance bursts through (weight just above
    # ln n); the alert threshold is there to keep them out
    rng = np.random.default_rng(11)
    totals = rng.poisson(300, size=(50, 100))
    counts = rng.binomial(totals, 0.02)
    found = [b for row in bursts_for_matrix(counts, totals) for b in row]
    assert 0 < len(found) <= 5
    assert max(b.weight for b in found) < MIN_WEIGHT


def test_two_separate_bursts() -> None:
    rng = np.random.default_rng(3)
    totals = np.full(100, 400)
    counts = rng.binomial(totals, 0.02)
    counts[20:24] = rng.binomial(400, 0.10, size=4)
    counts[70:78] = rng.binomial(400, 0.08, size=8)
    assert spans(bursts_for_counts(counts, totals)) == [(20, 23), (70, 77)]


def test_higher_gamma_gives_fewer_and_shorter_bursts() -> None:
    totals = np.full(80, 200)
    counts = np.full(80, 4)
    counts[10:14] = 40  # strong
    counts[50:52] = 14  # weak
    assert spans(bursts_for_counts(counts, totals, gamma=0.5)) == [(10, 13), (50, 51)]
    assert spans(bursts_for_counts(counts, totals, gamma=2)) == [(10, 13)]
    assert bursts_for_counts(counts, totals, gamma=40) == []
    rng = np.random.default_rng(5)
    noisy_totals = rng.poisson(100, size=200)
    noisy = rng.binomial(noisy_totals, rng.uniform(0.01, 0.06, size=200))
    lengths = [
        int(burst_states(noisy, noisy_totals, gamma=g).sum()) for g in (0, 0.25, 0.5, 1, 2, 4)
    ]
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[0] > lengths[-1]


def test_higher_s_asks_for_a_sharper_rise() -> None:
    totals = np.full(60, 1000)
    counts = np.full(60, 10)
    counts[30:36] = 25  # 2.5 × the base rate
    assert spans(bursts_for_counts(counts, totals, s=2)) == [(30, 35)]
    assert bursts_for_counts(counts, totals, s=8) == []


def test_bins_without_events_are_neutral() -> None:
    totals = [50] * 40
    counts = [2] * 40
    for t in (10, 11, 12, 25):
        totals[t] = counts[t] = 0  # not observed
    counts[20:24] = [30, 30, 0, 30]
    totals[22] = 0
    (burst,) = bursts_for_counts(counts, totals)
    assert (burst.start, burst.end) == (20, 23)  # the burst bridges the empty bin
    assert (burst.posts, burst.total) == (90, 150)
    # a trailing empty bin does not extend a burst that ends the data
    tail = bursts_for_counts([2] * 30 + [30, 30, 0], [50] * 32 + [0])
    assert spans(tail) == [(30, 31)]


@pytest.mark.parametrize(
    ("counts", "totals"),
    [
        ([], []),  # no bins
        ([0] * 10, [0] * 10),  # no events at all
        ([0] * 10, [5] * 10),  # no relevant events
        ([5] * 10, [5] * 10),  # only relevant events: p0 = 1
        ([3, 3, 3, 0, 3], [3, 3, 3, 0, 3]),
        ([7], [9]),  # one bin
        ([0], [0]),
    ],
)
def test_degenerate_series_have_no_bursts(counts: list[int], totals: list[int]) -> None:
    assert bursts_for_counts(counts, totals) == []
    assert burst_states(counts, totals).tolist() == [0] * len(counts)


def test_bins_where_every_event_is_relevant_can_burst() -> None:
    totals = [20] * 30
    counts = [1] * 30
    counts[12:15] = [20, 20, 20]  # r_t = d_t
    assert spans(bursts_for_counts(counts, totals)) == [(12, 14)]


def test_bad_arguments_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="bad burst rate s=1"):
        bursts_for_counts([1, 2], [3, 3], s=1)
    with pytest.raises(UsageError, match="bad gamma"):
        bursts_for_counts([1, 2], [3, 3], gamma=-1)
    with pytest.raises(UsageError, match="0 ≤ relevant ≤ total"):
        bursts_for_counts([4, 2], [3, 3])
    with pytest.raises(UsageError, match="0 ≤ relevant ≤ total"):
        bursts_for_counts([-1, 2], [3, 3])
    with pytest.raises(UsageError, match="do not fit"):
        bursts_for_counts([1, 2, 3], [3, 3])
    with pytest.raises(UsageError, match="one series"):
        bursts_for_counts([[1, 2]], [3, 3])


def test_rows_of_a_matrix_are_independent_series() -> None:
    rng = np.random.default_rng(9)
    totals = rng.poisson(80, size=(12, 60))
    rates = rng.uniform(0.01, 0.2, size=(12, 60))
    counts = rng.binomial(totals, rates)
    together = bursts_for_matrix(counts, totals)
    alone = [bursts_for_counts(counts[i], totals[i]) for i in range(12)]
    assert together == alone
    assert sum(len(b) for b in alone) > 0
    shared = bursts_for_matrix(counts[:, :], totals[0])  # one row of totals for all
    assert shared == [bursts_for_counts(counts[i], totals[0]) for i in range(12)]


# -- exactness: Viterbi against every state sequence of short series --------------------------


def brute_force(counts: list[int], totals: list[int], s: float, gamma: float) -> float:
    """The least total cost over all 2^n state sequences, costs written out from the paper."""
    n = len(counts)
    rel, tot = sum(counts), sum(totals)
    if n == 0 or rel == 0 or rel == tot:
        return 0.0
    p0 = rel / tot
    p1 = min(s * p0, 1 - (1 - p0) / s)

    def cost(p: float, r: int, d: int) -> float:
        return -(math.log(math.comb(d, r)) + r * math.log(p) + (d - r) * math.log(1 - p))

    best = math.inf
    for seq in itertools.product((0, 1), repeat=n):
        total = 0.0
        prev = 0
        for q, r, d in zip(seq, counts, totals, strict=True):
            total += cost(p1 if q else p0, r, d) + (gamma * math.log(n) if q > prev else 0.0)
            prev = q
        best = min(best, total)
    return best


def path_cost(states: list[int], counts: list[int], totals: list[int], s: float, g: float) -> float:
    rel, tot = sum(counts), sum(totals)
    if rel == 0 or rel == tot:
        return 0.0
    p0 = rel / tot
    p1 = min(s * p0, 1 - (1 - p0) / s)
    total, prev = 0.0, 0
    for q, r, d in zip(states, counts, totals, strict=True):
        p = p1 if q else p0
        total += -(math.log(math.comb(d, r)) + r * math.log(p) + (d - r) * math.log(1 - p))
        total += g * math.log(len(counts)) if q > prev else 0.0
        prev = q
    return total


series = st.lists(st.integers(0, 40), max_size=40).flatmap(
    lambda ds: st.tuples(st.tuples(*[st.integers(0, d) for d in ds]), st.just(ds))
)


@settings(max_examples=150, deadline=None)
@given(
    series.filter(lambda x: len(x[1]) <= 9),
    st.sampled_from([1.5, 2.0, 3.0]),
    st.sampled_from([0.0, 0.5, 1.0, 2.0]),
)
def test_viterbi_finds_the_optimal_sequence(
    data: tuple[tuple[int, ...], list[int]], s: float, gamma: float
) -> None:
    counts, totals = list(data[0]), data[1]
    states = burst_states(counts, totals, s=s, gamma=gamma).tolist()
    assert path_cost(states, counts, totals, s, gamma) == pytest.approx(
        brute_force(counts, totals, s, gamma), abs=1e-7
    )


@settings(max_examples=200, deadline=None)
@given(series, st.floats(1.01, 10), st.floats(0, 5))
def test_any_series_gives_well_formed_bursts(
    data: tuple[tuple[int, ...], list[int]], s: float, gamma: float
) -> None:
    counts, totals = list(data[0]), data[1]
    states = burst_states(counts, totals, s=s, gamma=gamma)
    assert set(states.tolist()) <= {0, 1}
    found = bursts_for_counts(counts, totals, s=s, gamma=gamma)
    last = -1
    for b in found:
        assert last < b.start <= b.end < len(counts)
        assert b.weight > 0
        assert gamma == 0 or b.weight >= gamma * math.log(len(counts)) - 1e-9
        assert b.posts == sum(counts[b.start : b.end + 1])
        assert b.total == sum(totals[b.start : b.end + 1])
        assert 0 <= b.expected <= b.total
        assert states[b.start : b.end + 1].all()
        last = b.end
    assert sum(b.end - b.start + 1 for b in found) <= int(states.sum())
