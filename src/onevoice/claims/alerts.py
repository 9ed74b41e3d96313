"""Early warning: what is bursting now, with the evidence (DESIGN.md §4, "bursts").

:func:`compute_alerts` cuts the store's time span into bins (``bin="auto"``: the smallest
of 1, 2, 5, 15, 30 min, 1, 3, 6, 12 h, 1, 2, 7 d that gives at most 200 bins, so a span of
hours to months gets 50–200 bins), builds one series per subject — hashtags and domains of
``posts``, narratives of the newest narratives run, rank-1 fact-check matches of the newest
match run (:mod:`onevoice.claims.alert_series` says which runs) — and runs Kleinberg's
two-state automaton on each (:mod:`onevoice.claims.bursts`): ``r_t`` posts of the subject
out of ``d_t`` posts in bin ``t``. Subjects with fewer than ``min_posts`` posts are noise
and are skipped in SQL.

Every burst goes into ``bursts``. A burst whose weight is at least ``min_weight`` raises an
alert (``alerts``) when its posts are also at least ``min_ratio`` times the expected ones,
at most ``top`` alerts, ongoing first, then by weight. The weight is a log-likelihood ratio
(nats): the default 10 means the burst rate explains the burst's posts e^10 ≈ 22,000 times
better than the base rate; it also keeps out the small bursts that any of thousands of
subjects shows by chance. The ratio (default ``(1 + s) / 2``, halfway to the burst rate)
keeps out weak rises that a long run makes heavy. A subject found in more than ``1 / s`` of
all posts cannot rise ``s``-fold and raises no alert: its burst rate is capped below 1
(:mod:`onevoice.claims.bursts`), so a dip in its share (another subject's burst) turns the
rest of its series into a long, heavy but flat "burst". An alert is *ongoing* when its
burst reaches the last bin: the one holding the newest post, or ``now``. Its evidence is
described in :mod:`onevoice.claims.alert_evidence`.

IDs are content hashes: ``alert_id`` of (kind, subject, burst start), so the same burst
has the same id in every run; ``run_id`` of the parameters and of what was read (posts,
their newest time, the runs and reviews used). Recomputing an unchanged store replaces the
rows of that same run and touches no other run.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import orjson
import pyarrow as pa

from onevoice.claims import alert_series as series
from onevoice.claims.alert_evidence import alert_evidence, evidence_json
from onevoice.claims.bursts import bursts_for_matrix
from onevoice.errors import UsageError
from onevoice.store import Store

__all__ = ["KINDS", "MIN_WEIGHT", "Alert", "AlertsResult", "compute_alerts", "read_alerts"]

KINDS = series.KINDS
#: Default alert threshold on the burst weight (nats).
MIN_WEIGHT = 10.0
LABEL_CHARS = 200


@dataclass
class Alert:
    """One row of ``alerts``; ``evidence`` as a dict."""

    alert_id: str
    run_id: str
    raised_at: datetime
    subject_kind: str
    subject: str
    label: str
    start_ts: datetime
    end_ts: datetime  # end of the burst's last bin (exclusive)
    ongoing: bool
    weight: float
    posts: int
    expected: float
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Posts over expected posts (``inf`` when nothing was expected)."""
        return self.posts / self.expected if self.expected > 0 else float("inf")

    def as_json(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "run_id": self.run_id,
            "raised_at": self.raised_at.isoformat(),
            "subject_kind": self.subject_kind,
            "subject": self.subject,
            "label": self.label,
            "start_ts": self.start_ts.isoformat(),
            "end_ts": self.end_ts.isoformat(),
            "ongoing": self.ongoing,
            "weight": round(self.weight, 6),
            "posts": self.posts,
            "expected": round(self.expected, 6),
            "evidence": self.evidence,
        }


@dataclass
class AlertsResult:
    """What :func:`compute_alerts` gave."""

    run_id: str
    bin: timedelta | None = None  # None: the store has no posts
    bins: int = 0
    subjects: dict[str, int] = field(default_factory=dict)  # series per kind
    bursts: int = 0
    alerts: list[Alert] = field(default_factory=list)


def _hash(*parts: object) -> str:
    return hashlib.sha256(orjson.dumps(parts, default=str)).hexdigest()


