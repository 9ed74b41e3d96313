"""Language identification for posts whose platform gives no language.

Method: Lingua (Stahl, ``lingua-language-detector``), an n-gram model (1–5-grams) that works
on short texts better than CLD or fastText-style classifiers; its models ship inside the
PyPI wheel, so nothing is downloaded. The candidate set is restricted to the languages of the
G20 members and their neighbours (:data:`CANDIDATES`): a smaller set is faster and makes
fewer exotic mistakes on two-word posts. URLs, mentions and hashtag signs are removed first,
since they are not language. A text with fewer than :data:`MIN_LETTERS` letters gets no
language (``None``) rather than a guess, and so does one where the best two candidates are
closer than :data:`MIN_RELATIVE_DISTANCE` (Lingua's own confidence margin).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["CANDIDATES", "detect_languages"]

#: ISO 639-1 codes: the G20 languages first, then frequent neighbours in G20 discourse.
CANDIDATES = (
    "en",
    "fr",
    "de",
    "it",
    "es",
    "pt",
    "ru",
    "zh",
    "ja",
    "ko",
    "ar",
    "hi",
    "id",
    "tr",
    "nl",
    "pl",
    "uk",
    "sv",
    "fa",
    "ur",
    "bn",
    "ms",
    "vi",
    "th",
    "sw",
    "he",
    "el",
    "ro",
)
MIN_LETTERS = 3
MIN_RELATIVE_DISTANCE = 0.05

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@＠][\w.\-@]+|[#＃]")
_detector: Any = None
_lock = threading.Lock()
_cache_lock = threading.Lock()


def _get_detector() -> Any:
    global _detector
    with _lock:
        if _detector is None:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            langs = [
                Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                for code in CANDIDATES
            ]
            _detector = (
                LanguageDetectorBuilder.from_languages(*langs)
                .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE)
                .build()
            )
        return _detector


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = _NOISE.sub(" ", text)
    if sum(ch.isalpha() for ch in cleaned) < MIN_LETTERS:
        return None
    return cleaned


#: Results for recent texts: copy-paste campaigns and reposts repeat texts by the thousand.
_CACHE: dict[str, str | None] = {}
_CACHE_MAX = 200_000


def detect_languages(texts: Sequence[str | None]) -> list[str | None]:
    """Return an ISO 639-1 code (or ``None``) for each text, in order.

    Runs Lingua over the distinct texts not seen recently, on every core; the result for a
    text does not depend on the others in the batch.

    >>> detect_languages(["Das ist ein ganz normaler deutscher Satz.", "ok"])
    ['de', None]
    """
    cleaned = [_clean(t) for t in texts]
    with _cache_lock:  # DuckDB may call from several threads
        todo = list(dict.fromkeys(t for t in cleaned if t is not None and t not in _CACHE))
        if todo:
            found = _get_detector().detect_languages_in_parallel_of(todo)
            if len(_CACHE) + len(todo) > _CACHE_MAX:
                _CACHE.clear()
            for text, lang in zip(todo, found, strict=True):
                _CACHE[text] = None if lang is None else lang.iso_code_639_1.name.lower()
        return [None if t is None else _CACHE[t] for t in cleaned]
