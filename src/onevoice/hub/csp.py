"""The CSP nonce on the Wagtail admin's inline scripts written from Python.

Wagtail 7.4's chooser widgets (page, document, image, snippet choosers) end their HTML with
an inline ``<script>`` built in :meth:`wagtail.admin.widgets.chooser.BaseChooser.render`;
:func:`install` replaces that method by the same code with the request's nonce on the
script element (:func:`onevoice.web.security.current_nonce`). Templates with inline scripts
are overridden under ``templates/wagtailadmin/``. Both follow Wagtail 7.4 (pinned < 7.5).
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from onevoice.web.security import current_nonce

__all__ = ["install"]


def _render(
    self: Any, name: str, value: Any, attrs: Any = None, renderer: Any = None
) -> SafeString:
    """``BaseChooser.render`` of Wagtail 7.4, with the nonce on its script."""
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as e:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from e
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    js = self.render_js_init(id_, name, value_data)
    nonce = escape(current_nonce())
    return mark_safe(f'{widget_html}<script nonce="{nonce}">{js}</script>')


def install() -> None:
    """Put :func:`_render` in place of Wagtail's chooser ``render`` (idempotent)."""
    from wagtail.admin.widgets.chooser import BaseChooser

    BaseChooser.render = _render
