"""The dashboard reads the store read-only; an empty state when there is none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from onevoice.web.dashboard import load_dashboard

pytestmark = pytest.mark.django_db


def test_empty_state_without_store(client_as: Callable[..., Client]) -> None:
    html = client_as("analyst").get("/dashboard/").content.decode()
    assert "No data to show" in html and "No analytic store is configured" in html


def test_missing_store_folder_is_an_empty_state(tmp_path: Path) -> None:
    data = load_dashboard(tmp_path / "nothing")
    assert data.status == "no_store" and "no store" in data.message.lower()


def test_dashboard_shows_imports_networks_alerts(
    client_as: Callable[..., Client], web_store: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = web_store
    html = client_as("analyst").get("/dashboard/").content.decode()
    assert "file2.jsonl" in html and "file1.jsonl" in html
    assert html.index("file2.jsonl") < html.index("file1.jsonl")  # newest first
    assert "run run1" in html and "hub1" in html and "co-link" in html
    assert "#tag1" in html and "<strong>ongoing</strong>" in html


def test_api_twin_has_the_same_data(
    client_as: Callable[..., Client], web_store: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = web_store
    body = client_as("communicator").get("/api/dashboard").json()
    assert body["status"] == "ok" and body["detect_run"] == "run1"
    assert [n["size"] for n in body["networks"]] == [5, 3]
    assert [a["label"] for a in body["alerts"]] == ["#tag1", "#tag2"]  # ongoing first
    assert [i["source_file"] for i in body["imports"]] == ["file2.jsonl", "file1.jsonl"]


def test_store_is_not_modified(web_store: Path) -> None:
    before = (web_store / "onevoice.duckdb").read_bytes()
    assert load_dashboard(web_store).status == "ok"
    assert (web_store / "onevoice.duckdb").read_bytes() == before
