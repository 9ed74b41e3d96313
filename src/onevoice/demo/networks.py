"""The planted coordinated networks, and the ground truth that lists them.

Four networks, each a group of 8–30 sock puppets acting within seconds of each other, as
described in the coordination literature (Giglietto et al. 2020 for co-link; Keller et al.
2020 and the QUT toolkit for co-retweet and co-tweet; Pacheco et al. 2021 for co-hashtag and
near-duplicate text):

- ``N1`` **link-sharing** (X + Facebook): the same URLs of two invented news sites, posted by
  every member within 10–40 s, some with tracking parameters that canonicalisation removes.
- ``N2`` **reposting** (X): the posts of three amplified accounts retweeted within seconds.
- ``N3`` **copy-paste** (X + Mastodon + Telegram): near-identical texts in four languages,
  each copy with small edits; each account mostly in its own language, a third of the
  time in one of the other three (the operators reuse every translation).
- ``N4`` **hashtag-pushing** (X + Bluesky): bursts flooding one hashtag, each burst with the
  campaign's slogan hashtag of the day (so members co-use several distinct hashtags).

Members are recently created, have few followers and handles ending in digits (the account
signals an analyst would look at), and they also post some ordinary content. Organic
accounts share the same sites, hashtags and posts now and then, hours apart.
"""

from __future__ import annotations

from typing import Any

from onevoice.demo.model import END, START, Account, Post, Seg
from onevoice.demo.narratives import (
    BOYCOTT_LINES,
    BOYCOTT_TAG,
    FAKE_DOMAINS,
    NARRATIVES,
    SLOGAN_TAGS,
    edit_variant,
    expand,
    first_choice,
)
from onevoice.demo.organic import account_id, decorate
from onevoice.demo.organic_pages import facebook_page
from onevoice.demo.world import World

__all__ = ["Network", "plant_networks"]

_LANGS4 = ("en", "fr", "es", "de")


class Network:
    """One planted network: its members, its posts and what it pushes."""

    def __init__(self, nid: str, kind: str, description: str, window: int) -> None:
        self.id, self.kind, self.description, self.window = nid, kind, description, window
        self.members: list[Account] = []
        self.posts: list[Post] = []
        self.amplified: list[Account] = []
        self.targets: list[Post] = []
        self.items: dict[str, Any] = {}
        self.events = 0

    def ground_truth(self) -> dict[str, Any]:
        """The JSON entry (call after the posts have their ids)."""
        entry: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "description": self.description,
            "platforms": sorted({m.platform for m in self.members}),
            "members": sorted(m.store_id for m in self.members),
            "window_seconds": self.window,
            "events": self.events,
            "posts": len(self.posts),
            "items": dict(self.items),
        }
        if self.amplified:
            entry["amplified_accounts"] = sorted(a.store_id for a in self.amplified)
        if self.targets:
            entry["items"]["posts"] = [f"twitter:{p.native_id}" for p in self.targets]
        return entry


def plant_networks(world: World) -> list[Network]:
    """Create the four networks' members and posts in ``world``."""
    return [_link_sharing(world), _reposting(world), _copy_paste(world), _hashtag(world)]


# -- helpers ---------------------------------------------------------------------------------
def _sock(world: World, platform: str, lang: str, created: int) -> Account:
    if platform == "facebook":
        acc = facebook_page(world, lang, community=True, kind="network")
        acc.created_at = created + world.rng.randrange(0, 20 * 86400)
        acc.followers = world.rng.randrange(40, 900)
    else:
        acc = decorate(
            world,
            world.person(
                platform, lang, account_id(world, platform), kind="network", created_after=created
            ),
        )
    world.accounts.setdefault(platform, []).append(acc)
    return acc


def _members(
    world: World, net: Network, spec: list[tuple[str, int]], langs: tuple[str, ...], created: int
) -> None:
    for platform, count in spec:
        for i in range(count):
            net.members.append(_sock(world, platform, langs[i % len(langs)], created))


def _event_time(world: World, not_before_day: int = 2) -> int:
    while True:
        ts = world.local_time(world.rng.choice([0.0, 1.0, -5.0]))
        if ts >= START + not_before_day * 86400 and ts < END - 3600:
            return ts


def _post(world: World, net: Network, acc: Account, ts: int, segs: list[Seg]) -> Post:
    post = world.add(world.new_post(acc, ts, segs, kind=net.id))
    net.posts.append(post)
    return post


def _filler(world: World, net: Network) -> None:
    """Ordinary-looking posts by each member, so members are not only ever coordinated."""
    rng = world.rng
    for acc in net.members:
        for _ in range(rng.randint(2, 4)):
            post = world.organic_original(acc, world.local_time(acc.utc_offset))
            post.extra["chat"] = "chat"
            world.add(post)


