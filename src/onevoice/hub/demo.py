"""Demo content for the hub: real public facts, sample documents marked as samples.

The facts (years, hosts, themes, summit dates and cities) are those the presidencies
published. Everything written for the demonstration — documents, commitments and their
scores, the debunk — says "Sample" in its title and carries ``is_sample``. The 2026 United
States presidency is marked as a sample: its theme is not given here.

:func:`load_demo` is idempotent: a second run updates the same pages instead of adding more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction

__all__ = ["PRESIDENCIES", "load_demo"]

#: (slug, year, host, theme, theme note, sample?, primary colour, accent colour)
PRESIDENCIES: list[dict[str, Any]] = [
    {
        "slug": "2023-india",
        "year": 2023,
        "host_country": "India",
        "theme": "One Earth, One Family, One Future",
        "theme_note": "Vasudhaiva Kutumbakam (Sanskrit: “the world is one family”)",
        "is_sample": False,
        "primary_colour": "#7a3b00",
        "accent_colour": "#1b6e2a",
        "summit": (
            "New Delhi Leaders' Summit",
            dt.date(2023, 9, 9),
            dt.date(2023, 9, 10),
            "New Delhi",
            "India",
            "IN",
        ),
    },
    {
        "slug": "2024-brazil",
        "year": 2024,
        "host_country": "Brazil",
        "theme": "Building a Just World and a Sustainable Planet",
        "theme_note": "Construindo um mundo justo e um planeta sustentável",
        "is_sample": False,
        "primary_colour": "#1b5e20",
        "accent_colour": "#0b4a8b",
        "summit": (
            "Rio de Janeiro Leaders' Summit",
            dt.date(2024, 11, 18),
            dt.date(2024, 11, 19),
            "Rio de Janeiro",
            "Brazil",
            "BR",
        ),
    },
    {
        "slug": "2025-south-africa",
        "year": 2025,
        "host_country": "South Africa",
        "theme": "Solidarity, Equality, Sustainability",
        "theme_note": "",
        "is_sample": False,
        "primary_colour": "#005a46",
        "accent_colour": "#8a5a00",
        "summit": (
            "Johannesburg Leaders' Summit",
            dt.date(2025, 11, 22),
            dt.date(2025, 11, 23),
            "Johannesburg",
            "South Africa",
            "ZA",
        ),
    },
    {
        "slug": "2026-united-states",
        "year": 2026,
        "host_country": "United States",
        "theme": "Sample: the theme is not recorded in this demo",
        "theme_note": "",
        "is_sample": True,
        "primary_colour": "#1d3b6f",
        "accent_colour": "#a30000",
        "summit": None,
    },
]

_TRACKS = [
    ("leaders", "leaders", "Leaders", ""),
    ("sherpa", "sherpa", "Sherpa track", ""),
    ("finance", "finance", "Finance track", ""),
    ("t20", "engagement", "Think20 (T20)", "T20"),
]

_SAMPLE_TEXT = (
    "Sample document. This text was written for the OneVoice demonstration; it is not a "
    "G20 text and quotes nobody. It shows how a communiqué is filed: its language "
    "versions, where it was published, an archived copy and the checksum of that copy."
)


def _upsert(parent: Any, model: Any, slug: str, **fields: Any) -> Any:
    """The child ``slug`` of ``parent`` with ``fields``, created or updated, published."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    children = {k: fields.pop(k) for k in list(fields) if isinstance(fields[k], list)}
    if page is None:
        page = model(slug=slug, **fields)
        for name, items in children.items():
            setattr(page, name, items)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
        for name, items in children.items():
            setattr(page, name, items)
    page.save_revision().publish()
    return page


def _locales() -> None:
    from django.conf import settings
    from wagtail.models import Locale

    for code, _ in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def _translate(page: Any, code: str, **fields: Any) -> Any:
    """The ``code`` translation of ``page`` with ``fields``, created or updated, published."""
    from wagtail.models import Locale

    locale = Locale.objects.get(language_code=code)
    translation = page.get_translations().filter(locale=locale).first()
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True)
    translation = translation.specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


def _documents(track: Any, meeting: Any, year: int, host: str) -> None:
    from onevoice.hub.models import Commitment, DocumentPage, DocumentVersion

    digest = hashlib.sha256(_SAMPLE_TEXT.encode()).hexdigest()
    doc = _upsert(
        meeting,
        DocumentPage,
        "sample-leaders-declaration",
        title=f"Sample document: a leaders' declaration ({host} {year})",
        summary="Sample document, written for the demonstration; not a real G20 text.",
        kind="declaration",
        issued_on=meeting.start_date,
        is_sample=True,
        source_url="https://example.org/sample-declaration",
        archive_url="https://example.org/archive/sample-declaration",
        sha256=digest,
        versions=[
            DocumentVersion(language="en", status="original", text=_SAMPLE_TEXT),
            DocumentVersion(
                language="fr",
                status="machine",
                text="Document d'exemple, écrit pour la démonstration ; ce n'est pas un texte "
                "du G20.",
            ),
        ],
        commitments=[
            Commitment(
                text="Sample commitment: publish the data behind every report.",
                scores={"Sample member A": 1, "Sample member B": 0, "Sample member C": -1},
            )
        ],
    )
    doc.tags.set(["sample", f"g20-{year}"])
    doc.save_revision().publish()
    _upsert(
        track,
        DocumentPage,
        "sample-dataset",
        title=f"Sample data set: meetings of the {year} presidency",
        summary="Sample data set listing the demo's meetings; written for the demonstration.",
        kind="dataset",
        issued_on=meeting.start_date,
        is_sample=True,
        versions=[DocumentVersion(language="en", status="original", text="date,city\n")],
    )


