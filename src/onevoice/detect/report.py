"""``report.html``: one self-contained page for analysts about one detection run.

The page shows the run's parameters and counts, an overview of its networks and, for the
largest :data:`MAX_NETWORKS` networks, an interactive graph (Cytoscape.js, vendored and
inlined), a timeline of the members' shares drawn as inline SVG, the evidence behind every
edge and the members' account signals.

The file makes no network request: the graph library, the page's script and its styles are
inlined, and a ``Content-Security-Policy`` allows only the page's own scripts (by hash) and
no fetch, image or font from anywhere. Everything taken from the store (handles, display
names, items, texts) is untrusted and escaped: HTML text through :func:`html.escape`, the
graph data as JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
written as ``\\u`` escapes, and the page's script writes it back with ``textContent`` only.
Only ``http(s)://`` items become links.

The output is deterministic: the same store and run give the same bytes (the graph layout is
Kamada–Kawai from a fixed start, and the page names no "generated at" time).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import igraph  # type: ignore[import-untyped]

from onevoice import __version__
from onevoice.errors import UsageError

__all__ = ["CYTOSCAPE_VERSION", "KIND_COLOURS", "MAX_NETWORKS", "write_report"]

#: The version of ``vendor/cytoscape.min.js`` (npm ``cytoscape``, MIT licence).
CYTOSCAPE_VERSION = "3.35.0"

#: Networks drawn in full (the largest first); the overview lists every network.
MAX_NETWORKS = 30
#: Networks listed in the overview table (the largest).
MAX_OVERVIEW = 300
#: Accounts drawn in one network's graph (the heaviest by weighted degree).
MAX_GRAPH_NODES = 250
#: Edges drawn in one network's graph (the heaviest between drawn accounts).
MAX_GRAPH_EDGES = 3000
#: Edges listed in one network's evidence table (the heaviest).
MAX_TABLE_EDGES = 500
#: Members listed in one network's members table (the heaviest).
MAX_TABLE_MEMBERS = 500
#: Evidence rows and member rows shown before "show more".
SHOWN_ROWS = 12
#: Member rows of one network's timeline.
MAX_TIMELINE_ROWS = 40
#: Marks drawn in one network's timeline.
MAX_TIMELINE_MARKS = 4000
#: Items shown in a table cell before "more".
SHOWN_ITEMS = 3

#: Edge colours by kind (Okabe–Ito, readable by colour-blind readers, then two more).
KIND_COLOURS: dict[str, str] = {
    "co-link": "#0072B2",
    "co-repost": "#D55E00",
    "co-hashtag": "#009E73",
    "co-domain": "#56B4E9",
    "co-hashtag-set": "#CC79A7",
    "co-reply": "#E69F00",
    "co-text": "#6A3D9A",
    "co-image": "#8C564B",
}
_OTHER_COLOUR = "#555555"

#: Kinds whose items are post ids (shown with the post's text when the store has it).
_POST_KINDS = {"co-repost", "co-reply"}
#: Kinds whose shares cannot be recomputed cheaply for the timeline (their groups are not
#: stored with the posts).
_NO_TIMELINE_KINDS = {"co-text"}

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)  # used with fullmatch
_PKG = "onevoice.detect"


# --------------------------------------------------------------------------------------------
# what the page is made of


@dataclass
class _Run:
    run_id: str
    started_at: datetime | None
    finished_at: datetime | None
    kinds: list[str]
    window_s: float
    min_weight: float
    params: dict[str, Any]
    seed: int


@dataclass
class _Account:
    account_id: str
    platform: str = ""
    handle: str | None = None
    display_name: str | None = None
    created_at: datetime | None = None
    followers: int | None = None
    posts: int = 0

    @property
    def label(self) -> str:
        return self.handle or self.account_id.split(":", 1)[-1] or self.account_id


@dataclass
class _Member:
    account: _Account
    is_hub: bool
    degree: int
    weighted_degree: int
    pagerank: float


@dataclass
class _Edge:
    kind: str
    a: str
    b: str
    weight: int
    post_pairs: int
    first_ts: datetime
    last_ts: datetime
    min_dt_s: float
    median_dt_s: float
    items: list[str]


@dataclass
class _Network:
    network_id: int
    size: int
    members: list[str]
    hubs: list[str]
    kinds: list[str]
    first_ts: datetime | None
    last_ts: datetime | None
    edges: int
    total_weight: int
    top_items: list[str]
    top_domains: list[str]
    coordinated_share: float | None
    member_rows: list[_Member] = field(default_factory=list)
    edge_rows: list[_Edge] = field(default_factory=list)
    marks: list[tuple[str, float, str]] = field(default_factory=list)  # account, t, kind


@dataclass
class _Page:
    run: _Run
    title: str
    networks: list[_Network]
    shown: list[_Network]
    accounts: dict[str, _Account]
    signals: dict[str, dict[str, Any]]
    hours: dict[str, list[int]]
    posts: dict[str, tuple[str, str]]  # post_id -> (account label, text)
    edge_counts: dict[str, int]
    edge_accounts: int
    timeline_skipped: set[str]


# --------------------------------------------------------------------------------------------
# entry point


def write_report(
    con: duckdb.DuckDBPyConnection, run_id: str, path: Path, *, title: str | None = None
) -> Path:
    """Write the analysts' page of detection run ``run_id`` to ``path`` (one HTML file).

    Args:
        con: a connection to the analytic store (read access is enough).
        run_id: a run of ``detect_runs``.
        path: the file to write (its folder is created).
        title: the page's title (default: "Coordination report — run <run_id>").

    Returns:
        ``path``.

    Raises:
        UsageError: no such run.
    """
    page = _load(con, run_id, title)
    text = _render(page)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# reading the store


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    return None


def _load(con: duckdb.DuckDBPyConnection, run_id: str, title: str | None) -> _Page:
    row = con.execute(
        "SELECT run_id, started_at, finished_at, kinds, window_s, min_weight, params, seed "
        "FROM detect_runs WHERE run_id = ?",
        [run_id],
    ).fetchone()
    if row is None:
        raise UsageError(
            f"no detection run '{run_id}'", hint='see: onevoice query "SELECT * FROM detect_runs"'
        )
    params: dict[str, Any] = {}
    with contextlib.suppress(TypeError, ValueError):
        loaded = json.loads(row[6]) if isinstance(row[6], str) else row[6]
        if isinstance(loaded, dict):
            params = loaded
    run = _Run(
        run_id=str(row[0]),
        started_at=_utc(row[1]),
        finished_at=_utc(row[2]),
        kinds=[str(k) for k in row[3] or []],
        window_s=float(row[4]),
        min_weight=float(row[5]),
        params=params,
        seed=int(row[7]),
    )

    edge_counts = {
        str(k): int(n)
        for k, n in con.execute(
            "SELECT kind, count(*) FROM coord_edges WHERE run_id = ? GROUP BY kind ORDER BY kind",
            [run_id],
        ).fetchall()
    }
    acc_row = con.execute(
        "SELECT count(*) FROM (SELECT account_a FROM coord_edges WHERE run_id = ? "
        "UNION SELECT account_b FROM coord_edges WHERE run_id = ?)",
        [run_id, run_id],
    ).fetchone()
    edge_accounts = int(acc_row[0]) if acc_row else 0

    networks = [
        _Network(
            network_id=int(r[0]),
            size=int(r[1]),
            members=list(r[2] or []),
            hubs=list(r[3] or []),
            kinds=list(r[4] or []),
            first_ts=_utc(r[5]),
            last_ts=_utc(r[6]),
            edges=int(r[7]),
            total_weight=int(r[8]),
            top_items=list(r[9] or []),
            top_domains=list(r[10] or []),
            coordinated_share=None if r[11] is None else float(r[11]),
        )
        for r in con.execute(
            "SELECT network_id, size, members, hubs, kinds, first_ts, last_ts, edges, "
            "total_weight, top_items, top_domains, coordinated_share FROM networks "
            "WHERE run_id = ? ORDER BY size DESC, network_id",
            [run_id],
        ).fetchall()
    ]
    shown = networks[:MAX_NETWORKS]
    shown_ids = [n.network_id for n in shown]
    by_id = {n.network_id: n for n in shown}

    # every account named on the page: members of the shown networks and all hubs
    listed = networks[:MAX_OVERVIEW]
    named = sorted({a for n in listed for a in n.hubs} | {a for n in shown for a in n.members})
    accounts = _accounts(con, named)

    members_sql = (
        "SELECT account_id, network_id FROM network_members "
        "WHERE run_id = ? AND list_contains(?::INTEGER[], network_id)"
    )
    for r in con.execute(
        "SELECT network_id, account_id, is_hub, degree, weighted_degree, pagerank "
        "FROM network_members WHERE run_id = ? AND list_contains(?::INTEGER[], network_id) "
        "ORDER BY network_id, weighted_degree DESC, pagerank DESC, account_id",
        [run_id, shown_ids],
    ).fetchall():
        acc = accounts.get(str(r[1])) or _Account(account_id=str(r[1]))
        by_id[int(r[0])].member_rows.append(
            _Member(acc, bool(r[2]), int(r[3]), int(r[4]), float(r[5]))
        )
    for r in con.execute(
        f"""
        WITH m AS ({members_sql})
        SELECT ma.network_id, e.kind, e.account_a, e.account_b, e.weight, e.post_pairs,
               e.first_ts, e.last_ts, e.min_dt_s, e.median_dt_s, e.shared_items
        FROM coord_edges e
        JOIN m ma ON e.account_a = ma.account_id
        JOIN m mb ON e.account_b = mb.account_id AND ma.network_id = mb.network_id
        WHERE e.run_id = ?
        ORDER BY ma.network_id, e.weight DESC, e.post_pairs DESC, e.kind, e.account_a,
                 e.account_b
        """,
        [run_id, shown_ids, run_id],
    ).fetchall():
        by_id[int(r[0])].edge_rows.append(
            _Edge(
                kind=str(r[1]),
                a=str(r[2]),
                b=str(r[3]),
                weight=int(r[4]),
                post_pairs=int(r[5]),
                first_ts=_utc(r[6]) or datetime.fromtimestamp(0, UTC),
                last_ts=_utc(r[7]) or datetime.fromtimestamp(0, UTC),
                min_dt_s=float(r[8]),
                median_dt_s=float(r[9]),
                items=[str(i) for i in r[10] or []],
            )
        )

    skipped = _timeline_marks(con, run, shown_ids, by_id, members_sql)
    signals = _signals(con, run_id, shown_ids)
    hours = _hours(con, run_id, shown_ids)
    post_ids = sorted(
        {i for n in shown for e in n.edge_rows if e.kind in _POST_KINDS for i in e.items}
        | {i for n in listed for i in n.top_items if not _URL.fullmatch(i)}
    )
    posts = _posts(con, post_ids)
    return _Page(
        run=run,
        title=title or f"Coordination report — run {run_id}",
        networks=networks,
        shown=shown,
        accounts=accounts,
        signals=signals,
        hours=hours,
        posts=posts,
        edge_counts=edge_counts,
        edge_accounts=edge_accounts,
        timeline_skipped=skipped,
    )


def _accounts(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, _Account]:
    out = {a: _Account(account_id=a, platform=a.split(":", 1)[0]) for a in ids}
    if not ids:
        return out
    for r in con.execute(
        """
        WITH ids AS (SELECT unnest(?::VARCHAR[]) AS account_id)
        SELECT ids.account_id, a.platform, a.handle, a.display_name, a.created_at, a.followers,
               coalesce(p.n, 0)
        FROM ids
        LEFT JOIN (
            SELECT account_id, min(platform) AS platform, min(handle) AS handle,
                   min(display_name) AS display_name, min(created_at) AS created_at,
                   max(followers) AS followers
            FROM accounts WHERE account_id IN (SELECT account_id FROM ids) GROUP BY account_id
        ) a USING (account_id)
        LEFT JOIN (
            SELECT account_id, count(*) AS n FROM posts
            WHERE account_id IN (SELECT account_id FROM ids) GROUP BY account_id
        ) p USING (account_id)
        """,
        [ids],
    ).fetchall():
        acc = out[str(r[0])]
        acc.platform = str(r[1]) if r[1] else acc.platform
        acc.handle = str(r[2]) if r[2] else None
        acc.display_name = str(r[3]) if r[3] else None
        acc.created_at = _utc(r[4])
        acc.followers = None if r[5] is None else int(r[5])
        acc.posts = int(r[6])
    return out


def _timeline_marks(
    con: duckdb.DuckDBPyConnection,
    run: _Run,
    shown_ids: list[int],
    by_id: dict[int, _Network],
    members_sql: str,
) -> set[str]:
    """Fill each shown network's marks: members' posts carrying an item its edges name."""
    from onevoice.detect.kinds import KINDS, get_kind
    from onevoice.detect.params import DetectParams

    kinds = sorted({e.kind for n in by_id.values() for e in n.edge_rows})
    skipped: set[str] = set()
    if not kinds:
        return skipped
    known = {f.name for f in fields(DetectParams)}
    p = {k: v for k, v in run.params.items() if k in known}
    p["kinds"] = tuple(p.get("kinds") or ())
    p["platforms"] = tuple(p.get("platforms") or ())
    try:
        params = DetectParams(**p)
    except (TypeError, ValueError):
        params = DetectParams(platforms=p["platforms"])
    for kind in kinds:
        if kind in _NO_TIMELINE_KINDS or kind not in KINDS:
            skipped.add(kind)
            continue
        try:
            shares = get_kind(kind).shares_sql(con, params)
            rows = con.execute(
                f"""
                WITH m AS ({members_sql}),
                it AS (
                    SELECT DISTINCT network_id, item FROM (
                        SELECT ma.network_id, unnest(e.shared_items) AS item
                        FROM coord_edges e
                        JOIN m ma ON e.account_a = ma.account_id
                        JOIN m mb ON e.account_b = mb.account_id
                             AND ma.network_id = mb.network_id
                        WHERE e.run_id = ? AND e.kind = ?
                    )
                ),
                s AS (
                    SELECT account_id, post_id, item, ts FROM ({shares})
                    WHERE account_id IN (SELECT account_id FROM m)
                )
                SELECT DISTINCT m.network_id, s.account_id, s.post_id, epoch_us(s.ts) / 1e6 AS t
                FROM s JOIN m USING (account_id)
                JOIN it ON it.network_id = m.network_id AND it.item = s.item
                ORDER BY m.network_id, t, s.account_id, s.post_id
                """,
                [run.run_id, shown_ids, run.run_id, kind],
            ).fetchall()
        except duckdb.Error:
            skipped.add(kind)
            continue
        for network_id, account_id, _post, t in rows:
            by_id[int(network_id)].marks.append((str(account_id), float(t), kind))
    for n in by_id.values():
        n.marks.sort(key=lambda m: (m[1], m[0], m[2]))
    return skipped


def _signals(
    con: duckdb.DuckDBPyConnection, run_id: str, shown_ids: list[int]
) -> dict[str, dict[str, Any]]:
    try:
        cur = con.execute(
            """
            SELECT s.* FROM account_signals s
            WHERE s.run_id = ? AND s.account_id IN (
                SELECT account_id FROM network_members
                WHERE run_id = ? AND list_contains(?::INTEGER[], network_id))
            """,
            [run_id, run_id, shown_ids],
        )
    except duckdb.CatalogException:
        return {}
    names = [d[0] for d in cur.description]
    return {str(r[1]): dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def _hours(
    con: duckdb.DuckDBPyConnection, run_id: str, shown_ids: list[int]
) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(lambda: [0] * 24)
    for account_id, hour, n in con.execute(
        """
        SELECT account_id, hour(timezone('UTC', created_at)) AS h, count(*) FROM posts
        WHERE account_id IN (
            SELECT account_id FROM network_members
            WHERE run_id = ? AND list_contains(?::INTEGER[], network_id))
        GROUP BY ALL
        """,
        [run_id, shown_ids],
    ).fetchall():
        out[str(account_id)][int(hour)] = int(n)
    return dict(out)


def _posts(con: duckdb.DuckDBPyConnection, post_ids: list[str]) -> dict[str, tuple[str, str]]:
    if not post_ids:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for pid, handle, account_id, text in con.execute(
        """
        SELECT p.post_id, min(a.handle), min(p.account_id), min(p.text)
        FROM posts p LEFT JOIN accounts a ON a.account_id = p.account_id
        WHERE p.post_id IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY p.post_id
        """,
        [post_ids],
    ).fetchall():
        who = str(handle or account_id or "")
        out[str(pid)] = (who, " ".join(str(text or "").split()))
    return out


# --------------------------------------------------------------------------------------------
# formatting


def _e(value: object) -> str:
    """Escape for HTML text and double-quoted attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def _ts(value: datetime | None, *, seconds: bool = True) -> str:
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def _span(a: datetime | None, b: datetime | None) -> str:
    if a is None or b is None:
        return "—"
    secs = max((b - a).total_seconds(), 0.0)
    return _duration(secs)


