"""``onevoice import taxii``: pull a partner's TAXII 2.1 collection into draft cases.

The partner's server is our own TAXII server on pytest-django's live server, serving two
approved TLP:GREEN cases written by "EEAS" (their ``source``); the pull imports them into
the same database as new draft cases, which is what the partner's would look like here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from taxii2client.v21 import Collection

from onevoice.cli import exchange_cmd
from onevoice.errors import UsageError
from onevoice.exchange.stix_import import BundleRefused
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases import taxii_pull
from onevoice.web.cases.exchange import bundle_for_cases
from onevoice.web.cases.models import Case, DisarmTechnique
from onevoice.web.cases.taxii_pull import PullError, PullResult, pull, remembered
from onevoice.web.cases.workflow import (
    CasePermissionError,
    add_judgement,
    create_case,
    find_or_create_actor,
    tag_technique,
    transition,
)
from onevoice.web.taxii import query, views
from onevoice.web.taxii.auth import clear_cache
from onevoice.web.taxii.models import Partner
from onevoice.web.taxii.store import COLLECTIONS
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db(transaction=True)

DISARM_17 = SHARED / "data" / "disarm" / "DISARM-1.7.stix.json"
SECRET = "green-secret-0123456789"
GREEN = next(c for c in COLLECTIONS if c.alias == "tlp-green")


@pytest.fixture
def site(
    live_server: Any, make_user: Callable[..., User], settings: Any, tmp_path: Path
) -> dict[str, Any]:
    """Two approved TLP:GREEN cases by EEAS, one with a judgement; a partner account."""
    from onevoice.web.cases.disarm import load_disarm

    settings.DATA_DIR = tmp_path
    clear_cache()
    load_disarm(DISARM_17)
    technique = DisarmTechnique.objects.get(framework__version="1.7", external_id="T0049")
    analyst, reviewer = make_user("analyst", username="ana"), make_user("reviewer", username="rev")

    def case(title: str, *, judged: bool = False) -> Case:
        made = create_case(analyst, title, summary=f"Summary of {title}.", tlp="green")
        tag_technique(made, technique, analyst)
        if judged:
            actor = find_or_create_actor("Doppelganger operators", analyst)
            add_judgement(
                made, actor, analyst, likelihood="very_likely", confidence="moderate",
                rationale="Same infrastructure as the 2023 operation.",
            )  # fmt: skip
        Case.objects.filter(pk=made.pk).update(source="EEAS")
        for status in ("in_review", "approved"):
            transition(made, status, reviewer if status == "approved" else analyst, "ok")
        return made

    served = [case("Cloned news sites", judged=True), case("Fake fact-checks")]
    partner = Partner(name="green-tf", clearance="green")
    partner.set_secret(SECRET)
    partner.save()
    return {
        "root": f"{live_server.url}/taxii2/",
        "coll": f"{live_server.url}/taxii2/onevoice/collections/{GREEN.id}/",
        "analyst": analyst,
        "served": served,
        "case": case,
        "importer": make_user("analyst", username="importer"),
        "reviewer": reviewer,
        "tmp": tmp_path,
    }


def _pull(site: dict[str, Any], **kwargs: Any) -> PullResult:
    options: dict[str, Any] = {"user": "green-tf", "password": SECRET, "source": "EEAS hub"}
    options["importing_user"] = site["importer"]
    options.update(kwargs)
    return pull(site["root"], "tlp-green", **options)


def _served(site: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects the collection serves, read as a partner would (the session closed)."""
    coll = Collection(site["coll"], user="green-tf", password=SECRET)
    try:
        objects: list[dict[str, Any]] = coll.get_objects()["objects"]
    finally:
        coll.close()
    return objects


def _imported() -> list[Case]:
    return list(Case.objects.filter(imported_version__isnull=False).order_by("title"))


def test_pull_makes_draft_cases_keeping_ids_source_and_confidence(site: dict[str, Any]) -> None:
    result = _pull(site)
    served = _served(site)
    reports = {o["id"]: o for o in served if o["type"] == "report"}
    assert result.collection_url == site["coll"] and result.added_after is None
    assert result.objects == len(served) and result.pages == 1
    assert (result.new, result.existing) == (2, 0)
    cases = _imported()
    assert [c.title for c in cases] == ["Cloned news sites", "Fake fact-checks"]
    assert {c.pk for c in result.cases} == {c.pk for c in cases}
    for case in cases:
        assert case.status == "draft" and case.created_by == site["importer"]
        assert case.source == "EEAS" and case.imported_from == site["coll"]
        assert case.stix_id in reports and reports[case.stix_id]["name"] == case.title
        assert case.tlp == "green"
        assert [t.technique.external_id for t in case.techniques.all()] == ["T0049"]
    (judgement,) = cases[0].judgements.all()
    (rel,) = [o for o in served if o["type"] == "relationship" and o["id"] == judgement.stix_id]
    assert rel["relationship_type"] == "attributed-to" and rel["confidence"] == 85
    assert (judgement.likelihood, judgement.confidence) == ("very_likely", "moderate")
    assert judgement.actor.name == "Doppelganger operators"
    again = bundle_for_cases(cases)["objects"]
    assert {o["id"] for o in again if o["type"] == "report"} == set(reports), "same ids out"
    assert remembered(site["coll"]) == result.date_added_last is not None
    events = AuditEvent.objects.filter(object_type="taxii-collection", object_id=site["coll"])
    assert events.count() == 1


