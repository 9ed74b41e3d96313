"""The simulated population and its news: accounts, articles, and the posts they make.

Method (deliberately simple, but with the statistical shape of real collections):

- **Time**: a post's day is drawn from the news cycle's intensity (rising to the summit on
  days 7–8), its hour from a diurnal profile in the account's *local* time (morning and
  evening peaks, a night trough), so each language shows its own time-zone rhythm.
- **Heavy tails**: activity and follower counts are Pareto / log-normal, so a few accounts
  post most and a few outlets reach most; reposts go to posts in proportion to their
  author's reach, and arrive with log-normal delays (minutes to hours) - viral cascades.
- **Organic coincidence**: a share of link posts react to an article within minutes of its
  publication, so organic accounts co-share popular links (and hashtags) inside any short
  window. A detector must weigh repeated co-sharing of *many* items, not one coincidence.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from onevoice.demo.accounts import AccountFactory
from onevoice.demo.model import DAYS, END, START, Account, IdMaker, Post, Seg, cumulative
from onevoice.demo.narratives import BOYCOTT_TAG, expand
from onevoice.demo.texts import LANGS, OUTLETS, TOPIC_SLUGS, TOPIC_TAGS, TOPICS

__all__ = ["Article", "World"]

#: Relative volume per day of the window (the summit is on days 7 and 8, 0-based 6 and 7).
DAY_WEIGHTS = [0.45, 0.5, 0.55, 0.65, 0.75, 0.95, 1.6, 2.3, 1.9, 0.9]
#: Relative volume per local hour.
HOUR_WEIGHTS = [
    0.25,
    0.15,
    0.1,
    0.07,
    0.07,
    0.15,
    0.4,
    0.8,
    1.1,
    1.2,
    1.1,
    1.0,
    1.0,
    0.95,
    0.9,
    0.9,
    0.95,
    1.0,
    1.1,
    1.25,
    1.3,
    1.2,
    0.9,
    0.5,
]
STOP = {"zh": "。", "ja": "。", "hi": "।"}
_URL_STYLES = (
    "https://{h}/world/{y}/{m}/{dd}/{slug}/",
    "https://{d}/news/{slug}-{n8}",
    "https://{h}/{y}/{m}/{dd}/{slug}.html",
    "https://{d}/international/article/{y}/{m}/{dd}/{slug}_{n7}.html",
)


@dataclass(eq=False)
class Article:
    """A news article (real outlet domain, invented content)."""

    url: str
    domain: str
    lang: str
    topic: str
    title: str
    summary: str
    pub: int
    weight: float
    outlet: str


class World(AccountFactory):
    """Shared state of one generated data set: randomness, ids, articles, accounts, posts."""

    def __init__(self, rng: random.Random, scale: float) -> None:
        super().__init__(rng)
        self.scale = scale
        self.ids = IdMaker(rng)
        self.accounts: dict[str, list[Account]] = {}
        self.posts: dict[str, list[Post]] = {}
        #: Platform-level details the writers need (Telegram chats, YouTube videos).
        self.meta: dict[str, Any] = {}
        self._day_cw = cumulative(DAY_WEIGHTS)
        self._hour_cw = cumulative(HOUR_WEIGHTS)
        self.articles = self._make_articles()
        self._articles_by_lang: dict[str, list[Article]] = {}
        for a in self.articles:
            self._articles_by_lang.setdefault(a.lang, []).append(a)

    # -- time ------------------------------------------------------------------------------
    def local_time(self, offset: float) -> int:
        """A moment in the window, following the day and local-hour profiles."""
        rng = self.rng
        while True:
            day = rng.choices(range(DAYS), cum_weights=self._day_cw)[0]
            hour = rng.choices(range(24), cum_weights=self._hour_cw)[0]
            ts = START + day * 86400 + hour * 3600 + rng.randrange(3600) - int(offset * 3600)
            if START <= ts < END:
                return ts

    def delay(self, median_s: float, sigma: float = 1.2) -> int:
        return max(1, int(self.rng.lognormvariate(math.log(median_s), sigma)))

    # -- articles --------------------------------------------------------------------------
    def _make_articles(self) -> list[Article]:
        rng = self.rng
        out = []
        for day in range(DAYS):
            for _ in range(9 + int(6 * DAY_WEIGHTS[day])):
                name, _handle, domain, lang, offset = rng.choice(OUTLETS)
                topic = rng.choice(TOPICS if day in (6, 7) else TOPICS[:-1] + TOPICS[:3])
                pub = self.local_time(offset)
                ymd = _ymd(pub)
                style = _URL_STYLES[sum(map(ord, domain)) % len(_URL_STYLES)]
                k = rng.randrange(2)  # the headline variant, and the slug that matches it
                host = "www." + domain if domain.count(".") == 1 else domain
                url = style.format(
                    d=domain,
                    h=host,
                    y=ymd[0],
                    m=ymd[1],
                    dd=ymd[2],
                    slug=TOPIC_SLUGS[topic][k],
                    n8=rng.randrange(10**7, 10**8),
                    n7=rng.randrange(10**6, 10**7),
                )
                res: Any = LANGS[lang]
                title = _cap(expand(rng, res["topics"][topic][k]))
                summary = self.news_sentence(lang, topic, pub, variant=k)
                out.append(
                    Article(
                        url,
                        domain,
                        lang,
                        topic,
                        title,
                        summary,
                        pub,
                        min(rng.paretovariate(1.3), 25.0),
                        name,
                    )
                )
        out.sort(key=lambda a: (a.pub, a.url))
        return out

    def article_for(self, lang: str, ts: int) -> Article | None:
        """An article an account reading ``lang`` might share at ``ts``: recent and popular,
        usually in its own language, otherwise in English."""
        rng = self.rng
        pool = self._articles_by_lang.get(lang, []) if rng.random() < 0.75 else []
        if not pool:
            pool = self._articles_by_lang["en"]
        cands = [a for a in pool if ts - 2 * 86400 <= a.pub <= ts]
        if not cands:
            return None
        weights = [a.weight * math.exp(-(ts - a.pub) / 21600) for a in cands]
        return rng.choices(cands, weights=weights)[0]

    def popular_article(self, lang: str | None = None) -> Article:
        """A popular article, usually in ``lang`` when given, otherwise in any language."""
        pool = self.articles
        if lang is not None and self.rng.random() < 0.75:
            pool = self._articles_by_lang.get(lang) or pool
        return self.rng.choices(pool, weights=[a.weight for a in pool])[0]

    # -- text ------------------------------------------------------------------------------
    def news_sentence(self, lang: str, topic: str, ts: int, variant: int | None = None) -> str:
        """A sentence about ``topic`` (ending with the language's full stop); frames that
        count summit days are used on summit days only. ``variant`` picks the clause."""
        res: Any = LANGS[lang]
        clauses = res["topics"][topic]
        clause = expand(
            self.rng, clauses[variant] if variant is not None else self.rng.choice(clauses)
        )
        day = (ts - START) // 86400 - 5
        frames = [f for f in res["frames"] if "{day}" not in f or day in (1, 2)]
        text = expand(self.rng, self.rng.choice(frames), topic=clause, city=res["city"], day=day)
        return text + STOP.get(lang, ".")

    def reaction(self, lang: str) -> str:
        res: Any = LANGS[lang]
        return expand(self.rng, self.rng.choice(res["reactions"]))

    def tags(self, lang: str, topic: str) -> list[str]:
        rng = self.rng
        tags = []
        if rng.random() < 0.6:
            tags.append("G20")
        if rng.random() < 0.25:
            tags.append(str(LANGS[lang]["tag"]))
        if rng.random() < 0.3:
            tags.append(rng.choice(TOPIC_TAGS[topic]))
        if topic == "protest" and rng.random() < 0.1:
            tags.append(BOYCOTT_TAG)
        return tags

    # -- posts -----------------------------------------------------------------------------
    def add(self, post: Post) -> Post:
        self.posts.setdefault(post.platform, []).append(post)
        return post

    def new_post(
        self,
        account: Account,
        ts: int,
        segs: list[Seg],
        *,
        lang: str | None = None,
        kind: str = "organic",
    ) -> Post:
        return Post(
            account.platform,
            account,
            ts,
            self.rng.randrange(1000),
            lang if lang is not None else account.lang,
            segs,
            kind=kind,
        )

    def organic_original(
        self,
        account: Account,
        ts: int,
        *,
        article: Article | None = None,
        mention_pool: list[Account] | None = None,
    ) -> Post:
        """A link share (with a headline or a comment) or an opinion, with hashtags;
        ``article`` forces a share of that article."""
        rng = self.rng
        lang = account.lang
        segs: list[Seg] = []
        if article is not None:
            pass
        elif account.kind == "news" and account.domain:
            own = [a for a in self.articles if a.domain == account.domain and a.pub <= ts]
            article = own[-1] if own and rng.random() < 0.8 else None
        elif rng.random() < 0.45:
            article = self.article_for(lang, ts)
        topic = article.topic if article else rng.choice(TOPICS)
        if article is not None:
            if account.kind == "news" or rng.random() < 0.3:
                segs.append(("text", article.title))
            else:
                segs.append(("text", self.news_sentence(lang, topic, ts)))
                if rng.random() < 0.5:
                    segs.append(("text", " " + self.reaction(lang)))
            url = article.url
            if rng.random() < 0.15:
                url += ("&" if "?" in url else "?") + "utm_source=" + account.platform
            segs += [("text", " "), ("url", url)]
        else:
            segs.append(("text", self.news_sentence(lang, topic, ts)))
            if rng.random() < 0.4:
                segs.append(("text", " " + self.reaction(lang)))
        if mention_pool and rng.random() < 0.08:
            segs += [("text", " "), ("mention", rng.choice(mention_pool))]
        for tag in self.tags(lang, topic):
            segs += [("text", " "), ("tag", tag)]
        post = self.new_post(account, ts, segs)
        post.article = article
        return post

    def reply(self, account: Account, target: Post, *, mention: bool = True) -> Post:
        ts = min(target.ts + self.delay(1500), END - 1)
        segs: list[Seg] = [("mention", target.account), ("text", " ")] if mention else []
        segs.append(("text", self.reaction(account.lang)))
        post = self.new_post(account, ts, segs)
        post.reply_to = target
        return post

    def repost(self, account: Account, target: Post, ts: int, kind: str = "organic") -> Post:
        post = Post(
            account.platform,
            account,
            ts,
            self.rng.randrange(1000),
            target.lang,
            list(target.segs),
            repost_of=target,
            kind=kind,
        )
        return post

    def quote(self, account: Account, target: Post) -> Post:
        ts = min(target.ts + self.delay(2400), END - 1)
        post = self.new_post(account, ts, [("text", self.reaction(account.lang))])
        post.quote_of = target
        return post


def _ymd(ts: int) -> tuple[str, str, str]:
    from datetime import UTC, datetime

    d = datetime.fromtimestamp(ts, UTC)
    return f"{d.year:04d}", f"{d.month:02d}", f"{d.day:02d}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
