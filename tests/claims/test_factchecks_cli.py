"""``onevoice factchecks``: summaries and rejects on stderr, data on stdout, exact error
texts, a failing file not stopping the others, stdin, help examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from onevoice.cli.main import cli

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "claims"
BAD = str(FIX / "bad.csv")
FEED = str(FIX / "feed.jsonld")


@pytest.fixture
def run() -> Any:
    runner = CliRunner()

    def invoke(*args: str, input: bytes | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.mark.parametrize("args", [(), ("import",), ("list",), ("export",)])
def test_every_subcommand_has_examples_in_its_help(run: Any, args: tuple[str, ...]) -> None:
    result = run("factchecks", *args, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output


def test_import_reports_on_stderr_and_json_on_stdout(run: Any, tmp_path: Path) -> None:
    result = run("factchecks", "import", "--store", str(tmp_path / "s"), "--json", BAD)
    assert result.exit_code == 0
    record = orjson.loads(result.stdout)
    assert (record["format"], record["factchecks_added"], record["rejected"]) == (
        "factcheck-csv",
        2,
        3,
    )
    assert result.stderr.splitlines() == [
        f"{BAD}: factcheck-csv, 5 records read, 2 fact-checks added, 0 already in the store, "
        "3 rejected, 2 warnings",
        f"  {BAD}:3: rejected: empty claim",
        f"  {BAD}:4: rejected: empty rating",
        f"  {BAD}:5: rejected: expected 6 fields, found 7",
        f"  {BAD}:6: warning: 'notaurl' in column appearances is not a URL; dropped "
        "(the fact-check is kept)",
        f"  {BAD}:6: warning: bad timestamp 'yesterday': expected ISO 8601 or epoch seconds "
        "in column date_published; dropped (the fact-check is kept)",
    ]


def test_a_failing_file_is_an_error_and_the_others_still_import(run: Any, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    broken = str(FIX / "not_json.jsonld")
    result = run("factchecks", "import", "--store", store, broken, FEED)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: cannot read {broken}: invalid JSON (unexpected end of data at line 3, column 1)",
        "Hint: a ClaimReview file is one JSON-LD document, or JSON Lines of them",
        f"{FEED}: claimreview-jsonld, 4 records read, 4 fact-checks added, "
        "0 already in the store, 0 rejected, 0 warnings",
    ]
    listed = run("factchecks", "list", "--store", store)
    assert len(listed.stdout.splitlines()) == 4


def test_strict_turns_rejects_into_exit_code_1(run: Any, tmp_path: Path) -> None:
    result = run("factchecks", "import", "--store", str(tmp_path / "s"), "--strict", BAD)
    assert result.exit_code == 1
    assert "Error: 3 records rejected (--strict)" in result.stderr


def test_explicit_format_and_stdin(run: Any, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    page = (FIX / "page.html").read_bytes()
    result = run("factchecks", "import", "--store", store, "--format", "html", "-", input=page)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "<stdin>: claimreview-html, 2 records read, 2 fact-checks added"
    )
    again = run("factchecks", "import", "--store", store, "--format", "csv", str(FIX / "page.html"))
    assert again.exit_code == 1
    assert "Error: " in again.stderr and "missing required columns claim, rating" in again.stderr


def test_list_filters_and_json(run: Any, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    run("factchecks", "import", "--store", store, FEED)
    lines = run("factchecks", "list", "--store", store, "--rating", "false").stdout.splitlines()
    assert [line.split("\t")[1:4] for line in lines] == [
        ["false", "tr", "2024-05-03"],
        ["false", "hi", "2024-05-01"],
    ]
    records = [
        orjson.loads(line)
        for line in run(
            "factchecks", "list", "--store", store, "--json", "--lang", "ko"
        ).stdout.splitlines()
    ]
    assert [(r["rating"], r["rating_original"]) for r in records] == [("mixed", "절반의 사실")]
    wrong = run("factchecks", "list", "--store", store, "--rating", "pants")
    assert wrong.exit_code == 2


def test_export_to_stdout_and_to_a_file_are_the_same(run: Any, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    run("factchecks", "import", "--store", store, FEED)
    out = tmp_path / "lib.jsonld"
    to_file = run("factchecks", "export", "--store", store, "-o", str(out))
    assert to_file.stderr == f"4 fact-checks written to {out}\n"
    to_stdout = run("factchecks", "export", "--store", store)
    assert to_stdout.stdout_bytes == out.read_bytes()
    assert len(orjson.loads(out.read_bytes())["dataFeedElement"]) == 4


def test_list_without_a_store_says_so(run: Any, tmp_path: Path) -> None:
    result = run("factchecks", "list", "--store", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no store at {tmp_path / 'none'}")
