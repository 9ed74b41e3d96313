"""STIX 2.1 export and import: validity, determinism, golden file, round trip, refusals."""

from __future__ import annotations

import json
import os

import pytest

from onevoice.errors import InputError
from onevoice.exchange.disarm_catalog import DisarmCatalog, load_catalogs
from onevoice.exchange.model import AccountRef, CaseExport
from onevoice.exchange.pseudonyms import hmac_pseudonymiser
from onevoice.exchange.stix_export import (
    bundle_json,
    case_bundle,
    validate_bundle,
)
from onevoice.exchange.stix_import import BundleRefused, read_bundle
from onevoice.exchange.stix_vocab import DNI_CONFIDENCE, TLP_MARKINGS

from .fixtures import DISARM_DIR, GOLDEN, demo_case

PSEUDO = hmac_pseudonymiser("test-secret")


@pytest.fixture(scope="module")
def disarm() -> dict[str, DisarmCatalog]:
    return load_catalogs(DISARM_DIR)


def _export(cases: list[CaseExport], disarm: dict[str, DisarmCatalog]) -> str:
    return bundle_json(case_bundle(cases, disarm=disarm, pseudonymise=PSEUDO))


def test_both_disarm_versions_load(disarm: dict[str, DisarmCatalog]) -> None:
    assert {"1.6", "1.7"} <= set(disarm)
    assert disarm["1.7"].technique("T0049").name == "Flood Information Space"


def test_demo_bundle_validates_and_matches_golden(disarm: dict[str, DisarmCatalog]) -> None:
    bundle = case_bundle([demo_case()], disarm=disarm, pseudonymise=PSEUDO)
    assert validate_bundle(bundle) == []
    text = bundle_json(bundle)
    golden = GOLDEN / "demo_case.stix.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_same_case_twice_is_byte_identical(disarm: dict[str, DisarmCatalog]) -> None:
    assert _export([demo_case()], disarm) == _export([demo_case()], disarm)
    # order of the cases does not matter either
    other = demo_case(id="8", title="Another")
    assert _export([demo_case(), other], disarm) == _export([other, demo_case()], disarm)


def test_bundle_content(disarm: dict[str, DisarmCatalog]) -> None:
    objects = case_bundle([demo_case()], disarm=disarm, pseudonymise=PSEUDO)["objects"]
    by_type: dict[str, list[dict[str, object]]] = {}
    for obj in objects:
        by_type.setdefault(str(obj["type"]), []).append(obj)
    assert len(by_type["report"]) == 1 and len(by_type["intrusion-set"]) == 1
    patterns = {p["x_mitre_id"]: p for p in by_type["attack-pattern"]}
    assert set(patterns) == {"T0049", "T0085.003"}  # one of DISARM 1.7, one of 1.6
    assert patterns["T0049"]["id"] == disarm["1.7"].technique("T0049").stix_id
    assert patterns["T0085.003"]["id"] == disarm["1.6"].technique("T0085.003").stix_id
    for pattern in patterns.values():
        assert pattern["kill_chain_phases"][0]["kill_chain_name"] == "disarm"  # type: ignore[index]
    marking = next(o for o in objects if o["id"] == TLP_MARKINGS["green"])
    assert marking["name"] == "TLP:GREEN"
    attribution = next(
        o for o in by_type["relationship"] if o["relationship_type"] == "attributed-to"
    )
    assert attribution["confidence"] == DNI_CONFIDENCE["likely"] == 70
    notes = {n.get("x_onevoice_evidence_kind"): n for n in by_type["note"]}
    assert notes["network"]["confidence"] == 70  # Admiralty credibility 2
    assert "confidence" not in notes["url"]  # credibility 6 cannot be judged
    assert {o["type"] for o in objects} >= {"narrative", "channel", "indicator", "threat-actor"}


