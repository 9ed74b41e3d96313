"""``co-repost``: reposts (retweets, boosts, forwards, shares) of the same post."""

from __future__ import annotations

import duckdb

from onevoice.detect.params import DetectParams

NAME = "co-repost"
DESCRIPTION = "reposts (retweets, boosts, forwards, shares) of the same post."


def shares_sql(con: duckdb.DuckDBPyConnection, params: DetectParams) -> str:
    """One row per (post, item): each post reposted (a long-form export may name more than one)."""
    return f"""
        SELECT account_id, post_id, unnest(list_prepend(repost_of, repost_extra)) AS item,
               created_at AS ts
        FROM posts WHERE repost_of IS NOT NULL AND {params.posts_filter()}
    """
