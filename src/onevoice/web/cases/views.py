"""The case pages: list, new case, open from a network, the case, its history, its report.

Staff roles see cases; liaison and member are refused (403). The changes a case page makes
are POST forms (with CSRF) in :mod:`.actions`, handed to :mod:`.workflow` or
:mod:`.evidence`, which check the role and the case's state, version the case and audit the
change. Every page view is audited; the report is audited as an export."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from onevoice.errors import OneVoiceError
from onevoice.exchange.stix_export import bundle_json
from onevoice.web.audit.models import audit
from onevoice.web.cases import evidence as ev
from onevoice.web.cases import exchange, vocab, workflow
from onevoice.web.cases.forms import (
    AccountForm,
    CaseForm,
    FromNetworkForm,
    JudgementForm,
    RatingForm,
    TechniqueForm,
)
from onevoice.web.cases.history import history
from onevoice.web.cases.models import (
    Actor,
    Case,
    DisarmFramework,
    Evidence,
)
from onevoice.web.cases.report import build_report, when
from onevoice.web.roles import STAFF_ROLES, has_role, role_required, user_roles

__all__ = [
    "case_detail",
    "case_export_file",
    "case_history",
    "case_list",
    "case_new",
    "case_report",
    "evidence_choices",
    "open_from_network",
    "render_case",
]

staff = role_required(*STAFF_ROLES)


@require_GET
@staff
def case_list(request: HttpRequest) -> HttpResponse:
    """All cases, newest change first, optionally of one status."""
    status = request.GET.get("status", "")
    cases = Case.objects.select_related("created_by")
    if status in vocab.STATUSES:
        cases = cases.filter(status=status)
    else:
        status = ""
    audit(request, "view", "case", page="list", status=status or None)
    return render(
        request,
        "cases/list.html",
        {
            "cases": cases,
            "status": status,
            "status_label": status.replace("_", " "),
            "statuses": vocab.choices(vocab.STATUSES),
            "can_create": has_role(request.user, "analyst"),
        },
    )


@role_required("analyst")
def case_new(request: HttpRequest) -> HttpResponse:
    """A form for a new draft case (analysts)."""
    form = CaseForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            case = workflow.create_case(
                request.user,
                form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                tlp=form.cleaned_data["tlp"],
            )
        except workflow.CasePermissionError:
            raise
        except OneVoiceError as exc:
            error = exc.message
        else:
            messages.success(request, f"Case {case.pk} opened as a draft.")
            return redirect("cases:detail", pk=case.pk)
    audit(request, "view", "case", page="new")
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/new.html", {"form": form, "error": error}, status=status)


@require_POST
@role_required("analyst")
def open_from_network(request: HttpRequest) -> HttpResponse:
    """Open a draft case with one network of a detect run attached as frozen evidence."""
    form = FromNetworkForm(request.POST)
    if not form.is_valid():
        return _problem(request, 400, "Give a detect run (run_id) and a network (network_id).")
    run_id, network_id = form.cleaned_data["run_id"], form.cleaned_data["network_id"]
    store = settings.ONEVOICE_STORE
    if store is None:
        return _problem(request, 409, "No analytic store is configured; networks cannot be read.")
    try:
        with transaction.atomic():
            case = workflow.create_case(
                request.user,
                f"Network {network_id} of detect run {run_id}",
                summary="Opened from the network explorer.",
            )
            ev.attach_network(case, store, run_id, network_id, request.user)
    except workflow.CasePermissionError:
        raise
    except OneVoiceError as exc:
        status = 404 if isinstance(exc, ev.NetworkNotFound) else 409
        return _problem(request, status, exc.message)
    messages.success(request, f"Case {case.pk} opened with network {network_id} as evidence.")
    return redirect("cases:detail", pk=case.pk)


def _problem(request: HttpRequest, status: int, message: str) -> HttpResponse:
    title = {400: "Bad request", 404: "Not found", 409: "Cannot do that now"}[status]
    context = {"status": status, "title": title, "message": message}
    return render(request, "onevoice/error.html", context, status=status)


# -- the case page ---------------------------------------------------------------------------


def _framework(request: HttpRequest) -> DisarmFramework | None:
    frameworks = list(DisarmFramework.objects.all())
    chosen = request.GET.get("framework", "")
    found = next((f for f in frameworks if f.version == chosen), None)
    return found or max(frameworks, key=_version_key, default=None)


def _version_key(framework: DisarmFramework) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in framework.version.split("."))


def evidence_choices(case: Case) -> list[tuple[int, str]]:
    # without the frozen copies (``data``: decoding them is most of a case page's work)
    return [(e.pk, f"{e.kind} {e.ref} ({e.admiralty})") for e in case.evidence.defer("data")]


#: Rendered case-page bodies: (case state, what the user may do) → HTML with a CSRF marker.
_BODIES: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_BODIES_LOCK = threading.Lock()
_CSRF_MARK = "\x00csrf-token\x00"


def _body_key(request: HttpRequest, case: Case) -> tuple[Any, ...]:
    """What the case page's body depends on besides the CSRF token.

    The case's own state (every change goes through :mod:`.workflow`, which records a version
    and moves ``updated_at``), the user's roles and whether they created it (the moves they
    may make), the DISARM frameworks loaded and the technique filter, and the actors known
    (the datalist of the judgement form).
    """
    user = request.user
    frameworks = tuple(DisarmFramework.objects.order_by("pk").values_list("pk", "loaded_at"))
    actors = Actor.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (
        case.pk,
        case.updated_at,
        case.status,
        user_roles(user),
        case.created_by_id == user.pk and has_role(user, "reviewer"),  # no self-review
        frameworks,
        request.GET.get("framework", ""),
        request.GET.get("q", ""),
        actors["n"],
        actors["last"],
    )


def render_case(
    request: HttpRequest,
    case: Case,
    *,
    error: str = "",
    status: int = 200,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render the case page (also after a refused change, with ``error`` and bound forms).

    The body of a plain view (no error, no bound forms) is the same for everyone with the
    same roles until the case changes, so it is rendered once per :func:`_body_key` with a
    marker where each form's CSRF token goes, and the request's own token is put in.
    """
    key = _body_key(request, case) if not error and not forms else None
    with _BODIES_LOCK:
        body = _BODIES.get(key) if key is not None else None
    if body is None:
        context = _case_context(request, case, error=error, forms=forms)
        body = render_to_string(
            "cases/_detail_body.html", {**context, "csrf_token": _CSRF_MARK}, request=request
        )
        if key is not None:
            with _BODIES_LOCK:
                _BODIES[key] = body
                while len(_BODIES) > 256:
                    _BODIES.popitem(last=False)
    audit(request, "view", "case", case.pk)
    html = mark_safe(body.replace(_CSRF_MARK, get_token(request)))  # a token is URL-safe
    return render(request, "cases/detail.html", {"case": case, "body": html}, status=status)


