"""Meta threat-research CSVs: all 52 files, pinned counts, the kill-chain → DISARM map."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from onevoice.errors import MissingColumns
from onevoice.exchange.disarm_catalog import load_catalog
from onevoice.exchange.meta_indicators import (
    killchain_map,
    meta_technique_id,
    read_meta_csv,
    read_meta_dir,
)
from onevoice.exchange.pseudonyms import hmac_pseudonymiser
from onevoice.exchange.stix_export import case_bundle, validate_bundle

from .fixtures import DISARM_DIR, GOLDEN, META_DIR


@pytest.fixture(scope="module")
def imports():  # type: ignore[no-untyped-def]
    return read_meta_dir(META_DIR)


def test_all_52_files_import_with_pinned_counts(imports) -> None:  # type: ignore[no-untyped-def]
    assert len(imports) == 52
    counts = {i.path.name: i.counts for i in imports}
    assert all(not i.problems for i in imports), [i.problems for i in imports if i.problems]
    golden = GOLDEN / "meta_counts.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert counts == json.loads(golden.read_text(encoding="utf-8"))
    assert all(i.case.source == "Meta" and i.case.tlp == "clear" for i in imports)


def test_every_mapped_disarm_id_exists_in_17() -> None:
    catalog = load_catalog(DISARM_DIR / "DISARM-1.7.stix.json")
    mapping = killchain_map()
    for meta_id, (_name, disarm_id, reason) in mapping.items():
        assert reason, meta_id
        if disarm_id:
            assert disarm_id in catalog.techniques, (meta_id, disarm_id)


def test_every_meta_technique_is_mapped_or_listed_unmapped(imports) -> None:  # type: ignore[no-untyped-def]
    mapping = killchain_map()
    with (META_DIR / "Online_Operations_Killchain-TTPs.csv").open(encoding="utf-8") as handle:
        official = {meta_technique_id(r["Technique"]) for r in csv.DictReader(handle)} - {""}
    in_files = {t for i in imports for t in i.techniques}
    assert official <= set(mapping)
    assert in_files <= set(mapping)


def test_drafts_export_to_valid_stix(imports) -> None:  # type: ignore[no-untyped-def]
    disarm = {"1.7": load_catalog(DISARM_DIR / "DISARM-1.7.stix.json")}
    small = [i.case for i in imports if sum(i.counts.values()) < 60][:3]
    bundle = case_bundle(small, disarm=disarm, pseudonymise=hmac_pseudonymiser("k"))
    assert validate_bundle(bundle) == []


def test_header_spellings_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "Q3_2024_TEST_CIB_NETWORK.csv"
    path.write_text(
        "Tactic ,Technique, PROCEDURE,Indicator,Comments,Extra\n"
        "0. Acquiring assets,0.6 Acquiring domains,0.6.1 x,example[.]org,bought,\n"
        ",,,,,\n"
        "0. Acquiring assets,0.9 Acquiring social media accounts,0.9.7 x,hxxps://t[.]me/abc,,\n"
        "9. Enabling longevity,9.9 Unheard of,9.9.1 x,3 Pages,,\n",
        encoding="utf-8",
    )
    result = read_meta_csv(path)
    assert result.counts == {"domain": 1, "handle": 1, "other": 1}
    assert f"{path.name}:1: unknown column 'Extra' ignored" in result.problems
    assert f"{path.name}:5: Meta technique '9.9' not in the map" in result.problems
    assert {t.external_id for t in result.case.techniques} == {"T0149.001", "T0146"}
    assert result.case.created == "2024-07-01T00:00:00.000Z"
    note = next(i.note for i in result.case.indicators if i.kind == "domain")
    assert note.endswith("— bought")


def test_missing_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Tactic,Technique\n0,0.1\n", encoding="utf-8")
    with pytest.raises(MissingColumns, match="procedure, indicator"):
        read_meta_csv(path)
