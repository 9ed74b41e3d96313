"""Atom 1.0 and RSS 2.0 feeds of the hub (per language, presidency and track).

Built on Django's :mod:`django.utils.feedgenerator` (the generator behind
``django.contrib.syndication``), from plain :class:`FeedItem` values or mappings with the
same keys, so a view, the static export and a test all build the same bytes.

Deterministic output (a re-export of unchanged content gives an identical file):

- entries sorted newest first by ``published``, then by URL;
- each entry's id is a **tag URI** (RFC 4151) made from its URL and the date it was first
  published (``tag:g20.example,2024-03-01:/en/debunks/x/``), so it never changes when the
  entry is edited (Atom requires a permanent id, RFC 4287 §4.2.6); RSS carries the same
  value as ``<guid isPermaLink="false">``;
- the feed's ``updated`` / ``lastBuildDate`` is the newest entry date, never "now" (Django
  falls back to the clock when a feed has no dated entries; here an empty feed gets
  ``updated`` if given, else the Unix epoch);
- naive datetimes are read as UTC.

Summaries are plain text; they are HTML-escaped and sent as ``type="html"``. An Atom entry
in another language than the feed carries its own ``xml:lang`` (RFC 4287 §2); RSS 2.0 has
only a channel ``<language>``.

References:
    RFC 4287, The Atom Syndication Format. RSS 2.0 Specification (RSS Advisory Board,
    https://www.rssboard.org/rss-specification). RFC 4151, The 'tag' URI Scheme.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

__all__ = ["FeedItem", "atom_feed", "rss_feed", "tag_uri"]

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedItem:
    """One entry: a published page of the hub.

    Attributes:
        title: the page title.
        url: its absolute URL.
        summary: plain text (escaped on output).
        published: when it was first published (the tag URI's date).
        updated: when it last changed; default ``published``.
        language: BCP 47 tag of the entry, when it differs from the feed's.
        author: name of the author (default: the feed's author).
        categories: tags, tracks or presidencies, written in the order given.
    """

    title: str
    url: str
    summary: str
    published: datetime
    updated: datetime | None = None
    language: str | None = None
    author: str | None = None
    categories: Sequence[str] = field(default_factory=tuple)

    @classmethod
    def from_mapping(cls, item: Mapping[str, Any]) -> FeedItem:
        """An item from a mapping with the attribute names as keys."""
        return cls(
            title=item["title"],
            url=item["url"],
            summary=item.get("summary") or "",
            published=item["published"],
            updated=item.get("updated"),
            language=item.get("language"),
            author=item.get("author"),
            categories=tuple(item.get("categories") or ()),
        )


def _utc(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def tag_uri(url: str, published: datetime | date) -> str:
    """The permanent id of an entry (RFC 4151): ``tag:HOST,YYYY-MM-DD:PATH[?QUERY][#FRAGMENT]``.

    The URL is made ASCII first (RFC 3987 §3.1), so ids are valid URIs for any script.

    >>> tag_uri("https://g20.example/ar/عن/", date(2024, 3, 1))
    'tag:g20.example,2024-03-01:/ar/%D8%B9%D9%86/'
    """
    parts = urlsplit(str(iri_to_uri(url)))
    tail = parts.path or "/"
    tail += f"?{parts.query}" if parts.query else ""
    tail += f"#{parts.fragment}" if parts.fragment else ""
    return f"tag:{parts.hostname},{_utc(published):%Y-%m-%d}:{tail}"


def _items(items: Iterable[FeedItem | Mapping[str, Any]]) -> list[FeedItem]:
    out = [i if isinstance(i, FeedItem) else FeedItem.from_mapping(i) for i in items]
    return sorted(out, key=lambda i: (-_utc(i.published).timestamp(), i.url))


class _FixedDate:
    """Mixin: ``latest_post_date`` from the entries or a given date, never the clock."""

    items: list[dict[str, Any]]
    fallback_date: datetime = EPOCH

    def latest_post_date(self) -> datetime:
        dates = [d for i in self.items for d in (i["pubdate"], i["updateddate"]) if d]
        return max(dates, default=self.fallback_date)


class _Atom(_FixedDate, Atom1Feed):  # type: ignore[misc]
    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        attrs: dict[str, str] = dict(super().item_attributes(item))
        lang = item.get("language")
        if lang and lang != self.feed["language"]:
            attrs["xml:lang"] = lang
        return attrs


class _Rss(_FixedDate, Rss201rev2Feed):  # type: ignore[misc]
    pass


def _build(
    cls: type[Any],
    title: str,
    link: str,
    items: Iterable[FeedItem | Mapping[str, Any]],
    language: str,
    feed_url: str,
    description: str | None,
    author: str,
    updated: datetime | None,
) -> str:
    feed = cls(
        title=title,
        link=link,
        description=description or title,
        subtitle=description,
        language=language,
        feed_url=feed_url,
        feed_guid=feed_url,
        author_name=author,
    )
    if updated is not None:
        feed.fallback_date = _utc(updated)
    for item in _items(items):
        uid = tag_uri(item.url, item.published)
        feed.add_item(
            title=item.title,
            link=item.url,
            description=html.escape(item.summary, quote=False),
            pubdate=_utc(item.published),
            updateddate=_utc(item.updated or item.published),
            author_name=item.author or author,
            unique_id=uid,
            unique_id_is_permalink=False,
            categories=list(item.categories),
            language=item.language,
        )
    return str(feed.writeString("utf-8"))


def atom_feed(
    title: str,
    link: str,
    items: Iterable[FeedItem | Mapping[str, Any]],
    language: str,
    feed_url: str,
    *,
    subtitle: str | None = None,
    author: str = "G20",
    updated: datetime | None = None,
) -> str:
    """An Atom 1.0 feed (RFC 4287) as an XML string.

    Args:
        title: the feed title ("G20 debunks — English").
        link: absolute URL of the HTML page the feed follows (``rel="alternate"``).
        items: :class:`FeedItem` values or mappings with the same keys.
        language: the feed's BCP 47 tag (``xml:lang`` of the feed).
        feed_url: absolute URL of the feed itself (``rel="self"``, and the feed's ``id``).
        subtitle: optional ``<subtitle>``.
        author: the feed's author (Atom requires one when entries have none).
        updated: ``<updated>`` of a feed without entries (default: the Unix epoch).
    """
    return _build(_Atom, title, link, items, language, feed_url, subtitle, author, updated)


def rss_feed(
    title: str,
    link: str,
    items: Iterable[FeedItem | Mapping[str, Any]],
    language: str,
    feed_url: str,
    *,
    description: str | None = None,
    author: str = "G20",
    updated: datetime | None = None,
) -> str:
    """An RSS 2.0 feed as an XML string; arguments as in :func:`atom_feed`.

    ``description`` is the channel's (required by RSS; default the title). Entry authors go
    out as ``dc:creator`` (RSS ``<author>`` must be an e-mail address).
    """
    return _build(_Rss, title, link, items, language, feed_url, description, author, updated)
