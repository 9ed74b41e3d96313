"""The audit log: one row per view, create, change, export, publish and login attempt.

Publishing has three actions of its own: ``publish`` (content goes live), ``schedule`` (a
publication is scheduled, or a schedule cancelled) and ``unpublish`` (live content is taken
down, by hand or at its expiry date); the hub copies Wagtail's log entries into them
(:data:`onevoice.hub.workflow.AUDITED`).

The log is append-only through the application: :class:`AuditEvent` raises
:class:`AppendOnlyError` when an existing row is saved again or deleted, and its queryset
refuses ``update()`` and ``delete()`` (which bypass ``save``/``delete``). The actor is kept
both as a foreign key (``PROTECT``: a user with history is deactivated, not deleted) and as a
username snapshot, with the roles the actor held at the time.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from onevoice.errors import OneVoiceError
from onevoice.web.roles import user_roles

__all__ = ["ACTIONS", "AppendOnlyError", "AuditEvent", "audit", "client_ip"]

ACTIONS: tuple[str, ...] = (
    "view",
    "create",
    "change",
    "export",
    "publish",
    "unpublish",
    "schedule",
    "login",
    "login_failed",
)


class AppendOnlyError(OneVoiceError):
    """Someone tried to change or delete an audit-log row."""

    def __init__(self) -> None:
        super().__init__(
            "the audit log is append-only: its rows cannot be changed or deleted",
            hint="record a new event instead",
        )


class AuditEventQuerySet(models.QuerySet):
    """A queryset whose bulk ``update`` and ``delete`` refuse to run."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError()

    def delete(self) -> NoReturn:
        raise AppendOnlyError()

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError()


class AuditEvent(models.Model):
    """One audited event. Rows are written by :func:`audit` and never changed."""

    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_username = models.CharField(max_length=150, blank=True)
    roles = models.CharField(max_length=200, blank=True)  # comma-separated, sorted
    action = models.CharField(max_length=20, choices=[(a, a) for a in ACTIONS])
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["action", "object_type", "object_id", "timestamp"])]

    def __str__(self) -> str:
        who = self.actor_username or "anonymous"
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError()
        if self.action not in ACTIONS:
            raise ValueError(f"unknown audit action {self.action!r}")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError()


def client_ip(request: HttpRequest) -> str | None:
    """The peer address of ``request`` (``REMOTE_ADDR``; proxies are not trusted yet)."""
    addr = request.META.get("REMOTE_ADDR") or None
    return str(addr) if addr else None


def audit(
    request: HttpRequest | None,
    action: str,
    obj_type: str,
    obj_id: str | int = "",
    *,
    user: Any = None,
    **detail: Any,
) -> AuditEvent:
    """Append one event to the audit log and return it.

    Args:
        request: the request being served (actor and IP come from it); None for commands.
        action: one of :data:`ACTIONS`.
        obj_type: what kind of thing was acted on (``"dashboard"``, ``"user"``, ``"case"``).
        obj_id: which one.
        user: the actor when it is not ``request.user`` (the login signal passes it).
        **detail: JSON-serialisable facts worth keeping (filters used, reason refused).
    """
    actor = user if user is not None else getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    event = AuditEvent(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        roles=",".join(sorted(user_roles(actor))),
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        detail=detail,
        ip=client_ip(request) if request is not None else None,
    )
    event.save()
    return event
