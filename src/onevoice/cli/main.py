"""The ``onevoice`` command: a thin layer over the library.

Data goes to stdout, logs and progress bars to stderr, ``-`` means stdin. Library errors
(:class:`onevoice.errors.OneVoiceError`) become ``Error: …`` plus a ``Hint: …`` and exit
code 1 (2 for a wrong call). Heavy imports happen inside the commands, so ``--help`` is fast.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from onevoice import __version__
from onevoice.cli.options import STORE_OPTION
from onevoice.errors import OneVoiceError


class OneVoiceGroup(click.Group):
    """Turns library errors into ``Error: …`` + hint and the right exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OneVoiceError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"Hint: {exc.hint}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Error: interrupted; the import under way was rolled back", err=True)
            ctx.exit(130)


@click.group(cls=OneVoiceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="onevoice")
def cli() -> None:
    """OneVoice: expose disinformation networks and speak with one voice.

    \b
    Examples:
      onevoice ingest --store data exports/*.jsonl result.json
      onevoice info --store data
      onevoice query --store data "SELECT platform, count(*) FROM posts GROUP BY 1"
    """


@cli.command()
@STORE_OPTION
@click.option(
    "--format",
    "fmt",
    metavar="NAME",
    help="Export format (default: detected). See 'onevoice formats'.",
)
@click.option("--strict", is_flag=True, help="Exit with code 1 if any record was rejected.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: for large files on a terminal).",
)
@click.option(
    "--batch-size",
    default=20_000,
    show_default=True,
    type=click.IntRange(1),
    help="Records per staging write (memory vs. speed; results do not change).",
)
@click.option("--json", "as_json", is_flag=True, help="Write one JSON line per file to stdout.")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
def ingest(
    store_dir: str,
    fmt: str | None,
    strict: bool,
    progress: bool | None,
    batch_size: int,
    as_json: bool,
    files: tuple[str, ...],
) -> None:
    """Read platform exports into the store.

    Each file is one transaction: an import that fails or is killed half-way leaves the
    store as it was. Records already in the store are skipped, so re-ingesting a file adds
    nothing. Malformed records are reported with file and line, kept in the `rejects`
    table, and the rest of the file is still ingested.

    \b
    Examples:
      onevoice ingest --store data search.jsonl
      onevoice ingest --store data --format telegram result.json
      twarc2 search "#G20" | onevoice ingest --store data --format twarc2 -
      onevoice ingest --store data --strict posts.csv || echo "some rows were rejected"
    """
    from onevoice.cli.ingest_cmd import run_ingest

    run_ingest(store_dir, list(files), fmt, strict, progress, batch_size, as_json)


@cli.command()
@STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of CSV.")
@click.argument("sql")
def query(store_dir: str, as_json: bool, sql: str) -> None:
    """Run read-only SQL over the store and write CSV (or JSON lines) to stdout.

    Tables: posts, accounts, imports, rejects. SQL is DuckDB's dialect; `-` reads the
    SQL from stdin. Lists are written as JSON arrays in CSV cells.

    \b
    Examples:
      onevoice query --store data "SELECT platform, count(*) AS posts FROM posts GROUP BY 1"
      onevoice query --store data --json "SELECT * FROM rejects" | jq .reason
      onevoice query --store data "SELECT unnest(urls) AS url, count(*) FROM posts
        GROUP BY 1 ORDER BY 2 DESC LIMIT 20"
      echo "SELECT count(*) FROM accounts" | onevoice query --store data -
    """
    from onevoice.cli.query_cmd import run_query

    run_query(store_dir, sys.stdin.read() if sql == "-" else sql, as_json)


@cli.command()
@STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
def info(store_dir: str, as_json: bool) -> None:
    """Summarise the store: posts per platform, time span, accounts, imports, rejects.

    \b
    Examples:
      onevoice info --store data
      onevoice info --store data --json | jq .posts
    """
    from onevoice.cli.query_cmd import run_info

    run_info(store_dir, as_json)