def test_the_next_pull_asks_only_for_what_was_added_since(site: dict[str, Any]) -> None:
    first = _pull(site)
    again = _pull(site)
    assert again.added_after == first.date_added_last
    assert (again.objects, again.new, again.cases) == (0, 0, [])
    assert remembered(site["coll"]) == first.date_added_last
    assert len(_imported()) == 2

    site["case"]("Third operation")  # shares the identity and technique served before
    third = _pull(site)
    assert third.added_after == first.date_added_last
    assert 0 < third.objects < first.objects
    assert third.fetched_refs > 0, "objects added before are fetched by id"
    assert [c.title for c in third.cases] == ["Third operation"] and third.new == 1
    assert remembered(site["coll"]) == third.date_added_last != first.date_added_last

    everything = _pull(site, added_after="2000-01-01T00:00:00+00:00")
    assert everything.added_after == "2000-01-01T00:00:00.000000Z"
    assert (everything.new, everything.existing) == (0, 3), "imported before: not twice"
    assert len(_imported()) == 3


def test_pages_are_followed(site: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(taxii_pull, "PAGE_SIZE", 3)
    result = _pull(site)
    total = len(_served(site))
    assert total > 6
    assert result.pages == (total + 2) // 3 and result.objects == total
    assert result.new == 2 and len(_imported()) == 2


def test_more_without_a_next_cursor_is_refused(
    site: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    envelope = views._envelope

    def no_cursor(page: query.Page, objects: list[dict[str, Any]]) -> dict[str, Any]:
        body = envelope(page, objects)
        body.pop("next", None)
        return body

    monkeypatch.setattr(views, "_envelope", no_cursor)
    monkeypatch.setattr(taxii_pull, "PAGE_SIZE", 3)
    with pytest.raises(PullError, match="more but gives no 'next' cursor"):
        _pull(site)
    assert _imported() == [] and remembered(site["coll"]) is None


def test_wrong_credentials_and_unknown_collections_import_nothing(site: dict[str, Any]) -> None:
    with pytest.raises(PullError, match="refused the TAXII user 'green-tf': wrong user name"):
        _pull(site, password="not-the-secret-0123")
    with pytest.raises(PullError, match="refused the TAXII user 'nobody'"):
        _pull(site, user="nobody")
    with pytest.raises(PullError, match="no collection 'tlp-amber'") as unknown:
        pull(site["root"], "tlp-amber", user="green-tf", password=SECRET,
             importing_user=site["importer"])  # fmt: skip
    assert unknown.value.hint is not None and "tlp-green" in unknown.value.hint
    with pytest.raises(PullError, match=r"cannot reach 127\.0\.0\.1:9"):
        pull("http://127.0.0.1:9/taxii2/", "tlp-green", user="green-tf", password=SECRET,
             importing_user=site["importer"])  # fmt: skip
    with pytest.raises(CasePermissionError):
        _pull(site, importing_user=site["reviewer"])
    with pytest.raises(UsageError, match="not a timestamp"):
        _pull(site, added_after="yesterday")
    assert _imported() == [] and remembered(site["coll"]) is None


def test_an_api_root_url_works_too(site: dict[str, Any]) -> None:
    result = pull(site["root"] + "onevoice/", GREEN.id, user="green-tf", password=SECRET,
                  importing_user=site["importer"])  # fmt: skip
    assert result.new == 2


def test_invalid_stix_imports_nothing(
    site: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    served = query.objects_of

    def broken(page: query.Page) -> list[dict[str, Any]]:
        objects = served(page)
        return [{**o, "type": "x-unknown"} if o["type"] == "intrusion-set" else o for o in objects]

    monkeypatch.setattr(query, "objects_of", broken)
    with pytest.raises(BundleRefused, match="unknown type 'x-unknown'") as refused:
        _pull(site)
    assert str(refused.value).startswith(site["coll"])
    assert _imported() == [] and remembered(site["coll"]) is None


def test_reports_without_author_get_the_given_source(
    site: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    served = query.objects_of

    def anonymous(page: query.Page) -> list[dict[str, Any]]:
        objects = served(page)
        return [
            {k: v for k, v in o.items() if k != "created_by_ref"} if o["type"] == "report" else o
            for o in objects
        ]

    monkeypatch.setattr(query, "objects_of", anonymous)
    assert {c.source for c in _pull(site).cases} == {"EEAS hub"}


def test_command_line(site: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchange_cmd, "_setup", lambda data_dir: None)
    args = ["taxii", site["root"], "--collection", "tlp-green", "--taxii-user", "green-tf"]
    args += ["--password-stdin", "--user", "importer"]
    runner = CliRunner()
    refused = runner.invoke(exchange_cmd.import_, args, input="wrong-password-012\n")
    assert refused.exit_code == 1 and isinstance(refused.exception, PullError)
    assert _imported() == []
    done = runner.invoke(exchange_cmd.import_, args, input=SECRET + "\n")
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert sorted(line.split("\t", 1)[1] for line in lines) == [
        "EEAS\tCloned news sites",
        "EEAS\tFake fact-checks",
    ]
    assert "2 new cases, 0 imported before" in done.stderr
    again = runner.invoke(exchange_cmd.import_, args, input=SECRET + "\n")
    assert again.exit_code == 0 and again.stdout == ""
    assert f"0 objects added after {remembered(site['coll'])}" in again.stderr
    state = json.loads((Path(site["tmp"]) / taxii_pull.STATE_FILE).read_text(encoding="utf-8"))
    assert list(state) == [site["coll"]] and state[site["coll"]]["user"] == "green-tf"
    assert len(_imported()) == 2
