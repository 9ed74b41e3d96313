"""Partners and the pieces of the TAXII server below HTTP: CLI, secrets, negotiation, sync."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import RequestFactory

from onevoice.cli.main import cli
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.models import Case, DisarmTechnique
from onevoice.web.cases.workflow import create_case, tag_technique, transition
from onevoice.web.taxii import auth
from onevoice.web.taxii.models import CaseSync, Partner, ServedObject, clearance_allows
from onevoice.web.taxii.protocol import TaxiiError, accepts_taxii, parse_timestamp
from onevoice.web.taxii.query import encode_cursor, parse_filters
from onevoice.web.taxii.store import COLLECTIONS, sync_cases
from tests.conftest import SHARED

DISARM_17 = SHARED / "data" / "disarm" / "DISARM-1.7.stix.json"


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (None, True),
        ("application/taxii+json;version=2.1", True),
        ("application/taxii+json", True),
        ("text/html, application/taxii+json; version=2.1; q=0.5", True),
        ("*/*", True),
        ("application/taxii+json;version=2.1;q=0", False),
        ("application/taxii+json;version=2.0", False),
        ("application/stix+json;version=2.1", False),
        ("application/json", False),
    ],
)
def test_accept_negotiation(header: str | None, ok: bool) -> None:
    assert accepts_taxii(header) is ok


def test_clearance_order_is_tlp_2() -> None:
    order = ["clear", "green", "amber", "amber+strict", "red"]
    for i, clearance in enumerate(order):
        assert [t for t in order if clearance_allows(clearance, t)] == order[: i + 1]
    assert [c.alias for c in COLLECTIONS] == [
        "tlp-clear",
        "tlp-green",
        "tlp-amber",
        "tlp-amber-strict",
        "tlp-red",
    ]
    assert len({c.id for c in COLLECTIONS}) == 5


def test_filters_and_cursor() -> None:
    key = (
        datetime(2026, 3, 1, 12, 0, 0, 123456, UTC),
        "report--x",
        datetime(2026, 3, 1, tzinfo=UTC),
    )
    parsed = parse_filters(
        {
            "added_after": "2026-03-01T12:00:00.5Z",
            "match[type]": "report,indicator",
            "match[version]": "first,2026-03-01T00:00:00.000Z",
            "limit": "5000",
            "next": encode_cursor(key),
        }
    )
    assert parsed.added_after == datetime(2026, 3, 1, 12, 0, 0, 500000, UTC)
    assert parsed.types == ("report", "indicator")
    assert parsed.versions == ("first", "2026-03-01T00:00:00.000Z")
    assert parsed.limit == 1000 and parsed.after == key
    assert parse_filters({}).versions == ("last",)
    for bad in (
        {"added_after": "2026-03-01"},
        {"added_after": "2026-03-01T12:00:00"},  # no time zone
        {"limit": "-1"},
        {"limit": "many"},
        {"next": "bm9wZQ"},
        {"match[version]": "latest"},
        {"match[id]": ","},
    ):
        with pytest.raises(TaxiiError) as error:
            parse_filters(bad)
        assert error.value.status == 400, bad
    assert parse_timestamp("2026-03-01T13:00:00+01:00") == datetime(2026, 3, 1, 12, tzinfo=UTC)


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["partners", *args], catch_exceptions=False)


@pytest.fixture
def no_setup(monkeypatch: pytest.MonkeyPatch, db: Any) -> None:
    """The CLI on the test database (no data folder, no migrate)."""
    monkeypatch.setattr("onevoice.web.bootstrap.setup", lambda *a, **k: None)
    auth.clear_cache()


def _request(name: str, secret: str) -> Any:
    token = base64.b64encode(f"{name}:{secret}".encode()).decode()
    return RequestFactory().get("/taxii2/", HTTP_AUTHORIZATION=f"Basic {token}")


def _status(name: str, secret: str) -> int:
    try:
        auth.authenticate(_request(name, secret))
    except TaxiiError as error:
        return error.status
    return 200


def test_partners_cli_create_list_disable_rotate(no_setup: None) -> None:
    created = _run("create", "edmo-hub", "--clearance", "amber", "--note", "EDMO")
    assert created.exit_code == 0
    secret = created.stdout.strip()
    assert len(secret) >= 40 and "\n" not in secret
    partner = Partner.objects.get(name="edmo-hub")
    assert partner.clearance == "amber" and partner.active
    assert partner.secret_hash.startswith("argon2") and secret not in partner.secret_hash
    assert _status("edmo-hub", secret) == 200
    assert _status("edmo-hub", secret + "x") == 401

    again = CliRunner().invoke(cli, ["partners", "create", "edmo-hub", "--clearance", "green"])
    assert again.exit_code == 1
    assert "Error: the partner 'edmo-hub' exists already" in again.stderr
    bad = CliRunner().invoke(cli, ["partners", "create", "bad:name", "--clearance", "green"])
    assert bad.exit_code == 2 and "cannot be a partner name" in bad.stderr
    assert _run("list").stdout.startswith("edmo-hub\tamber\tactive\t")

    assert _run("disable", "edmo-hub").exit_code == 0
    assert _status("edmo-hub", secret) == 403  # even though the secret check is cached
    assert '"active": false' in _run("list", "--json").stdout
    assert _run("enable", "edmo-hub").exit_code == 0
    assert _status("edmo-hub", secret) == 200

    rotated = _run("rotate", "edmo-hub").stdout.strip()
    assert rotated != secret
    assert _status("edmo-hub", secret) == 401
    assert _status("edmo-hub", rotated) == 200
    missing = CliRunner().invoke(cli, ["partners", "disable", "nobody"])
    assert missing.exit_code == 1 and "there is no partner 'nobody'" in missing.stderr
    actions = list(
        AuditEvent.objects.filter(object_type="partner").order_by("id").values_list("action")
    )
    assert actions == [("create",), ("change",), ("change",), ("change",)]


def test_malformed_credentials_are_refused(no_setup: None) -> None:
    for header in ("Bearer abc", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode()):
        request = RequestFactory().get("/taxii2/", HTTP_AUTHORIZATION=header)
        with pytest.raises(TaxiiError) as error:
            auth.authenticate(request)
        assert error.value.status == 401
    with pytest.raises(TaxiiError):
        auth.authenticate(RequestFactory().get("/taxii2/"))


def test_sync_serves_each_case_version_once(make_user: Callable[..., User]) -> None:
    from onevoice.web.cases.disarm import load_disarm

    load_disarm(DISARM_17)
    technique = DisarmTechnique.objects.get(framework__version="1.7", external_id="T0049")
    analyst, reviewer = make_user("analyst"), make_user("reviewer")

    def case(title: str, moves: tuple[str, ...]) -> Case:
        made = create_case(analyst, title, tlp="green")
        tag_technique(made, technique, analyst)
        for to in moves:
            transition(made, to, analyst if to in ("in_review", "draft") else reviewer, "why")
        return made

    approved = case("Approved", ("in_review", "approved"))
    never = [
        case("Draft", ()),
        case("In review", ("in_review",)),
        case("Rejected", ("in_review", "rejected")),
        case("Reopened", ("in_review", "rejected", "draft")),
    ]
    assert sync_cases() == 1
    rows = ServedObject.objects.filter(case=approved)
    assert rows.count() > 5
    assert {r.date_added for r in rows} == {approved.versions.get(action="approve").created_at}
    assert not ServedObject.objects.filter(case__in=never).exists()
    assert CaseSync.objects.get(case=approved).version_number == approved.versions.count()
    before = sorted(ServedObject.objects.values_list("pk", "date_added"))
    assert sync_cases() == 0
    assert sorted(ServedObject.objects.values_list("pk", "date_added")) == before
    assert {r.tlp for r in ServedObject.objects.all()} == {"green"}


def test_a_case_stored_late_is_added_after_what_partners_saw(
    make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from onevoice.errors import InputError
    from onevoice.web.cases.disarm import load_disarm
    from onevoice.web.taxii import store

    load_disarm(DISARM_17)
    technique = DisarmTechnique.objects.get(framework__version="1.7", external_id="T0049")
    analyst, reviewer = make_user("analyst"), make_user("reviewer")
    cases = []
    for title in ("First approved", "Second approved"):
        made = create_case(analyst, title, tlp="amber")
        tag_technique(made, technique, analyst)
        transition(made, "in_review", analyst)
        transition(made, "approved", reviewer)
        cases.append(made)
    first, second = cases
    real = store.bundle_for_case

    def failing(case: Case) -> dict[str, Any]:
        if case.pk == first.pk:
            raise InputError("DISARM file moved")
        return real(case)

    monkeypatch.setattr(store, "bundle_for_case", failing)
    assert sync_cases() == 1  # the first case fails and is tried again next time
    seen = ServedObject.objects.filter(case=second).values_list("date_added", flat=True)
    assert set(seen) == {second.versions.get(action="approve").created_at}
    monkeypatch.setattr(store, "bundle_for_case", real)
    assert sync_cases() == 1
    late = set(ServedObject.objects.filter(case=first).values_list("date_added", flat=True))
    assert len(late) == 1 and late.pop() > max(seen)
