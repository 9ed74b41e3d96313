"""Claim-matching throughput: posts per second against the 14k CheckThat! 2022 claims.

Usage::

    .venv/bin/python benchmarks/claims.py                  # 20,000 posts (the least allowed)
    .venv/bin/python benchmarks/claims.py --posts 100000
    .venv/bin/python benchmarks/claims.py --claims PATH/vclaims.jsonl --no-dense

1. Generates N posts with the coordination benchmark's seeded stream (14 languages,
   reposts, copy-paste campaigns, viral items; ``onevoice.demo.coordbench``) and ingests them
   into a fresh store (not timed here: see ``benchmarks/ingest.py``).
2. Imports the claims file (CheckThat! 2022 ``vclaims.jsonl``, read from ``../shared``; the
   data is research-only and never copied into the repository) as fact-checks.
3. Runs the matching (``onevoice.claims.run.match_store``) twice, each in a child process:
   the first embeds the library (the one-off indexing cost), the second finds the library's
   vectors cached in the store, which is the steady state for new posts (the posts' own
   cached vectors are deleted before each run, so both embed every distinct post text).
   Prints per run: wall seconds of the child, the stages (load, index, rank, write), posts
   per second end to end, distinct texts, matched posts, peak memory (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ONEVOICE_SHARED", ROOT.parent / "shared"))
DEFAULT_CLAIMS = SHARED / "data/claims/checkthat2022-2a-en/vclaims.jsonl"

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from onevoice.claims.run import match_store
from onevoice.store import Store
with Store(sys.argv[1]) as store:
    store.con.execute("DELETE FROM text_vectors")  # posts are new to every run
    r = match_store(store, dense=sys.argv[2] == "1")
print(json.dumps({"run_id": r.run_id, "posts": r.posts, "distinct_texts": r.distinct_texts,
    "embedded": r.embedded, "matched_posts": r.matched_posts, "suggestions": r.suggestions,
    "timings": r.timings, "stages": r.stages, "child_total": time.perf_counter() - t0}))
"""


def _child(args: list[str]) -> tuple[dict[str, object], float, float]:
    """Run a child; its JSON result, wall seconds and peak RSS (MB, ``os.wait4``)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"child failed: {' '.join(args[:3])}")
        out.seek(0)
        result = json.loads(out.read().decode().strip().splitlines()[-1])
    return result, wall, usage.ru_maxrss / 1024


def _claims_csv(src: Path, dst: Path) -> int:
    n = 0
    with src.open(encoding="utf-8") as f, dst.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["claim", "rating", "title", "url", "publisher", "lang"])
        for line in f:
            if line.strip():
                rec = json.loads(line)
                url = f"https://checkthat.example/{rec['vclaim_id']}"
                w.writerow([rec["vclaim"], "unrated", rec.get("title"), url, "CheckThat", "en"])
                n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--claims", type=Path, default=DEFAULT_CLAIMS)
    ap.add_argument("--no-dense", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the store")
    args = ap.parse_args()
    if not args.claims.exists():
        sys.exit(f"no claims file at {args.claims} (set ONEVOICE_SHARED or --claims)")
    from onevoice.demo.coordbench import write_coordination_posts

    work = Path(tempfile.mkdtemp(prefix="ov-claims-bench-"))
    store = work / "store"
    posts = work / "posts.csv"
    write_coordination_posts(posts, work / "qut.csv", work / "truth.json", args.posts, args.seed)
    py = sys.executable
    subprocess.run(
        [py, "-m", "onevoice.cli.main", "ingest", "--store", str(store), "--format", "csv",
         str(posts)], check=True, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    n_claims = _claims_csv(args.claims, work / "claims.csv")
    subprocess.run(
        [py, "-m", "onevoice.cli.main", "factchecks", "import", "--store", str(store),
         "--format", "csv", str(work / "claims.csv")], check=True, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"{args.posts:,} posts, {n_claims:,} claims ({args.claims.name}); "
          f"dense={'no' if args.no_dense else 'yes'}; {os.cpu_count()} CPUs")  # fmt: skip
    print("| run | wall s | load | index | rank | write | posts/s | distinct texts | "
          "matched posts | peak MB |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label in ("first (embeds the library)", "second (library cached)"):
        res, wall, rss = _child([py, "-c", CHILD, str(store), "0" if args.no_dense else "1"])
        t = res["timings"]
        assert isinstance(t, dict)
        write = t["total"] - t.get("load", 0) - t.get("index", 0) - t.get("rank", 0)
        print(
            f"| {label} | {wall:.1f} | {t.get('load', 0):.1f} | {t.get('index', 0):.1f} | "
            f"{t.get('rank', 0):.1f} | {write:.1f} | {int(res['posts']) / wall:,.0f} | "  # type: ignore[call-overload]
            f"{res['distinct_texts']:,} | {res['matched_posts']:,} | {rss:,.0f} |"
        )
        stages = res.get("stages")
        if isinstance(stages, dict) and stages:
            print("  rank stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    if not args.keep:
        shutil.rmtree(work)
    else:
        print(f"store kept in {store}")


if __name__ == "__main__":
    main()
