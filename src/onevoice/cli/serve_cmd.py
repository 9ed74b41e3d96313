"""``onevoice serve``: run the web application with waitress, and a job worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import click

from onevoice.cli.options import STORE_OPTION
from onevoice.errors import OneVoiceError

#: The web application's folder when ``--data`` and ``ONEVOICE_DATA_DIR`` are not given.
DEFAULT_DATA = "onevoice-web"

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    default=DEFAULT_DATA,
    show_default=True,
    envvar="ONEVOICE_DATA_DIR",
    type=click.Path(file_okay=False),
    help="The web application's folder (SQLite database, secret key); env ONEVOICE_DATA_DIR.",
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@STORE_OPTION
@DATA_OPTION
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1), help="Worker threads."
)
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run the background-job worker (uploads, detection, matching) as a child "
    "process; with --no-worker, run 'onevoice worker' yourself.",
)
def serve(host: str, port: int, store_dir: str, data_dir: str, threads: int, worker: bool) -> None:
    """Run the web application (dashboard, API) with the waitress server.

    The database (SQLite in --data unless ONEVOICE_DATABASE_URL names another) is migrated
    on start, so a new folder just works. The pages read the store at --store read-only.
    Cookies are marked Secure unless ONEVOICE_DEBUG=1: serve over HTTPS (a reverse proxy)
    for anything but a local trial. Create accounts with 'onevoice users'. The jobs the
    pages start (ingest an upload, detect, match claims) run in a worker process that serve
    starts and stops with itself ('onevoice worker'); uploads are limited to
    ONEVOICE_MAX_UPLOAD_MB (default 512).

    \b
    Examples:
      onevoice serve --store onevoice-data
      onevoice serve --store onevoice-data --no-worker   # jobs run by 'onevoice worker'
      onevoice serve --host 0.0.0.0 --port 8080 --store /srv/store --data /srv/web
      ONEVOICE_DATABASE_URL=postgres://ov:pw@db/onevoice onevoice serve --store data
    """
    from onevoice.web.bootstrap import setup

    setup(data_dir, store_dir)
    from django.conf import settings
    from waitress import create_server

    from onevoice.web.wsgi import application

    # Bodies a little over the upload limit still reach Django, which answers with a clear
    # message; far larger ones are refused by waitress before they are spooled to disk.
    max_body = int(settings.MAX_UPLOAD_BYTES) + (64 << 20)
    try:
        server = create_server(
            application, host=host, port=port, threads=threads, max_request_body_size=max_body
        )
    except OSError as exc:
        raise OneVoiceError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="another program may use that port; choose one with --port",
        ) from exc
    queued = "django_tasks_db" in settings.TASKS["default"]["BACKEND"]  # not "immediate"
    child = _start_worker(store_dir, data_dir) if worker and queued else None
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    click.echo(f"OneVoice on http://{host}:{server.effective_port}/ (Ctrl-C stops)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.close()
        if child is not None:
            _stop_worker(child)


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the worker gets SIGTERM if serve dies without stopping it (kill -9)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start_worker(store_dir: str, data_dir: str) -> subprocess.Popen[bytes]:
    """Start ``onevoice worker`` for the same store and data folder, logging only errors.

    Its per-task lines (Wagtail queues a search-index task for every page saved) would bury
    the server's own log; a job's progress and errors show on the jobs page.
    """
    cmd = [sys.executable, "-m", "onevoice.cli.main", "worker", "--store", store_dir]
    cmd += ["--data", data_dir, "--quiet"]
    return subprocess.Popen(
        cmd,
        stdout=sys.stderr,
        env=dict(os.environ),
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def _stop_worker(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM lets the job under way finish; after 30 s it is killed (and rolled back)."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
