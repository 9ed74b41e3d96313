"""Publishing rules: another reviewer approves; drafts and TLP above CLEAR never public; audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onevoice.hub.models import DocumentPage, MeetingPage, ReviewByAnotherTask
from onevoice.web.audit.models import AuditEvent


@pytest.fixture
def meeting(demo: dict[str, Any]) -> Any:
    return MeetingPage.objects.get(locale__language_code="en", title__contains="Rio")


def _draft(meeting: Any, author: Any, slug: str = "draft-report") -> Any:
    """A communicator's draft report, submitted for review."""
    page = DocumentPage(title="Draft report on a network", slug=slug, kind="report", live=False)
    meeting.add_child(instance=page)
    page.save_revision(user=author)
    workflow = page.get_workflow()
    assert workflow is not None and workflow.name == "Hub review"
    workflow.start(page, author)
    return DocumentPage.objects.get(pk=page.pk)


def _events(page: Any) -> list[str]:
    rows = AuditEvent.objects.filter(object_type="hub-page", object_id=str(page.pk))
    return sorted(e.detail["event"] for e in rows)


def test_communicator_cannot_publish_directly(meeting: Any, make_user: Any) -> None:
    communicator = make_user("communicator")
    reviewer = make_user("reviewer")
    for user in (communicator, reviewer):
        assert meeting.permissions_for_user(user).can_edit()
        assert not meeting.permissions_for_user(user).can_publish()


def test_draft_is_never_public(meeting: Any, make_user: Any) -> None:
    page = _draft(meeting, make_user("communicator"))
    assert not page.live
    assert Client().get(f"{meeting.url}draft-report/").status_code == 404


def test_author_cannot_approve_own_content(meeting: Any, make_user: Any) -> None:
    author = make_user("communicator", "reviewer", username="both")
    page = _draft(meeting, author)
    state = page.current_workflow_task_state
    task = state.task.specific
    assert isinstance(task, ReviewByAnotherTask)
    assert [a[0] for a in task.get_actions(page, author)] == ["reject"]
    with pytest.raises(PermissionDenied):
        task.on_action(state, author, "approve")
    page.refresh_from_db()
    assert not page.live


def test_author_approval_is_refused_in_the_admin(meeting: Any, make_user: Any) -> None:
    """Through the Wagtail admin's own action URL: refused for the author, done by another."""
    author = make_user("communicator", "reviewer", username="both")
    page = _draft(meeting, author)
    state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.pk))
    client = Client()
    client.force_login(author)
    response = client.post(url)
    # Wagtail's admin turns PermissionDenied into a redirect with this message
    messages = [str(m).strip() for m in response.wsgi_request._messages]
    assert messages == ["Sorry, you do not have permission to access this area."]
    page.refresh_from_db()
    assert not page.live

    client.force_login(make_user("reviewer"))
    assert client.post(url).status_code == 302
    page.refresh_from_db()
    assert page.live


def test_non_reviewer_cannot_approve(meeting: Any, make_user: Any) -> None:
    page = _draft(meeting, make_user("communicator"))
    other = make_user("communicator", username="other-communicator")
    state = page.current_workflow_task_state
    assert state.task.specific.get_actions(page, other) == []
    with pytest.raises(PermissionDenied):
        state.task.specific.on_action(state, other, "approve")


def test_another_reviewer_publishes_and_it_is_audited(meeting: Any, make_user: Any) -> None:
    page = _draft(meeting, make_user("communicator"))
    reviewer = make_user("reviewer")
    state = page.current_workflow_task_state
    state.task.specific.on_action(state, reviewer, "approve")
    page.refresh_from_db()
    assert page.live
    assert Client().get(page.url).status_code == 200
    assert _events(page) == ["publish", "review-approve", "submit-for-review"]
    approval = AuditEvent.objects.get(object_id=str(page.pk), detail__event="review-approve")
    assert approval.actor_username == "reviewer"


def test_scheduled_publication_and_unpublication_are_audited(meeting: Any) -> None:
    page = DocumentPage(title="Scheduled study", slug="scheduled", kind="study", live=False)
    meeting.add_child(instance=page)
    page.go_live_at = timezone.now() + dt.timedelta(days=1)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live
    assert _events(page) == ["schedule"]

    past = timezone.now() - dt.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()
    assert page.live
    assert "scheduled-publish" in _events(page)

    DocumentPage.objects.filter(pk=page.pk).update(expire_at=past)
    call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()
    assert not page.live
    assert "scheduled-unpublish" in _events(page)
    assert Client().get(f"{meeting.url}scheduled/").status_code == 404


