"""Networks from coordination edges: planted communities, hubs, evidence, reproducibility."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Sequence
from typing import Any

import pytest

from onevoice.detect.networks import build_networks
from onevoice.errors import UsageError
from onevoice.store import Store

RUN = "r1"


# -- helpers (test_export uses them too) -----------------------------------------------------


def add_edge(
    store: Store,
    a: str,
    b: str,
    weight: int,
    *,
    kind: str = "co-link",
    items: Sequence[str] | None = None,
    run: str = RUN,
    post_pairs: int | None = None,
    first: str = "2024-03-01 10:00:00+00",
    last: str = "2024-03-01 12:00:00+00",
    min_dt: float = 4.0,
    median_dt: float = 12.5,
) -> None:
    """One ``coord_edges`` row (the pair is put in order, as the contract says)."""
    a, b = sorted((a, b))
    store.execute(
        "INSERT INTO coord_edges VALUES "
        "(?, ?, ?, ?, ?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?, ?)",
        [
            run,
            kind,
            a,
            b,
            weight,
            weight if post_pairs is None else post_pairs,
            first,
            last,
            min_dt,
            median_dt,
            list(items) if items is not None else [f"https://site.example/{weight}"],
        ],
    )


def add_post(
    store: Store,
    post_id: str,
    account: str,
    *,
    urls: Sequence[str] = (),
    domains: Sequence[str] = (),
    hashtags: Sequence[str] = (),
    media: Sequence[str] = (),
    repost_of: str | None = None,
    reply_to: str | None = None,
    at: str = "2024-03-01 10:00:00+00",
) -> None:
    platform, native = post_id.split(":", 1)
    store.execute(
        """
        INSERT INTO posts (post_id, platform, native_id, account_id, created_at, text, urls,
            domains, hashtags, mentions, media_hashes, repost_of, repost_extra, reply_to,
            source_file, source_line, source_format, tool_version, import_id)
        VALUES (?, ?, ?, ?, ?::TIMESTAMPTZ, 'text', ?, ?, ?, [], ?, ?, [], ?, 'test', 1,
            'test', 'test', 'i1')
        """,
        [
            post_id,
            platform,
            native,
            account,
            at,
            list(urls),
            list(domains),
            list(hashtags),
            list(media),
            repost_of,
            reply_to,
        ],
    )


def add_account(
    store: Store, account: str, handle: str | None, display_name: str | None = None
) -> None:
    platform, native = account.split(":", 1)
    store.execute(
        "INSERT INTO accounts (account_id, platform, native_id, handle, display_name, "
        "first_seen, import_id) VALUES (?, ?, ?, ?, ?, '2024-01-01 00:00:00+00', 'i1')",
        [account, platform, native, handle, display_name],
    )


def clique(store: Store, members: Sequence[str], weight: int, **kw: Any) -> None:
    for a, b in itertools.combinations(members, 2):
        add_edge(store, a, b, weight, **kw)


def networks(store: Store, run: str = RUN) -> list[dict[str, Any]]:
    cur = store.execute("SELECT * FROM networks WHERE run_id = ? ORDER BY network_id", [run])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def members(store: Store, run: str = RUN) -> dict[str, dict[str, Any]]:
    cur = store.execute("SELECT * FROM network_members WHERE run_id = ? ORDER BY account_id", [run])
    names = [d[0] for d in cur.description]
    return {r[1]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def dump(store: Store, run: str = RUN) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Both tables of a run, every column, in a fixed order."""
    nets = store.execute(
        "SELECT * EXCLUDE (evidence), evidence::VARCHAR FROM networks WHERE run_id = ? "
        "ORDER BY network_id",
        [run],
    ).fetchall()
    mems = store.execute(
        "SELECT * FROM network_members WHERE run_id = ? ORDER BY account_id", [run]
    ).fetchall()
    return nets, mems


