"""schema.org JSON-LD and Open Graph tags for the public hub's pages.

Pure functions over plain mappings (no Django, no database): a page model turns its fields
into a ``dict`` and calls one of these; templates print :func:`script_tag` and the pairs of
:func:`opengraph`. Every builder returns keys in a fixed order and leaves absent values out,
so the markup of an unchanged page is byte-identical between renders.

- :func:`claimreview_jsonld` — a debunk as ``ClaimReview``, with the properties Google's
  fact-check markup guide requires (``claimReviewed``, ``reviewRating.alternateName``,
  ``url``) and those the fact-checking community exchanges (``itemReviewed`` as a ``Claim``
  with ``appearance`` and ``author``, ``author``, ``datePublished``, ``inLanguage``);
  :func:`validate_claimreview` checks a document against those rules.
- :func:`report_jsonld`, :func:`dataset_jsonld`, :func:`event_jsonld`,
  :func:`organization_jsonld` — ``Report``, ``Dataset``, ``Event`` (a G20 meeting),
  ``GovernmentOrganization`` (the G20, a presidency) with its official accounts in ``sameAs``.
- :func:`opengraph` — ``og:*`` meta properties (The Open Graph protocol, https://ogp.me/).
- :func:`script_tag` — JSON-LD inside ``<script type="application/ld+json">``, escaped so
  that no text can close the script or open a comment.

**Ratings.** The hub rates a claim with the five labels of
:data:`onevoice.claims.ratings.RATINGS`. They go out on the 1–5 scale that
:func:`onevoice.claims.ratings.normalise_rating` reads back to the same label (false 1,
misleading 2, mixed 3, true 5; ``worstRating`` 1, ``bestRating`` 5, Google's minimum of 1
for ``worstRating``), so our own debunks re-imported into the fact-check library keep their
rating. *unrated* has no number: only the textual ``alternateName``.

References:
    schema.org ClaimReview, Claim, Rating, Report, Dataset, Event, GovernmentOrganization
    (https://schema.org/). Google Search Central, "Fact check (ClaimReview) structured data"
    (https://developers.google.com/search/docs/appearance/structured-data/factcheck).
    The Open Graph protocol (https://ogp.me/). HTML Living Standard §4.12.1.3, "Restrictions
    for contents of script elements".
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from onevoice.claims.ratings import RATINGS

__all__ = [
    "AGENT_TYPES",
    "RATING_SCALE",
    "RATING_VALUES",
    "claimreview_jsonld",
    "dataset_jsonld",
    "event_jsonld",
    "og_locale",
    "opengraph",
    "organization_jsonld",
    "report_jsonld",
    "script_tag",
    "validate_claimreview",
]

CONTEXT: Final = "https://schema.org"
#: (worstRating, bestRating) of the hub's numeric ratings.
RATING_SCALE: Final = (1, 5)
#: Numeric rating of each label; *unrated* has none. Read back by ``normalise_rating``.
RATING_VALUES: Final[dict[str, int]] = {"false": 1, "misleading": 2, "mixed": 3, "true": 5}
#: The verdict shown when a debunk gives no wording of its own.
DEFAULT_VERDICTS: Final = {
    "false": "False",
    "misleading": "Misleading",
    "mixed": "Mixed",
    "true": "True",
    "unrated": "Unrated",
}
#: schema.org types accepted as the author of a review or of a claim.
AGENT_TYPES: Final = frozenset(
    {"Person", "Organization", "GovernmentOrganization", "NGO", "NewsMediaOrganization"}
)
#: Facebook's locale (language_TERRITORY) for each G20 language, for ``og:locale``.
OG_LOCALES: Final = {
    "ar": "ar_AR", "de": "de_DE", "en": "en_GB", "es": "es_ES", "fr": "fr_FR",
    "hi": "hi_IN", "id": "id_ID", "it": "it_IT", "ja": "ja_JP", "ko": "ko_KR",
    "pt": "pt_BR", "ru": "ru_RU", "tr": "tr_TR", "zh": "zh_CN", "zh-hans": "zh_CN",
    "zh-hant": "zh_TW",
}  # fmt: skip


# -- values --------------------------------------------------------------------------------
def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values (``None``, empty strings and lists), keeping the key order."""
    return {k: v for k, v in obj.items() if v is not None and v != "" and v != []}


