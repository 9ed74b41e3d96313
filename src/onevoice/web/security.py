"""The Content-Security-Policy header.

Every page is served with ``default-src 'self'``: scripts, styles, images and fonts only from
our own origin, no inline ``<script>`` or ``style=""``, no ``eval``, no framing
(``frame-ancestors 'none'``, alongside ``X-Frame-Options: DENY``) and forms that post only
back to us. Django 5.2 has no CSP setting of its own (6.0 adds one), hence this middleware.

The one exception is the Wagtail admin under ``/cms/`` (:data:`CMS_CONTENT_SECURITY_POLICY`):
its editor sets ``style=""`` attributes (e.g. the rich-text toolbar, the minimap, the image
focal-point chooser) and shows previews and choosers in same-origin ``<iframe>``s, so there
``style-src`` adds ``'unsafe-inline'``, ``img-src`` adds ``blob:`` (image upload previews),
and ``frame-ancestors``/``X-Frame-Options`` allow the same origin. Scripts stay ``'self'``
plus a per-request nonce (:func:`current_nonce`) that only the five Wagtail templates with
an inline script carry (copies in ``onevoice/hub/templates/wagtailadmin/``): no
``'unsafe-inline'`` script, no ``eval``. The public hub keeps the strict policy.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

__all__ = [
    "CMS_CONTENT_SECURITY_POLICY",
    "CMS_PREFIX",
    "CONTENT_SECURITY_POLICY",
    "ContentSecurityPolicyMiddleware",
    "current_nonce",
]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: Where the Wagtail admin lives.
CMS_PREFIX = "/cms/"
_NONCE: ContextVar[str] = ContextVar("csp_nonce", default="")


def current_nonce() -> str:
    """The CSP nonce of the request being served under /cms/ ("" elsewhere)."""
    return _NONCE.get()


#: The /cms/ policy; ``{nonce}`` is replaced per request.
CMS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Add :data:`CONTENT_SECURITY_POLICY` to every response that has none yet.

    Under :data:`CMS_PREFIX`, :data:`CMS_CONTENT_SECURITY_POLICY` and
    ``X-Frame-Options: SAMEORIGIN`` instead (the Wagtail admin's previews are framed).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(CMS_PREFIX):
            response = self.get_response(request)
            if "Content-Security-Policy" not in response:
                response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            return response
        nonce = secrets.token_urlsafe(18)
        token = _NONCE.set(nonce)
        try:
            response = self.get_response(request)
        finally:
            _NONCE.reset(token)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CMS_CONTENT_SECURITY_POLICY.format(nonce=nonce)
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response
