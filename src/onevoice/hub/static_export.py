"""Freeze the public hub to static files that any web server can host, and check the links.

:func:`export_site` crawls the site through a ``get`` callable (in production the Django test
client, :func:`django_getter`; in tests a dict), starting from ``start_paths`` and following
every internal reference: ``href``, ``src``, ``srcset``, ``poster``, form ``action``, the
``<link rel="alternate" hreflang>`` language versions and feeds, ``url()`` in CSS, and the
URLs in sitemaps and feeds. Each response is written once:

- an HTML page at ``path/`` → ``path/index.html``; a file-like path keeps its name
  (``/sitemap.xml``, ``/static/hub.css``, ``/en/feed.atom``);
- a query string becomes part of the file name, ``/en/documents/?page=2`` →
  ``en/documents/index@page=2.html`` (static servers ignore queries);
- non-ASCII paths are written decoded (``/ar/عن/`` → ``ar/عن/index.html``) and linked
  percent-encoded, which is how servers map URLs to files;
- a redirect becomes a small HTML page with ``<meta http-equiv="refresh">`` to its target.

**Links are rewritten to relative ones** (``/en/about/`` seen from ``fr/index.html`` becomes
``../en/about/``), so the export works at a site root, under a sub-path, or from a CDN bucket
without configuration. Directory links end in ``/`` and rely on the server's index file
(``index.html`` — nginx, Apache, Caddy, S3/GitHub Pages and ``python -m http.server`` all do
this); pass ``explicit_index=True`` to link ``…/index.html`` instead (for ``file://``).
Absolute URLs, including those to our own host (``rel="canonical"``, ``hreflang``
alternates, sitemap ``<loc>``, feed links, which must stay absolute), are followed but not
changed. Only the start tags that carry a rewritten reference are re-serialised; everything
else in a page stays byte-identical. Inline ``style`` attributes are not rewritten.

:func:`check_links` then proves the result self-contained: every relative or root-relative
reference in every HTML and CSS file must resolve to a file inside the export.
:func:`build_search_index` runs Pagefind (https://pagefind.app/) over the export.
"""

from __future__ import annotations

import html
import mimetypes
import os
import re
import shutil
import subprocess
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any, Final
from urllib.parse import quote, unquote, urljoin, urlsplit

from onevoice.errors import OneVoiceError, UsageError

__all__ = [
    "ExportResult",
    "Getter",
    "build_search_index",
    "check_links",
    "django_getter",
    "export_site",
]

#: ``get(path) -> (status, content_type, body)``; for a redirect (3xx) the body is the
#: target URL.
Getter = Callable[[str], tuple[int, str, bytes]]

#: Attributes holding one URL, and ``srcset`` (a list of candidates).
URL_ATTRS: Final = frozenset({"href", "src", "poster", "action", "data"})
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
_XML_URLS = re.compile(r"<(?:loc|link)>\s*([^<\s]+)\s*</(?:loc|link)>|\bhref=\"([^\"]+)\"")
_SKIP_SCHEMES: Final = ("mailto:", "tel:", "javascript:", "data:", "sms:")
#: Characters left as they are when a file path is written into a link.
_SAFE: Final = "/@=,;:!$'()*+-._~"
#: Characters left as they are in a crawled path (RFC 3986 ``pchar`` and ``/``).
_PATH_SAFE: Final = "/@=,;:!$&'()*+-._~"
_EXTENSIONS: Final = {
    "application/atom+xml": ".atom",
    "application/rss+xml": ".rss",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/json": ".json",
    "text/css": ".css",
}


