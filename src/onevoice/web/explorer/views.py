"""The explorer's pages: the networks of a detect run, and one network in detail.

Views stay thin: the data comes from :mod:`.data` (the same functions the JSON twins in
:mod:`.api` call), every view is audited, and the pages work without JavaScript (htmx only
swaps the list's table in place; the graph view is drawn by ``explorer.js`` and stands in for
nothing the evidence table does not already show).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from onevoice.web.audit.models import audit
from onevoice.web.explorer.data import (
    SORTS,
    NetworkNotFound,
    StoreUnavailable,
    load_detail,
    load_list,
)
from onevoice.web.explorer.timeline import timeline_svg
from onevoice.web.roles import STAFF_ROLES, has_role, role_required
from onevoice.web.storecache import cached_value

__all__ = ["network_detail", "network_list", "open_case_url"]

#: Labels of the sort choices, in the order the form offers them.
SORT_LABELS: dict[str, str] = {
    "size": "Size (largest first)",
    "edges": "Edges (most first)",
    "share": "Coordinated share (highest first)",
    "start": "First activity (earliest first)",
    "id": "Network number",
}
assert set(SORT_LABELS) == set(SORTS)


def open_case_url() -> str | None:
    """The action of "Open a case from this network", or None while that view is missing.

    ``cases:open_from_network`` is built in the cases app; until it is routed, the button is
    left off rather than the page failing.
    """
    try:
        return str(reverse("cases:open_from_network"))
    except NoReverseMatch:
        return None


@role_required(*STAFF_ROLES)
def network_list(request: HttpRequest) -> HttpResponse:
    """``/networks/``: the detect runs, and the chosen run's networks (filter, sort)."""
    run = request.GET.get("run") or None
    try:
        data = load_list(
            settings.ONEVOICE_STORE,
            run=run,
            kind=request.GET.get("kind") or None,
            sort=request.GET.get("sort") or "size",
        )
    except NetworkNotFound as exc:
        raise Http404(str(exc)) from exc
    audit(
        request,
        "view",
        "network_list",
        data.run.run_id if data.run else "",
        kind=data.kind,
        sort=data.sort,
    )
    return render(
        request,
        "explorer/list.html",
        {"data": data, "sort_labels": SORT_LABELS},
    )


@role_required(*STAFF_ROLES)
def network_detail(request: HttpRequest, run_id: str, network_id: int) -> HttpResponse:
    """``/networks/<run>/<n>/``: one network with members, items, timeline, graph, edges."""
    try:
        data = load_detail(settings.ONEVOICE_STORE, run_id, network_id)
    except NetworkNotFound as exc:
        raise Http404(str(exc)) from exc
    except StoreUnavailable as exc:
        audit(request, "view", "network", f"{run_id}/{network_id}", status=exc.status)
        return render(
            request,
            "explorer/unavailable.html",
            {"status": exc.status, "message": exc.message},
            status=404 if exc.status == "no_store" else 503,
        )
    audit(request, "view", "network", f"{run_id}/{network_id}")
    context: dict[str, Any] = {
        "data": data,
        "timeline_svg": mark_safe(timeline_svg(data.timeline)),  # escaped in timeline_svg
        "graph_url": f"/api/networks/{run_id}/{network_id}/graph",
        "members_more": data.members_total - len(data.members),
        "edges_more": data.edges_total - len(data.edges),
    }
    store = settings.ONEVOICE_STORE
    assert store is not None  # load_detail succeeded
    # The tables are the same for every reader: rendered once per store state.
    body = cached_value(
        store,
        ("network_html", run_id, network_id, len(data.members), len(data.edges)),
        lambda: render_to_string("explorer/_detail_body.html", context),
    )
    context |= {
        "body": body,
        "is_analyst": has_role(request.user, "analyst"),
        "open_case_url": open_case_url(),
    }
    return render(request, "explorer/detail.html", context)