def compute_alerts(
    store: Store,
    *,
    bin: timedelta | str = "auto",
    s: float = 2.0,
    gamma: float = 1.0,
    min_posts: int = 10,
    min_weight: float = MIN_WEIGHT,
    min_ratio: float | None = None,
    top: int = 100,
    now: datetime | None = None,
) -> AlertsResult:
    """Detect bursts of every subject, write ``bursts`` and ``alerts``, return the alerts.

    Args:
        store: a writable store.
        bin: bin width, or ``"auto"`` (module docstring).
        s: burst rate as a multiple of the base rate (:mod:`onevoice.claims.bursts`).
        gamma: cost of entering a burst, in units of ``ln(bins)``.
        min_posts: subjects with fewer posts over the whole span are skipped.
        min_weight: bursts at or above this weight (nats) raise alerts...
        min_ratio: ...when their posts are at least this many times the expected posts
            (default ``(1 + s) / 2``).
        top: at most this many alerts, ongoing first, then by weight.
        now: consider only posts up to ``now`` and let the last bin hold ``now`` (a replay
            of an earlier day, or a quiet stretch after the data); also ``raised_at``.
            Default: the newest post, and the clock for ``raised_at``.

    Raises:
        UsageError: a bad bin width, ``s``, ``gamma``, ``min_posts`` or ``top``.
    """
    if isinstance(bin, str):
        parsed = series.parse_bin(bin)
        bin = parsed
    if min_posts < 1 or top < 0:
        raise UsageError("min_posts must be ≥ 1 and top ≥ 0")
    con = store.con
    limit = "" if now is None else "WHERE created_at <= ?"
    first, last, n_posts = con.execute(
        f"SELECT min(created_at), max(created_at), count(*) FROM posts {limit}",
        [] if now is None else [now],
    ).fetchone() or (None, None, 0)
    runs = series.newest_runs(con)
    reviews = con.execute("SELECT count(*), max(reviewed_at) FROM match_reviews").fetchone()
    params = {
        "bin": bin if isinstance(bin, str) else bin.total_seconds(),
        "s": s,
        "gamma": gamma,
        "min_posts": min_posts,
        "min_weight": min_weight,
        "min_ratio": min_ratio,
        "top": top,
        "now": now,
    }
    run_id = "alerts-" + _hash(params, n_posts, last, runs, reviews)[:12]
    result = AlertsResult(run_id=run_id)
    if first is None:
        return result
    end = now if now is not None else last
    width = series.choose_bin(end - first) if bin == "auto" else bin
    assert isinstance(width, timedelta)
    width_ms = int(width.total_seconds() * 1000)
    origin_ms = int(first.timestamp() * 1000) // width_ms * width_ms
    n_bins = (int(end.timestamp() * 1000) - origin_ms) // width_ms + 1
    if n_bins > series.MAX_BINS:
        raise UsageError(
            f"a bin of {width} cuts the data into {n_bins:,} bins",
            hint=f"use a wider --bin, or auto (at most {series.MAX_BINS:,} bins)",
        )
    grid = series.Grid(origin_ms=origin_ms, width_ms=width_ms, bins=n_bins, last=end)
    result.bin, result.bins = width, n_bins
    raised_at = now if now is not None else datetime.now(UTC)
    con.execute("BEGIN TRANSACTION")
    try:
        kinds = series.create_subject_views(con, runs, end)
        bursts = _detect(con, grid, kinds, runs, min_posts, s, gamma, result)
        ratio = (1 + s) / 2 if min_ratio is None else min_ratio
        result.bursts = len(bursts)
        chosen = sorted(
            (b for b in bursts if b[4] >= min_weight and b[5] >= ratio * b[6] and s * b[6] < b[7]),
            key=lambda b: (-(b[3] == n_bins - 1), -b[4], b[0], b[1], b[2]),
        )[:top]
        result.alerts = _alerts(con, chosen, grid, kinds, runs, run_id, raised_at)
        _write(con, run_id, bursts, grid, result.alerts)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    return result


# (kind, subject, start bin, end bin, weight, posts, expected, all posts in the bins)
Found = tuple[str, str, int, int, float, int, float, int]


def _detect(
    con: duckdb.DuckDBPyConnection,
    grid: series.Grid,
    kinds: list[str],
    runs: dict[str, str | None],
    min_posts: int,
    s: float,
    gamma: float,
    result: AlertsResult,
) -> list[Found]:
    totals = series.totals(con, grid)
    masks = series.narrative_masks(con, runs["narrative"], grid) if runs["narrative"] else {}
    found: list[Found] = []
    for kind in kinds:
        result.subjects[kind] = 0
        for subjects, counts in series.subject_series(con, kind, grid, min_posts):
            result.subjects[kind] += len(subjects)
            d = totals
            if kind == "narrative":
                everywhere = np.ones(grid.bins, dtype=bool)
                d = totals * np.stack([masks.get(name, everywhere) for name in subjects])
            for subject, bursts in zip(
                subjects, bursts_for_matrix(counts, d, s=s, gamma=gamma), strict=True
            ):
                found.extend(
                    (kind, subject, b.start, b.end, b.weight, b.posts, b.expected, b.total)
                    for b in bursts
                )
    return found