def _duration(secs: float) -> str:
    if secs < 60:
        return f"{secs:.1f} s".replace(".0 s", " s")
    if secs < 3600:
        m, s = divmod(round(secs), 60)
        return f"{m} min {s} s" if s else f"{m} min"
    if secs < 86400:
        h, rest = divmod(round(secs), 3600)
        m = rest // 60
        return f"{h} h {m} min" if m else f"{h} h"
    d, rest = divmod(round(secs), 86400)
    h = rest // 3600
    return f"{d} d {h} h" if h else f"{d} d"


def _num(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".replace(",", "\u202f")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}\u202f%"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, _OTHER_COLOUR)


def _chip(kind: str) -> str:
    return f'<span class="chip" style="--k:{_colour(kind)}">{_e(kind)}</span>'


def _account_html(acc: _Account, *, hub: bool = False, full: bool = False) -> str:
    badge = ' <span class="hub-badge" title="hub">hub</span>' if hub else ""
    plat = f' <span class="plat">{_e(acc.platform)}</span>' if acc.platform else ""
    name = ""
    if full and acc.display_name:
        name = f'<br><span class="dname">{_e(_short(acc.display_name, 60))}</span>'
    return (
        f'<span class="acct" title="{_e(acc.account_id)}">{_e(_short(acc.label, 40))}</span>'
        f"{plat}{badge}{name}"
    )


