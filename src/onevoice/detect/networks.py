"""Coordination networks: Leiden communities of the coordination graph, their hubs and evidence.

Method
------
The run's ``coord_edges`` (one row per kind and unordered account pair, already thresholded)
are folded into one undirected graph: the weight of a pair is the sum of its kinds' weights
(distinct items co-shared), and each kind's row is kept as evidence. Vertices are added in
account-id order and edges in pair order, so the same edges always give the same graph.

Communities are found with the **Leiden** algorithm (Traag, Waltman & van Eck 2019),
optimising weighted modularity at ``resolution`` until an iteration no longer improves it.
igraph draws its random numbers from a :class:`random.Random` seeded with ``seed`` (the
process-wide generator is left alone and restored afterwards), so the same edges and seed give
the same communities. A community of one account is not a network: coordination takes two.
Networks are numbered 1, 2, … by size (largest first), then by their smallest account id.

Per member: degree and weighted degree *inside* its network, and weighted **PageRank**
(Page, Brin, Motwani & Winograd 1999) on the whole thresholded graph, rounded to 12 decimals
so that equal scores compare equal on every platform. The **hubs** of a network are the top
``hub_share`` of its members (⌊share × size⌋, at least one) by weighted degree inside the
network, ties broken by PageRank, then by account id; ``hubs`` lists them in that order.
Ranking coordinated accounts by their weighted centrality in the co-sharing graph follows
Pacheco et al. (2021).

The ``evidence`` JSON of a network::

    {"kinds": {"co-link": {"edges": 12, "weight": 40, "post_pairs": 77,
                           "heaviest": [{"account_a", "account_b", "weight", "post_pairs",
                                         "first_ts", "last_ts", "min_dt_s", "median_dt_s",
                                         "items"}, …5]}, …},
     "coordinated_posts": 31, "posts": 58}

``coordinated_share`` is an approximation: the share of the members' posts (all of their
posts in the store) that carry one of the items their network's internal edges name: a URL
for co-link, a domain for co-domain, a hashtag or hashtag set, a reposted or replied-to post,
a media hash. It undercounts, because each edge keeps only a sample of its items (the first
ten by time) and ``co-text`` groups are not stored with the posts; and it overcounts, because
a post counts even when it fell outside every window (the same link posted again a week
later). ``evidence`` keeps the two counts behind it (``coordinated_posts`` and ``posts``).

References
----------
- Traag, V. A., Waltman, L., & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
  well-connected communities. *Scientific Reports* 9, 5233. doi:10.1038/s41598-019-41695-z
- Page, L., Brin, S., Motwani, R., & Winograd, T. (1999). The PageRank citation ranking:
  bringing order to the web. Stanford InfoLab technical report 1999-66.
- Pacheco, D., Hui, P.-M., Torres-Lugo, C., Truong, B. T., Flammini, A., & Menczer, F.
  (2021). Uncovering coordinated networks on social media: methods and case studies.
  *Proceedings of ICWSM* 15, 455–466.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import duckdb
import igraph  # type: ignore[import-untyped]
import pyarrow as pa

from onevoice.errors import UsageError
from onevoice.ingest.normalise import url_domain

__all__ = ["build_networks"]

#: Items listed in ``networks.top_items`` and ``top_domains``.
TOP_ITEMS = 10
#: Heaviest edges per kind kept in ``networks.evidence``.
EVIDENCE_EDGES = 5
#: PageRank is rounded to this many decimals (stable ties, stable outputs).
PAGERANK_DECIMALS = 12

#: Which ``posts`` values an item of each kind is, for ``coordinated_share``. ``hashtag_set``
#: is computed the way co-hashtag-set builds its items. A kind not listed (a newer one) is
#: looked up in every column; ``co-text`` groups are not stored with the posts at all.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "co-link": ("urls",),
    "co-domain": ("domains",),
    "co-hashtag": ("hashtags",),
    "co-hashtag-set": ("hashtag_set",),
    "co-repost": ("repost_of",),
    "co-reply": ("reply_to",),
    "co-image": ("media_hashes",),
    "co-text": (),
}
_ALL_FIELDS = (
    "urls",
    "domains",
    "hashtags",
    "hashtag_set",
    "repost_of",
    "reply_to",
    "media_hashes",
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Kinds whose items are domains themselves (other kinds give domains through URL items).
DOMAIN_KINDS = frozenset({"co-domain"})


class _KindEdge(NamedTuple):
    """One ``coord_edges`` row; times in microseconds since the epoch (cheaper to fetch)."""

    kind: str
    a: str
    b: str
    weight: int
    post_pairs: int
    first_us: int
    last_us: int
    min_dt_s: float
    median_dt_s: float
    items: tuple[str, ...]


@dataclass
class _Network:
    network_id: int
    members: list[str]
    hubs: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    first_us: int | None = None
    last_us: int | None = None
    edges: int = 0
    total_weight: int = 0
    top_items: list[str] = field(default_factory=list)
    top_domains: list[str] = field(default_factory=list)
    coordinated_share: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def build_networks(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    hub_share: float = 0.1,
) -> int:
    """Group the coordination edges of ``run_id`` into networks and write them.

    Fills ``networks`` and ``network_members`` for ``run_id`` after deleting that run's
    earlier rows there, in one transaction: its own, or the caller's when one is open
    (:func:`onevoice.detect.run.detect` runs everything in one).

    Args:
        con: a connection to the store.
        run_id: the detection run whose ``coord_edges`` to read.
        seed: seeds Leiden; the same edges and seed give the same networks.
        resolution: Leiden's modularity resolution (higher: smaller networks).
        hub_share: the share of each network's members named hubs, in (0, 1]; at least one.

    Returns:
        The number of networks written.

    Raises:
        UsageError: ``resolution`` is not positive or ``hub_share`` is not in (0, 1].

    Examples:
        >>> from onevoice.store import Store
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d, Store(d) as s:
        ...     _ = s.con.execute(
        ...         "INSERT INTO coord_edges VALUES ('r', 'co-link', 'x:1', 'x:2', 3, 3, "
        ...         "'2024-01-01', '2024-01-01', 1, 1, ['https://a.org/'])")
        ...     build_networks(s.con, "r")
        1
    """
    if not resolution > 0 or not math.isfinite(resolution):
        raise UsageError(f"bad resolution {resolution}", hint="a positive number such as 1.0")
    if not 0 < hub_share <= 1:
        raise UsageError(f"bad hub share {hub_share}", hint="a share in (0, 1], such as 0.1")
    edges = _read_edges(con, run_id)
    accounts = sorted({e.a for e in edges} | {e.b for e in edges})
    index = {acc: i for i, acc in enumerate(accounts)}
    pair_weight: dict[tuple[str, str], int] = defaultdict(int)
    for e in edges:
        pair_weight[(e.a, e.b)] += e.weight
    pairs = sorted(pair_weight)
    graph = igraph.Graph(n=len(accounts), edges=[(index[a], index[b]) for a, b in pairs])
    graph.es["weight"] = [float(pair_weight[p]) for p in pairs]

    membership = _leiden(graph, seed=seed, resolution=resolution)
    pagerank = dict(zip(accounts, _pagerank(graph), strict=True))
    networks = _number_communities(accounts, membership)
    network_of = {acc: net.network_id for net in networks for acc in net.members}

    # Per-member strength inside its network, and each network's internal kind-edges.
    degree: dict[str, int] = defaultdict(int)
    strength: dict[str, int] = defaultdict(int)
    for (a, b), w in pair_weight.items():
        if a in network_of and network_of.get(b) == network_of[a]:
            for acc in (a, b):
                degree[acc] += 1
                strength[acc] += w
    internal: dict[int, list[_KindEdge]] = defaultdict(list)
    for e in edges:
        if e.a in network_of and network_of.get(e.b) == network_of[e.a]:
            internal[network_of[e.a]].append(e)

    member_rows: list[tuple[str, int, bool, int, int, float]] = []
    for net in networks:
        _describe(net, internal[net.network_id])
        ranked = sorted(net.members, key=lambda acc: (-strength[acc], -pagerank[acc], acc))
        net.hubs = ranked[: _hub_count(len(net.members), hub_share)]  # the most central first
        hubs = set(net.hubs)
        member_rows.extend(
            (acc, net.network_id, acc in hubs, degree[acc], strength[acc], pagerank[acc])
            for acc in net.members
        )
    _coordinated_share(con, networks, internal)
    _write(con, run_id, networks, member_rows)
    return len(networks)


# -- graph -----------------------------------------------------------------------------------


def _read_edges(con: duckdb.DuckDBPyConnection, run_id: str) -> list[_KindEdge]:
    """The run's edges in a total order (so the thread count of the scan cannot matter)."""
    rows = con.execute(
        """
        SELECT kind, least(account_a, account_b), greatest(account_a, account_b), weight,
               post_pairs, epoch_us(first_ts), epoch_us(last_ts), min_dt_s, median_dt_s,
               [x FOR x IN shared_items IF x IS NOT NULL]
        FROM coord_edges
        WHERE run_id = ? AND account_a <> account_b
        ORDER BY 2, 3, 1, weight DESC, first_ts, last_ts, post_pairs, min_dt_s, median_dt_s,
                 shared_items
        """,
        [run_id],
    ).fetchall()
    # The SQL types are the tuple's types already: no per-value conversion.
    return [
        _KindEdge(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], tuple(r[9])) for r in rows
    ]


