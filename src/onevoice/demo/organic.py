"""Organic activity on the platforms with public timelines (X, Mastodon, Bluesky, and the
generic-CSV platforms): originals, reactive link shares, replies, quotes and repost cascades.

Volumes are per platform at scale 1 (:data:`PLATFORMS`); the population and every volume
are multiplied by the scale. Telegram, YouTube and Facebook, whose exports are shaped
differently (one channel, comment threads, pages), are in :mod:`onevoice.demo.organic_pages`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from onevoice.demo.model import B32, B64URL, END, Account, Post, cumulative
from onevoice.demo.texts import OUTLETS
from onevoice.demo.world import World

__all__ = ["PLATFORMS", "Volume", "account_id", "population", "run_timeline"]


@dataclass(frozen=True)
class Volume:
    """How much a platform's organic population does at scale 1."""

    accounts: int
    outlets: int
    originals: int
    reposts: int
    replies: float  # share of originals
    quotes: float
    langs: dict[str, int]


PLATFORMS: dict[str, Volume] = {
    "twitter": Volume(
        210,
        12,
        800,
        380,
        0.12,
        0.04,
        {
            "en": 34,
            "es": 8,
            "pt": 8,
            "ja": 8,
            "fr": 5,
            "de": 4,
            "ar": 6,
            "hi": 5,
            "id": 6,
            "tr": 5,
            "ko": 3,
            "it": 3,
            "ru": 3,
            "zh": 2,
        },
    ),
    "mastodon": Volume(
        140,
        5,
        260,
        45,
        0.15,
        0.0,
        {"en": 40, "de": 22, "fr": 15, "ja": 10, "es": 5, "it": 4, "pt": 4},
    ),
    "bluesky": Volume(
        170,
        6,
        350,
        0,
        0.15,
        0.06,
        {"en": 52, "pt": 16, "ja": 10, "es": 8, "de": 5, "fr": 5, "ko": 2, "it": 2},
    ),
    "vk": Volume(210, 2, 1040, 240, 0.1, 0.0, {"ru": 1}),
    "weibo": Volume(170, 1, 780, 270, 0.1, 0.0, {"zh": 1}),
    "threads": Volume(150, 2, 620, 100, 0.12, 0.0, {"en": 5, "es": 2, "pt": 2, "it": 1}),
}

MASTODON_INSTANCES = [
    ("mastodon.social", 10),
    ("mastodon.online", 3),
    ("chaos.social", 2),
    ("mstdn.jp", 3),
    ("piaille.fr", 2),
    ("troet.cafe", 2),
    ("mastodon.world", 2),
    ("social.vivaldi.net", 1),
]


def account_id(world: World, platform: str) -> str:
    """A native account id in the platform's own style."""
    ids, rng = world.ids, world.rng
    if platform == "twitter":
        return ids.digits(19, "1") if rng.random() < 0.45 else ids.digits(rng.randint(7, 10))
    if platform == "mastodon":
        return ids.digits(18, "1") if rng.random() < 0.6 else ids.digits(rng.randint(4, 6))
    if platform == "bluesky":
        return ids.chars(B32, 24, prefix="did:plc:")
    if platform == "youtube":
        return ids.chars(B64URL, 22, prefix="UC")
    if platform == "facebook":
        return ids.digits(15, "100") if rng.random() < 0.5 else ids.digits(rng.randint(9, 12))
    if platform == "threads":
        return ids.digits(17)
    if platform == "telegram":  # Telegram Desktop's from_id
        return "user" + ids.digits(rng.choice([9, 10]))
    return ids.digits(rng.randint(8, 10))


def decorate(world: World, acc: Account) -> Account:
    """Platform details of an account (Mastodon instance, Bluesky handle domain)."""
    rng = world.rng
    if acc.platform == "mastodon":
        names = [n for n, _ in MASTODON_INSTANCES]
        acc.extra["instance"] = rng.choices(names, weights=[w for _, w in MASTODON_INSTANCES])[0]
        acc.extra["bot"] = acc.kind == "news" and rng.random() < 0.5
        acc.handle = acc.handle.lower()
    elif acc.platform == "bluesky":
        acc.handle = (
            acc.handle.lower().replace("_", "-") + ".bsky.social"
            if acc.kind != "news"
            else f"{acc.domain}"
        )
    elif acc.platform == "youtube":
        acc.handle = acc.handle.lower().replace("_", "")
    return acc


