"""The data of a case's pages: list rows, history with its changes, and the printable report.

The report follows the sections of public exposure reports (EEAS FIMI reports, DFRLab, the
Meta adversarial threat reports): key findings; method and provenance (detect runs and their
parameters, imports, store); assets and behaviour (DISARM techniques by tactic); narratives;
reach; attribution with confidence (ICD 203 words, Admiralty ratings); and an appendix of
indicators (accounts, URLs, domains). It is built from the case's frozen evidence, never
from the store, so a report reads the same however often the store is re-analysed.

Accounts of private individuals are pseudonymised in the report
(:func:`~.pseudonyms.pseudonymise`): only accounts the case marks as a public figure or a
state asset appear with their id, handle and name. The same :class:`CaseReport` fills the
HTML report and ``/api/cases/{id}/report``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from pydantic import BaseModel

from onevoice.web.cases import vocab
from onevoice.web.cases.models import Case
from onevoice.web.cases.pseudonyms import pseudonym

__all__ = ["CaseReport", "build_report", "when"]


class ReportAccount(BaseModel):
    label: str  # the account id when named, its pseudonym otherwise
    named: bool
    why_named: str = ""  # "public figure", "state asset"
    handle: str | None = None
    display_name: str | None = None
    platform: str | None = None
    followers: int | None = None
    hub: bool = False


class ReportEvidence(BaseModel):
    kind: str
    ref: str
    title: str
    admiralty: str
    reliability: str
    credibility: str
    validated: bool
    note: str


class ReportRun(BaseModel):
    run_id: str
    started_at: str | None = None
    kinds: list[str] = []
    window_s: float | None = None
    min_weight: float | None = None
    seed: int | None = None
    params: dict[str, Any] = {}
    imports: list[str] = []
    store_path: str = ""


class ReportNetwork(BaseModel):
    ref: str
    size: int
    kinds: list[str]
    first_ts: str | None
    last_ts: str | None
    edges: int
    coordinated_share: float | None
    hubs: list[str]
    followers: int | None  # None: the platform export had no follower counts
    posts: int
    top_items: list[str]
    admiralty: str


class ReportTechnique(BaseModel):
    id: str
    name: str
    framework_version: str
    note: str


class ReportTactic(BaseModel):
    id: str
    name: str
    techniques: list[ReportTechnique]


class ReportJudgement(BaseModel):
    actor: str
    actor_category: str
    subject: str
    likelihood: str
    probability: str  # "55–80 %"
    confidence: str
    rationale: str
    evidence: list[str]  # "network run1/1 (B2)"


class CaseReport(BaseModel):
    """Everything the printable report shows, pseudonymised."""

    case_id: int
    title: str
    tlp: str
    status: str
    summary: str
    created_by: str
    generated_at: dt.datetime
    version: int
    key_findings: list[str]
    evidence: list[ReportEvidence]
    runs: list[ReportRun]
    networks: list[ReportNetwork]
    tactics: list[ReportTactic]
    narratives: list[str]
    judgements: list[ReportJudgement]
    accounts: list[ReportAccount]
    urls: list[str]
    domains: list[str]

    @property
    def status_label(self) -> str:
        """The status in words (``in review``)."""
        return _words(self.status)


def _words(value: str) -> str:
    return value.replace("_", " ")


def _span(first: str | None, last: str | None) -> str:
    return f"{(first or '?')[:10]} to {(last or '?')[:10]}"


def when(value: Any) -> str:
    """An ISO 8601 time copied into evidence, as ``2026-11-01 12:00`` (UTC); '—' if none."""
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


class _Namer:
    """Pseudonymise account ids for one case, reading its markings once."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.marks = {
            a.account_id: ("public figure" if a.public_figure else "state asset")
            for a in case.accounts.all()
            if a.named
        }

    def __call__(self, account_id: str) -> str:
        if account_id in self.marks:
            return account_id
        return pseudonym(account_id, self.case.pk)


