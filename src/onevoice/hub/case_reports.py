"""From an approved case to a draft public report on the hub, which then goes to review.

:func:`draft_case_report` builds the public version of a case
(:func:`onevoice.hub.public_case.public_content`: private accounts pseudonymised, indicators
defanged) and saves it as a *draft revision* of a
:class:`~onevoice.hub.models.CaseReportPage` authored by the communicator who asked; it never
publishes. The page then goes through the hub's review like any other
(:mod:`onevoice.hub.workflow`: a reviewer other than its author approves it). Drafting again
for the same case adds a revision to the same page. Only approved (or published) cases
marked TLP:CLEAR are accepted (:func:`check_publishable`); the draft is audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from onevoice.errors import OneVoiceError
from onevoice.hub.models import (
    CaseReportAccount,
    CaseReportAttribution,
    CaseReportFigure,
    CaseReportIndicator,
    CaseReportNarrative,
    CaseReportPage,
    CaseReportTechnique,
    HubHomePage,
)
from onevoice.hub.public_case import PublicReport, public_content
from onevoice.web.audit.models import audit
from onevoice.web.cases.models import Case
from onevoice.web.cases.workflow import CasePermissionError
from onevoice.web.roles import has_role

__all__ = [
    "DRAFTING_ROLES",
    "PUBLIC_STATUSES",
    "ReportRefused",
    "check_publishable",
    "default_parent",
    "draft_case_report",
]

#: Case statuses whose content a reviewer has approved.
PUBLIC_STATUSES: frozenset[str] = frozenset({"approved", "published"})
#: Roles that may draft a public report.
DRAFTING_ROLES: tuple[str, ...] = ("communicator", "admin")


class ReportRefused(OneVoiceError):
    """The case may not become a public report: not approved, or above TLP:CLEAR."""


def check_publishable(case: Case) -> None:
    """Refuse a case that is not approved (or published), or not marked TLP:CLEAR.

    Raises:
        ReportRefused: with the reason and what to do.
    """
    if case.status not in PUBLIC_STATUSES:
        state = "a draft" if case.status == "draft" else case.status.replace("_", " ")
        raise ReportRefused(
            f"case {case.pk} is {state}; only approved cases become public reports",
            hint="a reviewer approves the case first",
        )
    if case.tlp != "clear":
        raise ReportRefused(
            f"case {case.pk} is TLP:{case.tlp.upper()}; only TLP:CLEAR cases may be published",
            hint="the marking is part of the review: reopen the case, mark it TLP:CLEAR if its"
            " content may be public, and have it approved again",
        )


def default_parent() -> HubHomePage:
    """The hub home of the default language (where reports go unless told otherwise).

    Raises:
        OneVoiceError: the hub has no home page yet.
    """
    from wagtail.models import Locale

    homes = HubHomePage.objects.filter(locale=Locale.get_default()).order_by("-live", "path")
    home: HubHomePage | None = homes.first()
    if home is None:
        raise OneVoiceError(
            "the hub has no home page to put the report under",
            hint="load the hub first (onevoice hub demo) or create its home in /cms/",
        )
    return home


def _apply(page: CaseReportPage, content: PublicReport) -> None:
    """Put ``content`` into ``page`` (fields and child rows, not yet saved)."""
    page.title = content.title
    page.summary = content.summary
    page.case_key = content.case_key
    page.tlp = "clear"
    page.approved_on = content.approved_on
    page.key_findings = "\n".join(content.key_findings)
    page.method = "\n".join(content.method)
    page.techniques = [CaseReportTechnique(**row) for row in content.techniques]
    page.narratives = [CaseReportNarrative(**row) for row in content.narratives]
    page.figures = [CaseReportFigure(**row) for row in content.figures]
    page.attributions = [CaseReportAttribution(**row) for row in content.attributions]
    page.accounts = [CaseReportAccount(**row) for row in content.accounts]
    page.indicators = [CaseReportIndicator(**row) for row in content.indicators]


def draft_case_report(case: Case, user: Any, *, parent: Any = None) -> CaseReportPage:
    """Save the public version of ``case`` as a draft hub page by ``user``, for review.

    Args:
        case: an approved (or published) TLP:CLEAR case.
        user: a communicator (or admin) who may add pages under ``parent`` in the CMS; the
            draft revision is theirs, so another reviewer must approve it.
        parent: the hub page to put a new report under; default :func:`default_parent`.
            A report that exists for the case in that language is updated where it is.

    Returns:
        the page, not live unless an earlier revision was published (its live version
        stays as it was until the new draft is approved).

    Raises:
        CasePermissionError: ``user`` is not a communicator or admin, or may not add or
            change that page in the CMS.
        ReportRefused: the case is not approved, or not TLP:CLEAR, or its report is in
            review (a reviewer must see what they approve).
        OneVoiceError: there is no hub home page.
    """
    from wagtail.log_actions import log

    if not has_role(user, *DRAFTING_ROLES):
        raise CasePermissionError(
            "only a communicator may draft a public report", hint="ask someone with that role"
        )
    check_publishable(case)
    home = (parent.specific if parent is not None else None) or default_parent()
    with transaction.atomic():
        # the case as it is now, locked: one draft at a time, never of a case just reopened
        case = Case.objects.select_for_update().get(pk=case.pk)
        check_publishable(case)
        content = public_content(case)
        existing = CaseReportPage.objects.filter(
            case_key=content.case_key, locale_id=home.locale_id
        ).first()
        if existing is None:
            if not home.permissions_for_user(user).can_add_subpage():
                raise CasePermissionError(
                    f"{user.get_username()} may not add pages under {home.title!r} in the CMS",
                    hint="an admin adds the account to the communicator group",
                )
            page = CaseReportPage(live=False, slug=_slug(case, content.title))
            _apply(page, content)
            home.add_child(instance=page)
            log(instance=page, action="wagtail.create", user=user)
        else:
            if not existing.permissions_for_user(user).can_edit():
                raise CasePermissionError(
                    f"{user.get_username()} may not change {existing.title!r} in the CMS",
                    hint="an admin adds the account to the communicator group",
                )
            if existing.workflow_in_progress:
                # the reviewer would approve a revision they have not seen
                raise ReportRefused(
                    f"the report of case {case.pk} is in review and cannot be re-drafted now",
                    hint="wait for the review, or cancel it in the CMS, then draft again",
                )
            page = existing.get_latest_revision_as_object()
        _apply(page, content)
        revision = page.save_revision(user=user, log_action=True)
        audit(
            None,
            "create" if existing is None else "change",
            "hub-page",
            page.pk,
            user=user,
            event="draft-from-case",
            case=case.pk,
            revision=revision.pk,
        )
    drafted: CaseReportPage = CaseReportPage.objects.get(pk=page.pk)
    return drafted


def _slug(case: Case, title: str) -> str:
    words = slugify(title, allow_unicode=True)[:60].strip("-")
    return f"report-{case.pk}-{words}" if words else f"report-{case.pk}"
