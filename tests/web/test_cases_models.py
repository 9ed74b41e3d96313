"""Case files: the workflow and its role rules, history and audit, vocabularies, frozen
evidence copied from a store, and pseudonyms."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from onevoice.detect.params import DetectParams
from onevoice.detect.run import detect
from onevoice.errors import OneVoiceError, StoreError, UsageError
from onevoice.ingest.pipeline import ingest_file
from onevoice.store import Store
from onevoice.web.audit.models import AuditEvent
from onevoice.web.cases import vocab
from onevoice.web.cases.evidence import (
    attach_copy,
    attach_network,
    rate_evidence,
    validate_rating,
)
from onevoice.web.cases.models import (
    Actor,
    Case,
    CaseVersion,
    DisarmFramework,
    DisarmTechnique,
    Evidence,
    FrozenEvidenceError,
    Judgement,
)
from onevoice.web.cases.pseudonyms import pseudonym, pseudonymise
from onevoice.web.cases.workflow import (
    CasePermissionError,
    TransitionRefused,
    add_judgement,
    create_case,
    mark_account,
    tag_technique,
    transition,
)


def _user(username: str, *roles: str) -> User:
    """A user with ``roles`` and no usable password (no Argon2 hashing: fast)."""
    user: User = User.objects.create(username=username)
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def people(db: Any) -> dict[str, User]:
    return {
        "analyst": _user("analyst", "analyst"),
        "reviewer": _user("reviewer", "reviewer"),
        "reviewer2": _user("reviewer2", "reviewer"),
        "communicator": _user("communicator", "communicator"),
        "member": _user("member", "member"),
    }


@pytest.fixture
def technique(db: Any) -> DisarmTechnique:
    fw = DisarmFramework.objects.create(version="1.7", name="DISARM", source_file="x", sha256="0")
    t: DisarmTechnique = DisarmTechnique.objects.create(
        framework=fw, external_id="T0049", name="Flood Information Space", stix_id="ap--1"
    )
    return t


def _case(people: dict[str, User], **kw: Any) -> Case:
    return create_case(people["analyst"], "Network pushing #tag", summary="s", **kw)


def _submitted(people: dict[str, User]) -> Case:
    case = _case(people)
    transition(case, "in_review", people["analyst"])
    return case


# -- workflow -------------------------------------------------------------------------------


def test_the_whole_workflow_is_versioned_and_audited(people: dict[str, User]) -> None:
    case = _case(people, tlp="green")
    transition(case, "in_review", people["analyst"], "please review")
    transition(case, "approved", people["reviewer"], "solid")
    transition(case, "published", people["communicator"])
    case.refresh_from_db()
    assert case.status == "published"
    versions = list(case.versions.all())
    assert [(v.number, v.action, v.status) for v in versions] == [
        (1, "create", "draft"),
        (2, "submit", "in_review"),
        (3, "approve", "approved"),
        (4, "publish", "published"),
    ]
    assert versions[2].created_by == people["reviewer"] and versions[2].comment == "solid"
    assert versions[0].snapshot["tlp"] == "green" and versions[3].snapshot["status"] == "published"
    events = list(AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)))
    assert sorted((e.action, e.actor_username, e.detail["what"]) for e in events) == [
        ("change", "analyst", "submit"),
        ("change", "reviewer", "approve"),
        ("create", "analyst", "create"),
        ("publish", "communicator", "publish"),
    ]


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ((), "approved"),  # straight from draft
        ((), "published"),
        ((), "rejected"),
        ((("in_review", "analyst"),), "published"),  # unreviewed
        ((("in_review", "analyst"), ("approved", "reviewer")), "draft"),
        ((("in_review", "analyst"), ("approved", "reviewer"), ("published", "communicator")),
         "draft"),
    ],
)  # fmt: skip
def test_moves_the_workflow_does_not_have_are_refused(
    people: dict[str, User], path: tuple[tuple[str, str], ...], to: str
) -> None:
    case = _case(people)
    for status, who in path:
        transition(case, status, people[who])
    before = case.versions.count()
    with pytest.raises(TransitionRefused, match="case cannot become"):
        transition(case, to, people["reviewer2"] if to != "draft" else people["analyst"])
    case.refresh_from_db()
    assert case.versions.count() == before and case.status == (path[-1][0] if path else "draft")


def test_an_unknown_status_is_a_usage_error(people: dict[str, User]) -> None:
    with pytest.raises(UsageError, match="unknown case status 'done'"):
        transition(_case(people), "done", people["analyst"])


@pytest.mark.parametrize(
    ("who", "to"),
    [
        ("reviewer", "in_review"),  # reviewers do not submit
        ("communicator", "in_review"),
        ("member", "in_review"),
    ],
)
def test_wrong_role_cannot_submit(people: dict[str, User], who: str, to: str) -> None:
    with pytest.raises(CasePermissionError, match="only an analyst may submit a case"):
        transition(_case(people), to, people[who])


@pytest.mark.parametrize("who", ["analyst", "communicator", "member"])
def test_only_reviewers_approve_or_reject(people: dict[str, User], who: str) -> None:
    case = _submitted(people)
    with pytest.raises(CasePermissionError, match="only a reviewer may approve"):
        transition(case, "approved", people[who])
    with pytest.raises(CasePermissionError, match="only a reviewer may reject"):
        transition(case, "rejected", people[who], "no")
    case.refresh_from_db()
    assert case.status == "in_review"


@pytest.mark.parametrize("who", ["analyst", "reviewer", "member"])
def test_only_communicators_publish(people: dict[str, User], who: str) -> None:
    case = _submitted(people)
    transition(case, "approved", people["reviewer"])
    with pytest.raises(CasePermissionError, match="only a communicator may publish"):
        transition(case, "published", people[who])


def test_nobody_approves_their_own_case(people: dict[str, User]) -> None:
    both = _user("both", "analyst", "reviewer")
    case = create_case(both, "mine")
    transition(case, "in_review", both)
    for to, comment in (("approved", ""), ("rejected", "meh")):
        with pytest.raises(CasePermissionError, match="nobody reviews their own case"):
            transition(case, to, both, comment)
    assert not case.versions.filter(action__in=["approve", "reject"]).exists()
    transition(case, "approved", people["reviewer"])  # another reviewer may
    assert case.status == "approved"


def test_a_superuser_is_not_a_reviewer(people: dict[str, User]) -> None:
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    with pytest.raises(CasePermissionError):
        transition(_submitted(people), "approved", root)


def test_a_member_cannot_open_a_case(people: dict[str, User]) -> None:
    with pytest.raises(CasePermissionError, match="only an analyst may open a case") as info:
        create_case(people["member"], "x")
    assert isinstance(info.value, PermissionDenied)  # views answer 403
    for who in ("reviewer", "communicator"):
        with pytest.raises(CasePermissionError):
            create_case(people[who], "x")
    assert not Case.objects.exists()


def test_rejection_needs_a_reason_and_keeps_it(people: dict[str, User]) -> None:
    case = _submitted(people)
    with pytest.raises(TransitionRefused, match="a rejection needs a reason"):
        transition(case, "rejected", people["reviewer"], "  ")
    transition(case, "rejected", people["reviewer"], "sources are missing")
    case.refresh_from_db()
    assert (case.status, case.rejection_reason) == ("rejected", "sources are missing")
    transition(case, "draft", people["analyst"], "adding sources")
    transition(case, "in_review", people["analyst"])
    case.refresh_from_db()
    assert case.rejection_reason == ""
    assert case.versions.get(action="reject").snapshot["rejection_reason"] == "sources are missing"


def test_history_snapshots_the_contents(
    people: dict[str, User], technique: DisarmTechnique
) -> None:
    case = _case(people)
    tag_technique(case, technique, people["analyst"], "thousands of replies")
    actor = Actor.objects.create(name="Agency X", category="state_controlled")
    add_judgement(
        case, actor, people["analyst"], likelihood="likely", confidence="moderate",
        rationale="shared infrastructure", subject="outlet example.org",
    )  # fmt: skip
    last = case.versions.order_by("number").last()
    assert last is not None and last.action == "add judgement"
    assert last.snapshot["techniques"] == [
        {"id": "T0049", "framework_version": "1.7", "note": "thousands of replies"}
    ]
    [judgement] = last.snapshot["judgements"]
    assert judgement["likelihood"] == "likely" and judgement["probability_range"] == [55, 80]
    assert judgement["actor_category"] == "state_controlled"
    first = case.versions.get(number=1)
    assert first.snapshot["techniques"] == [] and first.snapshot["judgements"] == []
    first.comment = "rewritten"
    with pytest.raises(FrozenEvidenceError):
        first.save()


def test_contents_change_only_in_draft(people: dict[str, User], technique: DisarmTechnique) -> None:
    case = _submitted(people)
    with pytest.raises(TransitionRefused, match="is in review and cannot be changed"):
        tag_technique(case, technique, people["analyst"])
    with pytest.raises(TransitionRefused):
        mark_account(case, "x:1", people["analyst"], public_figure=True)
    draft = _case(people)
    with pytest.raises(CasePermissionError):
        tag_technique(draft, technique, people["reviewer"])
    assert not draft.techniques.exists()


# -- vocabularies ---------------------------------------------------------------------------


def test_admiralty_ratings(people: dict[str, User]) -> None:
    for good in (("A", 1), ("F", 6), ("C", 3)):
        validate_rating(*good)
    for bad, msg in ((("G", 1), "A–F"), (("a", 1), "A–F"), (("A", 0), "1–6"), (("A", 7), "1–6"),
                     (("A", True), "1–6")):  # fmt: skip
        with pytest.raises(UsageError, match=msg):
            validate_rating(*bad)
    case = _case(people)
    ev = Evidence(case=case, kind="url", ref="https://e.org", source_reliability="G",
                  info_credibility=7, added_by=people["analyst"])  # fmt: skip
    with pytest.raises(ValidationError) as info:
        ev.full_clean()
    assert set(info.value.message_dict) == {"source_reliability", "info_credibility"}
    with pytest.raises(IntegrityError), transaction.atomic():
        ev.save()  # the database refuses it too
    ev.source_reliability, ev.info_credibility = "B", 2
    ev.save()
    assert ev.admiralty == "B2"


def test_tlp_markings(people: dict[str, User]) -> None:
    assert [label for _, label in Case._meta.get_field("tlp").choices] == [
        "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED",
    ]  # fmt: skip
    with pytest.raises(UsageError, match="unknown TLP marking 'white'"):
        _case(people, tlp="white")  # TLP 1.0's WHITE is CLEAR in 2.0
    case = _case(people, tlp="amber+strict")
    case.tlp = "white"
    with pytest.raises(ValidationError):
        case.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        case.save()


def test_icd203_likelihood_and_confidence(people: dict[str, User]) -> None:
    ranges = [vocab.LIKELIHOOD_RANGES[w] for w in vocab.LIKELIHOOD]
    assert ranges[0] == (1, 5) and ranges[-1] == (95, 99)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))  # contiguous
    case = _case(people)
    actor = Actor.objects.create(name="Outlet owner")
    for kw, msg in (
        ({"likelihood": "probable", "confidence": "low"}, "unknown likelihood 'probable'"),
        ({"likelihood": "likely", "confidence": "medium"}, "unknown confidence 'medium'"),
        ({"likelihood": "likely", "confidence": "low", "rationale": " "}, "needs its rationale"),
    ):
        with pytest.raises(UsageError, match=msg):
            add_judgement(case, actor, people["analyst"], **{"rationale": "r", **kw})
    j = add_judgement(
        case, actor, people["analyst"], likelihood="almost_certain", confidence="high",
        rationale="r",
    )  # fmt: skip
    assert j.probability_range == (95, 99)
    assert str(j) == "almost certain (high confidence): Outlet owner (unknown)"
    bad = Judgement(case=case, actor=actor, likelihood="certain", confidence="high",
                    rationale="r", created_by=people["analyst"])  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()


def test_actor_categories(db: Any) -> None:
    assert vocab.ACTOR_CATEGORIES == (
        "official_state", "state_controlled", "state_linked", "state_aligned", "unknown",
    )  # fmt: skip
    actor = Actor(name="x", category="state_owned")
    with pytest.raises(ValidationError):
        actor.full_clean()


# -- evidence from a store ------------------------------------------------------------------


@pytest.fixture
def detected(tmp_path: Path) -> tuple[Path, str]:
    """A store where a, b and c post the same three links seconds apart and d is alone."""
    src = tmp_path / "posts.csv"
    lines = ["post_id,account_id,account_handle,created_at,text,urls"]
    n = 0
    for k in range(3):
        for j, acct in enumerate("abc"):
            n += 1
            lines.append(f"{n},{acct},user_{acct},{1_700_000_000 + 3600 * k + 5 * j},x,"
                         f"https://news.example/{k}")  # fmt: skip
    lines.append("99,d,user_d,1700090000,x,https://news.example/0")  # a day later
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "store"
    with Store(path) as store:
        ingest_file(store, str(src))
        run = detect(store, DetectParams(kinds=("co-link",), min_weight=2))
    return path, run.run_id


def test_attach_network_freezes_a_copy(people: dict[str, User], detected: tuple[Path, str]) -> None:
    path, run_id = detected
    case = _case(people)
    ev = attach_network(case, path, run_id, 1, people["analyst"], reliability="B", credibility=2)
    assert (ev.kind, ev.ref, ev.source_runs, ev.admiralty) == ("network", f"{run_id}/1", [run_id],
                                                              "B2")  # fmt: skip
    data = ev.data
    members = sorted(m["account_id"] for m in data["members"])
    assert members == ["other:a", "other:b", "other:c"]
    assert {m["handle"] for m in data["members"]} == {"user_a", "user_b", "user_c"}
    assert data["hubs"] and set(data["hubs"]) <= set(members)
    assert data["network"]["size"] == 3 and data["run"]["run_id"] == run_id
    assert data["edges_total"] == 3 and len(data["edges"]) == 3
    assert {e["weight"] for e in data["edges"]} == {3}
    assert all(len(e["shared_items"]) == 3 for e in data["edges"])
    assert sorted(data["top_items"]) == [f"https://news.example/{k}" for k in range(3)]
    assert isinstance(data["network"]["first_ts"], str)  # JSON, not a datetime
    assert len(data["imports"]) == 1
    version = case.versions.order_by("number").last()
    assert version is not None and version.action == "attach network"
    assert version.snapshot["evidence"][0]["ref"] == f"{run_id}/1"
    assert AuditEvent.objects.filter(object_type="case", detail__what="attach network").exists()
    # frozen: the store can go, the copy stays; the copy cannot be edited
    shutil.rmtree(path)
    ev.refresh_from_db()
    assert sorted(m["account_id"] for m in ev.data["members"]) == members
    ev.data["members"] = []
    with pytest.raises(FrozenEvidenceError):
        ev.save()
    ev.refresh_from_db()
    rate_evidence(ev, people["analyst"], "A", 1, validated=True)
    assert Evidence.objects.get(pk=ev.pk).admiralty == "A1"


def test_attach_network_while_a_page_reads_the_store(
    people: dict[str, User], detected: tuple[Path, str]
) -> None:
    """The network page's graph request may hold the store open when the analyst clicks
    "Open a case": DuckDB refuses a second connection with another configuration in one
    process, so both must open it the same way."""
    from onevoice.web.jobs.storeaccess import open_store_read_only

    path, run_id = detected
    case = _case(people)
    with open_store_read_only(path) as reading:
        ev = attach_network(case, path, run_id, 1, people["analyst"])
        assert reading.execute("SELECT count(*) FROM networks").fetchone()[0] >= 1
    assert ev.data["network"]["size"] == 3


def test_attach_network_refusals(people: dict[str, User], detected: tuple[Path, str]) -> None:
    path, run_id = detected
    case = _case(people)
    with pytest.raises(OneVoiceError, match=f"no network 7 in detect run '{run_id}'"):
        attach_network(case, path, run_id, 7, people["analyst"])
    with pytest.raises(StoreError, match="no store at"):
        attach_network(case, path.parent / "nowhere", run_id, 1, people["analyst"])
    with pytest.raises(CasePermissionError):
        attach_network(case, path, run_id, 1, people["member"])
    with pytest.raises(UsageError, match="A–F"):
        attach_network(case, path, run_id, 1, people["analyst"], reliability="Z")
    attach_network(case, path, run_id, 1, people["analyst"])
    with pytest.raises(OneVoiceError, match=r"attached to case \d+ already"):
        attach_network(case, path, run_id, 1, people["analyst"])
    transition(case, "in_review", people["analyst"])
    with pytest.raises(TransitionRefused):
        attach_network(case, path, run_id, 1, people["analyst"])
    assert case.evidence.count() == 1
    assert CaseVersion.objects.filter(case=case).count() == 3  # create, attach, submit


def test_an_outlet_observation_is_kept_apart_from_its_attribution(
    people: dict[str, User],
) -> None:
    case = _case(people)
    seen = attach_copy(
        case, "outlet", "news.example", {"first_seen": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)},
        people["analyst"], title="The story appeared on news.example", reliability="B",
        credibility=2,
    )  # fmt: skip
    assert seen.data == {"first_seen": "2026-11-01T00:00:00+00:00"}
    owner = Actor.objects.create(name="Ministry Y", category="official_state")
    judgement = add_judgement(
        case, owner, people["analyst"], likelihood="likely", confidence="low",
        rationale="registrant and hosting shared with the ministry", subject="news.example",
    )  # fmt: skip
    judgement.evidence.add(seen)
    assert "actor" not in seen.data and seen.judgements.get() == judgement
    with pytest.raises(UsageError, match="unknown evidence kind 'rumour'"):
        attach_copy(case, "rumour", "x", {}, people["analyst"])
    assert [v.action for v in case.versions.order_by("number")] == [
        "create", "attach outlet", "add judgement",
    ]  # fmt: skip


# -- pseudonyms -----------------------------------------------------------------------------


def test_pseudonyms_are_stable_per_case(people: dict[str, User]) -> None:
    one, two = _case(people), _case(people)
    p = pseudonymise("twitter:42", one)
    assert p == pseudonymise("twitter:42", one) and p.startswith("account-") and len(p) == 20
    assert pseudonymise("twitter:42", two) != p  # cases cannot be joined on pseudonyms
    assert pseudonymise("twitter:43", one) != p
    assert pseudonym("twitter:42", one.pk, key="another key") != p  # needs the secret key
    assert pseudonym("twitter:42", one.pk) == p


def test_public_figures_and_state_assets_are_named(people: dict[str, User]) -> None:
    case = _case(people)
    mark_account(case, "twitter:1", people["analyst"], public_figure=True)
    mark_account(case, "twitter:2", people["analyst"], state_asset=True)
    mark_account(case, "twitter:3", people["analyst"], note="private person, looked at")
    assert pseudonymise("twitter:1", case) == "twitter:1"
    assert pseudonymise("twitter:2", case) == "twitter:2"
    assert pseudonymise("twitter:3", case).startswith("account-")
    other = _case(people)  # a marking holds only in its own case
    assert pseudonymise("twitter:1", other).startswith("account-")
    assert case.versions.filter(action="mark account").count() == 3
