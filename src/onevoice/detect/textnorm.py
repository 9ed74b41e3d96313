"""Text normalisation for near-duplicate detection (``co-text``), one text or a batch.

:func:`normalise_text`: NFKC, case-folded, URLs and @mentions dropped, the ``#`` of hashtags
dropped (the tag's word stays), every run of digits one ``0``, punctuation, symbols (emoji)
and control/format characters stripped, whitespace collapsed. :func:`normalise_texts` gives
the same strings for a whole batch, all but NFKC and case folding in one compiled pass
that releases the GIL (:mod:`onevoice.detect.textnorm_kernel`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = ["normalise_text", "normalise_texts", "normalised_code_points"]

U32 = npt.NDArray[np.uint32]

# -- normalisation -------------------------------------------------------------------------
_URL = re.compile(r"https?://\S+|www\.\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*")
_MENTION = re.compile(r"(?<!\w)@[\w.\-]+(?:@[\w.\-]+)?")


class _CharMap(dict[int, int | str]):
    """``str.translate`` table filled on first sight of each code point: punctuation,
    symbols (emoji, ``#``), separators and control/format characters become a space;
    enclosing marks and variation selectors (emoji presentation) vanish; decimal digits of
    any script become ``0``; everything else (letters, combining marks of Indic and Arabic
    scripts, other numbers) stays."""

    def __missing__(self, cp: int) -> int | str:
        cat = unicodedata.category(chr(cp))
        value: int | str
        if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or cat == "Me":
            value = ""
        elif cat[0] in "PSZ" or (cat[0] == "C" and cat != "Cn"):
            value = " "
        elif cat == "Nd":
            value = "0"
        else:
            value = cp
        self[cp] = value
        return value


_CHARMAP = _CharMap()


def normalise_text(text: str) -> str:
    """The text as the shingles see it (see the module docstring).

    >>> normalise_text("🚨 RT @bob: Leaked!! https://t.co/x #G20 in 2025…")
    'rt leaked g0 in 0'
    """
    s = _cased(text)
    s = s.translate(_CHARMAP)
    while "00" in s:  # runs of zeros to one (halving each run: faster than a regex)
        s = s.replace("00", "0")
    return " ".join(s.split())


def _cased(text: str) -> str:
    """The first steps of :func:`normalise_text`: NFKC, case folding, URLs and mentions."""
    s = unicodedata.normalize("NFKC", text).casefold()
    if "/" in s or "www." in s:  # the regular expressions cost more than these tests
        s = _URL.sub(" ", s)
    if "@" in s:
        s = _MENTION.sub(" ", s)
    return s


_DROP = 0xFFFFFFFF
_WORD = 1  # the flags' bits (onevoice.detect.textnorm_kernel): \w, \s
_SPACE = 2


@lru_cache(maxsize=1)
def _bmp_tables() -> tuple[U32, npt.NDArray[np.uint8]]:
    """:data:`_CHARMAP` (``_DROP``: removed) and the :func:`_flags` of every code point
    below 2¹⁶, as arrays."""
    table = np.fromiter((_code(cp) for cp in range(0x10000)), dtype=np.uint32, count=0x10000)
    flags = np.fromiter((_flags(cp) for cp in range(0x10000)), dtype=np.uint8, count=0x10000)
    return table, flags


def _code(cp: int) -> int:
    value = _CHARMAP[cp]
    return _DROP if value == "" else ord(value) if isinstance(value, str) else value


def _flags(cp: int) -> int:
    r"""What the regular expressions see in a code point: ``\w`` (``str.isalnum`` or
    ``_``: Python's definition for ``str`` patterns) and ``\s`` (``str.isspace``)."""
    c = chr(cp)
    return (_WORD if c.isalnum() or c == "_" else 0) | (_SPACE if c.isspace() else 0)


def normalise_texts(texts: list[str], *, compiled: bool = True) -> list[str]:
    """:func:`normalise_text` of each text, the same strings, several times faster
    (:func:`normalised_code_points` decoded); ``compiled=False``: :func:`normalise_text`
    text by text."""
    if not compiled:
        return [normalise_text(t) for t in texts]
    if not texts:
        return []
    cps, lens = normalised_code_points(texts)
    joined = cps.tobytes().decode("utf-32-le", "surrogatepass")
    ends = np.cumsum(lens).tolist()
    return [joined[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def normalised_code_points(texts: list[str]) -> tuple[U32, npt.NDArray[np.int64]]:
    """The code points of each text's :func:`normalise_text`, one after another, and
    their lengths: the same as the regular expressions, without a string per text.

    NFKC and case folding run per text in CPython (not for ASCII texts: NFKC leaves them
    as they are and case folding is ASCII's, done in the kernel); the rest — the URL and
    mention expressions, the character map, the runs of zeros and of white space — for
    the whole batch in one compiled pass over its code points, without the GIL
    (:func:`onevoice.detect.textnorm_kernel.normalise_cased`, tested against the
    expressions)."""
    from onevoice.detect.textnorm_kernel import normalise_cased

    nfkc = unicodedata.normalize
    cased = [t if t.isascii() else nfkc("NFKC", t).casefold() for t in texts]
    lens = np.fromiter(map(len, cased), dtype=np.int64, count=len(cased))
    cps = np.frombuffer("".join(cased).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    del cased
    table, flags = _bmp_tables()
    # Above 2¹⁶ (emoji, rare): each distinct one in the batch gets a place after the
    # tables, filled through the dict.
    big = np.flatnonzero(cps >= 0x10000)
    if len(big):
        astral, place = np.unique(cps[big], return_inverse=True)
        cps = cps.copy()
        cps[big] = place.astype(np.uint32) + np.uint32(0x10000)
        table = np.concatenate([table, [_code(int(cp)) for cp in astral]]).astype(np.uint32)
        flags = np.concatenate([flags, [_flags(int(cp)) for cp in astral]]).astype(np.uint8)
        cps.flags.writeable = False  # one array type for the kernel, as from frombuffer
    return normalise_cased(cps, lens, table, flags, _DROP)
