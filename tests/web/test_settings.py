"""Settings come from environment variables, with safe defaults."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from onevoice.web.config import build_settings


def test_data_dir_and_default_sqlite_database(tmp_path: Path) -> None:
    s = build_settings({"ONEVOICE_DATA_DIR": str(tmp_path / "web")})
    assert s["DATA_DIR"] == tmp_path / "web"
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(db["NAME"]) == tmp_path / "web" / "onevoice.sqlite3"


def test_database_url_is_read(tmp_path: Path) -> None:
    s = build_settings(
        {
            "ONEVOICE_DATA_DIR": str(tmp_path),
            "ONEVOICE_SECRET_KEY": "k",
            "ONEVOICE_DATABASE_URL": "postgres://ov:pw@dbhost:5433/onevoice",
        }
    )
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("dbhost", 5433, "onevoice", "ov")


def test_secret_key_generated_once_and_private(tmp_path: Path) -> None:
    first = build_settings({"ONEVOICE_DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    second = build_settings({"ONEVOICE_DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) >= 50
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    given = build_settings({"ONEVOICE_DATA_DIR": str(tmp_path), "ONEVOICE_SECRET_KEY": "abc"})
    assert given["SECRET_KEY"] == "abc"


def test_debug_off_by_default_and_cookies_secure(tmp_path: Path) -> None:
    s = build_settings({"ONEVOICE_DATA_DIR": str(tmp_path), "ONEVOICE_SECRET_KEY": "k"})
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["ONEVOICE_STORE"] is None
    d = build_settings(
        {"ONEVOICE_DATA_DIR": str(tmp_path), "ONEVOICE_SECRET_KEY": "k", "ONEVOICE_DEBUG": "1"}
    )
    assert d["DEBUG"] is True and not d["SESSION_COOKIE_SECURE"]


def test_store_path_is_read(tmp_path: Path) -> None:
    s = build_settings(
        {"ONEVOICE_DATA_DIR": str(tmp_path), "ONEVOICE_SECRET_KEY": "k", "ONEVOICE_STORE": "st"}
    )
    assert s["ONEVOICE_STORE"] == Path("st").resolve()


def test_argon2_is_the_first_hasher() -> None:
    from django.conf import settings

    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_asked_for() -> None:
    """``.ci/run`` runs the web tests again on PostgreSQL: make sure that run really does."""
    from django.db import connection

    wanted = os.environ.get("ONEVOICE_TEST_DATABASE_URL", "sqlite://")
    expected = "postgresql" if wanted.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)
