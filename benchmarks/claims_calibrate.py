"""Fit the coefficients of ``onevoice.claims.match.match_score`` and report how they do.

Usage::

    .venv/bin/python benchmarks/claims_calibrate.py               # fixtures only (~1 min)
    .venv/bin/python benchmarks/claims_calibrate.py --checkthat   # + CheckThat! 2020 train

The decision score says whether a post repeats a fact-check's claim. It is a logistic
regression over the evidence the matcher computes for each candidate (E5 cosine, its margin
over the best other fact-check, character n-gram cosine, numbers shared or contradicted),
fitted on:

- the repository's multilingual fixtures (``src/onevoice/claims/data``): for every post, its
  five best candidates; a candidate is positive when it is the fact-check the post repeats;
  every candidate of a distractor (same entity other claim, other number, neutral) is
  negative;
- with ``--checkthat``, the CheckThat! 2020 **train** split (never dev or test), the five
  best candidates of each tweet, positive when in the qrels. Embedding its 10,375 claims
  takes several CPU minutes; ``--vectors FILE.npy`` caches them.

It prints the fitted coefficients (to copy into ``SCORE_COEF``), and with the coefficients
currently in the code: on the fixtures, per language, how often the right fact-check is
ranked first and scores above ``MIN_SCORE``, and which distractors score above it; the
leave-one-language-out estimate of the same with refitted coefficients.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np

from onevoice.claims import fixtures
from onevoice.claims.embed import get_embedder
from onevoice.claims.match import MIN_SCORE, Candidate, Entry, Matcher, match_score
from onevoice.ingest.normalise import canonical_url

SHARED = Path(os.environ.get("ONEVOICE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CT2020 = SHARED / "data/claims/checkthat2020"


def features(c: Candidate) -> list[float]:
    nums = c.why.get("shared_numbers"), c.why.get("different_numbers")
    return [
        c.scores.get("dense", 0.0),
        c.scores.get("margin", 0.0),
        c.scores.get("char", 0.0),
        1.0 if nums[1] else 0.0,
        1.0 if nums[0] else 0.0,
    ]


def fixture_rows() -> tuple[list[Entry], list[dict[str, str]], dict[str, fixtures.TruthRow]]:
    entries = fixtures.entries()
    with fixtures.posts_path().open(encoding="utf-8", newline="") as f:
        posts = list(csv.DictReader(f))
    return entries, posts, {t.post_id: t for t in fixtures.truth()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkthat", action="store_true")
    ap.add_argument("--vectors", type=Path, help="cache of the CheckThat! claim vectors (.npy)")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression

    embedder = get_embedder()
    entries, posts, truth = fixture_rows()
    m = Matcher(entries, embedder=embedder)
    urls = [tuple(u for u in map(canonical_url, p["urls"].split()) if u) for p in posts]
    ranked = m.rank([p["text"] for p in posts], urls, k=5, langs=[p["lang"] for p in posts])
    X: list[list[float]] = []
    y: list[int] = []
    langs: list[str] = []
    top1: list[tuple[str, str, Candidate]] = []
    for p, cands in zip(posts, ranked, strict=True):
        t = truth[p["post_id"]]
        for c in cands:
            X.append(features(c))
            y.append(int(t.kind == "repeat" and m.entries[c.index].id == t.factcheck_url))
            langs.append(t.lang)
        top1.append((p["post_id"], t.lang, cands[0]))
    if args.checkthat:
        from onevoice.claims.evaluate import read_claims, read_qrels, read_queries

        claims = read_claims(CT2020 / "verified_claims.docs.tsv", "checkthat2020")
        vec = np.load(args.vectors) if args.vectors and args.vectors.exists() else None
        ct = Matcher(claims, embedder=embedder, vectors=vec)
        if args.vectors and vec is None and ct.dense is not None:
            np.save(args.vectors, ct.dense.vectors)
        qrels = read_qrels(CT2020 / "train/tweet-vclaim-pairs.qrels")
        queries = [q for q in read_queries(CT2020 / "train/tweets.queries.tsv") if q[0] in qrels]
        for (qid, _), cands in zip(queries, ct.rank([t for _, t in queries], k=5), strict=True):
            for c in cands:
                X.append(features(c))
                y.append(int(ct.entries[c.index].id in qrels[qid]))
                langs.append("ct")
    Xa, ya, la = np.array(X), np.array(y), np.array(langs)
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(Xa, ya)
    names = ["dense", "margin", "char", "different_numbers", "shared_numbers"]
    coef = {n: round(float(v), 2) for n, v in zip(names, clf.coef_[0], strict=True)}
    coef["intercept"] = round(float(clf.intercept_[0]), 2)
    print("fitted:", json.dumps(coef))

    # with the fitted coefficients: the threshold that keeps every fixture distractor out
    def fitted(c: Candidate) -> float:
        return float(clf.predict_proba(np.array([features(c)]))[0, 1])

    worst = max(fitted(c) for pid, _l, c in top1 if truth[pid].kind != "repeat")
    kept_fit = sum(
        m.entries[c.index].id == truth[pid].factcheck_url and fitted(c) > worst
        for pid, _l, c in top1
        if truth[pid].kind == "repeat"
    )
    print(f"fitted: best distractor scores {worst:.3f}; repeats ranked 1st above it {kept_fit}")
    # with the coefficients in the code
    ok: Counter[str] = Counter()
    above: Counter[str] = Counter()
    total: Counter[str] = Counter()
    leaks = []
    for pid, lang, c in top1:
        t = truth[pid]
        if t.kind == "repeat":
            total[lang] += 1
            ok[lang] += m.entries[c.index].id == t.factcheck_url
            above[lang] += m.entries[c.index].id == t.factcheck_url and c.score >= MIN_SCORE
        elif c.score >= MIN_SCORE:
            leaks.append((pid, t.kind, c.score))
    print(f"fixtures, coefficients in the code, MIN_SCORE {MIN_SCORE}:")
    for lang in sorted(total):
        print(f"  {lang}: rank 1 {ok[lang]}/{total[lang]}, above threshold {above[lang]}")
    print(f"  all: rank 1 {sum(ok.values())}/{sum(total.values())}, above {sum(above.values())}")
    print(f"  distractors above the threshold: {leaks or 'none'}")
    # leave one language out
    kept = 0
    leaked = 0
    for lang in sorted(set(la) - {"ct"}):
        test = la == lang
        fit = LogisticRegression(C=1.0, max_iter=2000).fit(Xa[~test], ya[~test])
        for pid, plang, c in top1:
            if plang != lang:
                continue
            f = np.array([features(c)])
            s = float(fit.predict_proba(f)[0, 1])
            t = truth[pid]
            if t.kind == "repeat":
                kept += m.entries[c.index].id == t.factcheck_url and s >= MIN_SCORE
            else:
                leaked += s >= MIN_SCORE
    print(f"leave-one-language-out: repeats kept {kept}/168, distractors above {leaked}/72")
    _ = match_score  # the score these coefficients feed


if __name__ == "__main__":
    main()