def test_private_accounts_are_pseudonymised(disarm: dict[str, DisarmCatalog]) -> None:
    text = _export([demo_case()], disarm)
    for private in ("tw:1001", "tw:1002", "private_person", "another_one", "A Person"):
        assert private not in text
    assert "tw:state" in text and "StateMediaEN" in text  # a state asset is named
    assert "https://twitter.com/StateMediaEN" in text  # its profile URL too
    assert "account-" in text


def test_private_account_without_pseudonymiser_is_refused(
    disarm: dict[str, DisarmCatalog],
) -> None:
    with pytest.raises(InputError, match="private account"):
        case_bundle([demo_case()], disarm=disarm)


def test_unknown_disarm_version_is_refused(disarm: dict[str, DisarmCatalog]) -> None:
    with pytest.raises(InputError, match=r"DISARM 1\.7"):
        case_bundle([demo_case()], disarm={"1.6": disarm["1.6"]}, pseudonymise=PSEUDO)


def test_round_trip_is_identical(disarm: dict[str, DisarmCatalog]) -> None:
    bundle = case_bundle(
        [demo_case(), demo_case(id="8", tlp="amber+strict")], disarm=disarm, pseudonymise=PSEUDO
    )
    assert validate_bundle(bundle) == []
    first = bundle_json(bundle)
    cases = read_bundle(first, disarm=disarm)
    assert {(t.external_id, t.framework_version) for t in cases[0].techniques} == {
        ("T0049", "1.7"),
        ("T0085.003", "1.6"),
    }
    assert {c.source for c in cases} == {"OneVoice"}
    assert {c.tlp for c in cases} == {"green", "amber+strict"}
    assert _export(cases, disarm) == first
    again = read_bundle(_export(cases, disarm), disarm=disarm)
    assert again == cases


def test_partner_ids_and_confidence_are_kept(disarm: dict[str, DisarmCatalog]) -> None:
    bundle = json.loads(_export([demo_case()], disarm))
    for obj in bundle["objects"]:
        if obj["type"] == "identity" and obj["name"] == "OneVoice":
            obj["name"] = "EEAS"
        if obj["type"] == "relationship" and obj["relationship_type"] == "attributed-to":
            obj.pop("x_onevoice_likelihood")
            obj["confidence"] = 88  # partner's own number: closest DNI word is very likely
    (case,) = read_bundle(json.dumps(bundle), disarm=disarm)
    assert case.source == "EEAS"
    assert case.judgements[0].likelihood == "very_likely"
    report = next(o for o in bundle["objects"] if o["type"] == "report")
    assert case.stix_id == report["id"]


def _bundle(disarm: dict[str, DisarmCatalog]) -> dict[str, object]:
    return json.loads(_export([demo_case()], disarm))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda b: "{not json", "not JSON"),
        (lambda b: json.dumps({**b, "type": "collection"}), "not a STIX bundle"),
        (lambda b: json.dumps({**b, "spec_version": "2.0"}), "STIX 2.0, not 2.1"),
        (
            lambda b: json.dumps(
                {**b, "objects": [*b["objects"], {**b["objects"][0], "type": "x-mystery"}]}
            ),
            "unknown type 'x-mystery'",
        ),
        (
            lambda b: json.dumps(
                {**b, "objects": [o for o in b["objects"] if o["type"] != "threat-actor"]}
            ),
            "which is missing",
        ),
        (
            lambda b: json.dumps(
                {
                    **b,
                    "objects": [
                        {**o, "spec_version": "2.0"} if o["type"] == "note" else o
                        for o in b["objects"]
                    ],
                }
            ),
            "is STIX 2.0",
        ),
        (
            lambda b: json.dumps(
                {**b, "objects": [o for o in b["objects"] if o["type"] != "report"]}
            ),
            "holds no report",
        ),
    ],
)
def test_bad_bundles_are_refused(disarm: dict[str, DisarmCatalog], mutate, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BundleRefused, match=reason):
        read_bundle(mutate(_bundle(disarm)), disarm=disarm)


