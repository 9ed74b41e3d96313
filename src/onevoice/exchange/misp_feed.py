"""Case files as a MISP feed: ``manifest.json``, ``hashes.csv`` and one event per case.

The layout is the one MISP reads as a "MISP feed" and the one PyMISP's
``feed_meta_generator`` writes: ``<event uuid>.json`` holding ``{"Event": …}`` for each
event; ``manifest.json`` mapping each event uuid to its ``Orgc``, ``Tag``, ``info``,
``date``, ``analysis``, ``threat_level_id`` and ``timestamp``; ``hashes.csv`` with one
``<md5 of an attribute value>,<event uuid>`` line per attribute, which MISP uses to
correlate feed values without downloading the events (MISP core format,
draft-dulaunoy-misp-core-format).

Tags come from the MISP taxonomies shipped in ``shared/data/misp-taxonomies`` and are
checked against them, never invented: ``tlp:<level>`` for the case,
``estimative-language:likelihood-probability="…"`` and
``estimative-language:confidence-in-analytic-judgment="…"`` for each judgement, and
``admiralty-scale:source-reliability="…"`` / ``admiralty-scale:information-credibility="…"``
on each piece of evidence. DISARM techniques are galaxy clusters of the misp-galaxy
``DISARM Techniques`` galaxy, whose type is ``disarm`` and whose cluster values are the
technique names (tag ``misp-galaxy:disarm="Flood Information Space"``, the technique ID
in the cluster's ``meta.external_id``). Private accounts are pseudonymised as in
:mod:`.stix_export`; UUIDs are uuid5, so the same cases give the same feed.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from onevoice.errors import InputError, UnreadableInput
from onevoice.exchange.disarm_catalog import DisarmCatalog
from onevoice.exchange.model import CaseExport
from onevoice.exchange.pseudonyms import AccountMapper, Pseudonymiser
from onevoice.exchange.stix_export import case_key
from onevoice.exchange.stix_vocab import NAMESPACE

__all__ = ["DISARM_GALAXY", "Taxonomies", "misp_feed", "write_feed"]

#: The misp-galaxy "DISARM Techniques" galaxy (galaxies/disarm-techniques.json).
DISARM_GALAXY = {
    "name": "DISARM Techniques",
    "namespace": "disarm",
    "type": "disarm",
    "uuid": "a90f2bb6-11e1-58a7-9962-ba37886720ec",
}
_ATTRIBUTE = {  # indicator kind → (MISP type, category, to_ids)
    "url": ("url", "Network activity", True),
    "domain": ("domain", "Network activity", True),
    "email": ("email-src", "Payload delivery", True),
    "ip": ("ip-dst", "Network activity", True),
    "handle": ("text", "Social network", False),
    "other": ("text", "Other", False),
}
_HASH_TYPES = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_ANALYSIS = {"draft": 0, "in_review": 1, "rejected": 0, "approved": 2, "published": 2}


class Taxonomies:
    """The machine tags of the MISP taxonomies in a folder, for checked tag building."""

    def __init__(self, folder: str | Path) -> None:
        self.tags: set[str] = set()
        self.colours: dict[str, str] = {}
        files = sorted(Path(folder).glob("*.json"))
        if not files:
            raise UnreadableInput(f"no MISP taxonomies in {folder}")
        for path in files:
            data = json.loads(path.read_text(encoding="utf-8"))
            namespace = data["namespace"]
            valued = {v["predicate"]: v["entry"] for v in data.get("values") or []}
            for predicate in data.get("predicates") or []:
                name = predicate["value"]
                if name in valued:
                    for entry in valued[name]:
                        tag = f'{namespace}:{name}="{entry["value"]}"'
                        self.tags.add(tag)
                        if "colour" in entry:
                            self.colours[tag] = entry["colour"]
                else:
                    tag = f"{namespace}:{name}"
                    self.tags.add(tag)
                    if "colour" in predicate:
                        self.colours[tag] = predicate["colour"]

    def tag(self, namespace: str, predicate: str, value: str | None = None) -> dict[str, str]:
        """A MISP ``Tag`` object; :class:`InputError` when the taxonomy lacks it."""
        name = f"{namespace}:{predicate}" + (f'="{value}"' if value is not None else "")
        if name not in self.tags:
            raise InputError(f"the MISP taxonomies define no tag {name}")
        tag = {"name": name}
        if name in self.colours:
            tag["colour"] = self.colours[name]
        return tag


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x00".join(("misp", *parts))))


def _epoch(timestamp: str) -> str:
    return str(calendar.timegm(time.strptime(timestamp[:19], "%Y-%m-%dT%H:%M:%S")))


def _event(
    case: CaseExport,
    disarm: Mapping[str, DisarmCatalog],
    pseudonymise: Pseudonymiser | None,
    tax: Taxonomies,
) -> dict[str, Any]:
    accounts = AccountMapper(case, pseudonymise)
    event_uuid = _uuid("event", case_key(case))
    stamp = _epoch(case.modified)
    tags = [tax.tag("tlp", case.tlp)]
    for judgement in case.judgements:
        tags.append(
            tax.tag(
                "estimative-language",
                "likelihood-probability",
                judgement.likelihood.replace("_", "-"),
            )
        )
        tags.append(tax.tag("estimative-language", "confidence-in-analytic-judgment",
                            judgement.confidence))  # fmt: skip
    clusters = []
    for tech in case.techniques:
        catalog = disarm.get(tech.framework_version)
        if catalog is None:
            raise InputError(f"case {case.id} uses DISARM {tech.framework_version}, not loaded")
        published = catalog.technique(tech.external_id)
        tag_name = f'misp-galaxy:disarm="{published.name}"'
        tags.append({"name": tag_name})
        clusters.append(
            {
                "type": "disarm",
                "value": published.name,
                "tag_name": tag_name,
                "uuid": _uuid("cluster", tech.framework_version, tech.external_id),
                "meta": {
                    "external_id": [tech.external_id],
                    "kill_chain": [f"disarm-tactics:{published.tactic}"],
                    "refs": [r["url"] for r in published.external_references if r.get("url")],
                    "framework_version": [tech.framework_version],
                },
            }
        )
    attributes = []
    for ind in case.indicators:
        value = accounts(ind.value) if ind.kind == "handle" else ind.value
        if ind.kind == "hash":
            kind, category, to_ids = _HASH_TYPES[len(value)], "Payload delivery", True
        else:
            kind, category, to_ids = _ATTRIBUTE[ind.kind]
        comment = ind.note
        if ind.kind == "handle":
            comment = f"handle on {ind.platform or 'unknown platform'}" + (
                f"; {ind.note}" if ind.note else ""
            )
        attributes.append(_attribute(event_uuid, stamp, kind, category, value, comment, to_ids))
    for ev in case.evidence:
        ref = accounts(ev.ref) if ev.kind == "account" else ev.ref
        attr = _attribute(
            event_uuid, stamp, "text", "Internal reference", f"{ev.kind} {ref}", ev.title, False
        )
        attr["Tag"] = [
            tax.tag("admiralty-scale", "source-reliability", ev.admiralty[:1].lower()),
            tax.tag("admiralty-scale", "information-credibility", ev.admiralty[1:]),
        ]
        attributes.append(attr)
    unique_tags = {t["name"]: t for t in tags}
    return {
        "uuid": event_uuid,
        "info": case.title,
        "date": case.created[:10],
        "timestamp": stamp,
        "publish_timestamp": stamp,
        "published": case.status == "published",
        "analysis": str(_ANALYSIS.get(case.status, 0)),
        "threat_level_id": "4",
        "Orgc": {"name": case.source, "uuid": _uuid("org", case.source)},
        "Tag": [unique_tags[k] for k in sorted(unique_tags)],
        "Galaxy": [{**DISARM_GALAXY, "GalaxyCluster": clusters}] if clusters else [],
        "Attribute": sorted(attributes, key=lambda a: a["uuid"]),
    }


def _attribute(
    event_uuid: str, stamp: str, kind: str, category: str, value: str, comment: str, ids: bool
) -> dict[str, Any]:
    return {
        "uuid": _uuid("attribute", event_uuid, kind, category, value),
        "type": kind,
        "category": category,
        "value": value,
        "comment": comment,
        "to_ids": ids,
        "timestamp": stamp,
        "disable_correlation": not ids,
    }


def misp_feed(
    cases: Iterable[CaseExport],
    *,
    disarm: Mapping[str, DisarmCatalog],
    taxonomies: str | Path,
    pseudonymise: Pseudonymiser | None = None,
) -> dict[str, str]:
    """The files of a MISP feed of ``cases``: file name → text.

    Raises:
        InputError: a DISARM version or technique is not loaded, a tag is not defined by
            the taxonomies, or a private account would be named.
    """
    tax = Taxonomies(taxonomies)
    files: dict[str, str] = {}
    manifest: dict[str, Any] = {}
    hashes: list[str] = []
    for case in cases:
        event = _event(case, disarm, pseudonymise, tax)
        files[f"{event['uuid']}.json"] = _dump({"Event": event})
        manifest[event["uuid"]] = {
            key: event[key]
            for key in ("Orgc", "Tag", "info", "date", "analysis", "threat_level_id", "timestamp")
        }
        for attr in event["Attribute"]:
            digest = hashlib.md5(attr["value"].encode(), usedforsecurity=False).hexdigest()
            hashes.append(f"{digest},{event['uuid']}")
    files["manifest.json"] = _dump(manifest)
    files["hashes.csv"] = "".join(f"{line}\n" for line in sorted(hashes))
    return dict(sorted(files.items()))


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_feed(files: Mapping[str, str], folder: str | Path) -> list[Path]:
    """Write the files of :func:`misp_feed` into ``folder`` (created if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
