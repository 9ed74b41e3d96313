"""The fact-check library: imports as transactions, content-hash ids, rejects, the golden
export, and the import → export → import round trip.

After an intended change to the export, rewrite the golden file with::

    ONEVOICE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/claims/test_factcheck_library.py
"""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from onevoice.claims.export import export_feed, to_claimreview
from onevoice.claims.library import (
    FactCheck,
    factcheck_id,
    import_factchecks,
    list_factchecks,
    load_library,
)
from onevoice.errors import MissingColumns, UnknownFormat, UnreadableInput, UsageError
from onevoice.store import Store
from tests.conftest import rows

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "claims"
GOLDEN = FIX / "golden" / "export.jsonld"
UPDATE = os.environ.get("ONEVOICE_UPDATE_GOLDEN") == "1"
GOOD = [
    "object.jsonld",
    "list.jsonld",
    "graph.jsonld",
    "feed.jsonld",
    "lines.jsonl",
    "page.html",
    "factchecks.csv",
]
#: The 40-record multilingual feed another part of the project ships with the package.
PACKAGED_FEED = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "onevoice"
    / "claims"
    / "data"
    / "factchecks.jsonld"
)
CONTENT = (
    "factcheck_id, url, claim, title, rating, rating_original, rating_value, best_rating, "
    "worst_rating, publisher, publisher_url, lang, date_published, claim_date, claimant, "
    "appearances"
)


def import_all(store: Store, names: list[str]) -> int:
    return sum(import_factchecks(store, str(FIX / n)).posts_added for n in names)


def content_rows(store: Store) -> list[dict[str, Any]]:
    return rows(store, f"SELECT {CONTENT} FROM factchecks ORDER BY factcheck_id")


def test_imports_count_formats_and_ids(store: Store) -> None:
    results = [import_factchecks(store, str(FIX / n)) for n in GOOD]
    assert [(r.format, r.records_read, r.posts_added, r.rejected) for r in results] == [
        ("claimreview-jsonld", 1, 1, 0),
        ("claimreview-jsonld", 2, 2, 0),
        ("claimreview-jsonld", 2, 2, 0),
        ("claimreview-jsonld", 4, 4, 0),
        ("claimreview-jsonld", 3, 3, 0),
        ("claimreview-html", 2, 2, 0),
        ("factcheck-csv", 3, 3, 0),
    ]
    imports = rows(store, "SELECT format, posts_added, posts_known, rejected FROM imports")
    assert len(imports) == len(GOOD) and imports[5]["format"] == "claimreview-html"
    url = "https://factcheck.example.org/2024/03/g20-summit-cancelled"
    expected = "fc:" + hashlib.sha256(url.encode()).hexdigest()[:16]
    assert store.scalar("SELECT factcheck_id FROM factchecks WHERE url = ?", [url]) == expected


def test_id_without_url_hashes_publisher_claim_and_date() -> None:
    when = datetime(2024, 4, 5, tzinfo=UTC)
    key = "Faktencheck Beispiel\x1fA claim\x1f2024-04-05T00:00:00+00:00"
    assert factcheck_id(None, "Faktencheck Beispiel", "A claim", when) == (
        "fc:" + hashlib.sha256(key.encode()).hexdigest()[:16]
    )
    assert factcheck_id(None, "P", "A claim", when) != factcheck_id(None, "P", "A claim", None)


def test_reimport_adds_nothing(store: Store) -> None:
    first = import_factchecks(store, str(FIX / "feed.jsonld"))
    again = import_factchecks(store, str(FIX / "feed.jsonld"))
    assert (first.posts_added, first.posts_known) == (4, 0)
    assert (again.posts_added, again.posts_known) == (0, 4)
    assert store.scalar("SELECT count(*) FROM factchecks") == 4
    assert store.scalar("SELECT count(*) FROM imports") == 2


def test_language_is_detected_when_not_stated(store: Store) -> None:
    import_factchecks(store, str(FIX / "graph.jsonld"))
    import_factchecks(store, str(FIX / "factchecks.csv"))
    langs = dict(store.execute("SELECT claim[:12], lang FROM factchecks").fetchall())
    assert langs["Die Bundesre"] == "de"  # no inLanguage in the record
    assert langs["Il governo i"] == "it"  # empty lang cell


def test_bad_records_go_to_rejects_and_the_rest_is_kept(store: Store) -> None:
    result = import_factchecks(store, str(FIX / "bad.jsonl"))
    assert (result.records_read, result.posts_added, result.rejected, result.warnings) == (
        7,
        2,
        5,
        3,
    )
    got = rows(store, "SELECT line, severity, reason, excerpt FROM rejects ORDER BY severity, line")
    assert [(r["line"], r["severity"]) for r in got] == [
        (2, "error"), (3, "error"), (4, "error"), (7, "error"), (8, "error"),
        (6, "warning"), (6, "warning"), (6, "warning"),
    ]  # fmt: skip
    assert got[1]["reason"] == "no claimReviewed (the claim text is required)"
    assert got[1]["excerpt"].startswith('{"@type":"ClaimReview","url":"https://factcheck')
    kept = store.scalar("SELECT date_published FROM factchecks WHERE url LIKE '%bad-dates'")
    assert kept is None
    imp = rows(store, "SELECT records_read, posts_added, rejected, warnings FROM imports")
    assert imp == [{"records_read": 7, "posts_added": 2, "rejected": 5, "warnings": 3}]


