"""Match every post of a store against its fact-check library; keep the suggestions.

One run is one transaction: a ``match_runs`` row and its ``matches`` (post, fact-check,
rank, score, method, why). Nothing of earlier runs, and none of the analysts' verdicts in
``match_reviews``, is changed: a match stays a *suggestion* until someone confirms it.

Work is done once per *distinct* claim-bearing text (:func:`onevoice.claims.text.clean_text`),
so reposts, copy-paste campaigns and duplicates cost one lookup; links are checked per post.
Results do not depend on ``batch_size`` (every retriever scores each text on its own).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson
import pyarrow as pa

from onevoice.claims.dense import cached_vectors, passage_text
from onevoice.claims.embed import embed_cached
from onevoice.claims.match import MIN_SCORE, Candidate, Entry, Matcher
from onevoice.claims.text import clean_text
from onevoice.errors import InputError, UsageError
from onevoice.store import Store

__all__ = ["MatchResult", "latest_match_run", "match_store", "write_matches_csv"]

#: Texts shorter than this (after cleaning) state no claim worth matching.
MIN_CHARS = 20

Progress = Callable[[int, int, str], None]


@dataclass
class MatchResult:
    """What a matching run gave."""

    run_id: str
    posts: int = 0
    distinct_texts: int = 0
    embedded: int = 0
    matched_posts: int = 0
    suggestions: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)  # within "rank"


def load_entries(store: Store) -> list[Entry]:
    """The store's fact-check library as matcher entries (ordered by id)."""
    rows = store.con.execute(
        "SELECT factcheck_id, claim, title, url, appearances, lang FROM factchecks "
        "ORDER BY factcheck_id"
    ).fetchall()
    return [
        Entry(fid, claim, title, tuple([url] if url else []) + tuple(apps or ()), lang)
        for fid, claim, title, url, apps, lang in rows
    ]


