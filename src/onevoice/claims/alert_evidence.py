"""The evidence behind each alert: the posts of a burst, who wrote them, which networks.

For all alerts at once (one join per kind, not one scan per alert), the posts of each burst
are collected from the ``_ov_subject_<kind>`` views of :mod:`onevoice.claims.alert_series`
into a temporary table; the evidence is a few ``GROUP BY`` queries over it:

- ``top_posts``: up to :data:`TOP_POSTS` posts, most engagement (likes + reposts + replies
  + quotes, missing counted as 0) first, then earliest; text cut at :data:`TEXT_CHARS`.
- ``top_accounts``: up to :data:`TOP_ACCOUNTS` accounts with the most posts in the burst.
- ``accounts``: distinct accounts; ``languages`` and ``platforms``: posts per value
  (``und`` for an unknown language).
- ``networks``: from ``network_members`` of the newest detect run, each coordinated network
  whose members posted in the burst, with how many members and posts.
- fact-checks: ``confirmed_posts`` (pairs confirmed in ``match_reviews``; each top post says
  ``confirmed``) and the fact-check's rating, publisher and URL; narratives: their terms.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import duckdb
import orjson
import pyarrow as pa

__all__ = ["TEXT_CHARS", "TOP_ACCOUNTS", "TOP_POSTS", "alert_evidence", "evidence_json"]

TOP_POSTS = 5
TOP_ACCOUNTS = 5
TEXT_CHARS = 200

Window = tuple[str, str, str, datetime, datetime]  # alert_id, kind, subject, start, end


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _reviews_sql() -> str:
    return (
        "(SELECT post_id, factcheck_id, arg_max(status, reviewed_at) AS status "
        "FROM match_reviews GROUP BY ALL)"
    )


def alert_evidence(
    con: duckdb.DuckDBPyConnection,
    windows: list[Window],
    kinds: list[str],
    detect_run: str | None,
) -> dict[str, dict[str, Any]]:
    """Evidence per alert id (see the module docstring for the keys)."""
    out: dict[str, dict[str, Any]] = {
        w[0]: {
            "top_posts": [],
            "top_accounts": [],
            "accounts": 0,
            "languages": {},
            "platforms": {},
            "networks": [],
            "detect_run": detect_run,
        }
        for w in windows
    }
    if not windows:
        return out
    table = pa.table(
        {
            "alert_id": [w[0] for w in windows],
            "kind": [w[1] for w in windows],
            "subject": [w[2] for w in windows],
            "start_ts": pa.array([w[3] for w in windows], pa.timestamp("us", tz="UTC")),
            "end_ts": pa.array([w[4] for w in windows], pa.timestamp("us", tz="UTC")),
        }
    )
    con.register("_ov_windows", table)
    try:
        parts = [
            f"SELECT w.alert_id, w.kind, w.subject, v.post_id FROM _ov_windows w "
            f"JOIN _ov_subject_{k} v ON v.subject = w.subject AND v.created_at >= w.start_ts "
            f"AND v.created_at < w.end_ts WHERE w.kind = {_lit(k)}"
            for k in kinds
        ]
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _ov_alert_posts AS "
            "SELECT a.alert_id, a.kind, a.subject, p.post_id, p.account_id, p.created_at, "
            "p.text, p.lang, p.platform, coalesce(p.likes, 0) + coalesce(p.reposts, 0) "
            "+ coalesce(p.replies, 0) + coalesce(p.quotes, 0) AS engagement "
            f"FROM ({' UNION ALL '.join(parts)}) a JOIN posts p USING (post_id)"
        )
    finally:
        con.unregister("_ov_windows")
    _fill(con, out, detect_run)
    con.execute("DROP TABLE IF EXISTS _ov_alert_posts")
    return out


def _fill(
    con: duckdb.DuckDBPyConnection, out: dict[str, dict[str, Any]], detect_run: str | None
) -> None:
    confirmed = (
        f"SELECT a.alert_id, a.post_id FROM _ov_alert_posts a JOIN {_reviews_sql()} r "
        "ON r.post_id = a.post_id AND r.factcheck_id = a.subject "
        "WHERE a.kind = 'factcheck' AND r.status = 'confirmed'"
    )
    confirmed_posts: dict[str, set[str]] = defaultdict(set)
    for alert_id, post_id in con.execute(confirmed).fetchall():
        confirmed_posts[alert_id].add(post_id)
    for alert_id, post_id, account_id, created_at, text, kind in con.execute(
        "SELECT alert_id, post_id, account_id, created_at, left(text, ?), kind FROM "
        "(SELECT *, row_number() OVER (PARTITION BY alert_id "
        "ORDER BY engagement DESC, created_at, post_id) AS rn FROM _ov_alert_posts) "
        "WHERE rn <= ? ORDER BY alert_id, rn",
        [TEXT_CHARS, TOP_POSTS],
    ).fetchall():
        post: dict[str, Any] = {
            "post_id": post_id,
            "account_id": account_id,
            "created_at": created_at.isoformat(),
            "text": text,
        }
        if kind == "factcheck":
            post["confirmed"] = post_id in confirmed_posts[alert_id]
        out[alert_id]["top_posts"].append(post)
    for alert_id, account_id, handle, n in con.execute(
        "SELECT alert_id, account_id, handle, n FROM (SELECT a.alert_id, a.account_id, "
        "any_value(c.handle) AS handle, count(*) AS n, row_number() OVER (PARTITION BY "
        "a.alert_id ORDER BY count(*) DESC, a.account_id) AS rn FROM _ov_alert_posts a "
        "LEFT JOIN accounts c USING (account_id) WHERE a.account_id IS NOT NULL "
        "GROUP BY a.alert_id, a.account_id) WHERE rn <= ? ORDER BY alert_id, rn",
        [TOP_ACCOUNTS],
    ).fetchall():
        out[alert_id]["top_accounts"].append(
            {"account_id": account_id, "handle": handle, "posts": int(n)}
        )
    for alert_id, n in con.execute(
        "SELECT alert_id, count(DISTINCT account_id) FROM _ov_alert_posts GROUP BY alert_id"
    ).fetchall():
        out[alert_id]["accounts"] = int(n)
    for key, col in (("languages", "coalesce(lang, 'und')"), ("platforms", "platform")):
        for alert_id, value, n in con.execute(
            f"SELECT alert_id, {col} AS v, count(*) AS n FROM _ov_alert_posts "
            "GROUP BY alert_id, v ORDER BY alert_id, n DESC, v"
        ).fetchall():
            out[alert_id][key][value] = int(n)
    if detect_run is not None:
        for alert_id, network_id, members, n in con.execute(
            "SELECT a.alert_id, m.network_id, count(DISTINCT a.account_id), count(*) AS n "
            "FROM _ov_alert_posts a JOIN network_members m "
            "ON m.account_id = a.account_id AND m.run_id = ? "
            "GROUP BY a.alert_id, m.network_id ORDER BY a.alert_id, n DESC, m.network_id",
            [detect_run],
        ).fetchall():
            out[alert_id]["networks"].append(
                {"network_id": int(network_id), "accounts": int(members), "posts": int(n)}
            )
    for alert_id, posts in confirmed_posts.items():
        out[alert_id]["confirmed_posts"] = len(posts)
    for alert_id, rating, publisher, url in con.execute(
        "SELECT DISTINCT a.alert_id, f.rating, f.publisher, f.url FROM _ov_alert_posts a "
        "JOIN factchecks f ON f.factcheck_id = a.subject WHERE a.kind = 'factcheck'"
    ).fetchall():
        out[alert_id].setdefault("confirmed_posts", 0)
        out[alert_id]["factcheck"] = {"rating": rating, "publisher": publisher, "url": url}


def evidence_json(evidence: dict[str, Any]) -> str:
    """Canonical JSON text (sorted keys), so the same evidence gives the same bytes."""
    return orjson.dumps(evidence, option=orjson.OPT_SORT_KEYS).decode()