def _item_html(item: str, kind: str | None, posts: dict[str, tuple[str, str]]) -> str:
    if _URL.fullmatch(item):
        shown = re.sub(r"^https?://(www\.)?", "", item, flags=re.IGNORECASE)
        return (
            f'<a class="item" href="{_e(item)}" rel="noopener noreferrer nofollow" '
            f'target="_blank" title="{_e(item)}">{_e(_short(shown, 80))}</a>'
        )
    if kind == "co-hashtag":
        return f'<span class="item">#{_e(item)}</span>'
    if kind == "co-hashtag-set":
        return f'<span class="item">{_e(" ".join("#" + t for t in item.split()))}</span>'
    if item in posts:
        who, text = posts[item]
        full = f"{item} by {who}: {text}" if who else f"{item}: {text}"
        by = f'<span class="plat">{_e(_short(who, 30))}:</span> ' if who else ""
        shown = f"“{_e(_short(text, 110))}”" if text else _e(_short(item, 40))
        return f'<span class="item" title="{_e(_short(full, 400))}">{by}{shown}</span>'
    return f'<span class="item" title="{_e(item)}">{_e(_short(item, 80))}</span>'


def _items_html(
    items: Sequence[str],
    kind: str | dict[str, str] | None,
    posts: dict[str, tuple[str, str]],
) -> str:
    """A list of items, the first :data:`SHOWN_ITEMS` open; ``kind`` may be one per item."""
    if not items:
        return "—"

    def one(i: str) -> str:
        k = kind.get(i) if isinstance(kind, dict) else kind
        return f"<li>{_item_html(i, k, posts)}</li>"

    out = f'<ul class="items">{"".join(one(i) for i in items[:SHOWN_ITEMS])}</ul>'
    if len(items) > SHOWN_ITEMS:
        rest = "".join(one(i) for i in items[SHOWN_ITEMS:])
        out += (
            f'<details class="more"><summary>{len(items) - SHOWN_ITEMS} more</summary>'
            f'<ul class="items">{rest}</ul></details>'
        )
    return out