def _leiden(graph: igraph.Graph, *, seed: int, resolution: float) -> list[int]:
    """Leiden membership (modularity, weighted), reproducible for ``seed``."""
    if graph.vcount() == 0:
        return []
    igraph.set_random_number_generator(random.Random(seed))
    try:
        clustering = graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        igraph.set_random_number_generator(random)  # igraph's default
    return [int(m) for m in clustering.membership]


def _pagerank(graph: igraph.Graph) -> list[float]:
    """Weighted PageRank of every vertex (damping 0.85), rounded."""
    if graph.vcount() == 0:
        return []
    scores = graph.pagerank(directed=False, weights="weight")
    return [round(float(s), PAGERANK_DECIMALS) for s in scores]


def _number_communities(accounts: Sequence[str], membership: Sequence[int]) -> list[_Network]:
    """Communities of two or more accounts, numbered by size then smallest member."""
    groups: dict[int, list[str]] = defaultdict(list)
    for acc, m in zip(accounts, membership, strict=True):
        groups[m].append(acc)
    kept = sorted(
        (sorted(members) for members in groups.values() if len(members) >= 2),
        key=lambda members: (-len(members), members[0]),
    )
    return [_Network(network_id=i, members=m) for i, m in enumerate(kept, start=1)]


def _hub_count(size: int, share: float) -> int:
    """⌊share·size⌋, at least one (rounded first so 0.3·10 is 3, not 2.999…)."""
    return max(1, math.floor(round(share * size, 9)))


