"""Coordination benchmark: OneVoice against the QUT coordination-network-toolkit on the same posts.

For ``--posts N`` generated posts (default 1,000,000; :mod:`onevoice.demo.coordbench`) with
planted link-sharing, reposting and copy-paste networks among organic accounts, and two
viral items each shared by up to 100,000 accounts over three days, it:

1. writes the posts as OneVoice generic CSV and as the QUT toolkit's CSV (the same posts),
   plus the ground truth (``benchmarks/data/coord-N-seedS-vV.*``, reused when present);
2. loads them: ``onevoice ingest --format csv`` into a fresh store, and
   ``compute_networks DB preprocess --format csv`` into a fresh SQLite database (then deletes
   the toolkit's empty-string URL rows, see below);
3. for each kind (co-link, co-repost, co-text), in its own child process each:
   OneVoice's :func:`onevoice.detect.run.detect` with that one kind (Δ = 60 s, edge weight
   ≥ 2; edges, Leiden networks and the output files), and the toolkit's
   ``compute_networks DB compute co_link|co_retweet|co_similar_tweet --time_window 60
   --min_edge_weight 2`` followed by ``export_network OUT.graphml KIND``;
4. prints, per tool and kind: wall seconds of the children (interpreter start included),
   peak memory (the child's ``ru_maxrss`` from ``os.wait4``), edges (unordered account
   pairs), the accounts in them, per-account precision and recall against the planted
   networks, the overlap of the two tools' pairs, and the ratio of times.

Per-account scores: an account is *found* when it is in any edge of weight ≥ 2. Precision
= found accounts that are members of any planted network ÷ found accounts (a planted member
found by another kind's detector is still a coordinated account); recall = members of this
kind's planted networks that were found ÷ those members.

The QUT toolkit (1.5.2) splits the ``urls`` cell on spaces without dropping empty strings, so
every original post without a link gets the URL ``''``, and its co-link network then links
everyone who posted anything without a link within a minute of each other. The CSV format
has no other way to say "no URL" (the cell is read by position and split as it is), so
after ``preprocess`` the benchmark deletes those rows: ``DELETE FROM message_url WHERE url =
''`` (timed and reported, not counted in the co-link time).

Usage::

    python benchmarks/coordination.py                      # 1M posts, all three kinds
    python benchmarks/coordination.py --posts 200000
    python benchmarks/coordination.py --posts 10000000 --no-qut
    python benchmarks/coordination.py --posts 200000 --kinds co-link --reuse
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: OneVoice kind -> the QUT toolkit's network type.
QUT_KIND = {"co-link": "co_link", "co-repost": "co_retweet", "co-text": "co_similar_tweet"}


@dataclass
class Child:
    seconds: float
    peak_rss: int  # bytes
    stdout: bytes
    timed_out: bool = False


@dataclass
class Result:
    tool: str
    kind: str
    seconds: float | None  # None: stopped at the timeout
    peak_rss: int
    pairs: set[tuple[str, str]] = field(default_factory=set)
    phases: dict[str, float] = field(default_factory=dict)
    note: str = ""

    @property
    def accounts(self) -> set[str]:
        return {a for pair in self.pairs for a in pair}


def run_child(cmd: list[str], timeout: float | None = None) -> Child:
    """Run ``cmd`` in its own process group; return wall seconds, peak RSS, stdout.

    The child is reaped with ``os.wait4``, which gives *its* resource usage (on Linux its
    ``ru_maxrss`` is the largest of it and the children it waited for: for the QUT
    toolkit's worker processes, the largest one, not their sum). Past ``timeout`` seconds
    the child's process group is killed and ``timed_out`` is set. Exits on failure.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        deadline = None if timeout is None else start + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, 0 if deadline is None else os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0 and not timed_out:
        raise SystemExit(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n"
            f"{stderr.decode(errors='replace')[-3000:]}"
        )
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Child(seconds, usage.ru_maxrss * scale, stdout, timed_out)


# -- the data --------------------------------------------------------------------------------
def data_files(data: Path, n: int, seed: int, regenerate: bool) -> tuple[Path, Path, Path]:
    from onevoice.demo.coordbench import COORD_STREAM_VERSION, write_coordination_posts

    stem = data / f"coord-{n}-seed{seed}-v{COORD_STREAM_VERSION}"
    paths = (stem.with_suffix(".csv"), stem.with_suffix(".qut.csv"), stem.with_suffix(".json"))
    if regenerate or not all(p.exists() for p in paths):
        tmp = [p.with_name(p.name + ".part") for p in paths]
        t0 = time.perf_counter()
        write_coordination_posts(tmp[0], tmp[1], tmp[2], n, seed=seed)
        for t, p in zip(tmp, paths, strict=True):
            t.rename(p)
        print(
            f"  generated {paths[0].name} ({paths[0].stat().st_size / 1e6:.0f} MB) and "
            f"{paths[1].name} ({paths[1].stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
    return paths


def ground_truth(path: Path) -> tuple[dict[str, set[str]], set[str], dict[str, Any]]:
    """(members per coordination kind, all planted members, the whole document)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    per_kind: dict[str, set[str]] = {}
    for net in doc["networks"]:
        per_kind.setdefault(net["kind"], set()).update(net["members"])
    return per_kind, set().union(*per_kind.values()), doc


# -- OneVoice --------------------------------------------------------------------------------
def onevoice_ingest(store: Path, csv_path: Path) -> Child:
    shutil.rmtree(store, ignore_errors=True)
    cmd = [sys.executable, "-m", "onevoice.cli.main", "ingest", "--store", str(store)]
    return run_child([*cmd, "--format", "csv", "--no-progress", "--json", str(csv_path)])


def onevoice_kind(store: Path, kind: str, out: Path, args: argparse.Namespace) -> Result:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-onevoice", str(store), kind]
    cmd += [str(out), str(args.window), str(args.min_weight), str(args.seed)]
    child = run_child(cmd)
    doc = json.loads(child.stdout.decode().strip().splitlines()[-1])
    pairs = set()
    with (out / "pairs.tsv").open(encoding="utf-8") as f:
        for line in f:
            a, b = line.rstrip("\n").split("\t")
            pairs.add((_native(a), _native(b)))
    from onevoice import __version__

    return Result(
        f"onevoice {__version__}",
        kind,
        child.seconds,
        child.peak_rss,
        pairs,
        doc["phases"],
        note=f"{doc['networks']} networks",
    )


def _native(account_id: str) -> str:
    return account_id.split(":", 1)[1] if ":" in account_id else account_id


def child_onevoice(
    store_dir: str, kind: str, out_dir: str, window: str, weight: str, seed: str
) -> int:
    """In the child: one detection run with one kind, its phases timed; JSON on stdout."""
    import onevoice.detect.export as export
    import onevoice.detect.networks as networks
    import onevoice.detect.signals as signals
    from onevoice.detect import run
    from onevoice.detect.kinds import get_kind
    from onevoice.detect.params import DetectParams
    from onevoice.store import Store

    phases: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t

        return wrapper

    # time the phases of detect() without changing it: the kind's items (MinHash for
    # co-text), the window join, Leiden networks, account signals, the output files
    module = get_kind(kind)
    module.shares_sql = timed("items", module.shares_sql)  # type: ignore[attr-defined]
    run.co_share_edges = timed("edges", run.co_share_edges)  # type: ignore[attr-defined]
    networks.build_networks = timed("networks", networks.build_networks)
    signals.account_signals = timed("signals", signals.account_signals)
    export.write_outputs = timed("outputs", export.write_outputs)
    params = DetectParams(
        kinds=(kind,), window=float(window), min_weight=float(weight), seed=int(seed)
    )
    out = Path(out_dir)
    with Store(store_dir) as store:
        t = time.perf_counter()
        result = run.detect(store, params, out_dir=out / "detect")
        phases["detect"] = time.perf_counter() - t
        cur = store.execute(
            "SELECT account_a, account_b FROM coord_edges WHERE run_id = ? AND kind = ? "
            "AND weight >= ? ORDER BY ALL",
            [result.run_id, kind, float(weight)],
        )
        with (out / "pairs.tsv").open("w", encoding="utf-8") as f:
            while rows := cur.fetchmany(10_000):
                f.writelines(f"{a}\t{b}\n" for a, b in rows)
    print(json.dumps({"run_id": result.run_id, "networks": result.networks, "phases": phases}))
    return 0


# -- the QUT toolkit -------------------------------------------------------------------------
def qut_tools(venv_dir: Path) -> tuple[Path, str]:
    """``compute_networks`` in the toolkit's own venv (made by benchmarks/ingest.py's helper)."""
    sys.path.insert(0, str(HERE))
    from ingest import qut_venv, qut_version

    return qut_venv(venv_dir), qut_version(venv_dir)


def qut_preprocess(exe: Path, db: Path, qut_csv: Path) -> tuple[Child, int, float]:
    for leftover in (db, Path(f"{db}-journal"), Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    child = run_child([str(exe), str(db), "preprocess", "--format", "csv", str(qut_csv)])
    t = time.perf_counter()
    with sqlite3.connect(db) as con:
        dropped = con.execute("DELETE FROM message_url WHERE url = ''").rowcount
    con.close()
    return child, dropped, time.perf_counter() - t


def qut_kind(
    exe: Path, version: str, db: Path, kind: str, out: Path, args: argparse.Namespace
) -> Result:
    name = QUT_KIND[kind]
    cmd = [str(exe), str(db), "compute", name, "--time_window", str(int(args.window))]
    cmd += ["--min_edge_weight", str(int(args.min_weight))]
    if kind == "co-text":
        cmd += ["--similarity_threshold", str(args.similarity_threshold)]
    tool = f"QUT toolkit {version}"
    compute = run_child(cmd, timeout=args.qut_timeout)
    if compute.timed_out:
        return Result(
            tool, kind, None, compute.peak_rss, note=f"stopped after {compute.seconds:.0f} s"
        )
    out.mkdir(parents=True, exist_ok=True)
    graphml = out / f"{name}.graphml"
    export = run_child([str(exe), str(db), "export_network", str(graphml), name])
    pairs = graphml_pairs(graphml)
    return Result(
        tool,
        kind,
        compute.seconds + export.seconds,
        max(compute.peak_rss, export.peak_rss),
        pairs,
        {"compute": compute.seconds, "export": export.seconds},
    )


def graphml_pairs(path: Path) -> set[tuple[str, str]]:
    """The unordered account pairs of a GraphML file (streamed; loops left out)."""
    pairs = set()
    for _event, elem in ET.iterparse(path, events=("end",)):
        tag = elem.tag.rpartition("}")[2]
        if tag == "edge":
            a, b = elem.get("source", ""), elem.get("target", "")
            if a != b:
                pairs.add((a, b) if a < b else (b, a))
            elem.clear()
        elif tag == "node":
            elem.clear()
    return pairs


# -- the report ------------------------------------------------------------------------------
def scores(r: Result, planted_kind: set[str], planted_all: set[str]) -> tuple[str, str]:
    found = r.accounts
    if r.seconds is None:
        return "-", "-"
    precision = len(found & planted_all) / len(found) if found else float("nan")
    recall = len(found & planted_kind) / len(planted_kind) if planted_kind else float("nan")
    return f"{precision:.3f}", f"{recall:.3f}"


def table(results: list[Result], per_kind: dict[str, set[str]], planted: set[str]) -> str:
    head = (
        f"{'kind':<10}{'tool':<22}{'seconds':>9}{'  (phases)':<52}{'peak MB':>9}"
        f"{'edges':>10}{'accounts':>10}{'precision':>11}{'recall':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        p, rc = scores(r, per_kind.get(r.kind, set()), planted)
        secs = f"{r.seconds:.1f}" if r.seconds is not None else "stopped"
        phases = ", ".join(f"{k} {v:.1f}" for k, v in r.phases.items() if k != "detect")
        edges = f"{len(r.pairs):,}" if r.seconds is not None else "-"
        accounts = f"{len(r.accounts):,}" if r.seconds is not None else "-"
        lines.append(
            f"{r.kind:<10}{r.tool:<22}{secs:>9}  {phases:<50}{r.peak_rss / 1e6:>9,.0f}"
            f"{edges:>10}{accounts:>10}{p:>11}{rc:>8}" + (f"  {r.note}" if r.note else "")
        )
    return "\n".join(lines)


def comparison(ours: Result, qut: Result) -> str:
    if qut.seconds is None or ours.seconds is None:
        return f"{ours.kind}: QUT {qut.note}; OneVoice {ours.seconds or 0:.1f} s"
    both = ours.pairs & qut.pairs
    only_ov, only_qut = ours.pairs - qut.pairs, qut.pairs - ours.pairs
    acc_ov, acc_qut = ours.accounts, qut.accounts
    return (
        f"{ours.kind}: QUT ÷ OneVoice time {qut.seconds / ours.seconds:.1f}×; "
        f"pairs in both {len(both):,}, only OneVoice {len(only_ov):,}, only QUT {len(only_qut):,}; "
        f"accounts in both {len(acc_ov & acc_qut):,}, only OneVoice {len(acc_ov - acc_qut):,}, "
        f"only QUT {len(acc_qut - acc_ov):,}"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child-onevoice"]:
        return child_onevoice(*argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--posts", type=int, default=1_000_000, help="posts to generate")
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--kinds", default="co-link,co-repost,co-text", help="kinds to run")
    p.add_argument("--window", type=float, default=60.0, help="Δ in seconds (both tools)")
    p.add_argument("--min-weight", type=int, default=2, help="edge weight threshold (both)")
    p.add_argument(
        "--similarity-threshold",
        type=float,
        default=0.8,
        help="the QUT toolkit's Jaccard threshold for co_similar_tweet (its default)",
    )
    p.add_argument(
        "--qut-timeout", type=float, default=900.0, help="stop a QUT compute after (seconds)"
    )
    p.add_argument("--no-qut", action="store_true", help="skip the QUT toolkit")
    p.add_argument("--no-onevoice", action="store_true", help="skip OneVoice")
    p.add_argument("--generate-only", action="store_true", help="write the data and stop")
    p.add_argument("--data", type=Path, default=HERE / "data", help="data, stores, outputs")
    p.add_argument("--qut-venv", type=Path, default=HERE / ".venv-qut")
    p.add_argument("--reuse", action="store_true", help="reuse a loaded store / QUT database")
    p.add_argument(
        "--keep", action="store_true", help="keep the store and QUT database (implied by --reuse)"
    )
    p.add_argument("--regenerate", action="store_true", help="rewrite the generated files")
    args = p.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if any(k not in QUT_KIND for k in kinds):
        p.error(f"--kinds: choose from {', '.join(QUT_KIND)}")
    args.data.mkdir(parents=True, exist_ok=True)
    n = args.posts
    print(
        f"Coordination benchmark: {n:,} generated posts (seed {args.seed}), Δ = {args.window:g} s, "
        f"weight ≥ {args.min_weight}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs",
        file=sys.stderr,
    )
    csv_path, qut_csv, truth_path = data_files(args.data, n, args.seed, args.regenerate)
    if args.generate_only:
        return 0
    per_kind, planted, truth = ground_truth(truth_path)
    print(
        f"  planted: {len(truth['networks'])} networks, {len(planted):,} accounts; "
        f"viral items shared by {truth['viral']['accounts_per_item']:,} accounts each",
        file=sys.stderr,
    )
    store = args.data / f"coord-store-{n}"
    qut_db = args.data / f"coord-qut-{n}.db"
    out = args.data / f"coord-out-{n}"
    loading = []
    if not args.no_onevoice:
        if args.reuse and (store / "onevoice.duckdb").exists():
            print(f"  reusing {store}", file=sys.stderr)
        else:
            print("  onevoice ingest --format csv …", file=sys.stderr)
            c = onevoice_ingest(store, csv_path)
            loading.append(f"onevoice ingest: {c.seconds:.1f} s, peak {c.peak_rss / 1e6:,.0f} MB")
    exe, version = (None, "")
    if not args.no_qut:
        exe, version = qut_tools(args.qut_venv)
        if args.reuse and qut_db.exists():
            print(f"  reusing {qut_db}", file=sys.stderr)
        else:
            print("  compute_networks preprocess --format csv …", file=sys.stderr)
            c, dropped, secs = qut_preprocess(exe, qut_db, qut_csv)
            loading.append(
                f"QUT preprocess: {c.seconds:.1f} s, peak {c.peak_rss / 1e6:,.0f} MB; "
                f"then {dropped:,} empty-string URL rows deleted ({secs:.1f} s)"
            )
    results: list[Result] = []
    notes: list[str] = []
    for kind in kinds:
        ours = theirs = None
        if not args.no_onevoice:
            print(f"  onevoice detect --kind {kind} …", file=sys.stderr)
            ours = onevoice_kind(store, kind, out / "onevoice" / kind, args)
            results.append(ours)
        if exe is not None:
            print(f"  compute_networks compute {QUT_KIND[kind]} …", file=sys.stderr)
            theirs = qut_kind(exe, version, qut_db, kind, out / "qut", args)
            results.append(theirs)
        if ours is not None and theirs is not None:
            notes.append(comparison(ours, theirs))
    for line in loading:
        print(line)
    print()
    print(table(results, per_kind, planted))
    print()
    for line in notes:
        print(line)
    if not (args.keep or args.reuse):  # --reuse means "the store is for more runs"
        shutil.rmtree(store, ignore_errors=True)
        for leftover in (qut_db, Path(f"{qut_db}-wal"), Path(f"{qut_db}-shm")):
            leftover.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
