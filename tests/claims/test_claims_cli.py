"""``onevoice claims match | review | eval`` through the CLI (lexical mode: fast)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from onevoice.claims import fixtures
from onevoice.cli.main import cli


def _store(tmp_path: Path) -> str:
    store = str(tmp_path / "s")
    r = CliRunner().invoke(
        cli, ["ingest", "--store", store, "--format", "csv", str(fixtures.posts_path())]
    )
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        cli, ["factchecks", "import", "--store", store, str(fixtures.factchecks_path())]
    )
    assert r.exit_code == 0, r.output
    return store


def test_match_writes_csv_to_stdout_and_review_confirms(tmp_path: Path) -> None:
    store = _store(tmp_path)
    r = CliRunner().invoke(cli, ["claims", "match", "--store", store, "--no-dense", "--out", "-"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and {"post_id", "rank", "score", "method", "claim", "status", "why"} <= set(rows[0])
    assert "posts match a fact-check" in r.stderr
    first = rows[0]
    r = CliRunner().invoke(
        cli,
        ["claims", "review", "--store", store, "--post", first["post_id"],
         "--factcheck", first["factcheck_id"], "--confirm", "--by", "ana"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "confirmed by ana" in r.stderr
    r = CliRunner().invoke(
        cli,
        ["claims", "review", "--store", store, "--post", "nope",
         "--factcheck", first["factcheck_id"], "--reject", "--by", "ana"],
    )  # fmt: skip
    assert r.exit_code == 1
    assert "Error: no post 'nope'" in r.stderr


def test_match_on_an_empty_library_says_what_to_do(tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    CliRunner().invoke(cli, ["ingest", "--store", store, str(fixtures.posts_path())])
    r = CliRunner().invoke(cli, ["claims", "match", "--store", store, "--no-dense"])
    assert r.exit_code == 1
    assert "Error: the fact-check library is empty" in r.stderr
    assert "Hint: import fact-checks first" in r.stderr


def test_eval_prints_the_official_metrics(tmp_path: Path) -> None:
    claims = tmp_path / "claims.tsv"
    claims.write_text(
        "\tvclaim\ttitle\n"
        "c1\tThe moon landing was staged in a studio.\tMoon landing hoax\n"
        "c2\tDrinking bleach cures the flu.\tBleach cure\n"
        "c3\tThe city banned bicycles on Sundays.\tBicycle ban\n",
        encoding="utf-8",
    )
    queries = tmp_path / "q.tsv"
    queries.write_text(
        "\ttweet_content\nq1\tthey staged the moon landing in a studio lol\n"
        "q2\tbleach cures flu, my uncle says\nq3\tno qrels for this one\n",
        encoding="utf-8",
    )
    qrels = tmp_path / "qrels"
    qrels.write_text("q1 0 c1 1\nq2 0 c2 1\n", encoding="utf-8")
    run = tmp_path / "run.tsv"
    r = CliRunner().invoke(
        cli,
        ["claims", "eval", "--claims", str(claims), "--queries", str(queries),
         "--qrels", str(qrels), "--no-dense", "--run", str(run)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["MAP@5"] == 1.0 and out["queries"] == 2 and out["format"] == "checkthat2020"
    lines = run.read_text().splitlines()
    assert lines[0].split("\t")[:4] == ["q1", "Q0", "c1", "1"]
    assert not any(line.startswith("q3") for line in lines)
    r = CliRunner().invoke(
        cli, ["claims", "eval", "--claims", str(claims), "--queries", str(queries),
              "--qrels", str(tmp_path / "missing"), "--no-dense"],
    )  # fmt: skip
    assert r.exit_code == 1
    assert "Error: cannot read" in r.stderr


def test_match_writes_the_csv_into_the_store_by_default(tmp_path: Path) -> None:
    store = _store(tmp_path)
    r = CliRunner().invoke(cli, ["claims", "match", "--store", store, "--no-dense"])
    assert r.exit_code == 0, r.output
    written = Path(store) / "matches.csv"
    assert f"written to {written}" in r.stderr
    assert written.read_text(encoding="utf-8").startswith("post_id,rank,score,method,")
