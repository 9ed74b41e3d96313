"""Case files as a STIX 2.1 bundle that OpenCTI, MISP and the EEAS tooling can read.

One case becomes (OASIS, *STIX Version 2.1*, 2021; DISARM Foundation, *DISARM Red*):

- a ``report`` (title, summary, ``published`` = the case's last change) whose
  ``object_refs`` list everything below, made by an ``identity`` (the case's source) and
  marked with the official TLP 2.0 ``marking-definition`` of the case;
- an ``intrusion-set`` for the activity, which ``uses`` the DISARM ``attack-pattern`` objects
  of the case (their published IDs, names and external references; ``kill_chain_phases``
  with ``kill_chain_name: "disarm"``), the accounts (OpenCTI ``channel``) and the
  ``narrative`` objects, and is ``attributed-to`` ``threat-actor`` objects, one relationship
  per ICD 203 judgement with its DNI-scale ``confidence`` (:mod:`.stix_vocab`);
- an ``indicator`` per URL, domain, e-mail address, handle, IP address or hash (STIX
  patterns) that ``indicates`` the intrusion-set; free-text indicators become ``note``s;
- a ``note`` per piece of evidence, its ``confidence`` from the Admiralty credibility.

Private individuals' accounts are pseudonymised everywhere in the output (channels, handle
indicators, the frozen evidence data): only accounts the case marks as a public figure or a
state asset keep their ID. IDs are deterministic (:func:`.stix_vocab.stix_id`) and every
timestamp comes from the case, so :func:`bundle_json` of the same cases is byte-identical.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from onevoice.errors import InputError
from onevoice.exchange.disarm_catalog import DisarmCatalog
from onevoice.exchange.model import CaseExport, IndicatorRef
from onevoice.exchange.pseudonyms import AccountMapper, Pseudonymiser
from onevoice.exchange.stix_vocab import (
    ADMIRALTY_CONFIDENCE,
    DNI_CONFIDENCE,
    OCTI_EXTENSION,
    TLP_MARKINGS,
    stix_id,
    tlp_marking,
)

__all__ = [
    "IDENTITY_CREATED",
    "bundle_json",
    "case_bundle",
    "case_key",
    "indicator_pattern",
    "stix_timestamp",
    "validate_bundle",
]


#: ``created``/``modified`` of the source identities: they must not depend on one case.
IDENTITY_CREATED = "2020-01-01T00:00:00.000Z"
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
_ACTOR_TYPES = {"official_state": "nation-state", "state_controlled": "nation-state"}


def stix_timestamp(value: datetime) -> str:
    """A STIX timestamp in UTC with milliseconds (``2026-03-01T12:00:00.000Z``)."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def case_key(case: CaseExport) -> str:
    """The case's report ID: the partner's when imported, else derived from source and id."""
    return case.stix_id or stix_id("report", case.source, case.id)


def indicator_pattern(indicator: IndicatorRef) -> str:
    """The STIX pattern of an indicator (``[domain-name:value = 'example.org']``)."""
    value = indicator.value.replace("\\", "\\\\").replace("'", "\\'")
    if indicator.kind == "url":
        return f"[url:value = '{value}']"
    if indicator.kind == "domain":
        return f"[domain-name:value = '{value}']"
    if indicator.kind == "email":
        return f"[email-addr:value = '{value}']"
    if indicator.kind == "ip":
        kind = "ipv6-addr" if ":" in value else "ipv4-addr"
        return f"[{kind}:value = '{value}']"
    if indicator.kind == "hash":
        algo = {32: "MD5", 40: "SHA-1", 64: "SHA-256", 128: "SHA-512"}[len(value)]
        return f"[file:hashes.'{algo}' = '{value}']"
    if indicator.kind == "handle":
        if indicator.platform:
            platform = indicator.platform.replace("'", "\\'")
            return (
                f"[user-account:account_login = '{value}' AND "
                f"user-account:account_type = '{platform}']"
            )
        return f"[user-account:account_login = '{value}']"
    raise InputError(f"indicator kind {indicator.kind!r} has no STIX pattern")


def _common(case: CaseExport, kind: str, oid: str, identity: str) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": oid,
        "created": case.created,
        "modified": case.modified,
        "created_by_ref": identity,
        "object_marking_refs": [TLP_MARKINGS[case.tlp]],
    }


def _relationship(
    case: CaseExport, identity: str, kind: str, source: str, target: str, **extra: Any
) -> dict[str, Any]:
    rid = extra.pop("id", "") or stix_id("relationship", case_key(case), kind, source, target)
    obj = _common(case, "relationship", rid, identity)
    obj.update(relationship_type=kind, source_ref=source, target_ref=target)
    obj.update({k: v for k, v in extra.items() if v not in ("", None, [], ())})
    return obj


def _check(case: CaseExport) -> None:
    if case.tlp not in TLP_MARKINGS:
        raise InputError(f"case {case.id}: unknown TLP {case.tlp!r}")
    for name in ("created", "modified"):
        if not _TIMESTAMP.match(getattr(case, name)):
            raise InputError(
                f"case {case.id}: {name} {getattr(case, name)!r} is not a STIX timestamp",
                hint="use stix_timestamp(datetime), e.g. 2026-03-01T12:00:00.000Z",
            )


