"""DISARM framework versions as read-only catalogues for the exporters (no database).

The web application loads DISARM into Django (:mod:`onevoice.web.cases.disarm`); the
exchange formats only need, per framework version, each technique's STIX id, name, tactic
and external references, plus the DISARM Foundation identity and licence marking that must
travel with the techniques (CC BY-SA 4.0 asks for attribution). This module reads them
straight from the published ``DISARM-<version>.stix.json`` bundles.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onevoice.errors import InputError, UnreadableInput

__all__ = ["DisarmCatalog", "DisarmTechnique", "load_catalog", "load_catalogs"]

_VERSION = re.compile(r"DISARM[-_ ]?v?(\d+(?:\.\d+)*)", re.IGNORECASE)
_ID = re.compile(r"TA?\d+(\.\d+)?")


@dataclass(frozen=True)
class DisarmTechnique:
    """One technique of one framework version, as published."""

    external_id: str
    stix_id: str
    name: str
    tactic: str  # kill-chain phase name, e.g. "maximise-exposure"
    created: str
    modified: str
    external_references: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class DisarmCatalog:
    """The techniques of one DISARM version, with the publisher's identity and marking."""

    version: str
    techniques: dict[str, DisarmTechnique]
    identity: dict[str, Any] = field(default_factory=dict)
    marking: dict[str, Any] = field(default_factory=dict)

    def technique(self, external_id: str) -> DisarmTechnique:
        """The technique ``external_id``; :class:`InputError` when this version lacks it."""
        try:
            return self.techniques[external_id]
        except KeyError:
            raise InputError(
                f"DISARM {self.version} has no technique {external_id}",
                hint="check the technique ID and the case's framework version",
            ) from None


def load_catalog(path: str | Path, *, version: str | None = None) -> DisarmCatalog:
    """Read one ``DISARM-<version>.stix.json`` bundle.

    Raises:
        UnreadableInput: the file cannot be read.
        InputError: not JSON, not a bundle, no version in the name, or no techniques.
    """
    path = Path(path)
    match = _VERSION.search(path.name)
    version = version or (match.group(1) if match else None)
    if not version:
        raise InputError(f"no DISARM version in the file name {path.name}")
    try:
        bundle = json.loads(path.read_bytes())
    except OSError as exc:
        raise UnreadableInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise InputError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise InputError(f"{path} is not a STIX bundle")
    objects = [o for o in bundle.get("objects") or [] if isinstance(o, dict)]
    techniques: dict[str, DisarmTechnique] = {}
    for obj in objects:
        if obj.get("type") != "attack-pattern" or obj.get("revoked"):
            continue
        refs = tuple(
            {str(k): str(v) for k, v in ref.items()}
            for ref in obj.get("external_references") or []
            if isinstance(ref, dict)
        )
        ext = next((r["external_id"] for r in refs if _ID.fullmatch(r.get("external_id", ""))), "")
        if not ext:
            continue
        phases = [p.get("phase_name", "") for p in obj.get("kill_chain_phases") or []]
        techniques[ext] = DisarmTechnique(
            external_id=ext,
            stix_id=str(obj["id"]),
            name=str(obj.get("name") or ""),
            tactic=str(phases[0]) if phases else "",
            created=str(obj.get("created") or ""),
            modified=str(obj.get("modified") or ""),
            external_references=refs,
        )
    if not techniques:
        raise InputError(f"{path} holds no DISARM techniques")
    identity = next((o for o in objects if o.get("type") == "identity"), {})
    marking = next((o for o in objects if o.get("type") == "marking-definition"), {})
    return DisarmCatalog(version, techniques, identity, marking)


def load_catalogs(folder: str | Path) -> dict[str, DisarmCatalog]:
    """Every ``DISARM-*.stix.json`` in ``folder``, by version."""
    files = sorted(Path(folder).glob("DISARM-*.stix.json"))
    if not files:
        raise UnreadableInput(f"no DISARM-<version>.stix.json files in {folder}")
    catalogs = [load_catalog(f) for f in files]
    return {c.version: c for c in catalogs}
