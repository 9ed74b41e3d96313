"""The public version of a case: what a hub report may show, built from the case's rows.

:func:`public_content` turns an approved case into a :class:`PublicReport` (plain data that
:func:`onevoice.hub.case_reports.draft_case_report` puts into a hub page). Its sections
follow the printable report (:func:`onevoice.web.cases.report.build_report`): key
findings, method and provenance, DISARM techniques by tactic, narratives, reach,
attribution with confidence, accounts and indicators. What is made fit for the public:

- **Accounts.** Public figures and state assets are named by handle. Every other account
  appears only as its pseudonym, the same one the case's STIX and MISP exports carry
  (:func:`onevoice.web.cases.exchange.pseudonymiser`: HMAC of the server's key over the case
  and the account; stable within a case, different between cases, not reversible).
- **Free text** written by analysts (title, summary, subjects, rationales, notes, claims,
  shared items) goes through :class:`_Scrubber`: every id, handle and display name of a
  private account the case knows, every ``@handle`` and every profile URL of an account the
  case does not name becomes a pseudonym. A reviewer still reads the draft before it is
  public.
- **Indicators.** URLs, domains and hashes, defanged (:func:`onevoice.exchange.defang.defang`);
  handles of named accounts only; e-mail addresses, IP addresses, free text and profile URLs
  of private accounts are left out.
- **Left out altogether:** evidence notes, store paths, import file names, run ids, the
  names of the analysts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from onevoice.exchange.defang import classify, defang
from onevoice.exchange.pseudonyms import AccountMapper
from onevoice.web.cases.exchange import case_export, pseudonymiser
from onevoice.web.cases.models import Case
from onevoice.web.cases.report import CaseReport, build_report, when

__all__ = ["PublicReport", "public_content"]


@dataclass
class PublicReport:
    """The public version of a case, as plain data (what the page's fields receive)."""

    case_key: str
    title: str
    summary: str
    approved_on: date | None
    key_findings: list[str] = field(default_factory=list)
    method: list[str] = field(default_factory=list)
    techniques: list[dict[str, str]] = field(default_factory=list)
    narratives: list[dict[str, str]] = field(default_factory=list)
    figures: list[dict[str, str]] = field(default_factory=list)
    attributions: list[dict[str, str]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, str]] = field(default_factory=list)


_TOKEN = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]{1,64}|\b(?:https?|hxxps?)://[^\s<>\"']+", re.I)
_TRAIL = ".,;:!?)]}'\""


class _Scrubber:
    """Pseudonymises private accounts in the case's free text and profile URLs."""

    def __init__(self, mapper: AccountMapper, aliases: dict[str, str], named: set[str]) -> None:
        self.mapper = mapper
        self.aliases = {k.lower(): v for k, v in aliases.items() if len(k) >= 3}
        self.named = {n.lower() for n in named}
        known = sorted(self.aliases, key=len, reverse=True)
        names = "|".join(re.escape(k) for k in known)
        self.pattern = re.compile(
            _TOKEN.pattern + (rf"|(?<!\w)(?:{names})(?!\w)" if names else ""), re.I
        )

    def alias(self, login: str) -> str:
        """The pseudonym of an account given by id or handle; named accounts stay."""
        key = login.lower()
        if key in self.named or key.lstrip("@") in self.named:
            return login
        return self.aliases.get(key) or self.aliases.get(key.lstrip("@")) or self.mapper(login)

    def profile(self, url: str) -> str | None:
        """None for a profile URL of a private account; otherwise ``url`` unchanged."""
        kind, login, platform = classify(url)
        if kind == "handle" and (platform or url.startswith("@")):
            return url if self.alias(login) == login else None
        return url

    def _replace(self, match: re.Match[str]) -> str:
        token = match.group(0)
        core = token.rstrip(_TRAIL)
        tail = token[len(core) :]
        if core.lower() in self.aliases:
            return self.aliases[core.lower()] + tail
        kind, login, platform = classify(core)
        if kind == "handle" and (platform or core.startswith("@")):
            return self.alias(login) + tail
        if kind == "url":
            return defang(login, "url") + tail
        return token

    def text(self, value: str) -> str:
        """``value`` with every private account replaced by its pseudonym, URLs defanged."""
        return self.pattern.sub(self._replace, value or "")


