"""The static export of the demo hub: every language, no broken internal link, searchable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from onevoice.hub.export import export_hub
from onevoice.hub.static_export import check_links

pytestmark = pytest.mark.django_db


def test_demo_site_exports_without_broken_links(demo: dict[str, Any], tmp_path: Path) -> None:
    result = export_hub(tmp_path / "site", search=True)
    out = tmp_path / "site"
    assert result.broken_links == [] and check_links(out) == []
    assert result.pages >= 20
    for lang in ("en", "fr", "ar"):
        home = (out / lang / "hub" / "index.html").read_text(encoding="utf-8")
        assert f'lang="{lang}"' in home
    assert 'dir="rtl"' in (out / "ar" / "hub" / "index.html").read_text(encoding="utf-8")
    assert (out / "sitemap.xml").is_file()
    # Pagefind indexed the pages, per language
    meta = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {"en", "fr", "ar"} <= set(meta["languages"])


def test_drafts_and_restricted_pages_are_not_exported(demo: dict[str, Any], tmp_path: Path) -> None:
    from onevoice.hub.models import DocumentPage

    doc = DocumentPage.objects.live().first()
    assert doc is not None
    doc.title = "Sample restricted document"
    doc.tlp = "amber"
    doc.save_revision().publish()
    export_hub(tmp_path / "site", search=False)
    text = " ".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "Sample restricted document" not in text