@pytest.mark.parametrize(
    ("name", "fmt", "error", "message"),
    [
        ("not_json.jsonld", None, UnreadableInput, "invalid JSON"),
        ("no_claimreview.jsonld", None, UnknownFormat, "no schema.org ClaimReview found"),
        ("wrong_columns.csv", None, UnknownFormat, "not ClaimReview JSON-LD"),
        ("wrong_columns.csv", "csv", MissingColumns, "missing required columns claim, rating"),
        ("missing.jsonld", None, UnreadableInput, "no such file"),
    ],
)
def test_a_file_that_fails_as_a_whole_writes_nothing(
    store: Store, name: str, fmt: str | None, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        import_factchecks(store, str(FIX / name), fmt)
    assert store.scalar("SELECT count(*) FROM imports") == 0
    assert store.scalar("SELECT count(*) FROM factchecks") == 0


def test_unknown_format_name_is_a_usage_error(store: Store) -> None:
    with pytest.raises(UsageError, match="unknown fact-check format 'xml'"):
        import_factchecks(store, str(FIX / "object.jsonld"), "xml")


def test_list_filters_and_orders(store: Store) -> None:
    import_all(store, GOOD)
    false = list_factchecks(store, rating="false")
    assert false and all(fc.rating == "false" for fc in false)
    dates = [fc.date_published for fc in false if fc.date_published]
    assert dates == sorted(dates, reverse=True)
    assert [fc.lang for fc in list_factchecks(store, lang="KO")] == ["ko"]
    assert len(list_factchecks(store, limit=3)) == 3
    with pytest.raises(UsageError):
        list_factchecks(store, rating="pants")


def test_load_library_gives_typed_records_in_id_order(store: Store) -> None:
    import_all(store, GOOD)
    library = load_library(store)
    assert len(library) == 17
    assert [fc.factcheck_id for fc in library] == sorted(fc.factcheck_id for fc in library)
    assert all(isinstance(fc, FactCheck) and isinstance(fc.appearances, tuple) for fc in library)
    obj = next(fc for fc in library if fc.claimant == "Viral Account")
    assert obj.appearances[0] == "https://social.example/@viral/111"


def export_bytes(store: Store) -> bytes:
    out = io.BytesIO()
    export_feed(store, out)
    return out.getvalue()


def test_export_matches_the_golden_file(store: Store) -> None:
    import_all(store, GOOD)
    got = export_bytes(store)
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(got)
    assert GOLDEN.exists(), f"no golden file {GOLDEN}; run with ONEVOICE_UPDATE_GOLDEN=1"
    assert got.decode("utf-8") == GOLDEN.read_text(encoding="utf-8")
    feed = orjson.loads(got)
    assert feed["@type"] == "DataFeed" and len(feed["dataFeedElement"]) == 17
    pants = next(e for e in feed["dataFeedElement"] if "g20-summit" in e.get("url", ""))
    assert pants["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Pants on Fire",
        "ratingValue": 1,
        "bestRating": 6,
        "worstRating": 1,
    }


def test_round_trip_import_export_import_gives_identical_rows(store: Store, tmp_path: Path) -> None:
    import_all(store, [*GOOD, "bad.jsonl", "bad.csv", "bad_page.html"])
    exported = tmp_path / "export.jsonld"
    exported.write_bytes(export_bytes(store))
    with Store(tmp_path / "again") as again:
        result = import_factchecks(again, str(exported))
        assert (result.rejected, result.warnings) == (0, 0)
        assert content_rows(again) == content_rows(store)
        assert export_bytes(again) == exported.read_bytes()


def test_text_streams_get_the_same_export(store: Store) -> None:
    import_all(store, ["feed.jsonld"])
    text = io.StringIO()
    assert export_feed(store, text) == 4
    assert text.getvalue().encode() == export_bytes(store)


def test_to_claimreview_standalone_has_a_context() -> None:
    fc = FactCheck("fc:1", "A claim", None, "unrated", None, None, (), None, None, rating_value=3.5)
    assert to_claimreview(fc) == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "A claim",
        "reviewRating": {"@type": "Rating", "ratingValue": 3.5},
        "itemReviewed": {"@type": "Claim"},
    }


def test_the_packaged_feed_imports_without_rejects(store: Store) -> None:
    result = import_factchecks(store, str(PACKAGED_FEED))
    assert (result.rejected, result.warnings) == (0, 0)
    assert result.posts_added == 40
    # every published wording of the feed is one the normaliser knows
    unknown = [fc.rating_original for fc in load_library(store) if fc.rating == "unrated"]
    assert set(unknown) <= {"Unproven"}
