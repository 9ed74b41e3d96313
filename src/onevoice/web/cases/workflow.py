"""The case workflow: who may create, change and move a case, and its version history.

A case moves ``draft → in_review → approved → published``, or from review to ``rejected``
with a reason (:data:`~.vocab.TRANSITIONS` names the role for each move). Analysts create and
submit cases; reviewers approve or reject them, never a case they created themselves (the
four-eyes principle: a superuser is only ``admin`` and cannot approve either);
communicators publish approved cases. Content changes only in ``draft``.

Every change goes through this module (or :mod:`.evidence`), which writes an audit event and
a :class:`~.models.CaseVersion`: a JSON snapshot of the case with its evidence, techniques,
accounts and judgements, so a case shows its whole history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from onevoice.errors import OneVoiceError, UsageError
from onevoice.web.audit.models import audit
from onevoice.web.cases import vocab
from onevoice.web.cases.models import (
    Actor,
    Case,
    CaseAccount,
    CaseTechnique,
    CaseVersion,
    DisarmTechnique,
    Evidence,
    Judgement,
)
from onevoice.web.roles import has_role

__all__ = [
    "CasePermissionError",
    "TransitionRefused",
    "add_judgement",
    "allowed_moves",
    "check_editable",
    "create_case",
    "find_or_create_actor",
    "mark_account",
    "record_version",
    "remove_judgement",
    "remove_technique",
    "snapshot",
    "tag_technique",
    "transition",
    "update_case",
]

#: The verb recorded in the history for each move.
_ACTIONS = {
    ("draft", "in_review"): "submit",
    ("in_review", "draft"): "withdraw",
    ("in_review", "approved"): "approve",
    ("in_review", "rejected"): "reject",
    ("rejected", "draft"): "reopen",
    ("approved", "published"): "publish",
}


class CasePermissionError(OneVoiceError, PermissionDenied):
    """The user's roles do not allow this (a view answers 403 Forbidden)."""


class TransitionRefused(OneVoiceError):
    """The case cannot make this move from its present state."""


def snapshot(case: Case) -> dict[str, Any]:
    """The case as JSON, with its evidence, techniques, accounts and judgements."""
    return {
        "id": case.pk,
        "title": case.title,
        "summary": case.summary,
        "status": case.status,
        "rejection_reason": case.rejection_reason,
        "tlp": case.tlp,
        "created_by": case.created_by.get_username(),
        "evidence": [
            {
                "id": e.pk,
                "kind": e.kind,
                "ref": e.ref,
                "title": e.title,
                "admiralty": e.admiralty,
                "rating_validated": e.rating_validated,
                "source_runs": e.source_runs,
                "note": e.note,
            }
            for e in case.evidence.order_by("id")
        ],
        "techniques": [
            {"id": t.external_id, "framework_version": t.framework_version, "note": t.note}
            for t in case.techniques.order_by("external_id")
        ],
        "accounts": [
            {
                "account_id": a.account_id,
                "public_figure": a.public_figure,
                "state_asset": a.state_asset,
            }
            for a in case.accounts.order_by("account_id")
        ],
        "judgements": [
            {
                "actor": j.actor.name,
                "actor_category": j.actor.category,
                "subject": j.subject,
                "likelihood": j.likelihood,
                "probability_range": list(j.probability_range),
                "confidence": j.confidence,
                "rationale": j.rationale,
                "evidence": sorted(e.pk for e in j.evidence.all()),
            }
            for j in case.judgements.select_related("actor").order_by("id")
        ],
    }


def record_version(case: Case, user: Any, action: str, comment: str = "") -> CaseVersion:
    """Append a snapshot of ``case`` to its history, mark it changed and audit the change."""
    case.updated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=case.updated_at)
    last = case.versions.order_by("-number").values_list("number", flat=True).first()
    version: CaseVersion = CaseVersion.objects.create(
        case=case,
        number=(last or 0) + 1,
        status=case.status,
        action=action,
        comment=comment,
        snapshot=snapshot(case),
        created_by=user,
    )
    audit_action = (
        "create" if action == "create" else "publish" if action == "publish" else "change"
    )
    audit(None, audit_action, "case", case.pk, user=user, what=action, version=version.number)
    return version


def _require(user: Any, role: str, doing: str) -> None:
    if not has_role(user, role):
        article = "an" if role[0] in "aeiou" else "a"
        raise CasePermissionError(
            f"only {article} {role} may {doing}", hint="ask someone with that role"
        )


