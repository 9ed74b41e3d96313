"""Outputs of a detection run: golden CSV/GEXF/GraphML, byte-identical reruns, readable graphs.

The golden files are under ``tests/fixtures/detect/export_golden/``. After an intended change
of the output, regenerate them and review the diff::

    ONEVOICE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/detect/test_export.py
"""

from __future__ import annotations

import csv
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph  # type: ignore[import-untyped]
import pytest

from onevoice.detect.export import EDGE_COLUMNS, NETWORK_COLUMNS, network_color, write_outputs
from onevoice.detect.networks import build_networks
from onevoice.store import Store
from tests.detect.test_networks import RUN, add_account, add_edge, add_post

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "detect" / "export_golden"
UPDATE = os.environ.get("ONEVOICE_UPDATE_GOLDEN") == "1"
FILES = ("edges.csv", "networks.csv", "graph.gexf", "graph.graphml")
GEXF = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"


def tiny_store(store: Store) -> None:
    """Two networks (four and three accounts) touching by one weak edge, with odd text."""
    add_account(store, "twitter:1", "alice", "Alice Ö & <Co>")
    add_account(store, "twitter:2", "bob", 'Bob "the builder"')
    add_account(store, "twitter:3", "carol")
    add_account(store, "mastodon:9", "dave@example.social", "Dave, with a comma")
    # twitter:4 has no accounts row: empty handle, the id as label, platform from the id
    add_account(store, "twitter:5", "eve", "Ева")
    add_account(store, "twitter:6", "frank", None)
    add_account(store, "twitter:8", "outsider", None)  # in no edge at all

    u1, u2 = "https://news.example/story?id=1", "https://www.news.example/b"
    add_edge(store, "twitter:1", "twitter:2", 4, items=[u1, u2], post_pairs=9)
    add_edge(store, "twitter:1", "twitter:3", 3, items=[u1])
    add_edge(store, "twitter:2", "twitter:3", 3, items=[u2], first="2024-03-01 10:00:00.25+00")
    add_edge(store, "mastodon:9", "twitter:1", 2, items=[u1], min_dt=0.5, median_dt=30.0)
    add_edge(store, "mastodon:9", "twitter:2", 2, items=[u2])
    add_edge(store, "twitter:1", "twitter:2", 2, kind="co-repost", items=["twitter:100"])
    for a, b in (
        ("twitter:4", "twitter:5"),
        ("twitter:4", "twitter:6"),
        ("twitter:5", "twitter:6"),
    ):
        add_edge(store, a, b, 3, kind="co-hashtag-set", items=["one two", "stop vote"])
    add_edge(store, "twitter:3", "twitter:4", 1, items=["https://other.example/"])

    add_post(store, "twitter:11", "twitter:1", urls=[u1], domains=["news.example"])
    add_post(store, "twitter:12", "twitter:1", repost_of="twitter:100")
    add_post(store, "twitter:13", "twitter:2", urls=[u2], domains=["news.example"])
    add_post(store, "twitter:14", "twitter:5", hashtags=["two", "one"])
    add_post(store, "mastodon:15", "mastodon:9", hashtags=["hello"])


@pytest.fixture
def outputs(store: Store, tmp_path: Path) -> dict[str, Path]:
    tiny_store(store)
    assert build_networks(store.con, RUN, seed=0) == 2
    paths = write_outputs(store.con, RUN, tmp_path / "out")
    assert [p.name for p in paths] == list(FILES)
    return {p.name: p for p in paths}


@pytest.mark.parametrize("name", FILES)
def test_outputs_match_the_golden_files(outputs: dict[str, Path], name: str) -> None:
    got = outputs[name].read_bytes()
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(got)
    assert golden.exists(), f"no golden file {golden}; run with ONEVOICE_UPDATE_GOLDEN=1"
    assert got.decode("utf-8") == golden.read_text(encoding="utf-8")
    assert got == golden.read_bytes()


