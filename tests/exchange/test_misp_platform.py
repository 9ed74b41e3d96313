"""MISP feed and platform CSV exports."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from onevoice.errors import InputError
from onevoice.exchange.disarm_catalog import load_catalogs
from onevoice.exchange.misp_feed import Taxonomies, misp_feed
from onevoice.exchange.platform_csv import platform_csv
from onevoice.exchange.pseudonyms import hmac_pseudonymiser

from .fixtures import DISARM_DIR, GOLDEN, TAXONOMIES, demo_case

PSEUDO = hmac_pseudonymiser("test-secret")


@pytest.fixture(scope="module")
def feed() -> dict[str, str]:
    disarm = load_catalogs(DISARM_DIR)
    return misp_feed([demo_case()], disarm=disarm, taxonomies=TAXONOMIES, pseudonymise=PSEUDO)


def test_feed_layout_and_golden_manifest(feed: dict[str, str]) -> None:
    assert set(feed) - {"manifest.json", "hashes.csv"} == {
        f"{uuid}.json" for uuid in json.loads(feed["manifest.json"])
    }
    golden = GOLDEN / "demo_case.misp-manifest.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(feed["manifest.json"], encoding="utf-8")
    assert feed["manifest.json"] == golden.read_text(encoding="utf-8")


def test_event_tags_come_from_the_taxonomies(feed: dict[str, str]) -> None:
    tax = Taxonomies(TAXONOMIES)
    (name,) = [n for n in feed if n not in ("manifest.json", "hashes.csv")]
    event = json.loads(feed[name])["Event"]
    tags = {t["name"] for t in event["Tag"]}
    assert "tlp:green" in tags
    assert 'estimative-language:likelihood-probability="likely"' in tags
    assert 'estimative-language:confidence-in-analytic-judgment="moderate"' in tags
    assert 'misp-galaxy:disarm="Flood Information Space"' in tags
    assert all(t in tax.tags for t in tags if not t.startswith("misp-galaxy:"))
    clusters = event["Galaxy"][0]["GalaxyCluster"]
    assert {c["meta"]["external_id"][0] for c in clusters} == {"T0049", "T0085.003"}
    attr_tags = {t["name"] for a in event["Attribute"] for t in a.get("Tag", [])}
    assert 'admiralty-scale:source-reliability="b"' in attr_tags
    assert 'admiralty-scale:information-credibility="2"' in attr_tags
    assert len(feed["hashes.csv"].splitlines()) == len(event["Attribute"])
    assert "private_person" not in feed[name] and "tw:1001" not in feed[name]


def test_feed_is_deterministic(feed: dict[str, str]) -> None:
    disarm = load_catalogs(DISARM_DIR)
    again = misp_feed([demo_case()], disarm=disarm, taxonomies=TAXONOMIES, pseudonymise=PSEUDO)
    assert again == feed


def test_undefined_tag_is_refused() -> None:
    with pytest.raises(InputError, match="no tag tlp:purple"):
        Taxonomies(TAXONOMIES).tag("tlp", "purple")


def test_platform_csv_is_defanged_and_pseudonymised() -> None:
    text = platform_csv([demo_case()], pseudonymise=PSEUDO)
    rows = list(csv.DictReader(io.StringIO(text)))
    kinds = {(r["kind"], r["value"]) for r in rows}
    assert ("url", "hxxps://news[.]example[.]net/story") in kinds
    assert ("account", "tw:state") in kinds
    assert not any(r["value"] in ("tw:1001", "tw:1002") for r in rows)
    assert sum(r["kind"] == "account" for r in rows) == 3
    named = platform_csv([demo_case()], pseudonymise=None)
    assert "tw:1001" in named