# -- description -----------------------------------------------------------------------------


def _describe(net: _Network, edges: list[_KindEdge]) -> None:
    """Fill kinds, time span, edge counts, top items and domains, and per-kind evidence."""
    net.kinds = sorted({e.kind for e in edges})
    net.edges = len({(e.a, e.b) for e in edges})
    net.total_weight = sum(e.weight for e in edges)
    net.first_us = min((e.first_us for e in edges), default=None)
    net.last_us = max((e.last_us for e in edges), default=None)
    items: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    for e in edges:
        named = set(e.items)
        items.update(named)
        domains.update(_domains(e.kind, named))
    net.top_items = _top(items)
    net.top_domains = _top(domains)
    kinds: dict[str, Any] = {}
    for kind in net.kinds:
        of_kind = [e for e in edges if e.kind == kind]
        heaviest = sorted(of_kind, key=lambda e: (-e.weight, -e.post_pairs, e.a, e.b))
        kinds[kind] = {
            "edges": len(of_kind),
            "weight": sum(e.weight for e in of_kind),
            "post_pairs": sum(e.post_pairs for e in of_kind),
            "heaviest": [_edge_json(e) for e in heaviest[:EVIDENCE_EDGES]],
        }
    net.evidence = {"kinds": kinds}


def _domains(kind: str, items: Iterable[str]) -> set[str]:
    if kind in DOMAIN_KINDS:
        return set(items)
    found = set()
    for item in items:
        if item[:7].lower() == "http://" or item[:8].lower() == "https://":
            domain = url_domain(item)
            if domain:
                found.add(domain)
    return found


