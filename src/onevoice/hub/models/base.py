"""What every hub page shares: languages, structured data, the public-only rule; the home."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from onevoice.hub.feed_views import feed_source
from onevoice.hub.i18n import alternates, language_dir, switcher
from onevoice.hub.seo import open_graph

__all__ = ["HubBasePage", "HubHomePage", "ld_json"]


def ld_json(data: Any) -> SafeString:
    """A whole ``<script type="application/ld+json">`` element, safe inside HTML.

    :func:`onevoice.hub.jsonld.script_tag` escapes ``<``, ``>`` and ``&`` in the JSON, so no
    text can close the element. Data blocks are not executed: the CSP does not apply.
    """
    from onevoice.hub.jsonld import script_tag

    return mark_safe(script_tag(data))


class HubBasePage(Page):
    """Abstract base of the hub's pages: one layout, languages, JSON-LD, public-only."""

    summary = models.TextField(blank=True, help_text="One or two sentences for lists and search.")

    search_fields = [*Page.search_fields, index.SearchField("summary")]
    content_panels = [*Page.content_panels, FieldPanel("summary")]

    class Meta:
        abstract = True

    def is_public(self) -> bool:
        """Whether this page may be shown to the public (subclasses add rules, e.g. TLP)."""
        return True

    def structured_data(self, request: HttpRequest) -> list[dict[str, Any]]:
        """schema.org objects for this page's JSON-LD blocks (none by default)."""
        return []

    def presidency(self) -> Any:
        """The presidency this page belongs to, or None."""
        from onevoice.hub.models.presidency import PresidencyPage

        found = PresidencyPage.objects.ancestor_of(self, inclusive=True).first()
        return found

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Add the language alternates, text direction, presidency theme and JSON-LD."""
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        code = self.locale.language_code
        context["lang"] = code
        context["dir"] = language_dir(code)
        context["alternates"] = found = alternates(self, request)
        context["languages"] = switcher(self, request)
        context["opengraph"] = open_graph(self, request, [a.code for a in found])
        context["presidency"] = self.presidency()
        context["jsonld"] = [ld_json(obj) for obj in self.structured_data(request)]
        context["feed_page"] = feed_source(self)
        context["breadcrumbs"] = self.get_ancestors().filter(depth__gt=1).live()
        context["hub_home"] = HubHomePage.objects.live().filter(locale=self.locale).first()
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """404 for anything :meth:`is_public` refuses, whoever asks; a page asked for in a
        language it has no version in (Wagtail then serves the default locale's) redirects
        to its own address, so that its ``lang`` and the interface language agree."""
        if not self.is_public():
            raise Http404
        asked = translation.get_language()
        if (
            asked
            and asked != self.locale.language_code
            and not getattr(request, "is_preview", False)
        ):
            own = self.get_url(request)
            if own and own != request.path:
                return redirect(own)
        response: HttpResponse = super().serve(request, *args, **kwargs)
        return response


class HubHomePage(HubBasePage):
    """The hub's front page: the presidencies newest first, debunks, official accounts."""

    intro = RichTextField(blank=True)

    content_panels = [*HubBasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "hub.PresidencyPage",
        "hub.OfficialAccountsPage",
        "hub.DebunkPage",
        "hub.CaseReportPage",
    ]
    template = "hub/home_page.html"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Add the live presidencies (newest first), debunks, reports and the accounts page."""
        from onevoice.hub.models.presidency import PresidencyPage
        from onevoice.hub.models.public import DebunkPage, OfficialAccountsPage
        from onevoice.hub.models.reports import CaseReportPage

        context = super().get_context(request, *args, **kwargs)
        children = self.get_children().live()
        context["presidencies"] = (
            PresidencyPage.objects.child_of(self).live().order_by("-year")
            if children.exists()
            else []
        )
        context["debunks"] = (
            DebunkPage.objects.child_of(self).live().order_by("-first_published_at")
        )
        context["reports"] = (
            CaseReportPage.objects.child_of(self)
            .live()
            .filter(tlp="clear")
            .order_by("-first_published_at")
        )
        context["accounts_page"] = OfficialAccountsPage.objects.child_of(self).live().first()
        return context

    def structured_data(self, request: HttpRequest) -> list[dict[str, Any]]:
        """The G20 as a ``GovernmentOrganization`` when the JSON-LD helpers are present."""
        from onevoice.hub.seo import organization

        return organization(self, request)
