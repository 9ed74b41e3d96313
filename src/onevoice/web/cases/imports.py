"""Partners' files as draft cases: STIX 2.1 bundles and Meta's threat-research indicators.

:func:`store_cases` writes cases read from a partner as draft cases with all their rows (it is
:func:`onevoice.web.cases.exchange.import_cases`). Both file importers read every file
before writing anything, then store all their cases in one transaction: a bundle refused
for any reason (:class:`~onevoice.exchange.stix_import.BundleRefused`: not JSON, an unknown
type, a broken reference, STIX 2.0, a validator error, no report), a DISARM technique that
is not loaded or an invalid value anywhere leaves the database as it was.

Meta's indicators are then matched against the analytic store
(:func:`onevoice.exchange.store_match.match_indicators`: which accounts posted those domains
and URLs, or hold those handles). Each matching account is attached to the draft case as
``account`` evidence rated F6 (not judged yet), its data listing the indicators it matched
with post counts and first/last times: a match is something to look at, not a verdict (a
domain may have been shared to debunk it). At most :data:`MAX_MATCH_ACCOUNTS` accounts are
attached per case, the busiest first; all matches are returned to the caller.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from onevoice.errors import InputError, UnreadableInput
from onevoice.exchange.meta_indicators import read_meta_csv
from onevoice.exchange.model import ActorRef, CaseExport, Technique
from onevoice.exchange.stix_import import read_bundle
from onevoice.exchange.store_match import IndicatorMatch, match_indicators
from onevoice.store import Store
from onevoice.web.audit.models import audit
from onevoice.web.cases import vocab
from onevoice.web.cases.exchange import already_imported, disarm_catalogs, import_cases
from onevoice.web.cases.models import (
    Actor,
    Case,
    CaseAccount,
    CaseActor,
    CaseNarrative,
    CaseTechnique,
    DisarmFramework,
    DisarmTechnique,
    Evidence,
    Indicator,
    Judgement,
)
from onevoice.web.cases.workflow import CasePermissionError, record_version
from onevoice.web.roles import has_role

__all__ = [
    "MAX_MATCH_ACCOUNTS",
    "MetaResult",
    "attach_matches",
    "import_meta_files",
    "import_stix_files",
    "store_cases",
]

#: Accounts attached as evidence per case from store matches (the busiest first).
MAX_MATCH_ACCOUNTS = 100
#: What the STIX reader calls the author of a bundle without ``created_by_ref``.
_UNKNOWN_AUTHORS = frozenset({"", "unknown partner"})


# -- cases → rows ----------------------------------------------------------------------------


def _admiralty(code: str, case: str) -> tuple[str, int]:
    letter, digit = code[:1].upper(), code[1:]
    if len(code) != 2 or letter not in vocab.RELIABILITY or not digit.isdigit():
        raise InputError(f"case {case!r}: evidence has the Admiralty code {code!r}, not A1–F6")
    if int(digit) not in vocab.CREDIBILITY:
        raise InputError(f"case {case!r}: evidence has the Admiralty code {code!r}, not A1–F6")
    return letter, int(digit)


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _technique(export: CaseExport, tech: Technique) -> DisarmTechnique:
    row: DisarmTechnique | None = DisarmTechnique.objects.filter(
        framework__version=tech.framework_version, external_id=tech.external_id
    ).first()
    if row is None:
        loaded = ", ".join(DisarmFramework.objects.values_list("version", flat=True)) or "none"
        raise InputError(
            f"case {export.title!r} uses DISARM {tech.framework_version or '(no version)'} "
            f"technique {tech.external_id or '(no id)'}, which is not loaded",
            hint=f"load that framework version with 'onevoice disarm load'; loaded: {loaded}",
        )
    return row


def _actor(ref: ActorRef | str, user: Any, found: dict[str, Actor]) -> Actor:
    name = _cut(ref if isinstance(ref, str) else ref.name, 300).strip() or "unnamed actor"
    if name in found:
        return found[name]
    defaults: dict[str, Any] = {}
    if isinstance(ref, ActorRef):
        category = ref.category if ref.category in vocab.ACTOR_CATEGORIES else "unknown"
        defaults = {"category": category, "country": ref.country[:100]}
        defaults["description"] = ref.description
    actor: Actor
    actor, created = Actor.objects.get_or_create(name=name, defaults=defaults)
    if created:
        audit(None, "create", "actor", actor.pk, user=user, name=name, via="import")
    found[name] = actor
    return actor


def _store_case(export: CaseExport, user: Any, source: str, imported_from: str) -> Case:
    """Write one imported case with its rows (inside the caller's transaction)."""
    if export.tlp not in vocab.TLP:
        raise InputError(f"case {export.title!r} has the unknown TLP marking {export.tlp!r}")
    author = export.source if export.source not in _UNKNOWN_AUTHORS else source
    case: Case = Case.objects.create(
        title=_cut(export.title.strip(), 300) or "(untitled partner case)",
        summary=export.summary,
        tlp=export.tlp,
        created_by=user,
        source=_cut(author, 200),
        source_id=_cut(export.id, 300),
        stix_id=export.stix_id,
        source_status=export.status if export.status in vocab.STATUSES else "",
        source_created=export.created,
        source_modified=export.modified,
        imported_from=_cut(imported_from or source, 500),
        references=list(export.references),
    )
    for tech in export.techniques:
        CaseTechnique.objects.get_or_create(
            case=case,
            technique=_technique(export, tech),
            defaults={"note": tech.note, "added_by": user},
        )
    by_ref: dict[str, Evidence] = {}
    for item in export.evidence:
        reliability, credibility = _admiralty(item.admiralty, export.title)
        row = Evidence.objects.create(
            case=case,
            kind=item.kind if item.kind in vocab.EVIDENCE_KINDS else "partner",
            ref=_cut(item.ref, 500),
            title=_cut(item.title, 300),
            data=item.data,
            source_reliability=reliability,
            info_credibility=credibility,
            note=item.note,
            added_by=user,
            stix_id=item.stix_id,
        )
        by_ref.setdefault(item.ref, row)
    for account in export.accounts:
        CaseAccount.objects.get_or_create(
            case=case,
            account_id=_cut(account.account_id, 300),
            defaults={
                "public_figure": account.public_figure,
                "state_asset": account.state_asset,
                "platform": account.platform[:50],
                "handle": _cut(account.handle, 300),
                "pseudonymised": account.pseudonymised,
                "stix_id": account.stix_id,
            },
        )
    actors: dict[str, Actor] = {}
    for ref in export.actors:
        CaseActor.objects.get_or_create(
            case=case, actor=_actor(ref, user, actors), defaults={"stix_id": ref.stix_id}
        )
    for judgement in export.judgements:
        if judgement.likelihood not in vocab.LIKELIHOOD:
            raise InputError(
                f"case {export.title!r}: unknown likelihood {judgement.likelihood!r}",
                hint=f"one of {', '.join(vocab.LIKELIHOOD)}",
            )
        row_j = Judgement.objects.create(
            case=case,
            actor=_actor(judgement.actor, user, actors),
            subject=_cut(judgement.subject, 300),
            likelihood=judgement.likelihood,
            confidence=judgement.confidence if judgement.confidence in vocab.CONFIDENCE else "low",
            rationale=judgement.rationale,
            created_by=user,
            stix_id=judgement.stix_id,
        )
        row_j.evidence.set([by_ref[r] for r in judgement.evidence if r in by_ref])
    for narrative in export.narratives:
        CaseNarrative.objects.create(
            case=case,
            name=_cut(narrative.name, 300),
            description=narrative.description,
            claims=list(narrative.claims),
            stix_id=narrative.stix_id,
        )
    Indicator.objects.bulk_create(
        Indicator(
            case=case,
            kind=i.kind if i.kind in vocab.INDICATOR_KINDS else "other",
            value=i.value,
            platform=i.platform[:50],
            note=i.note,
            stix_id=i.stix_id,
        )
        for i in export.indicators
    )
    version = record_version(case, user, "import", f"imported from {imported_from or source}")
    Case.objects.filter(pk=case.pk).update(imported_version=version.number)
    case.imported_version = version.number
    audit(
        None,
        "create",
        "case",
        case.pk,
        user=user,
        what="import",
        source=case.source,
        imported_from=case.imported_from,
        stix_id=export.stix_id or None,
        source_id=export.id,
        indicators=len(export.indicators),
    )
    return case


def _existing(export: CaseExport) -> Case | None:
    """The case an identical earlier import of ``export`` created, if any."""
    if not export.stix_id and not export.id:
        return None
    found: Case | None = Case.objects.filter(
        stix_id=export.stix_id,
        source_id=export.id,
        source_modified=export.modified,
        imported_version__isnull=False,
    ).first()
    return found


def store_cases(
    exports: list[CaseExport], user: Any, *, source: str, imported_from: str = ""
) -> list[Case]:
    """:func:`onevoice.web.cases.exchange.import_cases` (documented there)."""
    if not has_role(user, "analyst"):
        raise CasePermissionError("only an analyst may import cases", hint="ask an analyst")
    cases: list[Case] = []
    with transaction.atomic():
        for export in exports:
            existing = _existing(export)
            if existing is not None:
                existing._onevoice_existing = True  # type: ignore[attr-defined]
                cases.append(existing)
                continue
            cases.append(_store_case(export, user, source, imported_from))
    return cases


# -- files ----------------------------------------------------------------------------------


def import_stix_files(paths: list[Path], user: Any, *, partner: str = "") -> list[Case]:
    """Import partners' STIX 2.1 bundles as draft cases: all files, or nothing.

    Args:
        paths: the bundle files.
        user: the importing analyst.
        partner: who sent the files; the source of a case whose bundle names no author
            (default: the file name).

    Raises:
        BundleRefused: a file is not an importable bundle (the message names it and why).
        InputError, CasePermissionError: as for :func:`~.exchange.import_cases`.
    """
    catalogs = disarm_catalogs()
    read = [(path, read_bundle(Path(path), disarm=catalogs)) for path in paths]
    cases: list[Case] = []
    with transaction.atomic():
        for path, exports in read:
            cases += import_cases(
                exports, user, source=partner or Path(path).name, imported_from=Path(path).name
            )
    return cases


@dataclass
class MetaResult:
    """One Meta file imported: its case, indicator counts, problems and store matches."""

    path: Path
    case: Case
    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)
    matches: list[IndicatorMatch] = field(default_factory=list)
    existing: bool = False  # imported before: nothing new was created


