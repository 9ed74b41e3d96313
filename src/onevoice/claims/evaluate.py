"""Evaluation of claim matching in the CLEF CheckThat! formats, with the official metrics.

Formats (Shaar et al. 2020, "That is a Known Lie: Detecting Previously Fact-Checked
Claims", ACL; CheckThat! 2020 Task 2 and 2022 Task 2A):

- ``checkthat2020``: claims TSV ``vclaim_id, vclaim, title`` (header row), queries TSV
  ``tweet_id, tweet_content``, qrels ``tweet_id 0 vclaim_id 1``.
- ``checkthat2022``: claims JSON Lines (``vclaim_id, vclaim, title``, …), queries TSV
  ``iclaim_id, iclaim``, qrels alike.

Metrics as the lab's scorers compute them (trec_eval conventions): for a query with
relevant set R and ranking r₁…, **AP@k** = Σ_{i ≤ k, rᵢ ∈ R} P@i / |R|; **MAP@k** its
mean over queries; **MRR@k** the mean of 1/rank of the first relevant in the top k (0 if
none); **P@k** relevant in the top k ÷ k; **Success@k** the share of queries with a relevant
in the top k. Queries without qrels are not scored.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from onevoice.claims.match import Entry
from onevoice.errors import InputError, UsageError

if TYPE_CHECKING:
    from onevoice.claims.embed import Embedder

__all__ = [
    "FORMATS",
    "metrics",
    "read_claims",
    "read_qrels",
    "read_queries",
    "write_run",
]

FORMATS = ("checkthat2020", "checkthat2022")

csv.field_size_limit(sys.maxsize)


def _open(path: str | Path) -> TextIO:
    try:
        return open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def read_claims(path: str | Path, fmt: str) -> list[Entry]:
    """The verified claims of a CheckThat! data set, as matcher entries."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint=f"one of: {', '.join(FORMATS)}")
    out: list[Entry] = []
    with _open(path) as f:
        if str(path).endswith((".jsonl", ".json")):
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    out.append(Entry(str(rec["vclaim_id"]), rec["vclaim"], rec.get("title")))
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(f"{path}:{n}: not a claim record ({exc})") from exc
            return out
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        for n, row in enumerate(reader, 1):
            if n == 1 and row[1:2] == ["vclaim"]:
                continue
            if len(row) < 2:
                raise InputError(f"{path}:{n}: expected vclaim_id, vclaim, title")
            out.append(Entry(row[0], row[1], row[2] if len(row) > 2 else None))
    return out


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    """``(query_id, text)`` rows of a queries TSV (a header row is skipped)."""
    out: list[tuple[str, str]] = []
    with _open(path) as f:
        for n, row in enumerate(csv.reader(f, delimiter="\t"), 1):
            if n == 1 and row[1:2] in (["tweet_content"], ["iclaim"]):
                continue
            if len(row) < 2:
                raise InputError(f"{path}:{n}: expected query id and text")
            out.append((row[0], row[1]))
    return out


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    """Relevant claim ids per query id, from a TREC qrels file (``qid 0 docid rel``)."""
    out: dict[str, set[str]] = {}
    with _open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise InputError(f"{path}:{n}: expected 'qid 0 docid relevance'")
            if parts[3] != "0":
                out.setdefault(parts[0], set()).add(parts[2])
    return out


def metrics(run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]) -> dict[str, float]:
    """MAP@1/3/5/10, MRR@5, P@1/3/5, Success@10 over the queries that have qrels."""
    qids = [q for q in qrels if qrels[q]]
    if not qids:
        raise InputError("the qrels name no relevant claim")
    out: dict[str, float] = {}

    def ap(ranked: Sequence[str], rel: set[str], k: int) -> float:
        hits, total = 0, 0.0
        for i, d in enumerate(ranked[:k], 1):
            if d in rel:
                hits += 1
                total += hits / i
        return total / len(rel)

    for k in (1, 3, 5, 10):
        out[f"MAP@{k}"] = sum(ap(run.get(q, []), qrels[q], k) for q in qids) / len(qids)
    rr = 0.0
    for q in qids:
        for i, d in enumerate(run.get(q, [])[:5], 1):
            if d in qrels[q]:
                rr += 1 / i
                break
    out["MRR@5"] = rr / len(qids)
    for k in (1, 3, 5):
        out[f"P@{k}"] = sum(len(set(run.get(q, [])[:k]) & qrels[q]) / k for q in qids) / len(qids)
    out["Success@10"] = sum(bool(set(run.get(q, [])[:10]) & qrels[q]) for q in qids) / len(qids)
    out = {k: round(v, 4) for k, v in out.items()}
    out["queries"] = len(qids)
    return out


