"""On the bundled demo data, every planted network is found (precision and recall ≥ 0.95 per
account), and the result does not depend on the number of threads."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from onevoice.detect.params import DetectParams
from onevoice.detect.run import detect
from onevoice.ingest import ingest_file
from onevoice.store import Store
from tests.conftest import ROOT

DEMO = ROOT / "demo" / "data"
PARAMS = DetectParams(
    kinds=("co-link", "co-repost", "co-hashtag", "co-text"),
    window=60,
    min_weight=2,
    kind_min_weight=(("co-hashtag", 3),),
)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("demo") / "store"
    with Store(path) as store:
        for f in sorted(DEMO.iterdir()):
            if f.name != "ground_truth.json":
                ingest_file(store, str(f))
    yield path


def _copy(src: Path, dst: Path) -> Store:
    shutil.copytree(src, dst)
    return Store(dst)


def test_every_planted_network_is_found(demo_store: Path, tmp_path: Path) -> None:
    truth = json.loads((DEMO / "ground_truth.json").read_text())["networks"]
    with _copy(demo_store, tmp_path / "s") as store:
        result = detect(store, PARAMS, out_dir=tmp_path / "out")
        found = {
            nid: set(members)
            for nid, members in store.execute(
                "SELECT network_id, members FROM networks WHERE run_id = ?", [result.run_id]
            ).fetchall()
        }
    assert {p.name for p in result.outputs} >= {
        "edges.csv",
        "networks.csv",
        "graph.gexf",
        "graph.graphml",
    }
    for planted in truth:
        members = set(planted["members"])
        best = max(found.values(), key=lambda d: len(d & members))
        hit = len(best & members)
        precision, recall = hit / len(best), hit / len(members)
        assert precision >= 0.95 and recall >= 0.95, (planted["id"], precision, recall)


def test_results_do_not_depend_on_threads(demo_store: Path, tmp_path: Path) -> None:
    outputs = []
    for threads in (1, 2):
        with _copy(demo_store, tmp_path / f"t{threads}") as store:
            store.execute(f"SET threads = {threads}")
            run = detect(store, PARAMS).run_id
            outputs.append(
                (
                    store.execute(
                        "SELECT kind, account_a, account_b, weight, post_pairs, first_ts, last_ts, "
                        "shared_items FROM coord_edges WHERE run_id = ? ORDER BY ALL",
                        [run],
                    ).fetchall(),
                    store.execute(
                        "SELECT account_id, network_id, is_hub, degree, pagerank "
                        "FROM network_members WHERE run_id = ? ORDER BY ALL",
                        [run],
                    ).fetchall(),
                )
            )
    assert outputs[0] == outputs[1]
    assert outputs[0][0] and outputs[0][1]