# -- the networks ----------------------------------------------------------------------------
def _link_sharing(world: World) -> Network:
    rng = world.rng
    net = Network(
        "N1",
        "link-sharing",
        "pushes articles of two invented news sites on X and "
        "Facebook, every member within 10-40 seconds",
        40,
    )
    _members(
        world,
        net,
        [("twitter", 16), ("facebook", 10)],
        ("en", "en", "es", "fr", "de"),
        START - 50 * 86400,
    )
    urls = []
    narratives = list(NARRATIVES.items())
    for i in range(16):
        _nid, (slug, texts) = narratives[i % len(narratives)]
        domain = FAKE_DOMAINS[i % 2]
        suffix = ["", "-video", "-full-document", "-update", "-proof"][i // 4 % 5]
        url = (
            f"https://{domain}/2025/11/{slug}{suffix}/"
            if i % 2 == 0
            else f"https://www.{domain}/news/{slug}{suffix}-{rng.randrange(1000, 9999)}.html"
        )
        urls.append(url)
        t0, width = _event_time(world), rng.uniform(10, 40)
        net.events += 1
        for acc in net.members:
            if rng.random() > 0.8:
                continue
            shared = url + ("?utm_source=fb&utm_medium=social" if rng.random() < 0.3 else "")
            lang = acc.lang if acc.lang in texts else "en"
            segs: list[Seg] = [
                ("text", edit_variant(rng, texts[lang], lang) + " "),
                ("url", shared),
            ]
            if rng.random() < 0.4:
                segs += [("text", " "), ("tag", "G20")]
            post = _post(world, net, acc, int(t0 + rng.uniform(0, width)), segs)
            post.extra["fb_type"] = "Link"
        # A few organic readers pass the story on, hours later.
        for _ in range(rng.randint(0, 2)):
            reader = rng.choice([a for a in world.accounts["twitter"] if a.kind == "person"])
            ts = t0 + rng.randrange(2 * 3600, 20 * 3600)
            if ts < END:
                world.add(
                    world.new_post(
                        reader, ts, [("text", world.reaction(reader.lang) + " "), ("url", url)]
                    )
                )
    net.items = {"urls": urls, "domains": list(FAKE_DOMAINS)}
    _filler(world, net)
    return net


def _reposting(world: World) -> Network:
    rng = world.rng
    net = Network(
        "N2",
        "reposting",
        "retweets the posts of three amplified accounts within seconds of each other",
        30,
    )
    _members(world, net, [("twitter", 20)], ("en", "en", "en", "es", "pt"), START - 70 * 86400)
    organic = [a for a in world.accounts["twitter"] if a.kind == "person"]
    for _ in range(3):
        src = decorate(world, world.person("twitter", "en", account_id(world, "twitter")))
        src.followers = rng.randrange(20_000, 90_000)
        src.activity = 5.0
        world.accounts["twitter"].append(src)
        net.amplified.append(src)
    for i in range(18):
        src = net.amplified[i % 3]
        ts = _event_time(world, 1)
        segs: list[Seg] = [
            (
                "text",
                expand(rng, rng.choice(BOYCOTT_LINES))
                + " "
                + world.news_sentence("en", rng.choice(["debt", "climate", "food"]), ts),
            )
        ]
        if rng.random() < 0.5:
            segs += [("text", " "), ("tag", "G20")]
        target = world.add(world.new_post(src, ts, segs))
        net.targets.append(target)
        net.events += 1
        t0, width = ts + rng.randrange(60, 900), rng.uniform(5, 30)
        for acc in net.members:
            if rng.random() < 0.85 and t0 + width < END:
                post = world.add(
                    world.repost(acc, target, int(t0 + rng.uniform(0, width)), kind=net.id)
                )
                net.posts.append(post)
        for reader in rng.sample(organic, rng.randint(0, 6)):
            ts2 = ts + world.delay(5400, 1.0)
            if ts2 < END:
                world.add(world.repost(reader, target, ts2))
    _filler(world, net)
    return net


def _copy_paste(world: World) -> Network:
    rng = world.rng
    net = Network(
        "N3",
        "copy-paste",
        "posts near-identical texts in English, French, Spanish "
        "and German on X, Mastodon and Telegram",
        60,
    )
    _members(
        world, net, [("twitter", 6), ("mastodon", 5), ("telegram", 4)], _LANGS4, START - 30 * 86400
    )
    for acc in net.members:
        if acc.platform == "mastodon":
            acc.extra["instance"] = rng.choice(["mastodon.world", "mastodon.online"])
    narratives = list(NARRATIVES.items())
    for i in range(12):
        _nid, (_slug, texts) = narratives[i % len(narratives)]
        t0, width = _event_time(world), rng.uniform(20, 60)
        net.events += 1
        for acc in net.members:
            if rng.random() > 0.85:
                continue
            # Mostly its own language, but the operators reuse every translation: a
            # third of the time an account posts the narrative in another language.
            lang = acc.lang if rng.random() < 0.65 else rng.choice(_LANGS4)
            post = _post(
                world,
                net,
                acc,
                int(t0 + rng.uniform(0, width)),
                [("text", edit_variant(rng, texts[lang], lang))],
            )
            post.extra["chat"] = "chat"
    net.items = {
        "texts": [
            {"narrative": nid, **{lg: first_choice(t) for lg, t in texts.items()}}
            for nid, (_slug, texts) in narratives
        ]
    }
    _filler(world, net)
    return net


def _hashtag(world: World) -> Network:
    rng = world.rng
    net = Network(
        "N4",
        "hashtag-pushing",
        f"floods #{BOYCOTT_TAG} on X and Bluesky in bursts, each burst with that day's slogan "
        "hashtag",
        150,
    )
    _members(world, net, [("twitter", 16), ("bluesky", 8)], ("en",), START - 25 * 86400)
    for slogan in SLOGAN_TAGS:
        t0, width = _event_time(world, 4), rng.uniform(60, 150)
        net.events += 1
        for acc in net.members:
            for _ in range(rng.choice([1, 1, 2])):
                lines = " ".join(expand(rng, ln) for ln in rng.sample(BOYCOTT_LINES, 2))
                segs: list[Seg] = [("text", lines + " "), ("tag", BOYCOTT_TAG)]
                if rng.random() < 0.85:
                    segs += [("text", " "), ("tag", slogan)]
                if rng.random() < 0.3:
                    segs += [("text", " "), ("tag", "G20")]
                _post(world, net, acc, int(t0 + rng.uniform(0, width)), segs)
    net.items = {"hashtags": [t.casefold() for t in (BOYCOTT_TAG, *SLOGAN_TAGS)]}
    _filler(world, net)
    return net
