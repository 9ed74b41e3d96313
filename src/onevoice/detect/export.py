"""Write a detection run for people and for graph tools: CSV, GEXF 1.3 and GraphML.

:func:`write_outputs` reads what :mod:`onevoice.detect.networks` stored under a run and
writes four files:

- ``edges.csv``: every ``coord_edges`` row of the run (one per kind and account pair), with
  the accounts' handles and the sampled items joined by a space;
- ``networks.csv``: one row per account in a network, with its network, hub flag, degree,
  weighted degree and PageRank, platform, handle, display name and number of posts;
- ``graph.gexf`` (GEXF 1.3, for Gephi) and ``graph.graphml`` (for networkx, igraph, Cytoscape):
  the network members as nodes (label = handle; attributes ``network_id``, ``is_hub``,
  ``pagerank``, ``platform``) and the run's edges between them, one per kind (attributes
  ``weight`` and ``kind``). Edges between two networks are kept: they show how the networks
  touch. In GEXF every network has its own ``viz:color``, and each edge's ``kind`` is also
  GEXF 1.3's native multigraph edge kind, so Gephi keeps parallel edges of different kinds
  apart instead of merging them.

Everything is sorted and formatted without clocks or random numbers, so the same run gives
byte-identical files: they can be diffed, hashed and attached to a case as evidence. XML is
written with :mod:`xml.etree.ElementTree` (no extra dependency).
"""

from __future__ import annotations

import colorsys
import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

__all__ = ["EDGE_COLUMNS", "NETWORK_COLUMNS", "network_color", "write_outputs"]

EDGE_COLUMNS = (
    "kind",
    "account_a",
    "account_b",
    "handle_a",
    "handle_b",
    "weight",
    "post_pairs",
    "first_ts",
    "last_ts",
    "min_dt_s",
    "median_dt_s",
    "shared_items",
)
NETWORK_COLUMNS = (
    "account_id",
    "network_id",
    "is_hub",
    "degree",
    "weighted_degree",
    "pagerank",
    "platform",
    "handle",
    "display_name",
    "posts",
)

GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: Colours of networks 1–12 (ColorBrewer "Paired", reordered so neighbours differ);
#: later networks get golden-angle hues.
PALETTE: tuple[tuple[int, int, int], ...] = (
    (31, 120, 180),
    (227, 26, 28),
    (51, 160, 44),
    (255, 127, 0),
    (106, 61, 154),
    (177, 89, 40),
    (166, 206, 227),
    (251, 154, 153),
    (178, 223, 138),
    (253, 191, 111),
    (202, 178, 214),
    (255, 255, 153),
)


@dataclass(frozen=True)
class _Member:
    account_id: str
    network_id: int
    is_hub: bool
    degree: int
    weighted_degree: int
    pagerank: float
    platform: str
    handle: str | None
    display_name: str | None
    posts: int

    @property
    def label(self) -> str:
        return self.handle or self.account_id


@dataclass(frozen=True)
class _Edge:
    kind: str
    a: str
    b: str
    handle_a: str | None
    handle_b: str | None
    weight: int
    post_pairs: int
    first_ts: datetime
    last_ts: datetime
    min_dt_s: float
    median_dt_s: float
    items: tuple[str, ...]


def write_outputs(con: duckdb.DuckDBPyConnection, run_id: str, out_dir: Path) -> list[Path]:
    """Write ``edges.csv``, ``networks.csv``, ``graph.gexf`` and ``graph.graphml`` of a run.

    Args:
        con: a connection to the store.
        run_id: the detection run (its ``coord_edges``, ``networks``, ``network_members``).
        out_dir: the folder to write into (created if missing; the four files are replaced).

    Returns:
        The paths written, in the order above.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    edges = _read_edges(con, run_id)
    members = _read_members(con, run_id)
    in_network = {m.account_id for m in members}
    graph_edges = [e for e in edges if e.a in in_network and e.b in in_network]
    paths = [
        out_dir / "edges.csv",
        out_dir / "networks.csv",
        out_dir / "graph.gexf",
        out_dir / "graph.graphml",
    ]
    _write_csv(paths[0], EDGE_COLUMNS, (_edge_row(e) for e in edges))
    _write_csv(paths[1], NETWORK_COLUMNS, (_member_row(m) for m in members))
    _write_xml(paths[2], _gexf(members, graph_edges))
    _write_xml(paths[3], _graphml(members, graph_edges))
    return paths


# -- reading ---------------------------------------------------------------------------------

#: One row per account (the accounts table could hold a repeat): the first seen, then by import.
_ACCOUNTS_SQL = """
    SELECT account_id, platform, handle, display_name
    FROM accounts
    QUALIFY row_number() OVER (
        PARTITION BY account_id
        ORDER BY first_seen NULLS LAST, import_id, handle NULLS LAST, display_name NULLS LAST
    ) = 1
