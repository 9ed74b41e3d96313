"""Jobs end to end: upload → ingest, detect, match; progress, results, errors with hints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from onevoice.store import Store
from onevoice.web.audit.models import AuditEvent
from onevoice.web.jobs.models import Job
from onevoice.web.jobs.tasks import reconcile_stale_jobs

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "fixtures"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def store_dir(settings: Any, tmp_path: Path) -> Path:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.ONEVOICE_STORE = tmp_path / "store"
    settings.TASKS = IMMEDIATE
    return tmp_path / "store"


def _upload(client: Client, name: str, fmt: str = "auto") -> Any:
    path = FIXTURES / name
    return client.post(
        "/jobs/upload/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "format": fmt},
    )


def _run_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``onevoice worker --batch`` does: run every queued task, then return.

    The real worker is its own process; run here, inside the test's transaction, its
    ``close_old_connections`` would close the test's connection (on PostgreSQL), so it is
    a no-op for the run.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def test_upload_runs_ingest_to_the_end(store_dir: Path, client_as: Callable[..., Client]) -> None:
    client = client_as("analyst")
    response = _upload(client, "twarc2/search.jsonl")
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.kind == "ingest"
    assert (job.status, job.error) == ("done", "")
    size = (FIXTURES / "twarc2/search.jsonl").stat().st_size
    assert job.progress_total == size
    assert job.progress_done == size
    assert job.percent == 100
    assert job.started_at is not None and job.finished_at is not None
    assert job.result["format"] == "twarc2"
    with Store(store_dir, read_only=True) as store:
        posts = store.scalar("SELECT count(*) FROM posts")
    assert posts > 0
    assert job.result["posts_added"] == posts
    page = client.get("/jobs/").content.decode()
    assert f"{posts} posts added" in page
    assert '<progress max="100" value="100"' in page
    assert 'http-equiv="refresh"' not in page  # nothing left running


def test_rejected_records_are_summarised_with_file_line_and_reason(
    store_dir: Path, client_as: Callable[..., Client]
) -> None:
    client = client_as("analyst")
    _upload(client, "twarc2/bad.jsonl", "twarc2")
    job = Job.objects.get()
    assert job.status == "done"
    assert job.result["rejected"] > 0
    first = job.result["rejects"][0]
    assert first["file"] == "bad.jsonl"
    assert isinstance(first["line"], int)
    assert first["reason"]
    assert sum(r["count"] for r in job.result["reject_reasons"]) >= job.result["rejected"]
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Rejected records" in page
    assert escape(first["reason"]) in page


def test_a_job_queued_in_the_database_is_run_by_the_worker(
    store_dir: Path,
    settings: Any,
    client_as: Callable[..., Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.TASKS = DATABASE
    client = client_as("analyst")
    _upload(client, "twarc2/search.jsonl")
    job = Job.objects.get()
    assert job.status == "queued"
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    page = client.get("/jobs/").content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "onevoice/jobs.js" in page
    _run_worker(monkeypatch)
    job.refresh_from_db()
    assert job.status == "done"
    assert job.result["posts_added"] > 0
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    response = client.post(
        "/jobs/detect/", {"kinds": ["co-link", "co-hashtag"], "window": "60", "min_weight": "1"}
    )
    assert response.status_code == 302
    detect = Job.objects.get(kind="detect")
    _run_worker(monkeypatch)
    detect.refresh_from_db()
    assert detect.status == "done", detect.error
    assert detect.result["run_id"]
    assert [k["kind"] for k in detect.result["kinds"]] == ["co-link", "co-hashtag"]
    with Store(store_dir, read_only=True) as store:
        networks = store.scalar(
            "SELECT count(*) FROM networks WHERE run_id = ?", [detect.result["run_id"]]
        )
    assert detect.result["networks"] == networks


def test_a_failing_job_shows_its_error_and_hint(
    store_dir: Path, client_as: Callable[..., Client]
) -> None:
    client = client_as("analyst")
    _upload(client, "twarc2/search.jsonl")
    response = client.post("/jobs/match/", {"top": "5", "min_score": "", "lexical_only": "on"})
    assert response.status_code == 302
    job = Job.objects.get(kind="match")
    assert job.status == "failed"
    assert job.error == "the fact-check library is empty"
    assert "onevoice factchecks import" in job.hint
    for url in ("/jobs/", f"/jobs/{job.pk}/"):
        page = client.get(url).content.decode()
        assert "the fact-check library is empty" in page
        assert "<strong>Hint:</strong> import fact-checks first" in page
    body = client.get(f"/api/jobs/{job.pk}").json()
    assert body["status"] == "failed"
    assert body["error"] == {
        "message": "the fact-check library is empty",
        "hint": job.hint,
    }


def test_detection_before_any_upload_fails_with_a_hint(
    store_dir: Path, client_as: Callable[..., Client]
) -> None:
    client_as("analyst").post(
        "/jobs/detect/", {"kinds": ["co-link"], "window": "60", "min_weight": "2"}
    )
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.error.startswith("there is no store at")
    assert job.hint == "upload an export first: its ingest job creates the store"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("window", "soon", "bad window"), ("min_weight", "q2", "bad min weight")],
)
def test_bad_detection_parameters_are_refused_before_queueing(
    store_dir: Path, client_as: Callable[..., Client], field: str, value: str, message: str
) -> None:
    data = {"kinds": ["co-link"], "window": "60", "min_weight": "2", field: value}
    response = client_as("analyst").post("/jobs/detect/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_api_starts_and_reports_jobs(store_dir: Path, client_as: Callable[..., Client]) -> None:
    client = client_as("admin")
    path = FIXTURES / "csv/good.csv"
    response = client.post(
        "/api/jobs/upload", {"file": SimpleUploadedFile("good.csv", path.read_bytes())}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["upload"]["format"] == "csv"
    assert body["upload"]["format_detected"] is True
    assert body["job"]["status"] == "done"
    response = client.post(
        "/api/jobs/detect",
        {"kinds": ["co-link"], "window": "auto", "min_weight": "2"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "detect"
    response = client.post("/api/jobs/match", {"top": 0}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    listed = client.get("/api/jobs").json()
    assert [j["kind"] for j in listed["jobs"]] == ["detect", "ingest"]
    assert listed["running"] is None
    assert client.get("/api/jobs/999").status_code == 404


def test_uploads_job_starts_and_views_are_audited(
    store_dir: Path, client_as: Callable[..., Client]
) -> None:
    client = client_as("analyst")
    _upload(client, "twarc2/search.jsonl")
    job = Job.objects.get()
    client.get(f"/jobs/{job.pk}/")
    client.get("/jobs/")
    events = {(e.action, e.object_type, e.object_id) for e in AuditEvent.objects.all()}
    assert ("create", "upload", str(job.upload_id)) in events
    assert ("create", "job", str(job.pk)) in events
    assert ("view", "job", str(job.pk)) in events
    assert ("view", "jobs", "") in events


def test_a_job_left_running_by_a_dead_worker_is_marked_failed(
    store_dir: Path, make_user: Callable[..., Any]
) -> None:
    store_dir.mkdir(parents=True)
    job = Job.objects.create(kind="detect", status="running", created_by=make_user("analyst"))
    assert reconcile_stale_jobs(store_dir) == 1
    job.refresh_from_db()
    assert job.status == "failed"
    assert "worker stopped" in job.error