@dataclass
class ExportResult:
    """What an export wrote and what went wrong.

    Attributes:
        files: URL path (with query) → file written, relative to the output folder.
        errors: ``(path, status, first page that linked it)`` of every response ≥ 400.
        warnings: references that could not be followed, and other oddities.
    """

    files: dict[str, str] = field(default_factory=dict)
    errors: list[tuple[str, int, str | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# -- reading references --------------------------------------------------------------------
def _srcset(value: str) -> list[str]:
    return [c.split()[0] for c in value.split(",") if c.strip()]


class _Refs(HTMLParser):
    """Start tags with URL attributes, and where each tag is in the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        #: (offset of the tag, raw tag text, tag, attrs)
        self.tags: list[tuple[int, str, str, list[tuple[str, str | None]]]] = []
        self.lines: list[int] = [0]

    def feed_text(self, text: str) -> None:
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(k in URL_ATTRS or k == "srcset" for k, _ in attrs):
            line, col = self.getpos()
            raw = self.get_starttag_text() or ""
            self.tags.append((self.lines[line - 1] + col, raw, tag, attrs))

    handle_startendtag = handle_starttag


def _html_refs(text: str) -> Iterator[str]:
    parser = _Refs()
    parser.feed_text(text)
    for _, _, _, attrs in parser.tags:
        for key, value in attrs:
            if value is None:
                continue
            if key == "srcset":
                yield from _srcset(value)
            elif key in URL_ATTRS:
                yield value


def _css_refs(text: str) -> Iterator[str]:
    for m in _CSS_URL.finditer(text):
        yield (m.group(2) or m.group(4)).strip()


def _is_reference(ref: str) -> bool:
    """A relative or root-relative reference to a file (not ``#x``, ``mailto:``, ``//h``…)."""
    ref = ref.strip()
    if not ref or ref.startswith(("#", "//")) or ref.lower().startswith(_SKIP_SCHEMES):
        return False
    return not urlsplit(ref).scheme


# -- paths and files -----------------------------------------------------------------------
def _file_for(path: str, query: str, content_type: str) -> str:
    """The file (relative, decoded, ``/``-separated) a URL path is written to."""
    rel = unquote(path).lstrip("/")
    mime = content_type.split(";")[0].strip().lower()
    if not rel or rel.endswith("/") or (mime == "text/html" and "." not in rel.rsplit("/")[-1]):
        rel = rel.rstrip("/") + ("/" if rel.strip("/") else "")
        rel += "index" + (".html" if mime == "text/html" or not mime else _ext(mime))
    if query:
        stem, dot, ext = rel.rpartition(".")
        slug = quote(unquote(query), safe="=&,-_.~").replace("%", "_")
        rel = f"{stem}@{slug}{dot}{ext}" if dot and "/" not in ext else f"{rel}@{slug}"
    return rel


def _ext(mime: str) -> str:
    return _EXTENSIONS.get(mime) or mimetypes.guess_extension(mime) or ".bin"


def _relative(target: str, source: str, explicit_index: bool) -> str:
    """Link from file ``source`` to file ``target`` (both relative to the export root)."""
    if not explicit_index and target.rsplit("/", 1)[-1] == "index.html":
        target = target[: -len("index.html")]
    base = PurePosixPath(source).parent
    rel = os.path.relpath("/" + target, "/" + str(base))
    if target.endswith("/") or not target:
        rel = rel.rstrip("/") + "/"
    if ":" in rel.split("/")[0]:  # "a:b/" would read as a URL scheme
        rel = "./" + rel
    return quote(rel, safe=_SAFE)


@dataclass
class _Crawl:
    get: Getter
    out: Path
    base: str
    hosts: frozenset[str]
    explicit_index: bool
    result: ExportResult = field(default_factory=ExportResult)
    queue: deque[tuple[str, str | None]] = field(default_factory=deque)
    seen: set[str] = field(default_factory=set)
    files: dict[str, str] = field(default_factory=dict)
    pages: set[str] = field(default_factory=set)

    def internal(self, ref: str, page: str) -> str | None:
        """The site path (with query, no fragment) a reference points to, if it is ours."""
        ref = ref.strip()
        if ref.lower().startswith(_SKIP_SCHEMES) or ref.startswith("#"):
            return None
        url = urlsplit(urljoin(page, ref))
        if url.scheme and url.scheme not in ("http", "https"):
            return None
        if url.netloc and url.hostname not in self.hosts:
            return None
        # one spelling per path: /ar/عن/ and /ar/%D8%B9%D9%86/ are the same page
        path = quote(unquote(url.path or "/"), safe=_PATH_SAFE)
        if not path.startswith(self.base):
            return None
        return path + (f"?{url.query}" if url.query else "")

    def enqueue(self, ref: str, page: str) -> None:
        target = self.internal(ref, page)
        if target is not None and target not in self.seen:
            self.seen.add(target)
            self.queue.append((target, page))

    def file_of(self, target: str, content_type: str = "text/html") -> str:
        if target in self.files:
            return self.files[target]
        path, _, query = target.partition("?")
        return _file_for(path[len(self.base) - 1 :], query, content_type)

    def link(self, ref: str, page: str, source_file: str) -> str:
        """``ref`` rewritten relative to ``source_file``, or unchanged if not ours/absolute."""
        if not _is_reference(ref):
            return ref
        target = self.internal(ref, page)
        if target is None:
            return ref
        fragment = urlsplit(ref).fragment
        rel = _relative(self.file_of(target), source_file, self.explicit_index)
        return rel + (f"#{fragment}" if fragment else "")

    def run(self, start_paths: list[str]) -> ExportResult:
        for path in start_paths:
            self.enqueue(path, self.base)
        while self.queue:
            target, referrer = self.queue.popleft()
            self.fetch(target, referrer)
        return self.result

    def fetch(self, target: str, referrer: str | None) -> None:
        status, content_type, body = self.get(target)
        if 300 <= status < 400:
            location = body.decode("utf-8", "replace").strip()
            self.files[target] = self.file_of(target)
            self.enqueue(location, target)
            rel = self.link(location, target, self.files[target])
            page = (
                '<!doctype html><meta charset="utf-8">'
                f'<meta http-equiv="refresh" content="0; url={html.escape(rel)}">'
                f'<a href="{html.escape(rel)}">{html.escape(rel)}</a>\n'
            )
            self.write(target, page.encode(), stub=True)
            return
        if status >= 400:
            self.result.errors.append((target, status, referrer))
            return
        mime = content_type.split(";")[0].strip().lower()
        assumed = self.file_of(target)
        self.files[target] = self.file_of(target, mime)
        if self.files[target] != assumed:
            self.result.warnings.append(
                f"{target}: {mime} at a folder-like path is written as {self.files[target]}"
                " and links to it break; give it a file name (feed.atom, sitemap.xml)"
            )
        if mime in ("text/html", "application/xhtml+xml"):
            body = self.rewrite_html(body, target)
        elif mime == "text/css":
            body = self.rewrite_css(body, target)
        elif mime.endswith("xml"):
            text = body.decode("utf-8", "replace")
            for m in _XML_URLS.finditer(text):
                self.enqueue(html.unescape(m.group(1) or m.group(2)), target)
        self.write(target, body)

    def write(self, target: str, body: bytes, *, stub: bool = False) -> None:
        """Write a response; a redirect stub never replaces a page (``/a`` → ``/a/``)."""
        rel = self.files[target]
        dest = self.out / rel
        if not dest.resolve().is_relative_to(self.out.resolve()):
            self.result.warnings.append(f"{target}: outside the export, not written")
            return
        if stub and rel in self.pages:
            return
        if not stub:
            self.pages.add(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(body)
        self.result.files[target] = rel

    def rewrite_html(self, body: bytes, page: str) -> bytes:
        text = body.decode("utf-8", "surrogateescape")
        for ref in _html_refs(text):
            self.enqueue(ref, page)
        source = self.files[page]
        parser = _Refs()
        parser.feed_text(text)
        out, last = [], 0
        for offset, raw, tag, attrs in parser.tags:
            new_attrs = []
            for key, value in attrs:
                if value is not None and key == "srcset":
                    value = ", ".join(
                        " ".join([self.link(c.split()[0], page, source), *c.split()[1:]])
                        for c in value.split(",")
                        if c.strip()
                    )
                elif value is not None and key in URL_ATTRS:
                    value = self.link(value, page, source)
                new_attrs.append((key, value))
            if new_attrs == attrs:
                continue
            rendered = "".join(
                f" {k}" if v is None else f' {k}="{html.escape(v)}"' for k, v in new_attrs
            )
            close = "/>" if raw.rstrip().endswith("/>") else ">"
            out += [text[last:offset], f"<{tag}{rendered}{close}"]
            last = offset + len(raw)
        out.append(text[last:])
        return "".join(out).encode("utf-8", "surrogateescape")

    def rewrite_css(self, body: bytes, page: str) -> bytes:
        text = body.decode("utf-8", "surrogateescape")
        source = self.files[page]

        def swap(m: re.Match[str]) -> str:
            ref = (m.group(2) or m.group(4)).strip()
            self.enqueue(ref, page)
            new = self.link(ref, page, source)
            return m.group(0).replace(ref, new, 1)

        return _CSS_URL.sub(swap, text).encode("utf-8", "surrogateescape")


def export_site(
    get: Getter,
    start_paths: list[str],
    out: Path,
    *,
    base_path: str = "/",
    hosts: Collection[str] = (),
    explicit_index: bool = False,
) -> ExportResult:
    """Crawl the site from ``start_paths`` and write it under ``out`` (see the module doc).

    Two passes over the link graph are not needed: a link is rewritten to the file its
    target *will* have (decided from its path alone, HTML assumed for extension-less paths),
    and a target that then fails (≥ 400) is reported in ``errors`` and shows up as a broken
    link in :func:`check_links`.

    Args:
        get: ``get(path) -> (status, content_type, body)``; a redirect returns its target
            URL as the body. :func:`django_getter` adapts a Django test client.
        start_paths: root-relative paths to start from (``["/", "/sitemap.xml"]``).
        out: the output folder (created; existing files are overwritten, not deleted).
        base_path: the prefix the site lives under; only paths below it are crawled, and
            they are written relative to it.
        hosts: host names whose absolute URLs are ours (``{"g20.example.org"}``): they are
            followed, and left absolute.
        explicit_index: link ``dir/index.html`` instead of ``dir/``.

    Returns:
        The files written, the failed fetches and warnings.
    """
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    out.mkdir(parents=True, exist_ok=True)
    crawl = _Crawl(get, out, base, frozenset(h.lower() for h in hosts), explicit_index)
    return crawl.run(start_paths)


def check_links(out: Path) -> list[str]:
    """Broken internal references in an exported tree, sorted (empty: none).

    Every ``href``/``src``/``srcset``/``poster``/``action``/``data`` of every ``.html`` file,
    and every ``url()``/``@import`` of every ``.css`` file, that is relative or root-relative
    must resolve (query and fragment dropped, percent-decoded, ``dir/`` → ``dir/index.html``)
    to a file inside ``out``. Root-relative references resolve against ``out``.
    """
    root = out.resolve()
    problems: list[str] = []
    for file in sorted(p for p in root.rglob("*") if p.suffix in (".html", ".css")):
        text = file.read_bytes().decode("utf-8", "surrogateescape")
        refs = _html_refs(text) if file.suffix == ".html" else _css_refs(text)
        rel_file = file.relative_to(root).as_posix()
        for ref in sorted(set(refs)):
            if not _is_reference(ref):
                continue
            path = unquote(urlsplit(ref.strip()).path)
            if not path:
                continue
            target = (root / path.lstrip("/")) if path.startswith("/") else file.parent / path
            resolved = Path(os.path.normpath(target))
            if resolved.is_dir() or path.endswith("/"):
                resolved = resolved / "index.html"
            if not resolved.is_relative_to(root) or not resolved.is_file():
                problems.append(f"{rel_file}: broken link {ref!r}")
    return problems


# -- adapters ------------------------------------------------------------------------------
def django_getter(
    client: Any,
    *,
    static_url: str | None = None,
    static_roots: list[Path] | None = None,
    media_url: str | None = None,
    media_root: Path | None = None,
) -> Getter:
    """A :data:`Getter` over a Django test client (``django.test.Client()``).

    Pages go through the client; a redirect returns its ``Location``; streamed responses
    (documents served by ``FileResponse``) are joined. The test client serves neither
    static nor media files, so paths under ``static_url`` are read from ``static_roots``
    (then through the static-file finders) and paths under ``media_url`` from
    ``media_root``. Each setting left ``None`` comes from Django's settings (``STATIC_URL``,
    ``STATIC_ROOT``, ``MEDIA_URL``, ``MEDIA_ROOT``); hashed names of a manifest storage are
    found in ``STATIC_ROOT`` after ``collectstatic``.
    """

    def find(_name: str) -> Any:
        return None

    if None in (static_url, static_roots, media_url, media_root):
        from django.conf import settings
        from django.contrib.staticfiles import finders

        find = finders.find
        static_url = static_url if static_url is not None else str(settings.STATIC_URL)
        if static_roots is None:
            static_roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
        media_url = media_url if media_url is not None else str(settings.MEDIA_URL or "")
        if media_root is None:
            media_root = Path(str(settings.MEDIA_ROOT or "."))
    assert static_url is not None and static_roots is not None
    assert media_url is not None and media_root is not None
    s_url, s_roots, m_url, m_root = static_url, static_roots, media_url, media_root

    def inside(root: Path, rel: str) -> Path | None:
        target = (root / rel).resolve()
        return target if target.is_relative_to(root.resolve()) and target.is_file() else None

    def from_file(found: Path | None) -> tuple[int, str, bytes]:
        if found is None or not found.is_file():
            return 404, "text/plain", b""
        mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return 200, mime, found.read_bytes()

    def get(path: str) -> tuple[int, str, bytes]:
        bare = unquote(path.partition("?")[0])
        if s_url and bare.startswith(s_url):
            rel = bare[len(s_url) :]
            found = next((f for r in s_roots if (f := inside(r, rel))), None)
            hit = found or find(rel)
            return from_file(Path(hit) if isinstance(hit, str | Path) else None)
        if m_url.startswith("/") and bare.startswith(m_url):
            return from_file(inside(m_root, bare[len(m_url) :]))
        response = client.get(path)
        if 300 <= response.status_code < 400:
            return response.status_code, "", str(response["Location"]).encode()
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        return response.status_code, str(response.get("Content-Type", "")), body

    return get


def _pagefind_command() -> list[str] | None:
    """Pagefind's command: ``$ONEVOICE_PAGEFIND``, ``node_modules/.bin/pagefind`` in this
    folder or a parent, or ``pagefind`` on the ``PATH``. Never ``npx`` without a local
    install, which would download it."""
    env = os.environ.get("ONEVOICE_PAGEFIND")
    if env:
        return [env]
    for folder in (Path.cwd(), *Path.cwd().parents):
        local = folder / "node_modules" / ".bin" / "pagefind"
        if local.is_file():
            return [str(local)]
    found = shutil.which("pagefind")
    return [found] if found else None


def build_search_index(out: Path, *, force_language: str | None = None) -> None:
    """Index an exported site for full-text search with Pagefind.

    Pagefind reads the HTML files, splits the index by each page's ``<html lang>`` (one
    index per language, with stemming where it has a stemmer) and writes ``out/pagefind/``:
    ``pagefind-ui.js``/``.css`` for a search box and the index fragments, all static. Pages
    index only their ``data-pagefind-body`` element once any page has one, so mark the
    ``<main>`` of every content page; ``data-pagefind-ignore`` hides navigation.

    Args:
        out: the exported site.
        force_language: index everything as one language (ISO 639-1), rarely wanted.

    Raises:
        UsageError: ``out`` is not a folder.
        OneVoiceError: Pagefind is not installed or failed.
    """
    if not out.is_dir():
        raise UsageError(f"{out} is not a folder", hint="export the site first")
    command = _pagefind_command()
    if command is None:
        raise OneVoiceError(
            "Pagefind is not installed",
            hint="run `npm ci` in the checkout (package.json lists pagefind), "
            "or set ONEVOICE_PAGEFIND to the pagefind binary",
        )
    args = [*command, "--site", str(out), "--quiet"]
    if force_language:
        args += ["--force-language", force_language]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise OneVoiceError(
            f"Pagefind failed (exit {done.returncode})" + (f": {detail[-1]}" if detail else ""),
            hint=" ".join(args),
        )
