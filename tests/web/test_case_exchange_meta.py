"""Meta's threat-research CSVs as draft cases: all 52 files, their indicators in the
database, the kill chain mapped to DISARM 1.7, and the indicators matched against a store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from onevoice.exchange.stix_export import validate_bundle
from onevoice.ingest.pipeline import ingest_file
from onevoice.store import Store
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.disarm import load_disarm_dir
from onevoice.web.cases.exchange import bundle_for_cases
from onevoice.web.cases.imports import import_meta_files
from onevoice.web.cases.models import Case, CaseTechnique, Evidence, Indicator
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db
CIB = SHARED / "data" / "meta-threat-research" / "cib"
IRAN = CIB / "Q1_2023_Iran_based_CIB_network.csv"


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    load_disarm_dir(SHARED / "data" / "disarm")
    return make_user("analyst", username="author")


@pytest.mark.slow
def test_all_52_meta_files_become_draft_cases(analyst: User) -> None:
    files = sorted(CIB.glob("*.csv"))
    assert len(files) == 52
    results = import_meta_files(files, analyst)
    assert len({r.case.pk for r in results}) == 52
    for result in results:
        case = result.case
        assert (case.status, case.source, case.tlp) == ("draft", "Meta", "clear")
        assert case.imported_from == result.path.name
        kinds = dict.fromkeys(result.counts, 0)
        for kind in Indicator.objects.filter(case=case).values_list("kind", flat=True):
            kinds[kind] += 1
        assert kinds == result.counts, result.path.name
    total = sum(sum(r.counts.values()) for r in results)
    assert Indicator.objects.count() == total > 1000
    versions = set(CaseTechnique.objects.values_list("framework_version", flat=True))
    assert versions == {"1.7"} and CaseTechnique.objects.count() > 52
    assert AuditEvent.objects.filter(action="create", detail__source="Meta").count() == 52
    bundle = bundle_for_cases(Case.objects.all())
    assert validate_bundle(bundle) == []
    # the same files again create nothing
    again = import_meta_files(files[:2], analyst)
    assert all(r.existing for r in again) and Case.objects.count() == 52


def test_indicators_are_matched_against_the_store(analyst: User, tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    lines = ["post_id,account_id,account_handle,created_at,text,urls"]
    for n, (acct, url) in enumerate(
        [("a", "https://news.holysouls.cc/x"), ("a", "https://holysouls.cc/y"),
         ("b", "https://amc239.com/"), ("c", "https://unrelated.example/")]
    ):  # fmt: skip
        lines.append(f"{n},{acct},user_{acct},{1_700_000_000 + n},x,{url}")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store(tmp_path / "store") as store:
        ingest_file(store, str(src))
    (result,) = import_meta_files([IRAN], analyst, store=tmp_path / "store")
    assert {(m.value, m.account_id, m.posts) for m in result.matches} == {
        ("holysouls.cc", "other:a", 2),
        ("amc239.com", "other:b", 1),
    }
    evidence = {e.ref: e for e in Evidence.objects.filter(case=result.case)}
    assert set(evidence) == {"other:a", "other:b"}
    assert evidence["other:a"].kind == "account" and evidence["other:a"].admiralty == "F6"
    assert evidence["other:a"].data["matches"][0]["value"] == "holysouls.cc"
    actions = list(result.case.versions.values_list("action", flat=True))
    assert actions == ["import", "attach indicator matches"]
    assert Indicator.objects.filter(case=result.case, kind="domain").count() == 4
