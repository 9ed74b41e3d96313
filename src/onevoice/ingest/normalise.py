"""Normalisers shared by every ingest format: URLs, domains, hashtags, mentions, languages, time.

These are the single source of truth for what a canonical value is. The record mappers call
them directly; the store calls them through DuckDB user functions over *distinct* values
(see :mod:`onevoice.ingest.finish`), so a value shared by a million posts is normalised once.

URL canonicalisation follows RFC 3986 §6.2.2 (syntax-based normalisation: scheme and host
lower-cased, default port removed, empty path made ``/``) plus the usual social-media clean-up
(fragment and tracking parameters dropped), as CooRnet and the QUT toolkit do before co-link
detection. It never follows redirects (the network is not ours to use at ingest time).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "canonical_url",
    "normalise_hashtag",
    "normalise_lang",
    "normalise_mention",
    "parse_timestamp",
    "url_domain",
]

#: Query parameters that identify a campaign or a click, never the content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "cmpid",
        "spm",
        "mkt_tok",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "__s",
    }
)
#: Share-button parameters that are tracking only on some hosts.
HOST_TRACKING_PARAMS = {
    "twitter.com": frozenset({"s", "t", "ref_src"}),
    "x.com": frozenset({"s", "t"}),
    "youtube.com": frozenset({"si", "feature", "pp"}),
    "youtu.be": frozenset({"si", "feature"}),
    "instagram.com": frozenset({"utm_source", "igshid", "igsh"}),
    "t.me": frozenset({"single"}),
}
DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_OK = re.compile(r"^[^\s/?#@:]+$")


@lru_cache(maxsize=1 << 18)
def canonical_url(raw: str | None) -> str | None:
    """Return the canonical form of a URL, or ``None`` if ``raw`` is not an http(s) URL.

    Method: trim white space and an unbalanced closing parenthesis (``(see https://x.org/a)``;
    the text patterns already leave out trailing sentence punctuation), add ``http://`` to a
    bare ``www.`` host, lower-case the
    scheme and host, drop user info, default ports (80/443) and the fragment, make an empty
    path ``/``, and drop tracking query parameters (``utm_*``, ``fbclid``, ``gclid`` … and
    per-host share parameters such as X's ``s``/``t``). The order of the remaining
    parameters is kept: it is part of what the server sees.

    An empty or blank string is never a URL (the QUT toolkit's weak spot: an empty cell
    became one URL shared by everybody, a giant false co-link network).

    >>> canonical_url("HTTPS://Example.COM:443/a?utm_source=x&id=3#top")
    'https://example.com/a?id=3'
    >>> canonical_url("  ") is None
    True
    """
    if raw is None:
        return None
    url = raw.strip()
    if not url:
        return None
    if url[:4].lower() == "www.":
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host or not _HOST_OK.match(host) or ("." not in host and host != "localhost"):
        return None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    query = parts.query
    if path.endswith(")") and path.count("(") < path.count(")"):
        path = path[:-1] or "/"
    if query:
        bare = host[4:] if host.startswith("www.") else host
        extra = HOST_TRACKING_PARAMS.get(bare, frozenset())
        kept = [
            (k, v)
            for k, v in parse_qsl(query, keep_blank_values=True)
            if not (k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMS or k in extra)
        ]
        query = urlencode(kept, doseq=True, safe="/:@!$'()*+,;") if kept else ""
    return urlunsplit((scheme, netloc, path, query, ""))


@lru_cache(maxsize=1 << 16)
def url_domain(url: str | None) -> str | None:
    """Return the host of a canonical URL without a leading ``www.``.

    This is the host name, not the registrable domain: without the public-suffix list
    (which would have to be downloaded) ``news.example.co.uk`` stays as it is.
    """
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _has_letter(s: str) -> bool:
    return any(ch.isalpha() for ch in s)


@lru_cache(maxsize=1 << 16)
def normalise_hashtag(tag: str | None) -> str | None:
    """Return a hashtag without its ``#``, NFKC-normalised and case-folded.

    A tag with no letter (``#2024``) is not a hashtag, as on X/Twitter; ``None`` then.
    Case-folding (not lower-casing) makes ``#Straße`` and ``#STRASSE`` one tag.
    """
    if not tag:
        return None
    t = unicodedata.normalize("NFKC", tag.strip()).lstrip("#").strip()
    if not t or not _has_letter(t) or any(ch.isspace() for ch in t):
        return None
    return t.casefold()


_MENTION_OK = re.compile(r"^[\w.\-]+(@[\w.\-]+)?$")


@lru_cache(maxsize=1 << 16)
def normalise_mention(handle: str | None) -> str | None:
    """Return a mentioned handle without its ``@``, case-folded.

    Fediverse handles keep their instance (``user@example.social``), since the same user
    name on two instances is two people.
    """
    if not handle:
        return None
    h = unicodedata.normalize("NFKC", handle.strip()).lstrip("@＠").strip().casefold()
    if not h or not _MENTION_OK.match(h):
        return None
    return h


_NOT_A_LANGUAGE = frozenset({"und", "zxx", "mul", "mis", "qam", "qct", "qht", "qme", "qst"})


@lru_cache(maxsize=4096)
def normalise_lang(code: str | None) -> str | None:
    """Return the primary ISO 639 subtag of a language tag (``pt-BR`` → ``pt``).

    Platform codes for "undetermined" or "no linguistic content" (``und``, ``zxx``, X's
    ``qme``/``qht``…) become ``None``, so the language is detected from the text instead.
    """
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if not (2 <= len(primary) <= 3) or not primary.isascii() or not primary.isalpha():
        return None
    if primary in _NOT_A_LANGUAGE:
        return None
    return primary


_EPOCH = re.compile(r"^-?\d{1,12}(\.\d+)?$")


def parse_timestamp(value: object) -> datetime:
    """Parse an ISO 8601 string, epoch seconds, or a datetime into an aware UTC datetime.

    A time without a zone is taken as UTC. Epoch values are seconds (the unit every format we
    read uses); numbers of more than 12 integer digits are refused rather than guessed at.

    Raises:
        ValueError: with the text ``bad timestamp '…': expected ISO 8601 or epoch seconds``.
    """
    try:
        if isinstance(value, datetime):
            dt = value
        elif isinstance(value, bool):
            raise TypeError
        elif isinstance(value, int | float):
            dt = datetime.fromtimestamp(float(value), tz=UTC)
        elif isinstance(value, str):
            s = value.strip()
            if _EPOCH.match(s):
                dt = datetime.fromtimestamp(float(s), tz=UTC)
            else:
                if s.endswith(("Z", "z")):
                    s = s[:-1] + "+00:00"
                dt = datetime.fromisoformat(s)
        else:
            raise TypeError
    except (TypeError, ValueError, OverflowError, OSError):
        shown = value if isinstance(value, str) else repr(value)
        raise ValueError(f"bad timestamp '{shown}': expected ISO 8601 or epoch seconds") from None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
