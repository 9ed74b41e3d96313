"""Write a narratives run to the store: ``narratives`` and ``narrative_posts``, one transaction.

A run's id is a hash of its parameters and data, so running the same thing again gives the
same id: its earlier rows are replaced (by identical ones) instead of doubled. Other runs'
rows are left alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb
import orjson
import pyarrow as pa

from onevoice.store import Store

if TYPE_CHECKING:
    from onevoice.claims.narratives import Narrative

__all__ = ["write_narratives"]


def write_narratives(store: Store, run_id: str, narratives: Sequence[Narrative]) -> None:
    """Replace run ``run_id``'s rows with ``narratives`` (one transaction)."""
    con = store.con
    heads = pa.table(
        {
            "run_id": pa.array([run_id] * len(narratives), pa.string()),
            "narrative_id": [n.narrative_id for n in narratives],
            "window_start": pa.array(
                [n.window_start for n in narratives], pa.timestamp("us", "UTC")
            ),
            "window_end": pa.array([n.window_end for n in narratives], pa.timestamp("us", "UTC")),
            "label": pa.array([n.label for n in narratives], pa.string()),
            "medoid_post_id": pa.array([n.medoid_post_id for n in narratives], pa.string()),
            "terms": pa.array([n.terms for n in narratives], pa.list_(pa.string())),
            "size": pa.array([n.size for n in narratives], pa.int32()),
            "accounts": pa.array([n.accounts for n in narratives], pa.int32()),
            "langs": pa.array([n.langs for n in narratives], pa.list_(pa.string())),
            "platforms": pa.array([n.platforms for n in narratives], pa.list_(pa.string())),
            "first_ts": pa.array([n.first_ts for n in narratives], pa.timestamp("us", "UTC")),
            "last_ts": pa.array([n.last_ts for n in narratives], pa.timestamp("us", "UTC")),
            "growth": pa.array([n.growth for n in narratives], pa.float64()),
            "networks": pa.array(
                [
                    None if n.networks is None else orjson.dumps(n.networks).decode()
                    for n in narratives
                ],
                pa.string(),
            ),
        }
    )
    posts = pa.table(
        {
            "run_id": pa.array([run_id for n in narratives for _ in n.posts], pa.string()),
            "narrative_id": pa.array(
                [n.narrative_id for n in narratives for _ in n.posts], pa.string()
            ),
            "post_id": pa.array([p for n in narratives for p, _ in n.posts], pa.string()),
            "similarity": pa.array([c for n in narratives for _, c in n.posts], pa.float64()),
        }
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM narratives WHERE run_id = ?", [run_id])
        con.execute("DELETE FROM narrative_posts WHERE run_id = ?", [run_id])
        con.register("_narr_heads", heads)
        con.register("_narr_posts", posts)
        con.execute(
            "INSERT INTO narratives SELECT run_id, narrative_id, window_start, window_end, "
            "label, medoid_post_id, terms, size, accounts, langs, platforms, first_ts, "
            "last_ts, growth, networks::JSON FROM _narr_heads"
        )
        con.execute("INSERT INTO narrative_posts SELECT * FROM _narr_posts")
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister("_narr_heads")
            con.unregister("_narr_posts")
