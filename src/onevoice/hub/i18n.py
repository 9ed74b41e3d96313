"""Languages on every hub page: ``lang``, ``dir``, ``hreflang`` alternates, the switcher.

The hub's pages exist once per locale (Wagtail's translation tree); a page's alternates are
its live translations. Arabic is the one right-to-left G20 language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import get_language_info

__all__ = ["Alternate", "alternates", "language_dir", "language_name", "switcher"]


@dataclass(frozen=True)
class Alternate:
    """One language version of a page: code, native name, URL (relative and absolute), current."""

    code: str
    name: str
    url: str
    full_url: str
    current: bool


def language_dir(code: str) -> str:
    """``"rtl"`` for right-to-left languages (Arabic), else ``"ltr"``."""
    try:
        return "rtl" if get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def language_name(code: str) -> str:
    """The language's name in itself (``"العربيّة"``, ``"Français"``), for the switcher."""
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


def _order(code: str) -> int:
    codes = [c for c, _ in settings.LANGUAGES]
    return codes.index(code) if code in codes else len(codes)


def alternates(page: Any, request: Any = None) -> list[Alternate]:
    """The live language versions of ``page`` (itself included), in the G20 language order.

    Args:
        page: a Wagtail page (translatable).
        request: the request, so URLs are relative to the site being served.
    """
    found: list[Alternate] = []
    for version in page.get_translations(inclusive=True).live().select_related("locale"):
        url = version.get_url(request)
        if not url:
            continue
        code = version.locale.language_code
        full_url = version.get_full_url(request) or url
        found.append(Alternate(code, language_name(code), url, full_url, version.pk == page.pk))
    return sorted(found, key=lambda a: _order(a.code))


def switcher(page: Any, request: Any = None) -> list[Alternate]:
    """Every G20 language the hub has a home page in, linked from ``page``.

    A language with a translation of ``page`` links to it; one without links to the nearest
    ancestor translated into it (at worst that language's home page), so a reader can switch
    language on any page. :attr:`Alternate.current` marks the page's own language.
    """
    from wagtail.models import Page

    exact = {a.code: a for a in alternates(page, request)}
    ancestors = list(page.get_ancestors(inclusive=True).filter(depth__gt=1).order_by("-depth"))
    keys = [a.translation_key for a in ancestors]
    found: list[Alternate] = []
    for code, _ in settings.LANGUAGES:
        if code in exact:
            found.append(exact[code])
            continue
        candidates = {
            p.translation_key: p
            for p in Page.objects.live()
            .filter(translation_key__in=keys, locale__language_code=code)
            .select_related("locale")
        }
        for key in keys:
            if key in candidates:
                target = candidates[key]
                url = target.get_url(request)
                if url:
                    full = target.get_full_url(request) or url
                    found.append(Alternate(code, language_name(code), url, full, False))
                break
    return found