def match_store(
    store: Store,
    *,
    top: int = 5,
    min_score: float = MIN_SCORE,
    dense: bool = True,
    batch_size: int = 256,
    progress: Progress | None = None,
) -> MatchResult:
    """Suggest, for every post of ``store``, the fact-checks it repeats.

    Args:
        store: a writable store with posts and a fact-check library.
        top: at most this many suggestions per post.
        min_score: only suggestions whose :func:`~onevoice.claims.match.match_score` is at
            least this (0..1; :data:`~onevoice.claims.match.MIN_SCORE` by default).
        dense: use the multilingual embeddings (needed across languages; off for a quick
            lexical-only pass).
        batch_size: distinct texts per batch (memory; results do not change).
        progress: called with (done, total, phase).

    Raises:
        InputError: the library is empty.
        UsageError: a parameter out of range.
    """
    import time

    if top < 1 or not 0 <= min_score <= 1 or batch_size < 1:
        raise UsageError("top and batch size must be ≥ 1, min-score within 0..1")
    t0 = time.perf_counter()
    entries = load_entries(store)
    if not entries:
        raise InputError(
            "the fact-check library is empty",
            hint="import fact-checks first: onevoice factchecks import FILE",
        )
    con = store.con
    params = {"top": top, "min_score": min_score, "dense": dense}
    digest = hashlib.sha256(orjson.dumps(params, option=orjson.OPT_SORT_KEYS)).hexdigest()
    seq = store.scalar("SELECT count(*) FROM match_runs") + 1
    result = MatchResult(run_id=f"{seq:04d}-{digest[:8]}")

    posts = con.execute(
        "SELECT post_id, text, urls, lang FROM posts WHERE text IS NOT NULL ORDER BY post_id"
    ).fetchall()
    result.posts = len(posts)
    by_text: dict[str, list[int]] = {}
    for i, (_pid, text, _urls, _lang) in enumerate(posts):
        key = clean_text(text)
        if len(key) >= MIN_CHARS:
            by_text.setdefault(key, []).append(i)
    texts = sorted(by_text)
    # the language of a text: its first post's (copies in other languages are rare)
    langs = [posts[by_text[t][0]][3] for t in texts]
    result.distinct_texts = len(texts)
    result.timings["load"] = time.perf_counter() - t0

    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO match_runs VALUES (?, ?, NULL, ?, ?, NULL)",
            [result.run_id, datetime.now(UTC), orjson.dumps(params).decode(), len(posts)],
        )
        t = time.perf_counter()
        embedder = None
        vectors = None
        if dense:
            from onevoice.claims.embed import get_embedder

            embedder = get_embedder()
            vectors = cached_vectors(
                con,
                [e.id for e in entries],
                [passage_text(e.claim, e.title) for e in entries],
                embedder,
                progress=(lambda d, n: progress(d, n, "embedding fact-checks"))
                if progress
                else None,
            )
        matcher = Matcher(entries, embedder=embedder, vectors=vectors, depth=50)
        result.timings["index"] = time.perf_counter() - t
        t = time.perf_counter()
        ranked: dict[str, list[Candidate]] = {}
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            vecs = None
            if embedder is not None:
                t_embed = time.perf_counter()
                vecs = embed_cached(con, chunk, kind="query", embedder=embedder)
                matcher.timings["embed posts"] = (
                    matcher.timings.get("embed posts", 0.0) + time.perf_counter() - t_embed
                )
            found = matcher.rank(
                chunk, k=top * 2, langs=langs[start : start + batch_size], vectors=vecs
            )
            for text, cands in zip(chunk, found, strict=True):
                ranked[text] = cands
            if progress:
                progress(min(start + batch_size, len(texts)), len(texts), "matching posts")
        result.embedded = len(texts) if dense else 0
        result.timings["rank"] = time.perf_counter() - t
        result.stages = dict(matcher.timings)
        rows = _rows(result.run_id, posts, by_text, ranked, matcher, top, min_score)
        result.suggestions = len(rows["post_id"])
        result.matched_posts = len(set(rows["post_id"]))
        if rows["post_id"]:
            table = pa.table(rows)
            con.register("new_matches", table)
            con.execute(
                "INSERT INTO matches SELECT run_id, post_id, factcheck_id, rank, score, method, "
                "why::JSON FROM new_matches"
            )
            con.unregister("new_matches")
        con.execute(
            "UPDATE match_runs SET finished_at = ?, matched_posts = ? WHERE run_id = ?",
            [datetime.now(UTC), result.matched_posts, result.run_id],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.timings["total"] = time.perf_counter() - t0
    return result


def _rows(
    run_id: str,
    posts: list[tuple[Any, ...]],
    by_text: dict[str, list[int]],
    ranked: dict[str, list[Candidate]],
    matcher: Matcher,
    top: int,
    min_score: float,
) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {
        k: [] for k in ("run_id", "post_id", "factcheck_id", "rank", "score", "method", "why")
    }
    text_of = {i: t for t, idx in by_text.items() for i in idx}
    for i, (pid, _text, urls, _lang) in enumerate(posts):
        cands = {c.index: c for c in ranked.get(text_of.get(i, ""), [])}
        for u in urls or ():
            for j in matcher.by_url.get(u, ()):
                base = cands.get(j)
                c = Candidate(j, (base.fused if base else 0.0) + 1.0, 1.0, "url")
                c.ranks = dict(base.ranks) if base else {}
                c.ranks["url"] = 1
                c.scores = dict(base.scores) if base else {}
                c.why = dict(base.why) if base else {}
                c.why["shared_url"] = u
                cands[j] = c
        keep = sorted(
            (c for c in cands.values() if c.score >= min_score),
            key=lambda c: (-c.fused, -c.score, c.index),
        )[:top]
        for rank, c in enumerate(keep, 1):
            cols["run_id"].append(run_id)
            cols["post_id"].append(pid)
            cols["factcheck_id"].append(matcher.entries[c.index].id)
            cols["rank"].append(rank)
            cols["score"].append(c.score)
            cols["method"].append(c.method)
            why = dict(c.why)
            why["ranks"] = c.ranks
            why["scores"] = c.scores
            cols["why"].append(orjson.dumps(why, option=orjson.OPT_SORT_KEYS).decode())
    return cols


def latest_match_run(store: Store) -> str | None:
    """The run_id of the newest finished matching run, or ``None``."""
    row = store.con.execute(
        "SELECT run_id FROM match_runs WHERE finished_at IS NOT NULL "
        "ORDER BY started_at DESC, run_id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])


def write_matches_csv(store: Store, run_id: str, out: TextIO) -> int:
    """Write a run's suggestions as CSV (with the claim and the post text); rows written."""
    cur = store.con.execute(
        "SELECT m.post_id, m.rank, m.score, m.method, m.factcheck_id, f.rating, f.claim, "
        "f.url AS factcheck_url, left(p.text, 280) AS post_text, "
        "coalesce(r.status, 'suggested') AS status, m.why "
        "FROM matches m JOIN factchecks f USING (factcheck_id) "
        "JOIN posts p USING (post_id) "
        "LEFT JOIN (SELECT post_id, factcheck_id, arg_max(status, reviewed_at) AS status "
        "FROM match_reviews GROUP BY ALL) r USING (post_id, factcheck_id) "
        "WHERE m.run_id = ? ORDER BY m.post_id, m.rank",
        [run_id],
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([d[0] for d in cur.description])
    n = 0
    for row in cur.fetchall():
        writer.writerow(row)
        n += 1
    return n
