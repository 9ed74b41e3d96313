"""TAXII 2.1 on the wire: media types, Accept negotiation, timestamps and error bodies.

OASIS, *TAXII Version 2.1*, 2021: every response is ``application/taxii+json;version=2.1``
(STIX objects travel inside TAXII envelopes, so there is no separate STIX media type on
this API). A request's ``Accept`` must allow that type — ``application/taxii+json`` with
version 2.1 or no version, or a wildcard — otherwise the answer is 406. Errors carry the
TAXII *error message* resource: ``title``, ``description``, ``http_status`` (a string) and
``error_code``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

__all__ = [
    "MEDIA_TYPE_STIX",
    "MEDIA_TYPE_TAXII",
    "TaxiiError",
    "accepts_taxii",
    "error_response",
    "format_timestamp",
    "parse_timestamp",
    "taxii_response",
]

MEDIA_TYPE_TAXII = "application/taxii+json;version=2.1"
MEDIA_TYPE_STIX = "application/stix+json;version=2.1"

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    415: "Unsupported media type",
}


class TaxiiError(Exception):
    """An error answered with a TAXII error message and ``status``."""

    def __init__(self, status: int, description: str, **details: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.details = details


def _media_ranges(header: str) -> list[tuple[str, dict[str, str]]]:
    ranges = []
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        params: dict[str, str] = {}
        for p in parts[1:]:
            key, _, value = p.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        ranges.append((parts[0].lower(), params))
    return ranges


def accepts_taxii(header: str | None) -> bool:
    """True when an ``Accept`` header allows ``application/taxii+json;version=2.1``.

    A missing header allows anything (RFC 9110 §12.5.1); a range with ``q=0`` refuses.

    >>> accepts_taxii("application/taxii+json;version=2.1")
    True
    >>> accepts_taxii("application/taxii+json; version=2.0")
    False
    >>> accepts_taxii("application/json")
    False
    """
    if header is None or not header.strip():
        return True
    for media, params in _media_ranges(header):
        if params.get("q", "1").strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if media in ("*/*", "application/*"):
            return True
        if media == "application/taxii+json" and params.get("version", "2.1") == "2.1":
            return True
    return False


def format_timestamp(value: datetime) -> str:
    """A TAXII timestamp in UTC with microseconds (``2026-03-01T12:00:00.123456Z``)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: str, what: str = "timestamp") -> datetime:
    """An RFC 3339 timestamp (``Z`` or an offset, any fraction of a second), aware.

    Raises:
        TaxiiError: 400 when ``value`` is not such a timestamp.
    """
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or "T" not in text.upper() or parsed.tzinfo is None:
        raise TaxiiError(400, f"{what} {value!r} is not an RFC 3339 timestamp in UTC")
    return parsed.astimezone(UTC)


def taxii_response(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """``body`` as JSON with the TAXII 2.1 media type (and no caching by proxies)."""
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=MEDIA_TYPE_TAXII,
    )
    response["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def error_response(request: HttpRequest | None, error: TaxiiError) -> HttpResponse:
    """The TAXII error message for ``error``, with ``WWW-Authenticate`` on a 401."""
    body: dict[str, Any] = {
        "title": _TITLES.get(error.status, "Error"),
        "description": error.description,
        "http_status": str(error.status),
        "error_code": _TITLES.get(error.status, "error").lower().replace(" ", "_"),
    }
    if error.details:
        body["details"] = error.details
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="OneVoice TAXII", charset="UTF-8"'
    if error.status == 405:
        headers["Allow"] = "GET, HEAD"
    return taxii_response(body, error.status, headers)
