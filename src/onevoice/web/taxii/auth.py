"""HTTP Basic authentication of partners, and the secrets ``onevoice partners`` hands out.

The Basic user name is the partner's name and the password its secret. Secrets are 256-bit
random tokens kept only as Django password hashes (Argon2id first). Checking Argon2 on every
request of a paged download would cost a tenth of a second each, so a successful check is
remembered in this process for :data:`CACHE_SECONDS`, keyed by the partner, its stored hash
and a SHA-256 of the secret: changing the secret or the hash ends it at once, and the
``active`` flag is read from the database on every request. Failed checks are never cached.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict

from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from onevoice.errors import UsageError
from onevoice.web.taxii.models import Partner
from onevoice.web.taxii.protocol import TaxiiError

__all__ = [
    "CACHE_SECONDS",
    "NAME_PATTERN",
    "authenticate",
    "basic_credentials",
    "check_name",
    "clear_cache",
    "new_secret",
]

CACHE_SECONDS = 300
_CACHE_SIZE = 256
#: Partner names: usable as an HTTP Basic user name (no colon, no spaces).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

_verified: OrderedDict[tuple[int, str, str], float] = OrderedDict()
_lock = threading.Lock()


def new_secret() -> str:
    """A new random partner secret (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def check_name(name: str) -> str:
    """``name`` if it can be a partner name, else :class:`UsageError`."""
    if not NAME_PATTERN.match(name):
        raise UsageError(
            f"{name!r} cannot be a partner name",
            hint="use letters, digits, '.', '_' or '-' (it is the TAXII user name)",
        )
    return name


def clear_cache() -> None:
    """Forget every remembered successful check (tests; after rotating secrets)."""
    with _lock:
        _verified.clear()


def basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """The (user, password) of an ``Authorization: Basic`` header, or None when absent.

    Raises:
        TaxiiError: 401 when the header is there but malformed.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise TaxiiError(401, "only HTTP Basic authentication is supported")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TaxiiError(401, "the Basic credentials are not valid base64 UTF-8") from None
    user, sep, password = decoded.partition(":")
    if not sep:
        raise TaxiiError(401, "the Basic credentials lack a password")
    return user, password


def _key(partner: Partner, secret: str) -> tuple[int, str, str]:
    digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
    return (int(partner.pk), str(partner.secret_hash), digest)


def _check(partner: Partner, secret: str) -> bool:
    key = _key(partner, secret)
    now = time.monotonic()
    with _lock:
        expiry = _verified.get(key)
        if expiry is not None and expiry > now:
            _verified.move_to_end(key)
            return True
    if not partner.check_secret(secret):
        return False
    with _lock:
        _verified[key] = now + CACHE_SECONDS
        while len(_verified) > _CACHE_SIZE:
            _verified.popitem(last=False)
    return True


def authenticate(request: HttpRequest) -> Partner:
    """The active partner whose Basic credentials ``request`` carries.

    Raises:
        TaxiiError: 401 without credentials or with a wrong name or secret; 403 when the
            partner is disabled (only once the secret is right, so a disabled name cannot
            be told apart from an unknown one by guessing).
    """
    credentials = basic_credentials(request)
    if credentials is None:
        raise TaxiiError(401, "this TAXII server needs HTTP Basic credentials")
    name, secret = credentials
    partner: Partner | None = Partner.objects.filter(name=name).first()
    if partner is None:
        # spend the same time as a real check, so names cannot be probed by timing
        make_password(secret)
        raise TaxiiError(401, "unknown partner or wrong secret")
    if not _check(partner, secret):
        raise TaxiiError(401, "unknown partner or wrong secret")
    if not partner.active:
        raise TaxiiError(403, f"partner {partner.name} is disabled")
    return partner
