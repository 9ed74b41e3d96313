"""Languages on hub pages: lang, dir, hreflang alternates, the switcher; the CSP."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import to_locale

from onevoice.hub.jsonld import validate_claimreview
from onevoice.web.security import CMS_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY


def test_hub_redirects_to_a_language() -> None:
    response = Client().get("/hub/")
    assert response.status_code == 302
    assert response["Location"] == "/en/hub/"


def test_alternates_and_direction(demo: dict[str, Any]) -> None:
    client = Client()
    english = client.get("/en/hub/2023-india/").content.decode()
    assert '<html lang="en" dir="ltr">' in english
    hreflangs = dict(
        re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', english)
    )
    assert set(hreflangs) == {"en", "fr", "ar", "x-default"}
    assert hreflangs["ar"] == "http://localhost/ar/hub/2023-india/"
    assert hreflangs["x-default"] == hreflangs["en"]

    arabic = client.get("/ar/hub/2023-india/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "أرض واحدة، عائلة واحدة، مستقبل واحد" in arabic
    # the switcher: each language in itself, the current one marked
    assert re.search(
        r'<a href="/ar/hub/2023-india/" lang="ar" hreflang="ar" aria-current="page">', arabic
    )
    assert '<a href="/en/hub/2023-india/" lang="en" hreflang="en">English</a>' in arabic
    # untranslated tracks are shown in the original language, marked as such
    assert 'lang="en" dir="ltr"' in arabic
    assert "Think20 (T20)" in arabic

    french = client.get("/fr/hub/2023-india/").content.decode()
    assert '<html lang="fr" dir="ltr">' in french
    assert "Une seule Terre" in french


def test_untranslated_page_lists_itself_only(demo: dict[str, Any]) -> None:
    page = Client().get("/en/hub/sample-debunk-summit-cancelled/").content.decode()
    assert re.findall(r'hreflang="([^"]+)" href', page) == ["en", "x-default"]


def test_a_page_missing_in_a_language_redirects_to_its_own(demo: dict[str, Any]) -> None:
    """The debunk has no Japanese version: /ja/… would show the English page with Japanese
    interface strings and lang="en"; it redirects to the English address instead."""
    client = Client()
    response = client.get("/ja/hub/sample-debunk-summit-cancelled/")
    assert response.status_code == 302
    assert response["Location"] == "/en/hub/sample-debunk-summit-cancelled/"
    assert client.get("/en/hub/sample-debunk-summit-cancelled/").status_code == 200
    assert client.get("/fr/hub/2023-india/").status_code == 200  # translated: served


def test_debunk_claimreview_validates(demo: dict[str, Any]) -> None:
    import json

    page = Client().get("/en/hub/sample-debunk-summit-cancelled/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    docs = [json.loads(b) for b in blocks]
    reviews = [d for d in docs if d.get("@type") == "ClaimReview"]
    assert len(reviews) == 1
    assert validate_claimreview(reviews[0]) == []
    assert reviews[0]["reviewRating"]["alternateName"] == "False"


def test_strict_csp_on_hub_relaxed_only_on_cms(demo: dict[str, Any], client_as: Any) -> None:
    hub = Client().get("/en/hub/")
    assert hub["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert hub["X-Frame-Options"] == "DENY"
    client = client_as("communicator")
    cms = client.get("/cms/")
    policy = cms["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'; ", policy)
    assert nonce is not None
    assert policy == CMS_CONTENT_SECURITY_POLICY.format(nonce=nonce.group(1))
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert cms["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/cms/")["Content-Security-Policy"] != policy  # a new nonce each time


def test_wagtail_inline_scripts_carry_the_nonce(demo: dict[str, Any], make_user: Any) -> None:
    from onevoice.hub.models import DocumentPage

    editor = make_user("communicator")
    client = Client()
    client.force_login(editor)
    doc = DocumentPage.objects.filter(locale__language_code="en").first()
    response = client.get(f"/cms/pages/{doc.pk}/edit/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    tags = re.findall(r"<script([^>]*)>", html)
    inline = [a for a in tags if "src=" not in a and "application/json" not in a]
    assert inline, "the editor has inline panels and date pickers"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline), inline


def test_switcher_reaches_every_language_from_any_page(demo: dict[str, Any]) -> None:
    page = Client().get("/en/hub/sample-debunk-summit-cancelled/").content.decode()
    nav = page.split('class="hub-langs"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav)
    assert links == [
        ("/en/hub/sample-debunk-summit-cancelled/", "en"),
        ("/fr/hub/", "fr"),
        ("/ar/hub/", "ar"),
    ]


def test_search_finds_pages_in_the_active_language(demo: dict[str, Any]) -> None:
    client = Client()
    english = client.get("/en/hub/search/", {"q": "Vasudhaiva"})
    assert english.status_code == 200
    assert b'href="/en/hub/2023-india/"' in english.content
    arabic = client.get("/ar/hub/search/", {"q": "الهند"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert 'href="/ar/hub/2023-india/"' in arabic
    assert 'href="/en/hub/2023-india/"' not in arabic.split("<main")[1]
    empty = client.get("/en/hub/search/", {"q": "zzzznothing"}).content.decode()
    assert "0 results" in empty


def test_search_switcher_lists_languages_with_a_home(demo: dict[str, Any]) -> None:
    page = Client().get("/fr/hub/search/", {"q": "Inde"}).content.decode()
    nav = page.split('class="hub-langs"')[1].split("</nav>")[0]
    codes = re.findall(r'lang="([^"]+)" hreflang', nav)
    assert codes == ["en", "fr", "ar"]
    assert 'href="/ar/hub/search/?q=Inde"' in nav


def test_interface_is_translated(demo: dict[str, Any]) -> None:
    client = Client()
    arabic = client.get("/ar/hub/2023-india/").content.decode()
    assert "<dt>السنة</dt>" in arabic
    assert 'aria-label="اللغة"' in arabic
    french = client.get("/fr/hub/2023-india/").content.decode()
    assert "<dt>Année</dt>" in french
    assert ">Rechercher</button>" in french
    english = client.get("/en/hub/2023-india/").content.decode()
    assert "<dt>Year</dt>" in english


def test_sitemap_lists_public_pages_in_every_language(demo: dict[str, Any]) -> None:
    from onevoice.hub.models import DocumentPage

    DocumentPage.objects.filter(slug="sample-dataset", title__contains="2024").update(tlp="red")
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    locs = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert "http://testserver/en/hub/2023-india/" in locs
    assert "http://testserver/ar/hub/2023-india/" in locs
    assert "http://testserver/fr/hub/" in locs
    assert not any("2024-brazil/leaders/sample-dataset" in loc for loc in locs)
    assert any("2023-india/leaders/sample-dataset" in loc for loc in locs)
    assert len(locs) == len(set(locs))


def test_feeds_per_language_presidency_and_track_parse(demo: dict[str, Any]) -> None:
    import feedparser

    from onevoice.hub.models import HubHomePage, PresidencyPage, TrackPage

    client = Client()
    english_home = HubHomePage.objects.get(locale__language_code="en")
    india = PresidencyPage.objects.get(locale__language_code="en", year=2023)
    leaders = TrackPage.objects.child_of(india).get(kind="leaders")
    page = client.get("/en/hub/2023-india/leaders/").content.decode()
    assert (
        f'type="application/atom+xml" title="Leaders (Atom)" href="/hub-feeds/{leaders.pk}.atom"'
        in page
    )
    for source, expected in ((english_home, 3 * 3 + 1), (india, 3), (leaders, 3)):
        for fmt in ("atom", "rss"):
            response = client.get(f"/hub-feeds/{source.pk}.{fmt}")
            assert response.status_code == 200
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, parsed.bozo_exception
            assert len(parsed.entries) == expected, (source, fmt)
    titles = {
        e.title for e in feedparser.parse(client.get(f"/hub-feeds/{india.pk}.atom").content).entries
    }
    assert "New Delhi Leaders' Summit" in titles
    arabic_home = HubHomePage.objects.get(locale__language_code="ar")
    parsed = feedparser.parse(client.get(f"/hub-feeds/{arabic_home.pk}.atom").content)
    assert not parsed.bozo
    assert parsed.entries == []  # nothing but the home and a presidency is in Arabic yet
    assert client.get("/hub-feeds/999999.atom").status_code == 404


# --- interface translations in every G20 language ------------------------------------------

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "onevoice" / "hub" / "locale"
HUB_DIR = LOCALE_DIR.parent
#: Django language code → locale folder (``zh-hans`` → ``zh_Hans``).
G20_LOCALES = {code: to_locale(code) for code, _ in settings.LANGUAGES if code != "en"}


def catalogue(code: str) -> gettext.GNUTranslations:
    """The compiled catalogue of a language, read with Python's gettext (not Django's)."""
    with (LOCALE_DIR / G20_LOCALES[code] / "LC_MESSAGES" / "django.mo").open("rb") as f:
        return gettext.GNUTranslations(f)


def _po_entries(code: str) -> list[tuple[list[str], str, list[str]]]:
    """(flags, msgid, msgstrs) of each entry of a language's .po, header left out."""
    text = (LOCALE_DIR / G20_LOCALES[code] / "LC_MESSAGES" / "django.po").read_text()
    entries = []
    for block in re.split(r"\n\s*\n", text.strip())[1:]:
        flags = [
            f.strip()
            for line in block.splitlines()
            if line.startswith("#,")
            for f in line[2:].split(",")
        ]
        fields = re.findall(r'^(msgid|msgstr(?:\[\d\])?) "(.*)"$', block, re.M)
        assert all(not line.startswith('"') for line in block.splitlines()), "unwrapped .po"
        strings = [ast.literal_eval(f'"{value}"') for name, value in fields if name != "msgid"]
        entries.append((flags, dict(fields)["msgid"], strings))
    return entries


