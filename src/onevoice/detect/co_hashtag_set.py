"""``co-hashtag-set``: the same set of two or more hashtags (order ignored)."""

from __future__ import annotations

import duckdb

from onevoice.detect.params import DetectParams

NAME = "co-hashtag-set"
DESCRIPTION = "the same set of two or more hashtags (order ignored)."


def shares_sql(con: duckdb.DuckDBPyConnection, params: DetectParams) -> str:
    """One row per (post, item): the sorted hashtag set of an original post with two or more."""
    return f"""
        SELECT account_id, post_id, array_to_string(list_sort(list_distinct(hashtags)), ' ')
               AS item, created_at AS ts
        FROM posts
        WHERE repost_of IS NULL AND len(list_distinct(hashtags)) >= 2 AND {params.posts_filter()}
    """
