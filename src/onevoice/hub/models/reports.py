"""Taskforce reports: the public version of an approved, TLP:CLEAR case.

A :class:`CaseReportPage` is drafted from a case by
:func:`onevoice.hub.case_reports.draft_case_report` and then reviewed like every hub page (a
reviewer other than its author approves it). It holds only what may be public: private
individuals' accounts appear as pseudonyms (``account-`` + 12 hex digits,
:mod:`onevoice.exchange.pseudonyms`), indicators are defanged
(:func:`onevoice.exchange.defang.defang`), and only TLP:CLEAR pages are ever shown
(:meth:`CaseReportPage.is_public`, as for documents). :meth:`CaseReportAccount.clean` keeps
editors from putting a private account back by handle or name.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from onevoice.exchange.defang import defang, refang
from onevoice.exchange.pseudonyms import is_pseudonym
from onevoice.hub.models.base import HubBasePage

__all__ = [
    "CaseReportAccount",
    "CaseReportAttribution",
    "CaseReportFigure",
    "CaseReportIndicator",
    "CaseReportNarrative",
    "CaseReportPage",
    "CaseReportTechnique",
]

#: TLP 2.0 markings (:data:`onevoice.web.cases.vocab.TLP`); only ``clear`` is public.
TLP_CHOICES = [
    ("clear", "TLP:CLEAR"),
    ("green", "TLP:GREEN"),
    ("amber", "TLP:AMBER"),
    ("amber+strict", "TLP:AMBER+STRICT"),
    ("red", "TLP:RED"),
]


class CaseReportPage(HubBasePage):
    """The public report of one taskforce case (one per case and language)."""

    case_key = models.CharField(
        max_length=100, db_index=True, help_text="The taskforce case this report is made from."
    )
    tlp = models.CharField(
        "TLP",
        max_length=20,
        choices=TLP_CHOICES,
        default="clear",
        help_text="Only TLP:CLEAR is public.",
    )
    approved_on = models.DateField(null=True, blank=True, help_text="When the case was approved.")
    key_findings = models.TextField(blank=True, help_text="One finding per line.")
    method = models.TextField(
        "Method and provenance", blank=True, help_text="How it was found; one paragraph per line."
    )

    search_fields = [
        *HubBasePage.search_fields,
        index.SearchField("key_findings"),
        index.SearchField("method"),
        index.RelatedFields(
            "techniques", [index.SearchField("technique_id"), index.SearchField("name")]
        ),
        index.RelatedFields(
            "narratives", [index.SearchField("name"), index.SearchField("description")]
        ),
        index.RelatedFields(
            "attributions", [index.SearchField("actor"), index.SearchField("statement")]
        ),
        index.FilterField("tlp"),
        index.FilterField("case_key"),
    ]
    content_panels = [
        *HubBasePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("case_key", read_only=True), FieldPanel("tlp"), FieldPanel("approved_on")],
            heading="Case",
        ),
        FieldPanel("key_findings"),
        FieldPanel("method"),
        InlinePanel("techniques", label="DISARM techniques"),
        InlinePanel("narratives", label="Narratives and claims"),
        InlinePanel("figures", label="Reach"),
        InlinePanel("attributions", label="Attribution"),
        InlinePanel("accounts", label="Accounts"),
        InlinePanel("indicators", label="Indicators"),
    ]
    parent_page_types = ["hub.HubHomePage"]
    subpage_types: list[str] = []
    template = "hub/case_report_page.html"

    class Meta:
        verbose_name = "taskforce report"

    def is_public(self) -> bool:
        """Only TLP:CLEAR reports are public."""
        return bool(self.tlp == "clear")

    def clean(self) -> None:
        """One report per case and language (a constraint cannot span Wagtail's page table)."""
        super().clean()
        if not self.case_key:
            return
        others = CaseReportPage.objects.filter(case_key=self.case_key, locale_id=self.locale_id)
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        if self.locale_id is not None and others.exists():
            raise ValidationError({"case_key": f"case {self.case_key} has a report already."})

    def findings(self) -> list[str]:
        """The key findings, one per non-empty line."""
        return [line.strip() for line in self.key_findings.splitlines() if line.strip()]

    def method_paragraphs(self) -> list[str]:
        """The method and provenance, one paragraph per non-empty line."""
        return [line.strip() for line in self.method.splitlines() if line.strip()]

    def structured_data(self, request: HttpRequest) -> list[dict[str, Any]]:
        """schema.org ``Report`` (:func:`onevoice.hub.jsonld.report_jsonld`)."""
        from onevoice.hub.jsonld import report_jsonld

        first = self.first_published_at
        published = first.date() if first is not None else self.approved_on
        return [
            report_jsonld(
                {
                    "title": self.title,
                    "url": self.get_full_url(request),
                    "description": self.summary,
                    "number": f"case {self.case_key}",
                    "date_published": published,
                    "date_modified": self.last_published_at,
                    "language": self.locale.language_code,
                    "keywords": [f"DISARM {t.technique_id}" for t in self.techniques.all()],
                }
            )
        ]


class CaseReportTechnique(Orderable):
    """A DISARM technique the case observed, by its DISARM id (text, no link)."""

    page = ParentalKey(CaseReportPage, on_delete=models.CASCADE, related_name="techniques")
    technique_id = models.CharField("DISARM id", max_length=20, help_text="e.g. T0049")
    name = models.CharField(max_length=300)
    tactic_id = models.CharField(max_length=20, blank=True, help_text="e.g. TA17")
    tactic_name = models.CharField(max_length=200, blank=True)
    framework_version = models.CharField(max_length=20, blank=True, help_text="e.g. 1.7")

    panels = [
        FieldPanel("technique_id"),
        FieldPanel("name"),
        FieldPanel("tactic_id"),
        FieldPanel("tactic_name"),
        FieldPanel("framework_version"),
    ]


class CaseReportNarrative(Orderable):
    """A narrative the case documents, with the claims that carried it."""

    page = ParentalKey(CaseReportPage, on_delete=models.CASCADE, related_name="narratives")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    claims = models.TextField(blank=True, help_text="One claim per line.")

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("claims")]

    def claim_list(self) -> list[str]:
        """The claims, one per non-empty line."""
        return [line.strip() for line in self.claims.splitlines() if line.strip()]


