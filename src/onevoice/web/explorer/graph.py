"""The graph view's data: the members with the highest PageRank and the edges between them.

Edges of several kinds between the same pair are merged into one (weights summed, kinds
listed), since the drawing shows who is connected, and the evidence table the details.
Both lists are capped (:data:`MAX_NODES`, :data:`MAX_GRAPH_EDGES`) so that a browser draws a
network of ten thousand accounts in reasonable time; hubs always come first.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from onevoice.store import Store
from onevoice.web.explorer.data import (
    _ACCOUNTS_CTE,
    _INTERNAL,
    _MEMBERS_CTE,
    _count,
    _rows,
    _summary,
    read_cached,
)

__all__ = ["MAX_GRAPH_EDGES", "MAX_NODES", "Graph", "GraphEdge", "GraphNode", "load_graph"]

#: Nodes and edges drawn in the graph view.
MAX_NODES = 400
MAX_GRAPH_EDGES = 3000


class GraphNode(BaseModel):
    id: str
    label: str
    platform: str | None
    is_hub: bool
    weighted_degree: int
    pagerank: float


class GraphEdge(BaseModel):
    source: str
    target: str
    weight: int
    kinds: list[str]


class Graph(BaseModel):
    """The members with the highest PageRank and the heaviest edges between them."""

    run_id: str
    network_id: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    nodes_total: int
    edges_total: int


def load_graph(
    store_path: Path | None,
    run_id: str,
    network_id: int,
    *,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_GRAPH_EDGES,
) -> Graph:
    """Nodes (members by PageRank) and edges (kinds merged per pair) for the graph view.

    Raises:
        StoreUnavailable: no store, or it cannot be opened.
        NetworkNotFound: no such run or network.
    """
    return read_cached(
        store_path,
        ("graph", run_id, network_id, max_nodes, max_edges),
        lambda st: _graph(st, run_id, network_id, max_nodes, max_edges),
    )


def _graph(store: Store, run_id: str, network_id: int, max_nodes: int, max_edges: int) -> Graph:
    _run, summary = _summary(store, run_id, network_id)
    nodes = [
        GraphNode(
            id=r["account_id"],
            label=r["label"],
            platform=r["platform"],
            is_hub=r["is_hub"],
            weighted_degree=r["weighted_degree"],
            pagerank=r["pagerank"],
        )
        for r in _rows(
            store,
            f"WITH {_MEMBERS_CTE}, {_ACCOUNTS_CTE}"
            " SELECT m.account_id, coalesce('@' || ltrim(a.handle, '@'), m.account_id)"
            " AS label, coalesce(a.platform, split_part(m.account_id, ':', 1)) AS platform,"
            " m.is_hub, m.weighted_degree, m.pagerank FROM m LEFT JOIN a USING (account_id)"
            " ORDER BY m.is_hub DESC, m.pagerank DESC, m.account_id LIMIT $lim",
            {"run": run_id, "net": network_id, "lim": max_nodes},
        )
    ]
    ids = [n.id for n in nodes]
    pair_sql = (
        f"WITH {_MEMBERS_CTE}, pairs AS (SELECT e.account_a AS source, e.account_b AS target,"
        " sum(e.weight)::BIGINT AS weight, list(DISTINCT e.kind ORDER BY e.kind) AS kinds"
        f" {_INTERNAL} GROUP BY ALL)"
    )
    p = {"run": run_id, "net": network_id}
    edges_total = _count(store, f"{pair_sql} SELECT count(*) FROM pairs", p)
    edges = _rows(
        store,
        f"{pair_sql} SELECT * FROM pairs WHERE list_contains($ids, source)"
        " AND list_contains($ids, target)"
        " ORDER BY weight DESC, source, target LIMIT $lim",
        {**p, "ids": ids, "lim": max_edges},
    )
    return Graph(
        run_id=run_id,
        network_id=network_id,
        nodes=nodes,
        edges=[GraphEdge(**e) for e in edges],
        nodes_total=int(summary.size),
        edges_total=edges_total,
    )
