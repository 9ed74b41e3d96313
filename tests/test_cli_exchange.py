"""``onevoice export`` and ``onevoice import`` in subprocesses with a temporary web folder.

A helper script opens cases through the case workflow (a network of a small store, DISARM
1.6 and 1.7 techniques, an actor and a judgement, approved by a reviewer), then the commands
are run as a user would run them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from onevoice.detect.params import DetectParams
from onevoice.detect.run import detect
from onevoice.exchange.stix_export import validate_bundle
from onevoice.ingest.pipeline import ingest_file
from onevoice.store import Store
from tests.conftest import SHARED

SETUP_CASES = """
import sys
from onevoice.web.bootstrap import setup
setup(sys.argv[1])
from django.contrib.auth.models import Group, User
from onevoice.web.cases.disarm import load_disarm_dir
from onevoice.web.cases.evidence import attach_network
from onevoice.web.cases.models import DisarmTechnique
from onevoice.web.cases import workflow as w

load_disarm_dir(sys.argv[3])
users = {}
for name in ("alice", "rob", "lia"):
    role = {"alice": "analyst", "rob": "reviewer", "lia": "liaison"}[name]
    users[name] = User.objects.create_user(name, password="x" * 20)
    users[name].groups.set([Group.objects.get(name=role)])
alice, rob = users["alice"], users["rob"]
ids = []
for title, tlp, approve in (("Links flood", "green", True), ("Red one", "red", True),
                            ("Draft", "amber", False)):
    case = w.create_case(alice, title, summary="Accounts pushing links.", tlp=tlp)
    net = attach_network(case, sys.argv[2], sys.argv[4], 1, alice, reliability="B",
                         credibility=2)
    for version, ext in (("1.7", "T0049"), ("1.6", "T0085.003")):
        tech = DisarmTechnique.objects.get(framework__version=version, external_id=ext)
        w.tag_technique(case, tech, alice)
    actor = w.find_or_create_actor("Ministry Y", alice, "state_linked")
    w.add_judgement(case, actor, alice, likelihood="likely", confidence="moderate",
                    rationale="Shared registrant.", evidence=[net])
    if approve:
        w.transition(case, "in_review", alice)
        w.transition(case, "approved", rob)
    ids.append(case.pk)