def _top(counts: Counter[str]) -> list[str]:
    """The most frequent keys, ties by key."""
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ITEMS]]


def _datetime(us: int | None) -> datetime | None:
    return None if us is None else _EPOCH + timedelta(microseconds=us)


def _iso(us: int) -> str:
    return (_EPOCH + timedelta(microseconds=us)).isoformat().replace("+00:00", "Z")


def _edge_json(e: _KindEdge) -> dict[str, Any]:
    return {
        "account_a": e.a,
        "account_b": e.b,
        "weight": e.weight,
        "post_pairs": e.post_pairs,
        "first_ts": _iso(e.first_us),
        "last_ts": _iso(e.last_us),
        "min_dt_s": e.min_dt_s,
        "median_dt_s": e.median_dt_s,
        "items": list(e.items),
    }


def _coordinated_share(
    con: duckdb.DuckDBPyConnection,
    networks: list[_Network],
    internal: dict[int, list[_KindEdge]],
) -> None:
    """Set each network's ``coordinated_share`` (see the module docstring) and its counts."""
    if not networks:
        return
    members = pa.table(
        {
            "network_id": pa.array(
                [n.network_id for n in networks for _ in n.members], type=pa.int32()
            ),
            "account_id": pa.array([a for n in networks for a in n.members], type=pa.string()),
        }
    )
    item_rows: set[tuple[int, str, str]] = set()
    for net in networks:
        for e in internal[net.network_id]:
            for column in KIND_FIELDS.get(e.kind, _ALL_FIELDS):
                item_rows.update((net.network_id, column, item) for item in e.items)
    ordered = sorted(item_rows)
    items = pa.table(
        {
            "network_id": pa.array([r[0] for r in ordered], type=pa.int32()),
            "col": pa.array([r[1] for r in ordered], type=pa.string()),
            "item": pa.array([r[2] for r in ordered], type=pa.string()),
        }
    )
    con.register("_ov_net_members", members)
    con.register("_ov_net_items", items)
    try:
        rows = con.execute(
            """
            WITH mp AS (
                SELECT m.network_id, p.post_id, p.urls, p.domains, p.hashtags, p.media_hashes,
                       p.repost_of, p.repost_extra, p.reply_to,
                       array_to_string(list_sort(list_distinct(p.hashtags)), ' ') AS hashtag_set
                FROM posts p JOIN _ov_net_members m ON p.account_id = m.account_id
            ),
            vals AS (
                SELECT network_id, post_id, 'urls' AS col, unnest(urls) AS v FROM mp
                UNION ALL SELECT network_id, post_id, 'domains', unnest(domains) FROM mp
                UNION ALL SELECT network_id, post_id, 'hashtags', unnest(hashtags) FROM mp
                UNION ALL SELECT network_id, post_id, 'media_hashes', unnest(media_hashes)
                          FROM mp
                UNION ALL SELECT network_id, post_id, 'repost_of', unnest(repost_extra) FROM mp
                UNION ALL SELECT network_id, post_id, 'repost_of', repost_of FROM mp
                UNION ALL SELECT network_id, post_id, 'reply_to', reply_to FROM mp
                UNION ALL SELECT network_id, post_id, 'hashtag_set', hashtag_set FROM mp
                          WHERE len(list_distinct(hashtags)) >= 2
            ),
            hit AS (
                SELECT DISTINCT v.network_id, v.post_id
                FROM vals v JOIN _ov_net_items i
                  ON v.network_id = i.network_id AND v.col = i.col AND v.v = i.item
            )
            SELECT t.network_id, t.posts, coalesce(h.hits, 0)
            FROM (SELECT network_id, count(DISTINCT post_id) AS posts FROM mp GROUP BY 1) t
            LEFT JOIN (SELECT network_id, count(*) AS hits FROM hit GROUP BY 1) h
              USING (network_id)
            ORDER BY 1
            """
        ).fetchall()
    finally:
        con.unregister("_ov_net_members")
        con.unregister("_ov_net_items")
    counts = {int(r[0]): (int(r[1]), int(r[2])) for r in rows}
    for net in networks:
        posts, hits = counts.get(net.network_id, (0, 0))
        net.coordinated_share = hits / posts if posts else None
        net.evidence["coordinated_posts"] = hits
        net.evidence["posts"] = posts