def population(world: World, platform: str, vol: Volume) -> list[Account]:
    """The platform's outlets and organic people."""
    rng = world.rng
    accounts = []
    outlets = sorted(OUTLETS, key=lambda o: o[1])
    n_out = max(1, round(vol.outlets * min(world.scale, 1.0)))
    langs = list(vol.langs)
    picked = [o for o in outlets if o[3] in vol.langs] or outlets
    for entry in rng.sample(picked, min(n_out, len(picked))):
        accounts.append(decorate(world, world.outlet(platform, entry, account_id(world, platform))))
    weights = [vol.langs[lg] for lg in langs]
    for _ in range(max(8, round(vol.accounts * world.scale))):
        lang = rng.choices(langs, weights=weights)[0]
        accounts.append(decorate(world, world.person(platform, lang, account_id(world, platform))))
    world.accounts.setdefault(platform, []).extend(accounts)
    return accounts


def run_timeline(world: World, platform: str, vol: Volume) -> None:
    """Organic originals, reactive shares, replies, quotes and reposts on ``platform``."""
    rng = world.rng
    accounts = population(world, platform, vol)
    persons = [a for a in accounts if a.kind == "person"]
    outlets = [a for a in accounts if a.kind == "news"]
    cw = cumulative([a.activity for a in accounts])
    person_cw = cumulative([a.activity for a in persons])
    n = round(vol.originals * world.scale)
    originals: list[Post] = []
    for author in rng.choices(accounts, cum_weights=cw, k=n):
        ts = world.local_time(author.utc_offset)
        originals.append(world.add(world.organic_original(author, ts, mention_pool=outlets)))
    # Breaking news: people share a popular article minutes after it appears.
    for _ in range(round(n * 0.2)):
        author = rng.choices(persons, cum_weights=person_cw)[0]
        article = world.popular_article(author.lang)
        ts = article.pub + world.delay(900, 1.3)
        if ts >= END:
            continue
        originals.append(world.add(world.organic_original(author, ts, article=article)))
    reach = cumulative([math.sqrt(p.account.followers + 10) * rng.random() for p in originals])
    for _ in range(round(n * vol.replies)):
        target = rng.choices(originals, cum_weights=reach)[0]
        author = rng.choices(persons, cum_weights=person_cw)[0]
        if author is not target.account:
            world.add(world.reply(author, target))
    for _ in range(round(n * vol.quotes)):
        target = rng.choices(originals, cum_weights=reach)[0]
        author = rng.choices(persons, cum_weights=person_cw)[0]
        if author is not target.account:
            world.add(world.quote(author, target))
    cascade(world, originals, accounts, round(vol.reposts * world.scale))


def cascade(world: World, originals: list[Post], accounts: list[Account], count: int) -> None:
    """``count`` reposts spread over ``originals`` in proportion to their author's reach
    (a heavy tail: a few posts go viral), each after a log-normal delay."""
    rng = world.rng
    if not originals or count <= 0:
        return
    virality = cumulative(
        [(p.account.followers + 20) ** 0.6 * rng.paretovariate(1.5) for p in originals]
    )
    cw = cumulative([a.activity for a in accounts])
    done: set[tuple[int, int]] = set()
    for _ in range(count):
        i = rng.choices(range(len(originals)), cum_weights=virality)[0]
        target = originals[i]
        who = rng.choices(range(len(accounts)), cum_weights=cw)[0]
        account = accounts[who]
        if account is target.account or (i, who) in done:
            continue
        ts = target.ts + world.delay(2400, 1.4)
        if ts >= END:
            continue
        done.add((i, who))
        world.add(world.repost(account, target, ts))