def _json_for_script(value: object) -> str:
    """JSON that cannot close its ``<script>`` element nor open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _resource(*parts: str) -> str:
    return resources.files(_PKG).joinpath(*parts).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# rendering


def _render(page: _Page) -> str:
    body = "\n".join(
        [
            _header_html(page),
            _overview_html(page),
            *(_network_html(page, n) for n in page.shown),
            _footer_html(),
        ]
    )
    data = _json_for_script(
        {
            "graphs": {str(n.network_id): _graph_data(page, n) for n in page.shown},
            "colours": {**KIND_COLOURS, "": _OTHER_COLOUR},
            "posts": {k: [_short(w, 30), _short(t, 110)] for k, (w, t) in page.posts.items()},
        }
    )
    lib = _resource("vendor", "cytoscape.min.js")
    app = _resource("report.js")
    # a script element's text must not contain "</script"; neither file does (tested)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in (lib, app)
    )
    csp = (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; "
        "img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    template = _resource("report_template.html")
    values = {
        "csp": _e(csp),
        "title": _e(page.title),
        "body": body,
        "data": data,
        "cytoscape": lib,
        "app": app,
    }
    markers = re.findall(r"\{\{(\w+)\}\}", template)
    if sorted(markers) != sorted(values):
        raise RuntimeError(f"report template: markers {markers} != {sorted(values)}")
    # one pass: text put in by one marker (untrusted handles…) is never read as a marker
    out = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)
    return out


def _header_html(page: _Page) -> str:
    run = page.run
    p = run.params
    window = f"{_num(run.window_s)} s" if run.window_s >= 0 else _e(p.get("window", "auto"))
    if str(p.get("window", "")).lower() == "auto":
        window += " (estimated from the data, CooRnet)"
    threshold = _num(run.min_weight) if run.min_weight >= 0 else _e(p.get("min_weight", "?"))
    if str(p.get("min_weight", "")).lower().startswith("q"):
        threshold += f" (the {_e(p['min_weight'])} quantile of each kind)"
    rows: list[tuple[str, str]] = [
        ("Run", f"<code>{_e(run.run_id)}</code>"),
        ("Kinds", " ".join(_chip(k) for k in run.kinds) or "—"),
        ("Window Δ", window),
        ("Edge threshold", f"{threshold} distinct items"),
        ("Seed", _e(run.seed)),
    ]
    if "resolution" in p:
        rows.append(("Leiden resolution", _e(p["resolution"])))
    if "hub_share" in p:
        rows.append(("Hub share", _e(p["hub_share"])))
    if "co-text" in run.kinds and "text_threshold" in p:
        rows.append(("Text similarity", _e(p["text_threshold"])))
    if p.get("platforms"):
        rows.append(("Platforms", _e(", ".join(str(x) for x in p["platforms"]))))
    rows.append(("Started", _e(_ts(run.started_at)) + " UTC"))
    rows.append(("Finished", _e(_ts(run.finished_at)) + " UTC" if run.finished_at else "—"))
    params = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in rows)
    edges = sum(page.edge_counts.values())
    per_kind = ", ".join(f"{_e(k)} {_num(v)}" for k, v in page.edge_counts.items())
    members = sum(n.size for n in page.networks)
    counts = (
        f'<div class="count"><b>{_num(page.edge_accounts)}</b> accounts in edges</div>'
        f'<div class="count"><b>{_num(edges)}</b> edges'
        f"{f' <small>({per_kind})</small>' if per_kind else ''}</div>"
        f'<div class="count"><b>{_num(len(page.networks))}</b> networks</div>'
        f'<div class="count"><b>{_num(members)}</b> accounts in networks</div>'
    )
    wtxt = f"{_num(run.window_s)} seconds" if run.window_s >= 0 else "the window Δ"
    how = (
        "<p><b>How to read this.</b> An edge joins two accounts that shared the same item — a "
        "link, a hashtag, a reposted post… — within "
        f"{wtxt} of each other. Its <b>weight</b> is the number of <b>distinct items</b> "
        "the pair co-shared (not posts: those inflate on viral items), and only pairs at or "
        "above the threshold are kept. An edge is <b>evidence of co-sharing, never a "
        "verdict</b>: breaking news, popular hashtags, scheduling tools and shared newsrooms "
        "make people post alike too; read the evidence and the timeline before judging. "
        "<b>Networks</b> are communities (Leiden) of the graph of those edges. <b>Hubs</b> are "
        "the members with the highest weighted degree inside their network (ties by "
        "PageRank): the accounts most tied to the rest, not necessarily the organisers. "
        "<b>Coordinated share</b> is the share of the members' posts that carry an item their "
        "network's edges name (an approximation). All times are UTC.</p>"
    )
    return (
        f'<header id="top"><h1>{_e(page.title)}</h1>'
        f'<div class="counts">{counts}</div>'
        f'<dl class="params">{params}</dl>{how}</header>'
    )


def _overview_html(page: _Page) -> str:
    if not page.networks:
        return (
            '<section id="overview"><h2>Networks</h2><p class="empty">No networks: no two '
            "accounts were joined by edges at or above the threshold (or no community had more "
            "than one account).</p></section>"
        )
    note = ""
    listed = page.networks[:MAX_OVERVIEW]
    if len(page.networks) > len(page.shown):
        rest = (
            "the others only in this table"
            if len(listed) == len(page.networks)
            else f"the next {len(listed) - len(page.shown)} only in this table"
        )
        note = (
            f'<p class="note">{len(page.networks)} networks; the {len(page.shown)} largest are '
            f"shown in full below, {rest} (all are in the store and in networks.csv).</p>"
        )
    shown_ids = {n.network_id for n in page.shown}
    rows = []
    for n in listed:
        hubs = "".join(
            f"<li>{_account_html(page.accounts.get(h) or _Account(account_id=h))}</li>"
            for h in n.hubs[:5]
        )
        if len(n.hubs) > 5:
            hubs += f"<li><small>+{len(n.hubs) - 5} more</small></li>"
        hubs = f'<ul class="items">{hubs}</ul>' if hubs else ""
        item_kind = {i: e.kind for e in reversed(n.edge_rows) for i in e.items}
        items = _items_html(n.top_items, item_kind, page.posts)
        domains = "".join(f"<li>{_e(d)}</li>" for d in n.top_domains[:5])
        if len(n.top_domains) > 5:
            domains += f"<li><small>+{len(n.top_domains) - 5} more</small></li>"
        domains = f'<ul class="items">{domains}</ul>' if domains else "—"
        if n.network_id in shown_ids:
            link = f'<a href="#net-{n.network_id}">{n.network_id}</a>'
            attrs = f' class="jump" data-target="net-{n.network_id}" tabindex="0"'
        else:
            link = _e(n.network_id)
            attrs = ""
        rows.append(
            f"<tr{attrs}><td class=num>{link}</td><td class=num>{_num(n.size)}</td>"
            f"<td>{' '.join(_chip(k) for k in n.kinds)}</td>"
            f"<td class=nowrap>{_e(_ts(n.first_ts, seconds=False))}<br>"
            f"<small>{_e(_span(n.first_ts, n.last_ts))}</small></td>"
            f"<td class=hubs>{hubs or '—'}</td><td class=items-cell>{items}</td>"
            f"<td class=domains>{domains}</td>"
            f"<td class=num>{_pct(n.coordinated_share)}</td></tr>"
        )
    return (
        '<section id="overview"><h2>Networks</h2>'
        f"{note}<p class=hint>Click a row to jump to its network.</p>"
        '<div class="table-wrap"><table class="overview"><thead><tr>'
        "<th>#</th><th>Accounts</th><th>Kinds</th><th>Time span (start, length)</th>"
        "<th>Hubs</th><th>Top items</th><th>Top domains</th>"
        '<th title="members\' posts carrying an item their edges name">Coord. share</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _network_html(page: _Page, n: _Network) -> str:
    kinds_used = sorted({e.kind for e in n.edge_rows}) or n.kinds
    per_kind = Counter(e.kind for e in n.edge_rows)
    weight_kind: Counter[str] = Counter()
    for e in n.edge_rows:
        weight_kind[e.kind] += e.weight
    summary = "; ".join(
        f"{_chip(k)} {_num(per_kind[k])} edges, weight {_num(weight_kind[k])}" for k in kinds_used
    )
    hubs = ", ".join(_account_html(page.accounts.get(h) or _Account(account_id=h)) for h in n.hubs)
    graph_note = ""
    if len(n.member_rows) > MAX_GRAPH_NODES:
        graph_note = (
            f'<p class="note">The graph shows the {MAX_GRAPH_NODES} members with the highest '
            f"weighted degree of {_num(len(n.member_rows))}.</p>"
        )
    legend = " ".join(
        f'<span class="lg"><i style="background:{_colour(k)}"></i>{_e(k)}</span>'
        for k in kinds_used
    )
    height = _graph_height(min(len(n.member_rows), MAX_GRAPH_NODES))
    return f"""
