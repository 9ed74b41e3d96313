"""``onevoice serve``: run the web application with waitress."""

from __future__ import annotations

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
def serve(host: str, port: int, store_dir: str, data_dir: str, threads: int) -> None:
    """Run the web application (dashboard, API) with the waitress server.

    The database (SQLite in --data unless ONEVOICE_DATABASE_URL names another) is migrated
    on start, so a new folder just works. The pages read the store at --store read-only.
    Cookies are marked Secure unless ONEVOICE_DEBUG=1: serve over HTTPS (a reverse proxy)
    for anything but a local trial. Create accounts with 'onevoice users'.

    \b
    Examples:
      onevoice serve --store onevoice-data
      onevoice serve --host 0.0.0.0 --port 8080 --store /srv/store --data /srv/web
      ONEVOICE_DATABASE_URL=postgres://ov:pw@db/onevoice onevoice serve --store data
    """
    from onevoice.web.bootstrap import setup

    setup(data_dir, store_dir)
    from waitress import create_server

    from onevoice.web.wsgi import application

    try:
        server = create_server(application, host=host, port=port, threads=threads)
    except OSError as exc:
        raise OneVoiceError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="another program may use that port; choose one with --port",
        ) from exc
    click.echo(f"OneVoice on http://{host}:{server.effective_port}/ (Ctrl-C stops)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.close()
