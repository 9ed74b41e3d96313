"""A network's shares over time, its most shared items and domains, and the timeline as SVG.

A *share* is a member's post that carries an item the network's edges name (a URL for
co-link, a hashtag for co-hashtag, the reposted post for co-repost …), found with the same
``shares_sql`` of each coordination kind that detection used (:mod:`onevoice.detect.kinds`)
and the run's own parameters. Kinds without a cheap share query (co-text, which compares
texts pairwise) are left off the timeline and said so; their items are still counted from the
edges.

The timeline is drawn on the server as an SVG bar chart (per hour for spans up to four days,
per day beyond), so it shows without JavaScript; the page adds the same numbers as a table.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    from onevoice.store import Store
    from onevoice.web.explorer.data import ItemCount, NetworkSummary, RunRow

__all__ = ["Bucket", "Timeline", "network_shares", "timeline_svg"]

#: Kinds whose shares are not recomputed (co-text needs the pairwise text comparison).
NO_TIMELINE_KINDS = frozenset({"co-text"})
#: Items and domains listed.
MAX_ITEMS = 25
#: Items of kinds without shares (counted from edges) listed after them.
MAX_SKIPPED_ITEMS = 10
#: Characters of a post's text shown beside a post or text item.
LABEL_CHARS = 140
#: Spans up to this long are drawn per hour, longer ones per day.
HOURLY_SPAN = timedelta(days=4)
#: At most this many bars (a longer span is cut at its end, and the cut is said).
MAX_BUCKETS = 400


class Bucket(BaseModel):
    start: datetime
    posts: int
    accounts: int


class Timeline(BaseModel):
    """Shares per hour or day, empty buckets included, oldest first."""

    unit: Literal["hour", "day"] = "day"
    buckets: list[Bucket] = []
    posts: int = 0
    skipped_kinds: list[str] = []
    truncated: bool = False


def _detect_params(params: dict[str, Any]) -> Any:
    from onevoice.detect.params import DetectParams

    known = {f.name for f in dataclasses.fields(DetectParams)}
    p = {k: v for k, v in params.items() if k in known}
    p["kinds"] = tuple(p.get("kinds") or ())
    p["platforms"] = tuple(p.get("platforms") or ())
    try:
        return DetectParams(**p)
    except (TypeError, ValueError):
        return DetectParams(platforms=p["platforms"])


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _fill(rows: list[tuple[Any, ...]], unit: Literal["hour", "day"]) -> tuple[list[Bucket], bool]:
    step = timedelta(hours=1) if unit == "hour" else timedelta(days=1)
    have = {_utc(r[0]): (int(r[1]), int(r[2])) for r in rows}
    if not have:
        return [], False
    t, last = min(have), max(have)
    out: list[Bucket] = []
    while t <= last and len(out) < MAX_BUCKETS:
        posts, accounts = have.get(t, (0, 0))
        out.append(Bucket(start=t, posts=posts, accounts=accounts))
        t += step
    return out, t <= last


def network_shares(
    store: Store, run: RunRow, network_id: int, summary: NetworkSummary
) -> tuple[Timeline, list[ItemCount], list[ItemCount]]:
    """The timeline, the most shared items and the most shared domains of one network."""
    import duckdb

    from onevoice.detect.kinds import KINDS, get_kind
    from onevoice.web.explorer.data import ItemCount

    con = store.con
    params = _detect_params(run.params)
    members = "SELECT account_id FROM network_members WHERE run_id = $run AND network_id = $net"
    internal = (
        f"FROM coord_edges e WHERE e.run_id = $run AND e.account_a IN ({members})"
        f" AND e.account_b IN ({members})"
    )
    p = {"run": run.run_id, "net": network_id}
    skipped = sorted(k for k in summary.kinds if k in NO_TIMELINE_KINDS or k not in KINDS)
    parts = []
    for kind in sorted(set(summary.kinds) - set(skipped)):
        try:
            sql = get_kind(kind).shares_sql(con, params)
        except (duckdb.Error, AttributeError):
            skipped.append(kind)
            continue
        esc = kind.replace("'", "''")
        parts.append(
            f"SELECT '{esc}' AS kind, s.account_id, s.post_id, s.item, s.ts FROM ({sql}) s"
            f" WHERE s.account_id IN ({members}) AND s.item IN (SELECT DISTINCT"
            f" unnest(e.shared_items) {internal} AND e.kind = '{esc}')"
        )
    con.execute("DROP TABLE IF EXISTS explorer_shares")
    con.execute(
        "CREATE TEMP TABLE explorer_shares AS "
        + (
            " UNION ".join(parts)
            if parts
            else "SELECT ''::VARCHAR AS kind, ''::VARCHAR AS account_id, ''::VARCHAR AS"
            " post_id, ''::VARCHAR AS item, now() AS ts WHERE false"
        ),
        p if parts else [],
    )
    span = (
        summary.last_ts - summary.first_ts
        if summary.first_ts is not None and summary.last_ts is not None
        else timedelta(0)
    )
    unit: Literal["hour", "day"] = "hour" if span <= HOURLY_SPAN else "day"
    rows = con.execute(
        f"SELECT date_trunc('{unit}', timezone('UTC', ts)) AS b, count(DISTINCT post_id),"
        " count(DISTINCT account_id) FROM explorer_shares GROUP BY b ORDER BY b"
    ).fetchall()
    buckets, truncated = _fill([(r[0], r[1], r[2]) for r in rows], unit)
    total = con.execute("SELECT count(DISTINCT post_id) FROM explorer_shares").fetchone()
    timeline = Timeline(
        unit=unit,
        buckets=buckets,
        posts=int(total[0]) if total else 0,
        skipped_kinds=sorted(set(skipped)),
        truncated=truncated,
    )
    items = [
        ItemCount(item=r[0], kind=r[1], posts=int(r[2]), accounts=int(r[3]))
        for r in con.execute(
            "SELECT item, kind, count(DISTINCT post_id) AS n, count(DISTINCT account_id)"
            " FROM explorer_shares GROUP BY item, kind ORDER BY n DESC, item LIMIT ?",
            [MAX_ITEMS],
        ).fetchall()
    ]
    if skipped:  # items of kinds without shares: accounts whose edges name them
        items += [
            ItemCount(item=r[0], kind=r[1], posts=None, accounts=int(r[2]))
            for r in con.execute(
                "WITH x AS (SELECT e.kind, unnest(e.shared_items) AS item,"
                f" [e.account_a, e.account_b] AS acc {internal} AND list_contains($kinds,"
                " e.kind)) SELECT item, kind, count(DISTINCT a) AS n FROM"
                " (SELECT item, kind, unnest(acc) AS a FROM x) GROUP BY item, kind"
                " ORDER BY n DESC, item LIMIT $lim",
                {**p, "kinds": sorted(set(skipped)), "lim": MAX_SKIPPED_ITEMS},
            ).fetchall()
        ]
    domains = [
        ItemCount(item=r[0], kind="domain", posts=int(r[1]), accounts=int(r[2]))
        for r in con.execute(
            "SELECT d, count(DISTINCT post_id) AS n, count(DISTINCT account_id) FROM"
            " (SELECT p.post_id, p.account_id, unnest(p.domains) AS d FROM posts p"
            " WHERE p.post_id IN (SELECT post_id FROM explorer_shares))"
            " GROUP BY d ORDER BY n DESC, d LIMIT ?",
            [MAX_ITEMS],
        ).fetchall()
    ]
    con.execute("DROP TABLE IF EXISTS explorer_shares")
    _label_posts(store, items)
    return timeline, items, domains


def _label_posts(store: Store, items: list[ItemCount]) -> None:
    """Give post items (co-repost) and text items (``text:<post id>``) their text."""
    ids = {i.item.removeprefix("text:"): i for i in items if ":" in i.item and "//" not in i.item}
    if not ids:
        return
    for post_id, text in store.con.execute(
        "SELECT post_id, min(text) FROM posts WHERE list_contains(?, post_id)"
        " AND text IS NOT NULL GROUP BY post_id",
        [sorted(ids)],
    ).fetchall():
        text = " ".join(str(text).split())
        ids[str(post_id)].label = text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS] + "…"


def _label(t: datetime, unit: str) -> str:
    return t.strftime("%Y-%m-%d %H:00" if unit == "hour" else "%Y-%m-%d")


def timeline_svg(timeline: Timeline, *, width: int = 760, height: int = 180) -> str:
    """The timeline as an SVG bar chart (escaped markup, safe to mark safe).

    The chart has ``role="img"`` with a title and description; every bar has a ``<title>``
    tooltip. The page must still give the numbers as text (a table) for screen readers.
    """
    buckets = timeline.buckets
    if not buckets:
        return ""
    top = max(b.posts for b in buckets) or 1
    left, bottom, pad = 44, 28, 8
    plot_w, plot_h = width - left - pad, height - bottom - pad
    bar_w = plot_w / len(buckets)
    gap = min(2.0, bar_w * 0.2)
    desc = (
        f"{timeline.posts} shared posts from {_label(buckets[0].start, timeline.unit)} to "
        f"{_label(buckets[-1].start, timeline.unit)}, per {timeline.unit}; the busiest "
        f"{timeline.unit} had {top}."
    )
    out = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img"'
        ' aria-labelledby="tl-title tl-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="tl-title">Shares per {timeline.unit} (UTC)</title>',
        f'<desc id="tl-desc">{escape(desc)}</desc>',
        f'<line class="axis" x1="{left}" y1="{pad + plot_h}" x2="{width - pad}"'
        f' y2="{pad + plot_h}"/>',
        f'<text class="tick" x="{left - 6}" y="{pad + 10}" text-anchor="end">{top}</text>',
        f'<text class="tick" x="{left - 6}" y="{pad + plot_h}" text-anchor="end">0</text>',
    ]
    for i, b in enumerate(buckets):
        h = plot_h * b.posts / top
        x = left + i * bar_w + gap / 2
        tip = f"{_label(b.start, timeline.unit)}: {b.posts} posts by {b.accounts} accounts"
        out.append(
            f'<rect class="bar" x="{x:.1f}" y="{pad + plot_h - h:.1f}"'
            f' width="{max(bar_w - gap, 0.5):.1f}" height="{h:.1f}"><title>{escape(tip)}'
            "</title></rect>"
        )
    y = height - 8
    out.append(
        f'<text class="tick" x="{left}" y="{y}">{escape(_label(buckets[0].start, timeline.unit))}'
        "</text>"
    )
    if len(buckets) > 1:
        out.append(
            f'<text class="tick" x="{width - pad}" y="{y}" text-anchor="end">'
            f"{escape(_label(buckets[-1].start, timeline.unit))}</text>"
        )
    out.append("</svg>")
    return "".join(out)