def _date(value: Any) -> str | None:
    """ISO 8601: a date as ``2024-03-01``, a time in UTC as ``2024-03-01T09:30:00Z``.

    Naive datetimes are taken as UTC; strings are checked and passed through.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        if utc.time() == time(0, 0):
            return utc.date().isoformat()
        return utc.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _is_iso_date(value):
        return value
    raise ValueError(f"not an ISO 8601 date: {value!r}")


def _is_iso_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _agent(value: Any, default_type: str = "Organization") -> dict[str, Any] | None:
    """A Person/Organization object from a name or a mapping (``name``, ``url``, ``type``)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return {"@type": default_type, "name": value}
    if isinstance(value, Mapping):
        return _compact(
            {
                "@type": value.get("type") or value.get("@type") or default_type,
                "name": value.get("name"),
                "url": value.get("url"),
            }
        )
    raise TypeError(f"an author is a name or a mapping, not {type(value).__name__}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _g20(url: str | None) -> dict[str, Any]:
    return _compact({"@type": "GovernmentOrganization", "name": "G20", "url": url})


# -- ClaimReview ---------------------------------------------------------------------------
def claimreview_jsonld(debunk: Mapping[str, Any]) -> dict[str, Any]:
    """A debunk as a schema.org ``ClaimReview`` (a plain dict, keys in a fixed order).

    Args:
        debunk: a mapping with

            - ``claim`` (str, required): the claim as made, short (Google: under 75
              characters) and without the verdict;
            - ``rating`` (required): one of ``false``, ``misleading``, ``mixed``, ``true``,
              ``unrated``;
            - ``url`` (required): the absolute URL of the debunk page;
            - ``verdict``: the verdict as worded on the page, in its language ("Faux");
              default the English label ("False");
            - ``date_published`` (date, datetime or ISO string), ``date_modified``,
              ``language`` (BCP 47), ``title`` (the page's headline), ``summary`` (one or
              two sentences: ``reviewRating.ratingExplanation``);
            - ``claimant``: who made the claim, a name or a mapping with ``name``, ``url``,
              ``type`` (``Person`` or ``Organization``; default ``Person``);
            - ``claim_date``: when the claim was first made; ``appearances``: URLs of
              posts or articles that carry it (``firstAppearance`` is the first one);
            - ``author``: the reviewer, a name or a mapping; default the G20, with the
              site's origin as its ``url``;
            - ``sources``: the evidence, mappings with ``url`` and ``title``, written as
              ``citation`` (a ``CreativeWork`` property, so valid on ``ClaimReview``).

    Returns:
        The JSON-LD object, with ``@context``.

    Raises:
        ValueError: an unknown rating, a missing claim or URL, or a date that is not ISO 8601.
    """
    rating = debunk.get("rating")
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}; use one of: {', '.join(RATINGS)}")
    claim, url = debunk.get("claim"), debunk.get("url")
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError("a debunk needs the claim text")
    if not _is_url(url):
        raise ValueError(f"a debunk needs its absolute page URL, not {url!r}")
    assert isinstance(url, str)
    value = RATING_VALUES.get(rating)
    worst, best = RATING_SCALE
    review_rating = _compact(
        {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": best if value is not None else None,
            "worstRating": worst if value is not None else None,
            "alternateName": debunk.get("verdict") or DEFAULT_VERDICTS[rating],
            "ratingExplanation": debunk.get("summary"),
        }
    )
    appearances = [u for u in debunk.get("appearances") or () if u]
    item = _compact(
        {
            "@type": "Claim",
            "author": _agent(debunk.get("claimant"), "Person"),
            "datePublished": _date(debunk.get("claim_date")),
            "firstAppearance": (
                {"@type": "CreativeWork", "url": appearances[0]} if appearances else None
            ),
            "appearance": [{"@type": "CreativeWork", "url": u} for u in appearances],
        }
    )
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "ClaimReview",
            "url": url,
            "headline": debunk.get("title"),
            "claimReviewed": claim.strip(),
            "reviewRating": review_rating,
            "itemReviewed": item,
            "author": _agent(debunk.get("author")) or _g20(_origin(url)),
            "datePublished": _date(debunk.get("date_published")),
            "dateModified": _date(debunk.get("date_modified")),
            "inLanguage": debunk.get("language"),
            "citation": [
                _compact({"@type": "CreativeWork", "name": s.get("title"), "url": s.get("url")})
                for s in debunk.get("sources") or ()
                if s.get("url")
            ],
        }
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _check_agent(value: Any, where: str) -> list[str]:
    if not isinstance(value, Mapping):
        return [f"{where} is missing (a Person or Organization with a name)"]
    problems = []
    if value.get("@type") not in AGENT_TYPES:
        problems.append(f"{where}.@type must be one of {', '.join(sorted(AGENT_TYPES))}")
    if not isinstance(value.get("name"), str) or not value["name"].strip():
        problems.append(f"{where}.name is missing")
    if "url" in value and not _is_url(value["url"]):
        problems.append(f"{where}.url is not an absolute http(s) URL")
    return problems


