"""Uploaded exports: streamed to disk in chunks, hashed while written, size-limited.

Every file a browser uploads goes through :class:`StreamingUploadHandler` (settings
``FILE_UPLOAD_HANDLERS``): each 64 KiB chunk is written to a temporary file under
``UPLOAD_DIR/.partial`` and fed to SHA-256 as it arrives, so a file is never held whole in
memory. Past ``MAX_UPLOAD_BYTES`` (``ONEVOICE_MAX_UPLOAD_MB``) the file is dropped at once
(the rest of the request body is read and discarded, so the page can still answer with a
clear message) and :func:`upload_refusal` says why. The temporary file disappears when the
request ends unless :func:`keep_upload` has linked it into ``UPLOAD_DIR`` under a sanitised
name, after the format was named or sniffed with the ingest registry
(:mod:`onevoice.ingest.formats`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from onevoice.errors import InputError, OneVoiceError

__all__ = [
    "KeptUpload",
    "StreamedUpload",
    "StreamingUploadHandler",
    "UploadRefused",
    "format_choices",
    "keep_upload",
    "safe_name",
    "upload_refusal",
]

_REFUSAL = "_onevoice_upload_refused"


class UploadRefused(OneVoiceError):
    """An upload was refused: too large, empty, of an unknown format."""


class StreamedUpload(UploadedFile):  # type: ignore[misc]
    """An uploaded file on disk, with its size and SHA-256 computed while it was written."""

    def __init__(self, file: Any, name: str, content_type: str, size: int, sha256: str) -> None:
        super().__init__(file, name, content_type, size, None, None)
        self.sha256 = sha256

    def temporary_file_path(self) -> str:
        return str(self.file.name)

    def close(self) -> None:
        with contextlib.suppress(FileNotFoundError):  # already removed: nothing to free
            self.file.close()


class StreamingUploadHandler(FileUploadHandler):  # type: ignore[misc]
    """Write each uploaded file to ``UPLOAD_DIR/.partial`` chunk by chunk; enforce the limit."""

    chunk_size = 64 * 1024

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit: int = int(settings.MAX_UPLOAD_BYTES)
        self.file: Any = None
        self._hash = hashlib.sha256()
        self._written = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        partial = Path(settings.UPLOAD_DIR) / ".partial"
        partial.mkdir(parents=True, exist_ok=True)
        self.file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed with the request
            prefix="upload-", suffix=".part", dir=partial
        )
        self._hash = hashlib.sha256()
        self._written = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._written += len(raw_data)
        if self._written > self.limit:
            self.file.close()  # deletes the partial file: nothing of it is kept
            mb = self.limit / (1024 * 1024)
            _refuse(
                self.request,
                f"{self.file_name} is larger than the upload limit of {mb:g} MB",
                "compress it (gzip is read as is), split it, or ask an admin to raise "
                "ONEVOICE_MAX_UPLOAD_MB; or ingest it with the CLI: onevoice ingest FILE",
            )
            raise SkipFile()
        self.file.write(raw_data)
        self._hash.update(raw_data)
        return None

    def file_complete(self, file_size: int) -> StreamedUpload:
        self.file.flush()
        self.file.seek(0)
        return StreamedUpload(
            self.file,
            self.file_name,
            self.content_type,
            self._written,
            self._hash.hexdigest(),
        )

    def upload_interrupted(self) -> None:
        if self.file is not None:
            self.file.close()


def _refuse(request: HttpRequest | None, message: str, hint: str) -> None:
    if request is not None:
        setattr(request, _REFUSAL, UploadRefused(message, hint=hint))


def upload_refusal(request: HttpRequest) -> UploadRefused | None:
    """Why the upload handler dropped a file of ``request`` (read ``request.FILES`` first)."""
    refusal: UploadRefused | None = getattr(request, _REFUSAL, None)
    return refusal


def safe_name(name: str, max_length: int = 120) -> str:
    """A file name safe to store: ASCII letters, digits, ``.-_``; no leading dots.

    >>> safe_name("../../etc/pass wd;.jsonl")
    'pass_wd_.jsonl'
    """
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip("._-") or "upload"
    if len(base) > max_length:
        stem, dot, ext = base.rpartition(".")
        ext = ext[:16] if dot else ""
        base = (stem or base)[: max_length - len(ext) - 1] + (f".{ext}" if ext else "")
    return base


def format_choices() -> list[tuple[str, str]]:
    """("auto", …) then every ingest format as (name, description), for the upload form."""
    from onevoice.ingest.formats import FORMATS, get_format

    choices = [("auto", "Detect from the content")]
    choices += [(name, f"{name}: {get_format(name).DESCRIPTION}") for name in FORMATS]
    return choices


@dataclass
class KeptUpload:
    """Where :func:`keep_upload` put a file and what it found out."""

    path: Path
    size: int
    sha256: str
    format: str
    detected: bool


def keep_upload(upload: StreamedUpload, fmt: str, prefix: str) -> KeptUpload:
    """Check ``upload``'s format and link it into ``UPLOAD_DIR`` as ``PREFIX-NAME``.

    Args:
        upload: the file as the handler wrote it.
        fmt: a format name, or ``"auto"`` to sniff the content like ``onevoice ingest`` does.
        prefix: what makes the stored name unique (a timestamp and the hash).

    Raises:
        UploadRefused: the file is empty.
        UsageError: ``fmt`` is not a format.
        InputError: ``fmt`` is ``auto`` and the content matches none of the formats.
    """
    from onevoice.ingest.formats import detect_format, get_format
    from onevoice.ingest.source import open_source

    if upload.size == 0:
        raise UploadRefused(f"{upload.name} is empty", hint="choose the export file itself")
    temp = upload.temporary_file_path()
    if fmt and fmt != "auto":
        module = get_format(fmt)
        detected = False
    else:
        source = open_source(temp)
        try:
            module = detect_format(source.sample())
        except InputError as exc:
            raise type(exc)(
                f"{upload.name} matches none of the formats ingest reads",
                hint="if you know the format, choose it in the list (each is described "
                "there); 'onevoice formats' lists them too",
            ) from exc
        detected = True
    target_dir = Path(settings.UPLOAD_DIR)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{prefix}-{safe_name(upload.name or 'upload')}"
    try:
        os.link(temp, target)
    except OSError:  # another file system: copy (streamed) instead
        import shutil

        shutil.copyfile(temp, target)
    os.chmod(target, 0o600)
    return KeptUpload(target, upload.size, upload.sha256, str(module.NAME), detected)