def _index(path: Path) -> list[dict[str, Any]]:
    """The ``index.json`` of the threat-research checkout the file belongs to, if any."""
    for folder in (path.parent, path.parent.parent):
        index = folder / "index.json"
        if index.is_file():
            try:
                data = json.loads(index.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise UnreadableInput(f"cannot read {index}: {exc}") from exc
            return data if isinstance(data, list) else []
    return []


def attach_matches(
    case: Case, matches: list[IndicatorMatch], user: Any, *, store_path: str
) -> list[Evidence]:
    """Attach the accounts that matched a case's indicators as ``account`` evidence."""
    by_account: dict[str, list[IndicatorMatch]] = defaultdict(list)
    for match in matches:
        by_account[match.account_id].append(match)
    busiest = sorted(by_account.items(), key=lambda kv: (-sum(m.posts for m in kv[1]), kv[0]))
    rows: list[Evidence] = []
    for account_id, found in busiest[:MAX_MATCH_ACCOUNTS]:
        values = sorted({m.value for m in found})
        rows.append(
            Evidence.objects.create(
                case=case,
                kind="account",
                ref=account_id,
                title=f"Posted {len(values)} of the imported indicators ({', '.join(values[:3])}"
                + (", …)" if len(values) > 3 else ")"),
                data={
                    "account_id": account_id,
                    "matches": [
                        {
                            "kind": m.kind,
                            "value": m.value,
                            "posts": m.posts,
                            "first_ts": m.first_ts,
                            "last_ts": m.last_ts,
                        }
                        for m in found
                    ],
                },
                store_path=store_path,
                added_by=user,
            )
        )
    if rows:
        record_version(case, user, "attach indicator matches", f"{len(rows)} accounts")
    return rows


def import_meta_files(
    paths: list[Path], user: Any, *, store: str | Path | None = None
) -> list[MetaResult]:
    """Import Meta's CIB indicator CSVs as draft cases (source Meta), all or nothing.

    Args:
        paths: the CSV files (``cib/*.csv`` of facebook/threat-research).
        user: the importing analyst.
        store: an analytic store to match the indicators against (opened read-only).

    Raises:
        UnreadableInput, MissingColumns: a file cannot be read (nothing is imported).
        StoreError: the store cannot be opened.
        InputError, CasePermissionError: as for :func:`~.exchange.import_cases`.
    """
    read = [read_meta_csv(Path(p), index=_index(Path(p))) for p in paths]
    matches: list[list[IndicatorMatch]] = [[] for _ in read]
    if store is not None:
        with Store(store, read_only=True) as db:
            matches = [match_indicators(db, item.case.indicators) for item in read]
    results: list[MetaResult] = []
    with transaction.atomic():
        for item, found in zip(read, matches, strict=True):
            (case,) = import_cases([item.case], user, source="Meta", imported_from=item.path.name)
            existing = already_imported(case)
            if found and not existing:
                attach_matches(case, found, user, store_path=str(store))
            results.append(MetaResult(item.path, case, item.counts, item.problems, found, existing))
    return results