def random_edges(store: Store, seed: int, n: int = 40, m: int = 150, kinds: int = 1) -> None:
    """A sparse random graph: several partitions are about as good, so Leiden's seed matters."""
    rng = random.Random(seed)
    kind_names = ["co-link", "co-hashtag", "co-repost"][:kinds]
    seen: set[tuple[str, str, str]] = set()
    while len(seen) < m:
        a, b = sorted(f"x:{i:03d}" for i in rng.sample(range(n), 2))
        kind = rng.choice(kind_names)
        if (kind, a, b) in seen:
            continue
        seen.add((kind, a, b))
        items = [f"https://s{rng.randint(0, 9)}.example/{rng.randint(0, 30)}" for _ in range(3)]
        add_edge(store, a, b, rng.randint(1, 4), kind=kind, items=items)


# -- communities -----------------------------------------------------------------------------


def test_two_cliques_joined_by_one_weak_edge_are_two_networks(store: Store) -> None:
    big = [f"x:a{i}" for i in range(6)]
    small = [f"x:b{i}" for i in range(5)]
    clique(store, big, 3)
    clique(store, small, 3)
    add_edge(store, "x:a0", "x:b0", 1)

    assert build_networks(store.con, RUN) == 2
    got = networks(store)
    assert [n["members"] for n in got] == [big, small]  # numbered by size, largest first
    assert [n["size"] for n in got] == [6, 5]
    # the bridge is inside neither network
    assert [n["edges"] for n in got] == [15, 10]
    assert [n["total_weight"] for n in got] == [45, 30]
    mem = members(store)
    assert set(mem) == set(big) | set(small)
    assert mem["x:a0"]["degree"] == 5 and mem["x:a0"]["weighted_degree"] == 15


def test_networks_of_equal_size_are_numbered_by_smallest_member(store: Store) -> None:
    clique(store, ["x:m1", "x:m2", "x:m3"], 2)
    clique(store, ["x:c1", "x:n2", "x:n3"], 2)  # smallest member first, not largest
    clique(store, ["x:z1", "x:z2", "x:z3", "x:z4"], 2)
    assert build_networks(store.con, RUN) == 3
    assert [n["members"][0] for n in networks(store)] == ["x:z1", "x:c1", "x:m1"]


def test_a_singleton_community_is_not_a_network(store: Store) -> None:
    # x:loner touches three dense groups weakly; at resolution 1.5 joining any of them lowers
    # modularity, so Leiden leaves it alone: a community of one, which is not a network.
    for group in "abc":
        accounts = [f"x:{group}{i}" for i in range(5)]
        clique(store, accounts, 5)
        add_edge(store, accounts[0], "x:loner", 1)
    assert build_networks(store.con, RUN, resolution=1.5) == 3
    assert [n["size"] for n in networks(store)] == [5, 5, 5]
    assert "x:loner" not in members(store)
    assert all("x:loner" not in n["members"] for n in networks(store))


def test_only_singletons_give_no_networks_and_clear_the_previous_ones(store: Store) -> None:
    clique(store, ["x:1", "x:2", "x:3"], 2)
    assert build_networks(store.con, RUN) == 1
    # a huge resolution splits everything into single accounts: no network left
    assert build_networks(store.con, RUN, resolution=100) == 0
    assert networks(store) == [] and members(store) == {}


def test_a_pair_is_a_network(store: Store) -> None:
    add_edge(store, "x:p", "x:q", 2)
    assert build_networks(store.con, RUN) == 1
    (net,) = networks(store)
    assert net["members"] == ["x:p", "x:q"] and net["size"] == 2 and len(net["hubs"]) == 1


# -- hubs ------------------------------------------------------------------------------------


