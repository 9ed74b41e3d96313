"""Ingest benchmark: OneVoice against the QUT coordination-network-toolkit on the same posts.

For ``--posts N`` generated posts (default 1,000,000; :func:`onevoice.demo.write_benchmark_posts`)
it times, each in its own child process into a fresh store:

- ``onevoice ingest --format csv`` on the generic CSV,
- ``onevoice ingest --format twarc2`` on twarc2 pages (100 tweets a line),
- the QUT toolkit's ``compute_networks DB preprocess --format csv`` on the same posts in its
  own column order (installed from PyPI into ``benchmarks/.venv-qut``, created when missing),

and prints posts per second (wall time of the whole child, interpreter start included) and
peak memory (the child's RSS high-water mark, from ``os.wait4``), and the ratio of
OneVoice's CSV rate to the QUT toolkit's. Data and stores go to ``benchmarks/data/``
(git-ignored); generated files are reused when they exist.

Usage::

    python benchmarks/ingest.py                 # 1M posts
    python benchmarks/ingest.py --posts 200000 --no-qut
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path

import orjson

from onevoice import __version__
from onevoice.demo import write_benchmark_posts
from onevoice.demo.bench import STREAM_VERSION, BenchFormat

HERE = Path(__file__).resolve().parent
QUT_PACKAGE = "coordination-network-toolkit"
SUFFIX = {"csv": "csv", "qut": "qut.csv", "twarc2": "jsonl"}
#: The forms OneVoice ingests (``qut`` is the QUT toolkit's own column order).
ONEVOICE_FORMATS: dict[str, BenchFormat] = {"csv": "csv", "twarc2": "twarc2"}


@dataclass
class Run:
    tool: str
    fmt: str
    posts: int
    file_bytes: int
    seconds: float
    peak_rss: int  # bytes
    kept: int | None = None

    @property
    def rate(self) -> float:
        return self.posts / self.seconds if self.seconds else float("inf")


def run_child(cmd: list[str]) -> tuple[float, int, bytes]:
    """Run ``cmd``; return (wall seconds, peak RSS in bytes, stdout). Exits on failure.

    The child is reaped with ``os.wait4``, which returns *its* resource usage (the
    ``RUSAGE_CHILDREN`` total would mix all children run so far)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n"
            f"{stderr.decode(errors='replace')[-2000:]}"
        )
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return seconds, usage.ru_maxrss * scale, stdout


def data_file(data: Path, n: int, fmt: BenchFormat, seed: int, regenerate: bool) -> Path:
    """The generated posts, written unless a file of the same stream version is there."""
    path = data / f"posts-{n}-seed{seed}-v{STREAM_VERSION}.{SUFFIX[fmt]}"
    if regenerate or not path.exists():
        tmp = path.with_name(path.name + ".part")
        t0 = time.perf_counter()
        write_benchmark_posts(tmp, n, fmt, seed=seed)
        tmp.rename(path)
        print(
            f"  generated {path.name} ({path.stat().st_size / 1e6:.0f} MB, "
            f"{time.perf_counter() - t0:.1f} s)",
            file=sys.stderr,
        )
    return path


def onevoice_ingest(data: Path, path: Path, fmt: str, n: int) -> Run:
    store = data / f"store-{fmt}-{n}"
    shutil.rmtree(store, ignore_errors=True)
    if importlib.util.find_spec("onevoice.cli.main") is not None:
        cmd = [
            sys.executable,
            "-m",
            "onevoice.cli.main",
            "ingest",
            "--store",
            str(store),
            "--format",
            fmt,
            "--no-progress",
            "--json",
            str(path),
        ]
    else:  # the CLI not installed: the same through the library
        code = (
            "import sys, orjson; from onevoice.store import Store; "
            "from onevoice.ingest import ingest_file; s = Store(sys.argv[1]); "
            "r = ingest_file(s, sys.argv[3], format=sys.argv[2]); "
            "print(orjson.dumps({'posts_added': r.posts_added}).decode())"
        )
        cmd = [sys.executable, "-c", code, str(store), fmt, str(path)]
    seconds, rss, out = run_child(cmd)
    kept = sum(orjson.loads(line)["posts_added"] for line in out.splitlines() if line.strip())
    return Run(f"onevoice {__version__}", fmt, n, path.stat().st_size, seconds, rss, kept)


