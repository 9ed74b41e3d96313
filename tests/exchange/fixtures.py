"""A small synthetic case used by the exchange tests (no real people: invented IDs)."""

from __future__ import annotations

from pathlib import Path

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

SHARED = Path("/work/shared/data")
if not SHARED.exists():  # pragma: no cover - the layout of a checkout beside ../shared
    SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
DISARM_DIR = SHARED / "disarm"
META_DIR = SHARED / "meta-threat-research"
TAXONOMIES = SHARED / "misp-taxonomies"
GOLDEN = Path(__file__).parent / "golden"

NETWORK_DATA = {
    "network": {"network_id": 1, "size": 3, "members": ["tw:1001", "tw:1002", "tw:state"]},
    "members": [
        {"account_id": "tw:1001", "handle": "private_person", "display_name": "A Person"},
        {"account_id": "tw:1002", "handle": "another_one", "display_name": "B Person"},
        {"account_id": "tw:state", "handle": "StateMediaEN", "display_name": "State Media"},
    ],
    "hubs": ["tw:state"],
    "top_items": [
        "https://news.example.net/story",
        "https://twitter.com/private_person",
        "https://twitter.com/StateMediaEN",
    ],
    "edges": [{"account_a": "tw:1001", "account_b": "tw:state", "kind": "co_link", "weight": 4}],
}


def demo_case(**changes: object) -> CaseExport:
    """A case with one of everything: techniques of DISARM 1.6 and 1.7, a judgement, …"""
    case = CaseExport(
        id="7",
        title="Coordinated amplification of a fabricated summit story",
        summary="Three accounts pushed the same story within a minute.",
        status="approved",
        tlp="green",
        created="2026-03-01T09:00:00.000Z",
        modified="2026-03-02T17:30:00.000Z",
        techniques=(
            Technique("T0049", "1.7", "Flood Information Space", "maximise-exposure"),
            Technique("T0085.003", "1.6", note="fake news site articles"),
        ),
        actors=(ActorRef("State Media Group", "state_controlled", "Xland"),),
        judgements=(
            JudgementRef(
                "State Media Group",
                "likely",
                "moderate",
                "Hub account is a registered state outlet.",
                evidence=("run1/1", "tw:1001"),
            ),
        ),
        evidence=(
            EvidenceRef("network", "run1/1", "Network 1 of run1", "B2", NETWORK_DATA),
            EvidenceRef("account", "tw:1001", "A private account", "C3", {"account_id": "tw:1001"}),
            EvidenceRef("url", "https://news.example.net/story", "The story", "F6"),
        ),
        accounts=(
            AccountRef("tw:1001", "twitter", "private_person"),
            AccountRef("tw:1002", "twitter"),
            AccountRef("tw:state", "twitter", "StateMediaEN", state_asset=True),
        ),
        narratives=(NarrativeRef("Summit was staged", "The summit never happened.", ("x",)),),
        indicators=(
            IndicatorRef("domain", "news.example.net"),
            IndicatorRef("url", "https://news.example.net/story?id=1&x='y'"),
            IndicatorRef("handle", "StateMediaEN", "twitter"),
            IndicatorRef("handle", "private_person", "twitter"),
            IndicatorRef("email", "desk@news.example.net"),
            IndicatorRef("ip", "192.0.2.10"),
            IndicatorRef("hash", "d41d8cd98f00b204e9800998ecf8427e"),
            IndicatorRef("other", "63 accounts", note="0.9 Acquiring social media accounts"),
        ),
        references=("https://example.org/report",),
    )
    return case.__class__(**{**case.__dict__, **changes})  # type: ignore[arg-type]
