"""Partners (TAXII clients) and the STIX objects served to them.

A :class:`Partner` is another task force's machine: a name (the HTTP Basic user name), a
TLP clearance, an active flag and a secret kept only as a Django password hash (the
secret is shown once, when ``onevoice partners create`` makes it).

A :class:`ServedObject` is one version of one STIX object in one collection, with the
``date_added`` TAXII filters and pages by. Rows are written once, by
:func:`onevoice.web.taxii.store.sync_cases`, and never changed, so ``added_after`` and the
``next`` cursors stay valid. :class:`CaseSync` remembers which version of each case has
been turned into rows already.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q

from onevoice.web.cases import vocab
from onevoice.web.cases.models import Case

__all__ = ["CaseSync", "Partner", "ServedObject", "clearance_allows"]


def clearance_allows(clearance: str, tlp: str) -> bool:
    """True when a partner cleared for ``clearance`` may read ``tlp`` (TLP 2.0 order).

    The order is CLEAR < GREEN < AMBER < AMBER+STRICT < RED (:data:`~.vocab.TLP`).
    """
    return vocab.TLP.index(tlp) <= vocab.TLP.index(clearance)


class Partner(models.Model):
    """A partner task force's TAXII client, authenticated with HTTP Basic."""

    name = models.CharField(max_length=100, unique=True)
    clearance = models.CharField(max_length=20, choices=vocab.choices(vocab.TLP))
    active = models.BooleanField(default=True)
    secret_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(clearance__in=vocab.TLP), name="partner_clearance")
        ]

    def __str__(self) -> str:
        state = "" if self.active else ", disabled"
        return f"{self.name} (TLP:{self.clearance.upper()}{state})"

    def set_secret(self, secret: str) -> None:
        """Keep ``secret`` as a hash made by the first of ``PASSWORD_HASHERS``."""
        self.secret_hash = make_password(secret)

    def check_secret(self, secret: str) -> bool:
        """True when ``secret`` matches the stored hash (constant time)."""
        return bool(secret) and check_password(secret, self.secret_hash)

    def may_read(self, tlp: str) -> bool:
        """True when this partner's clearance covers ``tlp``."""
        return clearance_allows(self.clearance, tlp)


class ServedObject(models.Model):
    """One version of one STIX object in the collection of one TLP level."""

    tlp = models.CharField(max_length=20)  # the collection
    stix_id = models.CharField(max_length=200)
    stix_type = models.CharField(max_length=100)
    spec_version = models.CharField(max_length=10, default="2.1")
    version = models.CharField(max_length=40)  # ``modified`` (or ``created``) as written
    version_ts = models.DateTimeField()  # the same, parsed, for ordering
    date_added = models.DateTimeField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()

    class Meta:
        ordering = ["tlp", "date_added", "stix_id", "version_ts"]
        constraints = [
            models.UniqueConstraint(
                fields=["tlp", "stix_id", "version_ts"], name="uniq_served_version"
            )
        ]
        indexes = [models.Index(fields=["tlp", "date_added", "stix_id"])]

    def __str__(self) -> str:
        return f"{self.stix_id} @ {self.version} (TLP:{self.tlp.upper()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("served TAXII objects are written once and never changed")
        super().save(*args, **kwargs)


class CaseSync(models.Model):
    """The last version of a case whose objects are in :class:`ServedObject`."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="+")
    version_number = models.PositiveIntegerField()
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"case {self.case_id} served at v{self.version_number}"
