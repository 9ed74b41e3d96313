"""The hand-written multilingual claim-matching fixture set shipped in ``claims/data/``.

Written by the OneVoice authors for testing (no text is taken from any real fact-checker or
platform; the publisher "Example Fact Check" at ``example.org`` is fictional):

- ``factchecks.jsonld``: one schema.org ``DataFeed`` of 40 English ``ClaimReview`` records
  on typical hoax types (health, elections, climate, migration, money, disasters, fabricated
  quotes, deepfakes, food, scams, G20 summits);
- ``posts.csv``: posts in the 14 G20 languages, in OneVoice's generic CSV
  (``onevoice ingest --format csv``), that either repeat one of the claims in other words or
  are near-miss distractors of one;
- ``posts_truth.csv``: the answer key, one row per post.

The kinds of post (:data:`KINDS`), after the evaluation designs of claim-matching benchmarks
(CheckThat! 2020-2022 task 2, Nakov et al.; MultiClaim, Pikuliak et al. 2023), with near
misses added because a deployed matcher must also *not* match:

- ``repeat``: states the claim of ``factcheck_url`` (a paraphrase in English, a free
  translation in the other languages). A matcher should rank that fact-check first.
- ``distractor_entity``: the same entity as the claim of ``near_url`` but a different claim
  (the same vaccine, said to cause hair loss, which no fact-check covers).
- ``distractor_number``: the same kind of claim with a different number or date that makes
  it a different fact (a new 200 note, not the 500 note withdrawn on 1 March).
- ``neutral``: an ordinary, true post on the topic of ``near_url`` (a vaccination centre
  opens on Monday).

Distractors should score below the match threshold. :func:`truth` reads the answer key.

Example:
    >>> rows = truth()
    >>> sorted({r.lang for r in rows}) == sorted(LANGS)
    True
    >>> factchecks_path().name
    'factchecks.jsonld'
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from onevoice.claims.match import Entry

__all__ = [
    "DATA_DIR",
    "KINDS",
    "LANGS",
    "Kind",
    "TruthRow",
    "entries",
    "factchecks_path",
    "posts_path",
    "read_truth",
    "truth",
    "truth_path",
]

#: The folder of the fixture files (installed with the package as package data).
DATA_DIR = Path(__file__).resolve().parent / "data"

#: ISO 639-1 codes of the 14 G20 languages the posts are written in.
LANGS = ("ar", "zh", "en", "fr", "de", "hi", "id", "it", "ja", "ko", "pt", "ru", "es", "tr")

Kind = Literal["repeat", "distractor_entity", "distractor_number", "neutral"]
#: The kinds of post in ``posts_truth.csv``; every kind but ``repeat`` is a distractor.
KINDS: tuple[Kind, ...] = ("repeat", "distractor_entity", "distractor_number", "neutral")

_HEADER = ["post_id", "lang", "kind", "factcheck_url", "near_url"]


@dataclass(frozen=True)
class TruthRow:
    """The answer for one fixture post.

    Attributes:
        post_id: the native ``post_id`` in ``posts.csv`` (``fx-<lang>-<nn>``).
        lang: ISO 639-1 code of the post.
        kind: one of :data:`KINDS`.
        factcheck_url: the ``ClaimReview`` url the post repeats (``repeat`` only, else None).
        near_url: the ``ClaimReview`` url a distractor is a near miss of (else None).
    """

    post_id: str
    lang: str
    kind: Kind
    factcheck_url: str | None
    near_url: str | None

    @property
    def is_distractor(self) -> bool:
        """True for every kind that must not be matched (all but ``repeat``)."""
        return self.kind != "repeat"


def factchecks_path() -> Path:
    """The JSON-LD ``DataFeed`` of the 40 fixture ``ClaimReview`` records."""
    return DATA_DIR / "factchecks.jsonld"


def posts_path() -> Path:
    """The fixture posts, in OneVoice's generic CSV format."""
    return DATA_DIR / "posts.csv"


def truth_path() -> Path:
    """The answer key: one row per post of :func:`posts_path`."""
    return DATA_DIR / "posts_truth.csv"


def read_truth(path: Path) -> list[TruthRow]:
    """Read an answer key in the ``posts_truth.csv`` layout.

    Raises:
        ValueError: the header, a row's width or a kind is wrong (a broken fixture).
    """
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != _HEADER:
            raise ValueError(f"{path}: header is {header}, expected {_HEADER}")
        out = []
        for line, row in enumerate(reader, start=2):
            if len(row) != len(_HEADER):
                raise ValueError(f"{path}:{line}: {len(row)} fields, expected {len(_HEADER)}")
            post_id, lang, kind, factcheck_url, near_url = row
            if kind not in KINDS:
                raise ValueError(f"{path}:{line}: unknown kind {kind!r}")
            out.append(
                TruthRow(
                    post_id=post_id,
                    lang=lang,
                    kind=kind,
                    factcheck_url=factcheck_url or None,
                    near_url=near_url or None,
                )
            )
    return out


@cache
def _shipped_truth() -> tuple[TruthRow, ...]:
    return tuple(read_truth(truth_path()))


def truth() -> list[TruthRow]:
    """The shipped answer key, in file order (a fresh list; the rows are frozen).

    Raises:
        ValueError: the shipped file is broken (see :func:`read_truth`).
    """
    return list(_shipped_truth())


def entries() -> list[Entry]:
    """The fixture feed as matcher entries, id = the review's URL (as ``factcheck_url``)."""
    from onevoice.claims.match import Entry
    from onevoice.ingest.normalise import canonical_url

    feed = json.loads(factchecks_path().read_text(encoding="utf-8"))
    out = []
    for el in feed["dataFeedElement"]:
        cr = el.get("item", el)
        apps = [a["url"] if isinstance(a, dict) else a for a in cr["itemReviewed"]["appearance"]]
        urls = tuple(u for u in (canonical_url(x) for x in [cr["url"], *apps]) if u)
        out.append(
            Entry(cr["url"], cr["claimReviewed"], cr.get("headline"), urls, cr["inLanguage"])
        )
    return out
