"""Django for the web tests: settings from a test environment, users per role, a store.

pytest-django sets up its test database from these settings; the environment is fixed here,
before Django is imported, so the tests never touch ./onevoice-web. The database is SQLite in
memory unless ``ONEVOICE_TEST_DATABASE_URL`` names another (``.ci/run`` runs the web tests a
second time against a PostgreSQL server it starts itself).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_SETTINGS_MODULE"] = "onevoice.web.settings"
os.environ["ONEVOICE_DATA_DIR"] = str(Path(tempfile.gettempdir()) / "onevoice-web-tests-unused")
os.environ["ONEVOICE_SECRET_KEY"] = "test-secret-key-" + "x" * 40
os.environ["ONEVOICE_DATABASE_URL"] = os.environ.get(
    "ONEVOICE_TEST_DATABASE_URL", "sqlite://:memory:"
)
os.environ.pop("ONEVOICE_STORE", None)
os.environ.pop("ONEVOICE_DEBUG", None)

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.test import Client  # noqa: E402

from onevoice.store import Store  # noqa: E402

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """``make_user("analyst")`` → a user named after the role(s), password :data:`PASSWORD`."""

    def make(*roles: str, username: str | None = None) -> User:
        user = User.objects.create_user(username or "-".join(roles) or "nobody", password=PASSWORD)
        # get_or_create: a transactional test's flush also empties the groups that the
        # accounts data migration made
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        return user

    return make


@pytest.fixture
def client_as(make_user: Callable[..., User]) -> Callable[..., Client]:
    """``client_as("member")`` → a test client logged in as a new user with that role."""

    def make(*roles: str) -> Client:
        client = Client()
        client.force_login(make_user(*roles))
        return client

    return make


@pytest.fixture
def web_store(tmp_path: Path) -> Path:
    """A small store with two imports, one detect run with two networks, and two alerts."""
    path = tmp_path / "store"
    with Store(path) as s:
        ts = "2026-11-01 12:00:00+00"
        for i in (1, 2):
            s.execute(
                "INSERT INTO imports VALUES (?, ?, 'sha', 10, 'twarc2', 'test', ?, ?, 10, 9, 0,"
                " 3, 1, 0)",
                [f"imp{i}", f"file{i}.jsonl", ts, f"2026-11-0{i} 12:00:00+00"],
            )
        s.execute(
            "INSERT INTO detect_runs (run_id, started_at, finished_at, kinds, window_s,"
            " min_weight, params, seed) VALUES ('run1', ?, ?, ['co-link'], 60, 2, '{}', 0)",
            [ts, ts],
        )
        for n, size in ((1, 5), (2, 3)):
            s.execute(
                "INSERT INTO networks VALUES ('run1', ?, ?, ['a','b'], [?], ['co-link'], ?, ?,"
                " 4, 8, [], [], 0.5, '{}')",
                [n, size, f"hub{n}", ts, ts],
            )
        for i, ongoing in ((1, True), (2, False)):
            s.execute(
                "INSERT INTO alerts VALUES (?, 'arun', ?, 'hashtag', ?, ?, ?, ?, ?, 3.5, 40, 4.0,"
                " '{}')",
                [f"al{i}", ts, f"tag{i}", f"#tag{i}", ts, ts, ongoing],
            )
    return path
