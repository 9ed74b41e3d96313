"""Attach evidence to a case as frozen copies taken from the analytic store.

:func:`attach_network` copies one detected network out of the DuckDB store, opened
read-only: the network row (kinds, time span, top items and domains, per-kind evidence), its
detect run's parameters, its members with their centrality and profile, its hubs, its
heaviest internal coordination edges with their shared items, the members' account signals,
and the imports their posts came from. The copy is JSON in :attr:`Evidence.data`; re-running
detection or re-ingesting later changes nothing in the case.

The rating of a piece of evidence (Admiralty code, see :mod:`.vocab`) starts as ``F6``
(neither the source nor the information can be judged yet) until an analyst rates it with
:func:`rate_evidence`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from onevoice.errors import OneVoiceError, UsageError
from onevoice.store import Store
from onevoice.web.cases import vocab
from onevoice.web.cases.models import Case, Evidence
from onevoice.web.cases.workflow import check_editable, record_version

__all__ = [
    "MAX_EDGES",
    "NetworkNotFound",
    "attach_copy",
    "attach_network",
    "detach_evidence",
    "network_copy",
    "rate_evidence",
    "validate_rating",
]

#: Heaviest internal edges copied with a network (the rest are counted, not copied).
MAX_EDGES = 100


class NetworkNotFound(OneVoiceError):
    """The store has no such network (a page answers 404 Not Found)."""


def _jsonable(value: Any) -> Any:
    """DuckDB values as JSON: times in ISO 8601, decimals as floats, lists recursively."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _rows(store: Store, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = store.execute(sql, params)
    names = [d[0] for d in cur.description or []]
    return [{n: _jsonable(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _parse_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def network_copy(
    store: Store, run_id: str, network_id: int, *, max_edges: int = MAX_EDGES
) -> dict[str, Any]:
    """Everything about one network worth freezing into a case, as JSON-ready data.

    Raises:
        NetworkNotFound: there is no such network in the store.
    """
    nets = _rows(
        store, "SELECT * FROM networks WHERE run_id = ? AND network_id = ?", [run_id, network_id]
    )
    if not nets:
        raise NetworkNotFound(
            f"no network {network_id} in detect run {run_id!r}",
            hint='list them: onevoice query "SELECT run_id, network_id, size FROM networks"',
        )
    network = nets[0]
    network["evidence"] = _parse_json(network.get("evidence"))
    runs = _rows(store, "SELECT * FROM detect_runs WHERE run_id = ?", [run_id])
    for run in runs:
        run["params"] = _parse_json(run.get("params"))
    members = _rows(
        store,
        """
        SELECT m.account_id, a.platform, a.handle, a.display_name, a.followers, a.verified,
               a.created_at, m.is_hub, m.degree, m.weighted_degree, m.pagerank
        FROM network_members m
        LEFT JOIN (SELECT DISTINCT ON (account_id) * FROM accounts) a USING (account_id)
        WHERE m.run_id = ? AND m.network_id = ?
        ORDER BY m.is_hub DESC, m.weighted_degree DESC, m.account_id
        """,
        [run_id, network_id],
    )
    ids = [m["account_id"] for m in members] or list(network.get("members") or [])
    edge_sql = """
        FROM coord_edges
        WHERE run_id = ? AND list_contains(?, account_a) AND list_contains(?, account_b)
    """
    edges = _rows(
        store,
        f"SELECT * EXCLUDE (run_id) {edge_sql} ORDER BY weight DESC, kind, account_a, account_b"
        " LIMIT ?",
        [run_id, ids, ids, max_edges],
    )
    edges_total = store.scalar(f"SELECT count(*) {edge_sql}", [run_id, ids, ids])
    signals = _rows(
        store,
        "SELECT * EXCLUDE (run_id) FROM account_signals WHERE run_id = ?"
        " AND list_contains(?, account_id) ORDER BY account_id",
        [run_id, ids],
    )
    imports = [
        r["import_id"]
        for r in _rows(
            store,
            "SELECT DISTINCT import_id FROM posts WHERE list_contains(?, account_id) ORDER BY 1",
            [ids],
        )
    ]
    return {
        "network": network,
        "run": runs[0] if runs else {"run_id": run_id},
        "members": members,
        "hubs": list(network.get("hubs") or []),
        "top_items": list(network.get("top_items") or []),
        "edges": edges,
        "edges_total": int(edges_total or 0),
        "signals": signals,
        "imports": imports,
    }


def validate_rating(reliability: str, credibility: int) -> None:
    """Refuse anything but an Admiralty code: reliability A–F, credibility 1–6.

    Raises:
        UsageError: either part is outside the scale.
    """
    if reliability not in vocab.RELIABILITY:
        raise UsageError(
            f"source reliability must be a letter A–F, not {reliability!r}",
            hint="A completely reliable … E unreliable, F cannot be judged",
        )
    if isinstance(credibility, bool) or credibility not in vocab.CREDIBILITY:
        raise UsageError(
            f"information credibility must be 1–6, not {credibility!r}",
            hint="1 confirmed … 5 improbable, 6 cannot be judged",
        )


def attach_network(
    case: Case,
    store_path: str | Path,
    run_id: str,
    network_id: int,
    user: Any,
    *,
    reliability: str = "F",
    credibility: int = 6,
    max_edges: int = MAX_EDGES,
) -> Evidence:
    """Copy network ``network_id`` of detect run ``run_id`` into ``case`` as evidence.

    Args:
        case: a draft case.
        store_path: the store directory; it is opened read-only.
        run_id: the detect run.
        network_id: the network in that run (1 = the largest).
        user: an analyst.
        reliability: Admiralty source reliability (A–F).
        credibility: Admiralty information credibility (1–6).
        max_edges: how many of the heaviest internal edges to copy.

    Raises:
        CasePermissionError: ``user`` is not an analyst.
        TransitionRefused: the case is no longer a draft.
        OneVoiceError: no such network, or it is attached already.
        StoreError: there is no store at ``store_path``.
    """
    validate_rating(reliability, credibility)
    check_editable(case, user)
    ref = f"{run_id}/{network_id}"
    if case.evidence.filter(kind="network", ref=ref).exists():
        raise OneVoiceError(f"network {ref} is attached to case {case.pk} already")
    # The pages' reader (open_store_read_only): DuckDB refuses a second connection to a
    # file in one process with another configuration, so a page reading the store at the
    # same moment (the network page's graph request) would make this fail.
    from onevoice.web.jobs.storeaccess import open_store_read_only

    with open_store_read_only(Path(store_path)) as store:
        data = network_copy(store, run_id, network_id, max_edges=max_edges)
    size = data["network"].get("size")
    with transaction.atomic():
        evidence: Evidence = Evidence.objects.create(
            case=case,
            kind="network",
            ref=ref,
            title=f"Network {network_id} of detect run {run_id} ({size} accounts)",
            data=data,
            source_runs=[run_id],
            store_path=str(store_path),
            source_reliability=reliability,
            info_credibility=credibility,
            added_by=user,
        )
        record_version(case, user, "attach network", ref)
    return evidence


def attach_copy(
    case: Case,
    kind: str,
    ref: str,
    data: dict[str, Any],
    user: Any,
    *,
    title: str = "",
    source_runs: list[str] | None = None,
    reliability: str = "F",
    credibility: int = 6,
) -> Evidence:
    """Attach an account, a post, a URL or an outlet observation the caller copied.

    ``kind="outlet"`` records that content appeared on an outlet; who runs the outlet is a
    :class:`~.models.Judgement`, not part of this evidence.

    Raises:
        UsageError: an unknown kind or rating; CasePermissionError, TransitionRefused as
            for :func:`attach_network`.
    """
    if kind not in vocab.EVIDENCE_KINDS:
        raise UsageError(
            f"unknown evidence kind {kind!r}", hint=f"one of {', '.join(vocab.EVIDENCE_KINDS)}"
        )
    validate_rating(reliability, credibility)
    check_editable(case, user)
    with transaction.atomic():
        evidence: Evidence = Evidence.objects.create(
            case=case,
            kind=kind,
            ref=ref,
            title=title,
            data=_jsonable(data),
            source_runs=list(source_runs or []),
            source_reliability=reliability,
            info_credibility=credibility,
            added_by=user,
        )
        record_version(case, user, f"attach {kind}", ref)
    return evidence


def rate_evidence(
    evidence: Evidence, user: Any, reliability: str, credibility: int, *, validated: bool = False
) -> Evidence:
    """Set the Admiralty rating of ``evidence`` (the case must be a draft)."""
    validate_rating(reliability, credibility)
    check_editable(evidence.case, user)
    with transaction.atomic():
        evidence.source_reliability = reliability
        evidence.info_credibility = credibility
        evidence.rating_validated = validated
        evidence.save(update_fields=["source_reliability", "info_credibility", "rating_validated"])
        record_version(
            evidence.case, user, "rate evidence", f"{evidence.ref}: {evidence.admiralty}"
        )
    return evidence


def detach_evidence(evidence: Evidence, user: Any) -> None:
    """Remove a piece of evidence from its draft case (the history keeps it).

    Raises:
        CasePermissionError, TransitionRefused: as for :func:`attach_network`.
    """
    case = evidence.case
    check_editable(case, user)
    with transaction.atomic():
        ref, kind = evidence.ref, evidence.kind
        evidence.delete()
        record_version(case, user, f"detach {kind}", ref)