def test_document_files_follow_their_page(
    meeting: Any, make_user: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from onevoice.hub.models import DocumentVersion

    settings.MEDIA_ROOT = tmp_path
    file = Document(title="Draft file")
    file.file.save("draft.txt", ContentFile(b"not yet public"), save=False)
    file.save()
    page = _draft(meeting, make_user("communicator"))
    page.versions = [DocumentVersion(language="en", status="original", file=file)]
    page.save_revision()
    page.save()
    assert file.url.startswith("/hub-documents/")
    assert Client().get(file.url).status_code == 404
    editor = Client()
    editor.force_login(make_user("reviewer"))
    allowed = editor.get(file.url)
    assert allowed.status_code == 200
    # reading a streamed response to its end closes it through the test client, which keeps
    # request_finished from closing the test's own database connection (PostgreSQL);
    # response.close() called here would not
    assert b"".join(allowed.streaming_content) == b"not yet public"
    assert Client().get(f"/media/documents/{file.file.name}").status_code == 404

    page.save_revision().publish()
    response = Client().get(file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"not yet public"

    DocumentPage.objects.filter(pk=page.pk).update(tlp="amber")
    assert Client().get(file.url).status_code == 404


def _audited(page: Any, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="hub-page", object_id=str(page.pk), action=action)
    )


def test_scheduling_by_review_is_one_schedule_event(meeting: Any, make_user: Any) -> None:
    """A draft with a future go-live date, approved by a reviewer: scheduled, not live."""
    author = make_user("communicator")
    page = DocumentPage(title="Study for next week", slug="next-week", kind="study", live=False)
    meeting.add_child(instance=page)
    page.go_live_at = timezone.now() + dt.timedelta(days=7)
    page.save_revision(user=author)
    page.get_workflow().start(page, author)
    page = DocumentPage.objects.get(pk=page.pk)
    reviewer = make_user("reviewer")
    state = page.current_workflow_task_state
    state.task.specific.on_action(state, reviewer, "approve")
    page.refresh_from_db()
    assert not page.live
    assert Client().get(f"{meeting.url}next-week/").status_code == 404

    [event] = _audited(page, "schedule")
    assert event.actor == reviewer
    assert event.actor_username == "reviewer"
    assert event.detail["event"] == "schedule"
    assert event.detail["title"] == "Study for next week"
    assert _audited(page, "publish") == []
    assert _audited(page, "unpublish") == []


def test_cancelling_a_schedule_is_a_schedule_event(meeting: Any) -> None:
    """The admin's "cancel scheduled publish" (an administrator's step) is audited too."""
    from django.contrib.auth import get_user_model

    page = DocumentPage(title="Later study", slug="later", kind="study", live=False)
    meeting.add_child(instance=page)
    page.go_live_at = timezone.now() + dt.timedelta(days=1)
    revision = page.save_revision()
    revision.publish()
    admin = get_user_model().objects.create_superuser("webmaster", password="x" * 16)
    client = Client()
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:revisions_unschedule", args=(page.pk, revision.pk))
    assert client.post(url).status_code == 302
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None
    events = [(e.detail["event"], e.actor) for e in reversed(_audited(page, "schedule"))]
    assert events == [("schedule", None), ("schedule-cancel", admin)]


def test_unpublishing_in_the_admin_is_one_unpublish_event(meeting: Any) -> None:
    """Only an administrator holds the publish permission that unpublishing needs."""
    from django.contrib.auth import get_user_model

    page = DocumentPage.objects.child_of(meeting).live().first()
    assert page is not None
    assert Client().get(page.url).status_code == 200
    admin = get_user_model().objects.create_superuser("webmaster", password="x" * 16)
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert Client().get(f"{meeting.url}{page.slug}/").status_code == 404

    [event] = _audited(page, "unpublish")
    assert event.actor == admin
    assert event.roles == "admin"
    assert event.detail["event"] == "unpublish"
    assert event.detail["title"] == page.title
    assert not AuditEvent.objects.filter(
        object_type="hub-page", object_id=str(page.pk), action="change"
    ).exists()


def test_reviewer_cannot_unpublish(meeting: Any, make_user: Any) -> None:
    page = DocumentPage.objects.child_of(meeting).live().first()
    client = Client()
    client.force_login(make_user("reviewer"))
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert page.live
    assert _audited(page, "unpublish") == []


def test_every_language_tree_has_the_rules(demo: dict[str, Any], make_user: Any) -> None:
    """Each language's home heads its own page tree in Wagtail: communicators may edit and
    translate there too, never publish, and the review workflow applies."""
    from wagtail.models import Locale

    from onevoice.hub.models import HubHomePage

    communicator = make_user("communicator")
    assert communicator.has_perm("simple_translation.submit_translation")
    for code in ("en", "fr", "ar"):
        home = HubHomePage.objects.get(locale=Locale.objects.get(language_code=code))
        perms = home.permissions_for_user(communicator)
        assert perms.can_edit() and not perms.can_publish(), code
        workflow = home.get_workflow()
        assert workflow is not None and workflow.name == "Hub review", code
