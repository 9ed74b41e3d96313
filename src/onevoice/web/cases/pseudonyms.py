"""Stable pseudonyms for private individuals' accounts in published or exported output.

A case may name an account only when the case marks it as a public figure or a state asset
(:class:`~.models.CaseAccount`); every other account appears as ``account-`` plus the first
12 hex digits of HMAC-SHA256(secret key, case id ‖ account id). The pseudonym is stable (the
same account in the same case always gets the same one, so a report stays readable and a
re-export is identical), differs between cases (two published cases cannot be joined on it),
and cannot be reversed or recomputed without the server's secret key. This is
pseudonymisation in the sense of GDPR Art. 4(5): the key is the "additional information"
kept separately.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from onevoice.web.cases.models import Case, CaseAccount

__all__ = ["PREFIX", "pseudonym", "pseudonymise"]

PREFIX = "account-"
_DIGITS = 12  # 48 bits: collisions within one case are negligible below millions of accounts


def pseudonym(account_id: str, case_id: int, key: str | bytes | None = None) -> str:
    """The pseudonym of ``account_id`` in case ``case_id`` (``key``: the secret key)."""
    secret = key if key is not None else settings.SECRET_KEY
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    message = f"onevoice-case:{case_id}\x00{account_id}".encode()
    return PREFIX + hmac.new(secret_bytes, message, hashlib.sha256).hexdigest()[:_DIGITS]


def pseudonymise(account_id: str, case: Case) -> str:
    """``account_id`` as it may appear in the published output of ``case``.

    Returns the account id itself when the case marks the account as a public figure or a
    state asset, and its stable pseudonym otherwise.
    """
    if account_id.startswith(PREFIX) and len(account_id) == len(PREFIX) + _DIGITS:
        return account_id  # a partner's case arrives pseudonymised already
    marking = CaseAccount.objects.filter(case=case, account_id=account_id).first()
    if marking is not None and marking.named:
        return account_id
    return pseudonym(account_id, case.pk)
