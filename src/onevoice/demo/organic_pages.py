"""Organic activity on the page- and thread-shaped platforms: a Telegram news channel and its
discussion group, YouTube comment threads under news videos, and Facebook pages (as a
CrowdTangle export lists them)."""

from __future__ import annotations

from typing import Any

from onevoice.demo.model import B64URL, END, START, Account, Post, Seg, cumulative
from onevoice.demo.organic import account_id
from onevoice.demo.texts import OUTLETS
from onevoice.demo.world import World

__all__ = ["facebook", "telegram", "youtube"]

COUNTRIES = {
    "en": ["US", "GB", "ZA", "AU", "IN", "CA"],
    "fr": ["FR"],
    "de": ["DE"],
    "es": ["ES", "MX", "AR"],
    "pt": ["BR"],
    "it": ["IT"],
    "id": ["ID"],
    "hi": ["IN"],
    "ar": ["SA", "EG"],
    "tr": ["TR"],
    "ru": ["RU"],
    "zh": ["CN"],
    "ja": ["JP"],
    "ko": ["KR"],
}
_COMMUNITY = (
    ["Citizens for", "Friends of", "Voices of", "Together for", "Youth for"],
    [
        "Climate Justice",
        "the Global South",
        "Fair Trade",
        "Food Sovereignty",
        "Debt Justice",
        "Clean Energy",
        "Open Government",
    ],
)


def telegram(world: World) -> None:
    """A public news channel (headlines, forwards) and a public discussion group."""
    rng = world.rng
    channel_id = world.ids.digits(10, "1")
    channel = world.outlet(
        "telegram", ("G20 Summit Watch", "g20summitwatch", "", "en", 0.0), "channel" + channel_id
    )
    channel.domain = None
    world.accounts.setdefault("telegram", []).append(channel)
    group_id = world.ids.digits(10, "2")
    world.meta["telegram"] = {
        "channel": {
            "name": channel.name,
            "id": int(channel_id),
            "account": channel,
            "created": channel.created_at,
        },
        "chat": {
            "name": "G20 Summit Watch — Discussion",
            "id": int(group_id),
            "created": START - 400 * 86400,
        },
    }
    for _ in range(round(200 * world.scale)):
        article = world.popular_article()
        ts = article.pub + world.delay(1800, 1.0)
        if ts >= END:
            continue
        segs: list[Seg] = [("text", article.title + "\n\n")]
        post = world.new_post(channel, ts, segs, lang=article.lang)
        if rng.random() < 0.5:
            post.extra["text_link"] = "Read more"
        segs.append(("url", article.url))
        if rng.random() < 0.5:
            segs += [("text", "\n"), ("tag", "G20")]
        if rng.random() < 0.2:
            post.extra["forwarded_from"] = article.outlet
        post.extra["chat"] = "channel"
        post.views = int(rng.lognormvariate(8.5, 0.6))
        world.add(post)
    langs = {"ru": 30, "en": 30, "ar": 8, "fr": 6, "es": 6, "tr": 8, "de": 6, "hi": 4}
    users = []
    for _ in range(max(8, round(110 * world.scale))):
        lang = rng.choices(list(langs), weights=list(langs.values()))[0]
        users.append(world.person("telegram", lang, account_id(world, "telegram")))
    world.accounts["telegram"].extend(users)
    cw = cumulative([u.activity for u in users])
    messages: list[Post] = []
    for author in rng.choices(users, cum_weights=cw, k=round(450 * world.scale)):
        if messages and rng.random() < 0.35:
            target = rng.choice(messages[-40:])
            post = world.reply(author, target, mention=False)
        else:
            post = world.organic_original(author, world.local_time(author.utc_offset))
        post.extra["chat"] = "chat"
        messages.append(world.add(post))


