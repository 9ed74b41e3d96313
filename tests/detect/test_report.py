"""report.html: self-contained, escaped, complete, deterministic; built on a store made with SQL.

:func:`build_run` is shared with the browser test (``tests/browser``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from onevoice.detect import report
from onevoice.detect.report import CYTOSCAPE_VERSION, KIND_COLOURS, write_report
from onevoice.errors import UsageError
from onevoice.store import Store

RUN = "0001-testrun1"
T0 = datetime(2025, 11, 17, 12, 0, tzinfo=UTC)
EVIL_HANDLE = "<script>alert(1)</script>"
EVIL_NAME = '<img src=x onerror="alert(2)">'
EVIL_ITEM = "</script><script>alert(4)</script>"
URL_1 = "https://news.example/a?x=1&y=2"
URL_2 = "http://blog.example/post/7"
VENDOR = Path(report.__file__).parent / "vendor"


# --------------------------------------------------------------------------------------------
# a store with one run, made with SQL


def _post(
    con: duckdb.DuckDBPyConnection,
    post_id: str,
    account: str,
    ts: datetime,
    *,
    urls: list[str] | None = None,
    hashtags: list[str] | None = None,
    repost_of: str | None = None,
    text: str = "",
) -> None:
    platform = account.split(":", 1)[0]
    con.execute(
        """
        INSERT INTO posts (post_id, platform, native_id, account_id, created_at, text, urls,
            domains, hashtags, mentions, media_hashes, repost_of, repost_extra, source_file,
            source_line, source_format, tool_version, import_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, [], ?, [], [], ?, [], 'test', 1, 'test', 'test', 'test')
        """,
        [
            post_id,
            platform,
            post_id.split(":", 1)[1],
            account,
            ts,
            text,
            urls or [],
            hashtags or [],
            repost_of,
        ],
    )


def _account(
    con: duckdb.DuckDBPyConnection, account: str, handle: str, name: str | None = None
) -> None:
    platform, native = account.split(":", 1)
    con.execute(
        "INSERT INTO accounts (account_id, platform, native_id, handle, display_name, "
        "created_at, followers, import_id) VALUES (?, ?, ?, ?, ?, ?, 120, 'test')",
        [account, platform, native, handle, name, T0 - timedelta(days=40)],
    )


def _edge(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    a: str,
    b: str,
    weight: int,
    items: list[str],
    run_id: str = RUN,
) -> None:
    a, b = sorted((a, b))
    con.execute(
        "INSERT INTO coord_edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0.0, 4.5, ?)",
        [
            run_id,
            kind,
            a,
            b,
            weight,
            weight + 1,
            T0,
            T0 + timedelta(hours=30),
            items,
        ],
    )


def build_run(
    con: duckdb.DuckDBPyConnection,
    *,
    networks: int = 2,
    signals: bool = True,
    run_id: str = RUN,
) -> str:
    """Insert a finished run: network 1 of 6 accounts (one with a hostile handle), then
    ``networks - 1`` networks of 3 accounts; posts behind the edges; signals if asked."""
    con.execute(
        "INSERT INTO detect_runs VALUES (?, ?, ?, ['co-link', 'co-repost'], 60, 2, ?, 7)",
        [
            run_id,
            T0 + timedelta(days=10),
            T0 + timedelta(days=10, seconds=3),
            json.dumps(
                {
                    "kinds": ["co-link", "co-repost"],
                    "window": 60.0,
                    "min_weight": 2,
                    "seed": 7,
                    "text_threshold": 0.7,
                    "resolution": 1.0,
                    "hub_share": 0.1,
                    "platforms": [],
                }
            ),
        ],
    )
    # the original post that network 1 reposts
    _account(con, "twitter:999", "origin_account", "Origin")
    _post(con, "twitter:5000", "twitter:999", T0, text="The <b>original</b> claim & more")
    for nid in range(1, networks + 1):
        size = 6 if nid == 1 else 3
        accounts = [f"twitter:{nid}{i:02d}" for i in range(size)]
        handles = [f"user_{nid}_{i}" for i in range(size)]
        if nid == 1:
            handles[2] = EVIL_HANDLE
        for i, (acc, handle) in enumerate(zip(accounts, handles, strict=True)):
            _account(con, acc, handle, EVIL_NAME if (nid, i) == (1, 2) else f"User {nid}.{i}")
        # everyone shares URL_1 and URL_2 within seconds, and reposts twitter:5000
        for i, acc in enumerate(accounts):
            base = T0 + timedelta(hours=nid)
            _post(con, f"twitter:{nid}{i:02d}1", acc, base + timedelta(seconds=i), urls=[URL_1])
            _post(
                con,
                f"twitter:{nid}{i:02d}2",
                acc,
                base + timedelta(hours=20, seconds=2 * i),
                urls=[URL_2],
            )
            _post(
                con,
                f"twitter:{nid}{i:02d}3",
                acc,
                base + timedelta(hours=26, seconds=i),
                repost_of="twitter:5000",
            )
        pairs = [(a, b) for j, a in enumerate(accounts) for b in accounts[j + 1 :]]
        for a, b in pairs:
            items = [URL_1, URL_2]
            if nid == 1 and EVIL_HANDLE in (handles[accounts.index(a)], handles[accounts.index(b)]):
                items += [EVIL_ITEM, "javascript:alert(3)"]
            _edge(con, "co-link", a, b, len(items), items, run_id)
        if nid == 1:
            for a, b in pairs[:4]:
                _edge(con, "co-repost", a, b, 2, ["twitter:5000"], run_id)
        con.execute(
            "INSERT INTO networks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [
                run_id,
                nid,
                size,
                accounts,
                accounts[:1] if nid > 1 else [accounts[0], accounts[2]],
                ["co-link", "co-repost"] if nid == 1 else ["co-link"],
                T0,
                T0 + timedelta(hours=30),
                len(pairs) + (4 if nid == 1 else 0),
                sum(2 for _ in pairs),
                [URL_1, URL_2, "twitter:5000"] if nid == 1 else [URL_1, URL_2],
                ["news.example", "blog.example"],
                0.75,
            ],
        )
        for i, acc in enumerate(accounts):
            hub = i == 0 or (nid == 1 and i == 2)
            con.execute(
                "INSERT INTO network_members VALUES (?, ?, ?, ?, ?, ?, ?)",
                [run_id, acc, nid, hub, size - 1, 20 - i, round(0.1 - i / 100, 4)],
            )
            if signals:
                con.execute(
                    "INSERT INTO account_signals VALUES (?, ?, 3, 1.25, 0.4, 1.5, 3, ?, 4, "
                    "0.333, ?)",
                    [
                        run_id,
                        acc,
                        T0 - timedelta(days=40),
                        "name + 8 digits" if i == 1 else None,
                    ],
                )
    return run_id


def _write(store: Store, tmp_path: Path, **kw: Any) -> str:
    run_id = build_run(store.con, **kw)
    path = write_report(store.con, run_id, tmp_path / "out" / "report.html")
    return path.read_text(encoding="utf-8")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))
            self._in_script = None


def _data(html: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="ov-data">(.*?)</script>', html, re.S)
    assert m
    value: dict[str, Any] = json.loads(m.group(1))
    return value


# --------------------------------------------------------------------------------------------
# tests


def test_one_self_contained_file_that_loads_nothing(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path)
    assert list((tmp_path / "out").iterdir()) == [tmp_path / "out" / "report.html"]
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        for name in ("src", "href", "srcset", "action", "data", "poster", "xlink:href"):
            value = (attrs.get(name) or "").strip().lower()
            if re.match(r"^(https?:)?//", value):
                # links to shared items, shown as text, are the only remote addresses
                assert tag == "a" and name == "href", (tag, attrs)
        assert tag != "link", attrs
        assert tag not in {"iframe", "object", "embed", "base"}, attrs
        if tag == "script":
            assert "src" not in attrs
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp and "default-src &#x27;none&#x27;" in csp.group(1)


def test_csp_allows_exactly_the_inline_scripts(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp
    policy = csp.group(1).replace("&#x27;", "'")
    parser = _Tags()
    parser.feed(html)
    code = [text for attrs, text in parser.scripts if attrs.get("type") is None]
    assert len(code) == 2  # cytoscape, the page's script
    for text in code:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert len(re.findall(r"<script\b", html)) == 3  # and the JSON data


def test_untrusted_text_is_escaped(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path)
    assert EVIL_HANDLE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert EVIL_ITEM not in html
    assert "<b>original</b>" not in html and "&lt;b&gt;original&lt;/b&gt; claim &amp; more" in html
    assert 'href="javascript:' not in html.lower()
    # nothing untrusted can end the data script early or open a comment in it
    m = re.search(r'<script type="application/json" id="ov-data">(.*?)</script>', html, re.S)
    assert m and "<" not in m.group(1) and ">" not in m.group(1)
    data = _data(html)
    handles = {a["handle"] for g in data["graphs"].values() for a in g["accounts"].values()}
    assert EVIL_HANDLE in handles  # given back intact, for the script to show as text
    assert EVIL_ITEM in data["graphs"]["1"]["items"]


def test_a_handle_that_looks_like_a_template_marker_stays_text(
    store: Store, tmp_path: Path
) -> None:
    build_run(store.con)
    store.con.execute(
        "UPDATE accounts SET handle = '{{cytoscape}}' WHERE account_id = 'twitter:101'"
    )
    html = write_report(store.con, RUN, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "{{cytoscape}}" in html
    assert html.count("Copyright (c) 2016-") == 1  # the library is inlined once


def test_header_counts_and_parameters(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path)
    assert "<title>Coordination report — run 0001-testrun1</title>" in html
    assert "60 s" in html and "2 distinct items" in html
    assert "<dt>Seed</dt><dd>7</dd>" in html
    assert "2025-11-27 12:00:00 UTC" in html  # started
    # 9 accounts in edges, 15 + 4 + 3 edges, 2 networks
    assert "<b>9</b> accounts in edges" in html
    assert "<b>22</b> edges" in html and "co-link 18, co-repost 4" in html
    assert "<b>2</b> networks" in html
    assert "never a verdict" in html and "distinct items" in html and "Hubs</b>" in html


def test_overview_rows_jump_to_their_network(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path)
    assert 'data-target="net-1"' in html and 'data-target="net-2"' in html
    assert '<section class="network" id="net-1">' in html
    assert '<a href="#net-2">2</a>' in html
    overview = html[html.index('id="overview"') : html.index('id="net-1"')]
    assert "user_1_0" in overview and "&lt;script&gt;" in overview  # hubs by handle
    assert "75\u202f%" in overview
    assert "news.example" in overview
    # a reposted post is shown by its text
    assert "origin_account:" in overview and "original" in overview


def test_url_items_are_links_and_nothing_else_is(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path)
    assert '<a class="item" href="https://news.example/a?x=1&amp;y=2"' in html
    assert 'href="http://blog.example/post/7"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs), hrefs


def test_network_sections_graph_data_and_evidence(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path)
    data = _data(html)
    g1 = data["graphs"]["1"]
    assert [n[0] for n in g1["nodes"]] == [f"twitter:1{i:02d}" for i in range(6)]
    assert len({(n[1], n[2]) for n in g1["nodes"]}) == 6  # no two accounts on one spot
    assert sum(e["g"] for e in g1["edges"]) == 19  # 15 co-link + 4 co-repost
    assert {e["kind"] for e in g1["edges"]} == {"co-link", "co-repost"}
    assert len(g1["items"]) == len(set(g1["items"])) == 5  # each item once per network
    assert g1["accounts"]["twitter:100"]["hub"] is True
    assert data["colours"]["co-link"] == KIND_COLOURS["co-link"]
    section = html[html.index('id="net-1"') : html.index('id="net-2"')]
    assert 'id="cy-1"' in section and 'id="info-1"' in section
    assert "Evidence: 19 edges" in section
    # the first rows are in the page, the others come from the data when opened
    assert section.count('<tr><td><span class="acct"') >= report.SHOWN_ROWS
    assert 'data-rows="1"' in section and "Show 7 more edges" in section
    assert "0 s" in section and "median 4.5 s" in section


def test_timeline_marks_the_members_shares(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path)
    section = html[html.index('id="net-1"') : html.index('id="net-2"')]
    svg = re.search(r'<svg class="timeline".*?</svg>', section, re.S)
    assert svg
    marks = {
        colour: d.count("M")
        for d, colour in re.findall(r'<path d="([^"]*)" stroke="(#[0-9A-Fa-f]+)"', svg.group(0))
    }
    # 6 members × 2 URL posts (co-link) and 6 reposts (co-repost)
    assert marks == {KIND_COLOURS["co-link"]: 12, KIND_COLOURS["co-repost"]: 6}
    assert "user_1_0" in svg.group(0) and "&lt;script&gt;" in svg.group(0)


def test_signals_only_when_the_run_has_them(store: Store, tmp_path: Path) -> None:
    html = _write(store, tmp_path, signals=False)
    assert "hints for an analyst, not verdicts" not in html
    assert "Posting regularity" not in html
    assert "24-hour activity" in html  # from the posts themselves
    other = tmp_path / "other"
    with Store(other / "store") as s2:
        html2 = _write(s2, other, signals=True)
    assert "hints for an analyst, not verdicts" in html2
    assert "Posting regularity" in html2 and "1.25 bits" in html2 and "CV 0.40" in html2
    assert "name + 8 digits" in html2 and "33\u202f%" in html2 and "4 in 24 h" in html2


def test_only_the_largest_networks_are_drawn(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "MAX_NETWORKS", 2)
    html = _write(store, tmp_path, networks=4)
    assert "4 networks; the 2 largest are shown in full below" in html
    assert 'id="net-2"' in html and 'id="net-3"' not in html
    assert 'data-target="net-3"' not in html and "<td class=num>3</td>" in html
    assert set(_data(html)["graphs"]) == {"1", "2"}


def test_a_run_without_networks(store: Store, tmp_path: Path) -> None:
    store.con.execute(
        "INSERT INTO detect_runs VALUES ('0002-empty', ?, ?, ['co-link'], 60, 2, '{}', 0)",
        [T0, T0],
    )
    html = write_report(store.con, "0002-empty", tmp_path / "r.html").read_text()
    assert "No networks" in html and "<b>0</b> networks" in html
    assert _data(html)["graphs"] == {}


def test_an_unknown_run_is_a_usage_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no detection run 'nope'"):
        write_report(store.con, "nope", tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_the_same_run_gives_the_same_bytes(store: Store, tmp_path: Path) -> None:
    build_run(store.con)
    a = write_report(store.con, RUN, tmp_path / "a.html", title="Case 12 <draft>").read_bytes()
    b = write_report(store.con, RUN, tmp_path / "b.html", title="Case 12 <draft>").read_bytes()
    assert a == b
    assert b"<title>Case 12 &lt;draft&gt;</title>" in a


def test_separate_components_are_laid_out_apart() -> None:
    edges = [
        report._Edge("co-link", a, b, 2, 2, T0, T0, 0.0, 0.0, [])
        for a, b in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e")]
    ]
    pos = dict(zip("abcdef", report._layout(list("abcdef"), edges), strict=True))
    assert len(set(pos.values())) == 6

    def box(names: str) -> tuple[float, float, float, float]:
        xs = [pos[n][0] for n in names]
        ys = [pos[n][1] for n in names]
        return min(xs), max(xs), min(ys), max(ys)

    (ax0, ax1, ay0, ay1), (bx0, bx1, by0, by1) = box("abc"), box("de")
    assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0
    assert report._layout([], []) == [] and report._layout(["x"], []) == [(0.0, 0.0)]


def test_the_vendored_library() -> None:
    lib = (VENDOR / "cytoscape.min.js").read_text(encoding="utf-8")
    assert len(lib.encode()) < 600_000
    assert "Copyright (c) 2016-" in lib[:400] and f'"{CYTOSCAPE_VERSION}"' in lib
    assert "</script" not in lib.lower() and "<!--" not in lib
    licence = (VENDOR / "cytoscape.LICENSE").read_text(encoding="utf-8")
    assert "Permission is hereby granted, free of charge" in licence
    app = (Path(report.__file__).parent / "report.js").read_text(encoding="utf-8")
    assert "</script" not in app.lower() and "innerHTML" not in app
