"""The steps of :func:`~onevoice.detect.textnorm.normalise_text` after case folding, compiled.

:func:`~onevoice.detect.textnorm.normalise_text` is NFKC and case folding (CPython's
``unicodedata`` and ``str.casefold``), then two regular expressions (URLs, @mentions), a
character map, and runs of zeros and white space squeezed. Only the first two need
Unicode tables that numba cannot reach; :func:`normalise_cased` does the rest for a whole
batch in one loop compiled by numba (Lam, Pitrou & Seibert 2015), with no Python object per
text and without holding the GIL, so that several batches run in threads.

The regular expressions are matched by hand with the semantics of Python's :mod:`re` for
them (leftmost match, alternatives in order, greedy runs, ``\\b``, ``\\w`` and ``\\s`` of
``str`` patterns given as tables of the code points' ``str.isalnum``/``str.isspace``),
and scanning the original string, as ``re.sub`` does, not the replaced one:

- URLs, ``https?://\\S+|www\\.\\S+|\\b(?:[a-z0-9-]+\\.)+[a-z]{2,}/\\S*``. The third
  alternative matches at a word boundary ``i`` if the first character from ``i`` outside
  ``[a-z0-9.-]`` is a ``/`` and the text between splits at its dots into at least two
  non-empty parts, the last of two or more ASCII letters: the whole match is then fixed
  (no other split of the same run could end elsewhere). The run and its checks are kept
  between start positions inside one run, so a long run costs linear time, not quadratic.
- Mentions, ``(?<!\\w)@[\\w.\\-]+(?:@[\\w.\\-]+)?``, over the text with URLs replaced.

Tests compare :func:`normalise_cased` with the regular expressions on random texts built
from the characters that matter (hypothesis) and on the benchmark's posts.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["normalise_cased"]

U32 = npt.NDArray[np.uint32]
U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

_JIT: dict[str, Any] = {"nogil": True, "cache": True}
# Bits of the per-code-point flags.
_WORD = np.uint8(1)  # \w: str.isalnum() or "_"
_SPACE = np.uint8(2)  # \s: str.isspace()
_SLASH, _DOT, _DASH, _AT, _ZERO, _BLANK = 0x2F, 0x2E, 0x2D, 0x40, 0x30, 0x20


@numba.njit(inline="always", **_JIT)
def _domain_char(c: Any) -> bool:
    """``[a-z0-9.-]``."""
    return (0x61 <= c <= 0x7A) or (0x30 <= c <= 0x39) or c in (_DOT, _DASH)


@numba.njit(inline="always", **_JIT)
def _not_space_run(s: Any, k: int, n: int, flags: Any) -> int:
    """The end of the run of non-space characters from ``k``."""
    while k < n and not (flags[s[k]] & _SPACE):
        k += 1
    return k


@numba.njit(inline="always", **_JIT)
def _starts(s: Any, i: int, n: int, a: int, b: int, c: int, d: int) -> bool:
    return i + 4 <= n and s[i] == a and s[i + 1] == b and s[i + 2] == c and s[i + 3] == d


@numba.njit(inline="always", **_JIT)
def _mention_char(c: Any, flags: Any) -> bool:
    """``[\\w.\\-]``."""
    return c in (_DOT, _DASH) or (flags[c] & _WORD) != 0


@numba.njit(**_JIT)
def _replaced(s: Any, n: int, out: Any, flags: Any, urls: bool) -> int:
    """``s[:n]`` with each match one space, into ``out``; its length: ``re.sub`` of the URL
    expression if ``urls``, else of the mention expression, leftmost match first. (One
    loop, no call per character: numba passes arrays to a call with reference counts.)"""
    m = 0
    i = 0
    run_end = -1  # the [a-z0-9.-] run last read: its end, last dot, rightmost "..", verdict
    last_dot = -1
    double = -1
    tail_ok = False
    while i < n:
        c = s[i]
        end = -1
        if not urls:
            # (?<!\w)@[\w.\-]+(?:@[\w.\-]+)?
            if c == _AT and (i == 0 or not (flags[s[i - 1]] & _WORD)):
                j = i + 1
                while j < n and _mention_char(s[j], flags):
                    j += 1
                if j > i + 1:
                    if j + 1 < n and s[j] == _AT and _mention_char(s[j + 1], flags):
                        j += 1
                        while j < n and _mention_char(s[j], flags):
                            j += 1
                    end = j
        else:
            # 1. https?://\S+
            if _starts(s, i, n, 0x68, 0x74, 0x74, 0x70):
                k = i + 4
                if k < n and s[k] == 0x73:
                    k += 1
                if k + 3 < n and s[k] == 0x3A and s[k + 1] == _SLASH and s[k + 2] == _SLASH:
                    e = _not_space_run(s, k + 3, n, flags)
                    if e > k + 3:
                        end = e
            # 2. www\.\S+
            if end < 0 and _starts(s, i, n, 0x77, 0x77, 0x77, _DOT):
                e = _not_space_run(s, i + 4, n, flags)
                if e > i + 4:
                    end = e
            # 3. \b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*
            if end < 0 and c != _DOT and _domain_char(c):
                word_here = (flags[c] & _WORD) != 0
                word_before = i > 0 and (flags[s[i - 1]] & _WORD) != 0
                if word_here != word_before:
                    if i >= run_end:  # a new run: find its end and what the end allows
                        j = i
                        last_dot = -1
                        double = -1
                        while j < n and _domain_char(s[j]):
                            if s[j] == _DOT:
                                if last_dot == j - 1:
                                    double = j - 1
                                last_dot = j
                            j += 1
                        run_end = j
                        tail_ok = j < n and s[j] == _SLASH and last_dot >= 0 and j - last_dot > 2
                        if tail_ok:
                            for k in range(last_dot + 1, j):
                                if not 0x61 <= s[k] <= 0x7A:
                                    tail_ok = False
                                    break
                    # From i: at least one label before the last dot, no empty label.
                    if tail_ok and i < last_dot and i > double:
                        end = _not_space_run(s, run_end + 1, n, flags)
        if end >= 0:
            out[m] = _BLANK
            i = end
        else:
            out[m] = c
            i += 1
        m += 1
    return m


@numba.njit(**_JIT)
def _normalise(cps: Any, lens: Any, table: Any, flags: Any, drop: np.uint32) -> Any:
    longest = 0
    for length in lens:
        longest = max(longest, length)
    text = np.empty(longest, dtype=np.uint32)
    urls = np.empty(longest, dtype=np.uint32)
    bare = np.empty(longest, dtype=np.uint32)
    out = np.empty(len(cps), dtype=np.uint32)
    out_lens = np.empty(len(lens), dtype=np.int64)
    m = 0
    start = 0
    zero = np.uint32(_ZERO)
    blank = np.uint32(_BLANK)
    for t in range(len(lens)):
        n = lens[t]
        has_slash = False
        has_www = False
        has_at = False
        for k in range(n):
            c = cps[start + k]
            if 0x41 <= c <= 0x5A:  # ASCII texts come as they are: case-fold them here
                c += np.uint32(0x20)
            text[k] = c
            if c == _SLASH:
                has_slash = True
            elif c == _AT:
                has_at = True
            elif c == _DOT and k >= 3 and text[k - 1] == 0x77 and text[k - 2] == 0x77:
                has_www = has_www or text[k - 3] == 0x77
        start += n
        s = text
        if has_slash or has_www:  # as the reference: the expressions need one of these
            n = _replaced(s, n, urls, flags, True)
            s = urls
        if has_at:
            n = _replaced(s, n, bare, flags, False)
            s = bare
        first = m
        prev = blank  # the previous character kept before spaces go: none yet
        for k in range(n):
            c = table[s[k]]
            if c == drop or (c == zero and prev == zero):
                continue
            prev = c
            if c == blank and (m == first or out[m - 1] == blank):
                continue
            out[m] = c
            m += 1
        if m > first and out[m - 1] == blank:
            m -= 1
        out_lens[t] = m - first
    return out[:m], out_lens


def normalise_cased(cps: U32, lens: I64, table: U32, flags: U8, drop: int) -> tuple[U32, I64]:
    """The normalised texts' code points, one after another, and their lengths, from the
    texts' code points after NFKC and case folding (ASCII texts may come as they are:
    their capitals are folded here).

    Args:
        cps: the code points of the texts one after another, each below ``len(table)``
            (the caller gives rarer ones places at the end of the tables).
        lens: each text's length in code points.
        table: each code point's character in the output (``drop``: it goes).
        flags: each code point's bits: 1 ``\\w``, 2 ``\\s``; as long as ``table``.
        drop: the map's value for a removed character.
    """
    out, out_lens = _normalise(cps, lens, table, flags, np.uint32(drop))
    return out, out_lens
