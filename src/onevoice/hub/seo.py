"""Structured data and Open Graph of hub pages, built by :mod:`onevoice.hub.jsonld`.

Each function turns a page into the plain mapping the matching helper reads.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from onevoice.hub import jsonld

__all__ = ["claimreview", "document", "event", "open_graph", "organization"]


def claimreview(page: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """A debunk page's ``ClaimReview``."""
    return [jsonld.claimreview_jsonld(page.as_mapping(request))]


def document(page: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """A document page's ``Dataset`` (data sets) or ``Report`` (everything else)."""
    url = page.get_full_url(request)
    issued = page.issued_on.isoformat() if page.issued_on else None
    language = page.locale.language_code
    keywords = [t.name for t in page.tags.all()]
    if page.kind == "dataset":
        downloads = [
            {"url": v.file.url, "name": f"{v.language} ({v.get_status_display()})"}
            for v in page.versions.all()
            if v.file_id
        ]
        return [
            jsonld.dataset_jsonld(
                {
                    "name": page.title,
                    "description": page.summary or page.title,
                    "url": url,
                    "language": language,
                    "date_published": issued,
                    "keywords": keywords,
                    "distributions": downloads,
                }
            )
        ]
    return [
        jsonld.report_jsonld(
            {
                "title": page.title,
                "url": url,
                "description": page.summary,
                "date_published": issued,
                "language": language,
                "keywords": keywords,
            }
        )
    ]


def event(page: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """A meeting page's ``Event``."""
    return [
        jsonld.event_jsonld(
            {
                "name": page.title,
                "url": page.get_full_url(request),
                "description": page.summary,
                "language": page.locale.language_code,
                "start_date": page.start_date.isoformat(),
                "end_date": page.end_date.isoformat() if page.end_date else None,
                "venue": page.venue,
                "city": page.city,
                "country": page.country_code or None,
            }
        )
    ]


def organization(page: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """The G20 as a ``GovernmentOrganization``, with the official accounts as ``sameAs``."""
    from onevoice.hub.models.public import OfficialAccount

    accounts = sorted(
        {a.url for a in OfficialAccount.objects.filter(page__live=True, page__locale=page.locale)}
    )
    return [
        jsonld.organization_jsonld(
            {"name": "G20", "url": page.get_full_url(request), "accounts": accounts}
        )
    ]


def open_graph(page: Any, request: HttpRequest, languages: list[str]) -> list[tuple[str, str]]:
    """``og:*`` pairs for ``page``; ``languages`` are those of its live translations."""
    own = page.locale.language_code
    kind = "article" if page.specific_class.__name__ in {"DocumentPage", "DebunkPage"} else None
    return jsonld.opengraph(
        page.seo_title or page.title,
        page.search_description or getattr(page, "summary", "") or page.title,
        page.get_full_url(request),
        locale=own,
        alternates=[code for code in languages if code != own],
        og_type=kind or "website",
    )