def _accounts(case: Case) -> tuple[list[dict[str, Any]], _Scrubber]:
    """The case's accounts as shown in public, and the scrubber for its free text."""
    export = case_export(case)
    mapper = AccountMapper(export, pseudonymiser())
    marks = {a.account_id: a for a in export.accounts}
    profiles: dict[str, dict[str, Any]] = {}
    hubs: set[str] = set()
    for item in case.evidence.order_by("id"):
        if item.kind == "account":
            profiles.setdefault(str(item.ref), {})
        for member in item.data.get("members") or [] if item.kind == "network" else []:
            if isinstance(member, dict) and member.get("account_id"):
                profiles.setdefault(str(member["account_id"]), dict(member))
        hubs.update(str(h) for h in item.data.get("hubs") or [] if item.kind == "network")
    for account_id in marks:
        profiles.setdefault(account_id, {})
    rows: list[dict[str, Any]] = []
    aliases: dict[str, str] = {}
    named: set[str] = set()
    for account_id, profile in profiles.items():
        mark = marks.get(account_id)
        platform = (mark.platform if mark else "") or str(profile.get("platform") or "")
        handle = (mark.handle if mark else "") or str(profile.get("handle") or "")
        display = str(profile.get("display_name") or "")
        if mark is not None and mark.named:
            named.update({account_id, handle, handle.lstrip("@")} - {""})
            kind = "public_figure" if mark.public_figure else "state_asset"
            label, shown_name = handle or account_id, display
        else:
            kind, label, shown_name = "private", mapper(account_id), ""
            for secret in (account_id, handle, handle.lstrip("@"), display):
                if secret and secret != label:
                    aliases[secret] = label
        rows.append(
            {
                "kind": kind,
                "label": label,
                "platform": platform,
                "display_name": shown_name,
                "hub": account_id in hubs or bool(profile.get("is_hub")),
            }
        )
    rows.sort(key=lambda r: (r["kind"] == "private", not r["hub"], r["label"]))
    return rows, _Scrubber(mapper, aliases, named)


def _approved_on(case: Case) -> date | None:
    version = case.versions.filter(action="approve").order_by("-number").first()
    moment = version.created_at if version is not None else case.updated_at
    return moment.date() if moment is not None else None


def _method(case: Case, report: CaseReport, scrub: _Scrubber, approved: date | None) -> list[str]:
    lines = []
    for run in report.runs:
        files = len(run.imports)
        parts = [f"{', '.join(run.kinds) or 'coordination'} detection"]
        if run.window_s is not None:
            parts.append(f"time window {run.window_s:g} s")
        if run.min_weight is not None:
            parts.append(f"at least {run.min_weight:g} distinct shared items per pair of accounts")
        parts.append(f"{files} platform export{'s' if files != 1 else ''}")
        lines.append(f"Detection run of {run.started_at} UTC: {'; '.join(parts)}.")
    if report.evidence:
        rated = ", ".join(
            f"{e.kind} {e.admiralty} ({e.reliability.lower()}; {e.credibility.lower()})"
            for e in report.evidence
        )
        count = len(report.evidence)
        lines.append(
            f"{count} piece{'s' if count != 1 else ''} of evidence, each a copy frozen when it"
            f" was attached, rated with the Admiralty code: {rated}."
        )
    if case.imported:
        lines.append(f"The case was shared with the taskforce by {case.source}.")
    sources = [u for u in (scrub.profile(str(r)) for r in case.references or []) if u]
    if sources:
        lines.append("Public sources: " + ", ".join(defang(u, "url") for u in sources) + ".")
    if report.judgements:
        lines.append(
            "Attributions state an ICD 203 likelihood with its probability range, and"
            " separately the analysts' confidence (low, moderate, high)."
        )
    on = f" on {approved.isoformat()}" if approved else ""
    lines.append(
        f"Approved by a reviewer other than its author{on}. Accounts of private individuals"
        " are shown as pseudonyms: stable within this report, different in every report."
    )
    return lines