def test_the_centre_of_a_star_is_its_hub(store: Store) -> None:
    leaves = [f"x:l{i}" for i in range(9)]
    for leaf in leaves:
        add_edge(store, "x:zcentre", leaf, 5 if leaf == "x:l5" else 3)
    assert build_networks(store.con, RUN, hub_share=0.1) == 1
    (net,) = networks(store)
    assert net["hubs"] == ["x:zcentre"]  # not the smallest id, not the heaviest leaf
    mem = members(store)
    assert mem["x:zcentre"]["is_hub"] is True
    assert [a for a, m in mem.items() if m["is_hub"]] == ["x:zcentre"]
    assert mem["x:zcentre"]["degree"] == 9 and mem["x:zcentre"]["weighted_degree"] == 29
    assert mem["x:zcentre"]["pagerank"] == max(m["pagerank"] for m in mem.values())
    assert mem["x:l5"]["pagerank"] > mem["x:l0"]["pagerank"]  # PageRank is weighted
    # a fifth of ten members: the centre, then the leaf with the heaviest tie
    build_networks(store.con, RUN, hub_share=0.2)
    assert networks(store)[0]["hubs"] == ["x:zcentre", "x:l5"]  # the most central first
    # the third hub ties with seven leaves on weight and PageRank: the smallest id wins
    build_networks(store.con, RUN, hub_share=0.3)
    assert networks(store)[0]["hubs"] == ["x:zcentre", "x:l5", "x:l0"]


def test_hub_ties_on_weighted_degree_go_to_pagerank_then_id(store: Store) -> None:
    group = ["x:a", "x:b", "x:c", "x:d"]
    clique(store, group, 5)
    clique(store, ["x:o1", "x:o2", "x:o3", "x:o4"], 5)
    add_edge(store, "x:d", "x:o1", 1)  # raises x:d's PageRank, not its in-network degree
    assert build_networks(store.con, RUN, hub_share=0.25) == 2
    by_first = {n["members"][0]: n for n in networks(store)}
    assert by_first["x:a"]["hubs"] == ["x:d"]
    assert by_first["x:o1"]["hubs"] == ["x:o1"]
    mem = members(store)
    assert mem["x:d"]["weighted_degree"] == mem["x:a"]["weighted_degree"] == 15
    assert mem["x:d"]["pagerank"] > mem["x:a"]["pagerank"]
    assert by_first["x:a"]["members"] == group


def test_a_share_just_below_a_whole_number_in_floating_point_still_counts(store: Store) -> None:
    for i in range(49):
        add_edge(store, "x:centre", f"x:l{i:02d}", 2)
    build_networks(store.con, RUN, hub_share=0.58)  # 0.58 × 50 = 28.999999999999996
    assert len(networks(store)[0]["hubs"]) == 29


def test_at_least_one_hub_and_the_share_is_floored(store: Store) -> None:
    clique(store, [f"x:{i:02d}" for i in range(15)], 2)
    build_networks(store.con, RUN, hub_share=0.01)
    assert len(networks(store)[0]["hubs"]) == 1
    build_networks(store.con, RUN, hub_share=0.2)  # 0.2 × 15 = 3
    assert len(networks(store)[0]["hubs"]) == 3
    build_networks(store.con, RUN, hub_share=0.1)  # 1.5: the top 10 % is one account
    assert len(networks(store)[0]["hubs"]) == 1
    build_networks(store.con, RUN, hub_share=1.0)
    assert len(networks(store)[0]["hubs"]) == 15


# -- description and evidence ----------------------------------------------------------------


