"""JSON twins of the case pages (mounted at ``/api/cases``).

Reading needs a staff role (admin, analyst, reviewer, communicator); liaison and member get
403, anonymous 401. Changes go through :mod:`.workflow` and :mod:`.evidence` exactly as the
pages do, which decide who may do what. Errors use the API's one shape
(``{"error": {"code", "message", "hint"}}``):

- 403 ``forbidden``: the user's roles do not allow the change (or it is their own case);
- 409 ``conflict``: the workflow refuses the move in the case's present state (a
  submitted case cannot be edited, a rejection needs a reason, a network is attached
  already, no analytic store is configured);
- 422 ``invalid_input``: unknown values (TLP, likelihood, technique) or missing fields;
- 404 ``not_found``: no such case, network or technique.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from onevoice.errors import OneVoiceError, UsageError
from onevoice.web.api import ErrorBody, RoleSessionAuth, error_body
from onevoice.web.audit.models import audit
from onevoice.web.cases import evidence as ev
from onevoice.web.cases import vocab, workflow
from onevoice.web.cases.history import VersionRow, history
from onevoice.web.cases.models import Case, DisarmFramework, DisarmTechnique
from onevoice.web.cases.report import CaseReport, build_report
from onevoice.web.roles import STAFF_ROLES

router = Router(tags=["cases"], auth=RoleSessionAuth(*STAFF_ROLES))

_ERRORS: dict[int, type[Schema]] = {
    401: ErrorBody,
    403: ErrorBody,
    404: ErrorBody,
    409: ErrorBody,
    422: ErrorBody,
}


class CaseRow(Schema):
    id: int
    title: str
    status: str
    tlp: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    kind: str
    ref: str
    title: str
    admiralty: str
    rating_validated: bool
    source_runs: list[str]
    note: str
    captured_at: dt.datetime
    data: dict[str, Any]


class TechniqueOut(Schema):
    tag_id: int
    id: str
    name: str
    tactic: str | None
    framework_version: str
    note: str


class AccountOut(Schema):
    account_id: str
    public_figure: bool
    state_asset: bool
    note: str


class JudgementOut(Schema):
    id: int
    actor: str
    actor_category: str
    subject: str
    likelihood: str
    probability_range: tuple[int, int]
    confidence: str
    rationale: str
    evidence: list[int]


class MoveOut(Schema):
    to: str
    action: str


class CaseOut(CaseRow):
    summary: str
    rejection_reason: str
    evidence: list[EvidenceOut]
    techniques: list[TechniqueOut]
    accounts: list[AccountOut]
    judgements: list[JudgementOut]
    moves: list[MoveOut]  # what the calling user may do now


class CaseIn(Schema):
    title: str
    summary: str = ""
    tlp: str = "amber"


class FromNetworkIn(Schema):
    run_id: str
    network_id: int


class TransitionIn(Schema):
    to: str
    comment: str = ""


class TechniqueIn(Schema):
    technique: str  # the DISARM ID, e.g. "T0049.001"
    framework_version: str | None = None  # default: the newest loaded version
    note: str = ""


class JudgementIn(Schema):
    actor: str
    actor_category: str = "unknown"  # used when the actor is new
    subject: str = ""
    likelihood: str
    confidence: str
    rationale: str
    evidence: list[int] = []


def _refused(exc: OneVoiceError) -> JsonResponse:
    """A refusal from the workflow in the one error shape (403, 404, 409 or 422)."""
    if isinstance(exc, workflow.CasePermissionError):
        return JsonResponse(error_body(403, exc.message, exc.hint), status=403)
    if isinstance(exc, UsageError):
        return JsonResponse(error_body(422, exc.message, exc.hint), status=422)
    status = 404 if isinstance(exc, ev.NetworkNotFound) else 409
    return JsonResponse(error_body(status, exc.message, exc.hint), status=status)


def _row(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "title": case.title,
        "status": case.status,
        "tlp": case.tlp,
        "created_by": case.created_by.get_username(),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def case_out(case: Case, user: Any) -> dict[str, Any]:
    """The case as :class:`CaseOut` data, with the moves ``user`` may make."""
    tags = case.techniques.select_related("technique__tactic").order_by("external_id")
    judgements = case.judgements.select_related("actor").prefetch_related("evidence")
    return {
        **_row(case),
        "summary": case.summary,
        "rejection_reason": case.rejection_reason,
        "evidence": [
            {**{f: getattr(e, f) for f in EvidenceOut.model_fields}, "id": e.pk}
            for e in case.evidence.order_by("id")
        ],
        "techniques": [
            {
                "tag_id": t.pk,
                "id": t.external_id,
                "name": t.technique.name,
                "tactic": str(t.technique.tactic) if t.technique.tactic else None,
                "framework_version": t.framework_version,
                "note": t.note,
            }
            for t in tags
        ],
        "accounts": [
            {f: getattr(a, f) for f in AccountOut.model_fields} for a in case.accounts.all()
        ],
        "judgements": [
            {
                "id": j.pk,
                "actor": j.actor.name,
                "actor_category": j.actor.category,
                "subject": j.subject,
                "likelihood": j.likelihood,
                "probability_range": j.probability_range,
                "confidence": j.confidence,
                "rationale": j.rationale,
                "evidence": sorted(e.pk for e in j.evidence.all()),
            }
            for j in judgements.order_by("id")
        ],
        "moves": [{"to": to, "action": a} for to, a in workflow.allowed_moves(case, user)],
    }


def _case(case_id: int) -> Case:
    case: Case = get_object_or_404(Case.objects.select_related("created_by"), pk=case_id)
    return case


@router.get("", response={200: list[CaseRow], **_ERRORS}, summary="List cases")
def list_cases(request: HttpRequest, status: str | None = None) -> Any:
    """JSON twin of ``/cases/``: every case, most recently changed first.

    ``status`` (draft, in_review, approved, published, rejected) keeps only that status.
    """
    cases = Case.objects.select_related("created_by")
    if status:
        if status not in vocab.STATUSES:
            return JsonResponse(
                error_body(422, f"unknown status {status!r}", ", ".join(vocab.STATUSES)),
                status=422,
            )
        cases = cases.filter(status=status)
    audit(request, "view", "case", page="list", status=status, via="api")
    return [_row(c) for c in cases]


@router.post("", response={201: CaseOut, **_ERRORS}, summary="Open a new draft case")
def create(request: HttpRequest, body: CaseIn) -> Any:
    """JSON twin of ``/cases/new/`` (analysts). ``tlp``: clear, green, amber, amber+strict, red."""
    try:
        case = workflow.create_case(request.user, body.title, summary=body.summary, tlp=body.tlp)
    except OneVoiceError as exc:
        return _refused(exc)
    return Status(201, case_out(case, request.user))


@router.post(
    "/from-network",
    response={201: CaseOut, **_ERRORS},
    summary="Open a draft case from a detected network",
)
def from_network(request: HttpRequest, body: FromNetworkIn) -> Any:
    """JSON twin of ``/cases/from-network/``: the network is attached as frozen evidence."""
    store = settings.ONEVOICE_STORE
    if store is None:
        return _refused(OneVoiceError("no analytic store is configured"))
    try:
        with transaction.atomic():
            case = workflow.create_case(
                request.user,
                f"Network {body.network_id} of detect run {body.run_id}",
                summary="Opened from the network explorer.",
            )
            ev.attach_network(case, store, body.run_id, body.network_id, request.user)
    except OneVoiceError as exc:
        return _refused(exc)
    return Status(201, case_out(case, request.user))


@router.get("/{case_id}", response={200: CaseOut, **_ERRORS}, summary="One case")
def detail(request: HttpRequest, case_id: int) -> Any:
    """JSON twin of ``/cases/{id}/``, with the frozen evidence and the moves you may make."""
    case = _case(case_id)
    audit(request, "view", "case", case.pk, via="api")
    return case_out(case, request.user)


@router.get(
    "/{case_id}/history", response={200: list[VersionRow], **_ERRORS}, summary="Case history"
)
def case_history(request: HttpRequest, case_id: int) -> Any:
    """JSON twin of ``/cases/{id}/history/``: versions, oldest first, with their changes."""
    case = _case(case_id)
    audit(request, "view", "case", case.pk, page="history", via="api")
    return history(case)


@router.get("/{case_id}/report", response={200: CaseReport, **_ERRORS}, summary="The case report")
def report(request: HttpRequest, case_id: int) -> Any:
    """JSON twin of ``/cases/{id}/report/``; private accounts pseudonymised; audited as export."""
    case = _case(case_id)
    data = build_report(case)
    audit(request, "export", "case", case.pk, format="json", version=data.version)
    return data


@router.post("/{case_id}/transition", response={200: CaseOut, **_ERRORS}, summary="Move a case")
def move(request: HttpRequest, case_id: int, body: TransitionIn) -> Any:
    """Submit (``to=in_review``), withdraw (``draft``), approve, reject (comment required),
    reopen (``draft``) or publish. 403 for the wrong role or your own case; 409 when the
    case's status does not allow the move."""
    case = _case(case_id)
    try:
        workflow.transition(case, body.to, request.user, body.comment)
    except OneVoiceError as exc:
        return _refused(exc)
    return case_out(case, request.user)