def check_editable(case: Case, user: Any) -> None:
    """Refuse unless ``user`` is an analyst and ``case`` is still a draft."""
    _require(user, "analyst", "change a case")
    if case.status not in vocab.EDITABLE_STATUSES:
        raise TransitionRefused(
            f"case {case.pk} is {case.status.replace('_', ' ')} and cannot be changed",
            hint="withdraw or reopen it to a draft first",
        )


def create_case(user: Any, title: str, *, summary: str = "", tlp: str = "amber") -> Case:
    """Open a new draft case; only analysts may.

    Raises:
        CasePermissionError: ``user`` is not an analyst.
        UsageError: an empty title or an unknown TLP marking.
    """
    _require(user, "analyst", "open a case")
    if not title.strip():
        raise UsageError("a case needs a title")
    if tlp not in vocab.TLP:
        raise UsageError(f"unknown TLP marking {tlp!r}", hint=f"one of {', '.join(vocab.TLP)}")
    with transaction.atomic():
        case: Case = Case.objects.create(
            title=title.strip(), summary=summary, tlp=tlp, created_by=user
        )
        record_version(case, user, "create")
    return case


def transition(case: Case, to: str, user: Any, comment: str = "") -> CaseVersion:
    """Move ``case`` to status ``to`` on behalf of ``user``, with an optional comment.

    Returns:
        the new version of the case.

    Raises:
        TransitionRefused: ``to`` is not reachable from the present status, or a rejection
            without a reason.
        CasePermissionError: ``user`` lacks the role for this move, or reviews their own case.
    """
    if to not in vocab.STATUSES:
        raise UsageError(f"unknown case status {to!r}", hint=f"one of {', '.join(vocab.STATUSES)}")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        move = (locked.status, to)
        role = vocab.TRANSITIONS.get(move)
        if role is None:
            raise TransitionRefused(f"a {locked.status.replace('_', ' ')} case cannot become {to}")
        action = _ACTIONS[move]
        _require(user, role, f"{action} a case")
        if role == "reviewer" and locked.created_by_id == user.pk:
            raise CasePermissionError(
                "nobody reviews their own case", hint="another reviewer must approve or reject it"
            )
        if to == "rejected" and not comment.strip():
            raise TransitionRefused("a rejection needs a reason", hint="say what must change")
        locked.status = to
        if to == "rejected":
            locked.rejection_reason = comment.strip()
        elif to == "in_review":
            locked.rejection_reason = ""
        locked.save(update_fields=["status", "rejection_reason", "updated_at"])
        version = record_version(locked, user, action, comment)
    case.status, case.rejection_reason = locked.status, locked.rejection_reason
    case.updated_at = locked.updated_at
    return version


def allowed_moves(case: Case, user: Any) -> list[tuple[str, str]]:
    """The moves ``user`` may make on ``case`` now, as (to status, action verb) pairs.

    A reviewer is never offered approve or reject on a case they created; :func:`transition`
    refuses those moves anyway.
    """
    moves = []
    for (src, to), role in vocab.TRANSITIONS.items():
        if src != case.status or not has_role(user, role):
            continue
        if role == "reviewer" and case.created_by_id == user.pk:
            continue
        moves.append((to, _ACTIONS[(src, to)]))
    return moves


def tag_technique(
    case: Case, technique: DisarmTechnique, user: Any, note: str = ""
) -> CaseTechnique:
    """Tag a draft case with a DISARM technique (kept as ID + framework version)."""
    with transaction.atomic():
        check_editable(case, user)
        tag: CaseTechnique
        tag, _created = CaseTechnique.objects.get_or_create(
            case=case, technique=technique, defaults={"note": note, "added_by": user}
        )
        record_version(case, user, "tag technique", technique.external_id)
    return tag


