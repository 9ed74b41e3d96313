"""``POST /cases/<id>/public-report/``: draft the public hub report of an approved case.

A thin view over :func:`onevoice.hub.case_reports.draft_case_report`: communicators (and
admins) only, approved TLP:CLEAR cases only; it saves a draft revision of the report page and
sends the user to its edit screen in the CMS, from where they submit it for review. The
library audits the draft; a refusal is answered 409 with the reason (a wrong role, 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onevoice.errors import OneVoiceError
from onevoice.web.cases.models import Case
from onevoice.web.cases.workflow import CasePermissionError
from onevoice.web.roles import role_required

__all__ = ["draft_public_report"]


@require_POST
@role_required("communicator", "admin")
def draft_public_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft (or re-draft) the case's public report and open it in the CMS."""
    from onevoice.hub.case_reports import draft_case_report

    case = get_object_or_404(Case, pk=pk)
    try:
        page = draft_case_report(case, request.user)
    except CasePermissionError:
        raise
    except OneVoiceError as exc:
        message = f"{exc.message}. {exc.hint}." if exc.hint else f"{exc.message}."
        context = {"status": 409, "title": "Cannot do that now", "message": message}
        return render(request, "onevoice/error.html", context, status=409)
    messages.success(
        request,
        f"Draft public report of case {case.pk} saved. Check it, then submit it for review:"
        " another reviewer publishes it.",
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
