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
``ONEVOICE_MAX_UPLOAD_MB`` the largest export a browser may upload, in MB (default 512)
``ONEVOICE_TASKS``       where background jobs run: ``database`` (default: queued in the
                         database, run by ``onevoice worker`` or the worker ``onevoice serve``
                         starts) or ``immediate`` (inside the request; for trials and tests)
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
DEFAULT_MAX_UPLOAD_MB = 512
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
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
        ``DATABASES``, ``ONEVOICE_STORE``, ``ALLOWED_HOSTS``, the cookie flags (secure
        whenever debug is off), ``MAX_UPLOAD_BYTES`` and ``TASKS``.

    Raises:
        ValueError: ``ONEVOICE_MAX_UPLOAD_MB`` or ``ONEVOICE_TASKS`` has a bad value.
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
        # The job worker writes progress while pages write audit rows: wait for the lock
        # instead of failing at once, and let readers go on while one connection writes.
        database.setdefault("OPTIONS", {})
        database["OPTIONS"].update(
            {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"}
        )
    store = env.get("ONEVOICE_STORE") or None
    hosts = env.get("ONEVOICE_ALLOWED_HOSTS") or "127.0.0.1,localhost"
    upload_mb = _positive_int(env, "ONEVOICE_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    tasks = (env.get("ONEVOICE_TASKS") or "database").strip().lower()
    if tasks not in _TASK_BACKENDS:
        raise ValueError(
            f"ONEVOICE_TASKS must be one of {', '.join(_TASK_BACKENDS)}, got {tasks!r}"
        )
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
        "MAX_UPLOAD_BYTES": upload_mb * 1024 * 1024,
        "TASKS": {"default": {"BACKEND": _TASK_BACKENDS[tasks], "QUEUES": ["default"]}},
    }


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value