class CaseReportFigure(Orderable):
    """One reach figure: accounts, coordination links, posts, followers, active period.

    The value is text so that a figure the platform export lacked says so ("not in the
    export") instead of reading as zero.
    """

    page = ParentalKey(CaseReportPage, on_delete=models.CASCADE, related_name="figures")
    label = models.CharField(max_length=200)
    value = models.CharField(max_length=200)

    panels = [FieldPanel("label"), FieldPanel("value")]


class CaseReportAttribution(Orderable):
    """An attribution with its ICD 203 likelihood and the analysts' confidence."""

    CONFIDENCE = [("low", _("low")), ("moderate", _("moderate")), ("high", _("high"))]
    page = ParentalKey(CaseReportPage, on_delete=models.CASCADE, related_name="attributions")
    actor = models.CharField(max_length=300)
    actor_category = models.CharField(max_length=100, blank=True, help_text="EEAS category.")
    statement = models.TextField(help_text="The attribution as published, likelihood included.")
    likelihood = models.CharField(max_length=40, help_text='ICD 203 words ("very likely").')
    probability = models.CharField(max_length=20, blank=True, help_text="e.g. 80–95 %")
    confidence = models.CharField(max_length=10, choices=CONFIDENCE)
    rationale = models.TextField(blank=True)

    panels = [
        FieldPanel("actor"),
        FieldPanel("actor_category"),
        FieldPanel("statement"),
        FieldPanel("likelihood"),
        FieldPanel("probability"),
        FieldPanel("confidence"),
        FieldPanel("rationale"),
    ]


class CaseReportAccount(Orderable):
    """An account of the case: named (public figure, state asset) or a pseudonym."""

    KINDS = [
        ("public_figure", _("Public figure")),
        ("state_asset", _("State asset")),
        ("private", _("Private individual (pseudonymised)")),
    ]
    page = ParentalKey(CaseReportPage, on_delete=models.CASCADE, related_name="accounts")
    kind = models.CharField(max_length=20, choices=KINDS, default="private")
    label = models.CharField(
        max_length=300, help_text="The handle of a named account; the pseudonym of a private one."
    )
    platform = models.CharField(max_length=50, blank=True)
    display_name = models.CharField(max_length=300, blank=True, help_text="Named accounts only.")
    hub = models.BooleanField(default=False, help_text="A hub of its network.")

    panels = [
        FieldPanel("kind"),
        FieldPanel("label"),
        FieldPanel("platform"),
        FieldPanel("display_name"),
        FieldPanel("hub"),
    ]

    @property
    def named(self) -> bool:
        """True for a public figure or a state asset."""
        return bool(self.kind != "private")

    def clean(self) -> None:
        """A private individual appears only as a pseudonym, without a name."""
        super().clean()
        if self.kind == "private":
            if not is_pseudonym(self.label):
                raise ValidationError(
                    {"label": "A private individual's account is shown only as its pseudonym."}
                )
            if self.display_name:
                raise ValidationError({"display_name": "A private individual is never named."})


class CaseReportIndicator(Orderable):
    """An indicator fit for the public, defanged (``hxxps://example[.]org``)."""

    KINDS = [
        ("url", "URL"),
        ("domain", _("Domain")),
        ("handle", _("Account")),
        ("hash", _("Hash")),
    ]
    page = ParentalKey(CaseReportPage, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(max_length=10, choices=KINDS)
    value = models.CharField(max_length=1000, help_text="Defanged: hxxps://example[.]org/x")
    platform = models.CharField(max_length=50, blank=True)
    note = models.TextField(blank=True)

    panels = [FieldPanel("kind"), FieldPanel("value"), FieldPanel("platform"), FieldPanel("note")]

    def clean(self) -> None:
        """URLs and domains are written defanged, so that nobody follows them by accident."""
        super().clean()
        if self.kind in ("url", "domain"):
            safe = defang(refang(self.value), self.kind)
            if safe != self.value:
                raise ValidationError({"value": f"Write it defanged: {safe}"})
