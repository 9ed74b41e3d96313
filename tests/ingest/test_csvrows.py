"""The CSV reader: exact line numbers, ragged rows, the fast path agreeing with the exact one."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onevoice.ingest import csvrows
from onevoice.ingest.source import open_source
from onevoice.ingest.stage import Stage

NAMES = ["post_id", "account_id", "created_at", "text"]
cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    max_size=12,
)
plain_cell = st.text(alphabet="abcxyz019 #@:/.-_éж", max_size=12)


def _read(path: Path, batch_size: int = 3) -> tuple[list[list[str]], list[int], list[tuple]]:
    con = duckdb.connect()
    stage = Stage(con, "s", str(path), batch_size=batch_size)
    source = open_source(str(path))
    names, delim = csvrows.read_header(source)
    got: list[list[str]] = []
    lines: list[int] = []
    real_reset = stage.reset

    def reset() -> None:  # a reader's staged rows go when the reader starts over
        got.clear()
        lines.clear()
        real_reset()

    stage.reset = reset  # type: ignore[method-assign]
    for table in csvrows.csv_batches(source, stage, names, delim, batch_size=batch_size):
        d = table.to_pydict()
        lines += d.pop("_line")
        got += [list(r) for r in zip(*d.values(), strict=True)]
    stage.flush()
    rejects = con.execute("SELECT line, reason FROM s_rejects ORDER BY line").fetchall()
    return got, lines, rejects


def _write(rows: list[list[str]], quoting: int) -> tuple[str, list[int]]:
    """CSV text and the line each record starts on."""
    out = io.StringIO()
    w = csv.writer(out, quoting=quoting, lineterminator="\n")
    w.writerow(NAMES)
    starts = []
    for r in rows:
        starts.append(out.getvalue().count("\n") + 1)
        w.writerow(r)
    return out.getvalue(), starts


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.lists(cell, min_size=4, max_size=4), max_size=12),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_records_and_lines_survive_any_content(
    tmp_path: Path, rows: list[list[str]], quoting: int
) -> None:
    rows = [r for r in rows if r != [""] * 4 or quoting == csv.QUOTE_ALL]
    text, starts = _write(rows, quoting)
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    got, lines, rejects = _read(path)
    assert rejects == []
    assert got == rows
    assert lines == starts


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.lists(plain_cell, min_size=4, max_size=4), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=7),
)
def test_fast_path_equals_exact_path(tmp_path: Path, rows: list[list[str]], batch: int) -> None:
    text = "\n".join([",".join(NAMES), *(",".join(r) for r in rows)]) + "\n"
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    fast = _read(path, batch)
    real = csvrows._arrow_batches

    def refuse(*args: object) -> Iterator[object]:
        raise pa.ArrowInvalid("forced onto the exact path")
        yield  # pragma: no cover

    try:
        csvrows._arrow_batches = refuse  # type: ignore[assignment]
        exact = _read(path, batch)
    finally:
        csvrows._arrow_batches = real
    assert fast == exact
    assert fast[1] == list(range(2, len(rows) + 2))


def test_ragged_rows_blank_lines_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "post_id,account_id,created_at,text\n"
        '1,a,t,"two\nlines"\n'
        "\n"
        "2,b,t\n"
        "3,c,t,x,extra\n"
        "4,d,t,ok\n",
        encoding="utf-8",
    )
    got, lines, rejects = _read(path)
    assert got == [["1", "a", "t", "two\nlines"], ["4", "d", "t", "ok"]]
    assert lines == [2, 7]
    assert rejects == [(5, "expected 4 fields, found 3"), (6, "expected 4 fields, found 5")]


def test_a_file_without_final_newline_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"post_id,account_id,created_at,text\r\n1,a,t,x\r\n2,b,t,y")
    got, lines, _ = _read(path)
    assert got == [["1", "a", "t", "x"], ["2", "b", "t", "y"]]
    assert lines == [2, 3]


def test_quoted_single_line_records_take_the_arrow_path(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        'post_id,account_id,created_at,text\n1,a,t,"x, ""quoted"""\n2,b,t,plain\n',
        encoding="utf-8",
    )
    real = csvrows._python_batches

    def refuse(*args: object, **kwargs: object) -> Iterator[pa.Table]:
        raise AssertionError("the exact path was not needed here")
        yield  # pragma: no cover

    try:
        csvrows._python_batches = refuse  # type: ignore[assignment]
        got, lines, _ = _read(path)
    finally:
        csvrows._python_batches = real
    assert got == [["1", "a", "t", 'x, "quoted"'], ["2", "b", "t", "plain"]]
    assert lines == [2, 3]
