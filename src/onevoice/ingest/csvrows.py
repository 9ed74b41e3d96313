"""Read a CSV export into Arrow batches of text columns, with exact line numbers.

Shared by the CSV formats (generic ``csv``, ``meta-csv``, CooRTweet's CSV form). Columns are
read by *name* from the header (the QUT toolkit reads them by position, so a reordered
export silently shifts every field). Each batch has one string column per header name plus
``_line``, the physical line where the record starts (records may span lines inside
quotes). A record with the wrong number of fields is rejected with its line and both counts;
blank lines are skipped.

Speed: when the file is plain (no quoted line breaks, no blank lines, no ragged rows),
it is parsed by Arrow's C++ reader and the line of record *i* is simply *i* + 2; the file is
checked for that before parsing (a byte scan for ``"`` and blank lines) and otherwise read by
Python's ``csv`` module, which tracks lines exactly. Both give identical batches (tested).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from onevoice.errors import MissingColumns, UnreadableInput
from onevoice.ingest.source import Source
from onevoice.ingest.stage import Stage

__all__ = ["csv_batches", "read_header"]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_header(source: Source) -> tuple[list[str], str]:
    """The header names and the delimiter (``,`` or tab) of a CSV file."""
    with source.open() as f:
        first = f.readline()
    text = codecs.decode(first, "utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    if not text.strip():
        raise UnreadableInput(
            f"cannot read {source.name}: the first line is empty, expected a CSV header"
        )
    delim = "\t" if text.count("\t") > text.count(",") else ","
    names = [c.strip() for c in next(csv.reader([text], delimiter=delim))]
    return names, delim


def check_columns(source: Source, names: Sequence[str], required: Sequence[str], what: str) -> None:
    """Raise :class:`MissingColumns` naming the missing and the found columns."""
    missing = [c for c in required if c not in names]
    if missing:
        raise MissingColumns(
            f"{source.name}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} for the {what} format; found: {', '.join(names) or '(none)'}",
            hint=f"the {what} format needs the columns {', '.join(required)}",
        )
    seen: set[str] = set()
    dups = [c for c in names if c in seen or seen.add(c)]  # type: ignore[func-returns-value]
    if dups:
        raise MissingColumns(f"{source.name}: the header repeats column {dups[0]}")


def _record_lines(source: Source) -> int:
    """Physical lines after the header (a last line without a newline counts)."""
    lines = 0
    last = b"\n"
    with source.open() as f:
        f.readline()
        while chunk := f.read(1 << 22):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def csv_batches(
    source: Source, stage: Stage, names: Sequence[str], delim: str, *, batch_size: int
) -> Iterator[pa.Table]:
    """Yield Arrow tables of the records (string columns named as the header, plus
    ``_line``), rejecting ragged records into ``stage``.

    Arrow's parser goes first, numbering record *i* as line *i* + 2. That numbering is
    right exactly when the file has as many records as lines (no record spans lines, no
    line is blank), which is checked at the end; if it fails, or Arrow meets a ragged row
    or bad UTF-8, what it staged is dropped and the file is read again by the exact path.
    """
    if not source.compressed and len(set(names)) == len(names):
        records = 0
        try:
            for table in _arrow_batches(source, names, delim, batch_size):
                records += table.num_rows
                yield table
            if records == _record_lines(source):
                return
        except pa.ArrowInvalid:
            pass
        stage.reset()
    yield from _python_batches(source, stage, names, delim, batch_size)


def _table(names: Sequence[str], columns: list[list[str]], lines: list[int]) -> pa.Table:
    arrays: list[pa.Array[Any]] = [pa.array(col, pa.string()) for col in columns]
    arrays.append(pa.array(lines, pa.int64()))
    return pa.Table.from_arrays(arrays, names=[*names, "_line"])


def _python_batches(
    source: Source, stage: Stage, names: Sequence[str], delim: str, batch_size: int
) -> Iterator[pa.Table]:
    n = len(names)
    with source.open() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        reader = csv.reader(text, delimiter=delim)
        try:
            next(reader)
        except StopIteration:
            return
        prev = reader.line_num
        rows: list[list[str]] = []
        lines: list[int] = []
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                stage.reject(prev + 1, f"malformed CSV ({exc})")
                prev = reader.line_num
                continue
            start, prev = prev + 1, reader.line_num
            if len(row) == n:
                rows.append(row)
                lines.append(start)
                if len(rows) >= batch_size:
                    yield _table(names, [list(c) for c in zip(*rows, strict=True)], lines)
                    rows, lines = [], []
            elif not row or row == [""]:
                continue
            else:
                stage.reject(start, f"expected {n} fields, found {len(row)}", delim.join(row))
        if rows:
            yield _table(names, [list(c) for c in zip(*rows, strict=True)], lines)


def _arrow_batches(
    source: Source, names: Sequence[str], delim: str, batch_size: int
) -> Iterator[pa.Table]:
    line = 2
    with source.open() as f:
        reader = pacsv.open_csv(
            f,
            read_options=pacsv.ReadOptions(
                use_threads=False, block_size=1 << 20, column_names=list(names), skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        pending: list[pa.RecordBatch] = []
        held = 0
        for batch in itertools.chain(reader, [None]):
            if batch is not None:
                pending.append(batch)
                held += batch.num_rows
                if held < batch_size:
                    continue
            if not held:
                break
            table = pa.Table.from_batches(pending)
            pending, held = [], 0
            for start in range(0, table.num_rows, batch_size):
                part = table.slice(start, batch_size)
                if part.num_rows < batch_size and batch is not None:
                    pending, held = part.to_batches(), part.num_rows  # wait for more rows
                    break
                k = part.num_rows
                yield part.append_column("_line", pa.array(np.arange(line, line + k)))
                line += k
