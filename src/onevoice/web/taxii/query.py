"""Filters and pages over a collection's served objects (TAXII 2.1 §3.4, §3.6).

Supported: ``added_after`` (strictly later ``date_added``), ``limit`` (at most
:data:`MAX_LIMIT`, which is also the default), ``next`` (an opaque cursor), ``match[id]``,
``match[type]``, ``match[version]`` (``last`` by default, ``first``, ``all`` or timestamps,
comma-separated) and ``match[spec_version]`` (every object served is STIX 2.1, so the
default "latest spec version" keeps them all). Filters apply in that order: ``added_after``,
then id, type and spec version, then the version selection among what is left.

Results are sorted by ``date_added``, then object ID, then version. The ``next`` cursor is
the sort key of the last row of the page, so paging is stable while new cases are
approved: new rows come after every cursor already handed out.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from onevoice.web.taxii.models import ServedObject
from onevoice.web.taxii.protocol import TaxiiError, format_timestamp, parse_timestamp

__all__ = [
    "MAX_LIMIT",
    "Filters",
    "Page",
    "Row",
    "encode_cursor",
    "manifest_of",
    "objects_of",
    "parse_filters",
    "select",
]

MAX_LIMIT = 1000
_VERSION_WORDS = ("first", "last", "all")


@dataclass(frozen=True)
class Filters:
    """The parsed query parameters of one request."""

    added_after: datetime | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)
    spec_versions: tuple[str, ...] = ()
    limit: int = MAX_LIMIT
    after: tuple[datetime, str, datetime] | None = None  # the decoded ``next``


@dataclass(frozen=True)
class Row:
    """One served object version: enough to sort, page and fetch it."""

    pk: int
    stix_id: str
    version_ts: datetime
    date_added: datetime

    @property
    def key(self) -> tuple[datetime, str, datetime]:
        return (self.date_added, self.stix_id, self.version_ts)


@dataclass(frozen=True)
class Page:
    """One page of rows, with whether more follow and the cursor to them."""

    rows: list[Row]
    more: bool
    next: str | None

    def headers(self) -> dict[str, str]:
        """``X-TAXII-Date-Added-First``/``-Last`` of the page (none when it is empty)."""
        if not self.rows:
            return {}
        return {
            "X-TAXII-Date-Added-First": format_timestamp(self.rows[0].date_added),
            "X-TAXII-Date-Added-Last": format_timestamp(self.rows[-1].date_added),
        }


def _list(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = params.get(name)
    if raw is None:
        return ()
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    if not values:
        raise TaxiiError(400, f"{name} is empty")
    return values


def encode_cursor(key: tuple[datetime, str, datetime]) -> str:
    """The opaque ``next`` value that continues after the row with sort key ``key``."""
    text = json.dumps([format_timestamp(key[0]), key[1], format_timestamp(key[2])])
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_cursor(value: str) -> tuple[datetime, str, datetime]:
    try:
        padded = value + "=" * (-len(value) % 4)
        added, stix_id, version = json.loads(base64.urlsafe_b64decode(padded))
        return (parse_timestamp(added), str(stix_id), parse_timestamp(version))
    except (ValueError, TypeError, binascii.Error, TaxiiError):
        raise TaxiiError(400, f"next {value!r} is not a cursor this server handed out") from None


def parse_filters(params: Mapping[str, str]) -> Filters:
    """The filters of a query string; unknown parameters are ignored.

    Raises:
        TaxiiError: 400 for a malformed timestamp, limit, version word or cursor.
    """
    added_after = None
    if params.get("added_after"):
        added_after = parse_timestamp(params["added_after"], "added_after")
    limit = MAX_LIMIT
    if params.get("limit"):
        try:
            limit = int(params["limit"])
        except ValueError:
            raise TaxiiError(400, f"limit {params['limit']!r} is not a number") from None
        if limit < 1:
            raise TaxiiError(400, "limit must be a positive number")
        limit = min(limit, MAX_LIMIT)
    versions = _list(params, "match[version]") or ("last",)
    for v in versions:
        if v not in _VERSION_WORDS:
            parse_timestamp(v, "match[version]")
    after = _decode_cursor(params["next"]) if params.get("next") else None
    return Filters(
        added_after=added_after,
        ids=_list(params, "match[id]"),
        types=_list(params, "match[type]"),
        versions=versions,
        spec_versions=_list(params, "match[spec_version]"),
        limit=limit,
        after=after,
    )


def _pick_versions(rows: Iterable[Row], versions: tuple[str, ...]) -> list[Row]:
    if "all" in versions:
        return list(rows)
    by_id: dict[str, list[Row]] = {}
    for row in rows:
        by_id.setdefault(row.stix_id, []).append(row)
    wanted = {parse_timestamp(v) for v in versions if v not in _VERSION_WORDS}
    picked: list[Row] = []
    for group in by_id.values():
        group.sort(key=lambda r: r.version_ts)
        chosen = {r.pk: r for r in group if r.version_ts in wanted}
        if "first" in versions:
            chosen[group[0].pk] = group[0]
        if "last" in versions:
            chosen[group[-1].pk] = group[-1]
        picked.extend(chosen.values())
    return picked


def select(tlp: str, filters: Filters, *, stix_id: str | None = None) -> Page:
    """One page of the collection ``tlp`` (or of one object's versions) under ``filters``."""
    qs = ServedObject.objects.filter(tlp=tlp)
    if stix_id is not None:
        qs = qs.filter(stix_id=stix_id)
    if filters.added_after is not None:
        qs = qs.filter(date_added__gt=filters.added_after)
    if filters.ids:
        qs = qs.filter(stix_id__in=filters.ids)
    if filters.types:
        qs = qs.filter(stix_type__in=filters.types)
    if filters.spec_versions:
        qs = qs.filter(spec_version__in=filters.spec_versions)
    rows = [
        Row(pk, sid, version_ts, date_added)
        for pk, sid, version_ts, date_added in qs.values_list(
            "pk", "stix_id", "version_ts", "date_added"
        )
    ]
    rows = sorted(_pick_versions(rows, filters.versions), key=lambda r: r.key)
    if filters.after is not None:
        rows = [r for r in rows if r.key > filters.after]
    page = rows[: filters.limit]
    more = len(rows) > filters.limit
    return Page(page, more, encode_cursor(page[-1].key) if more else None)


def objects_of(page: Page) -> list[dict[str, Any]]:
    """The STIX objects of ``page``'s rows, in the page's order."""
    data = dict(
        ServedObject.objects.filter(pk__in=[r.pk for r in page.rows]).values_list("pk", "data")
    )
    return [data[r.pk] for r in page.rows]


def manifest_of(page: Page) -> list[dict[str, Any]]:
    """The manifest records of ``page``'s rows (id, date added, version, media type)."""
    versions = dict(
        ServedObject.objects.filter(pk__in=[r.pk for r in page.rows]).values_list("pk", "version")
    )
    return [
        {
            "id": r.stix_id,
            "date_added": format_timestamp(r.date_added),
            "version": versions[r.pk],
            "media_type": "application/stix+json;version=2.1",
        }
        for r in page.rows
    ]
