"""``co-image``: the same image (perceptual or content hash, where the export gives one)."""

from __future__ import annotations

import duckdb

from onevoice.detect.params import DetectParams

NAME = "co-image"
DESCRIPTION = "the same image (perceptual or content hash, where the export gives one)."


def shares_sql(con: duckdb.DuckDBPyConnection, params: DetectParams) -> str:
    """One row per (post, item): each media hash of a post."""
    return f"""
        SELECT account_id, post_id, unnest(media_hashes) AS item, created_at AS ts
        FROM posts WHERE {params.posts_filter()}
    """
