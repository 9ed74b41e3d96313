"""Write the fact-check library back out as schema.org ClaimReview JSON-LD.

:func:`to_claimreview` maps one :class:`~onevoice.claims.library.FactCheck` to a
ClaimReview object with the properties Google's fact-check markup guide asks for
(``url``, ``claimReviewed``, ``author``, ``datePublished``, ``reviewRating``,
``itemReviewed``); :func:`export_feed` writes the whole library as one ``DataFeed``.

The rating goes out as it was published: ``reviewRating.alternateName`` is the original
wording ("Pants on Fire", "Engañoso"), with ``ratingValue`` / ``bestRating`` /
``worstRating`` when the source gave numbers; the normalised label is not written, since a
reader re-derives it (:mod:`onevoice.claims.ratings`) and schema.org has no property for
it. Dates at midnight UTC are written as dates (``2024-03-01``), others as ISO 8601 UTC
times. The claimant is written as a ``Person`` (schema.org's ``Claim.author`` range is
Person or Organization; the library does not know which).

Output is deterministic: fact-checks in ``factcheck_id`` order, properties in a fixed
order, absent values left out, two-space indentation and a final newline. Re-exporting an
unchanged store gives byte-identical files, and importing an export gives back the same
rows (tested: the round trip in ``tests/claims/test_factcheck_library.py``).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, time
from typing import Any, BinaryIO, TextIO, cast

import orjson

from onevoice.claims.library import FactCheck, load_library
from onevoice.store import Store

__all__ = ["SCHEMA_CONTEXT", "export_feed", "feed", "to_claimreview"]

SCHEMA_CONTEXT = "https://schema.org"
FEED_NAME = "OneVoice fact-check library"


def _date(value: datetime | None) -> str | None:
    if value is None:
        return None
    utc = value.astimezone(UTC)
    if utc.time() == time(0, 0):
        return utc.date().isoformat()
    return utc.isoformat().replace("+00:00", "Z")


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values (and empty lists) but keep the key order."""
    return {k: v for k, v in obj.items() if v is not None and v != []}


def to_claimreview(fc: FactCheck, *, context: bool = True) -> dict[str, Any]:
    """One fact-check as a schema.org ClaimReview object (a plain dict, keys in order).

    Args:
        fc: the fact-check.
        context: include ``"@context": "https://schema.org"`` (leave it out for the
            elements of a feed, which carries it once).
    """
    author = _compact({"@type": "Organization", "name": fc.publisher, "url": fc.publisher_url})
    rating = _compact(
        {
            "@type": "Rating",
            "alternateName": fc.rating_original,
            "ratingValue": _number(fc.rating_value),
            "bestRating": _number(fc.best_rating),
            "worstRating": _number(fc.worst_rating),
        }
    )
    claimant = _compact({"@type": "Person", "name": fc.claimant}) if fc.claimant else None
    item = _compact(
        {
            "@type": "Claim",
            "author": claimant,
            "datePublished": _date(fc.claim_date),
            "appearance": [{"@type": "CreativeWork", "url": u} for u in fc.appearances],
        }
    )
    return _compact(
        {
            "@context": SCHEMA_CONTEXT if context else None,
            "@type": "ClaimReview",
            "url": fc.url,
            "claimReviewed": fc.claim,
            "headline": fc.title,
            "inLanguage": fc.lang,
            "datePublished": _date(fc.date_published),
            "author": author if len(author) > 1 else None,
            "reviewRating": rating,
            "itemReviewed": item,
        }
    )


def feed(factchecks: list[FactCheck]) -> dict[str, Any]:
    """A schema.org ``DataFeed`` whose ``dataFeedElement`` are the ClaimReviews, sorted by
    ``factcheck_id``."""
    ordered = sorted(factchecks, key=lambda fc: fc.factcheck_id)
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "DataFeed",
        "name": FEED_NAME,
        "dataFeedElement": [to_claimreview(fc, context=False) for fc in ordered],
    }


def export_feed(store: Store, out: BinaryIO | TextIO) -> int:
    """Write the store's library to ``out`` as one JSON-LD DataFeed; return how many.

    ``out`` may be a binary or a text stream; the bytes are UTF-8 either way.
    """
    library = load_library(store)
    data = orjson.dumps(feed(library), option=orjson.OPT_INDENT_2) + b"\n"
    if isinstance(out, io.TextIOBase):
        cast(TextIO, out).write(data.decode("utf-8"))
    else:
        cast(BinaryIO, out).write(data)
    return len(library)