def _figures(report: CaseReport) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for number, n in enumerate(report.networks, 1):
        prefix = f"Network {number}: " if len(report.networks) > 1 else ""
        share = n.coordinated_share
        values = [
            ("accounts", str(n.size)),
            ("coordination links", str(n.edges)),
            ("posts", str(n.posts)),
            (
                "followers, summed",
                "not in the platform export" if n.followers is None else str(n.followers),
            ),
            ("share of posts coordinated", "—" if share is None else f"{share:.0%}"),
            ("active", f"{when(n.first_ts)} – {when(n.last_ts)} UTC"),
        ]
        rows += [{"label": (prefix + label).capitalize(), "value": v} for label, v in values]
    return rows


def _indicators(case: Case, report: CaseReport, scrub: _Scrubber) -> list[dict[str, str]]:
    found: dict[tuple[str, str], dict[str, str]] = {}

    def add(kind: str, value: str, platform: str = "", note: str = "") -> None:
        if kind == "url":
            kind, login, found_platform = classify(value)
            if kind == "handle":
                if scrub.alias(login) != login:
                    return  # a private account's profile
                value, platform = login, platform or found_platform
        if kind in ("url", "domain"):
            value = defang(value, kind)
        elif kind == "handle":
            if scrub.alias(value) != value:
                return
        elif kind != "hash":
            return  # e-mail, IP, free text: not for the public
        found.setdefault((kind, value), {"kind": kind, "value": value, "platform": platform,
                                         "note": scrub.text(note)})  # fmt: skip

    for row in case.indicators.order_by("id"):
        add(row.kind, row.value, row.platform, row.note)
    for url in report.urls:
        add("url", url)
    for domain in report.domains:
        add("domain", domain)
    return list(found.values())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def public_content(case: Case) -> PublicReport:
    """The public version of ``case`` (no check of its status or marking here)."""
    report = build_report(case)
    accounts, scrub = _accounts(case)
    approved = _approved_on(case)
    narratives = [
        {
            "name": scrub.text(n.name),
            "description": scrub.text(n.description),
            "claims": "\n".join(scrub.text(str(c)) for c in n.claims or []),
        }
        for n in case.narratives.all()
    ]
    if report.narratives:
        shared = "\n".join(scrub.text(item) for item in report.narratives)
        narratives.append({"name": "Most shared items", "description": "", "claims": shared})
    return PublicReport(
        case_key=str(case.pk),
        title=scrub.text(case.title),
        summary=scrub.text(case.summary),
        approved_on=approved,
        key_findings=[scrub.text(f) for f in report.key_findings],
        method=_method(case, report, scrub, approved),
        techniques=[
            {
                "technique_id": t.id,
                "name": t.name,
                "tactic_id": tactic.id,
                "tactic_name": tactic.name,
                "framework_version": t.framework_version,
            }
            for tactic in report.tactics
            for t in tactic.techniques
        ],
        narratives=narratives,
        figures=_figures(report),
        attributions=[
            {
                "actor": j.actor,
                "actor_category": j.actor_category,
                "statement": scrub.text(
                    f"{_capital(j.subject or 'the activity')} is {j.likelihood}"
                    f" ({j.probability}) attributable to {j.actor}"
                    f" ({j.actor_category}), with {j.confidence} confidence."
                ),
                "likelihood": j.likelihood,
                "probability": j.probability,
                "confidence": j.confidence,
                "rationale": scrub.text(j.rationale),
            }
            for j in report.judgements
        ],
        accounts=accounts,
        indicators=_indicators(case, report, scrub),
    )
