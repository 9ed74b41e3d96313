"""Uploads: streamed to disk in chunks, size limit, format check, sanitised names."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onevoice.web.jobs.models import Job, Upload
from onevoice.web.jobs.uploads import StreamingUploadHandler, safe_name

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def jobs_settings(settings: Any, tmp_path: Path) -> Path:
    """Uploads and the store in tmp_path; jobs run inside the request (immediate backend)."""
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.ONEVOICE_STORE = tmp_path / "store"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return tmp_path


def _kept_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "uploads").rglob("*") if p.is_file())


def test_a_large_upload_is_written_in_chunks_never_held_whole(
    jobs_settings: Path, client_as: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    # three megabytes of valid twarc2 lines: more than Django's default in-memory limit
    line = (FIXTURES / "twarc2" / "flat.jsonl").read_bytes().splitlines()[0] + b"\n"
    body = line * (3 * 1024 * 1024 // len(line) + 1)
    chunks: list[int] = []
    on_disk: list[bool] = []
    original = StreamingUploadHandler.receive_data_chunk

    def spy(self: StreamingUploadHandler, raw: bytes, start: int) -> None:
        chunks.append(len(raw))
        on_disk.append(Path(self.file.name).parent == jobs_settings / "uploads" / ".partial")
        original(self, raw, start)

    monkeypatch.setattr(StreamingUploadHandler, "receive_data_chunk", spy)
    response = client_as("analyst").post(
        "/jobs/upload/",
        {"file": SimpleUploadedFile("big export.jsonl", body), "format": "twarc2"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(body) > 2_621_440  # Django's FILE_UPLOAD_MAX_MEMORY_SIZE default
    assert max(chunks) <= StreamingUploadHandler.chunk_size
    assert len(chunks) >= len(body) // StreamingUploadHandler.chunk_size
    assert all(on_disk)
    upload = Upload.objects.get()
    assert upload.size == len(body)
    assert upload.sha256 == hashlib.sha256(body).hexdigest()
    assert Path(upload.stored_path).read_bytes() == body
    assert Path(upload.stored_path).name.endswith("-big_export.jsonl")
    # the partial file went away with the request; only the kept copy stays
    assert _kept_files(jobs_settings) == [Path(upload.stored_path)]


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(
    jobs_settings: Path, client_as: Callable[..., Client], settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    body = b'{"id": 1}\n' * 150_000  # 1.5 MB
    response = client_as("analyst").post(
        "/jobs/upload/", {"file": SimpleUploadedFile("huge.jsonl", body), "format": "auto"}
    )
    assert response.status_code == 413
    text = response.content.decode()
    assert "huge.jsonl is larger than the upload limit of 1 MB" in text
    assert "ONEVOICE_MAX_UPLOAD_MB" in text  # the hint
    assert _kept_files(jobs_settings) == []
    assert not Upload.objects.exists()
    assert not Job.objects.exists()


def test_the_api_refuses_an_upload_over_the_limit_with_413(
    jobs_settings: Path, client_as: Callable[..., Client], settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    response = client_as("analyst").post(
        "/api/jobs/upload", {"file": SimpleUploadedFile("huge.jsonl", b"x" * 1_200_000)}
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "client_error"
    assert "larger than the upload limit" in error["message"]
    assert error["hint"]
    assert _kept_files(jobs_settings) == []


def test_content_of_no_known_format_is_refused(
    jobs_settings: Path, client_as: Callable[..., Client]
) -> None:
    response = client_as("analyst").post(
        "/jobs/upload/",
        {
            "file": SimpleUploadedFile("notes.txt", b"just some words\nno export\n"),
            "format": "auto",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "notes.txt matches none of the formats ingest reads" in text
    assert "Hint:" in text
    assert _kept_files(jobs_settings) == []
    assert not Upload.objects.exists()


def test_an_unknown_format_name_is_refused(
    jobs_settings: Path, client_as: Callable[..., Client]
) -> None:
    response = client_as("analyst").post(
        "/jobs/upload/", {"file": SimpleUploadedFile("a.jsonl", b"{}\n"), "format": "myspace"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Upload.objects.exists()


def test_the_api_refuses_a_bad_format_with_the_error_shape(
    jobs_settings: Path, client_as: Callable[..., Client]
) -> None:
    response = client_as("analyst").post(
        "/api/jobs/upload",
        {"file": SimpleUploadedFile("a.jsonl", b"{}\n"), "format": "myspace"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "unknown format 'myspace'"
    assert "twarc2" in error["hint"]


def test_an_empty_file_is_refused(jobs_settings: Path, client_as: Callable[..., Client]) -> None:
    response = client_as("analyst").post(
        "/jobs/upload/", {"file": SimpleUploadedFile("empty.csv", b""), "format": "auto"}
    )
    assert response.status_code == 400
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\export 1.jsonl", "export_1.jsonl"),
        ("..hidden", "hidden"),
        ("Ünïcödé tweets.json", "Unicode_tweets.json"),
        ("a;rm -rf.csv", "a_rm_-rf.csv"),
        ("", "upload"),
    ],
)
def test_stored_names_are_sanitised(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_long_names_keep_their_extension() -> None:
    name = safe_name("x" * 500 + ".jsonl")
    assert len(name) <= 120
    assert name.endswith(".jsonl")


def test_upload_limit_and_task_backend_come_from_the_environment(tmp_path: Path) -> None:
    from onevoice.web.config import build_settings

    base = {"ONEVOICE_DATA_DIR": str(tmp_path), "ONEVOICE_SECRET_KEY": "k" * 50}
    default = build_settings(base)
    assert default["MAX_UPLOAD_BYTES"] == 512 * 1024 * 1024
    assert default["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    custom = build_settings({**base, "ONEVOICE_MAX_UPLOAD_MB": "20", "ONEVOICE_TASKS": "immediate"})
    assert custom["MAX_UPLOAD_BYTES"] == 20 * 1024 * 1024
    assert custom["TASKS"]["default"]["BACKEND"].endswith("ImmediateBackend")
    with pytest.raises(ValueError, match="ONEVOICE_MAX_UPLOAD_MB must be a whole number"):
        build_settings({**base, "ONEVOICE_MAX_UPLOAD_MB": "lots"})
    with pytest.raises(ValueError, match="ONEVOICE_TASKS must be one of database, immediate"):
        build_settings({**base, "ONEVOICE_TASKS": "celery"})
