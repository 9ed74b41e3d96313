"""Presidencies, their tracks and their meetings: the same layout for every year.

A presidency may theme its colours and logo, never the layout: the colours are served as a
small stylesheet of CSS custom properties (:func:`onevoice.hub.views.theme_css`, at
``/hub-theme/<id>.css``), because the Content-Security-Policy forbids inline styles; the
templates are shared.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from onevoice.hub.models.base import HubBasePage

__all__ = ["MeetingPage", "PresidencyPage", "TrackPage", "contrast_ratio"]

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class PresidencyPage(HubBasePage):
    """One G20 presidency: year, host, theme, logo and theme colours."""

    year = models.PositiveSmallIntegerField(unique=False)
    host_country = models.CharField(max_length=100)
    theme = models.CharField(max_length=300, help_text="The presidency's official theme.")
    theme_note = models.CharField(
        max_length=300, blank=True, help_text="e.g. the theme in the host's language."
    )
    official_site = models.URLField(blank=True, help_text="The presidency's own website.")
    is_sample = models.BooleanField(
        default=False, help_text="Some facts on this page are samples, not verified."
    )
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    primary_colour = models.CharField(
        max_length=7, default="#1d3b6f", help_text="#rrggbb; white text must be readable on it."
    )
    accent_colour = models.CharField(max_length=7, default="#8a5a00", help_text="#rrggbb")

    search_fields = [
        *HubBasePage.search_fields,
        index.SearchField("theme"),
        index.SearchField("theme_note"),
        index.SearchField("host_country"),
        index.FilterField("year"),
    ]
    content_panels = [
        *HubBasePage.content_panels,
        FieldPanel("year"),
        FieldPanel("host_country"),
        FieldPanel("theme"),
        FieldPanel("theme_note"),
        FieldPanel("official_site"),
        FieldPanel("is_sample"),
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("primary_colour"), FieldPanel("accent_colour")],
            heading="Theme (colours and logo only; the layout is the hub's)",
        ),
    ]
    parent_page_types = ["hub.HubHomePage"]
    subpage_types = ["hub.TrackPage"]
    template = "hub/presidency_page.html"

    def clean(self) -> None:
        """Colours must be ``#rrggbb`` and keep white text at WCAG AA contrast (4.5:1)."""
        super().clean()
        for name in ("primary_colour", "accent_colour"):
            value = getattr(self, name)
            if not _HEX.match(value):
                raise ValidationError({name: "Use the form #rrggbb."})
            if contrast_ratio(value, "#ffffff") < 4.5:
                raise ValidationError({name: "White text on this colour is below 4.5:1."})

    def theme_css(self) -> str:
        """The presidency's colours as CSS custom properties (nothing else is themable)."""
        primary = self.primary_colour if _HEX.match(self.primary_colour) else "#1d3b6f"
        accent = self.accent_colour if _HEX.match(self.accent_colour) else "#8a5a00"
        return f":root {{ --hub-primary: {primary}; --hub-accent: {accent}; }}\n"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Add the live tracks; those of the original-language page while none is translated.

        ``tracks_lang`` is then the language they are in, for a ``lang`` attribute and a note.
        """
        context = super().get_context(request, *args, **kwargs)
        tracks = TrackPage.objects.child_of(self).live()
        context["tracks_lang"] = None
        if not tracks.exists():
            source = self.get_translations().filter(locale__language_code=settings.LANGUAGE_CODE)
            original = source.first()
            if original is not None:
                tracks = TrackPage.objects.child_of(original).live()
                context["tracks_lang"] = settings.LANGUAGE_CODE
        context["tracks"] = tracks
        return context


class TrackPage(HubBasePage):
    """A track of a presidency: Leaders, Sherpa, Finance, a ministerial, an engagement group."""

    KINDS = [
        ("leaders", _("Leaders")),
        ("sherpa", _("Sherpa track")),
        ("finance", _("Finance track")),
        ("ministerial", _("Ministerial meetings")),
        ("engagement", _("Engagement group")),
    ]
    kind = models.CharField(max_length=20, choices=KINDS)
    short_name = models.CharField(max_length=30, blank=True, help_text="e.g. T20, B20, Y20.")

    search_fields = [*HubBasePage.search_fields, index.SearchField("short_name")]
    content_panels = [*HubBasePage.content_panels, FieldPanel("kind"), FieldPanel("short_name")]
    parent_page_types = ["hub.PresidencyPage"]
    subpage_types = ["hub.MeetingPage", "hub.DocumentPage"]
    template = "hub/track_page.html"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Add the live meetings (by date) and the documents filed directly under the track."""
        from onevoice.hub.models.documents import DocumentPage

        context = super().get_context(request, *args, **kwargs)
        context["meetings"] = MeetingPage.objects.child_of(self).live().order_by("start_date")
        context["documents"] = DocumentPage.public_children(self)
        return context


class MeetingPage(HubBasePage):
    """A meeting of a track: dates and place."""

    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=100)
    country_code = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    venue = models.CharField(max_length=200, blank=True)

    content_panels = [
        *HubBasePage.content_panels,
        FieldPanel("start_date"),
        FieldPanel("end_date"),
        FieldPanel("city"),
        FieldPanel("country"),
        FieldPanel("country_code"),
        FieldPanel("venue"),
    ]
    parent_page_types = ["hub.TrackPage"]
    subpage_types = ["hub.DocumentPage"]
    template = "hub/meeting_page.html"

    def clean(self) -> None:
        """A meeting cannot end before it starts."""
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The meeting ends before it starts."})

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Add the meeting's public documents."""
        from onevoice.hub.models.documents import DocumentPage

        context = super().get_context(request, *args, **kwargs)
        context["documents"] = DocumentPage.public_children(self)
        return context

    def structured_data(self, request: HttpRequest) -> list[dict[str, Any]]:
        """schema.org ``Event`` when the JSON-LD helpers are present."""
        from onevoice.hub.seo import event

        return event(self, request)
