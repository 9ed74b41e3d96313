"""The server-rendered pages: login (throttled, audited), dashboard, static files, errors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.views import serve as staticfiles_serve
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from onevoice.web.accounts.throttle import ThrottledAuthenticationForm
from onevoice.web.audit.models import audit
from onevoice.web.dashboard import load_dashboard
from onevoice.web.roles import STAFF_ROLES, has_role, role_required

__all__ = ["LoginView", "dashboard", "forbidden", "home", "not_found", "static"]


class LoginView(auth_views.LoginView):
    """Django's login view with the throttled form and our template."""

    template_name = "onevoice/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    """``/``: staff go to the dashboard, everyone else to the login page."""
    if has_role(request.user, *STAFF_ROLES):
        return redirect("dashboard")
    return redirect("login")


@role_required(*STAFF_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Recent imports, the newest run's networks, current alerts."""
    data = load_dashboard(settings.ONEVOICE_STORE)
    audit(request, "view", "dashboard", detect_run=data.detect_run)
    return render(request, "onevoice/dashboard.html", {"data": data})


def static(request: HttpRequest, path: str) -> Any:
    """Serve our stylesheet and Swagger UI's bundled files (no CDN, no extra server).

    Django's ``staticfiles`` view is meant for development because it is slow for large
    sites; here it serves a handful of small files, with a one-hour cache lifetime.
    """
    response = staticfiles_serve(request, path, insecure=True)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page (``handler403``)."""
    return render(
        request,
        "onevoice/error.html",
        {
            "status": 403,
            "title": "Forbidden",
            "message": "Your role does not give access to this page.",
        },
        status=403,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 page (``handler404``); JSON in the API's error shape under ``/api/``."""
    if request.path.startswith("/api/"):
        from onevoice.web.api import error_response

        return error_response(404, f"no endpoint at {request.path}")
    return render(
        request,
        "onevoice/error.html",
        {"status": 404, "title": "Not found", "message": "There is no page at this address."},
        status=404,
    )
