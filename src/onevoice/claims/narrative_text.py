"""Text pieces of narrative clustering: normal form, numbers, tokens, c-TF-IDF terms.

- :func:`normalise_post` is the *key* under which posts are deduplicated before embedding:
  Unicode NFKC, case-folded, a leading ``RT @user:`` dropped, URLs, @mentions, emoji and
  other symbols removed, white space collapsed. Copies that differ only by a link, a
  mention, an emoji or capitals are embedded once and counted with their multiplicity.
- :func:`numbers_of` / :func:`numbers_disagree` are the numeric half of the lexical guard:
  "the fund was cut by 100 billion" and "… by 10 billion" are one topic but two claims.
  A digit run glued to a preceding Latin/Cyrillic/… letter is part of a name (``G20``,
  ``COP29``) and not a number; CJK text writes numbers next to characters, so those count.
- :func:`tokens` splits words for the distinctive terms; scripts written without spaces
  (Chinese, Japanese, Thai, …) give overlapping character bigrams instead, the usual
  fallback when no word segmenter is at hand.
- :func:`ctfidf_terms` is class-based TF-IDF (Grootendorst 2022, "BERTopic: Neural topic
  modeling with a class-based TF-IDF procedure", arXiv:2203.05794): every cluster is one
  document, ``W(t, c) = sqrt(tf(t, c) / |c|) · log(1 + A / f(t))`` where ``|c|`` is the
  class's token count, ``A`` the mean token count per class and ``f(t)`` the frequency of
  ``t`` over all classes. The square root is BERTopic's ``reduce_frequent_words`` option: a
  multilingual cluster says its topic word once per language, while the event's name (the
  same in every language) would otherwise top every list.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = [
    "ctfidf_terms",
    "display_width",
    "normalise_post",
    "numbers_disagree",
    "numbers_of",
    "strip_links",
    "tokens",
]

_RT = re.compile(r"^\s*rt\s+@[\w.\-]+:?\s*")
_URL = re.compile(r"https?://\S+|www\.\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*")
_URL_ANY_CASE = re.compile(_URL.pattern, re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@[\w.\-]+(?:@[\w.\-]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_WORD = re.compile(r"\w+")
# Scripts written without spaces between words: CJK ideographs, kana, Thai, Lao, Myanmar,
# Khmer. Hangul is written with spaces and is tokenised as words.
_SPACELESS = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff]+"
)
_STOPWORD_LINES = (
    "the a an and or of to in on for is are was were be been by with at from as it this that",
    "these those not no but its their they we you he she his her our has have had will would",
    "who what why how all every one even just only very more than so if then there here",
    "le la les un une des du de et ou est sont été par pour dans sur au aux ce cette qui que",
    "il elle ils nous vous pas ne se sa son ses leur avec",
    "el los las una unos y o es son fue por para en con del al lo que se su sus no ya",
    "der die das ein eine einen einem einer und oder ist sind war wurde von zu im mit den dem",
    "des auf für nicht sich es sie er wir ihr wie was wer auch noch nur",
    "o os as um uma e é são foi por para em com do da dos das ao que se não",
    "il lo gli le un una e è sono di da per con su che non si",
)
#: Function words of the most frequent languages; c-TF-IDF down-weights the rest.
STOPWORDS = frozenset(w for line in _STOPWORD_LINES for w in line.split())


def normalise_post(text: str | None) -> str:
    """The deduplication key of a post's text (see the module docstring).

    >>> normalise_post("RT @bob: Leaked!!  The DECLARATION 😡 https://t.co/x @ann #G20")
    'leaked!! the declaration #g20'
    """
    s = unicodedata.normalize("NFKC", text or "").casefold()
    s = _RT.sub("", s)
    if "/" in s or "www." in s:
        s = _URL.sub(" ", s)
    if "@" in s:
        s = _MENTION.sub(" ", s)
    s = "".join(
        " " if unicodedata.category(ch) in ("So", "Sk", "Cs", "Co", "Cn") else ch
        for ch in s
        if ch not in "\u200d\ufe0f\ufe0e"
    )
    return " ".join(s.split())


def strip_links(text: str) -> str:
    """``text`` without URLs (a narrative's label reads better without them), spacing tidied.

    >>> strip_links("Leaked! https://t.co/x  see www.a.org/b #G20")
    'Leaked! see #G20'
    """
    s = _URL_ANY_CASE.sub(" ", text) if ("/" in text or "www." in text.lower()) else text
    return " ".join(s.split())


def display_width(text: str) -> int:
    """Length in Latin-letter equivalents: East Asian wide characters count twice.

    A 20-character Chinese sentence says about as much as 40 Latin letters, so one length
    threshold serves both.
    """
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _canonical_number(raw: str) -> str:
    digits = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in raw)
    if _THOUSANDS.fullmatch(digits):
        digits = digits.replace(",", "").replace(".", "")
    else:
        digits = digits.replace(",", ".")
    whole, _, frac = digits.partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0").replace(".", "")
    return f"{whole}.{frac}" if frac else whole


def numbers_of(text: str) -> frozenset[str]:
    """The numbers stated in ``text``, canonical (``1,000`` = ``1000``; ``1,5`` = ``1.5``).

    >>> sorted(numbers_of("G20: 1,5 millions en 2030, 40% — COP29"))
    ['1.5', '2030', '40']
    """
    found: set[str] = set()
    for m in _NUMBER.finditer(text):
        start = m.start()
        if start > 0:
            prev = text[start - 1]
            if prev.isalpha() and not _SPACELESS.match(prev):
                continue  # part of a name such as G20
        found.add(_canonical_number(m.group()))
    return frozenset(found)


def numbers_disagree(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when both texts state numbers and neither's numbers contain the other's.

    A paraphrase may drop a number or add one; it does not change one. ``{100, 2030}`` and
    ``{10, 2030}`` disagree; ``{2030}`` and ``{2030, 50}`` do not.
    """
    return bool(a) and bool(b) and not (a <= b or b <= a)


def tokens(text: str) -> list[str]:
    """Word tokens of a normalised text; character bigrams for spaceless scripts.

    >>> tokens("the g20 summit 二十国集团峰会")
    ['g20', 'summit', '二十', '十国', '国集', '集团', '团峰', '峰会']
    """
    out: list[str] = []
    for word in _WORD.findall(text):
        pos = 0
        for m in _SPACELESS.finditer(word):
            _word_token(word[pos : m.start()], out)
            run = m.group()
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
            pos = m.end()
        _word_token(word[pos:], out)
    return out


def _word_token(word: str, out: list[str]) -> None:
    word = word.strip("_")
    if len(word) >= 2 and word not in STOPWORDS:
        out.append(word)


def ctfidf_terms(
    classes: Sequence[Iterable[tuple[str, int]]], *, top: int = 8, min_posts: int = 2
) -> list[list[str]]:
    """The ``top`` distinctive terms of each class by c-TF-IDF (arXiv:2203.05794).

    Args:
        classes: per class, its (normalised text, multiplicity) pairs. Put the posts that
            fell in no cluster in a class of their own: terms common to everything (the
            event's name, the hashtag of the day) then stop looking distinctive.
        top: terms per class.
        min_posts: a term must occur in at least this many posts of the class (capped at
            the class size), so one post's odd word is not a narrative's term.

    Returns:
        One list per class, best first; ties broken alphabetically.
    """
    counts: list[Counter[str]] = []
    post_counts: list[Counter[str]] = []
    sizes: list[int] = []
    for members in classes:
        tf: Counter[str] = Counter()
        df: Counter[str] = Counter()
        size = 0
        for text, mult in members:
            toks = tokens(text)
            for t in toks:
                tf[t] += mult
            for t in set(toks):
                df[t] += mult
            size += mult
        counts.append(tf)
        post_counts.append(df)
        sizes.append(size)
    freq: Counter[str] = Counter()
    for tf in counts:
        freq.update(tf)
    totals = [sum(tf.values()) for tf in counts]
    avg = sum(totals) / max(len(counts), 1)
    out: list[list[str]] = []
    for tf, df, total, size in zip(counts, post_counts, totals, sizes, strict=True):
        need = min(min_posts, size)
        scored = [
            (math.sqrt(tf[t] / total) * math.log(1.0 + avg / freq[t]), t)
            for t in tf
            if df[t] >= need and total > 0
        ]
        scored.sort(key=lambda st: (-round(st[0], 12), st[1]))
        out.append([t for _, t in scored[:top]])
    return out