def _check_rating(rating: Any) -> list[str]:
    if not isinstance(rating, Mapping) or rating.get("@type") != "Rating":
        return ["reviewRating must be a Rating object"]
    problems = []
    name = rating.get("alternateName")
    if not isinstance(name, str) or not name.strip():
        problems.append("reviewRating.alternateName (the textual verdict) is missing")
    if "ratingValue" in rating:
        value = _number(rating["ratingValue"])
        best, worst = _number(rating.get("bestRating")), _number(rating.get("worstRating"))
        if value is None:
            problems.append("reviewRating.ratingValue is not a number")
        if best is None or worst is None:
            problems.append("a numeric reviewRating needs bestRating and worstRating")
        elif worst < 1 or best <= worst:
            problems.append("reviewRating needs 1 <= worstRating < bestRating")
        elif value is not None and not worst <= value <= best:
            problems.append("reviewRating.ratingValue is outside worstRating..bestRating")
    return problems


def _check_claim(item: Any) -> list[str]:
    if not isinstance(item, Mapping) or item.get("@type") != "Claim":
        return ["itemReviewed must be a Claim object"]
    problems = _check_agent(item.get("author"), "itemReviewed.author")
    works = item.get("appearance")
    works = [works] if isinstance(works, Mapping) else works
    if not isinstance(works, list) or not works:
        problems.append("itemReviewed.appearance is missing (where the claim was seen)")
    else:
        for i, work in enumerate(works):
            if not isinstance(work, Mapping) or not _is_url(work.get("url")):
                problems.append(f"itemReviewed.appearance[{i}] needs an absolute url")
    claim_date = item.get("datePublished")
    if claim_date is not None and not (isinstance(claim_date, str) and _is_iso_date(claim_date)):
        problems.append("itemReviewed.datePublished is not an ISO 8601 date")
    return problems


def validate_claimreview(doc: Any) -> list[str]:
    """Problems that keep a ClaimReview from being read by search engines and fact-checkers.

    Checks Google's required properties (``claimReviewed`` text, ``reviewRating`` with a
    textual ``alternateName`` and, when numeric, ``worstRating`` ≥ 1 < ``bestRating`` with
    ``ratingValue`` between them, an absolute ``url``) and the ones the issue and the
    fact-check exchange (Google Fact Check Tools, our importer) rely on: ``author`` (a Person
    or Organization with a name), an ISO 8601 ``datePublished``, and ``itemReviewed`` as a
    ``Claim`` with an ``author`` and at least one ``appearance`` URL. ``inLanguage``, when
    present, must be a language tag.

    Args:
        doc: a parsed JSON-LD object.

    Returns:
        Human-readable problems, empty when the document is valid.
    """
    if not isinstance(doc, Mapping):
        return ["a ClaimReview is a JSON object"]
    problems: list[str] = []
    if doc.get("@context") not in (CONTEXT, CONTEXT + "/", "http://schema.org"):
        problems.append("@context must be https://schema.org")
    if doc.get("@type") != "ClaimReview":
        problems.append("@type must be ClaimReview")
    claim = doc.get("claimReviewed")
    if not isinstance(claim, str) or not claim.strip():
        problems.append("claimReviewed (the claim text) is missing")
    problems += _check_rating(doc.get("reviewRating"))
    if not _is_url(doc.get("url")):
        problems.append("url must be the absolute http(s) URL of the fact-check page")
    problems += _check_agent(doc.get("author"), "author")
    published = doc.get("datePublished")
    if not (isinstance(published, str) and _is_iso_date(published)):
        problems.append("datePublished is missing or not an ISO 8601 date")
    problems += _check_claim(doc.get("itemReviewed"))
    lang = doc.get("inLanguage")
    if lang is not None and not (isinstance(lang, str) and lang.replace("-", "").isalnum()):
        problems.append("inLanguage must be a BCP 47 language tag")
    return problems


