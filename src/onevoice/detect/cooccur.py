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
are really in the window. Items shared by a single account are dropped before the join,
and (with a weight threshold above 1) accounts with too few items to reach it; the join
and its aggregation run on integer ids of accounts and items (see :func:`co_share_edges`).

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

    Before the join, shares that cannot be part of a kept edge are dropped (exactly: the
    edges do not change): items shared by one account only and, when ``min_weight`` > 1,
    accounts that shared fewer than ``min_weight`` such items (a pair's weight is at most
    either account's count of items); then, again, items left with one account. Accounts
    and items are numbered in their string order (so ``<`` and ``ORDER BY`` mean the same
    on the numbers), the join and the aggregation run on integers, and only the final
    edges are mapped back to names.
    """
    w = float(window)
    if w <= 0:
        raise ValueError("the window must be positive")
    m = float(min_weight)
    multi = "HAVING min(account_id) < max(account_id)"  # two accounts or more
    busy = f"HAVING count(DISTINCT item) >= {m!r}" if m > 1 else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ov_s AS
        SELECT DISTINCT account_id, post_id, item, epoch_us(ts) / 1e6 AS t
        FROM ({shares_sql})
        WHERE account_id IS NOT NULL AND item IS NOT NULL AND item <> '' AND ts IS NOT NULL;
        CREATE OR REPLACE TEMP TABLE ov_acc AS
        SELECT account_id, (row_number() OVER (ORDER BY account_id))::INTEGER AS a
        FROM (
            SELECT account_id
            FROM ov_s SEMI JOIN (SELECT item FROM ov_s GROUP BY item {multi}) USING (item)
            GROUP BY account_id {busy}
        );
        CREATE OR REPLACE TEMP TABLE ov_item AS
        SELECT item, (row_number() OVER (ORDER BY item))::INTEGER AS i
        FROM (SELECT item FROM ov_s SEMI JOIN ov_acc USING (account_id) GROUP BY item {multi});
        CREATE OR REPLACE TEMP TABLE ov_shares AS
        SELECT a.a, i.i, s.t, floor(s.t / {w})::BIGINT AS b
        FROM ov_s s JOIN ov_acc a USING (account_id) JOIN ov_item i USING (item);
    """)
    # With min_weight > 1, a pair that co-shared one item only (most pairs on a viral
    # item) is dropped by a cheap test before the per-item aggregation.
    keep = (
        ", keep AS (SELECT a, z FROM pairs GROUP BY a, z HAVING min(i) < max(i))" if m > 1 else ""
    )
    before = con.execute("SELECT count(*) FROM coord_edges").fetchone()
    con.execute(
        f"""
        INSERT INTO coord_edges
        WITH other AS (
            SELECT a, i, t, b + d AS b
            FROM ov_shares, (VALUES (-1), (0), (1)) AS shift(d)
        ), pairs AS (
            SELECT l.a AS a, r.a AS z, l.i, l.t AS lt, r.t AS rt, abs(l.t - r.t) AS dt
            FROM ov_shares l JOIN other r ON l.i = r.i AND l.b = r.b
            WHERE l.a < r.a AND abs(l.t - r.t) <= {w}
        ){keep}, per_item AS (
            SELECT a, z, i, count(*) AS n, min(least(lt, rt)) AS t0,
                   max(greatest(lt, rt)) AS t1, min(dt) AS dt
            FROM pairs {"SEMI JOIN keep USING (a, z)" if keep else ""}
            GROUP BY a, z, i
        ), e AS (
            SELECT a, z, count(*) AS weight, sum(n) AS post_pairs, min(t0) AS t0,
                   max(t1) AS t1, min(dt) AS min_dt, median(dt) AS median_dt,
                   list(item ORDER BY t0, i)[1:{SAMPLE_ITEMS}] AS items
            FROM per_item JOIN ov_item USING (i)
            GROUP BY a, z
            HAVING count(*) >= ?
        )
        SELECT ? AS run_id, ? AS kind, x.account_id, y.account_id, e.weight, e.post_pairs,
               make_timestamptz((e.t0 * 1e6)::BIGINT), make_timestamptz((e.t1 * 1e6)::BIGINT),
               e.min_dt, e.median_dt, e.items
        FROM e
        JOIN ov_acc x ON x.a = e.a
        JOIN ov_acc y ON y.a = e.z
        ORDER BY e.a, e.z
        """,
        [min_weight, run_id, kind],
    )
    after = con.execute("SELECT count(*) FROM coord_edges").fetchone()
    con.execute("DROP TABLE ov_shares; DROP TABLE ov_item; DROP TABLE ov_acc; DROP TABLE ov_s")
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