def test_a_rerun_writes_byte_identical_files(store: Store, tmp_path: Path) -> None:
    tiny_store(store)
    build_networks(store.con, RUN, seed=0)
    first = write_outputs(store.con, RUN, tmp_path / "one")
    build_networks(store.con, RUN, seed=0)
    second = write_outputs(store.con, RUN, tmp_path / "two")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_edges_csv_has_every_edge_of_the_run(store: Store, outputs: dict[str, Path]) -> None:
    with outputs["edges.csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == EDGE_COLUMNS
    assert len(rows) == store.scalar("SELECT count(*) FROM coord_edges WHERE run_id = ?", [RUN])
    first = rows[0]
    assert (first["kind"], first["account_a"], first["account_b"]) == (
        "co-hashtag-set",
        "twitter:4",
        "twitter:5",
    )
    assert (first["handle_a"], first["handle_b"]) == ("", "eve")
    assert first["shared_items"] == "one two stop vote"


def test_networks_csv_has_one_row_per_account(store: Store, outputs: dict[str, Path]) -> None:
    with outputs["networks.csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == NETWORK_COLUMNS
    ids = [r["account_id"] for r in rows]
    assert len(ids) == len(set(ids)) == 7
    by_id = {r["account_id"]: r for r in rows}
    assert by_id["twitter:1"]["network_id"] == "1"
    assert by_id["twitter:1"]["display_name"] == "Alice Ö & <Co>"
    assert by_id["twitter:1"]["posts"] == "2"
    assert by_id["mastodon:9"]["platform"] == "mastodon"
    assert by_id["twitter:4"]["platform"] == "twitter" and by_id["twitter:4"]["handle"] == ""
    assert by_id["twitter:4"]["network_id"] == "2"
    hubs = {r["account_id"] for r in rows if r["is_hub"] == "true"}
    stored = store.execute("SELECT unnest(hubs) FROM networks WHERE run_id = ?", [RUN])
    assert hubs == {h for (h,) in stored.fetchall()}
    assert len(hubs) == 2  # one per network (10 % of four and of three, at least one)


def test_graphml_reads_back_with_igraph(outputs: dict[str, Path]) -> None:
    g = igraph.Graph.Read_GraphML(str(outputs["graph.graphml"]))
    assert not g.is_directed()
    assert g.vcount() == 7
    # nine pairs, one of them with two kinds: ten edges, the parallel one kept
    assert g.ecount() == 10
    v = {vx["id"]: vx for vx in g.vs}
    assert v["twitter:1"]["label"] == "alice" and v["twitter:4"]["label"] == "twitter:4"
    assert v["twitter:1"]["network_id"] == 1 and v["twitter:5"]["network_id"] == 2
    assert v["mastodon:9"]["platform"] == "mastodon"
    assert isinstance(v["twitter:1"]["is_hub"], bool)
    assert 0 < v["twitter:1"]["pagerank"] < 1
    kinds = sorted(
        e["kind"]
        for e in g.es
        if {g.vs[e.source]["id"], g.vs[e.target]["id"]} == {"twitter:1", "twitter:2"}
    )
    assert kinds == ["co-link", "co-repost"]
    assert sum(g.es["weight"]) == 4 + 3 + 3 + 2 + 2 + 2 + 3 * 3 + 1


def test_gexf_is_gexf_1_3_with_a_colour_per_network(outputs: dict[str, Path]) -> None:
    root = ET.parse(outputs["graph.gexf"]).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    assert graph is not None and graph.get("defaultedgetype") == "undirected"
    colours: dict[str, set[tuple[str | None, ...]]] = {}
    for node in graph.iter(f"{GEXF}node"):
        values = {a.get("for"): a.get("value") for a in node.iter(f"{GEXF}attvalue")}
        assert set(values) == {"network_id", "is_hub", "pagerank", "platform"}
        colour = node.find(f"{VIZ}color")
        assert colour is not None
        rgb = (colour.get("r"), colour.get("g"), colour.get("b"))
        assert rgb == tuple(str(c) for c in network_color(int(values["network_id"] or 0)))
        colours.setdefault(values["network_id"] or "", set()).add(rgb)
    assert set(colours) == {"1", "2"}
    assert all(len(c) == 1 for c in colours.values())
    assert colours["1"] != colours["2"]
    edges = list(graph.iter(f"{GEXF}edge"))
    assert len(edges) == 10
    assert all(e.get("kind") and e.get("weight") for e in edges)
    labels = {n.get("id"): n.get("label") for n in graph.iter(f"{GEXF}node")}
    assert labels["twitter:2"] == "bob"


def test_networkx_reads_both_graphs(outputs: dict[str, Path]) -> None:
    nx = pytest.importorskip("networkx")
    g = nx.read_graphml(outputs["graph.graphml"])
    assert g.is_multigraph() and g.number_of_nodes() == 7 and g.number_of_edges() == 10
    assert g.nodes["twitter:1"]["label"] == "alice" and g.nodes["twitter:1"]["network_id"] == 1
    h = nx.read_gexf(outputs["graph.gexf"])
    assert h.number_of_nodes() == 7 and h.number_of_edges() == 10
    assert h.nodes["twitter:5"]["network_id"] == 2
    assert h.nodes["twitter:5"]["viz"]["color"]["r"] == network_color(2)[0]


def test_a_run_without_networks_writes_headers_and_empty_graphs(
    store: Store, tmp_path: Path
) -> None:
    paths = write_outputs(store.con, "none", tmp_path / "out")
    assert paths[0].read_text(encoding="utf-8") == ",".join(EDGE_COLUMNS) + "\n"
    assert paths[1].read_text(encoding="utf-8") == ",".join(NETWORK_COLUMNS) + "\n"
    assert igraph.Graph.Read_GraphML(str(paths[3])).vcount() == 0
    ET.parse(paths[2])


def test_network_colours_are_distinct_for_the_first_networks() -> None:
    colours = [network_color(i) for i in range(1, 41)]
    assert len(set(colours)) == len(colours)
    assert all(0 <= c <= 255 for rgb in colours for c in rgb)


def test_characters_xml_cannot_hold_do_not_break_the_graphs(store: Store, tmp_path: Path) -> None:
    add_account(store, "twitter:1", "bell\x07", "nul\x00name")
    add_edge(store, "twitter:1", "twitter:2", 2, kind="co-\x1blink")
    build_networks(store.con, RUN)
    paths = write_outputs(store.con, RUN, tmp_path / "out")
    g = igraph.Graph.Read_GraphML(str(paths[3]))
    assert sorted(g.vs["label"]) == ["bell\ufffd", "twitter:2"]
    assert g.es["kind"] == ["co-\ufffdlink"]
    ET.parse(paths[2])
    # the CSV keeps the value as it is
    assert "bell\x07" in paths[0].read_text(encoding="utf-8")
