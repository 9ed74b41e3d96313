"""What the network explorer shows, read from the analytic store (read-only).

Three views of the same data, each a pydantic model that fills both the HTML page and its
JSON twin: :class:`NetworkList` (the detect runs and the networks of one of them),
:class:`NetworkDetail` (one network: summary, hubs, members with their account signals,
shared items and domains, timeline, heaviest edges) and :class:`Graph` (nodes and edges for
the graph view).

The store is opened read-only per request and closed at once, as on the dashboard. Tables are
capped (:data:`MAX_ROWS`) so that a network of ten thousand accounts still answers quickly;
each capped list comes with its full count. The queries join ``network_members`` rather than
passing member lists around (as :func:`onevoice.web.cases.evidence.network_copy` does, which
copies everything uncapped into a case), so their cost follows the network, not the run.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from onevoice.errors import StoreError
from onevoice.store import Store
from onevoice.web.explorer.timeline import Timeline, network_shares

T = TypeVar("T")

__all__ = [
    "MAX_ROWS",
    "SORTS",
    "Edge",
    "ItemCount",
    "Member",
    "NetworkDetail",
    "NetworkList",
    "NetworkNotFound",
    "NetworkSummary",
    "RunRow",
    "StoreUnavailable",
    "load_detail",
    "load_list",
    "read_cached",
]

#: Rows shown in the members and evidence tables (the rest are counted).
MAX_ROWS = 200
#: Sort keys of the list: name → SQL ORDER BY.
SORTS: dict[str, str] = {
    "size": "size DESC, network_id",
    "edges": "edges DESC, network_id",
    "share": "coordinated_share DESC NULLS LAST, network_id",
    "start": "first_ts NULLS LAST, network_id",
    "id": "network_id",
}


class StoreUnavailable(Exception):
    """There is no store, or it cannot be opened; ``status`` says which."""

    def __init__(self, status: Literal["no_store", "unavailable"], message: str) -> None:
        super().__init__(message)
        self.status: Literal["no_store", "unavailable"] = status
        self.message = message


class NetworkNotFound(LookupError):
    """No such detect run, or no such network in it."""


class RunRow(BaseModel):
    run_id: str
    started_at: datetime
    finished_at: datetime | None
    kinds: list[str]
    window_s: float
    min_weight: float
    params: dict[str, Any] = {}
    networks: int = 0


class NetworkSummary(BaseModel):
    network_id: int
    size: int
    kinds: list[str]
    hubs: list[str]
    edges: int
    total_weight: int
    first_ts: datetime | None
    last_ts: datetime | None
    coordinated_share: float | None
    hub_labels: list[str] = []  # @handle where the store knows one, else the account id


class NetworkList(BaseModel):
    """The list page: runs newest first, the chosen run and its (filtered, sorted) networks."""

    status: Literal["ok", "no_store", "unavailable"]
    message: str = ""
    runs: list[RunRow] = []
    run: RunRow | None = None
    kind: str | None = None
    sort: str = "size"
    kinds: list[str] = []  # every kind of every run, for the filter
    networks: list[NetworkSummary] = []


class Signals(BaseModel):
    """An account's signals in the run: hints for an analyst, not verdicts."""

    posts: int | None = None
    interval_entropy: float | None = None
    interval_cv: float | None = None
    hour_entropy: float | None = None
    active_hours: int | None = None
    account_created_at: datetime | None = None
    creation_cohort: int | None = None
    duplicate_text_share: float | None = None
    handle_pattern: str | None = None


class Member(BaseModel):
    account_id: str
    platform: str | None
    handle: str | None
    display_name: str | None
    is_hub: bool
    degree: int
    weighted_degree: int
    pagerank: float
    signals: Signals | None = None


class ItemCount(BaseModel):
    """A shared item (URL, hashtag, post, text) or domain with how much the network shared it."""

    item: str
    kind: str
    posts: int | None = None
    accounts: int
    label: str | None = None  # the text of a post or text item, shortened


class Edge(BaseModel):
    kind: str
    account_a: str
    account_b: str
    label_a: str
    label_b: str
    weight: int
    post_pairs: int
    first_ts: datetime
    last_ts: datetime
    min_dt_s: float
    median_dt_s: float
    shared_items: list[str]


class NetworkDetail(BaseModel):
    """One network; the lists are capped at :data:`MAX_ROWS`, the ``*_total`` are not."""

    run: RunRow
    network: NetworkSummary
    hubs: list[Member]
    members: list[Member]
    members_total: int
    items: list[ItemCount]
    domains: list[ItemCount]
    timeline: Timeline
    edges: list[Edge]
    edges_total: int


