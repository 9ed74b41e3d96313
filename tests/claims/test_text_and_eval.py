"""Text preparation for matching, and the CheckThat! readers and metrics."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onevoice.claims.evaluate import metrics, read_claims, read_qrels, read_queries, write_run
from onevoice.claims.text import clean_text, content_tokens, numbers, tokens
from onevoice.errors import InputError, UsageError


def test_clean_text_drops_links_handles_and_signature() -> None:
    text = (
        "RT @someone: Vaccines contain #MicroChips!! https://t.co/abc pic.twitter.com/xyz "
        "— Jane Roe (@jroe) January 14, 2020"
    )
    assert clean_text(text) == "Vaccines contain Micro Chips !!"


def test_tokens_words_and_cjk_bigrams() -> None:
    assert tokens("Le VACCIN contient") == ["le", "vaccin", "contient"]
    assert tokens("疫苗含有芯片") == ["疫苗", "苗含", "含有", "有芯", "芯片"]
    assert tokens("5G基站") == ["5g", "基站"]
    assert tokens("백신에는 칩이") == ["백신에는", "칩이"]


def test_content_tokens_drop_function_words() -> None:
    assert content_tokens("The vaccine is in the water") == ["vaccine", "water"]


def test_numbers_are_normalised_across_scripts_and_grouping() -> None:
    assert numbers("1,500 people and 3.5 million") == {"1500", "3.5"}
    assert numbers("the 500 note on 1 March") == {"500", "1"}
    assert numbers("٣٠٠ شخص") == {"300"}
    assert numbers("no numbers here") == frozenset()
    assert numbers("G20 summit on 5G, 2027年1月") == {"2027", "1"}
    assert numbers("link https://x.com/2023/05 only") == frozenset()


@given(st.text())
def test_text_functions_never_raise(s: str) -> None:
    assert isinstance(clean_text(s), str)
    assert all(isinstance(t, str) and t for t in tokens(s))
    assert all(n and n[0].isdigit() for n in numbers(s))


def test_metrics_follow_the_lab_definitions() -> None:
    qrels = {"q1": {"a"}, "q2": {"b"}, "q3": {"c", "d"}, "q4": {"z"}}
    run = {"q1": ["a", "x"], "q2": ["x", "y", "b"], "q3": ["d", "x", "c"], "q4": ["x"] * 10}
    m = metrics(run, qrels)
    # AP@5: q1 1; q2 1/3; q3 (1/1 + 2/3)/2; q4 0
    assert m["MAP@5"] == round((1 + 1 / 3 + (1 + 2 / 3) / 2 + 0) / 4, 4)
    assert m["MAP@1"] == round((1 + 0 + 0.5 + 0) / 4, 4)
    assert m["MRR@5"] == round((1 + 1 / 3 + 1 + 0) / 4, 4)
    assert m["P@1"] == 0.5
    assert m["Success@10"] == 0.75
    assert m["queries"] == 4


def test_metrics_need_qrels() -> None:
    with pytest.raises(InputError):
        metrics({"q": ["a"]}, {})


def test_readers_both_layouts(tmp_path: Path) -> None:
    tsv = tmp_path / "claims.tsv"
    tsv.write_text("\tvclaim\ttitle\n0\tThe moon is cheese.\tMoon cheese?\n1\tSnow is hot.\t\n")
    jl = tmp_path / "vclaims.jsonl"
    jl.write_text('{"vclaim_id": "v1", "vclaim": "A claim.", "title": "T"}\n\n')
    assert [(e.id, e.claim, e.title) for e in read_claims(tsv, "checkthat2020")] == [
        ("0", "The moon is cheese.", "Moon cheese?"),
        ("1", "Snow is hot.", ""),
    ]
    assert read_claims(jl, "checkthat2022")[0].id == "v1"
    q = tmp_path / "q.tsv"
    q.write_text('iclaim_id\ticlaim\nt1\t"quoted, text"\n')
    assert read_queries(q) == [("t1", "quoted, text")]
    r = tmp_path / "qrels"
    r.write_text("t1 0 v1 1\nt1\t0\tv2\t0\n")
    assert read_qrels(r) == {"t1": {"v1"}}
    with pytest.raises(UsageError):
        read_claims(tsv, "nope")
    (tmp_path / "bad.jsonl").write_text('{"vclaim": 1}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:1"):
        read_claims(tmp_path / "bad.jsonl", "checkthat2022")
    (tmp_path / "bad.qrels").write_text("t1 0 v1\n")
    with pytest.raises(InputError, match=r"bad\.qrels:1"):
        read_qrels(tmp_path / "bad.qrels")


def test_write_run_is_trec_format() -> None:
    out = io.StringIO()
    write_run(out, [("t1", [("v1", 0.5), ("v2", 0.25)])], tag="x")
    assert out.getvalue() == "t1\tQ0\tv1\t1\t0.500000\tx\nt1\tQ0\tv2\t2\t0.250000\tx\n"
