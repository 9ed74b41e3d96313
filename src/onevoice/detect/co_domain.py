"""``co-domain``: the same domain (host without www.; plain reposts left out)."""

from __future__ import annotations

import duckdb

from onevoice.detect.params import DetectParams

NAME = "co-domain"
DESCRIPTION = "the same domain (host without www.; plain reposts left out)."


def shares_sql(con: duckdb.DuckDBPyConnection, params: DetectParams) -> str:
    """One row per (post, item): each domain linked by an original post."""
    return f"""
        SELECT account_id, post_id, unnest(domains) AS item, created_at AS ts
        FROM posts WHERE repost_of IS NULL AND {params.posts_filter()}
    """
