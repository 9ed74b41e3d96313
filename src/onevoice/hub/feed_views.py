"""Atom and RSS feeds of the hub per language, presidency and track (``/hub-feeds/…``).

The feed of a page lists the live public documents, meetings and debunks under it, in its
language; the hub home's feed is the whole language's. The XML comes from
:mod:`onevoice.hub.feeds`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from onevoice.hub.feeds import atom_feed, rss_feed

__all__ = ["FEED_TYPES", "feed", "feed_items", "feed_source"]

#: The pages that have a feed.
FEED_TYPES = ("HubHomePage", "PresidencyPage", "TrackPage")
_CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
}


def feed_source(page: Any) -> Any:
    """The nearest page at or above ``page`` that has a feed, or None."""
    from wagtail.models import Page

    for candidate in Page.objects.ancestor_of(page, inclusive=True).order_by("-depth").specific():
        if type(candidate).__name__ in FEED_TYPES and candidate.live:
            return candidate
    return None


def feed_items(page: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """The feed entries under ``page``: live public documents, meetings and debunks."""
    from onevoice.hub.models import DebunkPage, DocumentPage, MeetingPage

    items: list[dict[str, Any]] = []
    for model in (DocumentPage, MeetingPage, DebunkPage):
        for child in model.objects.descendant_of(page).live().filter(locale=page.locale):
            if not child.is_public() or child.first_published_at is None:
                continue
            items.append(
                {
                    "title": child.title,
                    "url": child.get_full_url(request),
                    "summary": child.summary,
                    "published": child.first_published_at,
                    "updated": child.last_published_at,
                }
            )
    return items


def feed(request: HttpRequest, page_id: int, fmt: str) -> HttpResponse:
    """``/hub-feeds/<page id>.atom`` or ``.rss``: the feed of a home, presidency or track."""
    from wagtail.models import Page

    page = Page.objects.live().filter(pk=page_id).specific().first()
    if page is None or type(page).__name__ not in FEED_TYPES or fmt not in _CONTENT_TYPES:
        raise Http404
    link = page.get_full_url(request)
    self_url = request.build_absolute_uri(reverse("hub-feed", args=(page.pk, fmt)))
    language = page.locale.language_code
    title = f"{page.title} · G20 Hub"
    build = atom_feed if fmt == "atom" else rss_feed
    xml = build(title, link, feed_items(page, request), language, self_url)
    response = HttpResponse(xml, content_type=_CONTENT_TYPES[fmt])
    response["Cache-Control"] = "public, max-age=300"
    return response
