"""JSON twins of the network explorer pages (mounted at ``/api/networks``).

========================================== ================================================
``GET /api/networks?run=&kind=&sort=``     twin of ``/networks/``: runs and their networks
``GET /api/networks/{run_id}/{network_id}`` twin of the detail page
``GET /api/networks/{run_id}/{network_id}/graph`` nodes and edges for the graph view
========================================== ================================================

Staff roles only (401 anonymous, 403 other roles); 404 for an unknown run or network, and
for the detail endpoints when there is no store; 503 when the store cannot be opened.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

router = Router(tags=["networks"])

# after ``router``: onevoice.web.api imports this module to mount it
from onevoice.web.api import ErrorBody, RoleSessionAuth  # noqa: E402
from onevoice.web.audit.models import audit  # noqa: E402
from onevoice.web.explorer.data import (  # noqa: E402
    NetworkDetail,
    NetworkList,
    NetworkNotFound,
    StoreUnavailable,
    load_detail,
    load_list,
)
from onevoice.web.explorer.graph import Graph, load_graph  # noqa: E402
from onevoice.web.roles import STAFF_ROLES  # noqa: E402

_ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody}
_AUTH = RoleSessionAuth(*STAFF_ROLES)


def _unavailable(exc: StoreUnavailable) -> HttpError:
    return HttpError(404 if exc.status == "no_store" else 503, exc.message)


@router.get(
    "",
    response={200: NetworkList, **_ERRORS},
    auth=_AUTH,
    summary="The detect runs (newest first) and the networks of one run",
)
def networks(
    request: HttpRequest, run: str | None = None, kind: str | None = None, sort: str = "size"
) -> NetworkList:
    """Twin of ``/networks/``.

    ``run`` defaults to the newest finished run; ``kind`` keeps networks with that
    coordination kind; ``sort`` is one of ``size``, ``edges``, ``share``, ``start``, ``id``.
    ``status`` is ``no_store`` or ``unavailable`` (with an empty list) when there is no store
    to read; an unknown ``run`` is a 404.
    """
    try:
        data = load_list(settings.ONEVOICE_STORE, run=run, kind=kind, sort=sort)
    except NetworkNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    audit(
        request,
        "view",
        "network_list",
        data.run.run_id if data.run else "",
        kind=data.kind,
        sort=data.sort,
        via="api",
    )
    return data


@router.get(
    "/{run_id}/{network_id}",
    response={200: NetworkDetail, **_ERRORS, 503: ErrorBody},
    auth=_AUTH,
    summary="One network: summary, hubs, members, shared items, timeline, heaviest edges",
)
def network(request: HttpRequest, run_id: str, network_id: int) -> NetworkDetail:
    """Twin of ``/networks/{run_id}/{network_id}/``; lists are capped at 200 rows, the
    ``members_total`` and ``edges_total`` counts are not."""
    try:
        data = load_detail(settings.ONEVOICE_STORE, run_id, network_id)
    except NetworkNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    except StoreUnavailable as exc:
        raise _unavailable(exc) from exc
    audit(request, "view", "network", f"{run_id}/{network_id}", via="api")
    return data


@router.get(
    "/{run_id}/{network_id}/graph",
    response={200: Graph, **_ERRORS, 503: ErrorBody},
    auth=_AUTH,
    summary="Nodes and edges of one network for the graph view",
)
def network_graph(request: HttpRequest, run_id: str, network_id: int) -> Graph:
    """The members with the highest PageRank (hubs first, at most 400) and the heaviest
    edges between them (kinds merged per pair, at most 3000)."""
    try:
        data = load_graph(settings.ONEVOICE_STORE, run_id, network_id)
    except NetworkNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    except StoreUnavailable as exc:
        raise _unavailable(exc) from exc
    audit(request, "view", "network_graph", f"{run_id}/{network_id}", via="api")
    return data
