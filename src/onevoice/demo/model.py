"""The simulated world's records, identifiers and clock.

A post is kept platform-neutral until it is written: its text is a list of *segments*
(plain text, a URL, a hashtag, a mention), so each writer can render it the way its platform
does (t.co links and entity offsets on X, HTML anchors on Mastodon, UTF-8 byte facets on
Bluesky, text parts on Telegram). Identifiers are made the way each platform makes them
(X/Mastodon snowflakes from the post's millisecond, Bluesky TIDs from its microsecond,
YouTube-style base64 ids), all from the generator's own :class:`random.Random`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

__all__ = [
    "DAYS",
    "END",
    "HOME_INSTANCE",
    "START",
    "Account",
    "Post",
    "Seg",
    "cumulative",
    "fmt_iso_ms",
    "iso_seconds",
    "rand_chars",
]

#: The simulated news cycle: ten days around a G20 leaders' summit (days 7 and 8).
START = int(datetime(2025, 11, 15, tzinfo=UTC).timestamp())
DAYS = 10
END = START + DAYS * 86400
#: Collection ("retrieved at") time written into the exports: the day after the window.
RETRIEVED = END + 6 * 3600 + 17 * 60
#: The Mastodon server the Mastodon export was fetched from (its accounts have no ``@domain``
#: in ``acct``).
HOME_INSTANCE = "mastodon.social"

#: Segment kinds: ``("text", str)``, ``("url", str)``, ``("tag", str)`` (without ``#``),
#: ``("mention", Account)``.
Seg = tuple[str, Any]

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64URL = ALNUM + "-_"
B32 = "abcdefghijklmnopqrstuvwxyz234567"
B32_SORT = "234567abcdefghijklmnopqrstuvwxyz"


def rand_chars(rng: random.Random, alphabet: str, n: int) -> str:
    """``n`` characters drawn from ``alphabet``."""
    return "".join(rng.choice(alphabet) for _ in range(n))


def cumulative(weights: list[float]) -> list[float]:
    """Running sums, for ``random.choices(cum_weights=…)`` (drawn many times from one list)."""
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def fmt_iso_ms(ms: int) -> str:
    """``2025-11-16T09:15:03.042Z``."""
    dt = datetime.fromtimestamp(ms // 1000, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def iso_seconds(ts: int, offset_hours: float = 0.0, *, zone: bool = True) -> str:
    """An ISO 8601 time in a fixed UTC offset (``Z`` for UTC), optionally without zone."""
    tz = timezone(timedelta(hours=offset_hours))
    dt = datetime.fromtimestamp(ts, tz)
    if not zone:
        return dt.strftime("%Y-%m-%dT%H:%M:%S")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if offset_hours == 0 else dt.isoformat()


@dataclass(eq=False)
class Account:
    """One account on one platform (a person, an outlet, or a network sock puppet)."""

    platform: str
    native_id: str
    handle: str
    name: str
    lang: str
    utc_offset: float
    followers: int
    following: int
    created_at: int
    activity: float
    kind: str = "person"  # person | news | network
    description: str = ""
    verified: bool = False
    domain: str | None = None  # an outlet's own news site
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def store_id(self) -> str:
        """The account's id in the OneVoice store, ``<platform>:<native id>``, where the
        native id is what the platform's reader takes as the account: the author id on X,
        the DID on Bluesky, ``from_id`` (``user…``/``channel…``) on Telegram, the fediverse
        address ``user@instance`` (case-folded) on Mastodon, since Mastodon's numeric
        account ids are local to the server an export came from."""
        if self.platform == "mastodon":
            instance = self.extra.get("instance", HOME_INSTANCE)
            return f"mastodon:{self.handle}@{instance}".casefold()
        return f"{self.platform}:{self.native_id}"


@dataclass(eq=False)
class Post:
    """One post, platform-neutral until a writer renders it."""

    platform: str
    account: Account
    ts: int  # epoch seconds
    ms: int  # milliseconds within the second (ids and sub-second ordering)
    lang: str | None
    segs: list[Seg]
    native_id: str = ""
    repost_of: Post | None = None
    reply_to: Post | None = None
    quote_of: Post | None = None
    article: Any = None  # the news article a link post shares (titles for cards)
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    views: int = 0
    kind: str = "organic"  # organic | <network id>
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def epoch_ms(self) -> int:
        return self.ts * 1000 + self.ms

    @property
    def plain_text(self) -> str:
        """The text as a reader sees it: URLs in full, ``#tag``, ``@handle``."""
        return render_plain(self.segs)

    @property
    def urls(self) -> list[str]:
        return [v for k, v in self.segs if k == "url"]

    @property
    def hashtags(self) -> list[str]:
        return [v for k, v in self.segs if k == "tag"]

    @property
    def mentions(self) -> list[Account]:
        return [v for k, v in self.segs if k == "mention"]


def render_plain(segs: list[Seg]) -> str:
    out = []
    for kind, value in segs:
        if kind == "text" or kind == "url":
            out.append(value)
        elif kind == "tag":
            out.append("#" + value)
        else:
            out.append("@" + value.handle)
    return "".join(out)


class IdMaker:
    """Platform-style identifiers, unique within one generated data set."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._seq = 0
        self._seen: set[str] = set()

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def snowflake(self, epoch_ms: int) -> str:
        """An X/Twitter id: milliseconds since 2010-11-04 in the top bits."""
        return str(((epoch_ms - 1288834974657) << 22) | (self._next() & 0x3FFFFF))

    def mastodon(self, epoch_ms: int) -> str:
        """A Mastodon id: milliseconds since 1970 shifted by 16 bits."""
        return str((epoch_ms << 16) | (self._next() & 0xFFFF))

    def tid(self, epoch_ms: int) -> str:
        """An AT Protocol record key (TID): microseconds and a clock id, base32-sortable."""
        value = ((epoch_ms * 1000 + self.rng.randrange(1000)) << 10) | (self._next() & 0x3FF)
        out = []
        for _ in range(13):
            out.append(B32_SORT[value & 31])
            value >>= 5
        return "".join(reversed(out))

    def unique(self, make: Any) -> str:
        """Call ``make()`` until it gives a value not given before."""
        while True:
            value = make()
            if value not in self._seen:
                self._seen.add(value)
                return str(value)

    def digits(self, n: int, first: str = "") -> str:
        rng = self.rng
        return self.unique(
            lambda: (
                first
                + str(rng.randrange(1, 10))
                + rand_chars(rng, "0123456789", n - 1 - len(first))
            )
        )

    def chars(self, alphabet: str, n: int, prefix: str = "", suffix: str = "") -> str:
        return self.unique(lambda: prefix + rand_chars(self.rng, alphabet, n) + suffix)
