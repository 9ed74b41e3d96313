"""Freeze the public hub to static files (``onevoice hub export``).

The site is crawled through Django's test client from each language's hub home and the
sitemap (:func:`onevoice.hub.static_export.export_site`): every public page, its feeds,
theme stylesheets, images and documents, with links made relative so any web server (or a
sub-path of one) can host the folder. Drafts and pages above TLP:CLEAR are not reachable
from public pages and answer 404, so they never reach the export. Pagefind then indexes the
pages for full-text search, one index per language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from onevoice.errors import OneVoiceError

__all__ = ["HubExport", "export_hub"]


@dataclass(frozen=True)
class HubExport:
    """What :func:`export_hub` wrote."""

    out: Path
    pages: int
    files: int
    broken_links: list[str]
    search_index: bool
    warnings: list[str]


def export_hub(out: Path, *, search: bool = True) -> HubExport:
    """Export the public hub to ``out`` (Django must be set up).

    Args:
        out: the folder to write (created; existing files are overwritten).
        search: also build the Pagefind search index (``out/pagefind/``).

    Raises:
        OneVoiceError: the hub has no published home page, a public page answered an
            error, or Pagefind failed.
    """
    from django.test import Client
    from wagtail.models import Locale, Site

    from onevoice.hub.static_export import (
        build_search_index,
        check_links,
        django_getter,
        export_site,
    )

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or not site.root_page.live:
        raise OneVoiceError("the hub has no published home page", hint="run: onevoice hub demo")
    host = site.hostname
    client = Client(HTTP_HOST=host if site.port in (80, 443) else f"{host}:{site.port}")
    starts = [f"/{code}/hub/" for code in Locale.objects.values_list("language_code", flat=True)]
    result = export_site(
        django_getter(client),
        [*sorted(starts), "/sitemap.xml"],
        out,
        hosts=(host, f"{host}:{site.port}"),
    )
    errors = [(p, s, r) for p, s, r in result.errors if not (s == 404 and p in starts)]
    if errors:
        path, status, referrer = errors[0]
        raise OneVoiceError(
            f"{len(errors)} public page(s) answered an error, first {path}: HTTP {status}"
            + (f" (linked from {referrer})" if referrer else ""),
            hint="fix the page or its link, then export again",
        )
    if search:
        build_search_index(out)
    pages = sum(1 for f in result.files.values() if f.endswith(".html"))
    return HubExport(
        out=out,
        pages=pages,
        files=len(result.files),
        broken_links=check_links(out),
        search_index=search,
        warnings=list(result.warnings),
    )
