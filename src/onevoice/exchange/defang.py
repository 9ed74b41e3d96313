"""Defang, refang and classify indicators (URLs, domains, handles, e-mail addresses, …).

Threat reports publish indicators *defanged* so that nobody clicks them by accident:
``example[.]org``, ``hxxps://example[.]org/x``, ``name[at]example[.]org``. This module
turns them back (:func:`refang`), defangs our own for platform lists (:func:`defang`,
the common convention of CERTs and of Meta's threat-research repository: ``hxxp`` for the
scheme, ``[.]`` for every dot of a host, ``[at]`` for the ``@`` of an e-mail address), and
sorts a refanged value into one of :data:`~onevoice.exchange.model.INDICATOR_KINDS`.

A profile URL on a known platform (``twitter.com/name``, ``t.me/name``,
``youtube.com/@name``, ``tiktok.com/@name``) is classified as a ``handle`` with its platform,
because what identifies the asset is the account, not the URL spelling; any other URL stays
a ``url``. Text that is none of these (``"63 accounts"``, a quoted post) is ``other`` and is
kept exactly as written.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = ["PLATFORM_HOSTS", "classify", "defang", "refang"]

#: Hosts whose one-segment paths are accounts, and the platform name we give them.
PLATFORM_HOSTS: dict[str, str] = {
    "twitter.com": "twitter",
    "x.com": "twitter",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "instagram.com": "instagram",
    "threads.net": "threads",
    "tiktok.com": "tiktok",
    "youtube.com": "youtube",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "vk.com": "vk",
    "ok.ru": "ok",
    "reddit.com": "reddit",
    "medium.com": "medium",
    "linkedin.com": "linkedin",
    "pinterest.com": "pinterest",
    "pixiv.net": "pixiv",
    "weibo.com": "weibo",
    "gab.com": "gab",
    "tumblr.com": "tumblr",
    "truthsocial.com": "truthsocial",
}

# Paths under a platform host that are never account names.
_NOT_ACCOUNTS = frozenset(
    {"watch", "pin", "p", "status", "hashtag", "search", "share", "groups", "events", "intent"}
)

_REFANG = [
    (re.compile(r"\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*\.\s*\}", re.I), "."),
    (re.compile(r"\[\s*(?:@|at)\s*\]|\(\s*(?:@|at)\s*\)", re.I), "@"),
    (re.compile(r"\[\s*:\s*\]"), ":"),
    (re.compile(r"\[\s*://\s*\]"), "://"),
    (re.compile(r"\[\s*/\s*\]"), "/"),
]
_SCHEME = re.compile(r"^(?:hxxp|hxp|h\*\*p|meow)(s?)(\[?:\]?//)", re.I)
_DOMAIN = re.compile(
    r"^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$"
)
_URLISH = re.compile(r"^(?:[a-z0-9_-]+\.)+[a-z]{2,63}(?::\d+)?/\S*$", re.I)
_EMAIL = re.compile(r"^[^@\s/:]+@(?:[a-z0-9-]+\.)+[a-z]{2,63}$", re.I)
_HANDLE = re.compile(r"^@[A-Za-z0-9_.]{1,64}$")
_HASH_LENGTHS = {32, 40, 64, 128}


def refang(value: str) -> str:
    """Undo the usual defanging: ``hxxps://a[.]b[at]c`` → ``https://a.b@c``.

    Only a scheme at the very start is rewritten (``hxxp`` inside a path stays), so
    refanging a value that was never defanged leaves it unchanged.
    """
    text = value.strip()
    text = _SCHEME.sub(lambda m: f"http{m.group(1).lower()}://", text)
    for pattern, replacement in _REFANG:
        text = pattern.sub(replacement, text)
    return text


def defang(value: str, kind: str) -> str:
    """Defang a refanged indicator of ``kind`` so that it cannot be clicked.

    ``url``: ``http``→``hxxp`` in the scheme and ``[.]`` for each dot of the host;
    ``domain``, ``ip``: ``[.]`` for each dot; ``email``: ``[at]`` and ``[.]`` in the domain.
    Handles, hashes and free text are returned unchanged.
    """
    if kind in ("domain", "ip"):
        return value.replace(".", "[.]")
    if kind == "email":
        local, _, domain = value.rpartition("@")
        return f"{local}[at]{domain.replace('.', '[.]')}"
    if kind == "url":
        match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)?([^/?#]*)(.*)$", value, re.S)
        if match is None:  # pragma: no cover - the pattern matches every string
            return value
        scheme, host, rest = match.group(1) or "", match.group(2), match.group(3)
        if scheme.lower().startswith("http"):
            scheme = "hxxp" + scheme[4:]
        return scheme + host.replace(".", "[.]") + rest
    return value


def _host_key(host: str) -> str:
    host = host.lower().split(":", 1)[0]
    for prefix in ("www.", "m.", "mobile.", "web."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    return host


def _account(url: str) -> tuple[str, str] | None:
    """``(login, platform)`` when ``url`` is a profile URL on a known platform."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    platform = PLATFORM_HOSTS.get(_host_key(parts.hostname or ""))
    if platform is None:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if platform == "facebook" and segments == ["profile.php"]:
        match = re.search(r"(?:^|&)id=(\d+)", parts.query)
        return (match.group(1), platform) if match else None
    if platform == "youtube" and len(segments) == 2 and segments[0] in ("channel", "c", "user"):
        return segments[1], platform
    if platform in ("reddit",) and len(segments) == 2 and segments[0] in ("user", "u"):
        return segments[1], platform
    if platform == "pixiv" and len(segments) >= 2 and segments[-2] == "users":
        return segments[-1], platform
    if len(segments) == 1 and segments[0].lower() not in _NOT_ACCOUNTS and not parts.query:
        return segments[0], platform
    return None


def classify(value: str) -> tuple[str, str, str]:
    """Refang ``value`` and say what it is: ``(kind, value, platform)``.

    ``kind`` is one of ``url``, ``domain``, ``email``, ``handle``, ``ip``, ``hash`` or
    ``other``; ``value`` is the refanged value (domains lower-cased, handles as the
    platform's login such as ``@name`` on YouTube and TikTok); ``platform`` is set for
    handles recognised from a profile URL and empty otherwise. Free text is returned as
    written (only stripped), never refanged.
    """
    raw = value.strip()
    text = refang(raw)
    if not text or any(c.isspace() for c in text):
        return "other", raw, ""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        return "ip", text, ""
    if len(text) in _HASH_LENGTHS and re.fullmatch(r"[0-9a-fA-F]+", text):
        return "hash", text.lower(), ""
    if _EMAIL.match(text) and "://" not in text:
        return "email", text, ""
    if _HANDLE.match(text):
        return "handle", text, ""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text) or _URLISH.match(text):
        account = _account(text)
        if account is not None:
            return "handle", account[0], account[1]
        return "url", text, ""
    lowered = text.lower().rstrip(".")
    if _DOMAIN.match(lowered):
        return "domain", lowered, ""
    return "other", raw, ""