"""


def _read_edges(con: duckdb.DuckDBPyConnection, run_id: str) -> list[_Edge]:
    rows = con.execute(
        f"""
        WITH acc AS ({_ACCOUNTS_SQL})
        SELECT e.kind, e.account_a, e.account_b, aa.handle, ab.handle, e.weight, e.post_pairs,
               e.first_ts, e.last_ts, e.min_dt_s, e.median_dt_s, e.shared_items
        FROM coord_edges e
        LEFT JOIN acc aa ON aa.account_id = e.account_a
        LEFT JOIN acc ab ON ab.account_id = e.account_b
        WHERE e.run_id = ?
        ORDER BY e.kind, e.account_a, e.account_b, e.weight DESC, e.first_ts, e.post_pairs
        """,
        [run_id],
    ).fetchall()
    return [
        _Edge(
            kind=str(r[0]),
            a=str(r[1]),
            b=str(r[2]),
            handle_a=r[3],
            handle_b=r[4],
            weight=int(r[5]),
            post_pairs=int(r[6]),
            first_ts=r[7],
            last_ts=r[8],
            min_dt_s=float(r[9]),
            median_dt_s=float(r[10]),
            items=tuple(str(x) for x in (r[11] or ()) if x is not None),
        )
        for r in rows
    ]


def _read_members(con: duckdb.DuckDBPyConnection, run_id: str) -> list[_Member]:
    rows = con.execute(
        f"""
        WITH acc AS ({_ACCOUNTS_SQL}),
        m AS (SELECT * FROM network_members WHERE run_id = ?),
        n AS (
            SELECT p.account_id, count(*) AS posts
            FROM posts p SEMI JOIN m ON p.account_id = m.account_id
            GROUP BY p.account_id
        )
        SELECT m.account_id, m.network_id, m.is_hub, m.degree, m.weighted_degree, m.pagerank,
               coalesce(acc.platform, split_part(m.account_id, ':', 1)), acc.handle,
               acc.display_name, coalesce(n.posts, 0)
        FROM m
        LEFT JOIN acc ON acc.account_id = m.account_id
        LEFT JOIN n ON n.account_id = m.account_id
        ORDER BY m.network_id, m.account_id
        """,
        [run_id],
    ).fetchall()
    return [
        _Member(
            account_id=str(r[0]),
            network_id=int(r[1]),
            is_hub=bool(r[2]),
            degree=int(r[3]),
            weighted_degree=int(r[4]),
            pagerank=float(r[5]),
            platform=str(r[6]),
            handle=r[7],
            display_name=r[8],
            posts=int(r[9]),
        )
        for r in rows
    ]


# -- formatting ------------------------------------------------------------------------------


def _iso(ts: datetime) -> str:
    """UTC ISO 8601 with ``Z`` (microseconds only when there are any)."""
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _num(x: float) -> str:
    """Shortest round-trip text of a float (``repr``), the same on every platform."""
    return repr(float(x))


def _bool(b: bool) -> str:
    return "true" if b else "false"


def _edge_row(e: _Edge) -> list[str]:
    return [
        e.kind,
        e.a,
        e.b,
        e.handle_a or "",
        e.handle_b or "",
        str(e.weight),
        str(e.post_pairs),
        _iso(e.first_ts),
        _iso(e.last_ts),
        _num(e.min_dt_s),
        _num(e.median_dt_s),
        " ".join(e.items),
    ]


def _member_row(m: _Member) -> list[str]:
    return [
        m.account_id,
        str(m.network_id),
        _bool(m.is_hub),
        str(m.degree),
        str(m.weighted_degree),
        _num(m.pagerank),
        m.platform,
        m.handle or "",
        m.display_name or "",
        str(m.posts),
    ]


def network_color(network_id: int) -> tuple[int, int, int]:
    """The RGB colour of a network in GEXF: a fixed palette, then golden-angle hues.

    >>> network_color(1)
    (31, 120, 180)
    """
    if 1 <= network_id <= len(PALETTE):
        return PALETTE[network_id - 1]
    hue = (network_id * 0.618033988749895) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.65, 0.85)
    return round(r * 255), round(g * 255), round(b * 255)


def _write_csv(path: Path, header: tuple[str, ...], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_xml(path: Path, root: ET.Element) -> None:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    path.write_bytes(('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"))


#: Characters XML 1.0 cannot hold even escaped (control characters, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: str) -> str:
    """``value`` with what XML 1.0 cannot hold replaced by U+FFFD (a handle with a BEL in it
    would otherwise make the whole file unreadable)."""
    return _NOT_XML.sub("\ufffd", value)


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k: _xml_text(v) for k, v in attrs.items()})


# -- GEXF 1.3 --------------------------------------------------------------------------------


def _gexf(members: list[_Member], edges: list[_Edge]) -> ET.Element:
    # Namespaces as plain attributes: ET.register_namespace would change global state.
    root = ET.Element(
        "gexf",
        {
            "xmlns": GEXF_NS,
            "xmlns:viz": GEXF_VIZ_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd",
            "version": "1.3",
        },
    )
    meta = _sub(root, "meta")
    _sub(meta, "creator").text = "OneVoice"
    _sub(meta, "description").text = "Coordinated account networks (onevoice detect)"
    graph = _sub(root, "graph", defaultedgetype="undirected", mode="static")
    node_attrs = _sub(graph, "attributes", **{"class": "node", "mode": "static"})
    for name, typ in (
        ("network_id", "integer"),
        ("is_hub", "boolean"),
        ("pagerank", "double"),
        ("platform", "string"),
    ):
        _sub(node_attrs, "attribute", id=name, title=name, type=typ)
    edge_attrs = _sub(graph, "attributes", **{"class": "edge", "mode": "static"})
    _sub(edge_attrs, "attribute", id="kind", title="kind", type="string")

    nodes = _sub(graph, "nodes")
    for m in members:
        node = _sub(nodes, "node", id=m.account_id, label=m.label)
        values = _sub(node, "attvalues")
        _sub(values, "attvalue", **{"for": "network_id", "value": str(m.network_id)})
        _sub(values, "attvalue", **{"for": "is_hub", "value": _bool(m.is_hub)})
        _sub(values, "attvalue", **{"for": "pagerank", "value": _num(m.pagerank)})
        _sub(values, "attvalue", **{"for": "platform", "value": m.platform})
        r, g, b = network_color(m.network_id)
        _sub(node, "viz:color", r=str(r), g=str(g), b=str(b), a="1.0")
    xml_edges = _sub(graph, "edges")
    for i, e in enumerate(edges):
        edge = _sub(
            xml_edges,
            "edge",
            id=f"e{i}",
            source=e.a,
            target=e.b,
            weight=str(e.weight),
            kind=e.kind,
        )
        values = _sub(edge, "attvalues")
        _sub(values, "attvalue", **{"for": "kind", "value": e.kind})
    return root


# -- GraphML ---------------------------------------------------------------------------------

_GRAPHML_KEYS = (
    ("node", "label", "string"),
    ("node", "network_id", "int"),
    ("node", "is_hub", "boolean"),
    ("node", "pagerank", "double"),
    ("node", "platform", "string"),
    ("edge", "weight", "long"),
    ("edge", "kind", "string"),
)


def _graphml(members: list[_Member], edges: list[_Edge]) -> ET.Element:
    root = ET.Element(
        "graphml",
        {
            "xmlns": GRAPHML_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd",
        },
    )
    for domain, name, typ in _GRAPHML_KEYS:
        key_id = f"{domain[0]}_{name}"
        _sub(root, "key", **{"id": key_id, "for": domain, "attr.name": name, "attr.type": typ})
    graph = _sub(root, "graph", id="onevoice", edgedefault="undirected")

    def data(parent: ET.Element, key: str, value: str) -> None:
        _sub(parent, "data", key=key).text = _xml_text(value)

    for m in members:
        node = _sub(graph, "node", id=m.account_id)
        data(node, "n_label", m.label)
        data(node, "n_network_id", str(m.network_id))
        data(node, "n_is_hub", _bool(m.is_hub))
        data(node, "n_pagerank", _num(m.pagerank))
        data(node, "n_platform", m.platform)
    # No edge ids: they are optional, and igraph 1.0 reads them into a wrong ``id`` attribute.
    for e in edges:
        edge = _sub(graph, "edge", source=e.a, target=e.b)
        data(edge, "e_weight", str(e.weight))
        data(edge, "e_kind", e.kind)
    return root
