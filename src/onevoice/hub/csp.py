"""The Wagtail admin under the strict CSP: nonces on its inline scripts, framable previews.

Wagtail 7.4's chooser widgets (page, document, image, snippet choosers) end their HTML with
an inline ``<script>`` built in :meth:`wagtail.admin.widgets.chooser.BaseChooser.render`;
:func:`install` replaces that method by the same code with the request's nonce on the
script element (:func:`onevoice.web.security.current_nonce`). Templates with inline scripts
are overridden under ``templates/wagtailadmin/``.

Previews: Wagtail renders a preview by sending a made-up request for the page's public URL
through the whole middleware stack
(:meth:`wagtail.models.preview.PreviewableMixin.make_preview_request`), so the preview gets
the public site's policy, ``frame-ancestors 'none'`` included, and the editor's preview
panel (a same-origin ``<iframe>``) stays blank. :func:`install` wraps that method so a
preview keeps the public policy, every other directive unchanged, but may be framed by the
admin (``frame-ancestors 'self'``, ``X-Frame-Options: SAMEORIGIN``). Both follow Wagtail 7.4
(pinned < 7.5).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from onevoice.web.security import current_nonce

__all__ = ["framable_preview", "install"]


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


def framable_preview(response: HttpResponse) -> HttpResponse:
    """Let the admin frame a preview: ``frame-ancestors 'self'`` instead of ``'none'``.

    The rest of the policy is left as the middleware set it, so a preview runs under the
    same rules as the public page (no inline script or style).
    """
    policy = response.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" in policy:
        response["Content-Security-Policy"] = policy.replace(
            "frame-ancestors 'none'", "frame-ancestors 'self'"
        )
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _framable(make_preview_request: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``make_preview_request`` whose responses the admin's preview panel may frame."""

    @functools.wraps(make_preview_request)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        return framable_preview(make_preview_request(self, *args, **kwargs))

    wrapper.onevoice_framable = True  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Put :func:`_render` and framable previews in place in Wagtail (idempotent)."""
    from wagtail.admin.widgets.chooser import BaseChooser
    from wagtail.models.preview import PreviewableMixin

    BaseChooser.render = _render
    current = PreviewableMixin.make_preview_request
    if not getattr(current, "onevoice_framable", False):
        PreviewableMixin.make_preview_request = _framable(current)
