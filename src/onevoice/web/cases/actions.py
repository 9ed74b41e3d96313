"""The changes a case page makes: each a POST form (with CSRF) handed to the workflow.

:mod:`.workflow` and :mod:`.evidence` check the role and the case's state, version the case
and audit the change. A success redirects back to the case page with a message; a refusal
(:class:`~.workflow.TransitionRefused` 409, :class:`~onevoice.errors.UsageError` 400) shows
the case page again with the message and the form as filled in; a permission error
(:class:`~.workflow.CasePermissionError`) gives the 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from onevoice.errors import OneVoiceError
from onevoice.web.cases import evidence as ev
from onevoice.web.cases import workflow
from onevoice.web.cases.forms import (
    AccountForm,
    CaseForm,
    JudgementForm,
    RatingForm,
    TechniqueForm,
    TransitionForm,
)
from onevoice.web.cases.models import Case, CaseTechnique, Evidence, Judgement
from onevoice.web.cases.views import evidence_choices, render_case, staff

__all__ = [
    "account_mark",
    "case_edit",
    "case_transition",
    "evidence_detach",
    "evidence_rate",
    "judgement_add",
    "judgement_remove",
    "technique_remove",
    "technique_tag",
]


def _act(
    request: HttpRequest,
    case: Case,
    change: Callable[[], str],
    anchor: str = "",
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run ``change`` (which returns a success message); a refusal re-renders the page."""
    try:
        done = change()
    except workflow.CasePermissionError:
        raise
    except workflow.TransitionRefused as exc:
        return render_case(request, case, error=_say(exc), status=409, forms=forms)
    except OneVoiceError as exc:
        return render_case(request, case, error=_say(exc), status=400, forms=forms)
    messages.success(request, done)
    return redirect(f"{case_url(case)}{anchor}")


def _say(exc: OneVoiceError) -> str:
    return f"{exc.message} ({exc.hint})" if exc.hint else exc.message


def case_url(case: Case) -> str:
    """The address of the case page."""
    return str(reverse("cases:detail", kwargs={"pk": case.pk}))


def _invalid(request: HttpRequest, case: Case, key: str, form: Any) -> HttpResponse:
    return render_case(request, case, error="Check the form below.", status=400, forms={key: form})


@require_POST
@staff
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the title, summary or TLP of a draft."""
    case = get_object_or_404(Case, pk=pk)
    form = CaseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "edit", form)
    data = form.cleaned_data

    def change() -> str:
        workflow.update_case(
            case, request.user, title=data["title"], summary=data["summary"], tlp=data["tlp"]
        )
        return "Case updated."

    return _act(request, case, change, forms={"edit": form})


@require_POST
@staff
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, withdraw, approve, reject, reopen or publish."""
    case = get_object_or_404(Case, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, error="Unknown workflow move.", status=400)

    def change() -> str:
        version = workflow.transition(
            case, form.cleaned_data["to"], request.user, form.cleaned_data["comment"]
        )
        return f"Case {version.action}: now {case.get_status_display()}."

    return _act(request, case, change)


@require_POST
@staff
def evidence_rate(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Set the Admiralty rating of one piece of evidence."""
    case = get_object_or_404(Case, pk=pk)
    item = get_object_or_404(Evidence, pk=evidence_id, case=case)
    form = RatingForm(request.POST, prefix=f"ev{item.pk}")
    if not form.is_valid():
        error = "Choose a reliability A–F and a credibility 1–6."
        return render_case(request, case, error=error, status=400)
    d = form.cleaned_data

    def change() -> str:
        ev.rate_evidence(
            item, request.user, d["reliability"], d["credibility"], validated=d["validated"]
        )
        return f"Evidence {item.ref} rated {item.admiralty}."

    return _act(request, case, change, f"#ev-{item.pk}")


@require_POST
@staff
def evidence_detach(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Remove a piece of evidence from a draft."""
    case = get_object_or_404(Case, pk=pk)
    item = get_object_or_404(Evidence, pk=evidence_id, case=case)

    def change() -> str:
        ev.detach_evidence(item, request.user)
        return f"Evidence {item.ref} removed."

    return _act(request, case, change, "#evidence")


@require_POST
@staff
def account_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an account as a public figure or state asset (or as private)."""
    case = get_object_or_404(Case, pk=pk)
    form = AccountForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "account", form)
    d = form.cleaned_data

    def change() -> str:
        workflow.mark_account(
            case,
            d["account_id"].strip(),
            request.user,
            public_figure=d["public_figure"],
            state_asset=d["state_asset"],
            note=d["note"],
        )
        return f"Account {d['account_id']} marked."

    return _act(request, case, change, "#accounts", {"account": form})


@require_POST
@staff
def technique_tag(request: HttpRequest, pk: int) -> HttpResponse:
    """Tag a DISARM technique."""
    case = get_object_or_404(Case, pk=pk)
    form = TechniqueForm(request.POST, framework=None)
    if not form.is_valid():
        return _invalid(request, case, "technique", form)

    def change() -> str:
        t = form.chosen()
        workflow.tag_technique(case, t, request.user, form.cleaned_data["note"])
        return f"Tagged {t.external_id} {t.name} (DISARM {t.framework.version})."

    return _act(request, case, change, "#techniques", {"technique": form})


@require_POST
@staff
def technique_remove(request: HttpRequest, pk: int, tag_id: int) -> HttpResponse:
    """Remove a DISARM technique."""
    case = get_object_or_404(Case, pk=pk)
    tag = get_object_or_404(CaseTechnique, pk=tag_id, case=case)

    def change() -> str:
        workflow.remove_technique(case, tag, request.user)
        return f"Removed {tag.external_id}."

    return _act(request, case, change, "#techniques")


@require_POST
@staff
def judgement_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attribute the activity (or a subject) to an actor, with ICD 203 words."""
    case = get_object_or_404(Case, pk=pk)
    form = JudgementForm(request.POST, evidence=evidence_choices(case))
    if not form.is_valid():
        return _invalid(request, case, "judgement", form)
    d = form.cleaned_data

    def change() -> str:
        with transaction.atomic():
            workflow.check_editable(case, request.user)
            actor = workflow.find_or_create_actor(d["actor"], request.user, d["category"])
            workflow.add_judgement(
                case,
                actor,
                request.user,
                likelihood=d["likelihood"],
                confidence=d["confidence"],
                rationale=d["rationale"],
                subject=d["subject"],
                evidence=case.evidence.filter(pk__in=d["evidence"]),
            )
        return f"Judgement on {actor.name} added."

    return _act(request, case, change, "#judgements", {"judgement": form})


@require_POST
@staff
def judgement_remove(request: HttpRequest, pk: int, judgement_id: int) -> HttpResponse:
    """Remove a judgement."""
    case = get_object_or_404(Case, pk=pk)
    judgement = get_object_or_404(Judgement, pk=judgement_id, case=case)

    def change() -> str:
        workflow.remove_judgement(case, judgement, request.user)
        return "Judgement removed."

    return _act(request, case, change, "#judgements")