def add_judgement(
    case: Case,
    actor: Actor,
    user: Any,
    *,
    likelihood: str,
    confidence: str,
    rationale: str,
    subject: str = "",
    evidence: Iterable[Evidence] = (),
) -> Judgement:
    """Attribute the case's activity (or ``subject``) to ``actor``, ICD 203 style.

    ``evidence`` is the case's evidence the judgement rests on.

    Raises:
        UsageError: an unknown likelihood word or confidence level, or no rationale.
    """
    if likelihood not in vocab.LIKELIHOOD:
        raise UsageError(
            f"unknown likelihood {likelihood!r}", hint=f"one of {', '.join(vocab.LIKELIHOOD)}"
        )
    if confidence not in vocab.CONFIDENCE:
        raise UsageError(f"unknown confidence {confidence!r}", hint="low, moderate or high")
    if not rationale.strip():
        raise UsageError("a judgement needs its rationale")
    with transaction.atomic():
        check_editable(case, user)
        judgement: Judgement = Judgement.objects.create(
            case=case,
            actor=actor,
            subject=subject,
            likelihood=likelihood,
            confidence=confidence,
            rationale=rationale,
            created_by=user,
        )
        items = list(evidence)
        if any(e.case_id != case.pk for e in items):
            raise UsageError("a judgement can only rest on its own case's evidence")
        judgement.evidence.set(items)
        record_version(case, user, "add judgement", actor.name)
    return judgement


def mark_account(
    case: Case,
    account_id: str,
    user: Any,
    *,
    public_figure: bool = False,
    state_asset: bool = False,
    note: str = "",
) -> CaseAccount:
    """Say whether ``account_id`` may be named in the case's published output.

    Accounts not marked as a public figure or a state asset are pseudonymised
    (:func:`onevoice.web.cases.pseudonyms.pseudonymise`).
    """
    with transaction.atomic():
        check_editable(case, user)
        marking: CaseAccount
        marking, _ = CaseAccount.objects.update_or_create(
            case=case,
            account_id=account_id,
            defaults={"public_figure": public_figure, "state_asset": state_asset, "note": note},
        )
        record_version(case, user, "mark account", account_id)
    return marking


def update_case(
    case: Case,
    user: Any,
    *,
    title: str | None = None,
    summary: str | None = None,
    tlp: str | None = None,
) -> Case:
    """Change the title, summary or TLP marking of a draft case (None: leave as it is).

    Raises:
        UsageError: an empty title or an unknown TLP marking.
        CasePermissionError, TransitionRefused: as for :func:`check_editable`.
    """
    if title is not None and not title.strip():
        raise UsageError("a case needs a title")
    if tlp is not None and tlp not in vocab.TLP:
        raise UsageError(f"unknown TLP marking {tlp!r}", hint=f"one of {', '.join(vocab.TLP)}")
    with transaction.atomic():
        check_editable(case, user)
        changed = []
        for field, value in (("title", title), ("summary", summary), ("tlp", tlp)):
            if value is not None:
                value = value.strip() if field == "title" else value
                if getattr(case, field) != value:
                    setattr(case, field, value)
                    changed.append(field)
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
            record_version(case, user, "edit", ", ".join(changed))
    return case


def remove_technique(case: Case, tag: CaseTechnique, user: Any) -> None:
    """Remove a DISARM technique from a draft case."""
    if tag.case_id != case.pk:
        raise UsageError(f"technique {tag.external_id} is not tagged on case {case.pk}")
    with transaction.atomic():
        check_editable(case, user)
        tag.delete()
        record_version(case, user, "remove technique", tag.external_id)


def remove_judgement(case: Case, judgement: Judgement, user: Any) -> None:
    """Remove an attribution judgement from a draft case."""
    if judgement.case_id != case.pk:
        raise UsageError(f"judgement {judgement.pk} is not part of case {case.pk}")
    with transaction.atomic():
        check_editable(case, user)
        name = judgement.actor.name
        judgement.delete()
        record_version(case, user, "remove judgement", name)


def find_or_create_actor(name: str, user: Any, category: str = "unknown") -> Actor:
    """The actor called ``name``, created with ``category`` when new (analysts only).

    An existing actor keeps its category: actors are shared between cases.

    Raises:
        UsageError: an empty name or an unknown EEAS category.
    """
    _require(user, "analyst", "add an actor")
    if not name.strip():
        raise UsageError("an actor needs a name")
    if category not in vocab.ACTOR_CATEGORIES:
        raise UsageError(
            f"unknown actor category {category!r}",
            hint=f"one of {', '.join(vocab.ACTOR_CATEGORIES)}",
        )
    actor: Actor
    actor, created = Actor.objects.get_or_create(name=name.strip(), defaults={"category": category})
    if created:
        audit(None, "create", "actor", actor.pk, user=user, name=actor.name, category=category)
    return actor
