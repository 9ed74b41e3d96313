"""Options shared by the ``onevoice`` commands."""

from __future__ import annotations

import click

__all__ = ["DEFAULT_STORE", "STORE_OPTION"]

#: The store directory when ``--store`` is not given.
DEFAULT_STORE = "onevoice-data"

#: ``--store DIR``, passed to the command as ``store_dir``.
STORE_OPTION = click.option(
    "--store",
    "store_dir",
    default=DEFAULT_STORE,
    show_default=True,
    type=click.Path(file_okay=False),
    help="The store directory.",
)
