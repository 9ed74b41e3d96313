"""Co-sharing within a time window: the engine behind every coordination kind.

Method: two distinct accounts are linked when they share the same *item* (a URL, a
hashtag, a reposted post…) within Δ seconds of each other (Giglietto et al. 2020, CooRnet;
Graham et al., the QUT coordination-network-toolkit; Righetti & Balluff, CooRTweet;
Pacheco et al. 2021, "Uncovering Coordinated Networks on Social Media"). The edge weight is
the number of **distinct items** the pair co-shared: counting post pairs instead would let
one viral item (or one spammer re-sharing it) outweigh many independent coincidences.

The window match is a **bucketed equality join**: each share falls in bucket ⌊t/Δ⌋; the
other side is copied into buckets b−1, b, b+1, the join is an equality join on (item,
bucket), and the exact test |Δt| ≤ Δ follows. A naive join on the item alone is quadratic in
the shares of a viral item (100k shares → 5·10⁹ pairs, almost all hours apart); the bucketed
join only ever pairs shares that are at most 2Δ apart, so its cost follows the pairs that
are really in the window. Items shared by a single account are dropped before the join.

Every kind provides ``shares_sql()``: a SELECT of ``account_id, post_id, item, ts`` (ts a
``TIMESTAMPTZ``) over the store's ``posts``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

__all__ = ["WindowEstimate", "co_share_edges", "estimate_window"]

#: How many items an edge keeps as a sample of its evidence.
SAMPLE_ITEMS = 10


def co_share_edges(
    con: duckdb.DuckDBPyConnection,
    shares_sql: str,
    *,
    window: float,
    kind: str,
    run_id: str,
    min_weight: float = 1,
) -> int:
    """Insert the edges of one kind into ``coord_edges``; return how many.

    Args:
        shares_sql: SELECT of ``account_id, post_id, item, ts``.
        window: Δ in seconds; a pair of shares |Δt| ≤ Δ apart is co-sharing (both ends in).
        min_weight: keep pairs that co-shared at least this many distinct items.
    """
    w = float(window)
    if w <= 0:
        raise ValueError("the window must be positive")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ov_shares AS
        WITH s AS (
            SELECT DISTINCT account_id, post_id, item, epoch_us(ts) / 1e6 AS t
            FROM ({shares_sql})
            WHERE account_id IS NOT NULL AND item IS NOT NULL AND item <> '' AND ts IS NOT NULL
        )
        SELECT s.*, floor(t / {w})::BIGINT AS b
        FROM s SEMI JOIN (
            SELECT item FROM s GROUP BY item HAVING count(DISTINCT account_id) > 1
        ) multi USING (item)
    """)
    before = con.execute("SELECT count(*) FROM coord_edges").fetchone()
    con.execute(
        f"""
        INSERT INTO coord_edges
        WITH other AS (
            SELECT account_id, item, t, b + d AS b
            FROM ov_shares, (VALUES (-1), (0), (1)) AS shift(d)
        ), pairs AS (
            SELECT l.account_id AS a, r.account_id AS z, l.item, l.t AS lt, r.t AS rt,
                   abs(l.t - r.t) AS dt
            FROM ov_shares l JOIN other r ON l.item = r.item AND l.b = r.b
            WHERE l.account_id < r.account_id AND abs(l.t - r.t) <= {w}
        ), per_item AS (
            SELECT a, z, item, count(*) AS n, min(least(lt, rt)) AS t0,
                   max(greatest(lt, rt)) AS t1, min(dt) AS dt
            FROM pairs GROUP BY a, z, item
        )
        SELECT ? AS run_id, ? AS kind, a, z, count(*) AS weight, sum(n) AS post_pairs,
               make_timestamptz((min(t0) * 1e6)::BIGINT), make_timestamptz((max(t1) * 1e6)::BIGINT),
               min(dt), median(dt),
               list(item ORDER BY t0, item)[1:{SAMPLE_ITEMS}]
        FROM per_item
        GROUP BY a, z
        HAVING count(*) >= ?
        ORDER BY a, z
        """,
        [run_id, kind, min_weight],
    )
    after = con.execute("SELECT count(*) FROM coord_edges").fetchone()
    con.execute("DROP TABLE ov_shares")
    return int(after[0]) - int(before[0]) if after and before else 0


@dataclass(frozen=True)
class WindowEstimate:
    """CooRnet's data-driven window and what it was computed from."""

    seconds: float
    items: int


def estimate_window(
    con: duckdb.DuckDBPyConnection,
    shares_sql: str,
    *,
    quickest: float = 0.1,
    minimum: float = 1.0,
) -> WindowEstimate:
    """CooRnet's estimate of the coordination window (Giglietto et al. 2020).

    For each item shared at least twice, the time from its first share to the share that
    completes half of its shares; take the quickest ``quickest`` share of items (10 %) and
    return the median of their times. Never less than ``minimum`` seconds.
    """
    row = con.execute(
        f"""
        WITH s AS (
            SELECT item, epoch_us(ts) / 1e6 AS t,
                   row_number() OVER (PARTITION BY item ORDER BY ts, post_id) AS k,
                   count(*) OVER (PARTITION BY item) AS n
            FROM ({shares_sql})
            WHERE item IS NOT NULL AND item <> '' AND ts IS NOT NULL
        ), half AS (
            SELECT item, max(t) FILTER (WHERE k = ceil(n / 2.0)) - min(t) AS secs
            FROM s WHERE n >= 2 GROUP BY item
        ), ranked AS (
            SELECT secs, percent_rank() OVER (ORDER BY secs) AS pr FROM half
        )
        SELECT median(secs) FILTER (WHERE pr <= ?), (SELECT count(*) FROM half) FROM ranked
    """,
        [quickest],
    ).fetchone()
    secs, items = row or (None, 0)
    return WindowEstimate(seconds=max(float(secs or minimum), minimum), items=int(items or 0))
