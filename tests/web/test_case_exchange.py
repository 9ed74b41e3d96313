"""The exchange adapter: demo-like cases → STIX (valid, deterministic, pseudonymised), and
partner bundles → draft cases (ids and confidence kept, round trip identical, all or nothing).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from onevoice.demo import generate
from onevoice.detect.params import DetectParams
from onevoice.detect.run import detect
from onevoice.errors import InputError
from onevoice.exchange.stix_export import bundle_json, validate_bundle
from onevoice.exchange.stix_import import BundleRefused, read_bundle
from onevoice.ingest.pipeline import ingest_file
from onevoice.store import Store
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.disarm import load_disarm_dir
from onevoice.web.cases.evidence import attach_copy, attach_network
from onevoice.web.cases.exchange import (
    already_imported,
    bundle_for_cases,
    case_export,
    disarm_catalogs,
    import_cases,
)
from onevoice.web.cases.imports import import_stix_files
from onevoice.web.cases.models import (
    Case,
    CaseAccount,
    CaseTechnique,
    DisarmTechnique,
    Evidence,
    Judgement,
)
from onevoice.web.cases.pseudonyms import pseudonymise
from onevoice.web.cases.workflow import (
    CasePermissionError,
    add_judgement,
    create_case,
    find_or_create_actor,
    mark_account,
    tag_technique,
    transition,
    update_case,
)
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db
DISARM = SHARED / "data" / "disarm"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The seeded demo data (small scale), ingested and run through co-link detection."""
    folder = tmp_path_factory.mktemp("demo")
    files = generate(folder / "data", seed=20, scale=0.05)
    with Store(folder / "store") as store:
        for path in files:
            if path.name != "ground_truth.json":
                ingest_file(store, str(path))
        run = detect(store, DetectParams(kinds=("co-link",), min_weight=2))
    return folder / "store", run.run_id


def demo_case(analyst: User, reviewer: User, store: tuple[Path, str], title: str) -> Case:
    """A case built as in the demo: a network, techniques of DISARM 1.6 and 1.7, an actor,
    a judgement resting on the network and an outlet, a hub marked as a state asset;
    approved by a reviewer."""
    path, run_id = store
    case = create_case(analyst, title, summary="Accounts pushing the same links.", tlp="green")
    network = attach_network(case, path, run_id, 1, analyst, reliability="B", credibility=2)
    outlet = attach_copy(case, "outlet", "news.example", {"seen": 3}, analyst, title="Outlet")
    for version, ext in (("1.7", "T0049"), ("1.6", "T0085.003")):
        tech = DisarmTechnique.objects.get(framework__version=version, external_id=ext)
        tag_technique(case, tech, analyst, note=f"seen ({version})")
    actor = find_or_create_actor("Ministry Y", analyst, "state_linked")
    add_judgement(
        case, actor, analyst, likelihood="likely", confidence="moderate",
        rationale="Registrant shared with the ministry.", evidence=[network, outlet],
    )  # fmt: skip
    hub = network.data["hubs"][0]
    mark_account(case, hub, analyst, state_asset=True)
    transition(case, "in_review", analyst)
    transition(case, "approved", reviewer)
    case.refresh_from_db()
    return case


@pytest.fixture
def people(make_user: Callable[..., User]) -> tuple[User, User]:
    load_disarm_dir(DISARM)
    return make_user("analyst", username="author"), make_user("reviewer", username="rev")


@pytest.fixture
def case(people: tuple[User, User], demo_store: tuple[Path, str]) -> Case:
    return demo_case(*people, demo_store, "Links flood")


def test_bundle_of_a_demo_case_validates_and_pseudonymises(case: Case) -> None:
    bundle = bundle_for_cases([case])
    assert validate_bundle(bundle) == []
    types = {o["type"] for o in bundle["objects"]}
    assert {"report", "intrusion-set", "attack-pattern", "threat-actor", "note"} <= types
    patterns = {o["x_mitre_id"] for o in bundle["objects"] if o["type"] == "attack-pattern"}
    assert patterns == {"T0049", "T0085.003"}  # one of DISARM 1.7, one of 1.6
    text = bundle_json(bundle)
    network = case.evidence.get(kind="network")
    hub = network.data["hubs"][0]
    private = [str(m["account_id"]) for m in network.data["members"] if m["account_id"] != hub]
    assert private
    for account in private:
        assert f'"{account}"' not in text
    # the same pseudonyms as the printable report's
    assert pseudonymise(private[0], case) in text
    assert f'"{hub}"' in text  # the state asset is named
    relation = next(o for o in bundle["objects"] if o.get("relationship_type") == "attributed-to")
    assert relation["confidence"] == 70 and relation["x_onevoice_analytic_confidence"] == "moderate"


def test_same_case_twice_gives_the_same_bytes(case: Case) -> None:
    assert bundle_json(bundle_for_cases([case])) == bundle_json(bundle_for_cases([case]))


