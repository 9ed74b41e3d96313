"""``{% csp_nonce %}``: the nonce that lets the Wagtail admin's few inline scripts run.

Wagtail 7.4 still writes five small inline ``<script>`` elements (date/time pickers, inline
panels); the copies of those templates under ``templates/wagtailadmin/`` carry this nonce,
which the CSP of ``/cms/`` allows (:func:`onevoice.web.security.current_nonce`).
"""

from __future__ import annotations

from django import template

from onevoice.web.security import current_nonce

register = template.Library()


@register.simple_tag
def csp_nonce() -> str:
    """The current request's CSP nonce ("" outside /cms/)."""
    return current_nonce()
