"""The coordination benchmark's generator: deterministic, both CSVs the same posts, truth right."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from onevoice.demo.coordbench import write_coordination_posts

N = 20_000


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    d = tmp_path_factory.mktemp("coord")
    paths = (d / "p.csv", d / "p.qut.csv", d / "p.json")
    write_coordination_posts(*paths, N, seed=3)
    return paths


def test_same_seed_same_bytes(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    again = (tmp_path / "p.csv", tmp_path / "p.qut.csv", tmp_path / "p.json")
    write_coordination_posts(*again, N, seed=3)
    for a, b in zip(files, again, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_both_csvs_hold_the_same_posts(files: tuple[Path, Path, Path]) -> None:
    with files[0].open(encoding="utf-8") as f1, files[1].open(encoding="utf-8") as f2:
        ours, qut = list(csv.DictReader(f1)), list(csv.reader(f2))[1:]
    assert len(ours) == len(qut) == N
    for o, q in zip(ours, qut, strict=True):
        assert [o["post_id"], o["account_id"], o["repost_of"], o["text"], o["created_at"]] == [
            q[0],
            q[1],
            q[3],
            q[5],
            q[6],
        ]
        assert o["urls"] == q[7]
    assert len({o["post_id"] for o in ours}) == N
    assert not any('"' in line for line in files[0].read_text(encoding="utf-8").splitlines())


def test_truth_lists_the_planted_members_and_the_viral_items(
    files: tuple[Path, Path, Path],
) -> None:
    truth = json.loads(files[2].read_text(encoding="utf-8"))
    assert truth["posts"] == N
    assert Counter(n["kind"] for n in truth["networks"]) == {
        "co-link": 2,
        "co-repost": 2,
        "co-text": 2,
    }
    with files[0].open(encoding="utf-8") as f:
        posts = list(csv.DictReader(f))
    by_account = Counter(p["account_id"] for p in posts)
    for net in truth["networks"]:
        assert 10 <= len(net["members"]) <= 40
        assert all(by_account[m] >= 5 for m in net["members"])
    viral = truth["viral"]
    reposters = {p["account_id"] for p in posts if p["repost_of"] == viral["post"]}
    assert len(reposters) == viral["accounts_per_item"] == N // 10
    url = "https://www.reuters.com/world/g20-leaders-agree-debt-relief-framework"
    assert len({p["account_id"] for p in posts if p["urls"] == url}) == N // 10
    # every repost names a post written before it
    seen: set[str] = set()
    for p in posts:
        assert not p["repost_of"] or p["repost_of"] in seen
        seen.add(p["post_id"])


def test_too_few_posts_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too few"):
        write_coordination_posts(tmp_path / "a", tmp_path / "b", tmp_path / "c", 3000)
