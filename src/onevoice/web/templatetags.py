"""Template filters every page may use (registered as builtins in the settings).

Rendering a small partial with ``{% include %}`` once per table row costs about 50 µs a row
in Django's template engine; a network page with hundreds of member and edge rows spent most
of its time there. These filters build the same markup in Python, escaped with
:func:`~django.utils.html.format_html`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def account_label(m: Any) -> SafeString:
    """An account as ``@handle (Display name)`` over its id, or the id over its name."""
    handle = getattr(m, "handle", None)
    name = getattr(m, "display_name", None)
    account_id = getattr(m, "account_id", "")
    if handle:
        shown = format_html("@{}", str(handle).lstrip("@"))
        if name:
            shown = format_html('{} <span class="display-name">({})</span>', shown, name)
        return format_html('{}<br><small class="ids">{}</small>', shown, account_id)
    if name:
        return format_html('<span class="ids">{}</span><br><small>{}</small>', account_id, name)
    return format_html('<span class="ids">{}</span>', account_id)


@register.filter
def long_date(value: Any) -> str:
    """A date as people of the active language write it in full: Django's ``DATE_FORMAT``
    of the language ("18 novembre 2024", "2024年11月18日", "18 نوفمبر، 2024"), except in
    English, where the hub writes "18 November 2024" (Django's English format is
    "Nov. 18, 2024")."""
    from django.utils import formats, translation

    if not value:
        return ""
    if (translation.get_language() or "en").split("-")[0] == "en":
        return str(formats.date_format(value, "j F Y"))
    return str(formats.date_format(value, "DATE_FORMAT", use_l10n=True))
