"""Write X/Twitter posts as twarc2 saves them: one API v2 search response page per line.

Shape (X API v2 ``GET /2/tweets/search/all`` with twarc2's expansions, see
https://docs.x.com/x-api/fundamentals/data-dictionary and
https://twarc-project.readthedocs.io/en/latest/twarc2_en_us/): ``{"data": [tweets],
"includes": {"users": [...], "tweets": [...]}, "meta": {...}, "__twarc": {...}}``, newest
first, 100 tweets a page. Tweet text carries ``https://t.co/…`` links; ``entities.urls``
gives each one's ``expanded_url``; entity offsets are in code points. A retweet's text is
``RT @user: `` and the original text, cut at 140 characters, with the original in
``includes.tweets``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from onevoice.demo.model import ALNUM, RETRIEVED, Account, IdMaker, Post, fmt_iso_ms
from onevoice.demo.model import iso_seconds as _iso

__all__ = ["render_tweet", "twitter_user", "write_twarc2"]

SEARCH_URL = (
    "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Creferenced_tweets.id"
    "%2Centities.mentions.username%2Cin_reply_to_user_id&tweet.fields=created_at%2Clang"
    "%2Centities%2Cpublic_metrics%2Creferenced_tweets%2Cin_reply_to_user_id"
    "&user.fields=created_at%2Cdescription%2Cpublic_metrics%2Cverified&start_time="
    "2025-11-15T00%3A00%3A00Z&end_time=2025-11-25T00%3A00%3A00Z&query=G20+OR+%23G20"
    "&max_results=100"
)


def _display(url: str) -> str:
    bare = url.split("://", 1)[-1]
    bare = bare[4:] if bare.startswith("www.") else bare
    return bare if len(bare) <= 26 else bare[:25] + "…"


def render_tweet(post: Post, ids: IdMaker) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """The text of an original tweet and its entities (t.co links, offsets in code points)."""
    text = ""
    ents: dict[str, list[dict[str, Any]]] = {"urls": [], "hashtags": [], "mentions": []}
    for kind, value in post.segs:
        start = len(text)
        if kind == "text":
            text += value
        elif kind == "url":
            tco = ids.chars(ALNUM, 10, prefix="https://t.co/")
            text += tco
            ents["urls"].append(
                {
                    "start": start,
                    "end": len(text),
                    "url": tco,
                    "expanded_url": value,
                    "display_url": _display(value),
                }
            )
        elif kind == "tag":
            text += "#" + value
            ents["hashtags"].append({"start": start, "end": len(text), "tag": value})
        else:
            text += "@" + value.handle
            ents["mentions"].append(
                {"start": start, "end": len(text), "username": value.handle, "id": value.native_id}
            )
    if post.quote_of is not None:
        q = post.quote_of
        link = f"https://twitter.com/{q.account.handle}/status/{q.native_id}"
        tco = ids.chars(ALNUM, 10, prefix="https://t.co/")
        start = len(text) + 1
        text += " " + tco
        ents["urls"].append(
            {
                "start": start,
                "end": len(text),
                "url": tco,
                "expanded_url": link,
                "display_url": _display(link),
            }
        )
    return text, ents


def twitter_user(acc: Account) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": acc.native_id,
        "name": acc.name,
        "username": acc.handle,
        "created_at": _iso(acc.created_at).replace("Z", ".000Z"),
        "description": acc.description,
        "public_metrics": {
            "followers_count": acc.followers,
            "following_count": acc.following,
            "tweet_count": int(acc.activity * 900) + acc.followers % 97,
            "listed_count": acc.followers // 300,
        },
        "verified": acc.verified,
    }
    return user


class _Renderer:
    def __init__(self, ids: IdMaker) -> None:
        self.ids = ids
        self.cache: dict[int, dict[str, Any]] = {}

    def tweet(self, post: Post) -> dict[str, Any]:
        key = id(post)
        if key in self.cache:
            return self.cache[key]
        if post.repost_of is not None:
            orig = self.tweet(post.repost_of)
            prefix = f"RT @{post.repost_of.account.handle}: "
            text = prefix + orig["text"]
            cut = len(text) if len(text) <= 140 else 139
            ents: dict[str, list[dict[str, Any]]] = {
                "mentions": [
                    {
                        "start": 3,
                        "end": len(prefix) - 2,
                        "username": post.repost_of.account.handle,
                        "id": post.repost_of.account.native_id,
                    }
                ],
            }
            for kind, items in orig.get("entities", {}).items():
                for e in items:
                    moved = {**e, "start": e["start"] + len(prefix), "end": e["end"] + len(prefix)}
                    if moved["end"] <= cut:
                        ents.setdefault(kind, []).append(moved)
            text = text if cut == len(text) else text[:cut] + "…"
            refs = [{"type": "retweeted", "id": post.repost_of.native_id}]
            metrics = (post.repost_of.reposts, 0, 0, 0, 0)
        else:
            text, ents = render_tweet(post, self.ids)
            refs = []
            if post.reply_to is not None:
                refs.append({"type": "replied_to", "id": post.reply_to.native_id})
            if post.quote_of is not None:
                refs.append({"type": "quoted", "id": post.quote_of.native_id})
            metrics = (post.reposts, post.replies, post.likes, post.quotes, post.views)
        tweet: dict[str, Any] = {
            "id": post.native_id,
            "text": text,
            "author_id": post.account.native_id,
            "created_at": fmt_iso_ms(post.ts * 1000),
            "lang": post.lang or "und",
        }
        entities = {k: v for k, v in ents.items() if v}
        if entities:
            tweet["entities"] = entities
        if refs:
            tweet["referenced_tweets"] = refs
        if post.reply_to is not None:
            tweet["in_reply_to_user_id"] = post.reply_to.account.native_id
        tweet["public_metrics"] = dict(
            zip(
                ("retweet_count", "reply_count", "like_count", "quote_count", "impression_count"),
                metrics,
                strict=True,
            )
        )
        tweet["edit_history_tweet_ids"] = [post.native_id]
        self.cache[key] = tweet
        return tweet


def write_twarc2(path: Path, posts: list[Post], ids: IdMaker, *, page_size: int = 100) -> None:
    """Write ``posts`` (any order) as twarc2 JSON Lines pages, newest first."""
    ordered = sorted(posts, key=lambda p: (p.epoch_ms, p.native_id), reverse=True)
    render = _Renderer(ids)
    with path.open("wb") as f:
        for start in range(0, len(ordered), page_size):
            page = ordered[start : start + page_size]
            data = [render.tweet(p) for p in page]
            users: dict[str, Account] = {}
            refs: dict[str, Post] = {}
            for p in page:
                users.setdefault(p.account.native_id, p.account)
                for ref in (p.repost_of, p.reply_to, p.quote_of):
                    if ref is not None:
                        refs.setdefault(ref.native_id, ref)
                        users.setdefault(ref.account.native_id, ref.account)
                for m in p.mentions:
                    users.setdefault(m.native_id, m)
            includes: dict[str, Any] = {"users": [twitter_user(a) for a in users.values()]}
            if refs:
                includes["tweets"] = [render.tweet(r) for r in refs.values()]
            meta: dict[str, Any] = {
                "newest_id": data[0]["id"],
                "oldest_id": data[-1]["id"],
                "result_count": len(data),
            }
            if start + page_size < len(ordered):
                meta["next_token"] = ids.chars("abcdefghijklmnopqrstuvwxyz0123456789", 48)
            line = {
                "data": data,
                "includes": includes,
                "meta": meta,
                "__twarc": {
                    "url": SEARCH_URL,
                    "version": "2.14.0",
                    "retrieved_at": _iso(RETRIEVED, 0.0).replace("Z", "+00:00"),
                },
            }
            f.write(orjson.dumps(line) + b"\n")
