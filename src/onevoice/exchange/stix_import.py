"""Read a partner's STIX 2.1 bundle into draft cases, or refuse it whole.

A bundle is checked before anything is read out of it, and any of these refuses it with
one clear reason (:class:`BundleRefused`), so an import is all or nothing:

- not JSON, or not a STIX ``bundle``;
- an object whose ``spec_version`` is not ``2.1`` (a STIX 2.0 bundle names ``2.0`` on the
  bundle itself);
- an object type outside STIX 2.1 and the two OpenCTI extension types OneVoice emits
  (``narrative``, ``channel``);
- a reference (``*_ref`` / ``*_refs``) to an object the bundle does not hold, except the
  published TLP marking-definitions, which every tool knows;
- an error from ``stix2-validator``;
- no ``report`` (a case is a report and what it refers to).

Each ``report`` becomes one :class:`~onevoice.exchange.model.CaseExport` with the partner
(the report's ``created_by_ref`` identity) as ``source`` and every STIX ID kept, so that
exporting it again reproduces the partner's IDs; confidence values are kept (an
attribution without OneVoice's ICD 203 word gets the closest word of the DNI scale, ties to
the lower one; evidence without an Admiralty code gets reliability ``F``, "cannot be
judged", and the credibility closest to its confidence, see :mod:`.stix_vocab`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from onevoice.errors import InputError, UnreadableInput
from onevoice.exchange.disarm_catalog import DisarmCatalog
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
from onevoice.exchange.stix_vocab import (
    TLP_BY_MARKING,
    credibility_from_confidence,
    likelihood_from_confidence,
)

__all__ = ["KNOWN_TYPES", "BundleRefused", "check_bundle", "read_bundle"]

#: STIX 2.1 object types (SDO, SRO, SCO, meta) and the extension types we emit.
KNOWN_TYPES: frozenset[str] = frozenset(
    {
        "attack-pattern",
        "campaign",
        "course-of-action",
        "grouping",
        "identity",
        "incident",
        "indicator",
        "infrastructure",
        "intrusion-set",
        "location",
        "malware",
        "malware-analysis",
        "note",
        "observed-data",
        "opinion",
        "report",
        "threat-actor",
        "tool",
        "vulnerability",
        "relationship",
        "sighting",
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "email-addr",
        "email-message",
        "file",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "user-account",
        "windows-registry-key",
        "x509-certificate",
        "marking-definition",
        "language-content",
        "extension-definition",
        "narrative",
        "channel",
    }
)
# TLP 1.0 markings predefined by STIX 2.1 §7.2.1.4 and their TLP 2.0 names.
_TLP1 = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}
_KNOWN_MARKINGS = {**TLP_BY_MARKING, **_TLP1}
_STIX_ID = re.compile(r"^[a-z0-9-]+--[0-9a-fA-F-]{36}$")
_TECH_ID = re.compile(r"^T\d{4}(\.\d{3})?$")
_PATTERN = re.compile(r"^\[([a-z0-9-]+):[^=]+=\s*'((?:[^'\\]|\\.)*)'")
_PATTERN_KIND = {
    "url": "url",
    "domain-name": "domain",
    "email-addr": "email",
    "ipv4-addr": "ip",
    "ipv6-addr": "ip",
    "file": "hash",
    "user-account": "handle",
}


class BundleRefused(InputError):
    """The bundle cannot be imported; nothing of it was imported."""


def _refs(obj: Any) -> list[str]:
    """Every ID named by a ``*_ref``/``*_refs`` property, at any depth."""
    found: list[str] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key.endswith("_ref") and isinstance(value, str):
                found.append(value)
            elif key.endswith("_refs") and isinstance(value, list):
                found += [v for v in value if isinstance(v, str)]
            elif key != "extensions" or isinstance(value, dict):
                found += _refs(value)
    elif isinstance(obj, list):
        for item in obj:
            found += _refs(item)
    return found


def check_bundle(bundle: Any, *, name: str = "bundle") -> list[dict[str, Any]]:
    """The bundle's objects, or :class:`BundleRefused` with the first reason found."""
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise BundleRefused(f'{name} is not a STIX bundle (no "type": "bundle")')
    if bundle.get("spec_version") not in (None, "2.1"):
        raise BundleRefused(
            f"{name} is STIX {bundle.get('spec_version')}, not 2.1",
            hint="convert it to STIX 2.1 first",
        )
    objects = bundle.get("objects")
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise BundleRefused(f"{name} has no list of objects")
    ids = {str(o.get("id")) for o in objects}
    for obj in objects:
        oid = obj.get("id", "?")
        if obj.get("type") not in KNOWN_TYPES:
            raise BundleRefused(
                f"{name}: object {oid} has the unknown type {obj.get('type')!r}",
                hint="only STIX 2.1 types and OpenCTI narrative/channel are imported",
            )
        if obj.get("spec_version", "2.1") != "2.1":
            raise BundleRefused(f"{name}: object {oid} is STIX {obj.get('spec_version')}")
        for ref in _refs(obj):
            if ref not in ids and ref not in _KNOWN_MARKINGS and _STIX_ID.match(ref):
                raise BundleRefused(f"{name}: object {oid} refers to {ref}, which is missing")
    from stix2validator import (  # type: ignore[import-untyped]
        ValidationOptions,
        validate_instance,
    )

    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    if result.errors:
        raise BundleRefused(f"{name} is not valid STIX 2.1: {result.errors[0]}")
    if not any(o.get("type") == "report" for o in objects):
        raise BundleRefused(f"{name} holds no report", hint="a case is a report in STIX")
    return objects