def test_kinds_times_items_domains_evidence_and_coordinated_share(store: Store) -> None:
    u1, u2, u3 = (
        "https://news.example/a",
        "https://www.news.example/b",
        "https://blog.example/c",
    )
    add_edge(store, "x:a", "x:b", 2, items=[u1, u2], first="2024-03-01 09:00:00+00")
    add_edge(store, "x:a", "x:c", 3, items=[u1, u3], post_pairs=7)
    add_edge(store, "x:b", "x:c", 1, items=[u1], last="2024-03-02 08:00:00+00")
    add_edge(
        store,
        "x:a",
        "x:b",
        2,
        kind="co-domain",
        items=["blog.example", "news.example", "only.example"],
    )
    add_edge(store, "x:b", "x:c", 4, kind="co-repost", items=["x:p9"])
    add_post(store, "x:1", "x:a", urls=[u1], domains=["news.example"])  # co-link item
    add_post(store, "x:2", "x:a", urls=["https://elsewhere.example/"])  # nothing shared
    add_post(store, "x:3", "x:b", repost_of="x:p9")  # co-repost item
    add_post(store, "x:4", "x:c", hashtags=["p9"])  # a hashtag is not a reposted post
    add_post(store, "x:5", "x:outsider", urls=[u1])  # not a member: not counted

    assert build_networks(store.con, RUN) == 1
    (net,) = networks(store)
    assert net["kinds"] == ["co-domain", "co-link", "co-repost"]
    assert net["edges"] == 3  # account pairs, kinds combined
    assert net["total_weight"] == 12
    assert net["first_ts"].isoformat() == "2024-03-01T09:00:00+00:00"
    assert net["last_ts"].isoformat() == "2024-03-02T08:00:00+00:00"
    # u1 is named by three edges; the others by one each, then alphabetical
    assert net["top_items"][0] == u1
    others = [u2, u3, "blog.example", "news.example", "only.example", "x:p9"]
    assert net["top_items"][1:] == sorted(others)
    # news.example: three co-link edges + one co-domain edge; blog.example: one + one;
    # only.example: a co-domain item (a domain itself, not a URL)
    assert net["top_domains"] == ["news.example", "blog.example", "only.example"]
    assert net["coordinated_share"] == pytest.approx(2 / 4)
    mem = members(store)  # kinds add up: x:a–x:b is 2 (co-link) + 2 (co-domain)
    assert (mem["x:a"]["degree"], mem["x:a"]["weighted_degree"]) == (2, 7)

    evidence = json.loads(net["evidence"])
    assert evidence["posts"] == 4 and evidence["coordinated_posts"] == 2
    link = evidence["kinds"]["co-link"]
    assert (link["edges"], link["weight"], link["post_pairs"]) == (3, 6, 10)
    heaviest = link["heaviest"]
    assert [(e["account_a"], e["account_b"], e["weight"]) for e in heaviest] == [
        ("x:a", "x:c", 3),
        ("x:a", "x:b", 2),
        ("x:b", "x:c", 1),
    ]
    assert heaviest[0]["items"] == [u1, u3]
    assert heaviest[0]["first_ts"] == "2024-03-01T10:00:00Z"
    assert evidence["kinds"]["co-repost"]["edges"] == 1
    assert evidence["kinds"]["co-domain"]["weight"] == 2


def test_evidence_keeps_the_five_heaviest_edges_and_items_the_top_ten(store: Store) -> None:
    accounts = [f"x:{i}" for i in range(6)]
    for i, (a, b) in enumerate(itertools.combinations(accounts, 2)):
        add_edge(store, a, b, 1 + i, items=[f"https://s.example/{j}" for j in range(i + 1)])
    build_networks(store.con, RUN)
    (net,) = networks(store)
    heaviest = json.loads(net["evidence"])["kinds"]["co-link"]["heaviest"]
    assert [e["weight"] for e in heaviest] == [15, 14, 13, 12, 11]
    # item j is named by the 15 − j edges of index ≥ j
    assert net["top_items"] == [f"https://s.example/{j}" for j in range(10)]
    assert net["top_domains"] == ["s.example"]


def test_coordinated_share_is_null_when_members_have_no_posts(store: Store) -> None:
    add_edge(store, "x:a", "x:b", 2)
    build_networks(store.con, RUN)
    assert networks(store)[0]["coordinated_share"] is None


