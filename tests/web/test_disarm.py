"""Loading DISARM into the database: a synthetic bundle, the shared 1.6/1.7 data, the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from onevoice.cli.main import cli
from onevoice.errors import InputError, OneVoiceError, UnreadableInput
from onevoice.web.cases.disarm import load_disarm, load_disarm_dir, version_from_name
from onevoice.web.cases.models import DisarmFramework, DisarmTactic, DisarmTechnique
from tests.conftest import SHARED

DISARM = SHARED / "data" / "disarm"
needs_shared = pytest.mark.skipif(
    not (DISARM / "DISARM-1.7.stix.json").is_file(),
    reason=f"no shared DISARM data at {DISARM} (set ONEVOICE_SHARED)",
)


def _ref(ext: str, kind: str = "techniques") -> list[dict[str, str]]:
    return [{"source_name": "mitre-attack", "external_id": ext, "url": f"https://x/{kind}/{ext}"}]


def _bundle() -> dict[str, Any]:
    """Two tactics, a technique with one sub-technique (linked by a relationship only for
    the first), and a revoked technique that must not be loaded."""
    phase = [{"kill_chain_name": "mitre-attack", "phase_name": "maximise-exposure"}]
    return {
        "type": "bundle",
        "id": "bundle--1",
        "objects": [
            {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "DISARM Test"},
            {
                "type": "marking-definition",
                "id": "marking-definition--1",
                "definition": {"statement": "CC-BY-SA-4.0 DISARM Foundation"},
            },
            {
                "type": "x-mitre-tactic",
                "id": "x-mitre-tactic--17",
                "name": "Maximise Exposure",
                "x_mitre_shortname": "maximise-exposure",
                "external_references": _ref("TA17", "tactics"),
            },
            {
                "type": "x-mitre-tactic",
                "id": "x-mitre-tactic--01",
                "name": "Plan Strategy",
                "x_mitre_shortname": "plan-strategy",
                "external_references": _ref("TA01", "tactics"),
            },
            {
                "type": "attack-pattern",
                "id": "attack-pattern--49",
                "name": "Flood Information Space",
                "kill_chain_phases": phase,
                "external_references": _ref("T0049"),
            },
            {
                "type": "attack-pattern",
                "id": "attack-pattern--49-1",
                "name": "Trolls Amplify and Manipulate",
                "kill_chain_phases": phase,
                "x_mitre_is_subtechnique": True,
                "external_references": _ref("T0049.001"),
            },
            {
                "type": "attack-pattern",
                "id": "attack-pattern--49-2",
                "name": "Hijack Existing Hashtag",
                "kill_chain_phases": phase,
                "x_mitre_is_subtechnique": True,
                "external_references": _ref("T0049.002"),
            },
            {
                "type": "attack-pattern",
                "id": "attack-pattern--old",
                "name": "Old",
                "revoked": True,
                "kill_chain_phases": phase,
                "external_references": _ref("T0999"),
            },
            {
                "type": "relationship",
                "id": "relationship--1",
                "relationship_type": "subtechnique-of",
                "source_ref": "attack-pattern--49-1",
                "target_ref": "attack-pattern--49",
            },
        ],
    }


@pytest.fixture
def bundle_file(tmp_path: Path) -> Path:
    path = tmp_path / "DISARM-9.1.stix.json"
    path.write_text(json.dumps(_bundle()), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("DISARM-1.7.stix.json", "1.7"),
        ("disarm_v1.6.json", "1.6"),
        ("DISARM-2.json", "2"),
        ("framework.json", None),
    ],
)
def test_version_from_name(name: str, version: str | None) -> None:
    assert version_from_name(name) == version


def test_load_a_bundle(db: Any, bundle_file: Path) -> None:
    fw = load_disarm(bundle_file)
    assert (fw.version, fw.name, fw.licence) == (
        "9.1",
        "DISARM Test",
        "CC-BY-SA-4.0 DISARM Foundation",
    )
    assert sorted(fw.tactics.values_list("external_id", flat=True)) == ["TA01", "TA17"]
    assert sorted(fw.techniques.values_list("external_id", flat=True)) == [
        "T0049", "T0049.001", "T0049.002",
    ]  # fmt: skip
    t49 = fw.techniques.get(external_id="T0049")
    assert t49.tactic.external_id == "TA17" and t49.parent is None
    assert t49.url == "https://x/techniques/T0049"
    # parent from the relationship, and from the ID when no relationship says it
    assert fw.techniques.get(external_id="T0049.001").parent == t49
    assert fw.techniques.get(external_id="T0049.002").parent == t49


def test_loading_again_changes_nothing(db: Any, bundle_file: Path) -> None:
    first = load_disarm(bundle_file)
    again = load_disarm(bundle_file)
    assert again.pk == first.pk
    assert DisarmFramework.objects.count() == 1
    assert DisarmTechnique.objects.count() == 3 and DisarmTactic.objects.count() == 2


def test_another_file_under_a_loaded_version_is_refused(db: Any, bundle_file: Path) -> None:
    load_disarm(bundle_file)
    changed = _bundle()
    changed["objects"][4]["name"] = "Renamed"
    other = bundle_file.parent / "other" / bundle_file.name
    other.parent.mkdir()
    other.write_text(json.dumps(changed), encoding="utf-8")
    with pytest.raises(OneVoiceError, match=r"DISARM 9\.1 is already loaded from another file"):
        load_disarm(other)
    assert DisarmTechnique.objects.get(external_id="T0049").name == "Flood Information Space"


def test_bad_inputs(db: Any, tmp_path: Path, bundle_file: Path) -> None:
    with pytest.raises(InputError, match="no DISARM version in the file name"):
        load_disarm(shutil.copy(bundle_file, tmp_path / "framework.json"))
    not_bundle = tmp_path / "DISARM-1.0.json"
    not_bundle.write_text('{"type": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match="is not a STIX bundle"):
        load_disarm(not_bundle)
    broken = tmp_path / "DISARM-1.1.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="is not JSON"):
        load_disarm(broken)
    empty = tmp_path / "DISARM-1.2.json"
    empty.write_text('{"type": "bundle", "objects": []}', encoding="utf-8")
    with pytest.raises(InputError, match="holds no DISARM tactics or techniques"):
        load_disarm(empty)
    with pytest.raises(UnreadableInput, match="no such file or folder"):
        load_disarm_dir(tmp_path / "other")
    (tmp_path / "other").mkdir()
    with pytest.raises(UnreadableInput, match=r"no DISARM-<version>\.stix\.json files"):
        load_disarm_dir(tmp_path / "other")
    assert DisarmFramework.objects.count() == 0


@needs_shared
def test_the_shared_frameworks(db: Any) -> None:
    frameworks = load_disarm_dir(DISARM)
    assert [fw.version for fw in frameworks] == ["1.6", "1.7"]
    v16, v17 = frameworks
    assert (v16.tactics.count(), v16.techniques.count()) == (16, 391)
    assert (v17.tactics.count(), v17.techniques.count()) == (15, 445)
    assert v16.tactics.filter(external_id="TA08").exists()
    assert not v17.tactics.filter(external_id="TA08").exists()
    t49 = v17.techniques.get(external_id="T0049")
    assert t49.name == "Flood Information Space" and t49.tactic.external_id == "TA17"
    assert v17.techniques.get(external_id="T0049.001").parent == t49
    # every sub-technique has its parent; every technique its tactic
    assert not v17.techniques.filter(external_id__contains=".", parent=None).exists()
    assert not v17.techniques.filter(tactic=None).exists()
    assert "CC-BY-SA-4.0" in v17.licence
    assert [fw.pk for fw in load_disarm_dir(DISARM)] == [v16.pk, v17.pk]
    assert DisarmTechnique.objects.count() == 391 + 445


def test_cli_help_has_examples() -> None:
    for args in (["disarm"], ["disarm", "load"], ["disarm", "list"]):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output, args


def test_cli_load_and_list(tmp_path: Path, bundle_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONEVOICE_", "DJANGO_"))}
    env["ONEVOICE_DATA_DIR"] = str(tmp_path / "web")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "onevoice.cli.main", "disarm", *args],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip

    loaded = run("load", str(bundle_file.parent))
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout == "9.1\t2\t3\n"
    assert run("load", str(bundle_file)).stdout == "9.1\t2\t3\n"  # idempotent
    listed = run("list")
    assert listed.stdout == f"9.1\t2\t3\t{bundle_file}\n"
    missing = run("load", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
