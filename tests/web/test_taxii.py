"""The TAXII 2.1 API as a partner uses it: ``taxii2-client`` against pytest-django's live server.

Real cases go through the workflow (an analyst opens and submits them, a different reviewer
approves them); partners of TLP:GREEN and TLP:AMBER clearance read them. Every endpoint is
called through ``taxii2client.v21``; raw ``requests`` calls check what the client hides
(headers, error bodies, content negotiation).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from django.contrib.auth.models import User
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from onevoice.exchange.stix_export import validate_bundle
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.models import Case, DisarmTechnique
from onevoice.web.cases.workflow import create_case, tag_technique, transition
from onevoice.web.taxii.auth import clear_cache
from onevoice.web.taxii.models import Partner
from onevoice.web.taxii.protocol import MEDIA_TYPE_TAXII, format_timestamp
from onevoice.web.taxii.store import COLLECTIONS
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db(transaction=True)

DISARM_17 = SHARED / "data" / "disarm" / "DISARM-1.7.stix.json"
SECRET = {"green-tf": "green-secret-0123456789", "amber-tf": "amber-secret-0123456789"}
COLL = {c.alias: c for c in COLLECTIONS}


def _partner(name: str, clearance: str, secret: str, *, active: bool = True) -> Partner:
    partner = Partner(name=name, clearance=clearance, active=active)
    partner.set_secret(secret)
    partner.save()
    return partner


@pytest.fixture
def site(live_server: Any, make_user: Callable[..., User]) -> dict[str, Any]:
    """Approved cases of TLP:GREEN and TLP:AMBER, cases that must never be served, partners."""
    from onevoice.web.cases.disarm import load_disarm

    clear_cache()
    load_disarm(DISARM_17)
    technique = DisarmTechnique.objects.get(framework__version="1.7", external_id="T0049")
    analyst, reviewer = make_user("analyst", username="ana"), make_user("reviewer", username="rev")
    communicator = make_user("communicator", username="com")

    def case(title: str, tlp: str, to: tuple[str, ...]) -> Case:
        made = create_case(analyst, title, summary=f"Summary of {title}.", tlp=tlp)
        tag_technique(made, technique, analyst)
        for status in to:
            transition(made, status, reviewer if status != "in_review" else analyst, "ok")
        return made

    approve = ("in_review", "approved")
    cases = {
        "green": case("Green approved case", "green", approve),
        "amber": case("Amber approved case", "amber", approve),
        "draft": case("Green draft case", "green", ()),
        "review": case("Green case in review", "green", ("in_review",)),
        "rejected": case("Green rejected case", "green", ("in_review", "rejected")),
    }
    _partner("green-tf", "green", SECRET["green-tf"])
    _partner("amber-tf", "amber", SECRET["amber-tf"])
    _partner("old-tf", "red", "old-secret-0123456789", active=False)
    return {
        "root": f"{live_server.url}/taxii2/",
        "api": f"{live_server.url}/taxii2/onevoice/",
        "cases": cases,
        "analyst": analyst,
        "reviewer": reviewer,
        "communicator": communicator,
        "case": case,
        "approve": approve,
    }


def _collection(site: dict[str, Any], alias: str, partner: str) -> Collection:
    url = f"{site['api']}collections/{COLL[alias].id}/"
    return Collection(url, user=partner, password=SECRET[partner])


def _reports(envelope: dict[str, Any]) -> set[str]:
    return {o["name"] for o in envelope.get("objects", []) if o["type"] == "report"}


def test_discovery_api_root_and_collections_follow_the_clearance(site: dict[str, Any]) -> None:
    server = Server(site["root"], user="green-tf", password=SECRET["green-tf"])
    assert server.title == "OneVoice TAXII 2.1 server"
    assert [r.url for r in server.api_roots] == [site["api"]]
    assert server.default is not None and server.default.url == site["api"]
    root = server.api_roots[0]
    assert root.versions == [MEDIA_TYPE_TAXII]
    assert root.max_content_length == 0
    assert [c.alias for c in root.collections] == ["tlp-clear", "tlp-green"]
    assert all(c.can_read and not c.can_write for c in root.collections)

    amber = ApiRoot(site["api"], user="amber-tf", password=SECRET["amber-tf"])
    assert [c.alias for c in amber.collections] == ["tlp-clear", "tlp-green", "tlp-amber"]
    one = _collection(site, "tlp-amber", "amber-tf")
    assert one.title == "OneVoice cases, TLP:AMBER" and one.id == COLL["tlp-amber"].id
    with pytest.raises(requests.HTTPError) as refused:
        _collection(site, "tlp-amber", "green-tf").refresh()
    assert refused.value.response.status_code == 403


def test_only_approved_cases_within_the_clearance_are_served(site: dict[str, Any]) -> None:
    green = _collection(site, "tlp-green", "green-tf")
    assert _reports(green.get_objects()) == {"Green approved case"}
    assert _reports(_collection(site, "tlp-amber", "amber-tf").get_objects()) == {
        "Amber approved case"
    }
    assert "objects" not in _collection(site, "tlp-clear", "green-tf").get_objects()

    amber_ids = {
        m["id"] for m in _collection(site, "tlp-amber", "amber-tf").get_manifest()["objects"]
    }
    green_ids = {m["id"] for m in green.get_manifest()["objects"]}
    only_amber = sorted(i for i in amber_ids - green_ids if i.startswith("report--"))
    assert only_amber, "the amber case has its own report"
    for endpoint in (green.get_object, green.object_versions):
        with pytest.raises(requests.HTTPError) as missing:
            endpoint(only_amber[0])
        assert missing.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as refused:
        _collection(site, "tlp-amber", "green-tf").get_objects()
    assert refused.value.response.status_code == 403
    with pytest.raises(requests.HTTPError) as refused:
        Collection(
            f"{site['api']}collections/{COLL['tlp-amber'].id}/",
            user="green-tf",
            password=SECRET["green-tf"],
            collection_info=COLL["tlp-amber"].resource(),
        ).get_manifest()
    assert refused.value.response.status_code == 403


def test_pages_added_after_and_date_added_from_the_approval(site: dict[str, Any]) -> None:
    green = _collection(site, "tlp-green", "green-tf")
    everything = green.get_objects()["objects"]
    assert len(everything) > 5
    pages = list(as_pages(green.get_objects, per_request=2))
    assert len(pages) == (len(everything) + 1) // 2
    assert [p["more"] for p in pages] == [True] * (len(pages) - 1) + [False]
    assert [o for p in pages for o in p["objects"]] == everything
    manifest = [m for p in as_pages(green.get_manifest, per_request=3) for m in p["objects"]]
    assert [(m["id"], m["version"]) for m in manifest] == [
        (o["id"], o.get("modified", o.get("created"))) for o in everything
    ]
    approved = site["cases"]["green"].versions.get(action="approve").created_at
    assert {m["date_added"] for m in manifest} == {format_timestamp(approved)}

    last = max(m["date_added"] for m in manifest)
    assert "objects" not in green.get_objects(added_after=last)
    site["case"]("Second green case", "green", site["approve"])
    newer = green.get_objects(added_after=last)
    assert _reports(newer) == {"Second green case"}
    assert all(m["date_added"] > last for m in green.get_manifest(added_after=last)["objects"])
    assert green.get_objects()["objects"][: len(everything)] == everything  # stable order


def test_object_versions_and_match_filters(site: dict[str, Any]) -> None:
    green = _collection(site, "tlp-green", "green-tf")
    report = green.get_objects(type="report")["objects"]
    assert [o["type"] for o in report] == ["report"]
    rid = report[0]["id"]
    assert green.get_object(rid)["objects"] == report
    assert green.object_versions(rid)["versions"] == [report[0]["modified"]]
    assert _reports(green.get_objects(id=rid)) == {"Green approved case"}
    assert "objects" not in green.get_objects(spec_version="2.0")
    assert len(green.get_objects(spec_version="2.1")["objects"]) > 5

    time.sleep(0.01)  # publication gets a later millisecond, hence a new STIX version
    transition(site["cases"]["green"], "published", site["communicator"])
    versions = green.object_versions(rid)["versions"]
    assert len(versions) == 2 and versions[0] == report[0]["modified"]
    assert green.get_object(rid)["objects"][0]["modified"] == versions[1]
    assert green.get_object(rid, version="first")["objects"] == report
    assert len(green.get_object(rid, version="all")["objects"]) == 2
    assert [o["modified"] for o in green.get_object(rid, version=versions[0])["objects"]] == [
        versions[0]
    ]
    published = site["cases"]["green"].versions.get(action="publish").created_at
    newest = green.get_manifest(id=rid)["objects"]
    assert [m["date_added"] for m in newest] == [format_timestamp(published)]


def _raw(site: dict[str, Any], path: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("auth", ("green-tf", SECRET["green-tf"]))
    headers = {"Accept": MEDIA_TYPE_TAXII, **kwargs.pop("headers", {})}
    method = kwargs.pop("method", "GET")
    return requests.request(method, site["root"] + path, headers=headers, timeout=30, **kwargs)


def _error(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["Content-Type"] == MEDIA_TYPE_TAXII
    body: dict[str, Any] = response.json()
    assert body["http_status"] == str(status) and body["title"] and body["description"]
    return body


def test_headers_negotiation_and_refusals(site: dict[str, Any]) -> None:
    objects = f"onevoice/collections/{COLL['tlp-green'].id}/objects/"
    ok = _raw(site, objects, params={"limit": "2"})
    assert ok.status_code == 200 and ok.headers["Content-Type"] == MEDIA_TYPE_TAXII
    manifest = _raw(site, objects.replace("objects/", "manifest/"), params={"limit": "2"}).json()
    assert ok.headers["X-TAXII-Date-Added-First"] == manifest["objects"][0]["date_added"]
    assert ok.headers["X-TAXII-Date-Added-Last"] == manifest["objects"][1]["date_added"]
    assert "Set-Cookie" not in ok.headers
    for accept in ("application/taxii+json", "*/*", "application/taxii+json; version=2.1"):
        assert _raw(site, objects, headers={"Accept": accept}).status_code == 200
    for accept in ("application/json", "application/taxii+json;version=2.0", "text/html"):
        _error(_raw(site, objects, headers={"Accept": accept}), 406)

    posted = _raw(site, objects, method="POST", json={"objects": []})
    assert _error(posted, 405)["description"].startswith("this TAXII server is read-only")
    assert posted.headers["Allow"] == "GET, HEAD"
    for path in ("", "onevoice/", "onevoice/collections/"):
        nobody = _raw(site, path, auth=None)
        _error(nobody, 401)
        assert nobody.headers["WWW-Authenticate"].startswith("Basic ")
        _error(_raw(site, path, auth=("green-tf", "wrong-secret")), 401)
        _error(_raw(site, path, auth=("nobody", SECRET["green-tf"])), 401)
        _error(_raw(site, path, auth=("old-tf", "old-secret-0123456789")), 403)
        _error(_raw(site, path, auth=("old-tf", "wrong-secret")), 401)
    _error(_raw(site, "elsewhere/collections/"), 404)
    _error(_raw(site, "onevoice/collections/no-such-collection/"), 404)
    _error(_raw(site, objects, params={"added_after": "yesterday"}), 400)
    _error(_raw(site, objects, params={"limit": "0"}), 400)
    _error(_raw(site, objects, params={"next": "not-a-cursor"}), 400)
    _error(_raw(site, objects, params={"match[version]": "newest"}), 400)

    with pytest.raises(requests.HTTPError) as refused:
        Server(site["root"], user="green-tf", password="wrong-secret").refresh()
    assert refused.value.response.status_code == 401
    with pytest.raises(requests.HTTPError) as refused:
        ApiRoot(site["api"], user="old-tf", password="old-secret-0123456789").refresh()
    assert refused.value.response.status_code == 403


def test_every_request_is_audited_with_the_partner(site: dict[str, Any]) -> None:
    _collection(site, "tlp-green", "green-tf").get_objects()
    _raw(site, "onevoice/", auth=("green-tf", "wrong-secret"))
    events = list(AuditEvent.objects.filter(object_type="taxii").order_by("id"))
    served = [e for e in events if e.action == "view" and e.detail["status"] == 200]
    assert {e.detail["partner"] for e in served} == {"green-tf"}
    assert {e.detail["endpoint"] for e in served} >= {"collection", "objects"}
    failed = [e for e in events if e.action == "login_failed"]
    assert [(e.detail["partner"], e.detail["status"]) for e in failed] == [("green-tf", 401)]
    assert all(e.actor is None for e in events)


def test_what_is_served_passes_the_stix_validator(site: dict[str, Any]) -> None:
    site["case"]("Clear approved case", "clear", site["approve"])
    for alias in ("tlp-clear", "tlp-green", "tlp-amber"):
        objects = _collection(site, alias, "amber-tf").get_objects()["objects"]
        bundle = {"type": "bundle", "id": "bundle--" + COLL[alias].id, "objects": objects}
        assert validate_bundle(bundle) == [], alias
