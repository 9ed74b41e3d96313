"""``onevoice claims``: match posts against fact-checks, review matches, evaluate matching."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from onevoice.cli.narratives_cmd import narratives
from onevoice.cli.options import STORE_OPTION


@click.group()
def claims() -> None:
    """Match posts against fact-checks; evaluate matching; find emerging narratives.

    \b
    Examples:
      onevoice factchecks import --store data claimreviews.json
      onevoice claims match --store data --out matches.csv
      onevoice claims review --store data --post twitter:1 --factcheck fc:ab12 --confirm --by ana
      onevoice claims narratives --store data
    """


claims.add_command(narratives)


def _bar(enabled: bool) -> Any:
    if not enabled:
        return None
    state: dict[str, Any] = {}

    def update(done: int, total: int, phase: str) -> None:
        if state.get("phase") != phase:
            if state.get("bar") is not None:
                state["bar"].__exit__(None, None, None)
            state["phase"] = phase
            state["done"] = 0
            state["bar"] = click.progressbar(length=total, label=phase, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state["done"])
        state["done"] = done
        if done >= total:
            state["bar"].__exit__(None, None, None)
            state["bar"] = None

    return update


@claims.command("match")
@STORE_OPTION
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--min-score",
    default=None,
    type=click.FloatRange(0.0, 1.0),
    help="Suggest only pairs scoring at least this (0..1; default 0.5).",
)
@click.option(
    "--no-dense", is_flag=True, help="Lexical and URL matching only (fast, one language)."
)
@click.option("--batch-size", default=256, show_default=True, type=click.IntRange(1))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Where to write the suggestions as CSV ('-' for stdout; default STORE/matches.csv).",
)
@click.option("--progress/--no-progress", default=None, help="Progress bars on stderr.")
def match(
    store_dir: str,
    top: int,
    min_score: float | None,
    no_dense: bool,
    batch_size: int,
    out: str | None,
    progress: bool | None,
) -> None:
    """Suggest, for every post, the fact-checks it repeats (URL, BM25, n-grams, E5).

    Each suggestion is a row of the `matches` table with its score (0..1), the method that
    carried it and why (shared link, terms, numbers). Suggestions stay suggestions until an
    analyst confirms them (`onevoice claims review`).

    \b
    Examples:
      onevoice claims match --store data                # also writes data/matches.csv
      onevoice claims match --store data --top 3 --min-score 0.6 --out matches.csv
      onevoice claims match --store data --no-dense --out - | head
    """
    from onevoice.claims.match import MIN_SCORE
    from onevoice.claims.run import match_store, write_matches_csv
    from onevoice.store import Store

    show = sys.stderr.isatty() if progress is None else progress
    with Store(store_dir) as store:
        result = match_store(
            store,
            top=top,
            min_score=MIN_SCORE if min_score is None else min_score,
            dense=not no_dense,
            batch_size=batch_size,
            progress=_bar(show),
        )
        click.echo(
            f"run {result.run_id}: {result.posts:,} posts, {result.distinct_texts:,} distinct "
            f"texts; {result.matched_posts:,} posts match a fact-check "
            f"({result.suggestions:,} suggestions) in {result.timings['total']:.1f} s",
            err=True,
        )
        out = out or str(Path(store_dir) / "matches.csv")
        if out == "-":
            write_matches_csv(store, result.run_id, sys.stdout)
        else:
            with open(out, "w", encoding="utf-8", newline="") as f:
                n = write_matches_csv(store, result.run_id, f)
            click.echo(f"{n:,} suggestions written to {out}", err=True)


@claims.command("review")
@STORE_OPTION
@click.option("--post", "post_id", required=True, help="The post's id.")
@click.option("--factcheck", "factcheck_id", required=True, help="The fact-check's id.")
@click.option("--confirm/--reject", "confirm", required=True, help="The verdict.")
@click.option("--by", "reviewer", required=True, help="Who reviews (kept in the audit trail).")
@click.option("--note", default=None, help="Why.")
def review(
    store_dir: str, post_id: str, factcheck_id: str, confirm: bool, reviewer: str, note: str | None
) -> None:
    """Confirm or reject a suggested match; only confirmed matches are published.

    Every verdict is kept (who, when, why); the newest counts.

    \b
    Examples:
      onevoice claims review --store data --post twitter:17 --factcheck fc:1a2b --confirm --by ana
      onevoice claims review --store data --post twitter:18 --factcheck fc:1a2b --reject \\
          --by ana --note "same topic, other claim"
    """
    from onevoice.claims.reviews import review_match
    from onevoice.store import Store

    with Store(store_dir) as store:
        status = review_match(store, post_id, factcheck_id, confirm, reviewer, note)
    click.echo(f"{post_id} ↔ {factcheck_id}: {status} by {reviewer}", err=True)


@claims.command("eval")
@click.option("--claims", "claims_file", required=True, type=click.Path(dir_okay=False))
@click.option("--queries", required=True, type=click.Path(dir_okay=False))
@click.option("--qrels", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["checkthat2020", "checkthat2022"]),
    default=None,
    help="Data set layout (default: from the claims file: .tsv 2020, .jsonl 2022).",
)
@click.option("--no-dense", is_flag=True, help="Lexical retrieval only.")
@click.option(
    "--run",
    "run_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write a TREC run file.",
)
@click.option("--depth", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--vectors-cache",
    type=click.Path(dir_okay=False),
    help="Keep the claims' vectors in this .npz between runs (embedding is the slow part).",
)
def evaluate(
    claims_file: str,
    queries: str,
    qrels: str,
    fmt: str | None,
    no_dense: bool,
    run_file: str | None,
    depth: int,
    vectors_cache: str | None,
) -> None:
    """Score claim matching on a CheckThat! data set; print the metrics as JSON.

    MAP@1/3/5/10, MRR@5, P@1/3/5 and Success@10 as the lab's scorers compute them.

    \b
    Examples:
      onevoice claims eval --claims ct2020/verified_claims.docs.tsv \\
          --queries ct2020/dev/tweets.queries.tsv --qrels ct2020/dev/tweet-vclaim-pairs.qrels
      onevoice claims eval --format checkthat2022 --claims vclaims.jsonl \\
          --queries Dev-Test_Queries.tsv --qrels Dev-Test_QRELs.tsv --run run.tsv \\
          --vectors-cache vclaims.npz
    """
    from onevoice.claims.evaluate import evaluate_files

    result = evaluate_files(
        claims_file,
        queries,
        qrels,
        fmt=fmt,
        dense=not no_dense,
        run_path=run_file,
        depth=depth,
        vectors_cache=vectors_cache,
    )
    click.echo(json.dumps(result, indent=2))
