"""The case page's export links and downloads: staff only, approved cases only, never
TLP:RED, private accounts pseudonymised, every download audited as an export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onevoice.exchange.stix_export import bundle_json, validate_bundle
from onevoice.exchange.stix_import import read_bundle
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.disarm import load_disarm_dir
from onevoice.web.cases.exchange import bundle_for_cases, disarm_catalogs, import_cases
from onevoice.web.cases.models import Case
from onevoice.web.cases.pseudonyms import pseudonymise
from onevoice.web.cases.workflow import create_case
from tests.web.test_case_exchange import DISARM, demo_case
from tests.web.test_case_pages import make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user: Callable[..., User]) -> tuple[User, User]:
    load_disarm_dir(DISARM)
    return make_user("analyst", username="author"), make_user("reviewer", username="rev")


@pytest.fixture
def approved(people: tuple[User, User], tmp_path: Path) -> Case:
    return demo_case(*people, make_store(tmp_path), "Links flood")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hub(case: Case) -> str:
    """The network's hub, which :func:`demo_case` marks as a state asset (named)."""
    return str(case.evidence.get(kind="network").data["hubs"][0])


def _private(case: Case) -> str:
    """A member of the network that is a private individual (pseudonymised)."""
    members = case.evidence.get(kind="network").data["members"]
    return next(str(m["account_id"]) for m in members if m["account_id"] != _hub(case))


def _url(case: Case, fmt: str) -> str:
    return f"/cases/{case.pk}/export/{fmt}/"


def test_the_case_page_offers_the_exports(approved: Case, people: tuple[User, User]) -> None:
    page = _client(people[1]).get(f"/cases/{approved.pk}/").content.decode()
    for label in ("Export STIX bundle", "MISP event", "Platform CSV"):
        assert label in page
    assert f'href="{_url(approved, "stix")}"' in page


def test_stix_download(approved: Case, people: tuple[User, User]) -> None:
    response = _client(people[1]).get(_url(approved, "stix"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/stix+json;version=2.1"
    assert f'filename="onevoice-case-{approved.pk}.stix.json"' in response["Content-Disposition"]
    bundle = json.loads(response.content)
    assert validate_bundle(bundle) == []
    text = response.content.decode()
    private = _private(approved)
    assert f'"{private}"' not in text and pseudonymise(private, approved) in text
    event = AuditEvent.objects.get(action="export", object_id=str(approved.pk))
    assert event.detail["format"] == "stix" and event.actor_username == "rev"


def test_misp_and_csv_downloads(approved: Case, people: tuple[User, User]) -> None:
    client = _client(people[0])
    event = json.loads(client.get(_url(approved, "misp")).content)["Event"]
    assert event["info"] == "Links flood"
    assert any(t["name"] == "tlp:green" for t in event["Tag"])
    assert any(g["type"] == "disarm" for g in event["Galaxy"])
    rows = list(csv.reader(io.StringIO(client.get(_url(approved, "csv")).content.decode())))
    assert rows[0] == ["case", "network", "kind", "platform", "value"]
    accounts = [r[4] for r in rows if r[2] == "account"]
    assert sorted(a for a in accounts if not a.startswith("account-")) == [_hub(approved)]
    assert len(accounts) == 3
    assert any(r[2] == "url" and "[.]" in r[4] for r in rows)  # defanged
    platform = next(r[3] for r in rows if r[2] == "account")
    named = client.get(_url(approved, "csv"), {"platform": platform}).content.decode()
    private = _private(approved)
    assert f",account,{platform},{private}\n" in named  # the platform's own team gets ids
    formats = AuditEvent.objects.filter(action="export").values_list("detail__format", flat=True)
    assert sorted(formats) == ["csv", "csv", "misp"]


@pytest.mark.parametrize("role", ["liaison", "member"])
def test_wrong_roles_are_refused(
    approved: Case, client_as: Callable[..., Client], role: str
) -> None:
    client = client_as(role)
    for fmt in ("stix", "misp", "csv"):
        assert client.get(_url(approved, fmt)).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_anonymous_goes_to_login(approved: Case) -> None:
    response = Client().get(_url(approved, "stix"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_drafts_and_red_cases_are_not_exported(approved: Case, people: tuple[User, User]) -> None:
    analyst = people[0]
    draft = create_case(analyst, "Draft", tlp="green")
    client = _client(analyst)
    assert "Not exportable: case" in client.get(f"/cases/{draft.pk}/").content.decode()
    response = client.get(_url(draft, "stix"))
    assert response.status_code == 409 and b"only approved or published" in response.content
    Case.objects.filter(pk=approved.pk).update(tlp="red")
    response = client.get(_url(approved, "misp"))
    assert response.status_code == 409 and b"TLP:RED" in response.content
    assert client.get(_url(approved, "gexf")).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_an_imported_case_shows_its_source_and_history(
    approved: Case, people: tuple[User, User]
) -> None:
    exports = read_bundle(bundle_json(bundle_for_cases([approved])), disarm=disarm_catalogs())
    (imported,) = import_cases(exports, people[0], source="EEAS", imported_from="eeas.json")
    client = _client(people[1])
    page = client.get(f"/cases/{imported.pk}/").content.decode()
    assert "Source: OneVoice · imported from eeas.json" in page
    assert "Not exportable: case" in page  # a draft until reviewed here
    history = client.get(f"/cases/{imported.pk}/history/")
    assert history.status_code == 200 and "imported from eeas.json" in history.content.decode()
