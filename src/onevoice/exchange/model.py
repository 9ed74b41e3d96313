"""The exchange model: a case file as plain data, independent of Django.

Every exporter in :mod:`onevoice.exchange` reads a :class:`CaseExport` and every importer
returns one, so the formats can be tested without a database and the web application only
needs one adapter (Django case models → :class:`CaseExport`, and back for draft cases).

What the adapter fills, field by field, mirrors :func:`onevoice.web.cases.workflow.snapshot`:

- :class:`CaseExport`: the case's id, title, summary, status, TLP, ``created``/``modified``
  (the case's own timestamps, used as the STIX ``created``/``modified`` of everything the
  case produces, so exports are reproducible) and ``source`` (the organisation that wrote
  the case: ``"OneVoice"`` for our own, the partner for imported ones).
- :class:`Technique`: a ``CaseTechnique`` (DISARM ID plus framework version, with the name
  and tactic of that version).
- :class:`ActorRef` and :class:`JudgementRef`: an ``Actor`` and a ``Judgement`` (ICD 203
  likelihood word and confidence, the rationale, the ``ref`` of the evidence it rests on).
- :class:`EvidenceRef`: an ``Evidence`` row with its Admiralty code and frozen ``data``.
- :class:`AccountRef`: a ``CaseAccount``; only public figures and state assets are named in
  exported output, every other account is pseudonymised by the exporter.
- :class:`NarrativeRef` and :class:`IndicatorRef`: narratives (with their claims) and
  indicators (URLs, domains, handles, e-mail addresses, IPs, hashes, free text).

``stix_id`` fields are empty for our own cases (the exporter derives deterministic IDs) and
hold the partner's STIX ID for imported ones, so a re-export keeps the partner's IDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "INDICATOR_KINDS",
    "AccountRef",
    "ActorRef",
    "CaseExport",
    "EvidenceRef",
    "IndicatorRef",
    "JudgementRef",
    "NarrativeRef",
    "Technique",
]

#: What an indicator can be; ``other`` keeps free text (``"63 accounts"``) as written.
INDICATOR_KINDS: tuple[str, ...] = ("url", "domain", "email", "handle", "ip", "hash", "other")


@dataclass(frozen=True)
class Technique:
    """A DISARM technique observed in the case, under one framework version."""

    external_id: str  # "T0049.001"
    framework_version: str  # "1.7"
    name: str = ""
    tactic: str = ""  # the tactic's STIX phase name, e.g. "maximise-exposure"
    note: str = ""


@dataclass(frozen=True)
class ActorRef:
    """Who may be behind the activity (an EEAS exposure-matrix category)."""

    name: str
    category: str = "unknown"  # vocab.ACTOR_CATEGORIES
    country: str = ""
    description: str = ""
    stix_id: str = ""


@dataclass(frozen=True)
class JudgementRef:
    """An attribution of the case's activity (or of ``subject``) to ``actor``."""

    actor: str  # an ActorRef.name of the same case
    likelihood: str  # vocab.LIKELIHOOD (ICD 203 word)
    confidence: str  # vocab.CONFIDENCE: low / moderate / high
    rationale: str = ""
    subject: str = ""
    evidence: tuple[str, ...] = ()  # EvidenceRef.ref values
    stix_id: str = ""


@dataclass(frozen=True)
class EvidenceRef:
    """A frozen observation with its Admiralty code (``B2``)."""

    kind: str  # vocab.EVIDENCE_KINDS
    ref: str
    title: str = ""
    admiralty: str = "F6"
    data: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    stix_id: str = ""


@dataclass(frozen=True)
class AccountRef:
    """An account the case mentions; named only if a public figure or a state asset.

    ``pseudonymised`` marks an ``account_id`` that is already a pseudonym (an imported
    case), so exporting it again does not pseudonymise it twice.
    """

    account_id: str
    platform: str = ""
    handle: str = ""  # the login shown on the platform, when known
    public_figure: bool = False
    state_asset: bool = False
    pseudonymised: bool = False
    stix_id: str = ""

    @property
    def named(self) -> bool:
        """True when the account may be named in exported output."""
        return self.public_figure or self.state_asset


@dataclass(frozen=True)
class NarrativeRef:
    """A narrative the case documents, with the claims that carry it."""

    name: str
    description: str = ""
    claims: tuple[str, ...] = ()
    stix_id: str = ""


@dataclass(frozen=True)
class IndicatorRef:
    """An indicator: ``value`` is refanged (``example.org``, not ``example[.]org``)."""

    kind: str  # INDICATOR_KINDS
    value: str
    platform: str = ""  # for handles: "twitter", "telegram", …
    note: str = ""  # e.g. Meta's kill-chain technique and procedure
    stix_id: str = ""


@dataclass(frozen=True)
class CaseExport:
    """One case file as it travels between OneVoice and partner tools."""

    id: str
    title: str
    created: str  # ISO 8601 UTC, e.g. "2026-03-01T12:00:00.000Z"
    modified: str
    summary: str = ""
    status: str = "draft"
    tlp: str = "amber"  # vocab.TLP
    source: str = "OneVoice"  # who wrote the case: us, or the partner it came from
    techniques: tuple[Technique, ...] = ()
    actors: tuple[ActorRef, ...] = ()
    judgements: tuple[JudgementRef, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    accounts: tuple[AccountRef, ...] = ()
    narratives: tuple[NarrativeRef, ...] = ()
    indicators: tuple[IndicatorRef, ...] = ()
    references: tuple[str, ...] = ()  # public URLs about the case (a partner's report)
    stix_id: str = ""  # the report's STIX id when the case came from a partner
