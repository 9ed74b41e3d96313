"""``onevoice factchecks``: import, list and export the fact-check library.

Data goes to stdout, the per-file summaries and rejects to stderr, as ``onevoice ingest``
does. A file that cannot be used at all is reported as ``Error: …`` (and ``Hint: …``) and
the other files are still imported; the command then exits with code 1.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from onevoice.cli.options import STORE_OPTION

SHOWN_REJECTS = 10
RATING_CHOICES = ("false", "misleading", "mixed", "true", "unrated")


@click.group()
def factchecks() -> None:
    """Import, list and export fact-checks (schema.org ClaimReview).

    \b
    Examples:
      onevoice factchecks import --store data reviews.jsonld page.html sheet.csv
      onevoice factchecks list --store data --rating false --lang es
      onevoice factchecks export --store data -o library.jsonld
    """


@factchecks.command("import")
@STORE_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonld", "html", "csv"]),
    default="auto",
    show_default=True,
    help="Input format; auto looks at the content.",
)
@click.option("--json", "as_json", is_flag=True, help="Write one JSON line per file to stdout.")
@click.option("--strict", is_flag=True, help="Exit with code 1 if any record was rejected.")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
def import_(store_dir: str, fmt: str, as_json: bool, strict: bool, files: tuple[str, ...]) -> None:
    """Read fact-checks into the library.

    Reads schema.org ClaimReview as JSON-LD (an object, a list, an @graph, a DataFeed, or
    JSON Lines of them), HTML pages with <script type="application/ld+json"> blocks, and
    CSV with the columns claim, rating and optionally url, title, publisher,
    publisher_url, lang, date_published, claim_date, claimant, appearances
    (space-separated URLs). Ratings are normalised to false, misleading, mixed, true or
    unrated; the published wording is kept. Each file is one transaction; a re-import adds
    nothing; bad records are reported with file:line and kept in the rejects table.

    \b
    Examples:
      onevoice factchecks import --store data feed.jsonld
      onevoice factchecks import --store data --format html saved-page.html
      onevoice factchecks import --store data --strict debunks.csv
      curl -s https://example.org/feed.json | onevoice factchecks import --store data -
    """
    from onevoice.claims.library import import_factchecks
    from onevoice.errors import InputError, RejectedRecords
    from onevoice.store import Store

    total_rejected = 0
    failed = 0
    with Store(store_dir) as store:
        for name in files:
            try:
                result = import_factchecks(store, name, None if fmt == "auto" else fmt)
            except InputError as exc:
                failed += 1
                click.echo(f"Error: {exc.message}", err=True)
                if exc.hint:
                    click.echo(f"Hint: {exc.hint}", err=True)
                continue
            total_rejected += result.rejected
            _report(result, store_dir)
            if as_json:
                record = asdict(result)
                record.pop("rejects")
                record.pop("accounts_added")
                record["factchecks_added"] = record["posts_added"]
                record["factchecks_known"] = record["posts_known"]
                click.echo(_json(record))
    if failed:
        click.get_current_context().exit(1)
    if strict and total_rejected:
        raise RejectedRecords(
            f"{total_rejected} record{'s' if total_rejected != 1 else ''} rejected (--strict)",
            hint=f"see them with: onevoice query --store {store_dir} "
            "\"SELECT source_file, line, reason FROM rejects WHERE severity = 'error'\"",
        )


def _json(record: dict[str, Any]) -> str:
    import orjson

    return orjson.dumps(record, default=str).decode()


def _report(r: Any, store_dir: str) -> None:
    def n(k: int, word: str) -> str:
        return f"{k:,} {word}{'' if k == 1 else 's'}"

    click.echo(
        f"{r.source_file}: {r.format}, {n(r.records_read, 'record')} read, "
        f"{n(r.posts_added, 'fact-check')} added, {r.posts_known:,} already in the store, "
        f"{r.rejected:,} rejected, {n(r.warnings, 'warning')}",
        err=True,
    )
    for line, severity, reason in r.rejects[:SHOWN_REJECTS]:
        where = f"{r.source_file}:{line}" if line is not None else r.source_file
        label = "warning" if severity == "warning" else "rejected"
        click.echo(f"  {where}: {label}: {reason}", err=True)
    more = r.rejected + r.warnings - min(len(r.rejects), SHOWN_REJECTS)
    if more > 0:
        click.echo(
            f"  … and {more:,} more: onevoice query --store {store_dir} "
            f"\"SELECT line, severity, reason FROM rejects WHERE import_id = '{r.import_id}'\"",
            err=True,
        )


@factchecks.command("list")
@STORE_OPTION
@click.option("--rating", type=click.Choice(RATING_CHOICES), help="Only this rating.")
@click.option("--lang", metavar="CODE", help="Only this language (ISO 639-1).")
@click.option("--limit", type=click.IntRange(1), help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines with every field.")
def list_(
    store_dir: str, rating: str | None, lang: str | None, limit: int | None, as_json: bool
) -> None:
    """List fact-checks, newest first, as tab-separated lines or JSON lines.

    Columns: id, rating, language, date, publisher, claim, url.

    \b
    Examples:
      onevoice factchecks list --store data
      onevoice factchecks list --store data --rating false --lang pt --limit 20
      onevoice factchecks list --store data --json | jq -r .claim
    """
    from onevoice.claims.library import list_factchecks
    from onevoice.store import Store

    with Store(store_dir, read_only=True) as store:
        found = list_factchecks(store, rating=rating, lang=lang, limit=limit)
    for fc in found:
        if as_json:
            click.echo(_json(asdict(fc)))
            continue
        date = fc.date_published.date().isoformat() if fc.date_published else ""
        cells = [fc.factcheck_id, fc.rating, fc.lang or "", date, fc.publisher or "", fc.claim]
        cells.append(fc.url or "")
        click.echo("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))


@factchecks.command("export")
@STORE_OPTION
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the JSON-LD DataFeed here; - is stdout.",
)
def export(store_dir: str, output: str) -> None:
    """Write the library as a schema.org DataFeed of ClaimReviews (JSON-LD).

    The published rating wording is kept in reviewRating.alternateName. The output is
    deterministic: the same library gives the same bytes.

    \b
    Examples:
      onevoice factchecks export --store data > library.jsonld
      onevoice factchecks export --store data -o library.jsonld
    """
    from onevoice.claims.export import export_feed
    from onevoice.store import Store

    with Store(store_dir, read_only=True) as store:
        if output == "-":
            count = export_feed(store, sys.stdout)
            sys.stdout.flush()
        else:
            with open(output, "wb") as fh:
                count = export_feed(store, fh)
    shown = "stdout" if output == "-" else output
    click.echo(f"{count:,} fact-check{'s' if count != 1 else ''} written to {shown}", err=True)
