"""Which posts narrative clustering looks at, and how they fall into windows.

A post is a candidate when it matches no fact-check (see :data:`MATCHED_SQL`), has a text
(a repost takes its original's: it carries no text of its own, and is out when the original
is matched) whose normal form (:func:`~onevoice.claims.narrative_text.normalise_post`) is at
least ``min_chars`` long, East Asian wide characters counting twice. At most ``max_posts``
candidates are kept, the newest. Windows are tumbling and aligned on the Unix epoch, so a
window's bounds do not move when data is added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from onevoice.claims.narrative_text import display_width, normalise_post
from onevoice.errors import UsageError
from onevoice.store import Store

__all__ = [
    "MATCHED_SQL",
    "Post",
    "candidates",
    "network_members",
    "parse_window",
    "window_end",
    "window_start",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: The posts matched by claim matching: a row in ``matches`` of the newest finished
#: ``match_runs`` run whose (post, fact-check) pair's newest verdict is not 'rejected', or a
#: pair whose newest verdict is 'confirmed'. With no match run, nothing is matched.
MATCHED_SQL = """
WITH run AS (
    SELECT run_id FROM match_runs WHERE finished_at IS NOT NULL
    ORDER BY started_at DESC, run_id DESC LIMIT 1),
verdict AS (
    SELECT post_id, factcheck_id, arg_max(status, reviewed_at) AS status
    FROM match_reviews GROUP BY post_id, factcheck_id),
matched AS (
    SELECT m.post_id FROM matches m JOIN run USING (run_id)
    LEFT JOIN verdict v USING (post_id, factcheck_id)
    WHERE v.status IS NULL OR v.status <> 'rejected'
    UNION SELECT post_id FROM verdict WHERE status = 'confirmed')
"""

_CANDIDATES_SQL = (
    MATCHED_SQL
    + """
SELECT p.post_id, p.account_id, p.platform, p.created_at, p.repost_of IS NOT NULL,
       coalesce(o.text, p.text), coalesce(o.lang, p.lang)
FROM posts p LEFT JOIN posts o ON o.post_id = p.repost_of
WHERE coalesce(o.text, p.text) IS NOT NULL
  AND p.post_id NOT IN (SELECT post_id FROM matched)
  AND (p.repost_of IS NULL OR p.repost_of NOT IN (SELECT post_id FROM matched))
ORDER BY p.created_at DESC, p.post_id DESC
"""
)


@dataclass
class Post:
    post_id: str
    account: str | None
    platform: str
    ts: datetime
    repost: bool
    text: str
    key: str
    lang: str | None


def parse_window(value: str | timedelta | None) -> timedelta | None:
    """``"7d"``, ``"12h"``, ``"30m"``, ``"90s"`` or a timedelta; ``"all"``/``None`` = one window."""
    if value is None or isinstance(value, timedelta):
        if isinstance(value, timedelta) and value <= timedelta(0):
            raise UsageError(f"bad window {value}", hint="a positive duration such as 7d")
        return value
    text = value.strip().lower()
    if text in ("all", "none", ""):
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([dhms])", text)
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"bad window '{value}'", hint="e.g. 7d, 1d, 12h, or all")
    unit = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}[m.group(2)]
    return timedelta(**{unit: float(m.group(1))})


def candidates(store: Store, *, min_chars: int, max_posts: int) -> tuple[list[Post], int]:
    keys: dict[str, str] = {}
    posts: list[Post] = []
    dropped = 0
    for pid, account, platform, ts, repost, text, lang in store.execute(_CANDIDATES_SQL).fetchall():
        key = keys.get(text)
        if key is None:
            key = keys[text] = normalise_post(text)
        if display_width(key) < min_chars:
            continue
        if len(posts) >= max_posts:
            dropped += 1
            continue
        posts.append(Post(pid, account, platform, ts, bool(repost), text, key, lang))
    posts.sort(key=lambda p: (p.ts, p.post_id))
    return posts, dropped


def window_start(ts: datetime, win: timedelta | None, posts: list[Post]) -> datetime:
    if win is None:
        return posts[0].ts
    return EPOCH + ((ts - EPOCH) // win) * win


def window_end(start: datetime, win: timedelta | None, posts: list[Post]) -> datetime:
    return posts[-1].ts if win is None else start + win


def network_members(store: Store, run_id: str | None) -> dict[str, int]:
    if run_id is None:
        return {}
    rows = store.execute(
        "SELECT account_id, network_id FROM network_members WHERE run_id = ?", [run_id]
    ).fetchall()
    return {str(a): int(n) for a, n in rows}
