"""The registry of export formats, imported lazily so ``onevoice --help`` stays fast.

Each format is a module of :mod:`onevoice.ingest` with:

- ``NAME``: the ``--format`` value; ``DESCRIPTION``: one line for ``--help`` and errors;
- ``sniff(sample: Sample) -> bool``: does the start of a file look like this format?
- ``read(source: Source, stage: Stage) -> None``: stream the file into the stage, rejecting
  what cannot be read with its line (or record index) and a reason.

Sniffing goes in the order of :data:`FORMATS`: specific formats first, generic CSV last.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from onevoice.errors import UnknownFormat, UsageError
from onevoice.ingest.source import Sample

__all__ = ["FORMATS", "detect_format", "get_format"]

#: format name -> module, in sniffing order.
FORMATS: dict[str, str] = {
    "twarc2": "onevoice.ingest.twarc2",
    "telegram": "onevoice.ingest.telegram",
    "mastodon": "onevoice.ingest.mastodon",
    "bluesky": "onevoice.ingest.bluesky",
    "youtube": "onevoice.ingest.youtube",
    "coortweet": "onevoice.ingest.coortweet",
    "meta-csv": "onevoice.ingest.meta_csv",
    "csv": "onevoice.ingest.generic_csv",
}


def get_format(name: str) -> ModuleType:
    """Return the module of format ``name``.

    Raises:
        UsageError: no such format (the message lists the formats there are).
    """
    if name not in FORMATS:
        raise UsageError(
            f"unknown format '{name}'",
            hint=f"the formats are: {', '.join(FORMATS)}",
        )
    return importlib.import_module(FORMATS[name])


def detect_format(sample: Sample) -> ModuleType:
    """Return the first format whose ``sniff`` accepts ``sample``.

    Raises:
        UnknownFormat: none did; the message names every format that was tried.
    """
    for name in FORMATS:
        module = get_format(name)
        if module.sniff(sample):
            return module
    raise UnknownFormat(
        f"{sample.name} matches none of the formats ({', '.join(FORMATS)})",
        hint="name the format with --format NAME if you know it; 'onevoice formats' describes each",
    )
