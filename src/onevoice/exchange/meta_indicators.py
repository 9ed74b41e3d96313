"""Meta's threat-research indicator CSVs as draft cases (facebook/threat-research, MIT).

Each coordinated-inauthentic-behaviour (CIB) file lists one network's indicators under
Meta's *Online Operations Kill Chain* (Nimmo & Hutchins, 2023): columns Tactic, Technique,
Procedure, Indicator and a free-text column spelled ``Notes``, ``Note`` or ``Comments``;
headers carry stray spaces (``Tactic ``). Columns are mapped by their normalised name
(lower case, letters only); an unknown header is reported with its file and line, never
guessed. Indicators are defanged in the files (``example[.]org``, ``hxxps://``, ``[at]``)
and are refanged and classified by :func:`onevoice.exchange.defang.classify`; free text
(``"63 accounts"``, a quoted post) is kept as an ``other`` indicator.

One file gives one draft :class:`~onevoice.exchange.model.CaseExport` with Meta as source,
TLP:CLEAR (the files are public), its indicators, and the DISARM 1.7 techniques that Meta's
kill-chain techniques map to in ``data/meta_killchain_disarm.csv`` — a reviewed table that
maps a Meta technique only where the correspondence is clear and leaves the rest unmapped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onevoice.errors import MissingColumns, UnreadableInput
from onevoice.exchange.defang import classify
from onevoice.exchange.model import CaseExport, IndicatorRef, Technique

__all__ = [
    "KILLCHAIN_MAP",
    "MetaImport",
    "killchain_map",
    "meta_technique_id",
    "read_meta_csv",
    "read_meta_dir",
]

KILLCHAIN_MAP = Path(__file__).parent / "data" / "meta_killchain_disarm.csv"
_COLUMNS = {
    "tactic": "tactic",
    "technique": "technique",
    "procedure": "procedure",
    "indicator": "indicator",
    "indicators": "indicator",
    "notes": "notes",
    "note": "notes",
    "comments": "notes",
    "comment": "notes",
}
_REQUIRED = ("tactic", "technique", "procedure", "indicator")
_TECH_NUM = re.compile(r"^\s*(\d+\.\d+)\.?\s")
_QUARTER = re.compile(r"Q(\d)(?:_\d)?_(\d{4})", re.I)


@dataclass
class MetaImport:
    """One Meta file read: the draft case, the per-kind counts and any problems."""

    path: Path
    case: CaseExport
    counts: dict[str, int]
    techniques: dict[str, str]  # Meta technique number → name as written in the file
    problems: list[str] = field(default_factory=list)  # "file:line: reason"


def meta_technique_id(cell: str) -> str:
    """The number of a Meta technique cell (``"0.9 Acquiring …"`` → ``"0.9"``), or ``""``."""
    match = _TECH_NUM.match(cell + " ")
    return match.group(1) if match else ""


def killchain_map(path: Path = KILLCHAIN_MAP) -> dict[str, tuple[str, str, str]]:
    """Meta technique number → ``(name, DISARM id or "", reason)`` from the mapping table."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["meta_id"]: (row["meta_technique"], row["disarm_id"], row["reason"])
            for row in csv.DictReader(handle)
        }


def _title(stem: str) -> str:
    text = re.sub(r"^(Q\d(?:_\d)?_\d{4}_)\1", r"\1", stem)  # "Q2_3_2025_Q2_3_2025_…"
    text = text.replace("T_rkiye", "Türkiye").replace("_", " ")
    return f"Meta CIB indicators: {text}"


def _timestamp(stem: str) -> str:
    match = _QUARTER.search(stem)
    if match is None:
        return "2020-01-01T00:00:00.000Z"
    month = 3 * (int(match.group(1)) - 1) + 1
    return f"{match.group(2)}-{month:02d}-01T00:00:00.000Z"


def _index_entry(path: Path, index: list[dict[str, Any]]) -> dict[str, Any]:
    for entry in index:
        files = (entry.get("indicators") or {}).get("csv_files") or []
        if any(Path(str(f)).name == path.name for f in files):
            return entry
    return {}


def read_meta_csv(path: str | Path, *, index: list[dict[str, Any]] | None = None) -> MetaImport:
    """Read one Meta CIB indicator file into a draft case.

    Args:
        path: the CSV file.
        index: the repository's ``index.json`` entries; when one lists this file, its
            reference URLs become the case's references.

    Raises:
        UnreadableInput: the file is missing, unreadable or empty.
        MissingColumns: Tactic, Technique, Procedure or Indicator is absent.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableInput(f"cannot read {path}: {exc}") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UnreadableInput(f"{path} is empty")
    problems: list[str] = []
    columns: dict[str, int] = {}
    for pos, header in enumerate(rows[0]):
        key = re.sub(r"[^a-z]", "", header.lower())
        if key in _COLUMNS:
            columns.setdefault(_COLUMNS[key], pos)
        elif header.strip():
            problems.append(f"{path.name}:1: unknown column {header!r} ignored")
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise MissingColumns(f"{path.name}: no {', '.join(missing)} column")
    mapping = killchain_map()
    indicators: dict[tuple[str, str, str], IndicatorRef] = {}
    seen_techniques: dict[str, str] = {}
    disarm_ids: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        cell = {name: (row[pos].strip() if pos < len(row) else "") for name, pos in columns.items()}
        if not any(cell.values()):
            continue
        number = meta_technique_id(cell["technique"])
        if number:
            seen_techniques.setdefault(number, cell["technique"])
            if number in mapping and mapping[number][1]:
                disarm_ids.add(mapping[number][1])
            elif number not in mapping:
                problems.append(f"{path.name}:{line}: Meta technique {number!r} not in the map")
        if not cell["indicator"]:
            continue
        kind, value, platform = classify(cell["indicator"])
        note = " / ".join(v for v in (cell["technique"], cell["procedure"]) if v)
        if cell.get("notes"):
            note += f" — {cell['notes']}"
        ident = (kind, value, platform if kind != "other" else note)
        indicators.setdefault(ident, IndicatorRef(kind, value, platform, note))
    entry = _index_entry(path, index or [])
    when = (
        f"{entry['reported_ds']}T00:00:00.000Z"
        if entry.get("reported_ds")
        else _timestamp(path.stem)
    )
    counts = Counter(i.kind for i in indicators.values())
    case = CaseExport(
        id=f"meta-{path.stem}",
        title=_title(path.stem),
        created=when,
        modified=when,
        summary=(
            f"Indicators of a coordinated inauthentic behaviour network published by Meta "
            f"({path.name}, facebook/threat-research, MIT licence), imported as a draft."
        ),
        status="draft",
        tlp="clear",
        source="Meta",
        techniques=tuple(Technique(t, "1.7") for t in sorted(disarm_ids)),
        indicators=tuple(indicators.values()),
        references=tuple(str(u) for u in entry.get("reference_urls") or []),
    )
    return MetaImport(path, case, dict(sorted(counts.items())), seen_techniques, problems)


def read_meta_dir(folder: str | Path) -> list[MetaImport]:
    """Every ``cib/*.csv`` (or ``*.csv``) of a threat-research checkout, sorted by name."""
    folder = Path(folder)
    index_file = folder / "index.json"
    index = json.loads(index_file.read_text(encoding="utf-8")) if index_file.exists() else []
    files = sorted((folder / "cib").glob("*.csv")) or sorted(folder.glob("*.csv"))
    if not files:
        raise UnreadableInput(f"no Meta indicator CSVs in {folder}")
    return [read_meta_csv(f, index=index) for f in files]
