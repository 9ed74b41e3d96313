"""``onevoice claims narratives``: cluster unmatched posts into emerging narratives.

A table (or JSON lines) on stdout, progress and the run summary on stderr.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from onevoice.cli.options import STORE_OPTION


@click.command()
@STORE_OPTION
@click.option(
    "--window",
    default="7d",
    show_default=True,
    help="Tumbling window (7d, 1d, 12h, …; aligned on the Unix epoch), or 'all'.",
)
@click.option(
    "--min-size",
    default=5,
    show_default=True,
    type=click.IntRange(2),
    help="Posts (copies and reposts counted) a cluster needs to be a narrative.",
)
@click.option(
    "--similarity",
    default=0.90,
    show_default=True,
    type=click.FloatRange(0.0, 1.0, min_open=True),
    help="Embedding cosine for an edge (multilingual-E5 cosines run high: ~0.8 is unrelated).",
)
@click.option(
    "--lexical-guard",
    default=0.30,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Character n-gram TF-IDF cosine a same-language edge also needs.",
)
@click.option(
    "--min-chars",
    default=30,
    show_default=True,
    type=click.IntRange(1),
    help="Shortest text considered (CJK characters count twice).",
)
@click.option("--seed", default=0, show_default=True, help="Seed for Leiden (and HNSW).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per narrative.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress on stderr (default: when stderr is a terminal).",
)
def narratives(
    store_dir: str,
    window: str,
    min_size: int,
    similarity: float,
    lexical_guard: float,
    min_chars: int,
    seed: int,
    as_json: bool,
    progress: bool | None,
) -> None:
    """Cluster posts that match no fact-check into emerging narratives.

    Posts matched by the newest claim-matching run (except rejected matches, plus confirmed
    ones) are left out; reposts count as copies of their original. Each distinct text is
    embedded once (multilingual-E5-small); texts joined by a high cosine that pass a
    lexical guard (no conflicting numbers; same-language pairs share enough character
    n-grams) are clustered with Leiden, per window. Each narrative is labelled by its
    medoid post and its distinctive terms, and linked to the coordinated networks of the
    newest detect run whose members pushed it. Results go to the narratives and
    narrative_posts tables.

    \b
    Examples:
      onevoice claims narratives --store data
      onevoice claims narratives --store data --window 1d --min-size 10
      onevoice claims narratives --store data --window all --json | jq .label
      onevoice query --store data "SELECT label, size, networks FROM narratives
        ORDER BY size DESC LIMIT 10"
    """
    import orjson

    from onevoice.claims.narratives import find_narratives
    from onevoice.store import Store

    show = sys.stderr.isatty() if progress is None else progress

    def on_progress(stage: str, done: int, total: int) -> None:
        if show:
            end = "\n" if done >= total else ""
            click.echo(f"\r{stage}: {done:,}/{total:,}", err=True, nl=False)
            if end:
                click.echo("", err=True)

    with Store(store_dir) as store:
        result = find_narratives(
            store,
            window=window,
            min_size=min_size,
            similarity=similarity,
            lexical_guard=lexical_guard,
            min_chars=min_chars,
            seed=seed,
            progress=on_progress,
        )
    click.echo(
        f"run {result.run_id}: {len(result.narratives):,} narrative"
        f"{'s' if len(result.narratives) != 1 else ''} in {result.windows:,} window"
        f"{'s' if result.windows != 1 else ''} from {result.candidates:,} unmatched posts "
        f"({result.distinct_texts:,} distinct texts)"
        + (
            f"; {result.dropped_by_cap:,} older posts over the cap" if result.dropped_by_cap else ""
        ),
        err=True,
    )
    if as_json:
        for n in result.narratives:
            obj: dict[str, Any] = {
                "run_id": result.run_id,
                **{k: v for k, v in vars(n).items() if k != "posts"},
                "post_ids": [p for p, _ in n.posts],
            }
            click.echo(orjson.dumps(obj, option=orjson.OPT_NAIVE_UTC).decode())
        return
    _table(result.narratives)


def _table(items: list[Any]) -> None:
    head = ("id", "window", "size", "accts", "langs", "growth", "networks", "label")
    rows = []
    for n in items:
        nets = ",".join(f"{x['network_id']}({x['posts']})" for x in n.networks or []) or (
            "-" if n.networks is not None else "?"
        )
        rows.append(
            (
                n.narrative_id,
                n.window_start.strftime("%Y-%m-%d"),
                str(n.size),
                str(n.accounts),
                ",".join(n.langs),
                "-" if n.growth is None else f"{n.growth:.2f}",
                nets,
                n.label[:80] + ("…" if len(n.label) > 80 else ""),
            )
        )
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)
    ]
    for r in [head, *rows]:
        click.echo(
            "  ".join(c.ljust(w) for c, w in zip(r[:-1], widths[:-1], strict=True)) + "  " + r[-1]
        )
