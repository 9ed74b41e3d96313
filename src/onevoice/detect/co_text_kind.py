"""``co-text``: near-identical texts (MinHash LSH over word and character shingles).

The near-duplicate groups come from :func:`onevoice.detect.co_text.near_duplicate_items`;
a group is then an item like a shared URL, so two accounts posting texts of one group
within the window are co-sharing.
"""

from __future__ import annotations

import duckdb

from onevoice.detect.params import DetectParams

NAME = "co-text"
DESCRIPTION = "near-identical texts, in any language or script (MinHash LSH)."


def shares_sql(con: duckdb.DuckDBPyConnection, params: DetectParams) -> str:
    """One row per post that has near-duplicates by other accounts: its group."""
    from onevoice.detect.co_text import near_duplicate_items

    table = near_duplicate_items(con, threshold=params.text_threshold, seed=params.seed)
    return f"""
        SELECT p.account_id, p.post_id, t.item, p.created_at AS ts
        FROM posts p JOIN {table} t USING (post_id)
        WHERE {params.posts_filter()}
    """
