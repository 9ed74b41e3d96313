"""Stream posts with planted coordinated networks, for the coordination benchmark.

:func:`write_coordination_posts` writes ``n`` posts (one seeded stream) at once as
OneVoice's generic CSV and as the QUT coordination-network-toolkit's CSV, plus a
ground-truth JSON that lists the planted networks' members. The posts, oldest first over the
ten-day window of :mod:`onevoice.demo.model`:

- **organic** posts by a heavy-tailed population of accounts (a few post hundreds of times,
  most a handful): two sentences in the account's language, often a link from a pool of
  20,000 URLs of heavy-tailed popularity, hashtags, now and then a mention; 30 % are reposts
  of recent posts (recent and popular ones more often). Busy accounts meet by chance within
  a minute on the same link or repost, which is the noise any detector must live with;
- **planted networks** (Giglietto et al. 2020; Keller et al. 2020; Pacheco et al. 2021),
  ``2 + n // 500,000`` of each kind, 10–40 members each, 40 events each; in an event each
  member takes part with probability 0.8, 90 % of them within 1–45 s of its start and the
  rest 1.5–15 min late:

  - ``link``: every event a new URL on an invented news site, posted with the member's own
    words (co-link);
  - ``repost``: every event a new post of one of the network's two amplified accounts,
    retweeted by the members (co-repost);
  - ``copy``: every event a new text (a narrative sentence and a sentence of the day),
    posted by each member with one small edit: an emoji, an exclamation mark, a hashtag
    (co-text; near-duplicates, not exact copies);

  members also post 5–20 ordinary posts each;
- **two viral items**, each shared once by ``min(100,000, n // 10)`` distinct organic
  accounts over three days: a news URL posted with the outlet's share-button text (the same
  text for everyone), and one post retweeted. Hundreds of accounts share each within any
  minute, so a naive join on the item would build ~5·10⁹ pairs; they add single
  coincidences (weight 1), not coordination.

Texts hold no comma and no double quote, so no CSV field is quoted. The QUT CSV's columns are
read by position: ``message_id, user_id, username, repost_id, reply_id, message, timestamp,
urls``. Memory does not grow with ``n`` beyond the planted posts (a few hundred thousand at
10M): organic and viral posts are made on the fly, reposts pick from a bounded window.
"""

from __future__ import annotations

import bisect
import csv
import heapq
import math
import random
from collections import deque
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

import orjson

from onevoice.demo.accounts import ascii_fold
from onevoice.demo.bench import QUT_COLUMNS, sentence
from onevoice.demo.model import DAYS, START
from onevoice.demo.narratives import NARRATIVES, expand
from onevoice.demo.texts import LANGS, OUTLETS, TOPIC_SLUGS, TOPIC_TAGS, TOPICS

__all__ = ["COORD_STREAM_VERSION", "KIND_OF", "write_coordination_posts"]

#: Bumped whenever the stream changes, so cached benchmark files are not reused stale.
COORD_STREAM_VERSION = 1
#: The planted network kinds and the coordination kind that should find each.
KIND_OF = {"link": "co-link", "repost": "co-repost", "copy": "co-text"}

CSV_COLUMNS = [
    "post_id",
    "account_id",
    "created_at",
    "platform",
    "account_handle",
    "text",
    "lang",
    "urls",
    "hashtags",
    "repost_of",
]
_LANG_WEIGHTS = {"en": 40, "es": 9, "pt": 9, "ja": 8, "fr": 5, "ar": 5, "hi": 5, "id": 5}
_LANG_WEIGHTS |= {"tr": 4, "de": 3, "ko": 2, "it": 2, "ru": 2, "zh": 1}
_NARRATIVE_LANGS = ("en", "fr", "es", "de")
_FAKE_SITES = ("summitwire-report.com", "truthpress24.net", "g20-leaks.info", "dailyveritas.news")
_EMOJI = ("🚨", "⚠️", "👉", "‼️", "🔥", "❗", "👀", "😡")
_SPAN = DAYS * 86400
EVENTS = 40
VIRAL_DAYS = 3


