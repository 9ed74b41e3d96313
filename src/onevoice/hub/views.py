"""Views of the hub outside Wagtail's page tree."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse

from onevoice.hub.models import PresidencyPage

__all__ = ["document", "search", "theme_css"]


def theme_css(request: HttpRequest, page_id: int) -> HttpResponse:
    """A live presidency's theme colours as a stylesheet (the CSP forbids inline styles)."""
    page = PresidencyPage.objects.live().filter(pk=page_id).first()
    if page is None:
        raise Http404
    response = HttpResponse(page.theme_css(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def search(request: HttpRequest) -> HttpResponse:
    """``/<lang>/hub/search/?q=…``: full-text search of the live public pages in one language.

    Wagtail's database search backend; documents above TLP:CLEAR are left out like
    everywhere else. The same page in every G20 language is its alternate.
    """
    from django.conf import settings
    from django.shortcuts import render
    from django.urls import reverse
    from django.utils import translation
    from wagtail.models import Locale, Page

    from onevoice.hub.i18n import Alternate, language_dir, language_name
    from onevoice.hub.models import HubHomePage

    query = request.GET.get("q", "").strip()[:200]
    locale = Locale.get_active()
    results: list[Any] = []
    if query:
        found = Page.objects.live().filter(locale=locale).specific().search(query)
        results = [p for p in found[:50] if getattr(p, "is_public", lambda: True)()]
    code = locale.language_code
    languages = []
    homes = set(HubHomePage.objects.live().values_list("locale__language_code", flat=True))
    for other, _ in settings.LANGUAGES:
        if other not in homes and other != code:
            continue
        with translation.override(other):
            url = reverse("hub-search") + (f"?q={quote(query)}" if query else "")
        languages.append(
            Alternate(
                other, language_name(other), url, request.build_absolute_uri(url), other == code
            )
        )
    context = {
        "query": query,
        "results": results,
        "lang": code,
        "dir": language_dir(code),
        "languages": languages,
        "hub_home": HubHomePage.objects.live().filter(locale=locale).first(),
    }
    return render(request, "hub/search.html", context)


def document(request: HttpRequest, document_id: str, document_filename: str) -> Any:
    """A document file, only if a live TLP:CLEAR page offers it, or to the editorial staff.

    Wagtail's own document view serves any uploaded file to whoever knows its address; a
    file attached to a draft, or to a document above TLP:CLEAR, must not be public.
    """
    from wagtail.documents.views.serve import serve

    from onevoice.hub.models import DocumentVersion
    from onevoice.web.roles import has_role

    public = DocumentVersion.objects.filter(
        file_id=document_id, page__live=True, page__tlp="clear"
    ).exists()
    if not public and not has_role(request.user, "admin", "reviewer", "communicator"):
        raise Http404
    return serve(request, document_id, document_filename)