<section class="network" id="net-{n.network_id}">
<h2>Network {n.network_id} <small>· {_num(n.size)} accounts · {_num(n.edges)} edges ·
{_e(_ts(n.first_ts, seconds=False))} – {_e(_ts(n.last_ts, seconds=False))} UTC
({_e(_span(n.first_ts, n.last_ts))})</small></h2>
<p class="meta">{summary}. Coordinated share {_pct(n.coordinated_share)}.
Hubs: {hubs or "—"}. <a class="back" href="#overview">↑ overview</a></p>
{graph_note}
<div class="graph-wrap">
<div class="graph-box">
<div class="graph" id="cy-{n.network_id}" data-net="{n.network_id}" style="height:{height}px"
 role="img" aria-label="Graph of network {n.network_id}"></div>
<div class="controls"><button type="button" data-act="in" data-net="{n.network_id}"
 title="zoom in">+</button><button type="button" data-act="out" data-net="{n.network_id}"
 title="zoom out">−</button><button type="button" data-act="fit" data-net="{n.network_id}"
 title="show the whole network">fit</button><button type="button" data-act="labels"
 data-net="{n.network_id}" title="show or hide the names of all accounts">names</button></div>
</div>
<aside class="info" id="info-{n.network_id}" aria-live="polite"><p class="hint">Point at or
click an account or an edge to see it here. Drag to move; click in the graph, then use the
wheel to zoom.</p></aside>
</div>
<p class="legend">{legend} <span class="lg"><i class="hubdot"></i>hub</span>
<span class="lg">node size: weighted degree · line width: weight</span></p>
<h3>Timeline</h3>
{_timeline_svg(page, n)}
<h3>Evidence: {_num(len(n.edge_rows))} edges</h3>
{_evidence_html(page, n)}
<h3>Members</h3>
{_members_html(page, n)}
</section>"""


def _graph_height(nodes: int) -> int:
    """The graph's height in pixels for a number of accounts."""
    return 300 if nodes <= 6 else 440 if nodes <= 30 else 560