def test_validator_errors_refuse(disarm: dict[str, DisarmCatalog]) -> None:
    bundle = _bundle(disarm)
    for obj in bundle["objects"]:  # type: ignore[attr-defined]
        if obj["type"] == "indicator":
            obj["pattern"] = "[not a pattern"
    with pytest.raises(BundleRefused, match=r"not valid STIX 2\.1"):
        read_bundle(json.dumps(bundle), disarm=disarm)


def test_already_pseudonymised_accounts_are_not_pseudonymised_twice(
    disarm: dict[str, DisarmCatalog],
) -> None:
    case = demo_case(accounts=(AccountRef("account-0123456789ab", pseudonymised=True),))
    text = _export([case], disarm)
    assert "account-0123456789ab" in text


def test_partner_bundle_with_campaign_and_unlisted_relationships(
    disarm: dict[str, DisarmCatalog],
) -> None:
    """An OpenCTI-style bundle written by hand: campaign, TLP 1.0 marking, no OneVoice props."""
    t0049 = disarm["1.7"].technique("T0049")
    ts = "2025-05-05T10:00:00.000Z"
    common = {"spec_version": "2.1", "created": ts, "modified": ts}
    partner = "identity--2f8b7a8e-0f4c-4e0b-9d61-6b1f8f2d1a10"
    campaign = "campaign--0b5e0a6e-6f0e-4a53-9b6e-5b4c3f2e1d00"
    bundle = {
        "type": "bundle",
        "id": "bundle--5d0c8b9a-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
        "objects": [
            {**common, "type": "identity", "id": partner, "name": "EDMO hub",
             "identity_class": "organization"},
            {**common, "type": "campaign", "id": campaign, "name": "Operation X",
             "created_by_ref": partner},
            {**common, "type": "attack-pattern", "id": t0049.stix_id, "name": t0049.name,
             "external_references": [{"source_name": "DISARM", "external_id": "T0049"}]},
            {**common, "type": "relationship", "relationship_type": "uses",
             "id": "relationship--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
             "source_ref": campaign, "target_ref": t0049.stix_id},
            {**common, "type": "indicator", "id": "indicator--1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d",
             "name": "bad domain", "pattern": "[domain-name:value = 'bad.example']",
             "pattern_type": "stix", "valid_from": ts},
            {**common, "type": "relationship", "relationship_type": "indicates",
             "id": "relationship--2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
             "source_ref": "indicator--1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d",
             "target_ref": campaign},
            {**common, "type": "report", "id": "report--3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
             "name": "Operation X report", "published": ts, "created_by_ref": partner,
             "object_refs": [campaign],
             "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]},
        ],
    }  # fmt: skip
    (case,) = read_bundle(json.dumps(bundle), disarm=disarm)
    assert case.source == "EDMO hub" and case.tlp == "green" and case.status == "draft"
    assert case.stix_id == "report--3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
    assert [(t.external_id, t.framework_version) for t in case.techniques] == [("T0049", "1.7")]
    assert [(i.kind, i.value, i.stix_id) for i in case.indicators] == [
        ("domain", "bad.example", "indicator--1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d")
    ]
    again = case_bundle([case], disarm=disarm, pseudonymise=PSEUDO)
    assert validate_bundle(again) == []
    assert "indicator--1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d" in bundle_json(again)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"created": "2026-03-01 09:00"}, "not a STIX timestamp"),
        ({"tlp": "white"}, "unknown TLP"),
        ({"actors": ()}, "unknown actor"),
    ],
)
def test_bad_cases_are_refused(
    disarm: dict[str, DisarmCatalog], changes: dict[str, object], reason: str
) -> None:
    with pytest.raises(InputError, match=reason):
        case_bundle([demo_case(**changes)], disarm=disarm, pseudonymise=PSEUDO)