def qut_venv(path: Path) -> Path:
    """The QUT toolkit's ``compute_networks`` in its own venv (created when missing)."""
    exe = path / "bin" / "compute_networks"
    if not exe.exists():
        print(f"  creating {path} and installing {QUT_PACKAGE} from PyPI", file=sys.stderr)
        venv.create(path, with_pip=True, clear=True)
        done = subprocess.run(
            [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", QUT_PACKAGE],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"pip install {QUT_PACKAGE} failed:\n{done.stderr[-2000:]}")
    return exe


def qut_version(venv_dir: Path) -> str:
    out = subprocess.run(
        [
            str(venv_dir / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('coordination-network-toolkit'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def qut_preprocess(data: Path, path: Path, n: int, venv_dir: Path) -> Run:
    exe = qut_venv(venv_dir)
    db = data / f"qut-{n}.db"
    for leftover in (db, Path(f"{db}-journal"), Path(f"{db}-wal")):
        leftover.unlink(missing_ok=True)
    seconds, rss, _out = run_child([str(exe), str(db), "preprocess", "--format", "csv", str(path)])
    with sqlite3.connect(db) as con:  # its messages table
        kept = con.execute("SELECT count(*) FROM edge").fetchone()[0]
    con.close()
    return Run(
        f"QUT toolkit {qut_version(venv_dir)}", "csv", n, path.stat().st_size, seconds, rss, kept
    )


def table(runs: list[Run]) -> str:
    head = (
        f"{'tool':<26}{'format':<8}{'file MB':>9}{'seconds':>9}{'posts/s':>11}"
        f"{'peak RSS MB':>13}{'posts kept':>12}"
    )
    lines = [head, "-" * len(head)]
    for r in runs:
        kept = f"{r.kept:,}" if r.kept is not None else "-"
        lines.append(
            f"{r.tool:<26}{r.fmt:<8}{r.file_bytes / 1e6:>9.1f}{r.seconds:>9.2f}"
            f"{r.rate:>11,.0f}{r.peak_rss / 1e6:>13.0f}{kept:>12}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--posts", type=int, default=1_000_000, help="posts to generate")
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--formats", default="csv,twarc2", help="OneVoice formats to time")
    p.add_argument("--no-qut", action="store_true", help="skip the QUT toolkit")
    p.add_argument("--data", type=Path, default=HERE / "data", help="data and stores")
    p.add_argument("--qut-venv", type=Path, default=HERE / ".venv-qut")
    p.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    p.add_argument("--regenerate", action="store_true", help="rewrite the generated files")
    args = p.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    n = args.posts
    print(
        f"Ingest benchmark: {n:,} generated posts (seed {args.seed}), "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs",
        file=sys.stderr,
    )
    names = [f.strip() for f in args.formats.split(",") if f.strip()]
    if any(name not in ONEVOICE_FORMATS for name in names):
        p.error(f"--formats: choose from {', '.join(ONEVOICE_FORMATS)}")
    runs = []
    for fmt in (ONEVOICE_FORMATS[name] for name in names):
        path = data_file(args.data, n, fmt, args.seed, args.regenerate)
        print(f"  onevoice ingest --format {fmt} …", file=sys.stderr)
        runs.append(onevoice_ingest(args.data, path, fmt, n))
        if not args.keep:
            shutil.rmtree(args.data / f"store-{fmt}-{n}", ignore_errors=True)
    qut = None
    if not args.no_qut:
        path = data_file(args.data, n, "qut", args.seed, args.regenerate)
        print("  compute_networks preprocess --format csv …", file=sys.stderr)
        qut = qut_preprocess(args.data, path, n, args.qut_venv)
        runs.append(qut)
        if not args.keep:
            (args.data / f"qut-{n}.db").unlink(missing_ok=True)
    print(table(runs))
    ours = next((r for r in runs if r.tool.startswith("onevoice") and r.fmt == "csv"), None)
    if qut is not None and ours is not None:
        print(
            f"\nOneVoice csv ÷ QUT toolkit csv: {ours.rate / qut.rate:.1f}× the posts per "
            f"second, {ours.peak_rss / qut.peak_rss:.1f}× the peak memory"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
