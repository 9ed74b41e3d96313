"""The case page's rendered body is reused, but never stale and never with another's token."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onevoice.web.cases.models import Case
from onevoice.web.cases.views import _BODIES
from onevoice.web.cases.workflow import create_case, update_case
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client


def _token(html: str) -> str:
    """The token of the page's edit form (masked tokens differ from form to form)."""
    form = html[html.index('action="/cases/') :]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert found is not None
    return found.group(1)


def test_two_users_share_the_body_but_each_gets_a_working_token(
    make_user: Callable[..., User],
) -> None:
    _BODIES.clear()
    ana, bob = make_user("analyst", username="ana"), make_user("analyst", username="bob")
    case = create_case(ana, "Shared page")
    first, second = _client(ana), _client(bob)
    page_a = first.get(f"/cases/{case.pk}/").content.decode()
    assert len(_BODIES) == 1
    page_b = second.get(f"/cases/{case.pk}/").content.decode()
    assert len(_BODIES) == 1  # the second view reused the body
    assert "\x00" not in page_a + page_b
    token_b = _token(page_b)
    # bob's page carries a token that his session accepts: his change goes through
    response = second.post(
        f"/cases/{case.pk}/edit/",
        {"title": "Renamed by bob", "summary": "", "tlp": "amber", "csrfmiddlewaretoken": token_b},
    )
    assert response.status_code == 302, response.content[:500]
    assert Case.objects.get(pk=case.pk).title == "Renamed by bob"
    # and the page shows it at once (the change moved the case's state)
    assert "Renamed by bob" in first.get(f"/cases/{case.pk}/").content.decode()


def test_a_change_through_the_workflow_is_seen_at_once(make_user: Callable[..., User]) -> None:
    ana = make_user("analyst", username="ana")
    case = create_case(ana, "Before")
    client = _client(ana)
    assert "Before" in client.get(f"/cases/{case.pk}/").content.decode()
    update_case(case, ana, summary="A summary written later")
    assert "A summary written later" in client.get(f"/cases/{case.pk}/").content.decode()


def test_roles_see_their_own_actions(make_user: Callable[..., User]) -> None:
    ana = make_user("analyst", username="ana")
    case = create_case(ana, "Roles")
    as_analyst = _client(ana).get(f"/cases/{case.pk}/").content.decode()
    reviewer = make_user("reviewer", username="rev")
    as_reviewer = _client(reviewer).get(f"/cases/{case.pk}/").content.decode()
    assert "Submit for review" in as_analyst
    assert "Submit for review" not in as_reviewer
