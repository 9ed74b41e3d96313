"""Stream any number of generated posts to one file, for the ingest benchmark.

:func:`write_benchmark_posts` writes the *same* post stream (same seed, same ``n``) in three
forms, so two tools can be timed on identical content:

- ``csv``: OneVoice's generic CSV (``post_id, account_id, created_at`` in epoch seconds,
  ``platform, account_handle, text, lang, urls, hashtags, mentions, repost_of``);
- ``qut``: the CSV of the QUT coordination-network-toolkit's ``preprocess --format csv``,
  whose columns are read *by position*: ``message_id, user_id, username, repost_id,
  reply_id, message, timestamp, urls`` (space-separated URLs);
- ``twarc2``: X API v2 search pages of 100 tweets, as twarc2 saves them.

Texts hold no comma and no double quote, so neither CSV needs quoting (a quoted field would
send OneVoice's reader to its slower exact-line path, and the QUT toolkit reads every file
with Python's ``csv`` module anyway). Memory stays constant: accounts are derived from their
index, URLs come from a fixed pool, and reposts pick from a bounded window of recent posts.
"""

from __future__ import annotations

import bisect
import csv
import random
from collections import deque
from pathlib import Path
from typing import Any, Literal, NamedTuple

import orjson

from onevoice.demo.accounts import ascii_fold
from onevoice.demo.model import DAYS, START, cumulative, fmt_iso_ms
from onevoice.demo.narratives import expand
from onevoice.demo.texts import LANGS, OUTLETS, TOPIC_SLUGS, TOPIC_TAGS, TOPICS
from onevoice.demo.world import STOP

__all__ = ["BENCH_FORMATS", "STREAM_VERSION", "BenchFormat", "write_benchmark_posts"]

#: Bumped whenever the stream changes, so cached benchmark files are not reused stale.
STREAM_VERSION = 1
BenchFormat = Literal["csv", "qut", "twarc2"]
BENCH_FORMATS: tuple[BenchFormat, ...] = ("csv", "qut", "twarc2")
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
    "mentions",
    "repost_of",
]
QUT_COLUMNS = [
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
]


def sentence(rng: random.Random, lang: str) -> str:
    """One templated news sentence in ``lang`` (a frame, a topic clause, maybe a reaction)."""
    res: Any = LANGS[lang]
    clause = expand(rng, rng.choice(res["topics"][rng.choice(TOPICS)]))
    frames = [f for f in res["frames"] if "{day}" not in f]
    text = expand(rng, rng.choice(frames), topic=clause, city=res["city"])
    text += STOP.get(lang, ".")
    if rng.random() < 0.4:
        text += " " + expand(rng, rng.choice(res["reactions"]))
    return text


_LANG_WEIGHTS = {
    "en": 40,
    "es": 9,
    "pt": 9,
    "ja": 8,
    "fr": 5,
    "ar": 5,
    "hi": 5,
    "id": 5,
    "tr": 4,
    "de": 3,
    "ko": 2,
    "it": 2,
    "ru": 2,
    "zh": 1,
}
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class BenchPost(NamedTuple):
    post_id: str
    ts: int
    account: int
    text: str
    lang: str
    urls: tuple[str, ...]
    tags: tuple[str, ...]
    mentions: tuple[int, ...]
    repost_of: BenchPost | None


def _clean(text: str) -> str:
    return text.replace(",", "").replace('"', "").replace("\n", " ")


