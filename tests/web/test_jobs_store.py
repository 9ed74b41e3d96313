"""Pages reading the store while a job writes it: a clear "busy" state, never a 500.

DuckDB allows one read-write process or many read-only ones. What a read-only open meets
when a writer holds the store is checked in both places a writer can be: another process
(the worker) and this process (a worker thread, or the immediate tasks backend).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client

from onevoice.cli.main import cli
from onevoice.errors import StoreError, StoreLocked
from onevoice.store import Store
from onevoice.web.dashboard import load_dashboard
from onevoice.web.jobs.models import Job
from onevoice.web.jobs.storeaccess import StoreBusy, open_store_read_only

HOLD = """
import sys
from onevoice.store import Store
with Store(sys.argv[1]) as s:
    print("open", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def writer_elsewhere(web_store: Path) -> Iterator[Path]:
    """Another process holding ``web_store`` open read-write until the test ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(web_store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline().strip() == "open"
    try:
        yield web_store
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        proc.stdout.close()


def test_a_writer_in_another_process_raises_store_locked(writer_elsewhere: Path) -> None:
    with pytest.raises(StoreLocked):
        Store(writer_elsewhere, read_only=True)


def test_a_writer_in_this_process_raises_a_plain_store_error(web_store: Path) -> None:
    with Store(web_store), pytest.raises(StoreError) as info:
        Store(web_store, read_only=True)
    assert not isinstance(info.value, StoreLocked)
    assert "different configuration" in info.value.message


@pytest.mark.django_db
def test_busy_names_the_running_job(writer_elsewhere: Path, make_user: Callable[..., Any]) -> None:
    job = Job.objects.create(kind="ingest", status="running", created_by=make_user("analyst"))
    with pytest.raises(StoreBusy) as info:
        open_store_read_only(writer_elsewhere)
    assert info.value.message == (
        f"The store is busy: a job is writing (job #{job.pk}); try again in a moment."
    )


@pytest.mark.django_db
def test_busy_in_the_same_process_is_recognised(web_store: Path) -> None:
    with Store(web_store), pytest.raises(StoreBusy) as info:
        open_store_read_only(web_store)
    assert "another program" in info.value.message


@pytest.mark.django_db
def test_the_dashboard_degrades_while_a_job_writes(
    writer_elsewhere: Path, settings: Any, client_as: Callable[..., Client]
) -> None:
    assert load_dashboard(writer_elsewhere).status == "unavailable"
    settings.ONEVOICE_STORE = writer_elsewhere
    response = client_as("analyst").get("/dashboard/")
    assert response.status_code == 200  # not a 500
    # the jobs page reads only the database, so it stays usable while the store is busy
    assert client_as("admin").get("/jobs/").status_code == 200


def test_worker_help_has_examples() -> None:
    result = CliRunner().invoke(cli, ["worker", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "onevoice worker --store onevoice-data" in result.output


def test_serve_help_documents_the_worker() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "--no-worker" in result.output


def test_worker_batch_empties_the_queue_and_exits(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONEVOICE_", "DJANGO_"))}
    cmd = [sys.executable, "-m", "onevoice.cli.main", "worker", "--batch"]
    cmd += ["--data", str(tmp_path / "web"), "--store", str(tmp_path / "store")]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "OneVoice worker on the store" in done.stderr
    assert (tmp_path / "web" / "onevoice.sqlite3").is_file()  # migrated, queue table made


@pytest.mark.django_db
def test_pages_step_aside_while_a_job_runs(web_store: Path, make_user: Callable[..., Any]) -> None:
    """Writer first: a running job's row keeps pages off the file so the job gets its lock."""
    job = Job.objects.create(kind="detect", status="running", created_by=make_user("analyst"))
    with pytest.raises(StoreBusy, match=f"job #{job.pk}"):
        open_store_read_only(web_store)
    job.status = "done"
    job.save()
    with open_store_read_only(web_store) as store:
        assert store.read_only
