"""The G20's official accounts (so readers can tell impostors) and debunks of false claims."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from onevoice.hub.models.base import HubBasePage

__all__ = ["DebunkPage", "DebunkSource", "OfficialAccount", "OfficialAccountsPage"]


class OfficialAccountsPage(HubBasePage):
    """The list of the G20's own social-media accounts, with their handles."""

    parent_page_types = ["hub.HubHomePage"]
    subpage_types: list[str] = []
    content_panels = [*HubBasePage.content_panels, InlinePanel("accounts", label="Accounts")]
    template = "hub/official_accounts_page.html"


class OfficialAccount(Orderable):
    """One official account: platform, handle, address, when it was last checked."""

    page = ParentalKey(OfficialAccountsPage, on_delete=models.CASCADE, related_name="accounts")
    platform = models.CharField(max_length=50)
    handle = models.CharField(max_length=100)
    url = models.URLField()
    owner = models.CharField(max_length=200, help_text="Whose account it is.")
    checked_on = models.DateField(null=True, blank=True)

    panels = [
        FieldPanel("platform"),
        FieldPanel("handle"),
        FieldPanel("url"),
        FieldPanel("owner"),
        FieldPanel("checked_on"),
    ]


class DebunkPage(HubBasePage):
    """A claim, its rating, the evidence and the sources; linked to a case or fact-check."""

    #: The taskforce's normalised ratings (:data:`onevoice.claims.ratings.RATINGS`).
    RATINGS = [
        ("false", _("False")),
        ("misleading", _("Misleading")),
        ("mixed", _("Mixed")),
        ("true", _("True")),
        ("unrated", _("Unrated")),
    ]
    claim = models.TextField(help_text="The claim as it circulated.")
    claim_author = models.CharField(max_length=200, blank=True)
    claim_appearance = models.URLField(
        help_text="Where the claim appeared (ClaimReview's itemReviewed.appearance)."
    )
    claim_date = models.DateField(null=True, blank=True)
    rating = models.CharField(max_length=20, choices=RATINGS)
    verdict = models.CharField(
        max_length=100, blank=True, help_text='The verdict in the page\'s language ("Faux").'
    )
    evidence = RichTextField()
    case_id = models.CharField(max_length=100, blank=True, help_text="Taskforce case id.")
    factcheck_id = models.CharField(max_length=200, blank=True, help_text="Fact-check id.")

    search_fields = [
        *HubBasePage.search_fields,
        index.SearchField("claim"),
        index.SearchField("evidence"),
    ]
    content_panels = [
        *HubBasePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("claim"),
                FieldPanel("claim_author"),
                FieldPanel("claim_appearance"),
                FieldPanel("claim_date"),
            ],
            heading="Claim",
        ),
        FieldPanel("rating"),
        FieldPanel("verdict"),
        FieldPanel("evidence"),
        InlinePanel("sources", label="Sources"),
        MultiFieldPanel([FieldPanel("case_id"), FieldPanel("factcheck_id")], heading="Links"),
    ]
    parent_page_types = ["hub.HubHomePage"]
    subpage_types: list[str] = []
    template = "hub/debunk_page.html"

    def as_mapping(self, request: HttpRequest | None = None) -> dict[str, Any]:
        """The debunk as plain data (for the JSON-LD and feed helpers)."""
        return {
            "url": self.get_full_url(request),
            "title": self.title,
            "claim": self.claim,
            "claimant": self.claim_author or None,
            "appearances": [self.claim_appearance] if self.claim_appearance else [],
            "claim_date": self.claim_date.isoformat() if self.claim_date else None,
            "rating": self.rating,
            "verdict": self.verdict or self.get_rating_display(),
            "summary": self.summary,
            "date_published": (
                self.first_published_at.date().isoformat() if self.first_published_at else None
            ),
            "language": self.locale.language_code,
            "sources": [{"title": s.title, "url": s.url} for s in self.sources.all()],
            "case_id": self.case_id,
            "factcheck_id": self.factcheck_id,
        }

    def structured_data(self, request: HttpRequest) -> list[dict[str, Any]]:
        """schema.org ``ClaimReview`` when the JSON-LD helpers are present."""
        from onevoice.hub.seo import claimreview

        return claimreview(self, request)


class DebunkSource(Orderable):
    """A source the debunk relies on."""

    page = ParentalKey(DebunkPage, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    url = models.URLField()

    panels = [FieldPanel("title"), FieldPanel("url")]
