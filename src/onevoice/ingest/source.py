"""Input files as the format readers see them: opened once, hashed, sniffed, streamed.

Standard input (``-``) is spooled to a temporary file first, so it can be sniffed, hashed and
read like any file. A gzip-compressed file is read through transparently.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import ijson
import orjson

from onevoice.errors import UnreadableInput

__all__ = ["STDIN", "Sample", "Source", "open_source"]

STDIN = "-"
SAMPLE_BYTES = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Source:
    """One input file.

    Attributes:
        name: the file as the user named it (``<stdin>`` for ``-``): shown in messages and
            stored as provenance.
        path: a real file holding the bytes (for stdin, the spooled copy).
        size: bytes on disk (compressed size for gzip), for the progress bar.
        sha256: hash of the bytes on disk.
    """

    name: str
    path: Path
    size: int
    sha256: str
    compressed: bool = False
    _raw: IO[bytes] | None = field(default=None, repr=False)

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """Open the (decompressed) bytes; :meth:`position` then tracks progress."""
        raw = open(self.path, "rb")  # noqa: SIM115 - closed below
        self._raw = raw
        try:
            if self.compressed:
                with gzip.GzipFile(fileobj=raw) as gz:
                    yield cast(IO[bytes], gz)
            else:
                yield raw
        finally:
            raw.close()
            self._raw = None

    def position(self) -> int:
        """Bytes of the file on disk consumed so far (0 when not open)."""
        raw = self._raw
        if raw is None or raw.closed:
            return 0
        try:
            return raw.tell()
        except (OSError, ValueError):
            return 0

    def sample(self) -> Sample:
        """The first 64 KiB (decompressed) and the name, for format sniffing."""
        with self.open() as f:
            head = f.read(SAMPLE_BYTES)
        return Sample(name=self.name, head=head)


@dataclass
class Sample:
    """The start of a file, given to each format's ``sniff`` function."""

    name: str
    head: bytes

    @property
    def text(self) -> str:
        """The head as text (BOM stripped, undecodable bytes replaced)."""
        return self.head.decode("utf-8", errors="replace").lstrip("\ufeff")

    def first_line(self) -> bytes:
        return self.head.lstrip(b"\xef\xbb\xbf").lstrip().split(b"\n", 1)[0].strip()

    def jsonl_first(self) -> Any:
        """The first line parsed as JSON, or ``None`` if it does not parse alone."""
        line = self.first_line()
        if not line.startswith((b"{", b"[")):
            return None
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:
            return None

    def json_top_keys(self) -> tuple[str, list[str]]:
        """Kind of the top-level JSON value and the keys seen in the sample.

        Returns ``("object", [keys of the top object])``, ``("array", [keys of its first
        element])``, or ``("", [])`` when the sample is not JSON. Parsing stops at the end of
        the sample, so a large document is sniffed from its start alone.
        """
        body = self.head.lstrip(b"\xef\xbb\xbf").lstrip()
        if not body.startswith((b"{", b"[")):
            return "", []
        kind = "object" if body.startswith(b"{") else "array"
        keys: list[str] = []
        want = "map_key"
        depth_target = 1 if kind == "object" else 2
        depth = 0
        try:
            for _prefix, event, value in ijson.parse(io.BytesIO(body)):
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if kind == "array" and depth == 1:
                        break
                elif event == want and depth == depth_target:
                    keys.append(str(value))
        except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError):
            pass
        return kind, keys

    def csv_header(self) -> list[str] | None:
        """The header row of a CSV sample (names stripped), or ``None``."""
        import csv

        line = self.text.split("\n", 1)[0].strip("\r")
        if not line or line.startswith(("{", "[")) or ("," not in line and "\t" not in line):
            return None
        delim = "\t" if line.count("\t") > line.count(",") else ","
        try:
            row = next(csv.reader([line], delimiter=delim))
        except (csv.Error, StopIteration):
            return None
        return [c.strip() for c in row]


def _hash_file(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def open_source(name: str, spool_dir: Path | None = None) -> Source:
    """Resolve ``name`` (a path, or ``-`` for stdin) to a :class:`Source`.

    Raises:
        UnreadableInput: the file is missing, a directory, unreadable or empty.
    """
    if name == STDIN:
        spool = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept until the process ends
            prefix="stdin-", dir=spool_dir, delete=False
        )
        with spool:
            shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
        path = Path(spool.name)
        shown = "<stdin>"
    else:
        path = Path(name)
        shown = name
        if not path.exists():
            raise UnreadableInput(f"cannot read {name}: no such file")
        if path.is_dir():
            raise UnreadableInput(f"cannot read {name}: it is a directory")
    try:
        size, digest = _hash_file(path)
        with open(path, "rb") as f:
            magic = f.read(2)
    except OSError as exc:
        raise UnreadableInput(f"cannot read {shown}: {exc.strerror or exc}") from exc
    if size == 0:
        raise UnreadableInput(f"cannot read {shown}: the file is empty")
    return Source(name=shown, path=path, size=size, sha256=digest, compressed=magic == _GZIP_MAGIC)