def test_other_kinds_match_their_own_columns(store: Store) -> None:
    add_edge(store, "x:a", "x:b", 1, kind="co-hashtag", items=["vote"])
    add_edge(store, "x:a", "x:b", 1, kind="co-image", items=["ab12"])
    add_edge(store, "x:a", "x:b", 1, kind="co-hashtag-set", items=["one two"])
    add_edge(store, "x:a", "x:b", 1, kind="co-reply", items=["x:target"])
    add_post(store, "x:1", "x:a", hashtags=["vote"])
    add_post(store, "x:2", "x:a", media=["ab12"])
    add_post(store, "x:3", "x:b", hashtags=["two", "one"])  # a set: order ignored
    add_post(store, "x:4", "x:b", reply_to="x:target")
    add_post(store, "x:5", "x:b", urls=["vote"], domains=["ab12"])  # wrong columns
    build_networks(store.con, RUN)
    assert networks(store)[0]["coordinated_share"] == pytest.approx(4 / 5)


# -- writing ---------------------------------------------------------------------------------


def test_a_rerun_replaces_its_rows_and_leaves_other_runs_alone(store: Store) -> None:
    clique(store, ["x:1", "x:2", "x:3"], 2)
    clique(store, ["x:1", "x:2"], 2, run="other")
    build_networks(store.con, "other")
    build_networks(store.con, RUN)
    build_networks(store.con, RUN)
    assert store.scalar("SELECT count(*) FROM networks WHERE run_id = ?", [RUN]) == 1
    assert store.scalar("SELECT count(*) FROM network_members WHERE run_id = ?", [RUN]) == 3
    assert networks(store, "other")[0]["members"] == ["x:1", "x:2"]


def test_a_run_without_edges_has_no_networks(store: Store) -> None:
    assert build_networks(store.con, "nothing") == 0
    assert networks(store, "nothing") == []


def test_writes_inside_the_callers_transaction(store: Store) -> None:
    clique(store, ["x:1", "x:2", "x:3"], 2)
    store.execute("BEGIN TRANSACTION")
    assert build_networks(store.con, RUN) == 1
    assert len(networks(store)) == 1  # visible inside the transaction
    store.execute("ROLLBACK")
    assert networks(store) == []  # and gone with it: build_networks did not commit


def test_bad_parameters_are_refused(store: Store) -> None:
    with pytest.raises(UsageError):
        build_networks(store.con, RUN, resolution=0)
    with pytest.raises(UsageError):
        build_networks(store.con, RUN, hub_share=0)
    with pytest.raises(UsageError):
        build_networks(store.con, RUN, hub_share=1.5)


# -- reproducibility -------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_networks(store: Store) -> None:
    random_edges(store, seed=7)
    partitions = set()
    for seed in range(8):
        build_networks(store.con, RUN, seed=seed)
        partitions.add(
            tuple(
                store.execute(
                    "SELECT account_id, network_id FROM network_members WHERE run_id = ? "
                    "ORDER BY account_id",
                    [RUN],
                ).fetchall()
            )
        )
    # the graph is ambiguous: the seed does change the result, so equality below means something
    assert len(partitions) > 1

    random.seed(1)
    build_networks(store.con, RUN, seed=3)
    first = dump(store)
    random.seed(2)  # igraph must not draw from the process-wide generator
    random.random()
    build_networks(store.con, RUN, seed=3)
    assert dump(store) == first


def test_the_process_wide_random_generator_is_left_alone(store: Store) -> None:
    random_edges(store, seed=1)
    random.seed(5)
    expected = random.random()
    random.seed(5)
    build_networks(store.con, RUN, seed=0)
    assert random.random() == expected


def test_the_result_does_not_depend_on_duckdb_threads(store: Store) -> None:
    random_edges(store, seed=11, n=120, m=600, kinds=3)
    rng = random.Random(3)
    for i in range(400):
        acc = f"x:{rng.randrange(120):03d}"
        add_post(store, f"x:p{i}", acc, urls=[f"https://s{rng.randint(0, 9)}.example/1"])
    store.execute("SET threads = 1")
    build_networks(store.con, RUN, seed=4)
    one = dump(store)
    store.execute("SET threads = 4")
    build_networks(store.con, RUN, seed=4)
    assert dump(store) == one
    assert len(one[0]) > 1