class _Stream:
    """A deterministic stream of ``n`` posts over the ten-day window, oldest first."""

    def __init__(self, seed: int, n: int) -> None:
        self.rng = rng = random.Random(seed)
        self.n = n
        self.population = max(1000, min(n // 8, 400_000))
        self.langs = [lg for lg, w in _LANG_WEIGHTS.items() for _ in range(w)]
        self.sentences = {lg: [_clean(sentence(self.rng, lg)) for _ in range(300)] for lg in LANGS}
        self.urls: list[str] = []
        weights = []
        for i in range(20_000):
            _name, _handle, domain, _lang, _off = OUTLETS[i % len(OUTLETS)]
            slug = rng.choice(TOPIC_SLUGS[rng.choice(TOPICS)])
            self.urls.append(f"https://{domain}/news/{slug}-{i:05d}")
            weights.append(min(rng.paretovariate(1.2), 500.0))
        self.url_cw = cumulative(weights)

    def account_id(self, idx: int) -> str:
        return str(3_000_000_000 + idx * 7)

    def handle(self, idx: int) -> str:
        res: Any = LANGS[self.lang(idx)]
        given = ascii_fold(res["given"][idx % len(res["given"])].rpartition("/")[2])
        return f"{given}_{idx}"[:15]

    def lang(self, idx: int) -> str:
        return self.langs[(idx * 2654435761) % len(self.langs)]

    def followers(self, idx: int) -> int:
        return int(10 ** (1 + 4.5 * ((idx * 40503) % 1000 / 1000) ** 3))

    def __iter__(self) -> Any:
        rng, n = self.rng, self.n
        recent: deque[BenchPost] = deque(maxlen=2000)
        span = DAYS * 86400
        for i in range(n):
            ts = START + (i * span) // n + rng.randrange(60)
            post_id = str(1_990_000_000_000_000_000 + i * 4096 + rng.randrange(4096))
            account = int(self.population * rng.random() ** 2.5)
            if recent and rng.random() < 0.35:
                orig = recent[int(len(recent) * rng.random() ** 0.3)]
                text = f"RT @{self.handle(orig.account)}: {orig.text}"
                yield BenchPost(
                    post_id,
                    ts,
                    account,
                    text,
                    orig.lang,
                    orig.urls,
                    orig.tags,
                    (orig.account, *orig.mentions),
                    orig,
                )
                continue
            lang = self.lang(account)
            text = rng.choice(self.sentences[lang])
            urls: tuple[str, ...] = ()
            if rng.random() < 0.45:
                k = bisect.bisect(self.url_cw, rng.random() * self.url_cw[-1])
                urls = (self.urls[min(k, len(self.urls) - 1)],)
                text += " " + urls[0]
            mentions: tuple[int, ...] = ()
            if rng.random() < 0.1:
                mentions = (int(self.population * rng.random() ** 3),)
                text = f"@{self.handle(mentions[0])} {text}"
            tags = []
            if rng.random() < 0.6:
                tags.append("G20")
            if rng.random() < 0.3:
                tags.append(rng.choice(TOPIC_TAGS[rng.choice(TOPICS)]))
            for t in tags:
                text += " #" + t
            post = BenchPost(post_id, ts, account, text, lang, urls, tuple(tags), mentions, None)
            recent.append(post)
            yield post


def write_benchmark_posts(path: Path, n: int, fmt: BenchFormat, seed: int = 20) -> int:
    """Write ``n`` generated posts to ``path`` in ``fmt`` and return ``n``.

    The same ``seed`` and ``n`` give the same posts in every format (and the same bytes on
    every run). Memory does not grow with ``n``.

    Raises:
        ValueError: an unknown ``fmt`` or a negative ``n``.
    """
    if fmt not in BENCH_FORMATS:
        raise ValueError(
            f"unknown benchmark format {fmt!r}; expected one of {', '.join(BENCH_FORMATS)}"
        )
    if n < 0:
        raise ValueError("n must not be negative")
    stream = _Stream(seed, n)
    path = Path(path)
    if fmt == "twarc2":
        _write_twarc2(path, stream)
        return n
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        if fmt == "csv":
            w.writerow(CSV_COLUMNS)
            for p in stream:
                w.writerow(
                    [
                        p.post_id,
                        stream.account_id(p.account),
                        p.ts,
                        "twitter",
                        stream.handle(p.account),
                        p.text,
                        p.lang,
                        " ".join(p.urls),
                        " ".join(p.tags),
                        " ".join(stream.handle(m) for m in p.mentions),
                        p.repost_of.post_id if p.repost_of else "",
                    ]
                )
        else:
            w.writerow(QUT_COLUMNS)
            for p in stream:
                w.writerow(
                    [
                        p.post_id,
                        stream.account_id(p.account),
                        stream.handle(p.account),
                        p.repost_of.post_id if p.repost_of else "",
                        "",
                        p.text,
                        p.ts,
                        " ".join(p.urls),
                    ]
                )
    return n


def _tco(post_id: str, k: int) -> str:
    v = (int(post_id) * 31 + k) % 62**10
    out = []
    for _ in range(10):
        v, r = divmod(v, 62)
        out.append(_B62[r])
    return "https://t.co/" + "".join(out)


def _tweet(stream: _Stream, p: BenchPost) -> dict[str, Any]:
    text, ents = p.text, {}
    if p.urls:
        urls = []
        for k, u in enumerate(p.urls):
            short = _tco(p.post_id if p.repost_of is None else p.repost_of.post_id, k)
            start = text.index(u)
            text = text.replace(u, short)
            urls.append(
                {
                    "start": start,
                    "end": start + len(short),
                    "url": short,
                    "expanded_url": u,
                    "display_url": u.split("://", 1)[1][:24] + "…",
                }
            )
        ents["urls"] = urls
    if p.tags:
        ents["hashtags"] = [{"tag": t} for t in p.tags]
    if p.mentions:
        ents["mentions"] = [
            {"username": stream.handle(m), "id": stream.account_id(m)} for m in p.mentions
        ]
    tweet: dict[str, Any] = {
        "id": p.post_id,
        "text": text,
        "author_id": stream.account_id(p.account),
        "created_at": fmt_iso_ms(p.ts * 1000),
        "lang": p.lang,
    }
    if ents:
        tweet["entities"] = ents
    if p.repost_of is not None:
        tweet["referenced_tweets"] = [{"type": "retweeted", "id": p.repost_of.post_id}]
    f = stream.followers(p.account)
    tweet["public_metrics"] = {
        "retweet_count": f % 7,
        "reply_count": f % 3,
        "like_count": f % 23,
        "quote_count": 0,
        "impression_count": f // 4,
    }
    tweet["edit_history_tweet_ids"] = [p.post_id]
    return tweet


def _user(stream: _Stream, idx: int) -> dict[str, Any]:
    f = stream.followers(idx)
    return {
        "id": stream.account_id(idx),
        "name": stream.handle(idx).replace("_", " "),
        "username": stream.handle(idx),
        "created_at": "2019-03-01T10:00:00.000Z",
        "public_metrics": {
            "followers_count": f,
            "following_count": f % 997,
            "tweet_count": f * 3 % 100_000,
            "listed_count": f // 500,
        },
    }


def _write_twarc2(path: Path, stream: _Stream) -> None:
    with path.open("wb") as out:
        page: list[BenchPost] = []
        for p in stream:
            page.append(p)
            if len(page) == 100:
                out.write(_page(stream, page))
                page = []
        if page:
            out.write(_page(stream, page))


def _page(stream: _Stream, page: list[BenchPost]) -> bytes:
    users: dict[int, None] = {}
    refs: dict[str, BenchPost] = {}
    for p in page:
        users[p.account] = None
        users.update(dict.fromkeys(p.mentions))
        if p.repost_of is not None:
            refs[p.repost_of.post_id] = p.repost_of
    includes: dict[str, Any] = {"users": [_user(stream, u) for u in users]}
    if refs:
        includes["tweets"] = [_tweet(stream, r) for r in refs.values()]
    doc = {
        "data": [_tweet(stream, p) for p in page],
        "includes": includes,
        "meta": {
            "result_count": len(page),
            "newest_id": page[-1].post_id,
            "oldest_id": page[0].post_id,
        },
    }
    return orjson.dumps(doc) + b"\n"
