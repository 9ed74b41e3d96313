"""``onevoice worker``: run the background jobs the web pages queue (django-tasks)."""

from __future__ import annotations

import click

from onevoice.cli.options import STORE_OPTION
from onevoice.cli.serve_cmd import DATA_OPTION


@click.command()
@STORE_OPTION
@DATA_OPTION
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds between looks at the queue when it is empty.",
)
@click.option("--batch", is_flag=True, help="Run the jobs queued now, then exit.")
@click.option("-q", "--quiet", is_flag=True, help="Log nothing but errors.")
def worker(store_dir: str, data_dir: str, interval: float, batch: bool, quiet: bool) -> None:
    """Run the jobs analysts start on the jobs page: ingest, detect, claim matching.

    Jobs wait in the web application's database (the django-tasks database backend) and
    run one at a time, each with the same library code as the CLI command of the same name.
    Use the same --store and --data as 'onevoice serve', which starts a worker itself unless
    given --no-worker. Ctrl-C lets the job under way finish, a second Ctrl-C stops it (an
    interrupted job changes nothing in the store and is shown as failed).

    \b
    Examples:
      onevoice worker --store onevoice-data
      onevoice worker --store /srv/store --data /srv/web --interval 5
      onevoice worker --store onevoice-data --batch   # empty the queue, then exit
      onevoice serve --store onevoice-data --no-worker & onevoice worker --store onevoice-data
    """
    from pathlib import Path

    from onevoice.web.bootstrap import setup

    setup(data_dir, store_dir)
    from django.conf import settings
    from django.core.management import call_command

    from onevoice.errors import UsageError

    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        raise UsageError(
            "ONEVOICE_TASKS=immediate runs jobs inside the web requests: there is no queue",
            hint="unset ONEVOICE_TASKS (or set it to database) to queue jobs for a worker",
        )

    from onevoice.web.jobs.tasks import reconcile_stale_jobs

    stale = reconcile_stale_jobs(Path(store_dir).resolve())
    if stale:
        click.echo(f"{stale} job(s) left running by a stopped worker marked failed", err=True)
    if not quiet:
        click.echo(f"OneVoice worker on the store {store_dir} (Ctrl-C stops)", err=True)
    call_command(
        "db_worker",
        interval=interval,
        batch=batch,
        reload=False,
        startup_delay=False,
        verbosity=0 if quiet else 1,
    )