def _case_objects(
    case: CaseExport, disarm: Mapping[str, DisarmCatalog], pseudonymise: Pseudonymiser | None
) -> list[dict[str, Any]]:
    _check(case)
    key = case_key(case)
    accounts = AccountMapper(case, pseudonymise)
    identity = stix_id("identity", "source", case.source)
    objects: list[dict[str, Any]] = [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": identity,
            "created": IDENTITY_CREATED,
            "modified": IDENTITY_CREATED,
            "name": case.source,
            "identity_class": "organization",
        },
        tlp_marking(case.tlp),
    ]
    group = _common(case, "intrusion-set", stix_id("intrusion-set", key), identity)
    group.update(name=case.title, description=case.summary or case.title)
    refs: list[dict[str, Any]] = [group]
    gid = group["id"]
    for tech in case.techniques:
        catalog = disarm.get(tech.framework_version)
        if catalog is None:
            raise InputError(
                f"case {case.id} uses DISARM {tech.framework_version}, which is not loaded",
                hint=f"load it; loaded: {', '.join(sorted(disarm)) or 'none'}",
            )
        published = catalog.technique(tech.external_id)
        pattern: dict[str, Any] = {
            "type": "attack-pattern",
            "spec_version": "2.1",
            "id": published.stix_id,
            "created": published.created,
            "modified": published.modified,
            "name": published.name,
            "external_references": [dict(r) for r in published.external_references],
            "kill_chain_phases": [{"kill_chain_name": "disarm", "phase_name": published.tactic}],
            "x_mitre_id": published.external_id,
        }
        if catalog.identity:
            pattern["created_by_ref"] = catalog.identity["id"]
            objects.append(catalog.identity)
        if catalog.marking:
            pattern["object_marking_refs"] = [catalog.marking["id"]]
            objects.append(catalog.marking)
        objects.append(pattern)
        refs.append(pattern)
        refs.append(
            _relationship(
                case,
                identity,
                "uses",
                gid,
                published.stix_id,
                description=tech.note,
                x_onevoice_framework_version=tech.framework_version,
            )
        )
    actor_ids: dict[str, str] = {}
    for actor in case.actors:
        aid = actor.stix_id or stix_id("threat-actor", key, actor.name)
        actor_ids[actor.name] = aid
        obj = _common(case, "threat-actor", aid, identity)
        obj.update(
            name=actor.name,
            threat_actor_types=[_ACTOR_TYPES.get(actor.category, "unknown")],
            x_onevoice_category=actor.category,
        )
        if actor.description:
            obj["description"] = actor.description
        if actor.country:
            obj["x_onevoice_country"] = actor.country
        refs.append(obj)
    for judgement in case.judgements:
        if judgement.actor not in actor_ids:
            raise InputError(f"case {case.id}: judgement names unknown actor {judgement.actor!r}")
        if judgement.likelihood not in DNI_CONFIDENCE:
            raise InputError(f"case {case.id}: unknown likelihood {judgement.likelihood!r}")
        target = actor_ids[judgement.actor]
        rid = judgement.stix_id or stix_id(
            "relationship", key, "attributed-to", target, judgement.subject, judgement.rationale
        )
        refs.append(
            _relationship(
                case,
                identity,
                "attributed-to",
                gid,
                target,
                id=rid,
                confidence=DNI_CONFIDENCE[judgement.likelihood],
                description=judgement.rationale,
                x_onevoice_likelihood=judgement.likelihood,
                x_onevoice_analytic_confidence=judgement.confidence,
                x_onevoice_subject=judgement.subject,
                x_onevoice_evidence=[
                    accounts(r) if _is_account_ref(case, r) else r for r in judgement.evidence
                ],
            )
        )
    for account in case.accounts:
        name = accounts(account.account_id)
        obj = _common(case, "channel", account.stix_id or stix_id("channel", key, name), identity)
        obj.update(
            name=name,
            x_onevoice_public_figure=account.public_figure,
            x_onevoice_state_asset=account.state_asset,
            x_onevoice_pseudonymised=name != account.account_id or account.pseudonymised,
            extensions={OCTI_EXTENSION: {"extension_type": "new-sdo"}},
        )
        if account.platform:
            obj["channel_types"] = [account.platform]
        if account.handle:
            obj["x_onevoice_handle"] = accounts(account.handle)
        refs += [obj, _relationship(case, identity, "uses", gid, obj["id"])]
    for narrative in case.narratives:
        nid = narrative.stix_id or stix_id("narrative", key, narrative.name)
        obj = _common(case, "narrative", nid, identity)
        obj.update(name=narrative.name, extensions={OCTI_EXTENSION: {"extension_type": "new-sdo"}})
        if narrative.description:
            obj["description"] = narrative.description
        if narrative.claims:
            obj["x_onevoice_claims"] = list(narrative.claims)
        refs += [obj, _relationship(case, identity, "uses", gid, nid)]
    for indicator in case.indicators:
        refs += _indicator(case, identity, gid, indicator, accounts)
    for ev in case.evidence:
        obj = _common(case, "note", ev.stix_id or stix_id("note", key, ev.kind, ev.ref), identity)
        credibility = int(ev.admiralty[1:]) if ev.admiralty[1:].isdigit() else 6
        ref = accounts(ev.ref) if ev.kind == "account" else ev.ref
        obj.update(
            abstract=ev.title or f"{ev.kind} {ref}",
            content=json.dumps(accounts.data(ev.data), sort_keys=True, ensure_ascii=False),
            object_refs=[gid],
            x_onevoice_kind="evidence",
            x_onevoice_evidence_kind=ev.kind,
            x_onevoice_evidence_of=ref,
            x_onevoice_admiralty=ev.admiralty,
        )
        if credibility in ADMIRALTY_CONFIDENCE:
            obj["confidence"] = ADMIRALTY_CONFIDENCE[credibility]
        if ev.note:
            obj["x_onevoice_note"] = ev.note
        refs.append(obj)
    report = _common(case, "report", key, identity)
    report.update(
        name=case.title,
        description=case.summary or case.title,
        published=case.modified,
        report_types=["threat-report"],
        object_refs=sorted({o["id"] for o in refs}),
        x_onevoice_case_id=case.id,
        x_onevoice_status=case.status,
    )
    if case.references:
        report["external_references"] = [
            {"source_name": case.source, "url": url} for url in case.references
        ]
    return objects + refs + [report]


