"""Text preparation for claim matching: cleaning, tokens in every script, numbers.

Posts carry noise that a fact-check does not: links, ``pic.twitter.com`` stubs, @-handles,
the "— Name (@handle) date" signature of an embedded tweet, hashtags glued to words. The
cleaner removes what carries no claim and keeps what does (a hashtag's words).

Tokens: lower-cased Unicode words for scripts that separate words with spaces, and
character bigrams for Chinese, Japanese and Thai runs, which have no spaces (the usual
choice for CJK retrieval without a segmenter: Kwok 1997, "Comparing representations in
Chinese information retrieval", SIGIR). Korean is written with spaces and keeps words.

Numbers matter to fact-checks ("300 died", "the 500 note"): :func:`numbers` extracts them,
normalised ("1,500" = "1500", "3.5" stays), in any digit script, so the matcher can tell
"the same claim" from "the same claim with another number".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clean_text", "content_tokens", "numbers", "tokens"]

_URL = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w{1,30}")
_RT = re.compile(r"^\s*RT\s+@\w{1,30}:?\s*")
# "— Brad Smith (@bsmith) December 26, 2019" at the end of an embedded tweet.
_SIGNATURE = re.compile(r"\s*[—–-]\s*[^—–\n]{0,80}\(@\w+\)\s*[A-Z][a-z]+ \d{1,2}, \d{4}\s*$")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
# a number not glued to Latin letters: "G20", "5G", "COVID19" are names, "2027年" is a year
_NUMBER = re.compile(r"(?<![A-Za-z\d.,])\d+(?:[.,]\d+)*(?![A-Za-z\d])")
_GROUPED = re.compile(r"^\d{1,3}(?:[,.]\d{3})+$")
_LEADING_ZEROS = re.compile(r"^0+(?=\d)")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3040 <= o <= 0x30FF  # hiragana, katakana
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x0E00 <= o <= 0x0E7F  # Thai
    )


def clean_text(text: str | None) -> str:
    """The claim-bearing part of a post: no links, handles or tweet signature.

    Hashtags keep their words (``#StopTheVaccine`` → ``Stop The Vaccine``), since they often
    carry the claim itself.
    """
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
    t = _RT.sub("", t)
    t = _SIGNATURE.sub("", t)
    t = _URL.sub(" ", t)
    t = _MENTION.sub(" ", t)
    t = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", t)
    return _SPACES.sub(" ", t).strip()


@lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    if not any(_is_cjk(c) for c in word):
        return (word,)
    out: list[str] = []
    run = ""
    for ch in word + " ":
        if _is_cjk(ch):
            run += ch
            continue
        if run:
            out.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
            run = ""
        if ch != " ":
            out.append(ch)
    # glue single non-CJK characters back into words
    merged: list[str] = []
    for tok in out:
        if merged and len(tok) == 1 and not _is_cjk(tok) and not _is_cjk(merged[-1][-1]):
            merged[-1] += tok
        else:
            merged.append(tok)
    return tuple(merged)


def tokens(text: str | None) -> list[str]:
    """Lower-cased word tokens; CJK and Thai runs become overlapping character bigrams."""
    out: list[str] = []
    for w in _WORD.findall(clean_text(text).casefold()):
        out.extend(_word_tokens(w))
    return out


#: Function words of the fourteen languages, short lists: what BM25's IDF does not already
#: push down enough in a small library. Content words only are compared by the explainer.
_STOP = frozenset(
    """a an and are as at be been but by for from has have he her his i in is it its of on
    or our she so that the their them they this to was we were what when which who will with
    you your not no all just now new can more about after before into over than then there
    le la les un une des du de et est en au aux que qui pour par sur dans pas ce cette son sa
    ses il elle ils nous vous der die das ein eine und ist im in den dem des nicht zu mit von
    auf für sie es wir ihr el los las y es un una del al por con para que se lo su sus o
    il lo gli i e è di da che per non con una uno o do da os as um uma que não com para em
    no na é dos das и в не на что с по это как а из у к за о от так то все он она они мы вы
    ve bir bu da de ile için ne gibi çok daha mi mu ya dan den yang dan di ke dari ini itu
    untuk dengan tidak ada akan pada juga से का की के में है और को पर यह एक ने भी हैं था कि
    في من على إلى عن أن هذا هذه التي الذي و ما لا مع""".split()  # noqa: SIM905
)


def content_tokens(text: str | None) -> list[str]:
    """:func:`tokens` without function words and one-letter tokens (for explanations)."""
    return [t for t in tokens(text) if t not in _STOP and (len(t) > 1 or _is_cjk(t[0]))]


def _digits(s: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in s)


def numbers(text: str | None) -> frozenset[str]:
    """The numbers a text states, normalised: digit scripts unified, grouping removed.

    ``"1,500"`` and ``"1.500"`` (grouped thousands) both give ``"1500"``; ``"3.5"`` stays
    ``"3.5"``; ``"٣٠٠"`` gives ``"300"``. Years count as numbers: a claim about 2030 is not
    one about 2050. Digits glued to Latin letters are part of a name (``G20``, ``5G``) and
    are not numbers.
    """
    if not text:
        return frozenset()
    out: set[str] = set()
    for m in _NUMBER.finditer(_URL.sub(" ", _MENTION.sub(" ", text))):
        s = _digits(m.group(0))
        s = s.replace(",", "").replace(".", "") if _GROUPED.match(s) else s.replace(",", ".")
        s = _LEADING_ZEROS.sub("", s)
        out.add(s)
    return frozenset(out)