def _alerts(
    con: duckdb.DuckDBPyConnection,
    chosen: list[Found],
    grid: series.Grid,
    kinds: list[str],
    runs: dict[str, str | None],
    run_id: str,
    raised_at: datetime,
) -> list[Alert]:
    alerts = [
        Alert(
            alert_id="al:" + _hash(kind, subject, grid.start(lo).isoformat())[:16],
            run_id=run_id,
            raised_at=raised_at,
            subject_kind=kind,
            subject=subject,
            label=subject,
            start_ts=grid.start(lo),
            end_ts=grid.start(hi + 1),
            ongoing=hi == grid.bins - 1,
            weight=weight,
            posts=posts,
            expected=expected,
        )
        for kind, subject, lo, hi, weight, posts, expected, _ in chosen
    ]
    extra = _labels(con, alerts, runs)
    windows = [(a.alert_id, a.subject_kind, a.subject, a.start_ts, a.end_ts) for a in alerts]
    evidence = alert_evidence(con, windows, kinds, runs["detect"])
    for a in alerts:
        a.evidence = evidence[a.alert_id] | extra.get(a.alert_id, {})
        a.evidence["bin_seconds"] = grid.width_ms / 1000
        if a.subject_kind == "factcheck":
            a.evidence.setdefault("confirmed_posts", 0)
    return alerts


def _labels(
    con: duckdb.DuckDBPyConnection, alerts: list[Alert], runs: dict[str, str | None]
) -> dict[str, dict[str, Any]]:
    """Set readable labels; return per-alert extra evidence (narrative terms)."""
    extra: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    if runs["narrative"] and any(a.subject_kind == "narrative" for a in alerts):
        for nid, label, words in con.execute(
            "SELECT narrative_id, any_value(label), any_value(terms) FROM narratives "
            "WHERE run_id = ? GROUP BY narrative_id",
            [runs["narrative"]],
        ).fetchall():
            names[nid], terms[nid] = label, list(words)
    claims = dict(
        con.execute(
            "SELECT factcheck_id, any_value(claim) FROM factchecks WHERE factcheck_id IN "
            "(SELECT unnest(?::VARCHAR[])) GROUP BY factcheck_id",
            [[a.subject for a in alerts if a.subject_kind == "factcheck"]],
        ).fetchall()
    )
    for a in alerts:
        if a.subject_kind == "hashtag":
            a.label = "#" + a.subject
        elif a.subject_kind == "narrative":
            a.label = names.get(a.subject, a.subject)
            extra[a.alert_id] = {"terms": terms.get(a.subject, [])}
        elif a.subject_kind == "factcheck":
            a.label = claims.get(a.subject, a.subject)
        a.label = a.label[:LABEL_CHARS]
    return extra


def _write(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    bursts: list[Found],
    grid: series.Grid,
    alerts: list[Alert],
) -> None:
    con.execute("DELETE FROM bursts WHERE run_id = ?", [run_id])
    con.execute("DELETE FROM alerts WHERE run_id = ?", [run_id])
    ts = pa.timestamp("us", tz="UTC")
    table = pa.table(
        {
            "subject_kind": [b[0] for b in bursts],
            "subject": [b[1] for b in bursts],
            "start_ts": pa.array([grid.start(b[2]) for b in bursts], ts),
            "end_ts": pa.array([grid.start(b[3] + 1) for b in bursts], ts),
            "weight": pa.array([b[4] for b in bursts], pa.float64()),
            "posts": pa.array([b[5] for b in bursts], pa.int64()),
            "expected": pa.array([b[6] for b in bursts], pa.float64()),
        }
    )
    con.register("_ov_new_bursts", table)
    try:
        con.execute(
            "INSERT INTO bursts SELECT ?, subject_kind, subject, start_ts, end_ts, weight, "
            "posts, expected FROM _ov_new_bursts",
            [run_id],
        )
    finally:
        con.unregister("_ov_new_bursts")
    for a in alerts:
        con.execute(
            "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::JSON)",
            [
                a.alert_id,
                a.run_id,
                a.raised_at,
                a.subject_kind,
                a.subject,
                a.label,
                a.start_ts,
                a.end_ts,
                a.ongoing,
                a.weight,
                a.posts,
                a.expected,
                evidence_json(a.evidence),
            ],
        )


def read_alerts(
    store: Store, run_id: str | None = None, kinds: Sequence[str] = ()
) -> tuple[str | None, list[Alert]]:
    """The alerts of ``run_id`` (default: the run with the newest ``raised_at``), ongoing
    first, then by weight; only ``kinds`` when given. Returns (run_id, alerts)."""
    if run_id is None:
        row = store.execute(
            "SELECT run_id FROM alerts GROUP BY run_id "
            "ORDER BY max(raised_at) DESC, run_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None, []
        run_id = str(row[0])
    rows = store.execute(
        "SELECT * FROM alerts WHERE run_id = ? "
        "AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], subject_kind)) "
        "ORDER BY ongoing DESC, weight DESC, subject_kind, subject, start_ts",
        [run_id, list(kinds), list(kinds)],
    ).fetchall()
    names = [f.name for f in fields(Alert)]
    alerts = [Alert(**dict(zip(names, (*r[:12], orjson.loads(r[12])), strict=True))) for r in rows]
    return run_id, alerts
