"""Per-subject time series for burst detection: subjects, time bins, SQL.

A *subject* is a hashtag, a domain, a narrative or a matched fact-check. For each kind a
temporary view ``_ov_subject_<kind>(subject, post_id, created_at)`` lists every post once
per subject; :func:`subject_series` turns it into counts per (subject, bin) with one
``GROUP BY`` in DuckDB, keeping only subjects with enough posts, so millions of posts never
leave the database. The totals ``d_t`` are all posts of the store in bin ``t``.

Which runs are read:

- narratives: the run whose narratives reach furthest (greatest ``max(window_end)``; ties:
  greatest ``run_id``); a narrative's series counts only bins that overlap its own window.
- fact-checks: the newest ``match_runs`` run (finished first, then greatest
  ``started_at``, then ``run_id``); rank-1 matches only, without pairs whose latest review
  in ``match_reviews`` is ``rejected``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from onevoice.errors import UsageError

__all__ = [
    "AUTO_BINS",
    "KINDS",
    "MAX_AUTO_BINS",
    "MAX_BINS",
    "Grid",
    "choose_bin",
    "create_subject_views",
    "narrative_masks",
    "newest_runs",
    "parse_bin",
    "subject_series",
    "totals",
]

KINDS = ("hashtag", "domain", "narrative", "factcheck")

#: Bin widths "auto" chooses from: consecutive widths differ by at most 4× (but for
#: 2 d → 7 d), so the smallest width giving at most :data:`MAX_AUTO_BINS` bins gives
#: more than 50 (48 from 1 d up) unless the data span is shorter than 50 minutes.
AUTO_BINS = tuple(
    timedelta(minutes=m) for m in (1, 2, 5, 15, 30, 60, 180, 360, 720, 1440, 2880, 10080)
)
MAX_AUTO_BINS = 200
#: A --bin that gives more bins than this is refused (memory, and no one reads them).
MAX_BINS = 50_000
_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_bin(text: str) -> timedelta | str:
    """``"auto"``, or a width such as ``90s``, ``15m``, ``1h``, ``6h``, ``1d``, ``1w``.

    Raises:
        UsageError: anything else.
    """
    value = text.strip().lower()
    if value == "auto":
        return "auto"
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = value[len(number) :] or "s"
    try:
        seconds = float(number) * _UNITS[unit]
    except (KeyError, ValueError):
        seconds = 0.0
    if not seconds >= 1:
        raise UsageError(f"bad bin width '{text}'", hint="e.g. 15m, 1h, 6h, 1d, or auto")
    return timedelta(seconds=seconds)


def choose_bin(span: timedelta) -> timedelta:
    """The smallest of :data:`AUTO_BINS` that cuts ``span`` into ≤ 200 bins."""
    for width in AUTO_BINS:
        if span // width + 1 <= MAX_AUTO_BINS:
            return width
    return AUTO_BINS[-1]


@dataclass(frozen=True)
class Grid:
    """The time bins: bin ``t`` is ``[origin + t·width, origin + (t+1)·width)``."""

    origin_ms: int  # epoch milliseconds, a multiple of width_ms (bins align with UTC)
    width_ms: int
    bins: int
    last: datetime  # the last post considered (or ``now``)

    def start(self, t: int) -> datetime:
        return datetime.fromtimestamp((self.origin_ms + t * self.width_ms) / 1000, tz=UTC)

    def bin_sql(self, col: str = "created_at") -> str:
        return f"((epoch_ms({col}) - {self.origin_ms}) // {self.width_ms})"


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ts(value: datetime) -> str:
    return f"TIMESTAMPTZ {_lit(value.isoformat())}"


def newest_runs(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """The run ids this module reads: narratives, matches, and coordination (detect)."""

    def one(sql: str) -> str | None:
        row = con.execute(sql).fetchone()
        return None if row is None else str(row[0])

    return {
        "narrative": one(
            "SELECT run_id FROM narratives GROUP BY run_id "
            "ORDER BY max(window_end) DESC, run_id DESC LIMIT 1"
        ),
        "factcheck": one(
            "SELECT run_id FROM match_runs "
            "ORDER BY finished_at IS NOT NULL DESC, started_at DESC, run_id DESC LIMIT 1"
        ),
        # as onevoice.detect.run.latest_run
        "detect": one(
            "SELECT run_id FROM detect_runs WHERE finished_at IS NOT NULL "
            "ORDER BY started_at DESC, run_id DESC LIMIT 1"
        ),
    }


def create_subject_views(
    con: duckdb.DuckDBPyConnection, runs: dict[str, str | None], until: datetime
) -> list[str]:
    """Create ``_ov_subject_<kind>`` temporary views; return the kinds that have one."""
    posts = f"(SELECT * FROM posts WHERE created_at <= {_ts(until)})"
    sql = {
        # post_id is unique in posts, so list_distinct is enough for "once per subject"
        "hashtag": f"SELECT unnest(list_distinct(hashtags)) AS subject, post_id, "
        f"created_at FROM {posts}",
        "domain": f"SELECT unnest(list_distinct(domains)) AS subject, post_id, "
        f"created_at FROM {posts}",
    }
    if runs["narrative"] is not None:
        sql["narrative"] = (
            "SELECT DISTINCT n.narrative_id AS subject, p.post_id, p.created_at "
            f"FROM narrative_posts n JOIN {posts} p USING (post_id) "
            f"WHERE n.run_id = {_lit(runs['narrative'])}"
        )
    if runs["factcheck"] is not None:
        sql["factcheck"] = (
            "SELECT DISTINCT m.factcheck_id AS subject, p.post_id, p.created_at "
            f"FROM matches m JOIN {posts} p USING (post_id) "
            "LEFT JOIN (SELECT post_id, factcheck_id, arg_max(status, reviewed_at) AS status "
            "FROM match_reviews GROUP BY ALL) r "
            "ON r.post_id = m.post_id AND r.factcheck_id = m.factcheck_id "
            f"WHERE m.run_id = {_lit(runs['factcheck'])} AND m.rank = 1 "
            "AND coalesce(r.status, '') <> 'rejected'"
        )
    for kind, body in sql.items():
        con.execute(f"CREATE OR REPLACE TEMP VIEW _ov_subject_{kind} AS {body}")
    return [k for k in KINDS if k in sql]


def totals(con: duckdb.DuckDBPyConnection, grid: Grid) -> npt.NDArray[np.int64]:
    """All posts per bin, ``d_t``."""
    out = np.zeros(grid.bins, dtype=np.int64)
    rows = con.execute(
        f"SELECT {grid.bin_sql()} AS b, count(*) FROM posts "
        f"WHERE created_at <= {_ts(grid.last)} GROUP BY b"
    ).fetchall()
    for b, n in rows:
        if 0 <= b < grid.bins:
            out[int(b)] = int(n)
    return out


def narrative_masks(
    con: duckdb.DuckDBPyConnection, run_id: str, grid: Grid
) -> dict[str, npt.NDArray[np.bool_]]:
    """Per narrative, the bins that overlap its window (the others are "not observed")."""
    rows = con.execute(
        f"SELECT narrative_id, epoch_ms(min(window_start)), epoch_ms(max(window_end)) "
        f"FROM narratives WHERE run_id = {_lit(run_id)} GROUP BY narrative_id"
    ).fetchall()
    starts = grid.origin_ms + grid.width_ms * np.arange(grid.bins, dtype=np.int64)
    return {
        str(nid): (starts <= int(hi)) & (starts + grid.width_ms > int(lo)) for nid, lo, hi in rows
    }


def subject_series(
    con: duckdb.DuckDBPyConnection, kind: str, grid: Grid, min_posts: int, chunk: int = 2048
) -> Iterator[tuple[list[str], npt.NDArray[np.int64]]]:
    """Counts per (subject, bin) of subjects with ≥ ``min_posts`` posts, in chunks of rows.

    Yields:
        (subjects, counts) with ``counts.shape == (len(subjects), grid.bins)``; subjects in
        DuckDB's sort order, so the result does not depend on ``chunk``.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _ov_series AS
        WITH sp AS (SELECT subject, {grid.bin_sql()} AS b FROM _ov_subject_{kind}
                    WHERE subject IS NOT NULL),
             keep AS (SELECT subject, row_number() OVER (ORDER BY subject) - 1 AS row
                      FROM sp GROUP BY subject HAVING count(*) >= {min_posts:d})
        SELECT keep.row, keep.subject, sp.b, count(*) AS n FROM sp JOIN keep USING (subject)
        WHERE sp.b >= 0 AND sp.b < {grid.bins:d}
        GROUP BY keep.row, keep.subject, sp.b
        """
    )
    try:
        names = [
            str(r[0])
            for r in con.execute(
                "SELECT subject FROM _ov_series GROUP BY row, subject ORDER BY row"
            ).fetchall()
        ]
        res: dict[str, Any] = con.execute(
            "SELECT row, b, n FROM _ov_series ORDER BY row, b"
        ).fetchnumpy()
    finally:
        con.execute("DROP TABLE IF EXISTS _ov_series")
    if not names:
        return
    rows = np.asarray(res["row"], dtype=np.int64)
    bins = np.asarray(res["b"], dtype=np.int64)
    counts = np.asarray(res["n"], dtype=np.int64)
    bounds = np.searchsorted(rows, np.arange(0, len(names) + chunk, chunk))
    for i, lo in enumerate(range(0, len(names), chunk)):
        a, z = bounds[i], bounds[i + 1]
        block = np.zeros((min(chunk, len(names) - lo), grid.bins), dtype=np.int64)
        block[rows[a:z] - lo, bins[a:z]] = counts[a:z]
        yield names[lo : lo + chunk], block
