"""Atom and RSS feeds of the hub per language, presidency and track (``/hub-feeds/…``).

Every hub home (one per language: the whole hub in that language), every presidency (in
each language it is translated into) and every track has an Atom and an RSS feed, at
``/hub-feeds/<page id>.atom`` and ``.rss``; each page links the feeds of the nearest such
page at or above it (``<link rel="alternate" type="application/atom+xml">``, through
``feed_page`` in :meth:`onevoice.hub.models.HubBasePage.get_context`).

A feed lists the documents, meetings, debunks and taskforce reports under its page that the
public may see, in the page's own language only (the feed's ``xml:lang`` / ``<language>``):

- live pages (never drafts, never a page scheduled for later), first published at some time;
- without a Wagtail view restriction, above or on them;
- that pass the page's own public rule (documents: TLP:CLEAR only);
- whose ancestors under the feed's page are live too (unpublishing a meeting takes its
  documents out of the feed, even if they were left live).

The XML comes from :mod:`onevoice.hub.feeds`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from onevoice.hub.feeds import atom_feed, rss_feed

__all__ = ["ENTRY_TYPES", "FEED_TYPES", "bcp47", "feed", "feed_items", "feed_source"]

#: The pages that have a feed.
FEED_TYPES = ("HubHomePage", "PresidencyPage", "TrackPage")
#: The pages a feed lists.
ENTRY_TYPES = ("DocumentPage", "MeetingPage", "DebunkPage", "CaseReportPage")
_CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
}


def bcp47(code: str) -> str:
    """A Django language code as a BCP 47 tag in its usual case (RFC 5646 §2.1.1).

    >>> bcp47("zh-hans"), bcp47("pt-br"), bcp47("ar")
    ('zh-Hans', 'pt-BR', 'ar')
    """
    first, *rest = code.replace("_", "-").split("-")
    tail = [p.title() if len(p) == 4 else p.upper() if len(p) == 2 else p.lower() for p in rest]
    return "-".join([first.lower(), *tail])


def _has_feed(page: Any) -> bool:
    return type(page).__name__ in FEED_TYPES and bool(page.live) and bool(page.is_public())


def feed_source(page: Any) -> Any:
    """The nearest page at or above ``page`` that has a feed, or None."""
    from wagtail.models import Page

    for candidate in Page.objects.ancestor_of(page, inclusive=True).order_by("-depth").specific():
        if _has_feed(candidate):
            return candidate
    return None


def feed_items(page: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """The feed entries under ``page``: its public :data:`ENTRY_TYPES` pages in its language."""
    from wagtail.models import Page

    below = Page.objects.descendant_of(page)
    hidden = [p.path for p in below.not_live().only("path")]
    language = bcp47(page.locale.language_code)
    items: list[dict[str, Any]] = []
    for child in below.live().public().filter(locale=page.locale).specific():
        if type(child).__name__ not in ENTRY_TYPES or child.first_published_at is None:
            continue
        if not child.is_public() or any(child.path.startswith(path) for path in hidden):
            continue
        items.append(
            {
                "title": child.title,
                "url": child.get_full_url(request),
                "summary": child.summary,
                "published": child.first_published_at,
                "updated": child.last_published_at,
                "language": language,
            }
        )
    return items


def feed(request: HttpRequest, page_id: int, fmt: str) -> HttpResponse:
    """``/hub-feeds/<page id>.atom`` or ``.rss``: the feed of a home, presidency or track.

    404 for anything else, and for a page the public may not see (draft, view restriction).
    """
    from wagtail.models import Page

    page = Page.objects.live().public().filter(pk=page_id).specific().first()
    if page is None or not _has_feed(page) or fmt not in _CONTENT_TYPES:
        raise Http404
    link = page.get_full_url(request)
    self_url = request.build_absolute_uri(reverse("hub-feed", args=(page.pk, fmt)))
    language = bcp47(page.locale.language_code)
    with translation.override(page.locale.language_code):
        site_name = gettext("G20 Hub")
    title = f"{page.title} · {site_name}"
    build = atom_feed if fmt == "atom" else rss_feed
    xml = build(
        title,
        link,
        feed_items(page, request),
        language,
        self_url,
        updated=page.last_published_at,
    )
    response = HttpResponse(xml, content_type=_CONTENT_TYPES[fmt])
    response["Cache-Control"] = "public, max-age=300"
    return response
