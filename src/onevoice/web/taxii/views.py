"""The TAXII 2.1 endpoints (read-only) at ``/taxii2/``.

=====================================================  =====================================
``/taxii2/``                                           discovery
``/taxii2/onevoice/``                                  API root information
``/taxii2/onevoice/collections/``                      the collections the partner may read
``/taxii2/onevoice/collections/<id>/``                 one collection
``…/collections/<id>/objects/``                        objects (envelope, filters, pages)
``…/collections/<id>/objects/<object_id>/``            one object's versions (envelope)
``…/collections/<id>/objects/<object_id>/versions/``   the version list of one object
``…/collections/<id>/manifest/``                       manifest records
=====================================================  =====================================

Every request is checked in this order: HTTP Basic credentials (401; 403 for a disabled
partner), method (anything but GET and HEAD: 405 — nothing can be written), ``Accept``
(406), then the resource (404; 403 for a collection above the partner's clearance). Every
request, served or refused, is written to the audit log with the partner's name. There are
no sessions and no cookies; the views are exempt from CSRF because they never change
anything and answer every unsafe method with 405 before doing any work.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from onevoice.web.audit.models import audit
from onevoice.web.taxii import query
from onevoice.web.taxii.auth import authenticate, basic_credentials
from onevoice.web.taxii.models import Partner, ServedObject
from onevoice.web.taxii.protocol import (
    MEDIA_TYPE_TAXII,
    TaxiiError,
    accepts_taxii,
    error_response,
    taxii_response,
)
from onevoice.web.taxii.store import collection_for, collections_for, sync_cases

__all__ = [
    "API_ROOT",
    "api_root",
    "collection",
    "collections",
    "discovery",
    "manifest",
    "object_versions",
    "objects",
    "one_object",
]

#: The name of the one API root.
API_ROOT = "onevoice"

View = Callable[..., HttpResponse]


def _attempted_name(request: HttpRequest) -> str:
    try:
        credentials = basic_credentials(request)
    except TaxiiError:
        return ""
    return credentials[0][:100] if credentials else ""


def _audit(request: HttpRequest, partner: Partner | None, status: int, what: str) -> None:
    name = partner.name if partner is not None else _attempted_name(request)
    action = "login_failed" if status == 401 else "view"
    audit(
        request,
        action,
        "taxii",
        request.path[:200],
        user=AnonymousUser(),  # a partner is not a user, even with a session cookie
        partner=name,
        endpoint=what,
        status=status,
        query={k: request.GET[k] for k in sorted(request.GET)},
    )


def taxii_view(what: str) -> Callable[[View], View]:
    """Authenticate, refuse writes and wrong ``Accept``, answer errors as TAXII, audit."""

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            partner = None
            try:
                partner = authenticate(request)
                if request.method not in ("GET", "HEAD"):
                    raise TaxiiError(
                        405, f"this TAXII server is read-only: {request.method} is not allowed"
                    )
                if not accepts_taxii(request.META.get("HTTP_ACCEPT")):
                    raise TaxiiError(
                        406,
                        f"this server answers only {MEDIA_TYPE_TAXII}, which the Accept "
                        f"header {request.META.get('HTTP_ACCEPT')!r} does not allow",
                    )
                if "api_root" in kwargs and kwargs.pop("api_root") != API_ROOT:
                    raise TaxiiError(404, f"the only API root here is {API_ROOT!r}")
                response = func(request, partner, **kwargs)
            except TaxiiError as exc:
                response = error_response(request, exc)
            _audit(request, partner, response.status_code, what)
            return response

        exempt: View = csrf_exempt(wrapper)
        return exempt

    return decorate


@taxii_view("discovery")
def discovery(request: HttpRequest, partner: Partner) -> HttpResponse:
    """Server discovery: the one API root, also the default."""
    root = request.build_absolute_uri(reverse("taxii:api_root", args=[API_ROOT]))
    return taxii_response(
        {
            "title": "OneVoice TAXII 2.1 server",
            "description": (
                "Case files of the OneVoice disinformation task force, approved by a "
                "reviewer, as STIX 2.1 for partner task forces. Read-only."
            ),
            "default": root,
            "api_roots": [root],
        }
    )


@taxii_view("api_root")
def api_root(request: HttpRequest, partner: Partner) -> HttpResponse:
    """API root information (``max_content_length`` 0: nothing can be posted)."""
    return taxii_response(
        {
            "title": "OneVoice case files",
            "description": "One collection per TLP 2.0 level, up to the partner's clearance.",
            "versions": [MEDIA_TYPE_TAXII],
            "max_content_length": 0,
        }
    )


@taxii_view("collections")
def collections(request: HttpRequest, partner: Partner) -> HttpResponse:
    """The collections this partner may read."""
    return taxii_response({"collections": [c.resource() for c in collections_for(partner)]})


@taxii_view("collection")
def collection(request: HttpRequest, partner: Partner, collection_id: str) -> HttpResponse:
    """One collection (403 above the partner's clearance, 404 unknown)."""
    return taxii_response(collection_for(partner, collection_id).resource())


def _envelope(page: query.Page, objects: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {"more": page.more}
    if page.next:
        body["next"] = page.next
    if objects:
        body["objects"] = objects
    return body


@taxii_view("objects")
def objects(request: HttpRequest, partner: Partner, collection_id: str) -> HttpResponse:
    """Objects of a collection, oldest ``date_added`` first, in pages."""
    tlp = collection_for(partner, collection_id).tlp
    filters = query.parse_filters(request.GET)
    sync_cases()
    page = query.select(tlp, filters)
    return taxii_response(_envelope(page, query.objects_of(page)), headers=page.headers())


def _check_object(tlp: str, object_id: str) -> None:
    if not ServedObject.objects.filter(tlp=tlp, stix_id=object_id).exists():
        raise TaxiiError(404, f"there is no object {object_id!r} in this collection")


@taxii_view("object")
def one_object(
    request: HttpRequest, partner: Partner, collection_id: str, object_id: str
) -> HttpResponse:
    """The versions of one object chosen by ``match[version]`` (default: the last)."""
    tlp = collection_for(partner, collection_id).tlp
    parsed = query.parse_filters(request.GET)
    filters = query.Filters(
        added_after=parsed.added_after,
        versions=parsed.versions,
        spec_versions=parsed.spec_versions,
        limit=parsed.limit,
        after=parsed.after,
    )
    sync_cases()
    _check_object(tlp, object_id)
    page = query.select(tlp, filters, stix_id=object_id)
    return taxii_response(_envelope(page, query.objects_of(page)), headers=page.headers())


@taxii_view("versions")
def object_versions(
    request: HttpRequest, partner: Partner, collection_id: str, object_id: str
) -> HttpResponse:
    """Every version of one object, oldest ``date_added`` first."""
    tlp = collection_for(partner, collection_id).tlp
    parsed = query.parse_filters(request.GET)
    filters = query.Filters(
        added_after=parsed.added_after,
        versions=("all",),
        spec_versions=parsed.spec_versions,
        limit=parsed.limit,
        after=parsed.after,
    )
    sync_cases()
    _check_object(tlp, object_id)
    page = query.select(tlp, filters, stix_id=object_id)
    body: dict[str, Any] = {"more": page.more}
    if page.next:
        body["next"] = page.next
    if page.rows:
        body["versions"] = [m["version"] for m in query.manifest_of(page)]
    return taxii_response(body, headers=page.headers())


@taxii_view("manifest")
def manifest(request: HttpRequest, partner: Partner, collection_id: str) -> HttpResponse:
    """Manifest records of a collection, with the same filters and pages as objects."""
    tlp = collection_for(partner, collection_id).tlp
    filters = query.parse_filters(request.GET)
    sync_cases()
    page = query.select(tlp, filters)
    body: dict[str, Any] = {"more": page.more}
    if page.next:
        body["next"] = page.next
    if page.rows:
        body["objects"] = query.manifest_of(page)
    return taxii_response(body, headers=page.headers())