def build_report(case: Case) -> CaseReport:
    """The report of ``case``: its sections, with private accounts pseudonymised."""
    name = _Namer(case)
    evidence = list(case.evidence.order_by("id"))
    networks: list[ReportNetwork] = []
    runs: dict[str, ReportRun] = {}
    accounts: dict[str, ReportAccount] = {}
    urls: set[str] = set()
    domains: set[str] = set()
    narratives: list[str] = []
    for ev in evidence:
        if ev.kind == "network":
            networks.append(_network(ev.data, ev.ref, ev.admiralty, name, accounts))
            run = ev.data.get("run") or {}
            run_id = str(run.get("run_id") or ev.ref.split("/")[0])
            known = runs.setdefault(run_id, _run(run, run_id, ev.store_path))
            known.imports = sorted(set(known.imports) | set(ev.data.get("imports") or []))
            network = ev.data.get("network") or {}
            for item in map(str, network.get("top_items") or []):
                if item.startswith(("http://", "https://")):
                    urls.add(item)
                elif item not in narratives:
                    narratives.append(item)
            domains.update(str(d) for d in network.get("top_domains") or [])
        elif ev.kind == "account":
            label = name(ev.ref)
            accounts.setdefault(ev.ref, ReportAccount(label=label, named=label == ev.ref))
        elif ev.kind == "url":
            urls.add(ev.ref)
        elif ev.kind == "outlet":
            domains.add(ev.ref)
    for url in urls:
        host = urlsplit(url).hostname
        if host:
            domains.add(host.removeprefix("www."))
    for account_id, account in accounts.items():
        if account.named:
            account.why_named = name.marks.get(account_id, "")
    report_evidence = [
        ReportEvidence(
            kind=ev.kind,
            ref=name(ev.ref) if ev.kind == "account" else ev.ref,
            title=f"Account {name(ev.ref)}" if ev.kind == "account" else ev.title,
            admiralty=ev.admiralty,
            reliability=vocab.RELIABILITY[ev.source_reliability],
            credibility=vocab.CREDIBILITY[ev.info_credibility],
            validated=ev.rating_validated,
            note=ev.note,
        )
        for ev in evidence
    ]
    tactics = _tactics(case)
    judgements = [
        ReportJudgement(
            actor=j.actor.name,
            actor_category=_words(j.actor.category),
            subject=j.subject,
            likelihood=_words(j.likelihood),
            probability="{}–{} %".format(*j.probability_range),
            confidence=j.confidence,
            rationale=j.rationale,
            evidence=[
                f"{e.kind} {name(e.ref) if e.kind == 'account' else e.ref} ({e.admiralty})"
                for e in j.evidence.order_by("id")
            ],
        )
        for j in case.judgements.select_related("actor").order_by("id")
    ]
    last = case.versions.order_by("-number").values_list("number", flat=True).first()
    return CaseReport(
        case_id=case.pk,
        title=case.title,
        tlp=case.tlp,
        status=case.status,
        summary=case.summary,
        created_by=case.created_by.get_username(),
        generated_at=timezone.now(),
        version=last or 0,
        key_findings=_findings(networks, tactics, judgements),
        evidence=report_evidence,
        runs=list(runs.values()),
        networks=networks,
        tactics=tactics,
        narratives=narratives,
        judgements=judgements,
        accounts=sorted(accounts.values(), key=lambda a: (not a.named, a.label)),
        urls=sorted(urls),
        domains=sorted(domains),
    )


def _run(run: dict[str, Any], run_id: str, store_path: str) -> ReportRun:
    params = run.get("params")
    return ReportRun(
        run_id=run_id,
        started_at=when(run.get("started_at")),
        kinds=list(run.get("kinds") or []),
        window_s=run.get("window_s"),
        min_weight=run.get("min_weight"),
        seed=run.get("seed"),
        params=params if isinstance(params, dict) else {},
        store_path=store_path,
    )


def _network(
    data: dict[str, Any],
    ref: str,
    admiralty: str,
    name: _Namer,
    accounts: dict[str, ReportAccount],
) -> ReportNetwork:
    network = data.get("network") or {}
    counts = [int(m["followers"]) for m in data.get("members") or [] if m.get("followers")]
    followers = sum(counts) if counts else None
    for m in data.get("members") or []:
        account_id = str(m.get("account_id"))
        label = name(account_id)
        named = label == account_id
        known = accounts.get(account_id)
        if known is None or (m.get("is_hub") and not known.hub):
            accounts[account_id] = ReportAccount(
                label=label,
                named=named,
                handle=m.get("handle") if named else None,
                display_name=m.get("display_name") if named else None,
                platform=m.get("platform"),
                followers=m.get("followers"),
                hub=bool(m.get("is_hub")),
            )
    posts = sum(int(s.get("posts") or 0) for s in data.get("signals") or [])
    return ReportNetwork(
        ref=ref,
        size=int(network.get("size") or len(data.get("members") or [])),
        kinds=list(network.get("kinds") or []),
        first_ts=network.get("first_ts"),
        last_ts=network.get("last_ts"),
        edges=int(network.get("edges") or data.get("edges_total") or 0),
        coordinated_share=network.get("coordinated_share"),
        hubs=[name(str(h)) for h in data.get("hubs") or []],
        followers=followers,
        posts=posts,
        top_items=[str(i) for i in network.get("top_items") or []],
        admiralty=admiralty,
    )


def _tactics(case: Case) -> list[ReportTactic]:
    groups: dict[str, ReportTactic] = {}
    tags = case.techniques.select_related("technique__tactic").order_by("external_id")
    for tag in tags:
        tactic = tag.technique.tactic
        key = tactic.external_id if tactic else "—"
        group = groups.setdefault(
            key, ReportTactic(id=key, name=tactic.name if tactic else "No tactic", techniques=[])
        )
        group.techniques.append(
            ReportTechnique(
                id=tag.external_id,
                name=tag.technique.name,
                framework_version=tag.framework_version,
                note=tag.note,
            )
        )
    return [groups[k] for k in sorted(groups, key=lambda k: (len(k), k))]


def _findings(
    networks: list[ReportNetwork],
    tactics: list[ReportTactic],
    judgements: list[ReportJudgement],
) -> list[str]:
    lines = []
    for n in networks:
        lines.append(
            f"A coordinated network of {n.size} accounts ({', '.join(n.kinds) or 'coordination'})"
            f" was active from {_span(n.first_ts, n.last_ts)}, with {n.edges} coordination"
            f" links; evidence rated {n.admiralty}."
        )
    techniques = sum(len(t.techniques) for t in tactics)
    if techniques:
        lines.append(
            f"It used {techniques} DISARM technique{'s' if techniques != 1 else ''}"
            f" across {len(tactics)} tactic{'s' if len(tactics) != 1 else ''}."
        )
    for j in judgements:
        about = j.subject or "the activity"
        about = about[:1].upper() + about[1:]
        lines.append(
            f"{about} is {j.likelihood} ({j.probability}) attributable to {j.actor}"
            f" ({j.actor_category}), with {j.confidence} confidence."
        )
    return lines