def source_msgids() -> set[str]:
    """Every interface string marked for translation in the hub's templates and Python."""
    from django.utils.translation.template import templatize

    found: set[str] = set()
    literal = r"u'((?:[^'\\]|\\.)*)'"
    for path in (HUB_DIR / "templates" / "hub").glob("*.html"):
        python = templatize(path.read_text(), origin=str(path))
        found |= {ast.literal_eval(f"'{s}'") for s in re.findall(rf"gettext\({literal}", python)}
    for path in HUB_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "gettext", "gettext_lazy"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("code", sorted(G20_LOCALES))
def test_catalogue_is_complete(code: str) -> None:
    """No empty or fuzzy entry; every marked string is in the compiled catalogue."""
    entries = _po_entries(code)
    assert not [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    assert not [msgid for _, msgid, strings in entries if not all(strings)]
    compiled = catalogue(code)
    singular = {k for k in compiled._catalog if isinstance(k, str) and k}  # type: ignore[attr-defined]
    plural = {k[0] for k in compiled._catalog if isinstance(k, tuple)}  # type: ignore[attr-defined]
    assert {msgid for _, msgid, _ in entries} == singular | plural, "recompile: make messages"
    missing = source_msgids() - singular - plural
    assert not missing, f"run `make messages` and translate: {sorted(missing)}"
    header = (LOCALE_DIR / G20_LOCALES[code] / "LC_MESSAGES" / "django.po").read_text()[:600]
    assert "Machine-assisted" in header and "native speaker" in header
    assert f'"Language: {G20_LOCALES[code]}\\n"' in header
    for _, msgid, strings in entries:  # placeholders kept exactly
        wanted = sorted(re.findall(r"%\(\w+\)s", msgid))
        assert all(sorted(re.findall(r"%\(\w+\)s", s)) == wanted for s in strings), msgid


def test_plural_forms_follow_django() -> None:
    """Each catalogue counts like Django's own one at run time; Portuguese as in Portugal.

    The hub's Portuguese is European (``utilizador``, ``descarregar``): 0 takes the plural
    (CLDR pt_PT), where Django's ``pt`` catalogue counts 0 as singular, as in Brazil.
    """
    import django

    django_locale = Path(django.__file__).parent / "conf" / "locale"
    numbers = [*range(0, 120), 1000, 1001, 10**6, 2 * 10**6]
    for code, folder in G20_LOCALES.items():
        reference = "es" if code == "pt" else folder
        with (django_locale / reference / "LC_MESSAGES" / "django.mo").open("rb") as f:
            theirs = gettext.GNUTranslations(f)
        # GNUTranslations.plural: the header's Plural-Forms expression, compiled
        ours = [catalogue(code).plural(n) for n in numbers]  # type: ignore[attr-defined]
        assert ours == [theirs.plural(n) for n in numbers], code  # type: ignore[attr-defined]
        header = catalogue(code).info()["plural-forms"]
        nplurals = int(re.search(r"nplurals=(\d+)", header).group(1))  # type: ignore[union-attr]
        for _, msgid, strings in _po_entries(code):
            assert len(strings) in (1, nplurals), msgid  # one msgstr, or one per form
    one, many = "%(counter)s result for “%(query)s”.", "%(counter)s results for “%(query)s”."
    assert catalogue("pt").ngettext(one, many, 0).startswith("%(counter)s resultados ")
    assert catalogue("fr").ngettext(one, many, 0).startswith("%(counter)s résultat ")
    forms = catalogue("ru")._catalog  # type: ignore[attr-defined]
    assert sorted(k[1] for k in forms if isinstance(k, tuple)) == [0, 1, 2, 3]


@pytest.fixture
def homes(demo: dict[str, Any]) -> dict[str, Any]:
    """The hub home translated into every G20 language (titles left in English)."""
    from wagtail.models import Locale

    found = {}
    for code in G20_LOCALES:
        home = demo["home"].get_translations().filter(locale__language_code=code).first()
        if home is None:
            home = demo["home"].copy_for_translation(Locale.objects.get(language_code=code))
            home.save_revision().publish()
        found[code] = home
    return found


def test_every_g20_language_shows_its_interface(homes: dict[str, Any]) -> None:
    from html import escape

    client = Client()
    for code in G20_LOCALES:
        tr = catalogue(code).gettext
        search, language = tr("Search"), tr("Language")
        assert search != "Search" and language != "Language", code
        page = client.get(f"/{code}/hub/").content.decode()
        direction = "rtl" if code == "ar" else "ltr"
        assert f'<html lang="{code}" dir="{direction}">' in page
        assert f'<button type="submit">{escape(search)}</button>' in page, code
        assert f'<nav class="hub-langs" aria-label="{escape(language)}">' in page, code
        assert f">{escape(tr('Presidencies'))}</h2>" in page, code
        assert ">Search</button>" not in page
        # every language is offered by the switcher, named in itself
        nav = page.split('class="hub-langs"')[1].split("</nav>")[0]
        assert len(re.findall(r'hreflang="[^"]+"', nav)) == len(settings.LANGUAGES)