class _P:
    """One post; ``pid`` is given when it is written (ids follow the written order)."""

    __slots__ = ("account", "lang", "pid", "repost_of", "tags", "text", "ts", "urls")

    def __init__(
        self,
        ts: int,
        account: int,
        text: str,
        lang: str,
        urls: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        repost_of: _P | None = None,
    ) -> None:
        self.ts, self.account, self.text, self.lang = ts, account, text, lang
        self.urls, self.tags, self.repost_of = urls, tags, repost_of
        self.pid = ""

    def __lt__(self, other: _P) -> bool:
        return self.ts < other.ts


def _clean(text: str) -> str:
    return text.replace(",", "").replace('"', "").replace("\n", " ")


class _World:
    def __init__(self, n: int, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.n = n
        self.viral = min(100_000, n // 10)
        self.population = max(n // 5, 2 * self.viral, 1000)
        self.langs = [lg for lg, w in _LANG_WEIGHTS.items() for _ in range(w)]
        self.sentences = {lg: [_clean(sentence(self.rng, lg)) for _ in range(400)] for lg in LANGS}
        self.urls: list[str] = []
        weights = []
        for i in range(20_000):
            _name, _handle, domain, _lang, _off = OUTLETS[i % len(OUTLETS)]
            slug = rng.choice(TOPIC_SLUGS[rng.choice(TOPICS)])
            self.urls.append(f"https://{domain}/news/{slug}-{i:05d}")
            weights.append(min(rng.paretovariate(1.2), 500.0))
        self.url_cw = list(accumulate(weights))
        # extra accounts (planted members, amplified accounts, the viral poster): id, handle
        self.extra: list[tuple[str, str]] = []
        self.networks: list[dict[str, Any]] = []

    # -- accounts ----------------------------------------------------------------------
    def account_id(self, idx: int) -> str:
        if idx >= self.population:
            return self.extra[idx - self.population][0]
        return str(3_000_000_000 + idx * 7)

    def handle(self, idx: int) -> str:
        if idx >= self.population:
            return self.extra[idx - self.population][1]
        res: Any = LANGS[self.lang(idx)]
        given = ascii_fold(res["given"][idx % len(res["given"])].rpartition("/")[2])
        return f"{given}_{idx}"[:15]

    def lang(self, idx: int) -> str:
        return self.langs[(idx * 2654435761) % len(self.langs)]

    def new_account(self, handle: str) -> int:
        k = len(self.extra)
        self.extra.append((str(4_100_000_000 + k * 13), handle))
        return self.population + k

    def viral_account(self, i: int) -> int:
        """The i-th distinct organic account (a fixed permutation of the population)."""
        step = 1_000_003
        while math.gcd(step, self.population) != 1:
            step += 2
        return (i * step + 17) % self.population

    # -- texts -------------------------------------------------------------------------
    def two_sentences(self, lang: str) -> str:
        pool = self.sentences[lang]
        return f"{self.rng.choice(pool)} {self.rng.choice(pool)}"

    def popular_url(self) -> str:
        k = bisect.bisect(self.url_cw, self.rng.random() * self.url_cw[-1])
        return self.urls[min(k, len(self.urls) - 1)]

    def organic_original(self, ts: int, account: int, lang: str | None = None) -> _P:
        rng = self.rng
        lang = lang or self.lang(account)
        text = self.two_sentences(lang)
        urls: tuple[str, ...] = ()
        if rng.random() < 0.45:
            urls = (self.popular_url(),)
            text += " " + urls[0]
        if rng.random() < 0.1:
            text = f"@{self.handle(int(self.population * rng.random() ** 3))} {text}"
        tags = []
        if rng.random() < 0.6:
            tags.append("G20")
        if rng.random() < 0.3:
            tags.append(rng.choice(TOPIC_TAGS[rng.choice(TOPICS)]))
        for t in tags:
            text += " #" + t
        return _P(ts, account, text, lang, urls, tuple(tags))

    # -- the planted networks and the viral items ----------------------------------------
    def planted(self) -> list[_P]:
        rng = self.rng
        posts: list[_P] = []
        per_kind = 2 + self.n // 500_000
        for kind in KIND_OF:
            for k in range(per_kind):
                nid = f"{kind}-{k + 1}"
                size = rng.randint(10, 40)
                lang = rng.choice(_NARRATIVE_LANGS)
                given: list[str] = LANGS[lang]["given"]  # type: ignore[assignment]
                members = [  # the 'name + 8 digits' handles platforms suggest at sign-up
                    self.new_account(
                        ascii_fold(rng.choice(given).rpartition("/")[2])[:7]
                        + f"{rng.randrange(10**8):08d}"
                    )
                    for _ in range(size)
                ]
                leaders = (
                    [self.new_account(f"{nid.replace('-', '_')}_news{j}") for j in range(2)]
                    if kind == "repost"
                    else []
                )
                self.networks.append(
                    {
                        "id": nid,
                        "kind": KIND_OF[kind],
                        "members": sorted(self.account_id(m) for m in members),
                        "amplified": sorted(self.account_id(a) for a in leaders),
                        "events": EVENTS,
                    }
                )
                site = rng.choice(_FAKE_SITES)
                for e in range(EVENTS):
                    t0 = START + rng.randrange(_SPAN - 3600)
                    origin: _P | None = None
                    base = ""
                    if kind == "repost":
                        leader = rng.choice(leaders)
                        origin = self.organic_original(t0, leader, lang)
                        posts.append(origin)
                    elif kind == "copy":
                        _slug, templates = rng.choice(list(NARRATIVES.values()))
                        base = _clean(expand(rng, templates[lang]))
                        base += " " + rng.choice(self.sentences[lang])
                    url = f"https://{site}/{nid}/story-{e:03d}-{rng.randrange(10**6):06d}"
                    for m in members:
                        if rng.random() >= 0.8:
                            continue
                        if rng.random() < 0.9:
                            ts = t0 + rng.randint(1, 45)
                        else:
                            ts = t0 + rng.randint(90, 900)
                        if origin is not None:
                            posts.append(self.repost(ts, m, origin))
                        elif kind == "link":
                            text = f"{rng.choice(self.sentences[lang])} {url}"
                            posts.append(_P(ts, m, text, lang, (url,)))
                        else:
                            posts.append(_P(ts, m, self.copy_edit(base), lang))
                for m in members:  # ordinary content
                    for _ in range(rng.randint(5, 20)):
                        ts = START + rng.randrange(_SPAN)
                        posts.append(self.organic_original(ts, m, lang))
        # the viral post, retweeted by many from day 3 on
        star = self.new_account("WorldNewsDesk")
        t_star = START + 3 * 86400
        self.viral_post = _P(
            t_star,
            star,
            "Breaking: G20 leaders agree on a joint statement on debt relief #G20",
            "en",
            tags=("G20",),
        )
        posts.append(self.viral_post)
        posts.sort()
        return posts

    def copy_edit(self, base: str) -> str:
        rng = self.rng
        edit = rng.randrange(4)
        if edit == 0:
            return f"{rng.choice(_EMOJI)} {base}"
        if edit == 1:
            return f"{base} {rng.choice(_EMOJI)}"
        if edit == 2:
            return base[:-1] + "!" if base.endswith(".") else base + "!"
        return f"{base} #{rng.choice(('G20', 'WakeUp', 'Truth', 'G20Scam'))}"

    def repost(self, ts: int, account: int, orig: _P) -> _P:
        text = f"RT @{self.handle(orig.account)}: {orig.text}"
        return _P(ts, account, text, orig.lang, orig.urls, orig.tags, orig)

    def viral_shares(self) -> Iterator[_P]:
        """The viral URL's posts (from day 5) and the viral post's retweets (from day 3)."""
        rng, v = self.rng, self.viral
        span = VIRAL_DAYS * 86400
        url = "https://www.reuters.com/world/g20-leaders-agree-debt-relief-framework"
        text = f"G20 leaders agree on debt relief framework | Reuters {url} via @Reuters"

        def url_posts() -> Iterator[_P]:
            t0 = START + 5 * 86400
            for i in range(v):
                ts = t0 + (i * span) // v + rng.randrange(max(1, span // v))
                yield _P(ts, self.viral_account(i), text, "en", (url,))

        def retweets() -> Iterator[_P]:
            t0 = self.viral_post.ts + 30
            for i in range(v):
                ts = t0 + (i * span) // v + rng.randrange(max(1, span // v))
                yield self.repost(ts, self.viral_account(v // 2 + i), self.viral_post)

        return heapq.merge(url_posts(), retweets())

    def organic(self, count: int) -> Iterator[_P]:
        rng = self.rng
        recent: deque[_P] = deque(maxlen=2000)
        for i in range(count):
            ts = START + (i * _SPAN) // count + rng.randrange(60)
            account = int(self.population * rng.random() ** 2)
            if recent and rng.random() < 0.3:
                orig = recent[int(len(recent) * rng.random() ** 0.3)]
                yield self.repost(max(ts, orig.ts + 1), account, orig)
                continue
            post = self.organic_original(ts, account)
            recent.append(post)
            yield post


def write_coordination_posts(
    csv_path: Path, qut_path: Path, truth_path: Path, n: int, seed: int = 20
) -> dict[str, Any]:
    """Write ``n`` posts to ``csv_path`` (generic CSV) and ``qut_path`` (QUT CSV), and the
    ground truth to ``truth_path``; return the ground truth.

    The same ``n`` and ``seed`` give the same bytes. In the QUT CSV a post without a URL has
    an empty ``urls`` cell (the only way the format says "none"); see the benchmark's README
    for what the toolkit makes of it.

    Raises:
        ValueError: ``n`` too small to hold the planted networks and the viral items.
    """
    world = _World(n, seed)
    planted = world.planted()
    organic_n = n - len(planted) - 2 * world.viral
    if organic_n < n // 3:
        raise ValueError(f"{n} posts are too few for the planted networks; use 20,000 or more")
    stream = heapq.merge(planted, world.viral_shares(), world.organic(organic_n))
    written = 0
    with (
        Path(csv_path).open("w", encoding="utf-8", newline="") as f1,
        Path(qut_path).open("w", encoding="utf-8", newline="") as f2,
    ):
        ov = csv.writer(f1, lineterminator="\n")
        qut = csv.writer(f2, lineterminator="\n")
        ov.writerow(CSV_COLUMNS)
        qut.writerow(QUT_COLUMNS)
        for p in stream:
            p.pid = str(1_990_000_000_000_000_000 + written * 4096)
            written += 1
            account, handle = world.account_id(p.account), world.handle(p.account)
            urls = " ".join(p.urls)
            repost = p.repost_of.pid if p.repost_of is not None else ""
            ov.writerow(
                [
                    p.pid,
                    account,
                    p.ts,
                    "twitter",
                    handle,
                    p.text,
                    p.lang,
                    urls,
                    " ".join(p.tags),
                    repost,
                ]
            )
            qut.writerow([p.pid, account, handle, repost, "", p.text, p.ts, urls])
    truth = {
        "posts": written,
        "seed": seed,
        "version": COORD_STREAM_VERSION,
        "organic_accounts": world.population,
        "viral": {
            "accounts_per_item": world.viral,
            "days": VIRAL_DAYS,
            "post": world.viral_post.pid,
        },
        "networks": world.networks,
    }
    Path(truth_path).write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2))
    return truth
