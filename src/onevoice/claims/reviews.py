"""Analysts' verdicts on suggested matches: confirm or reject, with who, when and why.

A match found by :mod:`onevoice.claims.run` is a suggestion. Only a *confirmed* one counts
(published in debunks, exported, counted in alerts as confirmed). Every verdict is a new row
of ``match_reviews``, so the history is kept; the newest verdict for a (post, fact-check)
pair is the one in force.
"""

from __future__ import annotations

from datetime import UTC, datetime

from onevoice.errors import InputError
from onevoice.store import Store

__all__ = ["current_status", "review_match"]


def review_match(
    store: Store,
    post_id: str,
    factcheck_id: str,
    confirm: bool,
    reviewer: str,
    note: str | None = None,
    *,
    at: datetime | None = None,
) -> str:
    """Record a verdict; returns the new status ('confirmed' or 'rejected').

    The pair need not have been suggested (an analyst may link a post by hand), but the post
    and the fact-check must exist.

    Raises:
        InputError: unknown post or fact-check, or an empty reviewer name.
    """
    if not reviewer.strip():
        raise InputError("a review needs the reviewer's name", hint="--by NAME")
    if not store.scalar("SELECT count(*) FROM posts WHERE post_id = ?", [post_id]):
        raise InputError(f"no post {post_id!r} in the store")
    if not store.scalar("SELECT count(*) FROM factchecks WHERE factcheck_id = ?", [factcheck_id]):
        raise InputError(
            f"no fact-check {factcheck_id!r} in the store", hint="see: onevoice factchecks list"
        )
    status = "confirmed" if confirm else "rejected"
    store.con.execute(
        "INSERT INTO match_reviews VALUES (?, ?, ?, ?, ?, ?)",
        [post_id, factcheck_id, status, reviewer.strip(), at or datetime.now(UTC), note],
    )
    return status


def current_status(store: Store, post_id: str, factcheck_id: str) -> str:
    """'confirmed', 'rejected', or 'suggested' when no one has ruled on the pair yet."""
    row = store.con.execute(
        "SELECT status FROM match_reviews WHERE post_id = ? AND factcheck_id = ? "
        "ORDER BY reviewed_at DESC LIMIT 1",
        [post_id, factcheck_id],
    ).fetchone()
    return "suggested" if row is None else str(row[0])
