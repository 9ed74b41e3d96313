"""Settings from environment variables, with safe defaults.

=======================  =====================================================================
``ONEVOICE_DATA_DIR``    the web application's folder (default ``./onevoice-web``): the SQLite
                         database and the generated secret key live here
``ONEVOICE_SECRET_KEY``  Django's secret key; when unset, one is generated once and kept in
                         ``DATA_DIR/secret_key`` (mode 0600), so sessions survive restarts
``ONEVOICE_DATABASE_URL`` a database URL (``postgres://user:pw@host/db``) read by
                         dj-database-url; default ``sqlite:///DATA_DIR/onevoice.sqlite3``
``ONEVOICE_STORE``       the DuckDB analytic store the pages read (read-only); unset: the pages
                         show an empty state
``ONEVOICE_DEBUG``       ``1``/``true``/``yes`` turns Django's debug mode on (default off)
``ONEVOICE_ALLOWED_HOSTS`` comma-separated host names (default ``127.0.0.1,localhost``)
=======================  =====================================================================

:func:`build_settings` is pure apart from creating the data folder and the key file, so the
tests call it with a dictionary instead of the real environment.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url

__all__ = ["DEFAULT_DATA_DIR", "build_settings", "load_secret_key"]

DEFAULT_DATA_DIR = "onevoice-web"
_TRUE = {"1", "true", "yes", "on"}


def load_secret_key(data_dir: Path) -> str:
    """Return the secret key kept in ``data_dir/secret_key``, creating it on first use.

    The file is created with ``O_EXCL`` and mode 0600, so two processes starting at once
    cannot both write a different key, and other users of the machine cannot read it.
    """
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def build_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Compute the environment-dependent Django settings from ``env``.

    Args:
        env: the environment (``os.environ`` in production, a dict in tests).

    Returns:
        A dict of setting names to values: ``DATA_DIR``, ``SECRET_KEY``, ``DEBUG``,
        ``DATABASES``, ``ONEVOICE_STORE``, ``ALLOWED_HOSTS`` and the cookie flags, which are
        secure whenever debug is off.
    """
    data_dir = Path(env.get("ONEVOICE_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
    debug = env.get("ONEVOICE_DEBUG", "").strip().lower() in _TRUE
    secret = env.get("ONEVOICE_SECRET_KEY") or load_secret_key(data_dir)
    default_db = f"sqlite:///{data_dir / 'onevoice.sqlite3'}"
    database = dj_database_url.parse(
        env.get("ONEVOICE_DATABASE_URL") or default_db, conn_max_age=60, conn_health_checks=True
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        if database["NAME"] != ":memory:":
            data_dir.mkdir(parents=True, exist_ok=True)
        database["CONN_MAX_AGE"] = 0  # one SQLite connection per request and thread
    store = env.get("ONEVOICE_STORE") or None
    hosts = env.get("ONEVOICE_ALLOWED_HOSTS") or "127.0.0.1,localhost"
    return {
        "DATA_DIR": data_dir,
        "SECRET_KEY": secret,
        "DEBUG": debug,
        "DATABASES": {"default": dict(database)},
        "ONEVOICE_STORE": Path(store).resolve() if store else None,
        "ALLOWED_HOSTS": [h.strip() for h in hosts.split(",") if h.strip()],
        # Outside debug the cookies only travel over HTTPS. Behind a TLS-terminating proxy
        # that is right; on a plain-HTTP laptop, set ONEVOICE_DEBUG=1.
        "SESSION_COOKIE_SECURE": not debug,
        "CSRF_COOKIE_SECURE": not debug,
    }
