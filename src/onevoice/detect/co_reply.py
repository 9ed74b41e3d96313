"""``co-reply``: replies to the same post."""

from __future__ import annotations

import duckdb

from onevoice.detect.params import DetectParams

NAME = "co-reply"
DESCRIPTION = "replies to the same post."


def shares_sql(con: duckdb.DuckDBPyConnection, params: DetectParams) -> str:
    """One row per (post, item): the post replied to."""
    return f"""
        SELECT account_id, post_id, reply_to AS item, created_at AS ts
        FROM posts WHERE reply_to IS NOT NULL AND {params.posts_filter()}
    """