def test_round_trip_through_the_models(case: Case, people: tuple[User, User]) -> None:
    analyst = people[0]
    first = bundle_json(bundle_for_cases([case]))
    exports = read_bundle(first, disarm=disarm_catalogs())
    (imported,) = import_cases(exports, analyst, source="test partner", imported_from="a.json")
    imported.refresh_from_db()
    assert imported.pk != case.pk and imported.status == "draft"
    assert (imported.source, imported.source_id, imported.source_status) == (
        "OneVoice", str(case.pk), "approved"
    )  # fmt: skip
    assert imported.imported_from == "a.json" and imported.stix_id.startswith("report--")
    assert sorted(
        CaseTechnique.objects.filter(case=imported).values_list("framework_version", "external_id")
    ) == [("1.6", "T0085.003"), ("1.7", "T0049")]
    judgement = Judgement.objects.get(case=imported)
    assert judgement.stix_id.startswith("relationship--") and judgement.likelihood == "likely"
    assert judgement.evidence.count() == 2
    assert Evidence.objects.filter(case=imported).exclude(stix_id="").count() == 2
    assert CaseAccount.objects.filter(case=imported, state_asset=True).count() == 1
    second = bundle_json(bundle_for_cases([imported]))
    assert second == first
    # once changed here, the case is exported as ours: same ids, our status and time
    update_case(imported, analyst, summary="Reviewed here.")
    third = json.loads(bundle_json(bundle_for_cases([imported])))
    report = next(o for o in third["objects"] if o["type"] == "report")
    assert report["id"] == imported.stix_id and report["x_onevoice_status"] == "draft"


def test_the_same_bundle_is_not_imported_twice(case: Case, people: tuple[User, User]) -> None:
    exports = read_bundle(bundle_json(bundle_for_cases([case])), disarm=disarm_catalogs())
    (first,) = import_cases(exports, people[0], source="x")
    (again,) = import_cases(exports, people[0], source="x")
    assert again.pk == first.pk and already_imported(again) and not already_imported(first)


def test_partner_ids_source_and_confidence_are_kept(
    case: Case, people: tuple[User, User], tmp_path: Path
) -> None:
    bundle = bundle_for_cases([case])
    for obj in bundle["objects"]:
        if obj["type"] == "identity" and obj["name"] == "OneVoice":
            obj["name"] = "EEAS"
        if obj.get("relationship_type") == "attributed-to":
            obj.pop("x_onevoice_likelihood")
            obj["confidence"] = 88
    path = tmp_path / "eeas.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    (imported,) = import_stix_files([path], people[0], partner="EEAS")
    assert imported.source == "EEAS" and imported.imported_from == "eeas.json"
    judgement = Judgement.objects.get(case=imported)
    assert judgement.likelihood == "very_likely"  # 88 is closest to very likely (85)
    relation = next(o for o in bundle["objects"] if o.get("relationship_type") == "attributed-to")
    assert judgement.stix_id == relation["id"]
    again = bundle_for_cases([imported])
    assert validate_bundle(again) == []
    exported = next(o for o in again["objects"] if o["id"] == relation["id"])
    assert exported["confidence"] == 85  # the word's number; the partner's id is kept
    audit = AuditEvent.objects.filter(action="create", object_type="case", object_id=imported.pk)
    assert audit.get().detail["imported_from"] == "eeas.json"


def test_a_bad_file_imports_nothing(case: Case, people: tuple[User, User], tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(bundle_json(bundle_for_cases([case])), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "bundle", "objects": [{"type": "x-mystery"}]}', encoding="utf-8")
    before = Case.objects.count()
    with pytest.raises(BundleRefused, match=r"bad\.json: object \? has the unknown type"):
        import_stix_files([good, bad], people[0])
    assert Case.objects.count() == before


def test_an_unloaded_technique_imports_nothing(case: Case, people: tuple[User, User]) -> None:
    export = case_export(case)
    tech = dataclasses.replace(export.techniques[0], framework_version="9.9")
    second = dataclasses.replace(export, id="other", techniques=(tech,))
    before = Case.objects.count()
    with pytest.raises(InputError, match=r"DISARM 9\.9 technique T0085\.003, which is not loaded"):
        import_cases([export, second], people[0], source="x")
    assert Case.objects.count() == before


def test_only_analysts_import(case: Case, make_user: Callable[..., User]) -> None:
    with pytest.raises(CasePermissionError):
        import_cases([case_export(case)], make_user("reviewer", username="r2"), source="x")


def test_cases_tagged_under_either_disarm_version_keep_it(people: tuple[User, User]) -> None:
    """T0049 under DISARM 1.6 in one case and under 1.7 in another, through export/import."""
    analyst, reviewer = people
    cases = []
    for version in ("1.6", "1.7"):
        case = create_case(analyst, f"Tagged under {version}", tlp="amber")
        tech = DisarmTechnique.objects.get(framework__version=version, external_id="T0049")
        tag_technique(case, tech, analyst)
        transition(case, "in_review", analyst)
        transition(case, "approved", reviewer)
        cases.append(case)
    bundle = bundle_for_cases(cases)
    assert validate_bundle(bundle) == []
    uses = sorted(
        o["x_onevoice_framework_version"]
        for o in bundle["objects"]
        if o.get("relationship_type") == "uses"
    )
    assert uses == ["1.6", "1.7"]
    imported = import_cases(
        read_bundle(bundle_json(bundle), disarm=disarm_catalogs()), analyst, source="x"
    )
    tags = {
        c.title: list(c.techniques.values_list("external_id", "framework_version"))
        for c in imported
    }
    assert tags == {"Tagged under 1.6": [("T0049", "1.6")], "Tagged under 1.7": [("T0049", "1.7")]}
    assert bundle_json(bundle_for_cases(imported)) == bundle_json(bundle)
    # the order the cases are given in does not matter
    assert bundle_json(bundle_for_cases(cases[::-1])) == bundle_json(bundle)