@transaction.atomic
def load_demo() -> dict[str, Any]:
    """Create or update the demo hub; returns the English home page and the counts."""
    from wagtail.models import Page, Site

    from onevoice.hub.models import (
        DebunkPage,
        DebunkSource,
        HubHomePage,
        MeetingPage,
        OfficialAccount,
        OfficialAccountsPage,
        PresidencyPage,
        TrackPage,
    )
    from onevoice.hub.workflow import setup_publishing

    _locales()
    root = Page.get_first_root_node()
    if root is None:  # Wagtail's migration makes it; a flushed database has none
        from wagtail.models import Locale

        root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    home = _upsert(
        root,
        HubHomePage,
        "g20-hub",
        title="G20 Hub",
        summary="Every G20 presidency's record in one place: themes, tracks, meetings and "
        "documents, debunks of false claims and the G20's real accounts.",
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, site_name="G20 Hub")
    site.root_page = home
    site.save()

    india = None
    for item in PRESIDENCIES:
        data = dict(item)
        summit = data.pop("summit")
        slug = data.pop("slug")
        presidency = _upsert(
            home, PresidencyPage, slug, title=f"G20 {item['year']}: {item['host_country']}", **data
        )
        india = india or presidency
        for track_slug, kind, title, short in _TRACKS:
            track = _upsert(
                presidency, TrackPage, track_slug, title=title, kind=kind, short_name=short
            )
            if kind == "leaders" and summit is not None:
                name, start, end, city, country, code = summit
                meeting = _upsert(
                    track,
                    MeetingPage,
                    "summit",
                    title=name,
                    start_date=start,
                    end_date=end,
                    city=city,
                    country=country,
                    country_code=code,
                )
                _documents(track, meeting, item["year"], item["host_country"])

    accounts = _upsert(
        home,
        OfficialAccountsPage,
        "official-accounts",
        title="Official accounts",
        summary="Sample list for the demonstration: check each handle before relying on it.",
        accounts=[
            OfficialAccount(
                platform="X",
                handle="@g20org",
                url="https://x.com/g20org",
                owner="G20 (sample entry, to be checked)",
            ),
        ],
    )
    debunk = _upsert(
        home,
        DebunkPage,
        "sample-debunk-summit-cancelled",
        title="Sample debunk: “the G20 summit was cancelled”",
        summary="Sample debunk written for the demonstration.",
        claim="The G20 leaders' summit was cancelled.",
        claim_author="Sample account",
        claim_appearance="https://example.org/sample-post",
        claim_date=dt.date(2024, 11, 10),
        rating="false",
        verdict="False",
        evidence="<p>Sample evidence: the host's official programme lists the summit on "
        "18–19 November 2024 in Rio de Janeiro.</p>",
        case_id="SAMPLE-CASE-1",
        sources=[DebunkSource(title="Sample source", url="https://example.org/sample-source")],
    )
    assert india is not None
    _translate(
        home,
        "fr",
        title="Portail du G20",
        summary="Les archives de chaque présidence du G20 en un seul endroit.",
    )
    _translate(
        home,
        "ar",
        title="بوابة مجموعة العشرين",
        summary="سجلّ كل رئاسة لمجموعة العشرين في مكان واحد.",
    )
    _translate(
        india,
        "fr",
        title="G20 2023 : Inde",
        host_country="Inde",
        theme="Une seule Terre, une seule famille, un seul avenir",
    )
    _translate(
        india,
        "ar",
        title="مجموعة العشرين 2023: الهند",
        host_country="الهند",
        theme="أرض واحدة، عائلة واحدة، مستقبل واحد",
    )
    # after the translations: each language's home gets the permissions and the workflow
    setup_publishing(home)
    # Wagtail queues index updates as background tasks (run by ``onevoice worker``); the
    # demo rebuilds the search index at once so search works straight after loading.
    from django.core.management import call_command

    call_command("wagtail_update_index", verbosity=0)
    return {
        "home": home,
        "presidencies": PresidencyPage.objects.count(),
        "pages": Page.objects.type(HubHomePage, PresidencyPage, TrackPage, MeetingPage).count(),
        "accounts": accounts,
        "debunk": debunk,
    }
