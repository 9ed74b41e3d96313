"""Static export of the hub: crawl a tiny fake site, rewrite links, find broken ones, index.

The fake site is a dict of path → (status, content type, body), standing in for the Django
test client (:func:`onevoice.hub.static_export.django_getter` in production).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from onevoice.errors import OneVoiceError, UsageError
from onevoice.hub.static_export import (
    ExportResult,
    build_search_index,
    check_links,
    django_getter,
    export_site,
)

HTML = "text/html; charset=utf-8"
AR = "/ar/%D8%B9%D9%86/"  # /ar/عن/

SITE: dict[str, tuple[int, str, bytes]] = {
    "/": (302, "", b"/en/"),
    "/en/": (
        200,
        HTML,
        f"""<!doctype html><html lang="en"><head>
<link rel="canonical" href="https://g20.example.org/en/">
<link rel='stylesheet' href='/static/hub.css'>
<link rel="alternate" hreflang="ar" href="{AR}">
<link rel="alternate" type="application/atom+xml" href="/en/feed.atom">
</head><body><p class=x>Unchanged &amp; kept</p>
<a href="/en/about/#team">About</a> <a href="about/">About again</a>
<a href="/en/documents/?page=2&amp;tag=T20">Page 2</a>
<img src="/static/img/logo.png" srcset="/static/img/logo.png 1x, /static/img/logo@2x.png 2x" alt="">
<a href="mailto:press@g20.example.org">Mail</a> <a href="https://example.com/x">Out</a>
<a href="#top">Top</a> <a href="/en/missing/">Broken</a>
<form action="/en/search/"><input name="q"></form>
</body></html>""".encode(),
    ),
    "/en/about/": (200, HTML, b'<a href="../">Home</a> <a href="/en/documents/?page=2">p2</a>'),
    "/en/documents/?page=2&tag=T20": (200, HTML, b'<a href="/en/">Home</a>'),
    "/en/documents/?page=2": (200, HTML, b'<a href="?page=2&amp;tag=T20">filter</a>'),
    "/en/search/": (200, HTML, b"<main data-pagefind-body><h1>Search</h1></main>"),
    AR: (
        200,
        HTML,
        '<html lang="ar" dir="rtl"><body><main data-pagefind-body><h1>عن مجموعة العشرين</h1>'
        '<p>بيان القادة</p><a href="/en/">English</a></main></body></html>'.encode(),
    ),
    "/static/hub.css": (
        200,
        "text/css",
        b'@import "base.css";\nbody{background:url(img/bg.png)}\n'
        b"@font-face{src:url('/static/font.woff2')}",
    ),
    "/static/base.css": (200, "text/css", b"p{color:#000}"),
    "/static/img/bg.png": (200, "image/png", b"\x89PNG bg"),
    "/static/img/logo.png": (200, "image/png", b"\x89PNG 1"),
    "/static/img/logo@2x.png": (200, "image/png", b"\x89PNG 2"),
    "/static/font.woff2": (200, "font/woff2", b"wOF2"),
    "/en/feed.atom": (
        200,
        "application/atom+xml; charset=utf-8",
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b'<link href="https://g20.example.org/en/feed-only/" rel="alternate"/></feed>',
    ),
    "/sitemap.xml": (
        200,
        "application/xml",
        b"<urlset><url><loc>https://g20.example.org/en/sitemap-only/</loc></url></urlset>",
    ),
    "/en/feed-only/": (200, HTML, b"<p>from the feed</p>"),
    "/en/sitemap-only/": (
        200,
        HTML,
        b'<html lang="en"><main data-pagefind-body><p>From the sitemap</p></main></html>',
    ),
}


def fake_get(site: dict[str, tuple[int, str, bytes]]) -> object:
    def get(path: str) -> tuple[int, str, bytes]:
        return site.get(path, (404, "text/plain", b"not found"))

    return get


def export(out: Path, site: dict[str, tuple[int, str, bytes]] = SITE, **kw: object) -> ExportResult:
    return export_site(
        fake_get(site),  # type: ignore[arg-type]
        ["/", "/sitemap.xml"],
        out,
        hosts={"g20.example.org"},
        **kw,  # type: ignore[arg-type]
    )


def test_every_reachable_file_is_written(tmp_path: Path) -> None:
    result = export(tmp_path)
    written = sorted(result.files.values())
    assert written == sorted(
        [
            "index.html",
            "en/index.html",
            "en/about/index.html",
            "en/documents/index@page=2.html",
            "en/documents/index@page=2&tag=T20.html",
            "en/search/index.html",
            "ar/عن/index.html",
            "en/feed.atom",
            "en/feed-only/index.html",
            "en/sitemap-only/index.html",
            "sitemap.xml",
            "static/hub.css",
            "static/base.css",
            "static/font.woff2",
            "static/img/bg.png",
            "static/img/logo.png",
            "static/img/logo@2x.png",
        ]
    )
    assert all((tmp_path / f).is_file() for f in written)
    assert result.errors == [("/en/missing/", 404, "/en/")]
    assert (tmp_path / "static/img/bg.png").read_bytes() == b"\x89PNG bg"


def test_links_are_rewritten_relative_and_the_rest_is_kept(tmp_path: Path) -> None:
    export(tmp_path)
    page = (tmp_path / "en/index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../static/hub.css">' in page
    assert f'<link rel="alternate" hreflang="ar" href="../ar/{AR[4:]}">' in page
    assert 'href="about/#team"' in page and 'href="about/">About again' in page
    assert 'href="documents/index@page=2%26tag=T20.html"' in page
    assert 'srcset="../static/img/logo.png 1x, ../static/img/logo@2x.png 2x"' in page
    assert '<form action="search/">' in page
    # absolute, external, mail and fragment links are untouched, as is everything else
    assert '<link rel="canonical" href="https://g20.example.org/en/">' in page
    for kept in ("mailto:press@g20.example.org", "https://example.com/x", 'href="#top"'):
        assert kept in page
    assert "<p class=x>Unchanged &amp; kept</p>" in page
    assert (tmp_path / "en/about/index.html").read_text() == (
        '<a href="../">Home</a> <a href="../documents/index@page=2.html">p2</a>'
    )
    css = (tmp_path / "static/hub.css").read_text()
    assert '@import "base.css"' in css and "url(img/bg.png)" in css
    assert "url('font.woff2')" in css
    stub = (tmp_path / "index.html").read_text()
    assert 'url=en/"' in stub and '<a href="en/">' in stub


def test_check_links_reports_only_the_broken_link(tmp_path: Path) -> None:
    export(tmp_path)
    assert check_links(tmp_path) == ["en/index.html: broken link 'missing/'"]
    (tmp_path / "ar/عن/index.html").write_text('<a href="../../../etc/passwd">x</a>')
    (tmp_path / "static/extra.css").write_text("p{background:url(nothere.png)}")
    assert check_links(tmp_path) == [
        "ar/عن/index.html: broken link '../../../etc/passwd'",
        "en/index.html: broken link 'missing/'",
        "static/extra.css: broken link 'nothere.png'",
    ]


def test_the_export_works_under_any_sub_path(tmp_path: Path) -> None:
    """Relative links: moving the whole tree into a sub-folder breaks nothing."""
    site = {k: v for k, v in SITE.items() if "missing" not in k}
    en = site["/en/"]
    site["/en/"] = (200, HTML, en[2].replace(b'<a href="/en/missing/">Broken</a>', b""))
    export(tmp_path / "root", site)
    assert check_links(tmp_path / "root") == []
    shutil.copytree(tmp_path / "root", tmp_path / "host" / "g20" / "archive")
    assert check_links(tmp_path / "host") == []


def test_base_path_and_explicit_index(tmp_path: Path) -> None:
    site = {
        "/hub/": (200, HTML, b'<a href="/hub/en/">en</a> <a href="/admin/">admin</a>'),
        "/hub/en/": (200, HTML, b'<a href="/hub/">home</a>'),
    }
    result = export_site(
        fake_get(site),  # type: ignore[arg-type]
        ["/hub/"],
        tmp_path,
        base_path="/hub",
        explicit_index=True,
    )
    assert result.files == {"/hub/": "index.html", "/hub/en/": "en/index.html"}
    assert (tmp_path / "index.html").read_text() == (
        '<a href="en/index.html">en</a> <a href="/admin/">admin</a>'
    )
    assert (tmp_path / "en/index.html").read_text() == '<a href="../index.html">home</a>'
    assert check_links(tmp_path) == ["index.html: broken link '/admin/'"]


def test_export_is_deterministic(tmp_path: Path) -> None:
    export(tmp_path / "a")
    export(tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    assert files_a == files_b
    for rel in files_a:
        if (tmp_path / "a" / rel).is_file():
            assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_a_feed_at_a_folder_path_is_flagged(tmp_path: Path) -> None:
    site = {
        "/": (200, HTML, b'<link rel="alternate" href="/en/feed/">'),
        "/en/feed/": (200, "application/atom+xml", b"<feed/>"),
    }
    result = export_site(fake_get(site), ["/"], tmp_path)  # type: ignore[arg-type]
    assert result.files["/en/feed/"] == "en/feed/index.atom"
    assert any("give it a file name" in w for w in result.warnings)
    assert check_links(tmp_path) == ["index.html: broken link 'en/feed/'"]


# -- search index --------------------------------------------------------------------------
def fake_pagefind(tmp_path: Path, code: int) -> Path:
    script = tmp_path / "fake-pagefind"
    script.write_text(
        f'#!/bin/sh\necho "$@" > "{tmp_path}/args"\necho "Error: boom" >&2\nexit {code}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_build_search_index_runs_pagefind_on_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site").mkdir()
    monkeypatch.setenv("ONEVOICE_PAGEFIND", str(fake_pagefind(tmp_path, 0)))
    build_search_index(tmp_path / "site")
    assert (tmp_path / "args").read_text().split() == ["--site", str(tmp_path / "site"), "--quiet"]
    monkeypatch.setenv("ONEVOICE_PAGEFIND", str(fake_pagefind(tmp_path, 2)))
    with pytest.raises(OneVoiceError, match=r"Pagefind failed \(exit 2\): Error: boom"):
        build_search_index(tmp_path / "site")
    with pytest.raises(UsageError, match="is not a folder"):
        build_search_index(tmp_path / "nothing")


def _real_pagefind() -> str | None:
    env = os.environ.get("ONEVOICE_PAGEFIND")
    if env:
        return env
    local = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "pagefind"
    return str(local) if local.is_file() else shutil.which("pagefind")


@pytest.mark.skipif(_real_pagefind() is None, reason="pagefind is not installed (npm ci)")
def test_pagefind_indexes_every_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEVOICE_PAGEFIND", str(_real_pagefind()))
    export(tmp_path)
    build_search_index(tmp_path)
    assert (tmp_path / "pagefind" / "pagefind-ui.js").is_file()
    entry = json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"ar", "en"}
    assert entry["languages"]["ar"]["page_count"] == 1
    assert entry["languages"]["en"]["page_count"] == 1  # /en/search/ has no <html>: skipped


def test_one_fetch_per_page_and_redirects_never_replace_pages(tmp_path: Path) -> None:
    fetched: list[str] = []
    site = {
        "/": (
            200,
            HTML,
            f'<a href="/en/about/">a</a> <a href="/ar/عن/">r</a> <a href="{AR}">r</a>'
            ' <a href="/en/about">no slash</a>'.encode(),
        ),
        "/en/about": (301, "", b"/en/about/"),
        "/en/about/": (200, HTML, b"<p>About</p>"),
        AR: (200, HTML, b"<p>\xd8\xb9\xd9\x86</p>"),
    }

    def get(path: str) -> tuple[int, str, bytes]:
        fetched.append(path)
        return site.get(path, (404, "text/plain", b""))

    result = export_site(get, ["/"], tmp_path)
    assert sorted(fetched) == sorted(["/", "/en/about/", AR, "/en/about"])
    assert (tmp_path / "en/about/index.html").read_text() == "<p>About</p>"
    page = (tmp_path / "index.html").read_text()
    assert page.count(f'href="{AR[1:]}"') == 2
    assert result.errors == [] and check_links(tmp_path) == []


class FakeResponse(dict[str, str]):
    def __init__(self, status: int, headers: dict[str, str], content: bytes = b"") -> None:
        super().__init__(headers)
        self.status_code = status
        self.content = content
        self.streaming = False


class FakeStreaming(FakeResponse):
    def __init__(self, chunks: list[bytes]) -> None:
        super().__init__(200, {"Content-Type": "application/pdf"})
        self.streaming = True
        self.streaming_content = iter(chunks)


class FakeClient:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def get(self, path: str) -> FakeResponse:
        self.asked.append(path)
        if path == "/":
            return FakeResponse(302, {"Location": "/en/"})
        if path == "/doc.pdf":
            return FakeStreaming([b"%PDF", b"-1.7"])
        return FakeResponse(200, {"Content-Type": HTML}, b"<p>page</p>")


def test_django_getter_adapts_the_test_client(tmp_path: Path) -> None:
    (tmp_path / "static" / "img").mkdir(parents=True)
    (tmp_path / "static" / "img" / "a.png").write_bytes(b"png")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "r.pdf").write_bytes(b"pdf")
    (tmp_path / "secret").write_bytes(b"no")
    client = FakeClient()
    get = django_getter(
        client,
        static_url="/static/",
        static_roots=[tmp_path / "static"],
        media_url="/media/",
        media_root=tmp_path / "media",
    )
    assert get("/") == (302, "", b"/en/")
    assert get("/en/?q=1") == (200, HTML, b"<p>page</p>")
    assert get("/doc.pdf") == (200, "application/pdf", b"%PDF-1.7")
    assert get("/static/img/a.png") == (200, "image/png", b"png")
    assert get("/media/r.pdf") == (200, "application/pdf", b"pdf")
    assert get("/static/missing.css")[0] == 404
    assert get("/media/../secret")[0] == 404
    assert client.asked == ["/", "/en/?q=1", "/doc.pdf"]
