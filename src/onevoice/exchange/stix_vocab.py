"""Constants and small mappings shared by the STIX exporter and importer.

- **Deterministic IDs**: every object OneVoice writes gets ``<type>--uuid5(NAMESPACE,
  key)``, where the key is built from the case (its source and id) and the content of the
  object, so the same case always gives the same IDs (STIX 2.1 §2.9 recommends UUIDv5 for
  reproducible identifiers).
- **TLP 2.0**: the five marking-definitions published by OASIS with the TLP 2.0
  extension (``extension-definition--60a3c5c5-…``, oasis-open/cti-stix-common-objects,
  ``extension-definition-specifications/tlp-2.0``), copied with their official IDs.
- **Confidence** (STIX 2.1, Appendix A "Confidence Scales"): the ``confidence`` property is
  an integer 0–100; Appendix A gives the normative mapping of common scales onto it. We use
  two of them:

  * the **DNI scale** (ICD 203 likelihood words) for attributions: almost no chance 5,
    very unlikely 15, unlikely 30, roughly even chance 50, likely 70, very likely 85,
    almost certain 95. An attribution's STIX confidence is the probability the analysts
    give it; their ICD 203 *analytic* confidence (low/moderate/high) travels beside it
    in ``x_onevoice_analytic_confidence``, never folded into the number.
  * the **Admiralty Credibility scale** for evidence: 1 confirmed 90, 2 probably true 70,
    3 possibly true 50, 4 doubtful 30, 5 improbable 10; 6 (cannot be judged) has no
    value, so the property is omitted. The source-reliability letter is kept in
    ``x_onevoice_admiralty`` (the full code, ``B2``), because STIX has no place for it.

  Importing a partner's bundle maps the number back to the closest word of the same scale
  (ties to the lower word) and keeps the partner's number in the object untouched.
- **OpenCTI FIMI objects**: OpenCTI serialises its ``Narrative`` and ``Channel`` entities
  as STIX objects of type ``narrative`` / ``channel`` carrying its extension
  ``extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba`` with
  ``extension_type: "new-sdo"`` (OpenCTI ``narrative-converter.ts``, pycti ``STIX_EXT_OCTI``).
"""

from __future__ import annotations

import uuid

__all__ = [
    "ADMIRALTY_CONFIDENCE",
    "DNI_CONFIDENCE",
    "NAMESPACE",
    "OCTI_EXTENSION",
    "TLP2_EXTENSION",
    "TLP_MARKINGS",
    "credibility_from_confidence",
    "likelihood_from_confidence",
    "stix_id",
    "tlp_marking",
]

#: The namespace of every OneVoice STIX ID (uuid5 of the project's URL).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://onevoice.example/stix")

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
OCTI_EXTENSION = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"

#: TLP 2.0 level → the official marking-definition ID.
TLP_MARKINGS: dict[str, str] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_BY_MARKING: dict[str, str] = {v: k for k, v in TLP_MARKINGS.items()}

#: ICD 203 likelihood word → STIX confidence (Appendix A, DNI scale).
DNI_CONFIDENCE: dict[str, int] = {
    "almost_no_chance": 5,
    "very_unlikely": 15,
    "unlikely": 30,
    "roughly_even_chance": 50,
    "likely": 70,
    "very_likely": 85,
    "almost_certain": 95,
}
#: Admiralty information credibility → STIX confidence (Appendix A); 6 has none.
ADMIRALTY_CONFIDENCE: dict[int, int] = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}


def stix_id(kind: str, *parts: str) -> str:
    """``kind--uuid5(NAMESPACE, parts joined by NUL)``: the same parts, the same ID."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, chr(0).join(parts))}"


def tlp_marking(level: str) -> dict[str, object]:
    """The official TLP 2.0 marking-definition object of ``level``."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_MARKINGS[level],
        "created": "2022-10-01T00:00:00.000Z",
        "name": f"TLP:{level.upper()}",
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}},
    }


def _closest(value: int, scale: dict[str, int]) -> str:
    return min(scale, key=lambda word: (abs(scale[word] - value), scale[word]))


def likelihood_from_confidence(value: int) -> str:
    """The ICD 203 word whose DNI-scale value is closest to ``value`` (ties: the lower)."""
    return _closest(value, DNI_CONFIDENCE)


def credibility_from_confidence(value: int | None) -> int:
    """The Admiralty credibility digit closest to ``value``; 6 when there is none."""
    if value is None:
        return 6
    scale = {str(k): v for k, v in ADMIRALTY_CONFIDENCE.items()}
    return int(_closest(value, scale))
