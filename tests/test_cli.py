"""The CLI: exact error texts, exit codes, stdout/stderr split, help examples, stdin."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from onevoice.cli.main import cli
from tests.conftest import FIXTURES

GOOD = str(FIXTURES / "csv" / "good.csv")
BAD = str(FIXTURES / "csv" / "bad.csv")


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def test_every_command_has_examples_in_its_help(run) -> None:  # type: ignore[no-untyped-def]
    top = run("--help")
    assert top.exit_code == 0 and "Examples:" in top.output
    for command in cli.commands:
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.output, command


def test_ingest_reports_on_stderr_and_json_on_stdout(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = str(tmp_path / "s")
    result = run("ingest", "--store", store, "--json", BAD)
    assert result.exit_code == 0
    record = orjson.loads(result.stdout)
    assert (record["posts_added"], record["rejected"], record["warnings"]) == (3, 4, 1)
    assert result.stderr.splitlines() == [
        f"{BAD}: csv, 7 records read, 3 posts added, 0 already in the store, 3 new accounts, "
        "4 rejected, 1 warning",
        f"  {BAD}:3: rejected: bad timestamp 'not-a-date' in column created_at: "
        "expected ISO 8601 or epoch seconds",
        f"  {BAD}:5: rejected: empty account_id",
        f"  {BAD}:6: rejected: expected 5 fields, found 6",
        f"  {BAD}:7: rejected: empty post_id",
        f"  {BAD}:8: warning: 'notaurl' in urls is not a URL; dropped (the post is kept)",
    ]


def test_strict_turns_rejects_into_exit_code_1(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = str(tmp_path / "s")
    result = run("ingest", "--store", store, "--strict", BAD)
    assert result.exit_code == 1
    assert "Error: 4 records rejected (--strict)" in result.stderr
    assert run("ingest", "--store", store, "--strict", GOOD).exit_code == 0


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (["ingest", "--format", "nope", GOOD], 2, "Error: unknown format 'nope'"),
        (["ingest", "/no/such/file.csv"], 1, "Error: cannot read /no/such/file.csv: no such file"),
        (
            ["ingest", str(FIXTURES / "csv" / "wrong_columns.csv"), "--format", "csv"],
            1,
            f"Error: {FIXTURES / 'csv' / 'wrong_columns.csv'}: missing required columns post_id, "
            "account_id, created_at for the csv format; found: id, user, time, message",
        ),
        (["query", "SELECT 1"], 1, "Error: no store at {store}"),
    ],
)
def test_errors_are_one_line_with_a_hint(
    run,
    tmp_path: Path,
    args: list[str],
    code: int,  # type: ignore[no-untyped-def]
    error: str,
) -> None:
    store = str(tmp_path / "s")
    result = run(args[0], "--store", store, *args[1:])
    assert result.exit_code == code
    lines = result.stderr.splitlines()
    assert lines[0] == error.format(store=store)
    assert len(lines) == 1 or lines[1].startswith("Hint: ")


def test_unknown_content_names_the_formats_it_tried(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    odd = tmp_path / "notes.txt"
    odd.write_text("just some notes\nnothing tabular\n")
    result = run("ingest", "--store", str(tmp_path / "s"), str(odd))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"Error: {odd} matches none of the formats (twarc2, telegram, mastodon, bluesky, "
        "youtube, coortweet, meta-csv, csv)"
    )


def test_stdin_query_csv_json_and_info(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = str(tmp_path / "s")
    data = Path(GOOD).read_bytes()
    result = run("ingest", "--store", store, "--format", "csv", "-", input=data)
    assert result.exit_code == 0
    assert result.stderr.startswith("<stdin>: csv, 4 records read, 4 posts added")

    out = run(
        "query",
        "--store",
        store,
        "SELECT native_id, urls, created_at FROM posts ORDER BY native_id LIMIT 1",
    )
    assert list(csv.reader(io.StringIO(out.stdout))) == [
        ["native_id", "urls", "created_at"],
        ["1001", '["https://www.example.org/news/summit?id=7"]', "2024-11-18T09:00:00+00:00"],
    ]
    js = run("query", "--store", store, "--json", "SELECT count(*) AS n FROM posts")
    assert orjson.loads(js.stdout) == {"n": 4}
    from_stdin = run("query", "--store", store, "-", input="SELECT count(*) AS n FROM accounts")
    assert from_stdin.stdout == "n\n3\n"
    info = run("info", "--store", store)
    assert "Posts      4" in info.stdout and "twitter" in info.stdout
    assert orjson.loads(run("info", "--store", store, "--json").stdout)["posts"] == 4
    denied = run("query", "--store", store, "DROP TABLE posts")
    assert denied.exit_code == 1
    assert denied.stderr.splitlines()[1] == (
        "Hint: onevoice query is read-only; the store changes only through onevoice"
    )
