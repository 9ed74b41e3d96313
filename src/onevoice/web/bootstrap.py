"""Configure Django for the commands that need it (``onevoice serve``, ``onevoice users``)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["setup"]


def setup(data_dir: str | Path | None = None, store_dir: str | Path | None = None) -> None:
    """Point the settings at ``data_dir`` and ``store_dir``, set up Django and migrate.

    Arguments given here override ``ONEVOICE_DATA_DIR`` and ``ONEVOICE_STORE``. Migrating on
    every start is cheap when nothing is pending and creates a new database on first use.
    """
    if data_dir is not None:
        os.environ["ONEVOICE_DATA_DIR"] = str(data_dir)
    if store_dir is not None:
        os.environ["ONEVOICE_STORE"] = str(store_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onevoice.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