def _rows(store: Store, sql: str, params: list[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    cur = store.con.execute(sql, params)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _count(store: Store, sql: str, params: dict[str, Any]) -> int:
    row = store.con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def read_cached(store_path: Path | None, key: Hashable, read: Callable[[Store], T]) -> T:
    """``read(store)`` on the store opened read-only, cached until the store changes.

    See :mod:`onevoice.web.storecache`: a page read by many people costs one ``stat`` until a
    writer commits.

    Raises:
        StoreUnavailable: none is configured or exists there, or it cannot be opened.
    """
    from onevoice.web.storecache import cached_read

    if store_path is None:
        raise StoreUnavailable("no_store", "No analytic store is configured.")
    if not (store_path / "onevoice.duckdb").exists():
        raise StoreUnavailable("no_store", f"There is no store at {store_path} yet.")
    try:
        return cached_read(store_path, key, read)
    except StoreError as exc:
        raise StoreUnavailable("unavailable", exc.message) from exc


def _runs(store: Store) -> list[RunRow]:
    rows = _rows(
        store,
        "SELECT r.run_id, r.started_at, r.finished_at, r.kinds, r.window_s, r.min_weight,"
        " r.params, (SELECT count(*) FROM networks n WHERE n.run_id = r.run_id) AS networks"
        " FROM detect_runs r ORDER BY r.started_at DESC, r.run_id DESC",
        [],
    )
    for r in rows:
        r["params"] = _params(r["params"])
    return [RunRow(**r) for r in rows]


def _params(value: Any) -> dict[str, Any]:
    import json

    parsed = json.loads(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, dict) else {}


_SUMMARY_COLS = (
    "network_id, size, kinds, hubs, edges, total_weight, first_ts, last_ts, coordinated_share"
)


def load_list(
    store_path: Path | None, run: str | None = None, kind: str | None = None, sort: str = "size"
) -> NetworkList:
    """The detect runs and the networks of ``run`` (default: the newest finished run).

    Args:
        store_path: the store directory (``ONEVOICE_STORE``), or None.
        run: a run_id; None or empty for the newest finished run.
        kind: keep networks with this coordination kind only.
        sort: a key of :data:`SORTS` (unknown keys sort by size).

    Raises:
        NetworkNotFound: ``run`` names no detect run.
    """
    sort = sort if sort in SORTS else "size"
    kind = kind or None
    try:
        return read_cached(
            store_path, ("networks", run, kind, sort), lambda st: _list(st, run, kind, sort)
        )
    except StoreUnavailable as exc:
        return NetworkList(status=exc.status, message=exc.message, kind=kind, sort=sort)


def _list(store: Store, run: str | None, kind: str | None, sort: str) -> NetworkList:
    from onevoice.detect.run import latest_run

    runs = _runs(store)
    run_id = run or latest_run(store) or (runs[0].run_id if runs else None)
    chosen = next((r for r in runs if r.run_id == run_id), None)
    if run and chosen is None:
        raise NetworkNotFound(f"no detect run {run!r}")
    networks: list[dict[str, Any]] = []
    if chosen is not None:
        networks = _rows(
            store,
            f"SELECT {_SUMMARY_COLS} FROM networks WHERE run_id = ?"
            " AND (? IS NULL OR list_contains(kinds, ?))"
            f" ORDER BY {SORTS[sort]}",
            [chosen.run_id, kind, kind],
        )
    labels = _handles(store, sorted({h for n in networks for h in n["hubs"]}))
    for n in networks:
        n["hub_labels"] = [labels.get(h) or h for h in n["hubs"]]
    return NetworkList(
        status="ok",
        runs=runs,
        run=chosen,
        kind=kind,
        sort=sort,
        kinds=sorted({k for r in runs for k in r.kinds}),
        networks=[NetworkSummary(**n) for n in networks],
    )


_MEMBERS_CTE = (
    "m AS (SELECT account_id, is_hub, degree, weighted_degree, pagerank FROM network_members"
    " WHERE run_id = $run AND network_id = $net)"
)
_ACCOUNTS_CTE = (
    "a AS (SELECT account_id, min(platform) AS platform, min(handle) AS handle,"
    " min(display_name) AS display_name FROM accounts"
    " WHERE account_id IN (SELECT account_id FROM m) GROUP BY account_id)"
)
_INTERNAL = (
    "FROM coord_edges e WHERE e.run_id = $run"
    " AND e.account_a IN (SELECT account_id FROM m) AND e.account_b IN (SELECT account_id FROM m)"
)
_SIGNAL_COLS = [name for name in Signals.model_fields]


def _summary(store: Store, run_id: str, network_id: int) -> tuple[RunRow, NetworkSummary]:
    run = next((r for r in _runs(store) if r.run_id == run_id), None)
    if run is None:
        raise NetworkNotFound(f"no detect run {run_id!r}")
    rows = _rows(
        store,
        f"SELECT {_SUMMARY_COLS} FROM networks WHERE run_id = ? AND network_id = ?",
        [run_id, network_id],
    )
    if not rows:
        raise NetworkNotFound(f"no network {network_id} in detect run {run_id!r}")
    return run, NetworkSummary(**rows[0])


def _members(store: Store, run_id: str, network_id: int, limit: int) -> list[Member]:
    sig = ", ".join(f"s.{c} AS sig_{c}" for c in _SIGNAL_COLS)
    rows = _rows(
        store,
        f"WITH {_MEMBERS_CTE}, {_ACCOUNTS_CTE}"
        " SELECT m.account_id, coalesce(a.platform, split_part(m.account_id, ':', 1))"
        " AS platform, a.handle, a.display_name, m.is_hub, m.degree, m.weighted_degree,"
        f" m.pagerank, s.account_id IS NOT NULL AS has_signals, {sig}"
        " FROM m LEFT JOIN a USING (account_id)"
        " LEFT JOIN account_signals s ON s.run_id = $run AND s.account_id = m.account_id"
        " ORDER BY m.is_hub DESC, m.weighted_degree DESC, m.pagerank DESC, m.account_id"
        " LIMIT $lim",
        {"run": run_id, "net": network_id, "lim": limit},
    )
    out = []
    for r in rows:
        signals = {c: r.pop(f"sig_{c}") for c in _SIGNAL_COLS}
        has = r.pop("has_signals")
        out.append(Member(**r, signals=Signals(**signals) if has else None))
    return out


def _handles(store: Store, ids: list[str]) -> dict[str, str]:
    """``@handle`` of each of ``ids`` the store knows a handle for."""
    if not ids:
        return {}
    rows = store.con.execute(
        "SELECT account_id, min(handle) FROM accounts WHERE list_contains(?, account_id)"
        " AND handle IS NOT NULL GROUP BY account_id",
        [ids],
    ).fetchall()
    return {str(a): "@" + str(h).lstrip("@") for a, h in rows}


def load_detail(
    store_path: Path | None, run_id: str, network_id: int, *, limit: int = MAX_ROWS
) -> NetworkDetail:
    """Everything the detail page shows about network ``network_id`` of run ``run_id``.

    Raises:
        StoreUnavailable: no store, or it cannot be opened.
        NetworkNotFound: no such run or network.
    """
    return read_cached(
        store_path,
        ("network", run_id, network_id, limit),
        lambda st: _detail(st, run_id, network_id, limit),
    )


def _detail(store: Store, run_id: str, network_id: int, limit: int) -> NetworkDetail:
    run, summary = _summary(store, run_id, network_id)
    members = _members(store, run_id, network_id, limit)
    hubs = [m for m in members if m.is_hub]
    if len(hubs) < len(summary.hubs):  # hubs beyond the cap: fetch them by themselves
        hubs = [m for m in _members(store, run_id, network_id, len(summary.hubs)) if m.is_hub]
    total = int(summary.size)
    p = {"run": run_id, "net": network_id}
    edge_rows = _rows(
        store,
        f"WITH {_MEMBERS_CTE} SELECT e.kind, e.account_a, e.account_b, e.weight,"
        " e.post_pairs, e.first_ts, e.last_ts, e.min_dt_s, e.median_dt_s, e.shared_items"
        f" {_INTERNAL} ORDER BY e.weight DESC, e.post_pairs DESC, e.kind, e.account_a,"
        " e.account_b LIMIT $lim",
        {**p, "lim": limit},
    )
    edges_total = _count(store, f"WITH {_MEMBERS_CTE} SELECT count(*) {_INTERNAL}", p)
    named = sorted({r["account_a"] for r in edge_rows} | {r["account_b"] for r in edge_rows})
    handles = _handles(store, named)
    timeline, items, domains = network_shares(store, run, network_id, summary)
    edges = [
        Edge(
            **r,
            label_a=handles.get(r["account_a"], ""),
            label_b=handles.get(r["account_b"], ""),
        )
        for r in edge_rows
    ]
    return NetworkDetail(
        run=run,
        network=summary,
        hubs=hubs,
        members=members,
        members_total=total,
        items=items,
        domains=domains,
        timeline=timeline,
        edges=edges,
        edges_total=edges_total,
    )
