"""The controlled vocabularies of a case (pure Python: importable without Django).

- **Workflow**: ``draft → in_review → approved → published``, or ``rejected`` (with a
  reason) from review; :data:`TRANSITIONS` lists every allowed move and the role that may
  make it. Nobody approves or rejects a case they created (checked in
  :mod:`onevoice.web.cases.workflow`).
- **TLP 2.0** (FIRST, *Traffic Light Protocol version 2.0*, 2022): who may receive a case.
- **Admiralty code** (NATO STANAG 2511 / AJP-2.1): each piece of evidence gets a *source
  reliability* letter A (completely reliable) … E (unreliable), F (cannot be judged), and an
  *information credibility* digit 1 (confirmed by other sources) … 5 (improbable),
  6 (cannot be judged). The two are rated independently.
- **ICD 203** (US ODNI, *Analytic Standards*, 2015): a judgement states its likelihood in one
  of seven words, each standing for a probability range, and separately a confidence
  (low / moderate / high) in the analysis behind it. The ranges are those of ICD 203 as
  published in the MISP ``estimative-language`` taxonomy.
- **EEAS exposure matrix** (EEAS, *2nd Report on FIMI Threats*, 2024): how closely a channel
  is tied to a state, from official state channels to state-aligned ones; ``unknown`` when
  no tie is established.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "ACTOR_CATEGORIES",
    "CONFIDENCE",
    "CREDIBILITY",
    "EDITABLE_STATUSES",
    "EVIDENCE_KINDS",
    "INDICATOR_KINDS",
    "LIKELIHOOD",
    "LIKELIHOOD_RANGES",
    "OWN_SOURCE",
    "RELIABILITY",
    "STATUSES",
    "TLP",
    "TRANSITIONS",
    "choices",
]

STATUSES: tuple[str, ...] = ("draft", "in_review", "approved", "published", "rejected")
#: Statuses in which evidence, techniques and judgements may still be changed.
EDITABLE_STATUSES: frozenset[str] = frozenset({"draft"})

#: (from, to) → the role allowed to make the move.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "in_review"): "analyst",  # submit for review
    ("in_review", "draft"): "analyst",  # withdraw, to change it
    ("in_review", "approved"): "reviewer",
    ("in_review", "rejected"): "reviewer",  # a reason is required
    ("rejected", "draft"): "analyst",  # rework after a rejection
    ("approved", "published"): "communicator",
}

TLP: tuple[str, ...] = ("clear", "green", "amber", "amber+strict", "red")

RELIABILITY: dict[str, str] = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}
CREDIBILITY: dict[int, str] = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}

#: ICD 203 likelihood words, from least to most likely.
LIKELIHOOD: tuple[str, ...] = (
    "almost_no_chance",
    "very_unlikely",
    "unlikely",
    "roughly_even_chance",
    "likely",
    "very_likely",
    "almost_certain",
)
#: The probability range (in percent, inclusive) each likelihood word stands for.
LIKELIHOOD_RANGES: dict[str, tuple[int, int]] = {
    "almost_no_chance": (1, 5),
    "very_unlikely": (5, 20),
    "unlikely": (20, 45),
    "roughly_even_chance": (45, 55),
    "likely": (55, 80),
    "very_likely": (80, 95),
    "almost_certain": (95, 99),
}
CONFIDENCE: tuple[str, ...] = ("low", "moderate", "high")

ACTOR_CATEGORIES: tuple[str, ...] = (
    "official_state",
    "state_controlled",
    "state_linked",
    "state_aligned",
    "unknown",
)

#: What a piece of evidence is a frozen copy of. ``url`` and ``outlet`` record where content
#: appeared; who is behind an outlet is a separate Judgement, never part of the evidence.
#: ``partner`` is a partner's own observation or note, imported whole from its STIX bundle.
EVIDENCE_KINDS: tuple[str, ...] = ("network", "account", "post", "url", "outlet", "partner")

#: The organisation a case comes from when it was written here (not imported).
OWN_SOURCE = "OneVoice"
#: What an imported indicator can be (:data:`onevoice.exchange.model.INDICATOR_KINDS`).
INDICATOR_KINDS: tuple[str, ...] = ("url", "domain", "email", "handle", "ip", "hash", "other")


def choices(values: tuple[str, ...] | Mapping[Any, str]) -> list[tuple[Any, str]]:
    """Django ``choices`` from a vocabulary: the value and a readable label."""
    if isinstance(values, dict):
        return [(k, f"{k}: {v}") for k, v in values.items()]
    if values is TLP:
        return [(v, f"TLP:{v.upper()}") for v in values]
    return [(v, v.replace("_", " ")) for v in values]
