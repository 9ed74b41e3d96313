"""``/sitemap.xml``: every live public hub page, in every language it exists in.

Wagtail's own sitemap lists one locale's tree; the hub's lists all of them (each language
version is its own URL; the pages carry their ``hreflang`` alternates themselves).
Drafts, pages above TLP:CLEAR and pages outside the hub are left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap

__all__ = ["HubSitemap", "public_pages"]


def public_pages() -> list[Any]:
    """The live hub pages the public may see, in tree order, all locales."""
    from wagtail.models import Page

    from onevoice.hub.models import HubBasePage, HubHomePage

    homes = HubHomePage.objects.live()
    found: list[Any] = []
    for home in homes:
        for page in Page.objects.descendant_of(home, inclusive=True).live().specific():
            if isinstance(page, HubBasePage) and page.is_public():
                found.append(page)
    return sorted(found, key=lambda p: (p.locale.language_code, p.path))


class HubSitemap(Sitemap):  # type: ignore[misc]
    """The hub's pages for search engines."""

    def items(self) -> list[Any]:
        """All public pages (:func:`public_pages`)."""
        return public_pages()

    def location(self, item: Any) -> str:
        """The page's path (the sitemap framework adds scheme and host)."""
        return str(item.url)

    def lastmod(self, item: Any) -> datetime | None:
        """When the page was last published."""
        value: datetime | None = item.last_published_at
        return value
