"""A case's history: its versions, each with who, when, what, and what changed.

Every change to a case appends a :class:`~.models.CaseVersion` with a JSON snapshot
(:func:`~.workflow.snapshot`); :func:`changes` compares two consecutive snapshots and says in
short lines what differs (fields, and evidence, techniques, accounts and judgements added,
removed or changed). The same :class:`VersionRow` list fills the history page and
``/api/cases/{id}/history``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from onevoice.web.cases.models import Case, CaseVersion

__all__ = ["VersionRow", "changes", "history"]


class VersionRow(BaseModel):
    """One version of a case: who did what, when, and what changed."""

    number: int
    action: str
    status: str
    comment: str
    by: str
    at: dt.datetime
    changes: list[str]

    @property
    def status_label(self) -> str:
        """The status in words (``in review``)."""
        return self.status.replace("_", " ")


def history(case: Case) -> list[VersionRow]:
    """The versions of ``case``, oldest first, each with what changed since the one before."""
    rows: list[VersionRow] = []
    previous: dict[str, Any] | None = None
    versions = CaseVersion.objects.filter(case=case).select_related("created_by")
    for v in versions.order_by("number"):
        rows.append(
            VersionRow(
                number=v.number,
                action=v.action,
                status=v.status,
                comment=v.comment,
                by=v.created_by.get_username(),
                at=v.created_at,
                changes=changes(previous, v.snapshot),
            )
        )
        previous = v.snapshot
    return rows


#: The list fields of a snapshot, and what identifies one of their items.
_KEYED: dict[str, str] = {
    "evidence": "id",
    "techniques": "id",
    "accounts": "account_id",
    "judgements": "actor",
}


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What changed between two consecutive snapshots, as short readable lines."""
    if old is None:
        return ["case opened"]
    lines: list[str] = []
    for field in ("title", "summary", "status", "tlp", "rejection_reason"):
        before, after = old.get(field, ""), new.get(field, "")
        if before != after:
            if field == "summary" or field == "rejection_reason":
                lines.append(f"{field.replace('_', ' ')} changed")
            else:
                lines.append(f"{field}: {before or '—'} → {after or '—'}")
    for field, key in _KEYED.items():
        before_items = {str(i.get(key)): i for i in old.get(field, [])}
        after_items = {str(i.get(key)): i for i in new.get(field, [])}
        for k in sorted(after_items.keys() - before_items.keys()):
            lines.append(f"{field}: added {_label(field, after_items[k])}")
        for k in sorted(before_items.keys() - after_items.keys()):
            lines.append(f"{field}: removed {_label(field, before_items[k])}")
        for k in sorted(after_items.keys() & before_items.keys()):
            if after_items[k] != before_items[k]:
                lines.append(f"{field}: changed {_label(field, after_items[k])}")
    return lines


def _label(field: str, item: dict[str, Any]) -> str:
    if field == "evidence":
        return f"{item.get('kind')} {item.get('ref')} ({item.get('admiralty')})"
    if field == "techniques":
        return f"{item.get('id')} (DISARM {item.get('framework_version')})"
    if field == "accounts":
        flags = [f for f in ("public_figure", "state_asset") if item.get(f)]
        return f"{item.get('account_id')} ({', '.join(flags) or 'private'})".replace("_", " ")
    return f"{item.get('actor')}: {item.get('likelihood', '').replace('_', ' ')}"