# -- other types ---------------------------------------------------------------------------
def organization_jsonld(org: Mapping[str, Any]) -> dict[str, Any]:
    """The G20 or a presidency as a ``GovernmentOrganization``.

    Args:
        org: ``name`` (required), ``url``, ``alternate_name`` ("G20 Brasil 2024"),
            ``logo`` (URL), ``description``, ``accounts`` (URLs of the official social-media
            profiles, written as ``sameAs`` so a reader and a search engine can tell the
            real accounts from impostors), ``parent`` (a mapping with ``name``/``url``: the
            G20 for a presidency).
    """
    parent = org.get("parent")
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "GovernmentOrganization",
            "name": org["name"],
            "alternateName": org.get("alternate_name"),
            "url": org.get("url"),
            "logo": org.get("logo"),
            "description": org.get("description"),
            "sameAs": sorted(org.get("accounts") or ()),
            "parentOrganization": _agent(parent, "GovernmentOrganization") if parent else None,
        }
    )


def report_jsonld(report: Mapping[str, Any]) -> dict[str, Any]:
    """A published report (the public version of a case, a study, a paper) as ``Report``.

    Args:
        report: ``title`` and ``url`` (required), ``description``, ``date_published``,
            ``date_modified``, ``language``, ``number`` (``reportNumber``), ``keywords``
            (list), ``author`` (name or mapping; default the G20), ``license`` (URL),
            ``translation_of`` (URL of the original-language version).
    """
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Report",
            "headline": report["title"],
            "name": report["title"],
            "url": report["url"],
            "description": report.get("description"),
            "reportNumber": report.get("number"),
            "datePublished": _date(report.get("date_published")),
            "dateModified": _date(report.get("date_modified")),
            "inLanguage": report.get("language"),
            "keywords": list(report.get("keywords") or ()),
            "author": _agent(report.get("author")) or _g20(_origin(report["url"])),
            "publisher": _g20(_origin(report["url"])),
            "license": report.get("license"),
            "translationOfWork": (
                {"@type": "Report", "url": report["translation_of"]}
                if report.get("translation_of")
                else None
            ),
            "isAccessibleForFree": True,
        }
    )


def dataset_jsonld(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """A data set as ``Dataset``, with its downloads as ``distribution``.

    Args:
        dataset: ``name``, ``description`` and ``url`` (required; Google asks for a
            description of 50–5000 characters), ``license`` (URL), ``language``,
            ``date_published``, ``date_modified``, ``keywords``, ``creator`` (default the
            G20), ``temporal`` (``temporalCoverage``, e.g. ``"2023-01/2023-12"``),
            ``distributions``: mappings with ``url`` (made absolute against the page URL,
            as Google requires) and optionally ``format`` (a MIME type; default guessed
            from the file name) and ``name``.
    """
    downloads = [
        _compact(
            {
                "@type": "DataDownload",
                "name": d.get("name"),
                "contentUrl": urljoin(dataset["url"], d["url"]),
                "encodingFormat": d.get("format") or mimetypes.guess_type(d["url"])[0],
            }
        )
        for d in dataset.get("distributions") or ()
    ]
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Dataset",
            "name": dataset["name"],
            "description": dataset["description"],
            "url": dataset["url"],
            "license": dataset.get("license"),
            "inLanguage": dataset.get("language"),
            "datePublished": _date(dataset.get("date_published")),
            "dateModified": _date(dataset.get("date_modified")),
            "keywords": list(dataset.get("keywords") or ()),
            "temporalCoverage": dataset.get("temporal"),
            "creator": _agent(dataset.get("creator")) or _g20(_origin(dataset["url"])),
            "isAccessibleForFree": True,
            "distribution": downloads,
        }
    )