print(" ".join(map(str, ids)))
"""


def _env(data: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ONEVOICE_", "DJANGO_SETTINGS_MODULE"))
    }
    env["ONEVOICE_DATA_DIR"] = str(data)
    env["ONEVOICE_SECRET_KEY"] = "cli-test-secret-" + "y" * 40
    return env


def _run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onevoice.cli.main", *args],
        capture_output=True,
        text=True,
        env=_env(data),
        timeout=300,
    )


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[int]]:
    """A web folder with three cases (approved green, approved red, draft) and a store."""
    folder = tmp_path_factory.mktemp("cli-exchange")
    src = folder / "posts.csv"
    lines = ["post_id,account_id,account_handle,created_at,text,urls"]
    for k in range(3):
        for j, acct in enumerate("abc"):
            lines.append(f"{3 * k + j},{acct},user_{acct},{1_700_000_000 + 3600 * k + 5 * j},x,"
                         f"https://news.holysouls.cc/{k}")  # fmt: skip
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = folder / "store"
    with Store(store) as db:
        ingest_file(db, str(src))
        run = detect(db, DetectParams(kinds=("co-link",), min_weight=2))
    data = folder / "web"
    script = [sys.executable, "-c", SETUP_CASES, str(data), str(store)]
    done = subprocess.run(
        [*script, str(SHARED / "data" / "disarm"), run.run_id],
        capture_output=True,
        text=True,
        env=_env(data),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return data, store, [int(x) for x in done.stdout.split()]


def test_export_twice_gives_identical_valid_bundles(
    web: tuple[Path, Path, list[int]], tmp_path: Path
) -> None:
    data, _store, (green, _red, _draft) = web
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    for out in (first, second):
        done = _run(data, "export", "stix", "--case", str(green), "--out", str(out))
        assert done.returncode == 0, done.stderr
    assert first.read_bytes() == second.read_bytes()
    bundle = json.loads(first.read_text(encoding="utf-8"))
    assert validate_bundle(bundle) == []
    assert {o["x_mitre_id"] for o in bundle["objects"] if o["type"] == "attack-pattern"} == {
        "T0049",
        "T0085.003",
    }
    assert '"other:b"' not in first.read_text(encoding="utf-8")  # pseudonymised


def test_drafts_and_red_cases_are_refused(web: tuple[Path, Path, list[int]]) -> None:
    data, _store, (green, red, draft) = web
    done = _run(data, "export", "stix", "--case", str(draft))
    assert done.returncode == 1
    assert f"Error: case {draft} is a draft; only approved or published cases" in done.stderr
    assert "Hint: a reviewer approves it first" in done.stderr
    done = _run(data, "export", "misp", "--case", str(red), "--out", "unused")
    assert done.returncode == 1 and "TLP:RED, which is never exported" in done.stderr
    done = _run(data, "export", "stix", "--all-approved")
    assert done.returncode == 0, done.stderr
    reports = [o for o in json.loads(done.stdout)["objects"] if o["type"] == "report"]
    assert [r["x_onevoice_case_id"] for r in reports] == [str(green)]
    done = _run(data, "export", "stix", "--case", "999")
    assert done.returncode == 2 and "Error: there is no case 999" in done.stderr
    done = _run(data, "export", "stix", "--case", str(green), "--user", "lia")
    assert done.returncode == 2 and "is not one of: admin, analyst" in done.stderr


def test_misp_and_platform_csv(web: tuple[Path, Path, list[int]], tmp_path: Path) -> None:
    data, _store, (green, _red, _draft) = web
    done = _run(data, "export", "misp", "--all-approved", "--out", str(tmp_path / "feed"))
    assert done.returncode == 0, done.stderr
    names = sorted(Path(p).name for p in done.stdout.split())
    assert "manifest.json" in names and "hashes.csv" in names and len(names) == 3
    done = _run(data, "export", "platform-csv", "--case", str(green), "--user", "rob")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("case,network,kind,platform,value\n")
    assert "hxxps://news[.]holysouls[.]cc/0" in done.stdout and "other:b" not in done.stdout
    named = _run(data, "export", "platform-csv", "--case", str(green), "--platform", "other")
    assert ",account,other,other:b\n" in named.stdout


def test_import_stix_round_trip_and_refusal(
    web: tuple[Path, Path, list[int]], tmp_path: Path
) -> None:
    data, _store, (green, _red, _draft) = web
    bundle = tmp_path / "partner.json"
    assert _run(data, "export", "stix", "--case", str(green), "--out", str(bundle)).returncode == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    done = _run(data, "import", "stix", "--user", "alice", str(bundle), str(bad))
    assert done.returncode == 1 and f"Error: {bad} is not JSON" in done.stderr
    done = _run(data, "import", "stix", str(bundle))
    assert done.returncode == 2 and "--user NAME" in done.stderr
    done = _run(data, "import", "stix", "--user", "alice", "--partner", "EEAS", str(bundle))
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()  # the bad file imported nothing: this is the first
    case, source, title = line.split("\t")
    assert (source, title) == ("OneVoice", "Links flood")
    again = _run(data, "import", "stix", "--user", "alice", str(bundle))
    assert again.stdout == f"{case}\tOneVoice\tLinks flood (imported before)\n"


def test_import_meta_indicators_with_store_matches(web: tuple[Path, Path, list[int]]) -> None:
    data, store, _ids = web
    iran = SHARED / "data" / "meta-threat-research" / "cib" / "Q1_2023_Iran_based_CIB_network.csv"
    done = _run(
        data, "import", "meta-indicators", "--user", "alice", "--store", str(store), str(iran)
    )
    assert done.returncode == 0, done.stderr
    first, *matches = done.stdout.splitlines()
    case, name, counts = first.split("\t")
    assert name == iran.name and "domain=4" in counts
    assert sorted(m.split("\t")[4] for m in matches) == ["other:a", "other:b", "other:c"]
    assert all(m.startswith(f"match\t{case}\tdomain\tholysouls.cc\t") for m in matches)