def _text(source: str | bytes | Path) -> tuple[str, str]:
    if isinstance(source, Path):
        try:
            return source.read_text(encoding="utf-8"), str(source)
        except (OSError, UnicodeDecodeError) as exc:
            raise UnreadableInput(f"cannot read {source}: {exc}") from exc
    if isinstance(source, bytes):
        return source.decode("utf-8", errors="replace"), "bundle"
    return source, "bundle"


def read_bundle(
    source: str | bytes | Path, *, disarm: Mapping[str, DisarmCatalog] | None = None
) -> list[CaseExport]:
    """Draft cases from a STIX 2.1 bundle (text, bytes or a file path).

    Args:
        source: the bundle as JSON text or bytes, or a :class:`~pathlib.Path`.
        disarm: DISARM catalogues; an attack-pattern without OneVoice's framework version
            gets the newest version whose catalogue holds its STIX id.

    Raises:
        BundleRefused: see the module docstring; nothing is imported.
    """
    text, name = _text(source)
    try:
        bundle = json.loads(text)
    except ValueError as exc:
        raise BundleRefused(f"{name} is not JSON: {exc}") from exc
    objects = check_bundle(bundle, name=name)
    by_id = {str(o["id"]): o for o in objects}
    reports = sorted((o for o in objects if o["type"] == "report"), key=lambda o: str(o["id"]))
    return [_case(report, by_id, objects, disarm or {}) for report in reports]


def _version(pattern: dict[str, Any], rel: dict[str, Any], disarm: Mapping[str, Any]) -> str:
    version = rel.get("x_onevoice_framework_version")
    if isinstance(version, str) and version:
        return version
    for ver in sorted(disarm, key=lambda v: [int(p) for p in v.split(".")], reverse=True):
        if any(t.stix_id == pattern["id"] for t in disarm[ver].techniques.values()):
            return str(ver)
    return ""