@cli.command()
@STORE_OPTION
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Coordination kind (repeatable; default: co-link and co-repost). See 'onevoice kinds'.",
)
@click.option(
    "--window",
    default="60",
    show_default=True,
    help="Co-sharing window Δ in seconds, or 'auto' for CooRnet's estimate.",
)
@click.option(
    "--min-weight",
    multiple=True,
    default=("2",),
    show_default=True,
    help="Keep pairs with at least this many distinct co-shared items, or a "
    "quantile of the weights such as q0.95; KIND=N sets it for one kind (repeatable).",
)
@click.option("--seed", default=0, show_default=True, help="Seed for Leiden and MinHash.")
@click.option(
    "--text-threshold",
    default=0.7,
    show_default=True,
    type=click.FloatRange(0.05, 1.0),
    help="Jaccard similarity for co-text.",
)
@click.option(
    "--resolution",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.0),
    help="Leiden resolution (higher: smaller networks).",
)
@click.option("--platform", "platforms", multiple=True, help="Only these platforms.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write edges.csv, networks.csv, graph.gexf and graph.graphml here.",
)
def detect(
    store_dir: str,
    kinds: tuple[str, ...],
    window: str,
    min_weight: tuple[str, ...],
    seed: int,
    text_threshold: float,
    resolution: float,
    platforms: tuple[str, ...],
    out_dir: str | None,
) -> None:
    """Find accounts that share the same things within seconds of each other.

    Pairs of accounts that co-shared at least --min-weight distinct items within --window
    seconds become edges; Leiden communities of the edges are networks, each with its hubs.
    Results go into the store (detect_runs, coord_edges, networks, network_members) and,
    with --out, into files for people and for Gephi.

    \b
    Examples:
      onevoice detect --store data --kind co-link --kind co-repost --out report/
      onevoice detect --store data --kind co-text --text-threshold 0.8 --window 300
      onevoice detect --store data --kind co-hashtag --window auto --min-weight q0.99
      onevoice detect --store data --kind co-link --kind co-hashtag --min-weight co-hashtag=3
      onevoice query --store data "SELECT * FROM networks ORDER BY size DESC LIMIT 5"
    """
    from onevoice.cli.detect_cmd import run_detect

    run_detect(
        store_dir, kinds, window, min_weight, seed, text_threshold, resolution, platforms, out_dir
    )


@cli.command()
def kinds() -> None:
    """List the coordination kinds detect computes.

    \b
    Examples:
      onevoice kinds
    """
    from onevoice.detect.kinds import KINDS, get_kind

    for name in KINDS:
        click.echo(f"{name}\t{get_kind(name).DESCRIPTION}")


@cli.command()
def formats() -> None:
    """List the export formats ingest reads, in the order they are detected.

    \b
    Examples:
      onevoice formats
    """
    from onevoice.ingest.formats import FORMATS, get_format

    for name in FORMATS:
        click.echo(f"{name}\t{get_format(name).DESCRIPTION}")


@cli.command("demo-data")
@click.argument("out_dir", type=click.Path(file_okay=False), default="demo/data")
@click.option("--seed", default=20, show_default=True, help="Random seed.")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.01),
    help="Multiplies the simulated population.",
)
def demo_data(out_dir: str, seed: int, scale: float) -> None:
    """Write the seeded multi-platform demo data set (one file per export format).

    The data is synthetic: organic accounts with daily rhythms and viral items, plus planted
    coordinated networks (link sharing, reposting, copy-paste, hashtag pushing) listed in
    ground_truth.json. The same seed gives the same bytes.

    \b
    Examples:
      onevoice demo-data demo/data
      onevoice demo-data /tmp/big --scale 10 --seed 7
    """
    from pathlib import Path

    from onevoice.demo import generate

    for path in generate(Path(out_dir), seed=seed, scale=scale):
        click.echo(str(path))


def _register_commands() -> None:
    """Commands that live in their own modules (each imports its heavy parts lazily)."""
    from onevoice.cli.alerts_cmd import alerts
    from onevoice.cli.claims_cmd import claims
    from onevoice.cli.disarm_cmd import disarm
    from onevoice.cli.exchange_cmd import export, import_
    from onevoice.cli.factchecks_cmd import factchecks
    from onevoice.cli.hub_cmd import hub
    from onevoice.cli.partners_cmd import partners
    from onevoice.cli.serve_cmd import serve
    from onevoice.cli.users_cmd import users
    from onevoice.cli.worker_cmd import worker

    cli.add_command(factchecks)
    cli.add_command(claims)
    cli.add_command(alerts)
    cli.add_command(serve)
    cli.add_command(users)
    cli.add_command(partners)
    cli.add_command(disarm)
    cli.add_command(worker)
    cli.add_command(export)
    cli.add_command(import_)
    cli.add_command(hub)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="onevoice")


if __name__ == "__main__":
    main()
