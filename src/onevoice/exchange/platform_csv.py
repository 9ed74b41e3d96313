"""Per-network lists of accounts, URLs and domains for platform representatives, defanged.

A platform's trust-and-safety team asked to look at a network needs its assets as a plain
list: one CSV row per account, URL or domain, with the network it belongs to. URLs, domains
and e-mail addresses are defanged (:func:`onevoice.exchange.defang.defang`) so that the
list can be mailed and opened without anything becoming a live link.

Accounts are pseudonymised with the same rule as every other export when a pseudonymiser is
given; ``pseudonymise=None`` names them, which is what a platform needs to act and must only
be used for the platform's own team under the case's TLP (the caller decides).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from onevoice.exchange.defang import classify, defang
from onevoice.exchange.model import CaseExport
from onevoice.exchange.pseudonyms import AccountMapper, Pseudonymiser

__all__ = ["COLUMNS", "network_rows", "platform_csv"]

COLUMNS = ("case", "network", "kind", "platform", "value")


def network_rows(
    case: CaseExport, data: dict[str, Any], network: str, accounts: AccountMapper | None
) -> list[tuple[str, str, str, str, str]]:
    """The rows of one network evidence's frozen data (:func:`~.evidence.network_copy`)."""
    rows: set[tuple[str, str, str, str, str]] = set()
    net = data.get("network") or {}
    members = data.get("members") or [{"account_id": m} for m in net.get("members") or []]
    for member in members:
        account = str(member.get("account_id") or "")
        if not account:
            continue
        shown = accounts(account) if accounts is not None else account
        rows.add((case.id, network, "account", str(member.get("platform") or ""), shown))
    items = list(data.get("top_items") or net.get("top_items") or [])
    for edge in data.get("edges") or []:
        items += list(edge.get("shared_items") or [])
    domains = list(net.get("top_domains") or data.get("top_domains") or [])
    for value in [*items, *domains]:
        kind, clean, _platform = classify(str(value))
        if kind in ("url", "domain", "email", "ip"):
            rows.add((case.id, network, kind, "", defang(clean, kind)))
    return sorted(rows)


def platform_csv(
    cases: Iterable[CaseExport], *, pseudonymise: Pseudonymiser | None, platform: str = ""
) -> str:
    """The CSV (header :data:`COLUMNS`) of every network evidence of ``cases``.

    Args:
        cases: the cases whose ``network`` evidence is listed.
        pseudonymise: pseudonymises private accounts; ``None`` names every account.
        platform: keep only accounts of this platform (URLs and domains are kept).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for case in cases:
        mapper = AccountMapper(case, pseudonymise) if pseudonymise is not None else None
        for ev in case.evidence:
            if ev.kind != "network":
                continue
            for row in network_rows(case, ev.data, ev.ref, mapper):
                if platform and row[2] == "account" and row[3] not in ("", platform):
                    continue
                writer.writerow(row)
    return out.getvalue()