# -- writing ---------------------------------------------------------------------------------


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an explicit transaction is open (auto-commit gives each statement its own id).

    Probing with ``BEGIN`` would abort the caller's transaction, hence the two ids.
    """
    first = con.execute("SELECT txid_current()").fetchall()
    second = con.execute("SELECT txid_current()").fetchall()
    return first == second


def _write(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    networks: list[_Network],
    member_rows: list[tuple[str, int, bool, int, int, float]],
) -> None:
    ts = pa.timestamp("us", tz="UTC")
    strings = pa.list_(pa.string())
    net_table = pa.table(
        {
            "network_id": pa.array([n.network_id for n in networks], type=pa.int32()),
            "size": pa.array([len(n.members) for n in networks], type=pa.int32()),
            "members": pa.array([n.members for n in networks], type=strings),
            "hubs": pa.array([n.hubs for n in networks], type=strings),
            "kinds": pa.array([n.kinds for n in networks], type=strings),
            "first_ts": pa.array([_datetime(n.first_us) for n in networks], type=ts),
            "last_ts": pa.array([_datetime(n.last_us) for n in networks], type=ts),
            "edges": pa.array([n.edges for n in networks], type=pa.int32()),
            "total_weight": pa.array([n.total_weight for n in networks], type=pa.int64()),
            "top_items": pa.array([n.top_items for n in networks], type=strings),
            "top_domains": pa.array([n.top_domains for n in networks], type=strings),
            "coordinated_share": pa.array(
                [n.coordinated_share for n in networks], type=pa.float64()
            ),
            "evidence": pa.array(
                [json.dumps(n.evidence, ensure_ascii=False, sort_keys=True) for n in networks],
                type=pa.string(),
            ),
        }
    )
    mem_table = pa.table(
        {
            "account_id": pa.array([r[0] for r in member_rows], type=pa.string()),
            "network_id": pa.array([r[1] for r in member_rows], type=pa.int32()),
            "is_hub": pa.array([r[2] for r in member_rows], type=pa.bool_()),
            "degree": pa.array([r[3] for r in member_rows], type=pa.int32()),
            "weighted_degree": pa.array([r[4] for r in member_rows], type=pa.int64()),
            "pagerank": pa.array([r[5] for r in member_rows], type=pa.float64()),
        }
    )
    own = not _in_transaction(con)
    con.register("_ov_new_networks", net_table)
    con.register("_ov_new_members", mem_table)
    try:
        if own:
            con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM networks WHERE run_id = ?", [run_id])
            con.execute("DELETE FROM network_members WHERE run_id = ?", [run_id])
            con.execute(
                """
                INSERT INTO networks (run_id, network_id, size, members, hubs, kinds, first_ts,
                    last_ts, edges, total_weight, top_items, top_domains, coordinated_share,
                    evidence)
                SELECT ?, network_id, size, members, hubs, kinds, first_ts, last_ts, edges,
                       total_weight, top_items, top_domains, coordinated_share, evidence::JSON
                FROM _ov_new_networks ORDER BY network_id
                """,
                [run_id],
            )
            con.execute(
                """
                INSERT INTO network_members (run_id, account_id, network_id, is_hub, degree,
                    weighted_degree, pagerank)
                SELECT ?, account_id, network_id, is_hub, degree, weighted_degree, pagerank
                FROM _ov_new_members ORDER BY network_id, account_id
                """,
                [run_id],
            )
            if own:
                con.execute("COMMIT")
        except BaseException:
            if own:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
            raise
    finally:
        con.unregister("_ov_new_networks")
        con.unregister("_ov_new_members")
