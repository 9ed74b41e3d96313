"""Load the DISARM Red framework (STIX 2.1 bundles) into the database as versioned data.

DISARM (DISARM Foundation, CC BY-SA 4.0) publishes its framework as a STIX 2.1 bundle in the
MITRE ATT&CK style: ``x-mitre-tactic`` objects (``TA17``), ``attack-pattern`` objects
(``T0049``, sub-techniques ``T0049.001`` with ``x_mitre_is_subtechnique``), the tactic of a
technique named by its ``kill_chain_phases[].phase_name`` (the tactic's
``x_mitre_shortname``), and ``subtechnique-of`` relationships from a sub-technique to its
parent. IDs come from ``external_references[].external_id``.

The bundle carries no version number, so the version comes from the file name
(``DISARM-1.7.stix.json`` → ``1.7``) unless given. Loading is idempotent per version: the
same file again changes nothing; a different file under a version already loaded is refused,
because cases store technique IDs with the framework version and must keep meaning the same.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from django.db import transaction

from onevoice.errors import InputError, OneVoiceError, UnreadableInput
from onevoice.web.cases.models import DisarmFramework, DisarmTactic, DisarmTechnique

__all__ = ["load_disarm", "load_disarm_dir", "version_from_name"]

_VERSION = re.compile(r"DISARM[-_ ]?v?(\d+(?:\.\d+)*)", re.IGNORECASE)


def version_from_name(path: str | Path) -> str | None:
    """The framework version in a file name (``DISARM-1.7.stix.json`` → ``"1.7"``)."""
    match = _VERSION.search(Path(path).name)
    return match.group(1) if match else None


def _external_id(obj: dict[str, Any]) -> tuple[str, str]:
    """The DISARM ID and page URL of a STIX object (empty strings when it has none)."""
    for ref in obj.get("external_references") or []:
        ext = ref.get("external_id")
        if isinstance(ext, str) and re.fullmatch(r"TA?\d+(\.\d+)?", ext):
            return ext, str(ref.get("url") or "")
    return "", ""


def _read_bundle(path: Path) -> tuple[bytes, list[dict[str, Any]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        bundle = json.loads(raw)
    except ValueError as exc:
        raise InputError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise InputError(f"{path} is not a STIX bundle", hint="expected DISARM-<version>.stix.json")
    objects = [o for o in bundle.get("objects") or [] if isinstance(o, dict)]
    return raw, objects


def load_disarm(path: str | Path, *, version: str | None = None) -> DisarmFramework:
    """Load one DISARM STIX bundle and return its framework row.

    Args:
        path: a ``DISARM-<version>.stix.json`` file.
        version: the framework version when the file name does not say it.

    Returns:
        the :class:`DisarmFramework`, with its tactics and techniques; the existing one when
        the same file was loaded before.

    Raises:
        UnreadableInput: the file cannot be read.
        InputError: not a STIX bundle, or no tactics or techniques in it.
        OneVoiceError: another file was already loaded under the same version.
    """
    path = Path(path)
    version = version or version_from_name(path)
    if not version:
        raise InputError(
            f"no DISARM version in the file name {path.name}",
            hint="name it DISARM-<version>.stix.json or give the version",
        )
    raw, objects = _read_bundle(path)
    digest = hashlib.sha256(raw).hexdigest()
    existing: DisarmFramework | None = DisarmFramework.objects.filter(version=version).first()
    if existing is not None:
        if existing.sha256 != digest:
            raise OneVoiceError(
                f"DISARM {version} is already loaded from another file ({existing.source_file})",
                hint="a framework version never changes once loaded; give the new file its "
                "own version",
            )
        return existing
    tactics = [o for o in objects if o.get("type") == "x-mitre-tactic"]
    patterns = [
        o
        for o in objects
        if o.get("type") == "attack-pattern"
        and not o.get("revoked")
        and not o.get("x_mitre_deprecated")
    ]
    if not tactics or not patterns:
        raise InputError(f"{path} holds no DISARM tactics or techniques")
    matrix = next((o for o in objects if o.get("type") == "x-mitre-matrix"), {})
    marking = next((o for o in objects if o.get("type") == "marking-definition"), {})
    licence = str((marking.get("definition") or {}).get("statement") or "")
    with transaction.atomic():
        framework: DisarmFramework = DisarmFramework.objects.create(
            version=version,
            name=str(matrix.get("name") or "DISARM Framework"),
            source_file=str(path.resolve()),
            sha256=digest,
            licence=licence,
        )
        by_phase: dict[str, DisarmTactic] = {}
        for obj in tactics:
            ext, _url = _external_id(obj)
            tactic = DisarmTactic.objects.create(
                framework=framework,
                external_id=ext,
                name=str(obj.get("name") or ""),
                shortname=str(obj.get("x_mitre_shortname") or ""),
                description=str(obj.get("description") or ""),
            )
            by_phase[tactic.shortname] = tactic
        by_stix: dict[str, DisarmTechnique] = {}
        for obj in sorted(patterns, key=lambda o: _external_id(o)[0]):
            ext, url = _external_id(obj)
            if not ext:
                continue
            phases = [p.get("phase_name") for p in obj.get("kill_chain_phases") or []]
            by_stix[str(obj["id"])] = DisarmTechnique.objects.create(
                framework=framework,
                external_id=ext,
                name=str(obj.get("name") or ""),
                description=str(obj.get("description") or ""),
                tactic=next((by_phase[p] for p in phases if p in by_phase), None),
                url=url,
                stix_id=str(obj["id"]),
            )
        _link_parents(objects, by_stix)
    return framework


def _link_parents(objects: list[dict[str, Any]], by_stix: dict[str, DisarmTechnique]) -> None:
    """Set ``parent`` from ``subtechnique-of`` relationships, or from the ID (T0014.001)."""
    parents: dict[str, DisarmTechnique] = {}
    for rel in objects:
        if rel.get("type") == "relationship" and rel.get("relationship_type") == "subtechnique-of":
            child, parent = (
                by_stix.get(rel.get("source_ref", "")),
                by_stix.get(rel.get("target_ref", "")),
            )
            if child is not None and parent is not None:
                parents[child.stix_id] = parent
    by_ext = {t.external_id: t for t in by_stix.values()}
    for tech in by_stix.values():
        parent = parents.get(tech.stix_id)
        if parent is None and "." in tech.external_id:
            parent = by_ext.get(tech.external_id.split(".", 1)[0])
        if parent is not None:
            tech.parent = parent
            tech.save(update_fields=["parent"])


def load_disarm_dir(path: str | Path) -> list[DisarmFramework]:
    """Load every ``DISARM-*.stix.json`` in a folder (or the one file ``path`` names).

    Raises:
        UnreadableInput: no such file or folder, or a folder without DISARM bundles.
    """
    path = Path(path)
    if path.is_file():
        return [load_disarm(path)]
    if not path.is_dir():
        raise UnreadableInput(f"no such file or folder: {path}")
    files = sorted(path.glob("DISARM-*.stix.json"))
    if not files:
        raise UnreadableInput(
            f"no DISARM-<version>.stix.json files in {path}",
            hint="the shared data has them in data/disarm/",
        )
    return [load_disarm(f) for f in files]