def _is_account_ref(case: CaseExport, ref: str) -> bool:
    return any(ev.ref == ref and ev.kind == "account" for ev in case.evidence)


def _indicator(
    case: CaseExport, identity: str, gid: str, indicator: IndicatorRef, accounts: AccountMapper
) -> list[dict[str, Any]]:
    key = case_key(case)
    value = indicator.value
    if indicator.kind == "handle":
        value = accounts(value)
    if indicator.kind == "other":
        nid = indicator.stix_id or stix_id("note", key, "indicator", value)
        obj = _common(case, "note", nid, identity)
        obj.update(content=value, object_refs=[gid], x_onevoice_kind="indicator-text")
        if indicator.note:
            obj["abstract"] = indicator.note
        return [obj]
    exported = IndicatorRef(indicator.kind, value, indicator.platform)
    pattern = indicator_pattern(exported)
    iid = indicator.stix_id or stix_id("indicator", key, pattern)
    obj = _common(case, "indicator", iid, identity)
    obj.update(
        name=value,
        pattern=pattern,
        pattern_type="stix",
        valid_from=case.created,
        indicator_types=["malicious-activity"],
        x_onevoice_kind=indicator.kind,
    )
    if indicator.note:
        obj["description"] = indicator.note
    if indicator.platform:
        obj["x_onevoice_platform"] = indicator.platform
    return [obj, _relationship(case, identity, "indicates", iid, gid)]


def case_bundle(
    cases: Iterable[CaseExport],
    *,
    disarm: Mapping[str, DisarmCatalog],
    pseudonymise: Pseudonymiser | None = None,
) -> dict[str, Any]:
    """A STIX 2.1 bundle of ``cases`` (see the module docstring for the mapping).

    Args:
        cases: the cases, in any order (the bundle is sorted by object ID).
        disarm: the loaded DISARM catalogues by framework version (``"1.7"``).
        pseudonymise: maps a private account ID to its pseudonym in a case; required as
            soon as a case mentions an account that is not a public figure or state asset.

    Raises:
        InputError: a case uses a DISARM version or technique that is not loaded, a
            judgement names an actor the case lacks, a timestamp or TLP is invalid, or a
            private account would be named.
    """
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for case in sorted(cases, key=case_key):  # objects shared by cases: first one wins
        for obj in _case_objects(case, disarm, pseudonymise):
            seen.setdefault((obj["id"], str(obj.get("modified", ""))), obj)
    objects = [seen[k] for k in sorted(seen)]
    digest = stix_id("bundle", *(f"{i}@{m}" for i, m in sorted(seen)))
    return {"type": "bundle", "id": digest, "objects": objects}


def bundle_json(bundle: Mapping[str, Any]) -> str:
    """The bundle as canonical JSON text: sorted keys, two-space indent, final newline."""
    return json.dumps(bundle, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def validate_bundle(bundle: Mapping[str, Any]) -> list[str]:
    """The errors ``stix2-validator`` finds in ``bundle`` (warnings are not errors)."""
    from stix2validator import (  # type: ignore[import-untyped]
        ValidationOptions,
        validate_instance,
    )

    result = validate_instance(dict(bundle), ValidationOptions(version="2.1"))
    errors = [str(e) for e in result.errors]
    for obj in getattr(result, "object_results", []) or []:
        errors += [f"{obj.object_id}: {e}" for e in obj.errors]
    return errors
