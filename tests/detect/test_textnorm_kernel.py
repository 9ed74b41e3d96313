"""The compiled normaliser gives what the regular expressions give, character for character.

:func:`onevoice.detect.textnorm.normalise_texts` matches the URL and mention expressions by
hand (:mod:`onevoice.detect.textnorm_kernel`); these tests hold it to Python's :mod:`re`:
on random texts built from the pieces the expressions care about (hypothesis), on the
corner cases of their semantics (word boundaries, greedy runs, alternatives in order,
the replaced string seen by the second expression), with an identity character map so
that nothing hides a difference, and on every post of the demo data.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onevoice.detect import textnorm
from onevoice.detect.textnorm import normalise_text, normalise_texts, normalised_code_points
from onevoice.detect.textnorm_kernel import normalise_cased
from onevoice.store import Store
from tests.detect.test_co_text import demo  # noqa: F401

#: Pieces that start, continue, end or block a URL or a mention.
_PIECES = st.sampled_from(
    [
        "http",
        "https",
        "HTTP",
        "://",
        ":/",
        "www",
        "www.",
        "WWW.",
        ".",
        "..",
        "/",
        "-",
        "_",
        "@",
        "a",
        "ab",
        "xyz",
        "Z",
        "0",
        "9",
        "é",
        "ß",
        "中",
        "٣",
        " ",
        "\t",
        "\n",
        "\u00a0",
        "\u3000",
        "co",
        "com",
        "c0m",
        "t.co/",
        "news.example.org/a",
        "-x.org/",
        "a..b.cd/",
        ".com/",
        "1.2.3/4",
        "a@b.c",
        "@bob",
        "@@",
        "🚀",
        "𝐀",
        "𠀀",
        "\u0301",
        "\ufe0f",
        "#",
        "!",
        "?",
        ":",
        "ﬁ",
        "Ⅻ",
        "\ue000",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=16).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, max_size=8))
def test_the_batch_is_the_expressions_text_by_text(texts: list[str]) -> None:
    assert normalise_texts(texts) == [normalise_text(t) for t in texts]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("see bbc.co.uk/news now", "see now"),
        ("see a.b/ now", "see a b now"),  # one letter after the last dot: not a domain
        ("x..y.com/a b", "x b"),  # not from x (an empty label): from y
        ("é-a.com/p z", "é z"),  # a boundary between é and -, so the match starts at -
        ("-a.com/p z", "z"),  # no boundary before the dash: the match starts at a
        ("example.c0m/x", "example c0m x"),
        ("1.2.3/4 ok", "0 0 0 0 ok"),
        (".com/x y", "com x y"),  # no dot inside the run before the slash
        ("https:// x", "https x"),  # nothing after ://
        ("http://x and https://y.z/w?q=1", "and"),
        ("go http://x", "go"),
        ("www. x www.a", "www x"),
        ("HTTP://X.COM/A b", "b"),
        ("ＨＴＴＰ://ｘ.ｃｏｍ b", "b"),  # NFKC first
        ("mail a@b.com or @bob@mastodon.social.", "mail a b com or"),
        ("@a@ b", "b"),  # the optional second part needs a character
        ("x @a@b", "x"),  # and takes one at the very end
        ("@ alone @", "alone"),
        ("x@y and (@z)", "x y and"),
        ("visit example.com/ 🚀 ok", "visit ok"),
        ("a.b.c.de/" * 3, ""),
        ("", ""),
    ],
)
def test_corner_cases_of_the_expressions(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected
    assert normalise_texts([raw, "pad"]) == [expected, "pad"]


def _identity_pass(texts: list[str]) -> list[str]:
    """The kernel with a map that keeps every character: the expressions' work shows
    as it is (runs of zeros and spaces still squeezed)."""
    if not texts:
        return []
    cased = [t.casefold() for t in texts]
    lens = np.array([len(t) for t in cased], dtype=np.int64)
    cps = np.frombuffer("".join(cased).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    size = max(0x10000, int(cps.max(initial=0)) + 1)
    table = np.arange(size, dtype=np.uint32)
    flags = np.zeros(size, dtype=np.uint8)
    flags[:0x10000] = textnorm._bmp_tables()[1]
    for c in np.unique(cps[cps >= 0x10000]).tolist():
        flags[c] = textnorm._flags(c)
    out, out_lens = normalise_cased(cps, lens, table, flags, textnorm._DROP)
    joined = out.tobytes().decode("utf-32-le", "surrogatepass")
    ends = np.cumsum(out_lens).tolist()
    return [joined[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def _expected_identity(text: str) -> str:
    s = textnorm._MENTION.sub(" ", textnorm._URL.sub(" ", text.casefold()))
    s = re.sub("0+", "0", s)
    return re.sub(" +", " ", s).strip(" ")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=14).map("".join), max_size=6))
def test_the_expressions_alone_with_an_identity_map(texts: list[str]) -> None:
    assert _identity_pass(texts) == [_expected_identity(t) for t in texts]


def test_a_long_run_of_labels_is_read_once() -> None:
    """A run of 20,000 labels with no slash after it (quadratic if each start rescanned
    it): the same answer as the expressions."""
    text = "a." * 20_000 + "b1/ tail " + "x.yz/" + " end"
    assert normalise_texts([text]) == [normalise_text(text)]


def test_code_points_and_lengths() -> None:
    cps, lens = normalised_code_points(["Ab  C!", "", "🚀 x 𝐀 𠀀"])
    assert lens.tolist() == [4, 0, 5]
    assert cps.tobytes().decode("utf-32-le") == "ab c" + "x a 𠀀"
    empty_cps, empty_lens = normalised_code_points([])
    assert len(empty_cps) == 0 and len(empty_lens) == 0
    assert normalise_texts([]) == []


def test_many_distinct_astral_characters_in_one_batch() -> None:
    texts = ["".join(chr(0x20000 + 37 * i + j) for j in range(5)) + " 🚀 x" for i in range(300)]
    texts += ["mixed 𝐀𝐁 \U0001f1eb\U0001f1f7 ok", "\U000e0100 tag"]
    assert normalise_texts(texts) == [normalise_text(t) for t in texts]


def test_every_demo_post(demo: Store) -> None:  # noqa: F811
    texts = [
        t
        for (t,) in demo.con.execute(
            "SELECT DISTINCT text FROM posts WHERE text IS NOT NULL ORDER BY text"
        ).fetchall()
    ]
    assert len(texts) > 1000
    assert normalise_texts(texts) == [normalise_text(t) for t in texts]
