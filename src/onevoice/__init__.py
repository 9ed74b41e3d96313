"""OneVoice: expose disinformation networks and speak with one voice.

The library comes first and the CLI (``onevoice …``) is a thin layer on top of it.
The public entry points of this first release are :func:`onevoice.ingest.ingest_files`
and :class:`onevoice.store.Store`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
