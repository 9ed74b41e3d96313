"""Documents (communiqués … data sets) with language versions, provenance and commitments.

Only TLP:CLEAR documents are ever public: :meth:`DocumentPage.is_public` refuses the others,
so their pages answer 404 even when published, and lists leave them out.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from onevoice.hub.models.base import HubBasePage

__all__ = ["Commitment", "DocumentPage", "DocumentTag", "DocumentVersion", "validate_scores"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DocumentTag(TaggedItemBase):
    """A tag on a document page."""

    content_object = ParentalKey(
        "hub.DocumentPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class DocumentPage(HubBasePage):
    """A communiqué, declaration, report, study, paper or data set of a track or meeting."""

    KINDS = [
        ("communique", _("Communiqué")),
        ("declaration", _("Declaration")),
        ("report", _("Report")),
        ("study", _("Study")),
        ("paper", _("Paper")),
        ("dataset", _("Data set")),
    ]
    TLP = [
        ("clear", "TLP:CLEAR"),
        ("green", "TLP:GREEN"),
        ("amber", "TLP:AMBER"),
        ("red", "TLP:RED"),
    ]

    kind = models.CharField(max_length=20, choices=KINDS)
    issued_on = models.DateField(null=True, blank=True)
    is_sample = models.BooleanField(default=False, help_text="A sample, not a real document.")
    tlp = models.CharField(
        "TLP", max_length=10, choices=TLP, default="clear", help_text="Only TLP:CLEAR is public."
    )
    source_url = models.URLField(blank=True, help_text="Where the document was published.")
    archive_url = models.URLField(blank=True, help_text="An archived copy of the source.")
    sha256 = models.CharField(
        "SHA-256", max_length=64, blank=True, help_text="Checksum of the archived file."
    )
    tags = ClusterTaggableManager(through=DocumentTag, blank=True)

    search_fields = [
        *HubBasePage.search_fields,
        index.SearchField("kind"),
        index.RelatedFields("versions", [index.SearchField("text")]),
        index.FilterField("tlp"),
    ]
    content_panels = [
        *HubBasePage.content_panels,
        FieldPanel("kind"),
        FieldPanel("issued_on"),
        FieldPanel("is_sample"),
        FieldPanel("tlp"),
        MultiFieldPanel(
            [FieldPanel("source_url"), FieldPanel("archive_url"), FieldPanel("sha256")],
            heading="Provenance",
        ),
        FieldPanel("tags"),
        InlinePanel("versions", label="Language versions"),
        InlinePanel("commitments", label="Commitments"),
    ]
    parent_page_types = ["hub.TrackPage", "hub.MeetingPage"]
    subpage_types: list[str] = []
    template = "hub/document_page.html"

    def is_public(self) -> bool:
        """Only TLP:CLEAR documents are public."""
        return bool(self.tlp == "clear")

    def clean(self) -> None:
        """The checksum, when given, is 64 lowercase hex digits."""
        super().clean()
        if self.sha256 and not _SHA256.match(self.sha256):
            raise ValidationError({"sha256": "64 lowercase hexadecimal digits."})

    @classmethod
    def public_children(cls, parent: Any) -> Any:
        """The live TLP:CLEAR documents directly under ``parent``, newest first."""
        return cls.objects.child_of(parent).live().filter(tlp="clear").order_by("-issued_on")

    def structured_data(self, request: HttpRequest) -> list[dict[str, Any]]:
        """schema.org ``Report`` or ``Dataset`` when the JSON-LD helpers are present."""
        from onevoice.hub.seo import document

        return document(self, request)


class DocumentVersion(Orderable):
    """One language version of a document: original, official or machine translation."""

    STATUSES = [
        ("original", _("Original")),
        ("official", _("Official translation")),
        ("machine", _("Machine translation")),
    ]
    page = ParentalKey(DocumentPage, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=10, help_text="A language code: en, fr, ar …")
    status = models.CharField(max_length=10, choices=STATUSES, default="original")
    file = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)

    panels = [FieldPanel("language"), FieldPanel("status"), FieldPanel("file"), FieldPanel("text")]

    def clean(self) -> None:
        """A version has a file or a text."""
        super().clean()
        if not self.file_id and not self.text.strip():
            raise ValidationError("Give the version a file or a text.")


def validate_scores(value: Any) -> None:
    """Compliance scores map a G20 member to −1, 0 or +1 (the G20 Research Group's scale)."""
    if not isinstance(value, dict):
        raise ValidationError("Scores are an object of member → −1, 0 or +1.")
    for member, score in value.items():
        if not isinstance(member, str) or not member or score not in (-1, 0, 1):
            raise ValidationError(f"Score of {member!r} must be −1, 0 or +1.")


class Commitment(Orderable):
    """A commitment extracted from a communiqué, with member compliance scores where known."""

    page = ParentalKey(DocumentPage, on_delete=models.CASCADE, related_name="commitments")
    text = models.TextField()
    scores = models.JSONField(default=dict, blank=True, validators=[validate_scores])

    panels = [FieldPanel("text"), FieldPanel("scores")]

    def average(self) -> float | None:
        """The mean score over the members scored, or None when none is."""
        values = list(self.scores.values())
        return sum(values) / len(values) if values else None