def _graph_data(page: _Page, n: _Network) -> dict[str, Any]:
    """The network's graph and the evidence rows past the first ones, for the page's script.

    Items are listed once per network and named by index (edges repeat the same items).
    """
    members = n.member_rows[:MAX_GRAPH_NODES]
    keep = {m.account.account_id for m in members}
    in_graph = [e for e in n.edge_rows if e.a in keep and e.b in keep][:MAX_GRAPH_EDGES]
    graph_ids = {id(e) for e in in_graph}
    positions = _layout(
        [m.account.account_id for m in members],
        in_graph,
        height=_graph_height(len(members)) - 60,
    )
    wmax = max((m.weighted_degree for m in members), default=1) or 1
    emax = max((e.weight for e in in_graph), default=1) or 1
    accounts = {}
    for m in n.member_rows:
        acc = m.account
        accounts[acc.account_id] = {
            "label": _short(acc.label, 24),
            "handle": acc.handle or "",
            "name": acc.display_name or "",
            "platform": acc.platform,
            "posts": acc.posts,
            "deg": m.degree,
            "wdeg": m.weighted_degree,
            "pr": round(m.pagerank, 6),
            "hub": m.is_hub,
            "created": _ts(acc.created_at, seconds=False) if acc.created_at else "",
            "followers": acc.followers,
        }
    smallest, spread = (14.0, 26.0) if len(members) <= 15 else (10.0, 20.0)
    nodes = [
        [
            m.account.account_id,
            round(x, 1),
            round(y, 1),
            round(smallest + spread * math.sqrt(m.weighted_degree / wmax), 1),
        ]
        for m, (x, y) in zip(members, positions, strict=True)
    ]
    items: dict[str, int] = {}
    edges = []
    for i, e in enumerate(n.edge_rows):
        graph = id(e) in graph_ids
        table = SHOWN_ROWS <= i < MAX_TABLE_EDGES
        if not (graph or table):
            continue
        edges.append(
            {
                "a": e.a,
                "b": e.b,
                "kind": e.kind,
                "w": e.weight,
                "width": round(1 + 5 * math.sqrt(e.weight / emax), 2),
                "pp": e.post_pairs,
                "first": _ts(e.first_ts),
                "last": _ts(e.last_ts),
                "mindt": _duration(e.min_dt_s),
                "meddt": _duration(e.median_dt_s),
                "items": [items.setdefault(item, len(items)) for item in e.items],
                "g": int(graph),
                "t": int(table),
            }
        )
    return {
        "accounts": accounts,
        "nodes": nodes,
        "edges": edges,
        "items": list(items),
        "many": len(nodes) > 40 or len(in_graph) > 600,
        # dense graphs get fainter lines, so that nodes stay visible through them
        "opacity": round(min(max(0.8 - len(in_graph) / 800, 0.25), 0.7), 2),
    }


def _layout(
    ids: list[str], edges: Iterable[_Edge], *, width: float = 880.0, height: float = 420.0
) -> list[tuple[float, float]]:
    """Positions in pixels: Kamada–Kawai per connected component, components side by side.

    Kamada & Kawai (1989) place accounts so that drawn distances follow path lengths, which
    keeps a dense clique readable next to its loosely tied members; it is deterministic (the
    start is a circle), so the same network always gives the same picture.
    """
    count = len(ids)
    if count == 0:
        return []
    index = {a: i for i, a in enumerate(ids)}
    pairs = sorted({(index[e.a], index[e.b]) for e in edges if e.a in index and e.b in index})
    graph = igraph.Graph(n=count, edges=pairs)
    # each component in its own unit frame (an edge is about one unit long)
    boxes: list[tuple[list[int], list[tuple[float, float]], float, float]] = []
    for comp in sorted(graph.connected_components(), key=lambda c: (-len(c), min(c))):
        if len(comp) == 1:
            boxes.append((list(comp), [(0.0, 0.0)], 0.0, 0.0))
            continue
        sub = graph.subgraph(comp)
        k = len(comp)
        start = [[math.cos(2 * math.pi * i / k), math.sin(2 * math.pi * i / k)] for i in range(k)]
        coords = sub.layout_kamada_kawai(seed=start, maxiter=50 * k).coords
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        placed = [(x - min(xs), y - min(ys)) for x, y in coords]
        boxes.append((list(comp), placed, max(xs) - min(xs), max(ys) - min(ys)))
    # shelves, left to right, about as wide as the frame's aspect asks
    gap = 1.2
    area = sum((w + gap) * (h + gap) for _c, _p, w, h in boxes)
    row_width = max(max(w for _c, _p, w, _h in boxes), math.sqrt(area * width / height))
    out: list[tuple[float, float]] = [(0.0, 0.0)] * count
    x0 = y0 = shelf = 0.0
    for comp, placed, w, h in boxes:
        if x0 > 0 and x0 + w > row_width:
            x0, y0, shelf = 0.0, y0 + shelf + gap, 0.0
        for v, (x, y) in zip(comp, placed, strict=True):
            out[v] = (x0 + x, y0 + y)
        x0 += w + gap
        shelf = max(shelf, h)
    xs = [c[0] for c in out]
    ys = [c[1] for c in out]
    span_x = max(xs) - min(xs) or 1.0
    span_y = max(ys) - min(ys) or 1.0
    # fit the frame, but keep an edge between 36 and 120 pixels long
    scale = min(max(min(width / span_x, height / span_y), 36.0), 120.0)
    cx = (max(xs) + min(xs)) / 2
    cy = (max(ys) + min(ys)) / 2
    return [((x - cx) * scale, (y - cy) * scale) for x, y in out]


