"""Pseudonyms for private individuals' accounts in everything the exchange formats export.

The rule is the case file's (:mod:`onevoice.web.cases.pseudonyms`): an account is named
only when the case marks it as a public figure or a state asset; every other account ID,
and the handle and display name beside it in frozen evidence, is replaced by a stable
pseudonym ``account-`` + 12 hex digits of HMAC-SHA256(secret, case id ‖ account id). The
exporters take the pseudonymiser as a parameter, so the web application passes one keyed
with its secret and tests pass one keyed with a test value. A value that already is a
pseudonym is left alone, which makes export → import → export stable.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any

from onevoice.errors import InputError
from onevoice.exchange.defang import classify
from onevoice.exchange.model import CaseExport

__all__ = ["AccountMapper", "Pseudonymiser", "hmac_pseudonymiser", "is_pseudonym"]

#: ``(account_id, case) → pseudonym``; must return values :func:`is_pseudonym` accepts.
Pseudonymiser = Callable[[str, CaseExport], str]

_PSEUDONYM = re.compile(r"^account-[0-9a-f]{12}$")
# Keys of frozen evidence data that hold account IDs, and the personal data beside them.
_ID_KEYS = frozenset({"account_id", "account_a", "account_b", "author", "user_id"})
_ID_LIST_KEYS = frozenset({"members", "hubs", "accounts"})
_PERSONAL_KEYS = frozenset({"handle", "display_name", "description", "username", "name"})


def is_pseudonym(value: str) -> bool:
    """True for ``account-`` plus 12 hex digits, the form of :func:`hmac_pseudonymiser`."""
    return bool(_PSEUDONYM.match(value))


def hmac_pseudonymiser(key: str | bytes) -> Pseudonymiser:
    """The pseudonymiser of :mod:`onevoice.web.cases.pseudonyms` as a plain function.

    ``account-`` + the first 12 hex digits of HMAC-SHA256(key, ``onevoice-case:<case id>``
    NUL account id): stable within a case, different between cases, not reversible without
    the key (GDPR Art. 4(5)).
    """
    secret = key.encode() if isinstance(key, str) else key

    def pseudonymise(account_id: str, case: CaseExport) -> str:
        message = f"onevoice-case:{case.id}\x00{account_id}".encode()
        return "account-" + hmac.new(secret, message, hashlib.sha256).hexdigest()[:12]

    return pseudonymise


class AccountMapper:
    """Maps account IDs of one case to what may appear in exported output."""

    def __init__(self, case: CaseExport, pseudonymise: Pseudonymiser | None) -> None:
        self.case = case
        self.pseudonymise = pseudonymise
        self.named = {a.account_id for a in case.accounts if a.named}
        self.named |= {a.handle.lstrip("@") for a in case.accounts if a.named and a.handle}
        self.named |= {a.handle for a in case.accounts if a.named and a.handle}

    def __call__(self, account_id: str) -> str:
        if account_id in self.named or is_pseudonym(account_id):
            return account_id
        if self.pseudonymise is None:
            raise InputError(
                f"case {self.case.id} mentions the private account {account_id!r}",
                hint="give a pseudonymiser, or mark the account as public figure/state asset",
            )
        pseudonym = self.pseudonymise(account_id, self.case)
        if not is_pseudonym(pseudonym):
            raise InputError(f"the pseudonymiser returned {pseudonym!r}, not account-<12 hex>")
        return pseudonym

    def _profile(self, text: str) -> str:
        kind, login, platform = classify(text)
        if kind != "handle" or (not platform and not text.startswith("@")):
            return text
        if login in self.named or login.lstrip("@") in self.named:
            return text
        return self(login)

    def data(self, value: Any, named: bool = False) -> Any:
        """Frozen evidence data with account IDs mapped and private personal data dropped.

        Keys that hold account IDs (``account_id``, ``account_a``/``account_b``, ``members``,
        ``hubs``, …) are mapped; ``handle``, ``display_name`` and the like of a private
        account's record become ``null``; any other string that is a profile URL or an
        ``@handle`` of a private account (a shared item) becomes that account's pseudonym.
        """
        if isinstance(value, list):
            return [self.data(v, named) for v in value]
        if isinstance(value, str):
            return self._profile(value)
        if not isinstance(value, dict):
            return value
        own = value.get("account_id")
        named = own in self.named if isinstance(own, str) else named
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in _ID_KEYS and isinstance(item, str):
                out[key] = self(item)
            elif key in _ID_LIST_KEYS and isinstance(item, list):
                out[key] = [self(v) if isinstance(v, str) else self.data(v) for v in item]
            elif key in _PERSONAL_KEYS and isinstance(own, str) and not named:
                out[key] = None
            else:
                out[key] = self.data(item, named)
        return out
