"""Read schema.org ``ClaimReview`` records from JSON-LD, JSON Lines and HTML pages.

What is read (https://schema.org/ClaimReview, and Google's fact-check markup guide):

- a **JSON-LD document**: one object, a list, an ``@graph``, or a ``DataFeed`` whose
  ``dataFeedElement`` items are ClaimReviews or ``DataFeedItem`` wrappers with ``item``;
- **JSON Lines**, one such document per line (decided, as in ingest, by whether the first
  non-blank line parses alone);
- **HTML pages**: every ``<script type="application/ld+json">`` block, found with the
  standard library's :class:`html.parser.HTMLParser`.

ClaimReviews are found by walking the whole JSON value in document order, so any nesting
works; objects of other types are passed over silently (a page's ``NewsArticle`` or
``BreadcrumbList`` is not an error). The type may be ``"ClaimReview"``, a list containing it,
``schema:ClaimReview`` or the full ``http(s)://schema.org/ClaimReview`` IRI; property names
may carry the same prefixes, and values may be JSON-LD ``{"@value": …}`` objects.

Location of a record (``line``): the line in JSON Lines, the line of the ``<script>`` tag in
HTML, and the index (from 1) of the ClaimReview in a single JSON document, which has no
useful line numbers once pretty-printed differently.

A record is rejected when it has no ``claimReviewed`` text or no ``reviewRating`` with an
``alternateName`` or a ``ratingValue``; a bad date, URL or appearance is dropped with a
warning and the record kept. Everything is kept raw beside the mapped fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import orjson

from onevoice.claims.ratings import normalise_rating
from onevoice.errors import UnreadableInput
from onevoice.ingest.normalise import canonical_url, normalise_lang, parse_timestamp

__all__ = ["Reject", "Review", "parse_html", "parse_jsonld", "reviews_in_value"]

EXCERPT_CHARS = 200
DROPPED = "dropped (the fact-check is kept)"
_PREFIXES = ("schema:", "http://schema.org/", "https://schema.org/")

#: English names of languages seen in ``inLanguage`` instead of a code.
LANGUAGE_NAMES = {
    "english": "en", "french": "fr", "german": "de", "italian": "it", "spanish": "es",
    "portuguese": "pt", "russian": "ru", "chinese": "zh", "japanese": "ja", "korean": "ko",
    "arabic": "ar", "hindi": "hi", "indonesian": "id", "turkish": "tr",
}  # fmt: skip


@dataclass
class Review:
    """One fact-check as read, before it gets its id and provenance.

    ``rating`` is normalised (:func:`onevoice.claims.ratings.normalise_rating`); ``lang``
    is ``None`` when the record does not state it (the library then detects it).
    """

    line: int
    claim: str
    rating: str
    url: str | None = None
    title: str | None = None
    rating_original: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: str | None = None
    publisher_url: str | None = None
    lang: str | None = None
    date_published: datetime | None = None
    claim_date: datetime | None = None
    claimant: str | None = None
    appearances: list[str] = field(default_factory=list)
    raw: str = "{}"
    warnings: list[str] = field(default_factory=list)


@dataclass
class Reject:
    """A record that was dropped: where, why, and the start of it."""

    line: int | None
    reason: str
    excerpt: str | None = None


Item = Review | Reject


# -- JSON-LD values ------------------------------------------------------------------------
def _local(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _get(obj: dict[str, Any], name: str) -> Any:
    """A property by its schema.org name, with or without a ``schema:``/IRI prefix."""
    if name in obj:
        return obj[name]
    for prefix in _PREFIXES:
        if prefix + name in obj:
            return obj[prefix + name]
    return None


def _first(value: Any) -> Any:
    """The first non-null element of a list (JSON-LD allows a list anywhere), or ``value``."""
    if isinstance(value, list):
        return next((v for v in value if v is not None), None)
    return value


def _text(value: Any) -> str | None:
    """A non-blank string (stripped), from a string, ``{"@value": …}`` or a list of them."""
    value = _first(value)
    if isinstance(value, dict):
        value = _first(value.get("@value"))
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _number(value: Any) -> float | None:
    value = _first(value)
    if isinstance(value, dict):
        value = _first(value.get("@value"))
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            out = float(value)
        elif isinstance(value, str):
            out = float(value.strip())
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return out if math.isfinite(out) else None


def _link(value: Any) -> str | None:
    """A URL given as a string, ``{"@id": …}`` or an object with ``url``."""
    value = _first(value)
    if isinstance(value, dict):
        return _text(_get(value, "url")) or _text(value.get("@id"))
    return _text(value)


def _agent(value: Any) -> tuple[str | None, str | None]:
    """(name, url) of a Person/Organization, a plain name, or the first of a list."""
    if isinstance(value, list):
        for v in value:
            name, url = _agent(v)
            if name or url:
                return name, url
        return None, None
    if isinstance(value, dict) and "@value" not in value:
        return _text(_get(value, "name")), _link(_get(value, "url"))
    return _text(value), None


def _is_claimreview(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and _local(k) == "ClaimReview" for k in kinds)


def _lang(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict) and "@value" not in value:
        for key in ("alternateName", "identifier", "name"):
            found = _lang(_get(value, key))
            if found:
                return found
        return None
    text = _text(value)
    if text is None:
        return None
    return LANGUAGE_NAMES.get(text.casefold()) or normalise_lang(text)


def _timestamp(value: Any, label: str, warnings: list[str]) -> datetime | None:
    raw = _first(value)
    if isinstance(raw, dict):
        raw = _first(raw.get("@value"))
    if raw is None:
        return None
    try:
        return parse_timestamp(raw)
    except ValueError as exc:
        warnings.append(f"{label}: {exc}; {DROPPED}")
        return None


def _urls(values: list[Any], label: str, warnings: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        for v in value if isinstance(value, list) else [value]:
            link = _link(v)
            if link is None:
                continue
            url = canonical_url(link)
            if url is None:
                warnings.append(f"{label} {link[:80]!r} is not a URL; {DROPPED}")
            elif url not in out:
                out.append(url)
    return out


# -- one ClaimReview -----------------------------------------------------------------------
def review_from_object(obj: dict[str, Any], line: int) -> Item:
    """Map one ClaimReview object to a :class:`Review`, or a :class:`Reject` saying why not."""
    try:
        raw = orjson.dumps(obj, default=str).decode()
    except (orjson.JSONEncodeError, TypeError):  # nested past orjson's limit of 254
        return Reject(line, "the record is nested too deeply to be kept", None)
    excerpt = raw[:EXCERPT_CHARS]
    claim_value = _get(obj, "claimReviewed")
    claim = _text(claim_value)
    if claim is None:
        reason = (
            "no claimReviewed (the claim text is required)"
            if claim_value is None
            else "claimReviewed is not text"
        )
        return Reject(line, reason, excerpt)
    rating_obj = _first(_get(obj, "reviewRating"))
    if not isinstance(rating_obj, dict):
        return Reject(line, "no reviewRating (the verdict is required)", excerpt)
    alternate = _text(_get(rating_obj, "alternateName"))
    value_raw = _get(rating_obj, "ratingValue")
    value = _number(value_raw)
    original = alternate or (None if value is not None else _text(value_raw))
    if original is None and value is None:
        return Reject(line, "reviewRating has neither alternateName nor ratingValue", excerpt)
    best, worst = _number(_get(rating_obj, "bestRating")), _number(_get(rating_obj, "worstRating"))
    warnings: list[str] = []
    review_url = _link(_get(obj, "url")) or _text(obj.get("@id"))
    url = canonical_url(review_url) if review_url else None
    if review_url and url is None and _get(obj, "url") is not None:
        warnings.append(f"url {review_url[:80]!r} is not a URL; {DROPPED}")
    publisher, publisher_url = _agent(_get(obj, "author"))
    if publisher is None and publisher_url is None:
        publisher, publisher_url = _agent(_get(obj, "publisher"))
    item = _first(_get(obj, "itemReviewed"))
    item = item if isinstance(item, dict) else {}
    claimant, _ = _agent(_get(item, "author") or _get(item, "creator"))
    return Review(
        line=line,
        claim=claim,
        rating=normalise_rating(original, value, best, worst),
        url=url,
        title=_text(_get(obj, "headline")) or _text(_get(obj, "name")),
        rating_original=original,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        publisher=publisher,
        publisher_url=canonical_url(publisher_url) if publisher_url else None,
        lang=_lang(_get(obj, "inLanguage")),
        date_published=_timestamp(_get(obj, "datePublished"), "datePublished", warnings),
        claim_date=_timestamp(_get(item, "datePublished"), "itemReviewed.datePublished", warnings),
        claimant=claimant,
        appearances=_urls(
            [_get(item, "firstAppearance"), _get(item, "appearance")], "appearance", warnings
        ),
        raw=raw,
        warnings=warnings,
    )


def reviews_in_value(value: Any, line: int | None = None) -> Iterator[Item]:
    """Every ClaimReview inside a parsed JSON value, in document order.

    Args:
        value: any JSON value (object, list, ``@graph``, ``DataFeed``…).
        line: the location given to every record found; ``None`` numbers them 1, 2, …
    """
    found = 0
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if _is_claimreview(node):
                found += 1
                yield review_from_object(node, found if line is None else line)
            else:
                stack.extend(reversed(list(node.values())))


# -- files ---------------------------------------------------------------------------------
def _json_reason(exc: orjson.JSONDecodeError) -> str:
    msg = getattr(exc, "msg", None) or str(exc)
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line and line > 1 and col:
        return f"{msg} at line {line}, column {col}"
    return f"{msg} at column {col}" if col else str(msg)


def parse_jsonld(data: bytes, name: str) -> Iterator[Item]:
    """Records of a JSON-LD document or of JSON Lines of documents.

    Raises:
        UnreadableInput: a single document that is not valid JSON (nothing can be read).
    """
    data = data.removeprefix(b"\xef\xbb\xbf")
    first = next((ln.strip() for ln in data.splitlines() if ln.strip()), b"")
    try:
        orjson.loads(first)
        per_line = True
    except orjson.JSONDecodeError:
        per_line = False
    if not per_line:
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise UnreadableInput(
                f"cannot read {name}: invalid JSON ({_json_reason(exc)})",
                hint="a ClaimReview file is one JSON-LD document, or JSON Lines of them",
            ) from exc
        yield from reviews_in_value(doc)
        return
    for lineno, raw in enumerate(data.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            excerpt = line[:EXCERPT_CHARS].decode("utf-8", "replace")
            yield Reject(lineno, f"invalid JSON ({_json_reason(exc)})", excerpt)
            continue
        yield from reviews_in_value(doc, lineno)


class _LdScripts(HTMLParser):
    """Collects (line, text) of every ``<script type="application/ld+json">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[tuple[int, str]] = []
        self._open: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        kind = next((v or "" for k, v in attrs if k == "type"), "")
        if kind.split(";")[0].strip().lower() == "application/ld+json":
            self._open = (self.getpos()[0], [])

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open[0], "".join(self._open[1])))
            self._open = None


def ld_scripts(html: str) -> list[tuple[int, str]]:
    """(line of the tag, content) of each JSON-LD script of a page, in page order."""
    parser = _LdScripts()
    parser.feed(html)
    parser.close()
    return parser.scripts


def parse_html(data: bytes, name: str) -> Iterator[Item]:
    """Records of every JSON-LD script of an HTML page; a script that is not valid JSON is
    rejected at the line of its tag, and the page's other scripts are still read."""
    html = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    for line, body in ld_scripts(html):
        text = body.strip()
        # Old pages hide scripts from ancient browsers inside comments or CDATA.
        for opener, closer in (("<!--", "-->"), ("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>")):
            if text.startswith(opener) and text.endswith(closer):
                text = text[len(opener) : -len(closer)].strip()
        if not text:
            continue
        try:
            doc = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            reason = f'invalid JSON in <script type="application/ld+json"> ({_json_reason(exc)})'
            yield Reject(line, reason, text[:EXCERPT_CHARS])
            continue
        yield from reviews_in_value(doc, line)
