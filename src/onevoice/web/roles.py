"""The roles of DESIGN.md §6, as Django groups, and the checks views use.

=============== ==========================================================================
``admin``       manages accounts; sees everything staff see
``analyst``     works on networks and cases
``reviewer``    approves cases and publications (never their own)
``communicator`` hub content and official posts
``liaison``     a platform's representative: only the requests addressed to that platform
``member``      civil society: tips and consultations
=============== ==========================================================================

The anonymous public sees only published hub pages. A user's roles are the names of the
groups they belong to; the groups are created by the ``accounts`` data migration. A
superuser counts as ``admin`` and nothing else, so being a superuser never silently grants
the reviewer's right to approve.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # Django stays unimported, so the CLI can list the roles cheaply
    from django.http import HttpRequest

__all__ = [
    "ROLES",
    "STAFF_ROLES",
    "has_role",
    "role_required",
    "roles_context",
    "user_roles",
]

ROLES: tuple[str, ...] = ("admin", "analyst", "reviewer", "communicator", "liaison", "member")
#: Roles that see the dashboard and the network data (not liaison, not member).
STAFF_ROLES: tuple[str, ...] = ("admin", "analyst", "reviewer", "communicator")

_View = TypeVar("_View", bound=Callable[..., Any])


def user_roles(user: Any) -> frozenset[str]:
    """The role names of ``user`` (empty for the anonymous user), cached on the object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_onevoice_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            names.add("admin")
        cached = frozenset(names)
        user._onevoice_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    """True when ``user`` is logged in, active, and holds at least one of ``roles``.

    Raises:
        ValueError: a name in ``roles`` is not a role (catches typos in view code).
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    return bool(user_roles(user) & set(roles))


def role_required(*roles: str) -> Callable[[_View], _View]:
    """Decorate a view so only holders of one of ``roles`` reach it.

    Anonymous users are redirected to the login page (with ``?next=``); a logged-in user
    without the role gets 403 Forbidden.
    """
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"role_required needs known roles, got {roles!r}")

    def decorator(view: _View) -> _View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            from django.contrib.auth.views import redirect_to_login
            from django.core.exceptions import PermissionDenied

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied(f"this page needs the role {' or '.join(roles)}")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def roles_context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``user_roles`` (sorted list) and ``is_staff_role``."""
    roles = user_roles(getattr(request, "user", None))
    return {"user_roles": sorted(roles), "is_staff_role": bool(roles & set(STAFF_ROLES))}