def _case_context(
    request: HttpRequest,
    case: Case,
    *,
    error: str = "",
    forms: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The case page's context (the queries; see :func:`render_case`)."""
    user = request.user
    editable = case.status in vocab.EDITABLE_STATUSES and has_role(user, "analyst")
    framework = _framework(request)
    query = request.GET.get("q", "")
    items = list(case.evidence.select_related("added_by").order_by("id"))
    named = {a.account_id: a for a in case.accounts.all()}
    members: list[str] = []
    for item in items:
        if item.kind == "network":
            members += [str(m.get("account_id")) for m in item.data.get("members") or []]
    given = forms or {}
    context = {
        "case": case,
        "error": error,
        "editable": editable,
        "moves": workflow.allowed_moves(case, user),
        "own_review": case.status == "in_review"
        and case.created_by_id == user.pk
        and has_role(user, "reviewer"),
        "evidence": [
            {
                "item": item,
                "form": RatingForm(initial=_rating(item), prefix=f"ev{item.pk}"),
                "members": _members(item, named),
                "active": _active(item),
                "reliability": vocab.RELIABILITY[item.source_reliability],
                "credibility": vocab.CREDIBILITY[item.info_credibility],
            }
            for item in items
        ],
        "markings": list(named.values()),
        "named": named,
        "members": sorted(set(members)),
        "techniques": case.techniques.select_related("technique__tactic").order_by("external_id"),
        "judgements": case.judgements.select_related("actor").prefetch_related("evidence"),
        "frameworks": DisarmFramework.objects.all(),
        "framework": framework,
        "query": query,
        "edit_form": given.get("edit")
        or CaseForm(initial={"title": case.title, "summary": case.summary, "tlp": case.tlp}),
        "technique_form": given.get("technique") or TechniqueForm(framework=framework, query=query),
        "judgement_form": given.get("judgement") or JudgementForm(evidence=evidence_choices(case)),
        "account_form": given.get("account") or AccountForm(),
        "actors": _actor_names(),
        "reliability": vocab.RELIABILITY,
        "credibility": vocab.CREDIBILITY,
        "exports": _exports(case, items),
    }
    return context


def _actor_names() -> list[str]:
    return list(Actor.objects.values_list("name", flat=True)[:500])


#: Members of a network shown on the case page (all are in the report's appendix).
SHOWN_MEMBERS = 25


def _members(item: Evidence, named: dict[str, Any]) -> list[dict[str, Any]]:
    """The first members of a network, each with how the report will show it."""
    rows = []
    for m in (item.data.get("members") or [])[:SHOWN_MEMBERS] if item.kind == "network" else []:
        mark = named.get(str(m.get("account_id")))
        shown = "pseudonymised"
        if mark is not None and mark.named:
            shown = "named (public figure)" if mark.public_figure else "named (state asset)"
        rows.append({**m, "shown": shown})
    return rows


def _active(item: Evidence) -> str:
    network = (item.data.get("network") or {}) if item.kind == "network" else {}
    return f"{when(network.get('first_ts'))} – {when(network.get('last_ts'))}"


def _rating(item: Evidence) -> dict[str, Any]:
    return {
        "reliability": item.source_reliability,
        "credibility": item.info_credibility,
        "validated": item.rating_validated,
    }


@require_GET
@staff
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one case, and the changes the user's roles allow now."""
    return render_case(request, get_object_or_404(Case.objects.select_related("created_by"), pk=pk))


# -- history and report ----------------------------------------------------------------------


@require_GET
@staff
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The versions of a case with who, when, what and the changes."""
    case = get_object_or_404(Case, pk=pk)
    audit(request, "view", "case", case.pk, page="history")
    return render(request, "cases/history.html", {"case": case, "versions": history(case)})


@require_GET
@staff
def case_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable report, private accounts pseudonymised; audited as an export."""
    case = get_object_or_404(Case, pk=pk)
    report = build_report(case)
    audit(request, "export", "case", case.pk, format="html", version=report.version)
    return render(request, "cases/report.html", {"case": case, "report": report})


# -- exports for partners ----------------------------------------------------------------------

#: format → (file suffix, content type) of the downloads of :func:`case_export_file`.
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "stix": ("stix.json", "application/stix+json;version=2.1"),
    "misp": ("misp.json", "application/json"),
    "csv": ("csv", "text/csv; charset=utf-8"),
}


