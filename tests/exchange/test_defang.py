"""Refang/defang normalisers and the indicator classifier."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onevoice.exchange.defang import classify, defang, refang

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
domains = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_label, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "net", "info", "co.uk", "online"]),
)
paths = st.from_regex(r"(/[A-Za-z0-9_-]{1,8}){0,3}", fullmatch=True)


@given(domains)
def test_domain_defang_round_trip(domain: str) -> None:
    defanged = defang(domain, "domain")
    assert "." not in defanged.replace("[.]", "")
    assert refang(defanged) == domain
    assert classify(defanged) == ("domain", domain, "")


@given(st.sampled_from(["http", "https"]), domains, paths)
def test_url_defang_round_trip(scheme: str, domain: str, path: str) -> None:
    url = f"{scheme}://{domain}{path or '/x'}"
    defanged = defang(url, "url")
    assert defanged.startswith("hxxp")
    assert refang(defanged) == url


@given(st.from_regex(r"[a-z0-9._]{1,12}", fullmatch=True), domains)
def test_email_defang_round_trip(local: str, domain: str) -> None:
    email = f"{local}@{domain}"
    assert refang(defang(email, "email")) == email


@given(st.text(alphabet=st.characters(blacklist_characters="[]()"), max_size=40))
def test_refang_leaves_plain_text_alone(text: str) -> None:
    if not text.lower().lstrip().startswith(("hxxp", "hxp", "h**p", "meow")):
        assert refang(text) == text.strip()


@given(domains)
def test_refang_is_idempotent(domain: str) -> None:
    once = refang(defang(domain, "domain"))
    assert refang(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("govorit[.]md", ("domain", "govorit.md", "")),
        ("hxxps://t[.]me/govoritmd", ("handle", "govoritmd", "telegram")),
        ("hxxp://youtube[.]com/@GovoritMD", ("handle", "@GovoritMD", "youtube")),
        ("tiktok[.]com/@govorit.md", ("handle", "@govorit.md", "tiktok")),
        ("https://twitter[.]com/SaraSil39636921", ("handle", "SaraSil39636921", "twitter")),
        ("https://www[.]facebook[.]com/profile.php?id=1234", ("handle", "1234", "facebook")),
        (
            "http://pinterest.com/pin/1085297210201051759",
            ("url", "http://pinterest.com/pin/1085297210201051759", ""),
        ),
        ("x[.]com/newwayforwardus", ("handle", "newwayforwardus", "twitter")),
        ("news[at]example[.]org", ("email", "news@example.org", "")),
        ("192[.]0[.]2[.]1", ("ip", "192.0.2.1", "")),
        ("D41D8CD98F00B204E9800998ECF8427E", ("hash", "d41d8cd98f00b204e9800998ecf8427e", "")),
        ("wheatsheaflaneygreen[.]co[.]uk", ("domain", "wheatsheaflaneygreen.co.uk", "")),
        ("xn--9dbnm8a[.]howtofixbrowser[.]com", ("domain", "xn--9dbnm8a.howtofixbrowser.com", "")),
        ("63 accounts", ("other", "63 accounts", "")),
        (
            "Privacy protecting websites via nicproxy[.]com",
            ("other", "Privacy protecting websites via nicproxy[.]com", ""),
        ),
        ("", ("other", "", "")),
    ],
)
def test_classify_examples(raw: str, expected: tuple[str, str, str]) -> None:
    assert classify(raw) == expected