def _case(
    report: dict[str, Any],
    by_id: dict[str, dict[str, Any]],
    objects: list[dict[str, Any]],
    disarm: Mapping[str, DisarmCatalog],
) -> CaseExport:
    refs = [by_id[r] for r in report.get("object_refs", []) if r in by_id]
    group_ids = {o["id"] for o in refs if o["type"] in ("intrusion-set", "campaign")}
    # Relationships of the report's intrusion-set or campaign count even when the
    # partner's report does not list them, and so do the objects at their other end.
    listed = {o["id"] for o in refs}
    for obj in objects:
        if obj["type"] == "relationship" and group_ids & {obj["source_ref"], obj["target_ref"]}:
            for oid in (obj["id"], obj["source_ref"], obj["target_ref"]):
                if oid not in listed:
                    listed.add(oid)
                    refs.append(by_id[oid])
    rels = [o for o in refs if o["type"] == "relationship"]
    techniques, actors, judgements, accounts, narratives = [], [], [], [], []
    for rel in rels:
        target = by_id.get(rel["target_ref"], {})
        if rel["source_ref"] not in group_ids:
            continue
        if rel["relationship_type"] == "uses" and target.get("type") == "attack-pattern":
            ext = next(
                (
                    str(r["external_id"])
                    for r in target.get("external_references", [])
                    if _TECH_ID.match(str(r.get("external_id", "")))
                ),
                "",
            )
            phases = target.get("kill_chain_phases") or [{}]
            techniques.append(
                Technique(
                    ext,
                    _version(target, rel, disarm),
                    str(target.get("name", "")),
                    str(phases[0].get("phase_name", "")),
                    str(rel.get("description", "")),
                )
            )
        elif rel["relationship_type"] == "attributed-to" and target.get("type") in (
            "threat-actor",
            "intrusion-set",
            "identity",
        ):
            likelihood = rel.get("x_onevoice_likelihood") or likelihood_from_confidence(
                int(rel.get("confidence", 50))
            )
            judgements.append(
                JudgementRef(
                    str(target.get("name", "")),
                    str(likelihood),
                    str(rel.get("x_onevoice_analytic_confidence", "low")),
                    str(rel.get("description", "")),
                    str(rel.get("x_onevoice_subject", "")),
                    tuple(rel.get("x_onevoice_evidence", [])),
                    stix_id=str(rel["id"]),
                )
            )
    for obj in refs:
        kind = obj["type"]
        if kind == "threat-actor":
            actors.append(
                ActorRef(
                    str(obj.get("name", "")),
                    str(obj.get("x_onevoice_category", "unknown")),
                    str(obj.get("x_onevoice_country", "")),
                    str(obj.get("description", "")),
                    str(obj["id"]),
                )
            )
        elif kind == "channel":
            accounts.append(
                AccountRef(
                    str(obj.get("name", "")),
                    str((obj.get("channel_types") or [""])[0]),
                    str(obj.get("x_onevoice_handle", "")),
                    bool(obj.get("x_onevoice_public_figure", False)),
                    bool(obj.get("x_onevoice_state_asset", False)),
                    bool(obj.get("x_onevoice_pseudonymised", False)),
                    str(obj["id"]),
                )
            )
        elif kind == "narrative":
            narratives.append(
                NarrativeRef(
                    str(obj.get("name", "")),
                    str(obj.get("description", "")),
                    tuple(obj.get("x_onevoice_claims", [])),
                    str(obj["id"]),
                )
            )
    indicators, evidence = _indicators_and_evidence(refs)
    creator = by_id.get(str(report.get("created_by_ref", "")), {})
    tlp = next((_KNOWN_MARKINGS[m] for m in report.get("object_marking_refs", [])
                if m in _KNOWN_MARKINGS), "amber")  # fmt: skip
    return CaseExport(
        id=str(report.get("x_onevoice_case_id") or report["id"]),
        title=str(report.get("name", "")),
        created=str(report["created"]),
        modified=str(report["modified"]),
        summary=str(report.get("description", "")),
        status=str(report.get("x_onevoice_status", "draft")),
        tlp=tlp,
        source=str(creator.get("name") or "unknown partner"),
        techniques=tuple(sorted(techniques, key=lambda t: (t.external_id, t.framework_version))),
        actors=tuple(sorted(actors, key=lambda a: a.name)),
        judgements=tuple(sorted(judgements, key=lambda j: j.stix_id)),
        evidence=tuple(evidence),
        accounts=tuple(sorted(accounts, key=lambda a: a.account_id)),
        narratives=tuple(sorted(narratives, key=lambda n: n.name)),
        indicators=tuple(indicators),
        references=tuple(
            str(r["url"]) for r in report.get("external_references", []) if r.get("url")
        ),
        stix_id=str(report["id"]),
    )


def _indicators_and_evidence(
    refs: list[dict[str, Any]],
) -> tuple[list[IndicatorRef], list[EvidenceRef]]:
    indicators: list[IndicatorRef] = []
    evidence: list[EvidenceRef] = []
    for obj in refs:
        if obj["type"] == "indicator" and obj.get("pattern_type") == "stix":
            match = _PATTERN.match(str(obj.get("pattern", "")))
            if match is None:
                continue
            kind = str(obj.get("x_onevoice_kind") or _PATTERN_KIND.get(match.group(1), ""))
            if not kind:
                continue
            value = re.sub(r"\\(.)", r"\1", match.group(2))
            indicators.append(
                IndicatorRef(
                    kind,
                    value,
                    str(obj.get("x_onevoice_platform", "")),
                    str(obj.get("description", "")),
                    str(obj["id"]),
                )
            )
        elif obj["type"] == "note" and obj.get("x_onevoice_kind") == "indicator-text":
            indicators.append(
                IndicatorRef(
                    "other", str(obj["content"]), "", str(obj.get("abstract", "")), str(obj["id"])
                )
            )
        elif obj["type"] in ("note", "observed-data"):
            evidence.append(_evidence(obj))
    return indicators, evidence


def _evidence(obj: dict[str, Any]) -> EvidenceRef:
    confidence = obj.get("confidence")
    admiralty = str(
        obj.get("x_onevoice_admiralty")
        or f"F{credibility_from_confidence(confidence if isinstance(confidence, int) else None)}"
    )
    if obj.get("x_onevoice_kind") == "evidence":
        try:
            data = json.loads(str(obj.get("content", "{}")))
        except ValueError:
            data = {"content": obj.get("content")}
        return EvidenceRef(
            str(obj.get("x_onevoice_evidence_kind", "partner")),
            str(obj.get("x_onevoice_evidence_of", obj["id"])),
            str(obj.get("abstract", "")),
            admiralty,
            data if isinstance(data, dict) else {"content": data},
            str(obj.get("x_onevoice_note", "")),
            str(obj["id"]),
        )
    # A partner's own note or observation: kept whole, as kind "partner".
    title = str(obj.get("abstract") or obj.get("name") or obj["type"])
    return EvidenceRef("partner", str(obj["id"]), title, admiralty, {"stix": obj}, "", obj["id"])