def event_jsonld(meeting: Mapping[str, Any]) -> dict[str, Any]:
    """A G20 meeting as an ``Event`` held in person.

    Args:
        meeting: ``name`` and ``start_date`` (required), ``end_date``, ``url``,
            ``description``, ``language``, ``venue`` (a place name), ``city``,
            ``country`` (ISO 3166-1 alpha-2), ``organizer`` (name or mapping; default the
            G20), ``cancelled`` (bool).
    """
    address = _compact(
        {
            "@type": "PostalAddress",
            "addressLocality": meeting.get("city"),
            "addressCountry": meeting.get("country"),
        }
    )
    location = _compact(
        {
            "@type": "Place",
            "name": meeting.get("venue") or meeting.get("city"),
            "address": address if len(address) > 1 else None,
        }
    )
    url = meeting.get("url")
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "name": meeting["name"],
            "startDate": _date(meeting["start_date"]),
            "endDate": _date(meeting.get("end_date")),
            "url": url,
            "description": meeting.get("description"),
            "inLanguage": meeting.get("language"),
            "eventStatus": "https://schema.org/"
            + ("EventCancelled" if meeting.get("cancelled") else "EventScheduled"),
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": location if len(location) > 1 else None,
            "organizer": _agent(meeting.get("organizer")) or _g20(_origin(url) if url else None),
        }
    )


# -- Open Graph and the script tag ---------------------------------------------------------
def og_locale(lang: str) -> str:
    """The Open Graph locale (``language_TERRITORY``) of a BCP 47 tag: ``pt-BR`` → ``pt_BR``,
    ``ar`` → ``ar_AR`` (:data:`OG_LOCALES` for bare G20 languages)."""
    key = lang.strip().replace("_", "-").lower()
    if key in OG_LOCALES:
        return OG_LOCALES[key]
    base, _, region = key.partition("-")
    if len(region) == 2:
        return f"{base}_{region.upper()}"
    return OG_LOCALES.get(base, base)


def opengraph(
    title: str,
    description: str,
    url: str,
    image: str | None = None,
    locale: str = "en",
    alternates: Iterable[str] = (),
    *,
    og_type: str = "website",
    site_name: str = "G20",
) -> list[tuple[str, str]]:
    """Open Graph ``(property, content)`` pairs for ``<meta property=… content=…>``.

    Args:
        title, description, url: the page's; ``url`` absolute (``og:url`` is canonical).
        image: absolute URL of the share image (``og:image``), if any.
        locale: the page's language (BCP 47 or ``ll_TT``).
        alternates: the languages of the page's other versions (``og:locale:alternate``),
            in the order given, the page's own language left out.
        og_type: ``website``, or ``article`` for documents, reports and debunks.
        site_name: ``og:site_name``.
    """
    own = og_locale(locale)
    pairs = [
        ("og:title", title),
        ("og:description", description),
        ("og:type", og_type),
        ("og:url", url),
        ("og:site_name", site_name),
        ("og:locale", own),
    ]
    seen = {own}
    for lang in alternates:
        alt = og_locale(lang)
        if alt not in seen:
            seen.add(alt)
            pairs.append(("og:locale:alternate", alt))
    if image:
        pairs.append(("og:image", image))
    return pairs


#: Characters replaced by JSON escapes inside a script element: ``<`` (so neither ``</script``
#: nor ``<!--`` can appear), ``>`` and ``&`` (harmless in HTML, but kept out for XHTML and
#: for older parsers), and the JavaScript line terminators U+2028/U+2029.
_SCRIPT_ESCAPES: Final = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_tag(doc: Mapping[str, Any] | Sequence[Any]) -> str:
    """JSON-LD in a ``<script type="application/ld+json">`` element, safe in any HTML page.

    The JSON is compact, UTF-8 (not ASCII-escaped, so Arabic and Chinese stay readable),
    with ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\uXXXX`` escapes: inside a
    script element the HTML parser ends the element at ``</script`` and changes state at
    ``<!--`` (HTML Living Standard §4.12.1.3), whatever the JSON around them; escaped, the
    text cannot do either and every JSON parser reads back the same value.

    >>> script_tag({"name": "</script><!--"})
    '<script type="application/ld+json">{"name":"\\\\u003c/script\\\\u003e\\\\u003c!--"}</script>'
    """
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return f'<script type="application/ld+json">{text.translate(_SCRIPT_ESCAPES)}</script>'
