"""Read fact-checks from a CSV (or tab-separated) file with named columns.

For teams that keep their debunks in a spreadsheet rather than in ClaimReview markup.
Columns are found by *name* in the header (case and surrounding spaces ignored), never by
position, and their order does not matter:

================  ==========================================================================
column            meaning
================  ==========================================================================
``claim``         the claim as checked (required; a row without it is rejected)
``rating``        the verdict in the fact-checker's words (required column; a row without
                  it is rejected unless ``rating_value`` gives a number)
``url``           the fact-check article
``title``         its headline
``publisher``     who published the fact-check; ``publisher_url`` its site
``lang``          ISO 639-1 code (``pt-BR`` is read as ``pt``); detected from the claim when
                  empty
``date_published`` of the fact-check; ``claim_date`` when the claim was first seen
``claimant``      who made the claim
``appearances``   URLs where the claim was seen, separated by white space
``rating_value``  optional numeric verdict, with ``best_rating`` and ``worst_rating``
================  ==========================================================================

Other columns are kept in ``raw`` only. Lines are physical lines of the file (a quoted
field may span several), so a reject points at the line an editor shows. A row with the
wrong number of fields, an empty claim or no rating is rejected; a bad date, URL or number
is dropped with a warning and the row kept.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from collections.abc import Iterator
from datetime import datetime

import orjson

from onevoice.claims.claimreview import DROPPED, EXCERPT_CHARS, LANGUAGE_NAMES, Reject, Review
from onevoice.claims.ratings import normalise_rating
from onevoice.errors import MissingColumns, UnreadableInput
from onevoice.ingest.normalise import canonical_url, normalise_lang, parse_timestamp

__all__ = ["COLUMNS", "REQUIRED", "parse_csv"]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

REQUIRED = ("claim", "rating")
COLUMNS = (
    "claim",
    "rating",
    "url",
    "title",
    "publisher",
    "publisher_url",
    "lang",
    "date_published",
    "claim_date",
    "claimant",
    "appearances",
    "rating_value",
    "best_rating",
    "worst_rating",
)


def _header(text: str, name: str) -> tuple[list[str], str]:
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        raise UnreadableInput(f"cannot read {name}: the first line is empty, expected a CSV header")
    delim = "\t" if first.count("\t") > first.count(",") else ","
    names = [c.strip().lower() for c in next(csv.reader([first], delimiter=delim))]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise MissingColumns(
            f"{name}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} for the factcheck-csv format; found: {', '.join(names)}",
            hint="a fact-check CSV needs the columns claim and rating; optional: "
            + ", ".join(COLUMNS[2:]),
        )
    seen: set[str] = set()
    for c in names:
        if c in seen and c:
            raise MissingColumns(f"{name}: the header repeats column {c}")
        seen.add(c)
    return names, delim


def _cell(row: dict[str, str], column: str) -> str | None:
    value = row.get(column, "").strip()
    return value or None


def _timestamp(row: dict[str, str], column: str, warnings: list[str]) -> datetime | None:
    value = _cell(row, column)
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        warnings.append(f"{exc} in column {column}; {DROPPED}")
        return None


def _float(row: dict[str, str], column: str, warnings: list[str]) -> float | None:
    value = _cell(row, column)
    if value is None:
        return None
    try:
        out = float(value)
    except ValueError:
        out = math.nan
    if not math.isfinite(out):
        warnings.append(f"bad number {value[:40]!r} in column {column}; {DROPPED}")
        return None
    return out


def _url(row: dict[str, str], column: str, warnings: list[str]) -> str | None:
    value = _cell(row, column)
    if value is None:
        return None
    url = canonical_url(value)
    if url is None:
        warnings.append(f"{value[:80]!r} in column {column} is not a URL; {DROPPED}")
    return url


def _row_review(row: dict[str, str], line: int, raw: str) -> Review | Reject:
    claim = _cell(row, "claim")
    if claim is None:
        return Reject(line, "empty claim", raw[:EXCERPT_CHARS])
    warnings: list[str] = []
    original = _cell(row, "rating")
    value = _float(row, "rating_value", warnings)
    if original is None and value is None:
        return Reject(line, "empty rating", raw[:EXCERPT_CHARS])
    best = _float(row, "best_rating", warnings)
    worst = _float(row, "worst_rating", warnings)
    lang_text = _cell(row, "lang")
    lang = None
    if lang_text:
        lang = LANGUAGE_NAMES.get(lang_text.casefold()) or normalise_lang(lang_text)
    appearances: list[str] = []
    for token in (_cell(row, "appearances") or "").split():
        url = canonical_url(token)
        if url is None:
            warnings.append(f"{token[:80]!r} in column appearances is not a URL; {DROPPED}")
        elif url not in appearances:
            appearances.append(url)
    return Review(
        line=line,
        claim=claim,
        rating=normalise_rating(original, value, best, worst),
        url=_url(row, "url", warnings),
        title=_cell(row, "title"),
        rating_original=original,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        publisher=_cell(row, "publisher"),
        publisher_url=_url(row, "publisher_url", warnings),
        lang=lang,
        date_published=_timestamp(row, "date_published", warnings),
        claim_date=_timestamp(row, "claim_date", warnings),
        claimant=_cell(row, "claimant"),
        appearances=appearances,
        raw=orjson.dumps(row).decode(),
        warnings=warnings,
    )


def parse_csv(data: bytes, name: str) -> Iterator[Review | Reject]:
    """Fact-checks of a CSV file, one per row, with the physical line where each starts.

    Raises:
        UnreadableInput: the first line is empty.
        MissingColumns: the header lacks ``claim`` or ``rating``, or repeats a column.
    """
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    names, delim = _header(text, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    next(reader)
    last = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Reject(last + 1, f"bad CSV ({exc})")
            last = reader.line_num
            continue
        start, last = last + 1, reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        raw = delim.join(fields)
        if len(fields) != len(names):
            yield Reject(
                start, f"expected {len(names)} fields, found {len(fields)}", raw[:EXCERPT_CHARS]
            )
            continue
        row = dict(zip(names, fields, strict=True))
        yield _row_review(row, start, raw)
