"""The adapter between the case files (Django) and the exchange formats (:mod:`onevoice.exchange`).

:func:`case_export` turns a :class:`~.models.Case` with its rows into the plain
:class:`~onevoice.exchange.model.CaseExport` every exporter reads; :func:`bundle_for_cases`
is the STIX 2.1 bundle of some cases (the TAXII API and the ``onevoice export stix`` command
serve it); :func:`import_cases` stores cases read from a partner (a STIX bundle, Meta's
indicators) as draft cases, in one transaction.

Rules kept here:

- **Pseudonyms.** Every export pseudonymises the accounts of private individuals with
  :func:`pseudonymiser`: for our own cases it gives exactly the pseudonyms of the printable
  report (:mod:`.pseudonyms`: HMAC-SHA256 of the server's secret key over the case id and
  the account id); for an imported case the key is the partner's report id, so two cases
  never share pseudonyms. Accounts a partner already pseudonymised stay as they are.
- **DISARM.** Techniques are exported with the published STIX objects of their framework
  version, read from the bundle each :class:`~.models.DisarmFramework` was loaded from
  (checked against its SHA-256, so an export never silently uses another file).
- **Imported cases travel unchanged.** An imported case keeps the partner's ids (report,
  relationships, notes, channels, threat actors, indicators) and its ``created`` time; while
  nobody here has changed it (its last version is the import), it is exported with the
  partner's status and ``modified`` time as well, so export → import → export gives the
  same bytes. Once changed here it is exported as ours: our status, our last change.
- **Actors** are shared between cases: importing a case whose actor exists already reuses
  that actor (with our category, country and description).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from onevoice.errors import InputError, OneVoiceError
from onevoice.exchange.disarm_catalog import DisarmCatalog, load_catalog
from onevoice.exchange.misp_feed import misp_feed
from onevoice.exchange.model import (
    AccountRef,
    ActorRef,
    CaseExport,
    EvidenceRef,
    IndicatorRef,
    JudgementRef,
    NarrativeRef,
    Technique,
)
from onevoice.exchange.platform_csv import platform_csv
from onevoice.exchange.pseudonyms import Pseudonymiser, hmac_pseudonymiser, is_pseudonym
from onevoice.exchange.stix_export import case_bundle, case_key, stix_timestamp
from onevoice.web.cases import vocab
from onevoice.web.cases.models import (
    Actor,
    Case,
    DisarmFramework,
    Evidence,
)

__all__ = [
    "EXPORTABLE_STATUSES",
    "ExportRefused",
    "already_imported",
    "bundle_for_cases",
    "case_export",
    "check_exportable",
    "disarm_catalogs",
    "exportable_cases",
    "import_cases",
    "misp_files",
    "platform_csv_text",
    "pseudonymiser",
    "taxonomies_dir",
]

_TAXONOMIES = "shared/data/misp-taxonomies"
#: Cases that may leave OneVoice: approved by a reviewer (and perhaps published).
EXPORTABLE_STATUSES: frozenset[str] = frozenset({"approved", "published"})


# -- Django → exchange model ------------------------------------------------------------------


def pseudonymiser() -> Pseudonymiser:
    """The pseudonymiser of every export (see the module docstring)."""
    base = hmac_pseudonymiser(settings.SECRET_KEY)

    def pseudonymise(account_id: str, case: CaseExport) -> str:
        if case.stix_id:  # an imported case: keyed by the partner's report id
            return base(account_id, dataclasses.replace(case, id=case.stix_id))
        return base(account_id, case)

    return pseudonymise


def _untouched(case: Case) -> bool:
    """True for an imported case nobody has changed here since the import."""
    if case.imported_version is None:
        return False
    last = case.versions.order_by("-number").values_list("number", flat=True).first()
    return bool(last == case.imported_version)


def _profiles(evidence: list[Evidence]) -> dict[str, tuple[str, str]]:
    """Account id → (platform, handle) from the members copied with network evidence."""
    found: dict[str, tuple[str, str]] = {}
    for item in evidence:
        for member in item.data.get("members") or [] if item.kind == "network" else []:
            if isinstance(member, dict) and member.get("account_id"):
                found.setdefault(
                    str(member["account_id"]),
                    (str(member.get("platform") or ""), str(member.get("handle") or "")),
                )
    return found


def _accounts(case: Case, evidence: list[Evidence]) -> list[AccountRef]:
    """The marked accounts, then the hubs of networks and accounts attached as evidence."""
    profiles = _profiles(evidence)
    refs: dict[str, AccountRef] = {}
    for mark in case.accounts.all():
        platform, handle = profiles.get(mark.account_id, ("", ""))
        refs[mark.account_id] = AccountRef(
            mark.account_id,
            mark.platform or platform,
            mark.handle or handle,
            mark.public_figure,
            mark.state_asset,
            mark.pseudonymised,
            mark.stix_id,
        )
    for item in evidence:
        ids = [item.ref] if item.kind == "account" else []
        if item.kind == "network":
            ids = [str(h) for h in item.data.get("hubs") or []]
        for account_id in ids:
            if account_id and account_id not in refs:
                platform, handle = profiles.get(account_id, ("", ""))
                refs[account_id] = AccountRef(
                    account_id, platform, handle, pseudonymised=is_pseudonym(account_id)
                )
    return [refs[k] for k in sorted(refs)]


def case_export(case: Case) -> CaseExport:
    """The case as the exchange formats see it (see :mod:`onevoice.exchange.model`)."""
    evidence = list(case.evidence.order_by("id"))
    accounts = _accounts(case, evidence)
    untouched = _untouched(case)
    base = CaseExport(
        id=case.source_id or str(case.pk),
        title=case.title,
        created=case.source_created or stix_timestamp(case.created_at),
        modified=(case.source_modified if untouched and case.source_modified else "")
        or stix_timestamp(case.updated_at),
        summary=case.summary,
        status=(case.source_status if untouched and case.source_status else case.status),
        tlp=case.tlp,
        source=case.source or vocab.OWN_SOURCE,
        accounts=tuple(accounts),
        references=tuple(str(r) for r in case.references or []),
        stix_id=case.stix_id,
    )
    # Judgement evidence is listed in the order it will be shown in, which does not
    # depend on row ids, so an imported case lists it as the partner did.
    named = {a.account_id for a in accounts if a.named}
    pseudo = pseudonymiser()

    def shown(item: Evidence) -> str:
        ref = str(item.ref)
        if item.kind != "account" or ref in named or is_pseudonym(ref):
            return ref
        return pseudo(ref, base)

    judgements = list(
        case.judgements.select_related("actor").prefetch_related("evidence").order_by("id")
    )
    actor_rows: dict[int, Actor] = {j.actor_id: j.actor for j in judgements}
    actor_ids: dict[int, str] = {}
    for row in case.case_actors.select_related("actor"):
        actor_rows.setdefault(row.actor_id, row.actor)
        actor_ids[row.actor_id] = row.stix_id
    techniques = case.techniques.select_related("technique__tactic").order_by(
        "framework_version", "external_id"
    )
    return dataclasses.replace(
        base,
        techniques=tuple(
            Technique(
                t.external_id,
                t.framework_version,
                t.technique.name,
                t.technique.tactic.shortname if t.technique.tactic else "",
                t.note,
            )
            for t in techniques
        ),
        actors=tuple(
            ActorRef(a.name, a.category, a.country, a.description, actor_ids.get(pk, ""))
            for pk, a in sorted(actor_rows.items(), key=lambda kv: kv[1].name)
        ),
        judgements=tuple(
            JudgementRef(
                j.actor.name,
                j.likelihood,
                j.confidence,
                j.rationale,
                j.subject,
                tuple(e.ref for e in sorted(j.evidence.all(), key=lambda e: (shown(e), e.pk))),
                j.stix_id,
            )
            for j in judgements
        ),
        evidence=tuple(
            EvidenceRef(e.kind, e.ref, e.title, e.admiralty, e.data, e.note, e.stix_id)
            for e in evidence
        ),
        narratives=tuple(
            NarrativeRef(n.name, n.description, tuple(str(c) for c in n.claims or []), n.stix_id)
            for n in case.narratives.all()
        ),
        indicators=tuple(
            IndicatorRef(i.kind, i.value, i.platform, i.note, i.stix_id)
            for i in case.indicators.order_by("id")
        ),
    )


@functools.lru_cache(maxsize=8)
def _catalog(path: str, sha256: str, version: str) -> DisarmCatalog:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            f"DISARM {version} was loaded from {path}, which cannot be read now",
            hint="put the file back where it was loaded from (the export needs its objects)",
        ) from exc
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise InputError(
            f"DISARM {version} was loaded from {path}, which has changed since",
            hint="restore the file that was loaded; a framework version never changes",
        )
    return load_catalog(path, version=version)


def disarm_catalogs(versions: Iterable[str] | None = None) -> dict[str, DisarmCatalog]:
    """The loaded DISARM frameworks (only ``versions``, if given) as exchange catalogues.

    Raises:
        InputError: a framework's source file is missing or changed since it was loaded.
    """
    frameworks = DisarmFramework.objects.all()
    if versions is not None:
        frameworks = frameworks.filter(version__in=set(versions))
    return {fw.version: _catalog(fw.source_file, fw.sha256, fw.version) for fw in frameworks}


def bundle_for_cases(cases: Iterable[Case]) -> dict[str, Any]:
    """The STIX 2.1 bundle of ``cases``, private accounts pseudonymised.

    The caller decides who may receive which case (status, TLP) and audits the export.

    Raises:
        InputError: a case uses a DISARM version that is not loaded, or an invalid value.
    """
    # Sorted by report id: case_bundle keeps the first copy of an object that two cases
    # share under the same id and version (the DISARM licence marking of 1.6 and 1.7 has
    # no "modified"), so the order must not depend on how the caller listed the cases.
    exports = sorted((case_export(case) for case in cases), key=case_key)
    versions = {t.framework_version for export in exports for t in export.techniques}
    return case_bundle(exports, disarm=disarm_catalogs(versions), pseudonymise=pseudonymiser())


# -- what may leave, and in which format -----------------------------------------------------


class ExportRefused(OneVoiceError):
    """The case may not leave OneVoice: not approved, or TLP:RED (a page answers 409)."""


def check_exportable(case: Case) -> None:
    """Refuse a case that is not approved or published, or that is marked TLP:RED.

    TLP:RED information is for its named recipients only (FIRST TLP 2.0), so it is never
    put in a file meant for partners or platforms.

    Raises:
        ExportRefused: with the reason and what to do.
    """
    if case.status not in EXPORTABLE_STATUSES:
        state = "a draft" if case.status == "draft" else case.status.replace("_", " ")
        raise ExportRefused(
            f"case {case.pk} is {state}; only approved or published cases are exported",
            hint="a reviewer approves it first",
        )
    if case.tlp == "red":
        raise ExportRefused(
            f"case {case.pk} is TLP:RED, which is never exported",
            hint="TLP:RED is for its named recipients only; share it in person",
        )


def exportable_cases() -> QuerySet[Case]:
    """Every approved or published case that is not TLP:RED, oldest first."""
    return Case.objects.filter(status__in=EXPORTABLE_STATUSES).exclude(tlp="red").order_by("id")


def taxonomies_dir() -> Path:
    """The MISP taxonomies: ``ONEVOICE_MISP_TAXONOMIES``, ``../shared/data/…``, or our copy.

    Raises:
        InputError: none is found.
    """
    checkout = Path(__file__).resolve().parents[4]  # src/onevoice/web/cases/exchange.py
    candidates = [os.environ.get("ONEVOICE_MISP_TAXONOMIES", "")]
    candidates += [str(Path.cwd().parent / _TAXONOMIES), str(checkout.parent / _TAXONOMIES)]
    # the three taxonomies the feed uses ship with the package (CC0, MISP project)
    candidates.append(str(Path(__file__).resolve().parents[2] / "exchange/data/misp-taxonomies"))
    for candidate in candidates:
        if candidate and (Path(candidate) / "tlp.json").is_file():
            return Path(candidate)
    raise InputError(
        "the MISP taxonomies are not found",
        hint=f"set ONEVOICE_MISP_TAXONOMIES to a copy of {_TAXONOMIES}",
    )


def misp_files(cases: Iterable[Case], taxonomies: str | Path | None = None) -> dict[str, str]:
    """The MISP feed of ``cases`` (file name → text), private accounts pseudonymised."""
    exports = [case_export(case) for case in cases]
    versions = {t.framework_version for export in exports for t in export.techniques}
    return misp_feed(
        exports,
        disarm=disarm_catalogs(versions),
        taxonomies=taxonomies or taxonomies_dir(),
        pseudonymise=pseudonymiser(),
    )


def platform_csv_text(cases: Iterable[Case], *, platform: str = "") -> str:
    """The per-network CSV of accounts, URLs and domains (defanged) for platforms.

    Without ``platform`` every account is pseudonymised unless the case names it. With
    ``platform`` the list is for that platform's own trust-and-safety team: only its
    accounts are listed and they are named, since it needs them to act and holds them
    already; accounts of other or unknown platforms are left out.
    """
    exports = [case_export(case) for case in cases]
    if not platform:
        return platform_csv(exports, pseudonymise=pseudonymiser())
    rows = list(csv.reader(io.StringIO(platform_csv(exports, pseudonymise=None))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        if row[2] != "account" or row[3] == platform:
            writer.writerow(row)
    return out.getvalue()


# -- exchange model → Django (draft cases) ---------------------------------------------------


def already_imported(case: Case) -> bool:
    """True when :func:`import_cases` found ``case`` imported before and created nothing."""
    return bool(getattr(case, "_onevoice_existing", False))


def import_cases(
    exports: list[CaseExport], user: Any, *, source: str, imported_from: str = ""
) -> list[Case]:
    """Store cases read from a partner as draft cases, all of them or none.

    Args:
        exports: the cases (:func:`onevoice.exchange.stix_import.read_bundle`,
            :func:`onevoice.exchange.meta_indicators.read_meta_csv`).
        user: the analyst importing them; they become the cases' creator.
        source: the partner the cases came from; it becomes a case's source when the case
            does not name its author (a bundle without ``created_by_ref``).
        imported_from: where they were read (a file name, a TAXII collection URL);
            ``source`` when empty. Shown on the case and kept in the audit log.

    Returns:
        one case per export, in order. A case imported before with the same ids and the
        same ``modified`` time is not imported twice: its existing case is returned and
        :func:`already_imported` is true for it.

    Raises:
        CasePermissionError: ``user`` is not an analyst.
        InputError: a case uses a DISARM technique that is not loaded, or holds an
            invalid Admiralty code, TLP marking or likelihood; nothing is imported.
    """
    from onevoice.web.cases.imports import store_cases

    return store_cases(exports, user, source=source, imported_from=imported_from)
