"""Text normalisation for near-duplicate detection (``co-text``), one text or a batch.

:func:`normalise_text`: NFKC, case-folded, URLs and @mentions dropped, the ``#`` of hashtags
dropped (the tag's word stays), every run of digits one ``0``, punctuation, symbols (emoji)
and control/format characters stripped, whitespace collapsed. :func:`normalise_texts` gives
the same strings for a whole batch, the character map applied in numpy.
:class:`ChildNormaliser` runs it in a child interpreter (pure Python holds the GIL; the
hashing threads' numpy calls would queue behind it).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import subprocess
import sys
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

__all__ = ["ChildNormaliser", "normalise_text", "normalise_texts", "serve_normalise"]

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


#: Joins a batch's texts for :func:`normalise_texts` (a private-use character: no text
#: step makes or removes it, and :data:`_CHARMAP` would make it a space).
_SEP = "\ue000"
_SEP_CP = 0xE000
_DROP = 0xFFFFFFFF


@lru_cache(maxsize=1)
def _bmp_table() -> U32:
    """:data:`_CHARMAP` for every code point below 2¹⁶ as an array (``_DROP``: removed),
    except the separator, which stays."""
    table = np.fromiter((_code(cp) for cp in range(0x10000)), dtype=np.uint32, count=0x10000)
    table[_SEP_CP] = _SEP_CP
    return table


def _code(cp: int) -> int:
    value = _CHARMAP[cp]
    return _DROP if value == "" else ord(value) if isinstance(value, str) else value


def normalise_texts(texts: list[str], *, compiled: bool = True) -> list[str]:
    """:func:`normalise_text` of each text, the same strings, faster for a batch.

    NFKC, case folding and the URL and mention expressions run per text (on one long
    string they cost more: the quick checks fail for all); the character map, the runs of
    zeros and of white space are then done for the whole batch, over the code points of the
    texts joined by :data:`_SEP`: in one compiled pass
    (:func:`onevoice.detect.cotext_kernels.squeeze_mapped`), or with ``compiled=False``
    in a few numpy steps, the same strings (the child processes use these: loading
    numba's compiled code costs a fresh interpreter over a second, more than it saves).
    (A batch with that character in a text is normalised text by text.)"""
    cased = [_cased(t) for t in texts]
    joined = _SEP.join(cased)
    if not texts or joined.count(_SEP) != len(texts) - 1:
        return [normalise_text(t) for t in texts]
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # Above the table (emoji, rare): through the dict, once per distinct code point.
    found = np.unique(cps[cps >= 0x10000])
    codes = np.fromiter((_code(int(cp)) for cp in found), dtype=np.uint32, count=len(found))
    if compiled:
        from onevoice.detect.cotext_kernels import squeeze_mapped

        c = squeeze_mapped(cps, _bmp_table(), found.astype(np.uint32), codes, _DROP, _SEP_CP)
    else:
        c = _squeeze(cps, found.astype(np.uint32), codes)
    out: str = c.tobytes().decode("utf-32-le", "surrogatepass")
    return out.split(_SEP)


def _squeeze(cps: U32, astral: U32, codes: U32) -> U32:
    """:func:`onevoice.detect.cotext_kernels.squeeze_mapped` in numpy steps."""
    mapped = _bmp_table()[np.minimum(cps, np.uint32(0xFFFF))]
    big = cps >= 0x10000
    if big.any():
        mapped[big] = codes[np.searchsorted(astral, cps[big])]
    c = mapped[mapped != _DROP]
    if len(c):
        zero = c == 0x30  # a zero after a zero goes: runs of zeros become one
        c = c[np.concatenate([[True], ~(zero[1:] & zero[:-1])])]
        # White space: only spaces are left; a space after a space, the separator or the
        # start goes, then one before the separator or the end.
        space = c == 0x20
        c = c[~(space & np.concatenate([[True], space[:-1] | (c[:-1] == _SEP_CP)]))]
        space = c == 0x20
        c = c[~(space & np.concatenate([c[1:] == _SEP_CP, [True]]))]
    squeezed: U32 = c
    return squeezed


def serve_normalise(source: BinaryIO, sink: BinaryIO) -> None:
    """Answer requests until ``source`` ends: each request a pickled list of texts after its
    8-byte little-endian length, each answer the pickled :func:`normalise_texts` of it,
    framed alike. The loop of the child process :class:`ChildNormaliser` talks to."""
    while head := source.read(8):
        texts = pickle.loads(source.read(int.from_bytes(head, "little")))
        data = pickle.dumps(
            normalise_texts(texts, compiled=False), protocol=pickle.HIGHEST_PROTOCOL
        )
        sink.write(len(data).to_bytes(8, "little"))
        sink.write(data)
        sink.flush()


class ChildNormaliser:
    """:func:`normalise_texts` in a child interpreter, so that it runs on another CPU while
    this process hashes (normalising is pure Python and holds the GIL, which would stall
    the hashing threads' many short numpy calls). Requests are answered in order, one at a
    time, by a thread of this process that writes a request and reads its answer; a
    :class:`~concurrent.futures.Future` per request, which raises :class:`OSError` if the
    child cannot be reached or has ended. Use as a context manager."""

    def __init__(self) -> None:
        # The child imports what this process imports: this interpreter, this sys.path in
        # this order (-P: not the working directory first).
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        code = (
            "import sys; from onevoice.detect.textnorm import serve_normalise; "
            "serve_normalise(sys.stdin.buffer, sys.stdout.buffer)"
        )
        self._child = subprocess.Popen(
            [sys.executable, "-P", "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._io = ThreadPoolExecutor(1)

    def submit(self, texts: list[str]) -> Future[list[str]]:
        """The normalised ``texts``, once the child has answered."""
        return self._io.submit(self._ask, texts)

    def _ask(self, texts: list[str]) -> list[str]:
        child_in, child_out = self._child.stdin, self._child.stdout
        assert child_in is not None and child_out is not None
        data = pickle.dumps(texts, protocol=pickle.HIGHEST_PROTOCOL)
        child_in.write(len(data).to_bytes(8, "little"))
        child_in.write(data)
        child_in.flush()
        head = child_out.read(8)
        if len(head) < 8:
            raise OSError(f"the normalising process ended (exit code {self._child.wait()})")
        answer: list[str] = pickle.loads(child_out.read(int.from_bytes(head, "little")))
        return answer

    def close(self) -> None:
        """Wait for the answers pending, then end the child."""
        self._io.shutdown(wait=True)
        for pipe in (self._child.stdin, self._child.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a child that died leaves a broken pipe
                    pipe.close()
        self._child.wait()

    def __enter__(self) -> ChildNormaliser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
