"""``onevoice alerts``: what is bursting now, as a table or JSON lines on stdout."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import click

from onevoice.cli.options import STORE_OPTION

if TYPE_CHECKING:
    from onevoice.claims.alerts import Alert

KIND_CHOICES = ("hashtag", "domain", "narrative", "factcheck")


@click.command()
@STORE_OPTION
@click.option(
    "--refresh/--no-refresh",
    default=True,
    show_default=True,
    help="Detect bursts anew (and store them), or list the alerts last computed.",
)
@click.option("--all", "show_all", is_flag=True, help="List every alert, not only the first --top.")
@click.option(
    "--top",
    default=20,
    show_default=True,
    type=click.IntRange(1),
    help="How many alerts to list (ongoing first, then by weight).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KIND_CHOICES),
    help="Only this kind of subject (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per alert.")
@click.option(
    "--bin",
    "bin_width",
    default="auto",
    show_default=True,
    help="Bin width: 15m, 1h, 6h, 1d…; auto gives 50–200 bins over the data.",
)
@click.option(
    "--s",
    "s",
    default=2.0,
    show_default=True,
    type=click.FloatRange(1.0, min_open=True),
    help="Burst rate as a multiple of the base rate.",
)
@click.option(
    "--gamma",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.0),
    help="Cost of entering a burst, × ln(bins): higher, fewer and shorter bursts.",
)
@click.option(
    "--min-posts",
    default=10,
    show_default=True,
    type=click.IntRange(1),
    help="Skip subjects with fewer posts in all.",
)
@click.option(
    "--min-weight",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.0),
    help="Burst weight (log-likelihood ratio, nats) that raises an alert.",
)
def alerts(
    store_dir: str,
    refresh: bool,
    show_all: bool,
    top: int,
    kinds: tuple[str, ...],
    as_json: bool,
    bin_width: str,
    s: float,
    gamma: float,
    min_posts: int,
    min_weight: float,
) -> None:
    """List what is bursting now: hashtags, domains, narratives and fact-checked claims.

    Kleinberg's two-state burst detection runs on the posts of every hashtag, domain,
    narrative and matched fact-check, per time bin, against all posts. Bursts go into the
    store (bursts, alerts); the alerts are listed ongoing first, then by weight, with the
    posts seen against the posts the base rate expects and the coordinated networks (of
    the newest detect run) whose members took part. The evidence (top posts, accounts,
    languages, platforms) is in --json and in the alerts table.

    \b
    Examples:
      onevoice alerts --store data
      onevoice alerts --store data --kind hashtag --bin 1h --gamma 2
      onevoice alerts --store data --no-refresh --all --json | jq .label
      onevoice query --store data "SELECT * FROM bursts ORDER BY weight DESC LIMIT 10"
    """
    from pathlib import Path

    from onevoice.claims.alerts import compute_alerts, read_alerts
    from onevoice.errors import StoreError
    from onevoice.store import Store
    from onevoice.store.store import DB_NAME

    if not (Path(store_dir) / DB_NAME).exists():
        raise StoreError(
            f"no store at {store_dir}",
            hint=f"ingest something first: onevoice ingest --store {store_dir} FILE",
        )
    run_id: str | None
    with Store(store_dir, read_only=not refresh) as store:
        if refresh:
            result = compute_alerts(
                store, bin=bin_width, s=s, gamma=gamma, min_posts=min_posts, min_weight=min_weight
            )
            if result.bin is None:
                click.echo("the store has no posts: nothing to watch", err=True)
                return
            series = ", ".join(f"{n:,} {k}s" for k, n in result.subjects.items())
            click.echo(
                f"run {result.run_id}: {result.bins} bins of {_span(result.bin)}, "
                f"series of {series or 'nothing'}; {result.bursts:,} bursts, "
                f"{len(result.alerts):,} alerts",
                err=True,
            )
            run_id = result.run_id
        else:
            run_id = None
        run_id, found = read_alerts(store, run_id, kinds)
    if run_id is None:
        click.echo("no alerts computed yet; run onevoice alerts without --no-refresh", err=True)
        return
    shown = found if show_all else found[:top]
    if as_json:
        import orjson

        for a in shown:
            click.echo(orjson.dumps(a.as_json()).decode())
        return
    if not shown:
        click.echo("nothing is bursting", err=True)
        return
    _table(shown)
    if len(shown) < len(found):
        click.echo(f"{len(found) - len(shown)} more: --all lists them", err=True)


def _span(width: timedelta) -> str:
    seconds = int(width.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _table(found: list[Alert]) -> None:
    header = ("STATUS", "KIND", "LABEL", "SINCE", "UNTIL", "POSTS", "EXPECTED", "RATIO", "NETWORKS")
    rows = [header]
    for a in found:
        nets = a.evidence.get("networks", [])
        rows.append(
            (
                "ongoing" if a.ongoing else "ended",
                a.subject_kind,
                _short(a.label.replace("\n", " "), 48),
                a.start_ts.strftime("%Y-%m-%d %H:%M"),
                "now" if a.ongoing else a.end_ts.strftime("%Y-%m-%d %H:%M"),
                f"{a.posts:,}",
                f"{a.expected:,.1f}",
                "×inf" if a.expected <= 0 else f"×{a.ratio:.1f}",
                ", ".join(
                    f"#{n['network_id']} ({n['accounts']} acc., {n['posts']} post"
                    + ("s)" if n["posts"] != 1 else ")")
                    for n in nets[:3]
                )
                + (f" +{len(nets) - 3}" if len(nets) > 3 else "")
                or "-",
            )
        )
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header) - 1)]
    right = {5, 6, 7}
    for r in rows:
        cells = []
        for i, width in enumerate(widths):
            pad = " " * (width - _width(r[i]))
            cells.append(pad + r[i] if i in right else r[i] + pad)
        click.echo("  ".join([*cells, r[-1]]))


def _width(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
