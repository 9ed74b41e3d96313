"""The fact-check library: import ClaimReview / CSV files into the store, list, load.

An import works like :func:`onevoice.ingest.ingest_file`: the file (or ``-``, standard
input) is read whole and parsed first, so a file that cannot be used at all raises an
:class:`~onevoice.errors.InputError` before anything is written; then the new fact-checks,
the rejected records and warnings (``rejects``) and one ``imports`` row are written in
**one transaction**. Each fact-check's id is a content hash (:func:`factcheck_id`), so a
re-import adds nothing and the same review from two files is one row.

Format names in ``imports.format``: ``claimreview-jsonld`` (JSON-LD or JSON Lines),
``claimreview-html`` (pages with JSON-LD scripts), ``factcheck-csv``. In ``imports``,
``posts_added`` counts fact-checks added and ``posts_known`` those already there (or
repeated within the file).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from onevoice import __version__
from onevoice.claims.claimreview import Reject, Review, parse_html, parse_jsonld
from onevoice.claims.factcheck_csv import parse_csv
from onevoice.claims.ratings import RATINGS
from onevoice.errors import StoreError, UnknownFormat, UnreadableInput, UsageError
from onevoice.ingest.pipeline import ImportResult
from onevoice.ingest.source import open_source
from onevoice.store import Store

__all__ = [
    "FORMATS",
    "FactCheck",
    "factcheck_id",
    "import_factchecks",
    "list_factchecks",
    "load_library",
    "sniff_format",
]

#: Short names (the CLI's ``--format``) and the names stored in ``imports.format``.
FORMATS = {"jsonld": "claimreview-jsonld", "html": "claimreview-html", "csv": "factcheck-csv"}
_PARSERS = {"jsonld": parse_jsonld, "html": parse_html, "csv": parse_csv}

#: The ``factchecks`` columns a :class:`FactCheck` holds, in its field order.
COLUMNS = (
    "factcheck_id",
    "claim",
    "title",
    "rating",
    "lang",
    "url",
    "appearances",
    "publisher",
    "date_published",
    "rating_original",
    "rating_value",
    "best_rating",
    "worst_rating",
    "publisher_url",
    "claim_date",
    "claimant",
)


@dataclass(frozen=True)
class FactCheck:
    """One fact-check of the library, as the matcher and the exporters use it.

    ``rating`` is one of false | misleading | mixed | true | unrated
    (:mod:`onevoice.claims.ratings`); ``appearances`` are canonical URLs where the claim
    was seen, first appearance first.
    """

    factcheck_id: str
    claim: str
    title: str | None
    rating: str
    lang: str | None
    url: str | None
    appearances: tuple[str, ...]
    publisher: str | None
    date_published: datetime | None
    rating_original: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher_url: str | None = None
    claim_date: datetime | None = None
    claimant: str | None = None


def factcheck_id(
    url: str | None, publisher: str | None, claim: str, date_published: datetime | None
) -> str:
    """``'fc:'`` + 16 hex digits of SHA-256 over the review's canonical URL, or, for a review
    without URL, over publisher, claim and publication time (ISO 8601, UTC) joined by U+001F.

    >>> factcheck_id("https://example.org/fc/1", None, "anything", None)
    'fc:c847a974a5c1c268'
    """
    if url:
        key = url
    else:
        when = date_published.astimezone(UTC).isoformat() if date_published else ""
        key = "\x1f".join((publisher or "", claim, when))
    return "fc:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def sniff_format(head: bytes, name: str) -> str:
    """The short format name (``jsonld``, ``html``, ``csv``) of a file from its start.

    Raises:
        UnknownFormat: the start looks like none of them.
    """
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if text.startswith("<"):
        return "html"
    if text.startswith(("{", "[")):
        return "jsonld"
    first = text.split("\n", 1)[0].lower()
    names = {c.strip().strip('"') for c in first.replace("\t", ",").split(",")}
    if "claim" in names or "rating" in names:
        return "csv"
    raise UnknownFormat(
        f"{name}: not ClaimReview JSON-LD, an HTML page with JSON-LD, or a fact-check CSV",
        hint="name the format with --format jsonld|html|csv, "
        "or see: onevoice factchecks import --help",
    )


def _short_format(fmt: str | None) -> str | None:
    if fmt is None or fmt == "auto":
        return None
    for short, long in FORMATS.items():
        if fmt in (short, long):
            return short
    raise UsageError(
        f"unknown fact-check format {fmt!r}",
        hint="use one of: auto, " + ", ".join(FORMATS),
    )


def _detect_missing_languages(reviews: list[Review]) -> None:
    todo = [r for r in reviews if r.lang is None]
    if not todo:
        return
    from onevoice.ingest.lang import detect_languages

    for review, lang in zip(todo, detect_languages([r.claim for r in todo]), strict=True):
        review.lang = lang


def _import_id(store: Store, sha256: str) -> str:
    seq = store.scalar("SELECT count(*) FROM imports") + 1
    return f"{seq:06d}-{sha256[:12]}"


def import_factchecks(
    store: Store, path: str, fmt: str | None = None, *, max_reported: int = 1000
) -> ImportResult:
    """Import one file of fact-checks (or ``-`` for stdin) as one transaction.

    Args:
        store: an open, writable store.
        path: a ClaimReview JSON-LD / JSON Lines file, an HTML page, or a fact-check CSV;
            ``-`` reads standard input; gzip is read transparently.
        fmt: ``jsonld``, ``html``, ``csv`` (or the long names of :data:`FORMATS`); ``None``
            or ``auto`` sniffs the content.
        max_reported: how many rejects the result lists (all are stored).

    Returns:
        counts as for posts: ``posts_added`` = fact-checks added, ``posts_known`` = already
        in the store; ``rejects`` lists (line, severity, reason).

    Raises:
        UnreadableInput, UnknownFormat, MissingColumns: the file cannot be used at all
            (missing, empty, not JSON, no ClaimReview in it, CSV without claim/rating);
            nothing is written.
        UsageError: ``fmt`` is not a format name.
    """
    if store.read_only:
        raise StoreError("the store is open read-only")
    short = _short_format(fmt)
    source = open_source(path, spool_dir=store.path / "tmp")
    try:
        with source.open() as f:
            data = f.read()
        short = short or sniff_format(data[: 1 << 16], source.name)
        items = list(_PARSERS[short](data, source.name))
    finally:
        if path == "-":
            source.path.unlink(missing_ok=True)
    if not items:
        what = "fact-check rows" if short == "csv" else "schema.org ClaimReview"
        raise (UnreadableInput if short == "csv" else UnknownFormat)(
            f"{source.name}: no {what} found",
            hint='a ClaimReview object has "@type": "ClaimReview"; '
            "see: onevoice factchecks import --help",
        )
    reviews = [i for i in items if isinstance(i, Review)]
    _detect_missing_languages(reviews)
    shown = source.name if source.name == "<stdin>" else str(Path(source.name))
    issues: list[tuple[int | None, str, str, str | None]] = [
        (i.line, "error", i.reason, i.excerpt) for i in items if isinstance(i, Reject)
    ]
    for r in reviews:
        issues.extend((r.line, "warning", w, None) for w in r.warnings)
    return _write(
        store,
        source.sha256,
        source.size,
        shown,
        FORMATS[short],
        items,
        reviews,
        issues,
        max_reported,
    )


def _write(
    store: Store,
    sha256: str,
    size: int,
    shown: str,
    format_name: str,
    items: list[Review | Reject],
    reviews: list[Review],
    issues: list[tuple[int | None, str, str, str | None]],
    max_reported: int,
) -> ImportResult:
    import pyarrow as pa

    con = store.con
    started = datetime.now(UTC)
    import_id = _import_id(store, sha256)
    unique: dict[str, Review] = {}
    for r in reviews:
        unique.setdefault(factcheck_id(r.url, r.publisher, r.claim, r.date_published), r)
    ts = pa.timestamp("us", tz="UTC")
    rows = list(unique.values())
    table = pa.table(
        {
            "factcheck_id": pa.array(list(unique), pa.string()),
            "url": pa.array([r.url for r in rows], pa.string()),
            "claim": pa.array([r.claim for r in rows], pa.string()),
            "title": pa.array([r.title for r in rows], pa.string()),
            "rating": pa.array([r.rating for r in rows], pa.string()),
            "rating_original": pa.array([r.rating_original for r in rows], pa.string()),
            "rating_value": pa.array([r.rating_value for r in rows], pa.float64()),
            "best_rating": pa.array([r.best_rating for r in rows], pa.float64()),
            "worst_rating": pa.array([r.worst_rating for r in rows], pa.float64()),
            "publisher": pa.array([r.publisher for r in rows], pa.string()),
            "publisher_url": pa.array([r.publisher_url for r in rows], pa.string()),
            "lang": pa.array([r.lang for r in rows], pa.string()),
            "date_published": pa.array([r.date_published for r in rows], ts),
            "claim_date": pa.array([r.claim_date for r in rows], ts),
            "claimant": pa.array([r.claimant for r in rows], pa.string()),
            "appearances": pa.array([r.appearances for r in rows], pa.list_(pa.string())),
            "source_line": pa.array([r.line for r in rows], pa.int64()),
            "raw": pa.array([r.raw for r in rows], pa.string()),
        }
    )
    view = f"ov_fc_new_{import_id.replace('-', '_')}"
    errors = sum(1 for i in issues if i[1] == "error")
    con.execute("BEGIN TRANSACTION")
    try:
        con.register(view, table)
        inserted = con.execute(
            f"""
            INSERT INTO factchecks
            SELECT factcheck_id, url, claim, title, rating, rating_original, rating_value,
                   best_rating, worst_rating, publisher, publisher_url, lang, date_published,
                   claim_date, claimant, appearances, ?, source_line, ?, raw::JSON
            FROM {view}
            WHERE factcheck_id NOT IN (SELECT factcheck_id FROM factchecks)
            ORDER BY source_line, factcheck_id
            """,
            [shown, import_id],
        ).fetchall()
        added = int(inserted[0][0]) if inserted else 0
        con.unregister(view)
        ordered = sorted(issues, key=lambda i: (i[1], i[0] if i[0] is not None else -1, i[2]))
        if ordered:
            con.executemany(
                "INSERT INTO rejects VALUES (?, ?, ?, ?, ?, ?)",
                [[import_id, shown, *issue] for issue in ordered],
            )
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, 0, ?, ?)",
            [
                import_id,
                shown,
                sha256,
                size,
                format_name,
                f"onevoice {__version__}",
                started,
                len(items),
                added,
                len(reviews) - added,
                errors,
                len(issues) - errors,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    reported = sorted(issues, key=lambda i: (i[0] if i[0] is not None else -1, i[1], i[2]))
    return ImportResult(
        import_id=import_id,
        source_file=shown,
        format=format_name,
        records_read=len(items),
        posts_added=added,
        posts_known=len(reviews) - added,
        accounts_added=0,
        rejected=errors,
        warnings=len(issues) - errors,
        rejects=[(line, sev, reason) for line, sev, reason, _ in reported[:max_reported]],
    )


def _factchecks(rows: Iterable[tuple[Any, ...]]) -> list[FactCheck]:
    out = []
    for row in rows:
        values = dict(zip(COLUMNS, row, strict=True))
        values["appearances"] = tuple(values["appearances"] or ())
        out.append(FactCheck(**values))
    return out


def list_factchecks(
    store: Store,
    *,
    rating: str | None = None,
    lang: str | None = None,
    limit: int | None = None,
) -> list[FactCheck]:
    """Fact-checks, newest first (undated last, then by id), optionally filtered.

    Args:
        rating: only this normalised rating (false | misleading | mixed | true | unrated).
        lang: only this ISO 639-1 language.
        limit: at most this many.

    Raises:
        UsageError: ``rating`` is not one of the five.
    """
    if rating is not None and rating not in RATINGS:
        raise UsageError(f"unknown rating {rating!r}", hint="use one of: " + ", ".join(RATINGS))
    where, params = [], []
    if rating is not None:
        where.append("rating = ?")
        params.append(rating)
    if lang is not None:
        where.append("lang = ?")
        params.append(lang.lower())
    sql = f"SELECT {', '.join(COLUMNS)} FROM factchecks"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY date_published DESC NULLS LAST, factcheck_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return _factchecks(store.execute(sql, params).fetchall())


def load_library(store: Store) -> list[FactCheck]:
    """Every fact-check of the store, ordered by ``factcheck_id`` (stable across runs)."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM factchecks ORDER BY factcheck_id"
    return _factchecks(store.execute(sql).fetchall())
