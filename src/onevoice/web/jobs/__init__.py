"""Uploads of platform exports and the background jobs (ingest, detect, match)."""
