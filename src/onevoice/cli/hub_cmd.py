"""``onevoice hub``: the public G20 hub (demo content, static export)."""

from __future__ import annotations

import click

from onevoice.cli.serve_cmd import DATA_OPTION


@click.group()
def hub() -> None:
    """The public G20 hub (Wagtail): pages at /<lang>/hub/, editors at /cms/.

    \b
    Examples:
      onevoice hub demo
      onevoice serve   # then open http://127.0.0.1:8000/hub/
      onevoice hub export --out site/
    """


@hub.command()
@DATA_OPTION
def demo(data_dir: str) -> None:
    """Load the demo hub: presidencies 2023–2026 with real themes, sample documents.

    Everything written for the demonstration says "Sample". Running it again updates the
    same pages. Also sets up the review workflow (communicator drafts, another reviewer
    approves) on the hub's pages.

    \b
    Examples:
      onevoice hub demo
      onevoice hub demo --data /tmp/onevoice-web
    """
    from onevoice.web.bootstrap import setup

    setup(data_dir)
    from onevoice.hub.demo import load_demo

    result = load_demo()
    home = result["home"]
    click.echo(f"hub home: {home.url}")
    click.echo(f"presidencies: {result['presidencies']}")


@hub.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="The folder to write the static site to.",
)
@click.option("--no-search", is_flag=True, help="Skip the Pagefind search index.")
@DATA_OPTION
def export_cmd(out: str, no_search: bool, data_dir: str) -> None:
    """Freeze the public hub to static files any web server can host.

    Every public page in every language, feeds, sitemap, theme stylesheets, images and
    documents, with relative links (the folder works at a site root or under a sub-path),
    and a Pagefind full-text search index (needs `npm ci`: node_modules/.bin/pagefind, or
    ONEVOICE_PAGEFIND). Drafts and pages above TLP:CLEAR are never exported. Prints the
    number of pages and files, and any broken internal link.

    \b
    Examples:
      onevoice hub export --out site/
      onevoice hub export --out /srv/www/g20 --data /srv/onevoice-web
      onevoice hub export --out site/ --no-search && python -m http.server -d site
    """
    from pathlib import Path

    from onevoice.web.bootstrap import setup

    setup(data_dir)
    from onevoice.hub.export import export_hub

    result = export_hub(Path(out), search=not no_search)
    click.echo(f"{result.pages} pages, {result.files} files in {result.out}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for broken in result.broken_links:
        click.echo(f"broken link: {broken}", err=True)
    if result.broken_links:
        raise click.exceptions.Exit(1)


@hub.command("report-from-case")
@click.argument("case_key", type=int, metavar="CASE_ID")
@click.option(
    "--user",
    "username",
    envvar="ONEVOICE_USER",
    required=True,
    metavar="NAME",
    help="The communicator drafting it (env ONEVOICE_USER); the draft is theirs.",
)
@DATA_OPTION
def report_from_case(case_key: int, username: str, data_dir: str) -> None:
    """Draft the public hub report of an approved TLP:CLEAR case, for review.

    Private individuals' accounts appear only as pseudonyms, public figures and state
    assets by handle; indicators are defanged. The draft is saved as a revision by --user
    and is never published here: submit it for review in the CMS, where a reviewer other
    than its author approves it. Running it again updates the same page. Prints the
    draft's address in the CMS.

    \b
    Examples:
      onevoice hub report-from-case 12 --user comms
      ONEVOICE_USER=comms onevoice hub report-from-case 12 --data /srv/onevoice-web
    """
    from onevoice.web.bootstrap import setup

    setup(data_dir)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from onevoice.errors import UsageError
    from onevoice.hub.case_reports import draft_case_report
    from onevoice.web.cases.models import Case

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UsageError(f"there is no active web account {username!r}")
    case = Case.objects.filter(pk=case_key).first()
    if case is None:
        raise UsageError(
            f"there is no case {case_key}", hint="list them on the web app's Cases page"
        )
    page = draft_case_report(case, user)
    base = str(settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    click.echo(f"draft: {page.title}")
    click.echo(
        f"edit and submit for review: {base}{reverse('wagtailadmin_pages:edit', args=(page.pk,))}"
    )
