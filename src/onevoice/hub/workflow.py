"""Publishing rules: a reviewer other than the author approves; every step is audited.

:class:`ReviewByAnotherTask` is Wagtail's group approval with one more rule: nobody approves
their own work (the user who submitted it for review, or wrote its latest revision), even if
they are also in the reviewers' group. Communicators and reviewers get no ``publish``
permission (:func:`setup_publishing`), so a page only goes live when its workflow finishes
(:func:`onevoice.hub.publishing.publish_after_review`).

Wagtail writes a log entry for each publish, scheduled publish, unpublish (also the scheduled
one, ``publish_scheduled``), schedule, schedule cancellation and review decision;
:func:`connect_signals` copies each into the taskforce's audit log
(:func:`onevoice.web.audit.models.audit`) under the audit action of :data:`AUDITED`, with the
acting user, the page and the event name in the detail.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_save
from wagtail.models import AbstractGroupApprovalTask

__all__ = [
    "AUDITED",
    "ReviewByAnotherTask",
    "authors",
    "connect_signals",
    "setup_publishing",
]

#: Wagtail log actions → (our audit action, event name). The action says what kind of step it
#: was (``publish``, ``unpublish``, ``schedule``, or ``change`` for review steps); the event
#: name, kept in the audit detail, says which one exactly (by hand or at the scheduled time,
#: a schedule set or cancelled).
AUDITED: dict[str, tuple[str, str]] = {
    "wagtail.publish": ("publish", "publish"),
    "wagtail.publish.scheduled": ("publish", "scheduled-publish"),
    "wagtail.publish.schedule": ("schedule", "schedule"),
    "wagtail.schedule.cancel": ("schedule", "schedule-cancel"),
    "wagtail.unpublish": ("unpublish", "unpublish"),
    "wagtail.unpublish.scheduled": ("unpublish", "scheduled-unpublish"),
    "wagtail.workflow.start": ("change", "submit-for-review"),
    "wagtail.workflow.approve": ("change", "review-approve"),
    "wagtail.workflow.reject": ("change", "review-reject"),
}


def authors(obj: Any) -> set[int]:
    """Ids of the users who authored the content under review.

    The user who submitted it to the workflow and the writer of its latest revision.
    """
    found: set[int] = set()
    state = getattr(obj, "current_workflow_state", None)
    if state is not None and state.requested_by_id:
        found.add(state.requested_by_id)
    revision = getattr(obj, "latest_revision", None)
    if revision is not None and revision.user_id:
        found.add(revision.user_id)
    return found


class ReviewByAnotherTask(AbstractGroupApprovalTask):  # type: ignore[misc]
    """Group approval where the author can never approve their own content."""

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, str, bool]]:
        """The group's actions, minus approval for the content's authors."""
        actions: list[tuple[str, str, bool]] = super().get_actions(obj, user)
        if user.pk in authors(obj):
            return [a for a in actions if a[0] != "approve"]
        return actions

    def on_action(self, task_state: Any, user: Any, action_name: str, **kwargs: Any) -> Any:
        """Refuse approval by an author (whatever the admin's buttons showed)."""
        if action_name == "approve" and user is not None:
            if user.pk in authors(task_state.workflow_state.content_object):
                raise PermissionDenied("A reviewer other than the author must approve.")
            if not (user.is_superuser or self._user_in_groups(user)):
                raise PermissionDenied("Only the reviewers' group can approve.")
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls) -> str:
        """Shown in the Wagtail admin."""
        return "Members of the chosen groups approve; never the content's own author."

    class Meta:
        verbose_name = "Review by another person"
        verbose_name_plural = "Reviews by another person"


def _mirror_log_entry(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Copy one Wagtail page log entry into our audit log (if it is a publishing step)."""
    if not created or instance.action not in AUDITED:
        return
    from onevoice.web.audit.models import audit

    action, event = AUDITED[instance.action]
    user = instance.user
    audit(
        None,
        action,
        "hub-page",
        instance.page_id,
        user=user,
        event=event,
        title=instance.label,
        revision=instance.revision_id,
    )


def connect_signals() -> None:
    """Mirror Wagtail's page log entries into the audit log (called by the app's ``ready``)."""
    from wagtail.models import PageLogEntry

    post_save.connect(_mirror_log_entry, sender=PageLogEntry, dispatch_uid="hub-audit-mirror")


def setup_publishing(root: Any) -> Any:
    """Groups, permissions and the review workflow for the hub under ``root``; idempotent.

    Communicators add, change and translate pages (Wagtail's "Translate" action); reviewers
    change them and approve in the workflow; neither may publish directly. Each language's
    home page heads a tree of its own in Wagtail, so the permissions and the workflow are set
    on ``root`` and on every translation of it: call this again after adding a language.
    Returns the workflow.
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    translate = Permission.objects.get(
        content_type__app_label="simple_translation", codename="submit_translation"
    )
    communicator, _ = Group.objects.get_or_create(name="communicator")
    reviewer, _ = Group.objects.get_or_create(name="reviewer")
    communicator.permissions.add(translate)
    task = ReviewByAnotherTask.objects.filter(name="Review by another reviewer").first()
    if task is None:
        task = ReviewByAnotherTask.objects.create(name="Review by another reviewer")
    task.groups.set([reviewer])
    workflow, _ = Workflow.objects.get_or_create(name="Hub review")
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for home in root.get_translations(inclusive=True):
        for group, codenames in (
            (communicator, ("add_page", "change_page")),
            (reviewer, ("change_page",)),
        ):
            group.permissions.add(admin_access)
            for codename in codenames:
                permission = Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                )
                GroupPagePermission.objects.get_or_create(
                    group=group, page=home, permission=permission
                )
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow
