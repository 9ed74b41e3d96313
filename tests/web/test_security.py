"""Security headers, CSRF and the stylesheet served from our own origin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from onevoice.web.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def test_login_page_has_csp_and_security_headers() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_httponly_samesite_outside_debug() -> None:
    response = Client().get("/login/")
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    client = Client()
    client.post("/login/", {"username": "x", "password": "y"})  # no session yet: fine
    from django.conf import settings

    assert settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY


def test_login_post_without_csrf_token_is_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403


def test_pages_are_accessible_landmarks_without_inline_script(
    client_as: Callable[..., Client],
) -> None:
    html = client_as("analyst").get("/dashboard/").content.decode()
    assert '<html lang="en">' in html
    assert 'class="skip-link" href="#main"' in html
    for landmark in ("<header", "<nav", '<main id="main"'):
        assert landmark in html
    assert "<script" not in html and "style=" not in html
    assert "http://" not in html and "https://" not in html  # nothing from elsewhere


def test_stylesheet_is_served() -> None:
    response = Client().get("/static/onevoice/style.css")
    assert response.status_code == 200
    assert b":focus-visible" in b"".join(response.streaming_content)