def _exports(case: Case, items: list[Evidence]) -> dict[str, Any]:
    """What the case page offers to export: nothing unless the case may leave OneVoice."""
    try:
        exchange.check_exportable(case)
    except exchange.ExportRefused as exc:
        return {"allowed": False, "reason": exc.message}
    platforms = {
        str(m.get("platform"))
        for item in items
        if item.kind == "network"
        for m in item.data.get("members") or []
        if m.get("platform")
    }
    return {"allowed": True, "platforms": sorted(platforms)}


@require_GET
@staff
def case_export_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Download an approved case as a STIX bundle, a MISP event or a platform CSV.

    Private accounts are pseudonymised; ``?platform=NAME`` makes the CSV for that
    platform's own team (its accounts only, named). Audited as an export.
    """
    if fmt not in EXPORT_FORMATS:
        raise Http404("no such export format")
    case = get_object_or_404(Case, pk=pk)
    platform = request.GET.get("platform", "").strip()[:50] if fmt == "csv" else ""
    try:
        exchange.check_exportable(case)
        if fmt == "stix":
            text = bundle_json(exchange.bundle_for_cases([case]))
        elif fmt == "misp":
            files = exchange.misp_files([case])
            text = next(v for k, v in files.items() if k not in ("manifest.json", "hashes.csv"))
        else:
            text = exchange.platform_csv_text([case], platform=platform)
    except OneVoiceError as exc:
        return _problem(request, 409, exc.message)
    audit(request, "export", "case", case.pk, format=fmt, platform=platform or None)
    suffix, content_type = EXPORT_FORMATS[fmt]
    name = f"onevoice-case-{case.pk}{'-' + slugify(platform) if platform else ''}.{suffix}"
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