_TICK_STEPS = [3600 * h for h in (1, 2, 3, 6, 12)] + [86400 * d for d in (1, 2, 7, 14, 30, 91)]
_BIN_STEPS = (
    [60 * m for m in (5, 15, 30)]
    + [3600 * h for h in (1, 3, 6, 12)]
    + [86400 * d for d in (1, 7, 30)]
)


def _timeline_svg(page: _Page, n: _Network) -> str:
    skipped = sorted(page.timeline_skipped & {e.kind for e in n.edge_rows})
    skipped_note = (
        f'<p class="note">Not drawn: {_e(", ".join(skipped))} (its groups are not stored with '
        "the posts).</p>"
        if skipped
        else ""
    )
    if not n.marks:
        return f'{skipped_note}<p class="empty">No shares to draw.</p>'
    marks = n.marks[:MAX_TIMELINE_MARKS]
    t0 = min(m[1] for m in marks)
    t1 = max(m[1] for m in marks)
    if t1 - t0 < 3600:
        mid = (t0 + t1) / 2
        t0, t1 = mid - 1800, mid + 1800
    bin_s = next((b for b in _BIN_STEPS if (t1 - t0) / b <= 200), _BIN_STEPS[-1])
    t0 = math.floor(t0 / bin_s) * bin_s
    t1 = math.ceil(t1 / bin_s) * bin_s
    if t1 <= t0:
        t1 = t0 + bin_s
    width, left, right = 1000, 180, 12
    plot = width - left - right
    hist_h, row_h, axis_h = 60, 14, 24

    def x(t: float) -> float:
        return left + (t - t0) / (t1 - t0) * plot

    members = n.member_rows[:MAX_TIMELINE_ROWS]
    rows = {m.account.account_id: i for i, m in enumerate(members)}
    top = 8
    rows_top = top + hist_h + axis_h
    height = rows_top + row_h * len(members) + 6
    parts: list[str] = []
    # histogram of shares per bin, stacked by kind
    kinds = sorted({m[2] for m in marks})
    bins: dict[int, Counter[str]] = defaultdict(Counter)
    for _acc, t, kind in marks:
        bins[int((t - t0) // bin_s)][kind] += 1
    peak = max((sum(c.values()) for c in bins.values()), default=1)
    bw = plot * bin_s / (t1 - t0)
    for b in sorted(bins):
        stack = float(top + hist_h)
        for kind in kinds:
            c = bins[b][kind]
            if not c:
                continue
            h = hist_h * c / peak
            stack -= h
            parts.append(
                f'<rect x="{left + b * bw:.1f}" y="{stack:.1f}" width="{max(bw - 0.6, 0.8):.1f}" '
                f'height="{h:.1f}" fill="{_colour(kind)}"/>'
            )
    bin_label = _duration(bin_s).replace("1 h", "hour").replace("1 d", "day")
    parts.append(
        f'<text x="{left - 8}" y="{top + 12}" class="tl-lab" text-anchor="end">shares per '
        f"{_e(bin_label)}</text>"
        f'<text x="{left - 8}" y="{top + 26}" class="tl-sub" text-anchor="end">'
        f"peak {peak}</text>"
        f'<line x1="{left}" x2="{width - right}" y1="{top + hist_h + 0.5}" '
        f'y2="{top + hist_h + 0.5}" class="tl-axis"/>'
    )
    # time axis
    step = next((s for s in _TICK_STEPS if (t1 - t0) / s <= 9), _TICK_STEPS[-1])
    tick = math.ceil(t0 / step) * step
    while tick <= t1:
        dt = datetime.fromtimestamp(tick, UTC)
        label = dt.strftime("%d %b") if step >= 86400 or dt.hour == 0 else dt.strftime("%H:%M")
        xx = x(tick)
        parts.append(
            f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{top}" y2="{height - 4}" class="tl-grid"/>'
            f'<text x="{xx:.1f}" y="{top + hist_h + 16}" class="tl-tick" '
            f'text-anchor="middle">{_e(label)}</text>'
        )
        tick += step
    # one row per member
    counts: Counter[str] = Counter(m[0] for m in marks)
    for m in members:
        i = rows[m.account.account_id]
        y = rows_top + i * row_h
        if i % 2 == 0:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{row_h}" class="tl-band"/>')
        label = _short(m.account.label, 26)
        cls = "tl-name hub" if m.is_hub else "tl-name"
        parts.append(
            f'<text x="{left - 8}" y="{y + row_h - 3.5}" class="{cls}" text-anchor="end">'
            f"<title>{_e(m.account.account_id)}: {counts[m.account.account_id]} shares</title>"
            f"{_e(label)}</text>"
        )
    strokes: dict[str, list[str]] = defaultdict(list)
    for acc, t, kind in marks:
        if acc in rows:
            strokes[kind].append(f"M{x(t):.1f} {rows_top + rows[acc] * row_h + 2}v{row_h - 4}")
    for kind in sorted(strokes):
        parts.append(
            f'<path d="{"".join(strokes[kind])}" stroke="{_colour(kind)}" stroke-width="2" '
            'fill="none"/>'
        )
    notes = [
        "Each mark is a member's post carrying an item that the network's edges name (a sample "
        "of up to ten items per edge); the bars above count them per "
        f"{_e(bin_label)}."
    ]
    if len(n.member_rows) > len(members):
        notes.append(
            f"Rows: the {len(members)} members with the highest weighted degree of "
            f"{len(n.member_rows)}."
        )
    if len(n.marks) > len(marks):
        notes.append(f"The first {len(marks)} of {len(n.marks)} shares are drawn.")
    svg = (
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Timeline of network {n.network_id}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "</svg>"
    )
    return f'{skipped_note}<div class="tl-wrap">{svg}</div><p class="note">{" ".join(notes)}</p>'


def _evidence_html(page: _Page, n: _Network) -> str:
    if not n.edge_rows:
        return '<p class="empty">No edges inside this network in the store.</p>'

    def row(e: _Edge) -> str:
        a = page.accounts.get(e.a) or _Account(account_id=e.a)
        b = page.accounts.get(e.b) or _Account(account_id=e.b)
        return (
            f"<tr><td>{_account_html(a)}<br>↔ {_account_html(b)}</td><td>{_chip(e.kind)}</td>"
            f"<td class=num>{_num(e.weight)}</td><td class=num>{_num(e.post_pairs)}</td>"
            f"<td class=nowrap>{_e(_ts(e.first_ts))}<br>{_e(_ts(e.last_ts))}</td>"
            f"<td class=num>{_e(_duration(e.min_dt_s))}<br><small>median "
            f"{_e(_duration(e.median_dt_s))}</small></td>"
            f"<td class=items-cell>{_items_html(e.items, e.kind, page.posts)}</td></tr>"
        )

    head = (
        '<div class="table-wrap"><table class="evidence"><thead><tr><th>Accounts</th>'
        '<th>Kind</th><th title="distinct items co-shared within the window">Weight</th>'
        '<th title="(post, post) pairs behind the edge">Post pairs</th>'
        "<th>First / last co-share (UTC)</th><th>Quickest Δt</th>"
        "<th>Shared items (sample)</th></tr></thead><tbody>"
    )
    tail = "</tbody></table></div>"
    edges = n.edge_rows[:MAX_TABLE_EDGES]
    out = head + "".join(row(e) for e in edges[:SHOWN_ROWS]) + tail
    if len(edges) > SHOWN_ROWS:
        # the other rows come from the page's data (items listed once per network) when the
        # reader opens them, or before printing
        out += (
            f'<details class="rest" data-rows="{n.network_id}"><summary>Show '
            f"{len(edges) - SHOWN_ROWS} more edges</summary>{head}{tail}"
        )
        if len(n.edge_rows) > len(edges):
            out += (
                f'<p class="note">The {len(edges)} heaviest of {len(n.edge_rows)} edges are '
                "listed; edges.csv has them all.</p>"
            )
        out += "</details>"
    return out


def _hours_svg(counts: list[int] | None) -> str:
    if not counts or not any(counts):
        return "—"
    peak = max(counts)
    cells = "".join(
        f'<rect x="{h * 5}" width="4.4" height="14" fill-opacity="{0.15 + 0.85 * c / peak:.2f}"/>'
        for h, c in enumerate(counts)
        if c
    )
    active = ", ".join(f"{h:02d} h: {c}" for h, c in enumerate(counts) if c)
    return (
        '<svg class="hours" viewBox="0 0 120 14" width="120" height="14" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>Posts per UTC hour — {active}</title>'
        f'<rect class="bg" width="120" height="14"/>{cells}</svg>'
    )


def _f(value: Any, fmt: str) -> str:
    if value is None:
        return "—"
    try:
        return format(float(value), fmt)
    except (TypeError, ValueError):
        return _e(value)


def _members_html(page: _Page, n: _Network) -> str:
    has_signals = any(m.account.account_id in page.signals for m in n.member_rows)
    sig_head = (
        "<th>Posting regularity<br><small>interval entropy · CV</small></th>"
        "<th>Created<br><small>cohort</small></th><th>Duplicate text</th><th>Handle</th>"
        if has_signals
        else ""
    )
    note = (
        '<p class="note signals-note">Account signals are hints for an analyst, not verdicts: '
        "regular posting, narrow active hours, accounts created together or repeated text "
        "also fit schedulers, newsrooms and campaigns run in the open.</p>"
        if has_signals
        else ""
    )

    def row(m: _Member) -> str:
        acc = m.account
        cells = (
            f"<td>{_account_html(acc, hub=m.is_hub, full=True)}</td>"
            f"<td class=num>{_num(acc.posts)}</td>"
            f"<td class=num>{_num(m.weighted_degree)}<br><small>{_num(m.degree)} "
            f"neighbours</small></td><td class=num>{m.pagerank:.4f}</td>"
        )
        s = page.signals.get(acc.account_id, {})
        hours = _hours_svg(page.hours.get(acc.account_id))
        if s.get("active_hours") is not None:
            hours += (
                f"<small>{_e(s['active_hours'])} active hours · "
                f"{_f(s.get('hour_entropy'), '.2f')} bits</small>"
            )
        cells += f"<td>{hours}</td>"
        if has_signals:
            created = _utc(s.get("account_created_at")) or acc.created_at
            cohort = s.get("creation_cohort")
            dup = s.get("duplicate_text_share")
            cells += (
                f"<td class=num>{_f(s.get('interval_entropy'), '.2f')} bits<br>"
                f"<small>CV {_f(s.get('interval_cv'), '.2f')}</small></td>"
                f"<td class=nowrap>{_e(created.strftime('%Y-%m-%d') if created else '—')}"
                f"<br><small>{'—' if cohort is None else _e(cohort)} in 24 h</small></td>"
                f"<td class=num>{_pct(None if dup is None else float(dup))}</td>"
                f"<td>{_e(s.get('handle_pattern') or '—')}</td>"
            )
        return f"<tr>{cells}</tr>"

    head = (
        '<div class="table-wrap"><table class="members"><thead><tr><th>Account</th>'
        "<th>Posts</th><th>Weighted degree</th><th>PageRank</th>"
        f"<th>24-hour activity<br><small>posts per UTC hour, 0–23</small></th>{sig_head}"
        "</tr></thead><tbody>"
    )
    tail = "</tbody></table></div>"
    members = n.member_rows[:MAX_TABLE_MEMBERS]
    out = note + head + "".join(row(m) for m in members[:SHOWN_ROWS]) + tail
    if len(members) > SHOWN_ROWS:
        out += (
            f'<details class="rest"><summary>Show {len(members) - SHOWN_ROWS} more members'
            "</summary>" + head + "".join(row(m) for m in members[SHOWN_ROWS:]) + tail
        )
        if len(n.member_rows) > len(members):
            out += (
                f'<p class="note">The {len(members)} members with the highest weighted degree '
                f"of {len(n.member_rows)} are listed; networks.csv has them all.</p>"
            )
        out += "</details>"
    return out


def _footer_html() -> str:
    return (
        f"<footer><p>Made by OneVoice {_e(__version__)} from the analytic store. Graph drawing: "
        f"Cytoscape.js {CYTOSCAPE_VERSION} (MIT licence, © The Cytoscape Consortium), "
        "inlined in this file. This page loads nothing from the network; links to shared "
        "items open the original sites only when you click them.</p></footer>"
    )
