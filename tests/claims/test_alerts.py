"""Alerts from a small store: a hashtag that bursts for one hour among steady traffic, a
domain that does not, and narratives, fact-check matches and networks added by SQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from onevoice.claims.alert_series import choose_bin, parse_bin
from onevoice.claims.alerts import compute_alerts, read_alerts
from onevoice.cli.main import cli
from onevoice.errors import UsageError
from onevoice.store import Store
from tests.conftest import FIXTURES, ingest, rows

CSV = FIXTURES / "claims" / "alerts" / "posts.csv"
HOUR = timedelta(hours=1)
BURST_START = datetime(2024, 11, 19, 10, tzinfo=UTC)
# accounts of network 1 in the newest detect run: 6 of the 8 burst accounts, 30 posts
NETWORK = ["mastodon:n0", "twitter:n1", "twitter:n2", "twitter:n3", "mastodon:n4", "twitter:n5"]


def burst_post(k: int) -> str:
    return f"{'mastodon' if k % 4 == 0 else 'twitter'}:b{k}"


@pytest.fixture
def small(store: Store) -> Store:
    result = ingest(store, CSV)
    assert (result.posts_added, result.rejected) == (335, 0)
    return store


def add_networks(store: Store) -> None:
    store.execute(
        "INSERT INTO detect_runs VALUES ('d0', '2024-12-01 00:00:00+00', "
        "'2024-12-01 00:01:00+00', ['co-hashtag'], 60, 2, '{}', 0), "
        "('d1', '2024-12-02 00:00:00+00', '2024-12-02 00:01:00+00', ['co-hashtag'], 60, 2, "
        "'{}', 0)"
    )
    for account in [f"twitter:n{i}" for i in range(8)]:  # an older run: must not be read
        store.execute(
            "INSERT INTO network_members VALUES ('d0', ?, 7, false, 1, 1, 0.1)", [account]
        )
    for account in NETWORK:
        store.execute(
            "INSERT INTO network_members VALUES ('d1', ?, 1, false, 1, 1, 0.1)", [account]
        )
    store.execute("INSERT INTO network_members VALUES ('d1', 'twitter:a1', 2, true, 1, 1, 0.1)")


def add_narratives(store: Store) -> None:
    for run, nid, label, end in (
        ("nr0", "nar:old", "an older run", "2024-11-19 12:00:00+00"),
        ("nr1", "nar:flood", "Flood the summit!", "2024-11-20 00:00:00+00"),
    ):
        store.execute(
            "INSERT INTO narratives VALUES (?, ?, '2024-11-18 00:00:00+00', ?, ?, 'twitter:b1', "
            "['flood', 'summit'], 40, 8, ['en'], ['twitter'], '2024-11-19 10:00:00+00', "
            "'2024-11-19 11:00:00+00', 2.0, NULL)",
            [run, nid, end, label],
        )
        posts = [burst_post(k) for k in range(40)] + ["twitter:f0", "twitter:f1"]
        if run == "nr0":
            posts = [f"twitter:s{i}" for i in range(100, 160)]
        for post in posts:
            store.execute("INSERT INTO narrative_posts VALUES (?, ?, ?, 0.9)", [run, nid, post])


def add_matches(store: Store) -> None:
    for fc, claim in (("fc:flood", "The summit was cancelled"), ("fc:other", "Something else")):
        store.execute(
            "INSERT INTO factchecks (factcheck_id, url, claim, rating, publisher, appearances, "
            "source_file, source_line, import_id) VALUES (?, ?, ?, 'false', 'Checkers', [], "
            "'t', 1, 'i')",
            [fc, f"https://check.example/{fc[3:]}", claim],
        )
    store.execute(
        "INSERT INTO match_runs VALUES ('m0', '2024-12-01 00:00:00+00', NULL, '{}', 1, 1), "
        "('m1', '2024-12-02 00:00:00+00', '2024-12-02 00:05:00+00', '{}', 335, 47)"
    )
    for post in [burst_post(k) for k in range(40)] + [f"twitter:f{j}" for j in range(7)]:
        store.execute(
            "INSERT INTO matches VALUES ('m1', ?, 'fc:flood', 1, 0.9, 'dense', NULL)", [post]
        )
        store.execute(
            "INSERT INTO matches VALUES ('m1', ?, 'fc:other', 2, 0.6, 'dense', NULL)", [post]
        )
    for post, status, at in (
        (burst_post(39), "confirmed", "2024-12-03 00:00:00+00"),
        (burst_post(38), "confirmed", "2024-12-03 00:00:00+00"),
        (burst_post(37), "rejected", "2024-12-03 00:00:00+00"),
        (burst_post(37), "confirmed", "2024-12-04 00:00:00+00"),  # the latest review counts
        (burst_post(0), "rejected", "2024-12-03 00:00:00+00"),
    ):
        store.execute(
            "INSERT INTO match_reviews VALUES (?, 'fc:flood', ?, 'ana', ?, NULL)",
            [post, status, at],
        )


def test_the_hashtag_burst_is_found_and_the_steady_domain_is_not(small: Store) -> None:
    add_networks(small)
    result = compute_alerts(small, bin=HOUR)
    assert (result.bin, result.bins) == (HOUR, 48)
    assert result.subjects == {"hashtag": 2, "domain": 1}
    (alert,) = result.alerts
    assert (alert.subject_kind, alert.subject, alert.label) == ("hashtag", "floodtag", "#floodtag")
    assert (alert.start_ts, alert.end_ts) == (BURST_START, BURST_START + HOUR)
    assert not alert.ongoing
    assert alert.posts == 40
    assert alert.expected == pytest.approx(47 / 335 * 46)  # base rate × posts of that hour
    assert alert.alert_id.startswith("al:") and len(alert.alert_id) == 19

    ev = alert.evidence
    assert [p["post_id"] for p in ev["top_posts"]] == [burst_post(k) for k in (39, 38, 37, 36, 35)]
    top = ev["top_posts"][0]
    assert top["account_id"] == "twitter:n7"
    assert top["created_at"] == "2024-11-19T10:59:00+00:00"
    assert len(top["text"]) == 200 and top["text"].startswith("Flood the summit! They")
    assert ev["accounts"] == 8
    assert [a["posts"] for a in ev["top_accounts"]] == [5] * 5
    assert ev["top_accounts"][0] == {"account_id": "mastodon:n0", "handle": None, "posts": 5}
    assert ev["languages"] == {"en": 32, "fr": 8}
    assert ev["platforms"] == {"twitter": 30, "mastodon": 10}
    assert ev["networks"] == [{"network_id": 1, "accounts": 6, "posts": 30}]
    assert ev["detect_run"] == "d1"

    stored = rows(small, "SELECT * FROM alerts")
    assert len(stored) == 1 and stored[0]["run_id"] == result.run_id
    assert json.loads(stored[0]["evidence"]) == ev
    bursts = rows(small, "SELECT * FROM bursts WHERE run_id = ?", [result.run_id])
    assert {(b["subject_kind"], b["subject"]) for b in bursts} == {("hashtag", "floodtag")}
    assert bursts[0]["posts"] == 40


def test_auto_bins_and_replaying_an_earlier_now(small: Store) -> None:
    result = compute_alerts(small)
    assert result.bin == timedelta(minutes=15) and result.bins == 192
    (alert,) = result.alerts
    assert (alert.start_ts, alert.end_ts, alert.posts) == (BURST_START, BURST_START + HOUR, 40)
    # at 10:40 the burst was under way: it reaches the last bin, so it is ongoing
    now = BURST_START + timedelta(minutes=40)
    replay = compute_alerts(small, now=now)
    (alert,) = replay.alerts
    assert alert.ongoing and alert.start_ts == BURST_START
    assert alert.posts == 27  # b0…b26 were posted by 10:40
    assert alert.raised_at == now
    assert replay.run_id != result.run_id
    assert read_alerts(small)[0] == result.run_id  # the newest raised_at (the clock)
    assert read_alerts(small, replay.run_id)[1][0].ongoing


def test_narratives_and_fact_checks_of_the_newest_runs(small: Store) -> None:
    add_narratives(small)
    add_matches(small)
    result = compute_alerts(small, bin=HOUR)
    by_kind = {a.subject_kind: a for a in result.alerts}
    assert set(by_kind) == {"hashtag", "narrative", "factcheck"}

    narrative = by_kind["narrative"]
    assert (narrative.subject, narrative.label) == ("nar:flood", "Flood the summit!")
    assert narrative.posts == 40 and narrative.evidence["terms"] == ["flood", "summit"]

    fc = by_kind["factcheck"]
    assert (fc.subject, fc.label) == ("fc:flood", "The summit was cancelled")
    assert fc.posts == 39  # the rejected pair is left out
    assert fc.evidence["confirmed_posts"] == 3
    flags = {p["post_id"]: p["confirmed"] for p in fc.evidence["top_posts"]}
    assert flags == {burst_post(k): k in (37, 38, 39) for k in (39, 38, 37, 36, 35)}
    assert fc.evidence["factcheck"] == {
        "rating": "false",
        "publisher": "Checkers",
        "url": "https://check.example/flood",
    }
    assert result.subjects == {"hashtag": 2, "domain": 1, "narrative": 1, "factcheck": 1}


def test_runs_are_deterministic_and_keep_older_runs(small: Store) -> None:
    first = compute_alerts(small, bin=HOUR)
    again = compute_alerts(small, bin=HOUR)
    assert again.run_id == first.run_id
    assert [a.alert_id for a in again.alerts] == [a.alert_id for a in first.alerts]
    assert small.scalar("SELECT count(*) FROM alerts") == 1  # replaced, not doubled
    other = compute_alerts(small, bin=HOUR, gamma=0.5)
    assert other.run_id != first.run_id
    assert other.alerts[0].alert_id == first.alerts[0].alert_id  # same burst, same id
    runs = rows(small, "SELECT run_id, count(*) AS n FROM alerts GROUP BY 1 ORDER BY 1")
    assert {r["run_id"] for r in runs} == {first.run_id, other.run_id}


def test_thresholds(small: Store) -> None:
    assert compute_alerts(small, bin=HOUR, min_posts=48).subjects == {"hashtag": 1, "domain": 1}
    assert compute_alerts(small, bin=HOUR, min_posts=48).alerts == []  # #floodtag has 47
    high = compute_alerts(small, bin=HOUR, min_weight=1000)
    assert high.alerts == [] and high.bursts == 1  # the burst is kept, no alert raised
    assert compute_alerts(small, bin=HOUR, top=0).alerts == []


def test_a_subject_in_most_posts_raises_no_alert(small: Store) -> None:
    # 120 posts without the domain in one hour make its share (63 % of all posts) dip
    # there; every other bin then fits the capped burst rate better: a long, heavy burst,
    # but a subject in more than 1/s of all posts raises no alert
    for i in range(120):
        small.execute(
            "INSERT INTO posts SELECT * REPLACE ('twitter:x' || ? AS post_id, "
            "created_at + INTERVAL 1 SECOND AS created_at, [] AS domains, [] AS hashtags) "
            "FROM posts WHERE post_id = 'twitter:s60'",
            [i],
        )
    small.execute("UPDATE posts SET domains = ['steady.example'] WHERE post_id LIKE 'twitter:s%'")
    result = compute_alerts(small, bin=HOUR)
    bursts = rows(small, "SELECT * FROM bursts WHERE subject = 'steady.example'")
    assert bursts and max(b["weight"] for b in bursts) >= 10
    assert "steady.example" not in {a.subject for a in result.alerts}
    assert "floodtag" in {a.subject for a in result.alerts}


def test_an_empty_store_gives_nothing(store: Store) -> None:
    result = compute_alerts(store)
    assert result.bin is None and result.alerts == [] and result.bursts == 0


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("auto", "auto"),
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("1h", HOUR),
        (" 6H ", timedelta(hours=6)),
        ("1d", timedelta(days=1)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_parse_bin(text: str, width: object) -> None:
    assert parse_bin(text) == width


@pytest.mark.parametrize("text", ["", "h", "0h", "-1h", "1y", "0.5s", "soon"])
def test_bad_bins_are_refused(text: str) -> None:
    with pytest.raises(UsageError, match="bad bin width"):
        parse_bin(text)


def test_auto_bin_gives_50_to_200_bins() -> None:
    for hours in (1, 3, 10, 48, 24 * 10, 24 * 30, 24 * 365):
        span = timedelta(hours=hours)
        bins = span // choose_bin(span) + 1
        assert 50 <= bins <= 200, (hours, bins)


def test_too_many_bins_are_refused(small: Store) -> None:
    with pytest.raises(UsageError, match="cuts the data into"):
        compute_alerts(small, bin=timedelta(seconds=1))


# -- the command -------------------------------------------------------------------------------


def test_cli_table_and_json(small: Store, tmp_path: Path) -> None:
    add_networks(small)
    path = str(small.path)
    small.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["alerts", "--store", path, "--bin", "1h"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].split() == [
        "STATUS",
        "KIND",
        "LABEL",
        "SINCE",
        "UNTIL",
        "POSTS",
        "EXPECTED",
        "RATIO",
        "NETWORKS",
    ]
    assert lines[1].split()[:3] == ["ended", "hashtag", "#floodtag"]
    assert "2024-11-19 10:00  2024-11-19 11:00" in lines[1]
    assert lines[1].endswith("#1 (6 acc., 30 posts)")
    assert "48 bins of 1h" in out.stderr and "1 alerts" in out.stderr

    out = runner.invoke(cli, ["alerts", "--store", path, "--no-refresh", "--json"])
    assert out.exit_code == 0, out.output
    (line,) = out.stdout.splitlines()
    alert = json.loads(line)
    assert alert["label"] == "#floodtag" and alert["posts"] == 40
    assert alert["start_ts"] == "2024-11-19T10:00:00+00:00"
    assert alert["evidence"]["networks"][0]["posts"] == 30

    out = runner.invoke(cli, ["alerts", "--store", path, "--no-refresh", "--kind", "domain"])
    assert out.exit_code == 0 and out.stdout == ""
    assert "nothing is bursting" in out.stderr


def test_cli_errors(tmp_path: Path, small: Store) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["alerts", "--store", str(tmp_path / "nowhere")])
    assert out.exit_code == 1
    assert out.stderr.startswith(f"Error: no store at {tmp_path / 'nowhere'}\nHint: ingest")
    assert not (tmp_path / "nowhere").exists()
    path = str(small.path)
    small.close()
    out = runner.invoke(cli, ["alerts", "--store", path, "--bin", "soon"])
    assert out.exit_code == 2
    assert out.stderr == "Error: bad bin width 'soon'\nHint: e.g. 15m, 1h, 6h, 1d, or auto\n"
    out = runner.invoke(cli, ["alerts", "--store", path, "--no-refresh"])
    assert out.exit_code == 0 and "no alerts computed yet" in out.stderr
    out = runner.invoke(cli, ["alerts", "--help"])
    assert "Examples:" in out.stdout and "onevoice alerts --store data" in out.stdout


# -- the demo data: the planted hashtag campaign bursts ----------------------------------------


@pytest.mark.slow
def test_the_demo_hashtag_campaign_raises_alerts(tmp_path: Path) -> None:
    from onevoice.detect.params import DetectParams
    from onevoice.detect.run import detect
    from tests.conftest import ROOT

    demo = ROOT / "demo" / "data"
    truth = json.loads((demo / "ground_truth.json").read_text())["networks"]
    (campaign,) = [n for n in truth if n["kind"] == "hashtag-pushing"]
    with Store(tmp_path / "demo") as store:
        for f in sorted(demo.iterdir()):
            if f.name != "ground_truth.json":
                ingest(store, f)
        detect(store, DetectParams(kinds=("co-hashtag",), window=60, min_weight=3))
        result = compute_alerts(store)
        members = set(campaign["members"])
        for network_id, accounts in store.execute(
            "SELECT network_id, list(account_id) FROM network_members GROUP BY 1"
        ).fetchall():
            if len(members & set(accounts)) >= 0.9 * len(members):
                planted = network_id
    assert result.bin == timedelta(hours=3)
    by_tag: dict[str, list[int]] = {}
    for a in result.alerts:
        if a.subject_kind == "hashtag" and a.subject in campaign["items"]["hashtags"]:
            posts = sum(n["posts"] for n in a.evidence["networks"] if n["network_id"] == planted)
            by_tag.setdefault(a.subject, []).append(posts * 100 // a.posts)
    # every slogan hashtag bursts, and the planted network wrote most posts of its bursts
    assert set(by_tag) == set(campaign["items"]["hashtags"])
    assert all(max(shares) >= 80 for shares in by_tag.values())