def write_run(
    out: TextIO, run: Iterable[tuple[str, Sequence[tuple[str, float]]]], tag: str = "onevoice"
) -> None:
    """Write a TREC run file: ``qid Q0 docid rank score tag`` per line."""
    for qid, ranked in run:
        for rank, (doc, score) in enumerate(ranked, 1):
            out.write(f"{qid}\tQ0\t{doc}\t{rank}\t{score:.6f}\t{tag}\n")


def evaluate_files(
    claims_path: str,
    queries_path: str,
    qrels_path: str,
    *,
    fmt: str | None = None,
    dense: bool = True,
    run_path: str | None = None,
    depth: int = 10,
    vectors_cache: str | None = None,
) -> dict[str, object]:
    """Rank the claims for every query that has qrels; return the metrics (and timings).

    Evaluation never writes into a store. Embedding ten thousand claims costs minutes of
    CPU, so ``vectors_cache`` (an ``.npz`` path) keeps their vectors between runs, keyed by
    the model and a hash of the embedded texts. Queries the qrels do not mention are not
    ranked.
    """
    import time

    from onevoice.claims.match import Matcher

    if fmt is None:
        fmt = "checkthat2022" if str(claims_path).endswith((".jsonl", ".json")) else "checkthat2020"
    entries = read_claims(claims_path, fmt)
    qrels = read_qrels(qrels_path)
    queries = [(q, t) for q, t in read_queries(queries_path) if q in qrels]
    t0 = time.perf_counter()
    embedder = None
    if dense:
        from onevoice.claims.embed import get_embedder

        embedder = get_embedder()
    vectors = None
    if embedder is not None and vectors_cache:
        vectors = _cached(vectors_cache, entries, embedder)
    matcher = Matcher(entries, embedder=embedder, vectors=vectors)
    t_index = time.perf_counter() - t0
    t1 = time.perf_counter()
    ranked = matcher.rank([t for _q, t in queries], k=depth)
    t_rank = time.perf_counter() - t1
    run = {
        q: [matcher.entries[c.index].id for c in cands]
        for (q, _t), cands in zip(queries, ranked, strict=True)
    }
    if run_path:
        rows = [
            (q, [(matcher.entries[c.index].id, c.fused) for c in cands])
            for (q, _t), cands in zip(queries, ranked, strict=True)
        ]
        if run_path == "-":
            write_run(sys.stdout, rows)
        else:
            with open(run_path, "w", encoding="utf-8") as f:
                write_run(f, rows)
    out: dict[str, object] = dict(metrics(run, qrels))
    out.update(
        {
            "format": fmt,
            "claims": len(entries),
            "dense": dense,
            "index_seconds": round(t_index, 2),
            "rank_seconds": round(t_rank, 2),
        }
    )
    return out


def _cached(path: str, entries: Sequence[Entry], embedder: Embedder) -> Any:
    """Passage vectors of ``entries`` from the ``.npz`` at ``path``, embedding on a miss."""
    import hashlib

    import numpy as np

    from onevoice.claims.dense import passage_text

    texts = [passage_text(e.claim, e.title) for e in entries]
    digest = hashlib.sha256("\x1f".join([embedder.model_name, *texts]).encode()).hexdigest()
    p = Path(path)
    if p.exists():
        with np.load(p) as z:
            if str(z["key"]) == digest:
                return z["vectors"]
    vectors = embedder.embed(texts, kind="passage")
    np.savez(p, key=np.array(digest), vectors=vectors)
    return vectors