def youtube(world: World) -> None:
    """Comment threads under ten news videos about the summit."""
    rng = world.rng
    outlets = [o for o in OUTLETS if o[3] in ("en", "hi", "es", "pt", "ar", "id")]
    channels = [
        world.outlet("youtube", o, account_id(world, "youtube")) for o in rng.sample(outlets, 6)
    ]
    videos: list[dict[str, Any]] = []
    for _ in range(10):
        ch = rng.choice(channels)
        article = rng.choice([a for a in world.articles if a.lang == ch.lang] or world.articles)
        videos.append(
            {
                "id": world.ids.chars(B64URL, 11),
                "channel": ch,
                "pub": article.pub,
                "topic": article.topic,
                "weight": rng.paretovariate(1.2),
            }
        )
    langs = {"en": 45, "hi": 15, "es": 10, "pt": 8, "id": 8, "ar": 6, "ko": 4, "tr": 4}
    people = []
    for _ in range(max(8, round(260 * world.scale))):
        lang = rng.choices(list(langs), weights=list(langs.values()))[0]
        acc = world.person("youtube", lang, account_id(world, "youtube"))
        acc.handle = acc.handle.lower().replace("_", "")
        people.append(acc)
    world.accounts.setdefault("youtube", []).extend(channels + people)
    world.meta["youtube_videos"] = videos
    cw = cumulative([p.activity for p in people])
    tops: list[Post] = []
    for author in rng.choices(people, cum_weights=cw, k=round(300 * world.scale)):
        video = rng.choices(videos, weights=[v["weight"] for v in videos])[0]
        ts = video["pub"] + world.delay(5400, 1.4)
        if ts >= END:
            continue
        segs: list[Seg] = [("text", world.reaction(author.lang))]
        if rng.random() < 0.5:
            segs.insert(0, ("text", world.news_sentence(author.lang, video["topic"], ts) + " "))
        if rng.random() < 0.05:
            segs += [("text", " "), ("tag", "G20")]
        post = world.new_post(author, ts, segs)
        post.native_id = world.ids.chars(
            B64URL, 20, prefix="Ug" + rng.choice("wxyz"), suffix="4AaABAg"
        )
        post.extra["video"] = video
        tops.append(world.add(post))
    for author in rng.choices(people, cum_weights=cw, k=round(110 * world.scale)):
        if not tops:
            break
        target = rng.choice(tops)
        post = world.reply(author, target, mention=rng.random() < 0.6)
        post.native_id = target.native_id + "." + world.ids.chars(B64URL, 22)
        post.extra["video"] = target.extra["video"]
        world.add(post)


def facebook(world: World) -> None:
    """Pages (outlets, public figures, community pages) posting links, photos and statuses."""
    rng = world.rng
    pages = []
    for entry in sorted(OUTLETS, key=lambda o: o[1]):
        acc = world.outlet("facebook", entry, account_id(world, "facebook"))
        acc.extra["category"] = rng.choice(
            ["MEDIA_NEWS_COMPANY", "NEWS_SITE", "BROADCASTING_MEDIA_PRODUCTION"]
        )
        pages.append(acc)
    langs = {
        "en": 35,
        "es": 10,
        "pt": 10,
        "id": 10,
        "hi": 10,
        "ar": 8,
        "fr": 5,
        "it": 5,
        "tr": 4,
        "de": 3,
    }
    for _ in range(max(8, round(150 * world.scale))):
        lang = rng.choices(list(langs), weights=list(langs.values()))[0]
        acc = facebook_page(world, lang, community=rng.random() < 0.4)
        pages.append(acc)
    world.accounts.setdefault("facebook", []).extend(pages)
    cw = cumulative([p.activity for p in pages])
    for author in rng.choices(pages, cum_weights=cw, k=round(1650 * world.scale)):
        ts = world.local_time(author.utc_offset)
        post = world.add(world.organic_original(author, ts))
        post.extra["fb_type"] = (
            "Link"
            if post.urls
            else rng.choices(["Photo", "Status", "Native Video"], weights=[5, 4, 1])[0]
        )


def facebook_page(world: World, lang: str, *, community: bool, kind: str = "person") -> Account:
    """A person's or a community's Facebook page."""
    rng = world.rng
    acc = world.person("facebook", lang, account_id(world, "facebook"), kind=kind)
    if community:
        acc.name = f"{rng.choice(_COMMUNITY[0])} {rng.choice(_COMMUNITY[1])}"
        acc.handle = world.unique_handle("facebook", acc.name.replace(" ", "")[:28])
        acc.extra["category"] = rng.choice(["COMMUNITY", "NON_PROFIT", "CAUSE"])
    else:
        acc.extra["category"] = rng.choice(["PUBLIC_FIGURE", "POLITICIAN", "JOURNALIST", "BLOGGER"])
    acc.followers = acc.followers * rng.randint(3, 40)
    acc.extra["country"] = rng.choice(COUNTRIES.get(lang, ["US"]))
    return acc
