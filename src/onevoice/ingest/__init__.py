"""Ingest platform exports into the analytic store (one module per export format)."""

from onevoice.ingest.pipeline import ImportResult, ingest_file, ingest_files

__all__ = ["ImportResult", "ingest_file", "ingest_files"]