@router.post("/{case_id}/techniques", response={201: CaseOut, **_ERRORS}, summary="Tag a technique")
def tag(request: HttpRequest, case_id: int, body: TechniqueIn) -> Any:
    """Tag a DISARM technique by ID, of ``framework_version`` (default: the newest)."""
    case = _case(case_id)
    frameworks = DisarmFramework.objects.all()
    if body.framework_version:
        frameworks = frameworks.filter(version=body.framework_version)
    candidates = DisarmTechnique.objects.filter(
        framework__in=frameworks, external_id=body.technique
    ).select_related("framework")
    technique = max(
        candidates,
        key=lambda t: tuple(int(p) for p in t.framework.version.split(".") if p.isdigit()),
        default=None,
    )
    if technique is None:
        version = body.framework_version or "any loaded version"
        return JsonResponse(
            error_body(404, f"no DISARM technique {body.technique} in {version}"), status=404
        )
    try:
        workflow.tag_technique(case, technique, request.user, body.note)
    except OneVoiceError as exc:
        return _refused(exc)
    return Status(201, case_out(case, request.user))


@router.post("/{case_id}/judgements", response={201: CaseOut, **_ERRORS}, summary="Add a judgement")
def judge(request: HttpRequest, case_id: int, body: JudgementIn) -> Any:
    """Attribute the activity (or ``subject``) to an actor. ``likelihood``: an ICD 203 word
    (almost_no_chance … almost_certain); ``confidence``: low, moderate or high;
    ``actor_category`` (EEAS): official_state, state_controlled, state_linked,
    state_aligned, unknown."""
    case = _case(case_id)
    try:
        with transaction.atomic():
            workflow.check_editable(case, request.user)
            actor = workflow.find_or_create_actor(body.actor, request.user, body.actor_category)
            workflow.add_judgement(
                case,
                actor,
                request.user,
                likelihood=body.likelihood,
                confidence=body.confidence,
                rationale=body.rationale,
                subject=body.subject,
                evidence=case.evidence.filter(pk__in=body.evidence),
            )
    except OneVoiceError as exc:
        return _refused(exc)
    return Status(201, case_out(case, request.user))
