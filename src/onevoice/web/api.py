"""The JSON API at ``/api/``: the twin of every page (django-ninja).

The OpenAPI document is at ``/api/openapi.json`` and browsable at ``/api/docs`` (Swagger UI
from django-ninja's bundled files). Authentication is the browser session, with the same role
rules as the pages and CSRF checks on unsafe methods. Every 4xx and 5xx answer has one shape::

    {"error": {"code": "forbidden", "message": "...", "hint": "..."}}
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthorizationError, HttpError, ValidationError
from ninja.security import SessionAuth

from onevoice import __version__
from onevoice.web.audit.models import audit
from onevoice.web.dashboard import Dashboard, load_dashboard
from onevoice.web.roles import STAFF_ROLES, has_role

__all__ = ["ERROR_CODES", "RoleSessionAuth", "api", "error_body", "error_response"]

log = logging.getLogger(__name__)

#: The ``code`` of the error body for each HTTP status.
ERROR_CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_input",
    429: "throttled",
    500: "internal_error",
}
_HINTS: dict[int, str] = {
    401: "log in at /login/ first; the API uses the browser session",
    403: "ask an admin for a role that may see this",
    404: "see /api/docs for the endpoints",
    422: "see /api/docs for the parameters this endpoint takes",
}


class ErrorDetail(Schema):
    code: str
    message: str
    hint: str | None = None


class ErrorBody(Schema):
    error: ErrorDetail


def error_body(status: int, message: str, hint: str | None = None) -> dict[str, Any]:
    """The one error shape, for ``status``."""
    code = ERROR_CODES.get(status, "client_error" if status < 500 else "server_error")
    return {"error": {"code": code, "message": message, "hint": hint or _HINTS.get(status)}}


def error_response(status: int, message: str, hint: str | None = None) -> JsonResponse:
    """A :class:`JsonResponse` with :func:`error_body` (also used for unrouted /api/ paths)."""
    return JsonResponse(error_body(status, message, hint), status=status)


class RoleSessionAuth(SessionAuth):
    """Session authentication that also demands one of ``roles``.

    Anonymous: 401 (``not_authenticated``). Logged in without the role: 403 (``forbidden``).
    """

    def __init__(self, *roles: str) -> None:
        super().__init__(csrf=True)
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        if not has_role(request.user, *self.roles):
            raise AuthorizationError(403, f"this endpoint needs the role {' or '.join(self.roles)}")
        return request.user


api = NinjaAPI(
    title="OneVoice API",
    version=__version__,
    description="The JSON twin of every OneVoice page. Errors: "
    '`{"error": {"code", "message", "hint"}}`.',
    urls_namespace="api",
)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, str(exc))


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    parts = [
        f"{'.'.join(str(x) for x in e.get('loc', []))}: {e.get('msg', '')}" for e in exc.errors
    ]
    return error_response(422, "; ".join(parts) or "invalid input")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, str(exc) or "not found")


@api.exception_handler(Exception)
def _internal(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s", request.path)
    message = f"{type(exc).__name__}: {exc}" if settings.DEBUG else "internal error"
    return error_response(500, message, "the error was logged on the server")


_ERRORS: dict[int, type[Schema]] = {401: ErrorBody, 403: ErrorBody}


@api.get(
    "/dashboard",
    response={200: Dashboard, **_ERRORS},
    auth=RoleSessionAuth(*STAFF_ROLES),
    summary="The dashboard: recent imports, the newest run's networks, current alerts",
    tags=["pages"],
)
def dashboard(request: HttpRequest) -> Dashboard:
    """JSON twin of ``/dashboard/``. ``status`` is ``no_store`` when no store is set."""
    data = load_dashboard(settings.ONEVOICE_STORE)
    audit(request, "view", "dashboard", detect_run=data.detect_run, via="api")
    return data


def _mount_routers() -> None:
    """The page packages' routers: ``/api/networks``, ``/api/cases``, ``/api/jobs``."""
    from onevoice.web.cases.api import router as cases_router
    from onevoice.web.explorer.api import router as explorer_router
    from onevoice.web.jobs.api import router as jobs_router

    api.add_router("/networks", explorer_router)
    api.add_router("/cases", cases_router)
    api.add_router("/jobs", jobs_router)


_mount_routers()
