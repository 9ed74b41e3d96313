"""The printable report: its sections, pseudonymised private accounts, named public figures,
the export audit; and the history's change lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases.evidence import attach_copy, attach_network
from onevoice.web.cases.history import changes, history
from onevoice.web.cases.models import Actor, Case, DisarmTechnique
from onevoice.web.cases.pseudonyms import pseudonymise
from onevoice.web.cases.report import build_report
from onevoice.web.cases.workflow import (
    add_judgement,
    create_case,
    mark_account,
    tag_technique,
    update_case,
)
from tests.web.test_case_pages import load_framework, make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_case(make_user: Callable[..., User], tmp_path: Path) -> Case:
    """A case with a network (a, b, c), an outlet, a technique, a judgement; a is public."""
    analyst = make_user("analyst", username="author")
    path, run_id = make_store(tmp_path)
    load_framework()
    case = create_case(analyst, "Links flood", summary="Three accounts push news.example.")
    network = attach_network(case, path, run_id, 1, analyst, reliability="B", credibility=2)
    outlet = attach_copy(case, "outlet", "news.example", {}, analyst, title="Story on the outlet")
    for ext in ("T0049", "T0090"):
        technique = DisarmTechnique.objects.get(external_id=ext, framework__version="1.7")
        tag_technique(case, technique, analyst)
    actor = Actor.objects.create(name="Ministry Y", category="state_linked")
    add_judgement(
        case, actor, analyst, likelihood="very_likely", confidence="moderate",
        rationale="registrant shared", subject="outlet news.example", evidence=[outlet, network],
    )  # fmt: skip
    mark_account(case, "other:a", analyst, public_figure=True)
    return case


def test_the_report_has_the_sections(full_case: Case) -> None:
    report = build_report(full_case)
    assert report.title == "Links flood" and report.tlp == "amber"
    assert any("3 accounts" in f for f in report.key_findings)
    assert any("very likely (80–95 %)" in f and "moderate confidence" in f
               for f in report.key_findings)  # fmt: skip
    (run,) = report.runs
    assert run.kinds == ["co-link"] and run.min_weight == 2 and len(run.imports) == 1
    assert run.store_path.endswith("store")
    assert [(t.id, [x.id for x in t.techniques]) for t in report.tactics] == [
        ("TA15", ["T0090"]), ("TA17", ["T0049"]),
    ]  # fmt: skip
    (network,) = report.networks
    assert (network.size, network.posts, network.admiralty) == (3, 9, "B2")
    (judgement,) = report.judgements
    assert (judgement.likelihood, judgement.probability, judgement.confidence) == (
        "very likely", "80–95 %", "moderate"
    )  # fmt: skip
    assert judgement.actor_category == "state linked"
    assert sorted(judgement.evidence) == sorted(
        [f"network {full_case.evidence.get(kind='network').ref} (B2)", "outlet news.example (F6)"]
    )
    assert report.urls == [f"https://news.example/{k}" for k in range(3)]
    assert report.domains == ["news.example"]
    assert [e.admiralty for e in report.evidence] == ["B2", "F6"]
    assert report.evidence[0].reliability == "Usually reliable"


def test_private_accounts_are_pseudonymised_and_public_figures_named(full_case: Case) -> None:
    report = build_report(full_case)
    labels = {a.label: a for a in report.accounts}
    assert "other:a" in labels and labels["other:a"].why_named == "public figure"
    assert labels["other:a"].handle == "user_a"
    for private in ("other:b", "other:c"):
        alias = pseudonymise(private, full_case)
        assert alias.startswith("account-") and alias in labels
        assert labels[alias].handle is None and labels[alias].display_name is None
        assert private not in labels
    dumped = report.model_dump_json()
    assert "other:b" not in dumped and "user_b" not in dumped and "user_c" not in dumped
    assert all(h in labels for h in report.networks[0].hubs)


def test_the_html_report_and_its_audit(full_case: Case, client_as: Callable[..., Client]) -> None:
    client = client_as("communicator")
    response = client.get(f"/cases/{full_case.pk}/report/")
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("1. Key findings", "2. Method and provenance", "3. Assets and behaviour",
                    "4. Narratives", "5. Reach", "6. Attribution with confidence",
                    "Appendix: indicators"):  # fmt: skip
        assert heading in page, heading
    assert "other:a" in page and "user_a" in page
    assert "other:b" not in page and "user_b" not in page
    assert pseudonymise("other:b", full_case) in page
    assert "TLP:AMBER" in page and 'class="report tlp-amber"' in page
    assert "onevoice/print.css" in page
    exports = AuditEvent.objects.filter(action="export", object_type="case")
    assert exports.get().detail["format"] == "html"
    api = client.get(f"/api/cases/{full_case.pk}/report").json()
    assert pseudonymise("other:c", full_case) in {a["label"] for a in api["accounts"]}
    assert exports.count() == 2


def test_history_lists_what_changed(full_case: Case) -> None:
    update_case(full_case, full_case.created_by, title="Renamed", tlp="red")
    rows = history(full_case)
    assert [r.action for r in rows][:3] == ["create", "attach network", "attach outlet"]
    assert rows[0].changes == ["case opened"]
    assert any(c.startswith("evidence: added network") for c in rows[1].changes)
    assert rows[3].changes == ["techniques: added T0049 (DISARM 1.7)"]
    assert rows[-2].changes == ["accounts: added other:a (public figure)"]
    assert rows[-1].changes == ["title: Links flood → Renamed", "tlp: amber → red"]
    assert rows[-1].by == "author" and rows[-1].comment == "title, tlp"


def test_changes_between_snapshots() -> None:
    old: dict[str, Any] = {"title": "a", "status": "draft", "tlp": "amber", "evidence": [
        {"id": 1, "kind": "url", "ref": "https://x", "admiralty": "F6"}]}  # fmt: skip
    new = {**old, "status": "in_review", "evidence": [{**old["evidence"][0], "admiralty": "A1"}]}
    assert changes(old, new) == [
        "status: draft → in_review", "evidence: changed url https://x (A1)",
    ]  # fmt: skip
    assert changes(new, {**new, "evidence": []}) == ["evidence: removed url https://x (A1)"]
    assert changes(old, old) == []
