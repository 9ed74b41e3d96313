"""Write Mastodon statuses and Bluesky posts as their APIs return them.

- Mastodon: a JSON array of Status entities (https://docs.joinmastodon.org/entities/Status/)
  as a timeline or search export from one instance (``mastodon.social``); ``content`` is the
  instance's HTML (``<p>``, link anchors with invisible/ellipsis spans, hashtag and
  ``h-card`` mention anchors); a boost is a status with empty content and the boosted status
  in ``reblog``.
- Bluesky: an ``app.bsky.feed.searchPosts`` response (``{"cursor", "hitsTotal", "posts":
  [PostView]}``, https://docs.bsky.app/docs/api/app-bsky-feed-search-posts); links show
  shortened in ``record.text`` and in full in ``record.facets``, whose ``byteStart`` /
  ``byteEnd`` count UTF-8 bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from onevoice.demo.model import HOME_INSTANCE, Account, Post, fmt_iso_ms

__all__ = ["write_bluesky", "write_mastodon"]


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _instance(acc: Account) -> str:
    return str(acc.extra.get("instance", HOME_INSTANCE))


def mastodon_account(acc: Account) -> dict[str, Any]:
    inst = _instance(acc)
    day = fmt_iso_ms((acc.created_at // 86400) * 86400 * 1000)
    return {
        "id": acc.native_id,
        "username": acc.handle,
        "acct": acc.handle if inst == HOME_INSTANCE else f"{acc.handle}@{inst}",
        "display_name": acc.name,
        "locked": False,
        "bot": bool(acc.extra.get("bot", False)),
        "created_at": day,
        "note": f"<p>{_esc(acc.description)}</p>" if acc.description else "",
        "url": f"https://{inst}/@{acc.handle}",
        "followers_count": acc.followers,
        "following_count": acc.following,
        "statuses_count": int(acc.activity * 300),
    }


def _link_html(url: str) -> str:
    scheme, rest = url.split("://", 1)
    pre = scheme + "://" + ("www." if rest.startswith("www.") else "")
    body = rest[4:] if rest.startswith("www.") else rest
    vis, hidden = body[:30], body[30:]
    cls = "ellipsis" if hidden else ""
    return (
        f'<a href="{_esc(url)}" target="_blank" rel="nofollow noopener" translate="no">'
        f'<span class="invisible">{_esc(pre)}</span><span class="{cls}">{_esc(vis)}</span>'
        f'<span class="invisible">{_esc(hidden)}</span></a>'
    )


def _mastodon_status(post: Post, cache: dict[int, dict[str, Any]]) -> dict[str, Any]:
    if id(post) in cache:
        return cache[id(post)]
    acc, inst = post.account, _instance(post.account)
    html, tags, mentions = [], [], []
    for kind, value in post.segs:
        if kind == "text":
            html.append(_esc(value).replace("\n", "<br />"))
        elif kind == "url":
            html.append(_link_html(value))
        elif kind == "tag":
            html.append(
                f'<a href="https://{HOME_INSTANCE}/tags/{value.lower()}" '
                f'class="mention hashtag" rel="tag">#<span>{_esc(value)}</span></a>'
            )
            tags.append(
                {"name": value.lower(), "url": f"https://{HOME_INSTANCE}/tags/{value.lower()}"}
            )
        else:
            m = mastodon_account(value)
            html.append(
                f'<span class="h-card" translate="no"><a href="{m["url"]}" '
                f'class="u-url mention">@<span>{_esc(value.handle)}</span></a></span>'
            )
            mentions.append(
                {"id": m["id"], "username": m["username"], "url": m["url"], "acct": m["acct"]}
            )
    reblog = _mastodon_status(post.repost_of, cache) if post.repost_of else None
    article = post.article
    card = None
    if article is not None and reblog is None:
        card = {
            "url": article.url,
            "title": article.title,
            "description": article.summary,
            "type": "link",
            "provider_name": article.outlet,
            "image": None,
        }
    status = {
        "id": post.native_id,
        "created_at": fmt_iso_ms(post.epoch_ms),
        "in_reply_to_id": post.reply_to.native_id if post.reply_to else None,
        "in_reply_to_account_id": post.reply_to.account.native_id if post.reply_to else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": None if reblog else post.lang,
        "uri": f"https://{inst}/users/{acc.handle}/statuses/{post.native_id}"
        + ("/activity" if reblog else ""),
        "url": None if reblog else f"https://{inst}/@{acc.handle}/{post.native_id}",
        "replies_count": 0 if reblog else post.replies,
        "reblogs_count": 0 if reblog else post.reposts,
        "favourites_count": 0 if reblog else post.likes,
        "content": "" if reblog else "<p>" + "".join(html) + "</p>",
        "reblog": reblog,
        "account": mastodon_account(acc),
        "media_attachments": [],
        "mentions": [] if reblog else mentions,
        "tags": [] if reblog else tags,
        "card": card,
        "poll": None,
    }
    cache[id(post)] = status
    return status


def write_mastodon(path: Path, posts: list[Post]) -> None:
    """A JSON array of statuses, newest first (as the timelines API pages them)."""
    ordered = sorted(posts, key=lambda p: (p.epoch_ms, p.native_id), reverse=True)
    cache: dict[int, dict[str, Any]] = {}
    path.write_bytes(orjson.dumps([_mastodon_status(p, cache) for p in ordered]))


def _bsky_text(post: Post) -> tuple[str, list[dict[str, Any]]]:
    text, facets, nbytes = "", [], 0
    for kind, value in post.segs:
        if kind == "text":
            piece, feature = value, None
        elif kind == "url":
            bare = value.split("://", 1)[1]
            piece = bare if len(bare) <= 30 else bare[:27] + "..."
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": value}
        elif kind == "tag":
            piece = "#" + value
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": value}
        else:
            piece = "@" + value.handle
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": value.native_id}
        size = len(piece.encode("utf-8"))
        if feature is not None:
            facets.append(
                {
                    "$type": "app.bsky.richtext.facet",
                    "index": {"byteStart": nbytes, "byteEnd": nbytes + size},
                    "features": [feature],
                }
            )
        text += piece
        nbytes += size
    return text, facets


def _bsky_author(acc: Account) -> dict[str, Any]:
    return {
        "did": acc.native_id,
        "handle": acc.handle,
        "displayName": acc.name,
        "labels": [],
        "createdAt": fmt_iso_ms(acc.created_at * 1000),
    }


def _uri(post: Post) -> str:
    return f"at://{post.account.native_id}/app.bsky.feed.post/{post.native_id}"


def _bsky_post(post: Post) -> dict[str, Any]:
    text, facets = _bsky_text(post)
    created = fmt_iso_ms(post.epoch_ms)
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "createdAt": created,
        "langs": [post.lang] if post.lang else [],
        "text": text,
    }
    if facets:
        record["facets"] = facets
    view: dict[str, Any] = {
        "uri": _uri(post),
        "cid": post.extra["cid"],
        "author": _bsky_author(post.account),
        "record": record,
    }
    if post.reply_to is not None:
        root = post.reply_to
        while root.reply_to is not None:
            root = root.reply_to
        record["reply"] = {
            "root": {"uri": _uri(root), "cid": root.extra["cid"]},
            "parent": {"uri": _uri(post.reply_to), "cid": post.reply_to.extra["cid"]},
        }
    if post.quote_of is not None:
        q = post.quote_of
        record["embed"] = {
            "$type": "app.bsky.embed.record",
            "record": {"uri": _uri(q), "cid": q.extra["cid"]},
        }
        view["embed"] = {
            "$type": "app.bsky.embed.record#view",
            "record": {
                "$type": "app.bsky.embed.record#viewRecord",
                "uri": _uri(q),
                "cid": q.extra["cid"],
                "author": _bsky_author(q.account),
                "value": {
                    "$type": "app.bsky.feed.post",
                    "text": _bsky_text(q)[0],
                    "createdAt": fmt_iso_ms(q.epoch_ms),
                },
                "indexedAt": fmt_iso_ms(q.epoch_ms + 700),
            },
        }
    elif post.article is not None:
        ext = {
            "uri": post.urls[0] if post.urls else post.article.url,
            "title": post.article.title,
            "description": post.article.summary,
        }
        record["embed"] = {"$type": "app.bsky.embed.external", "external": ext}
        view["embed"] = {"$type": "app.bsky.embed.external#view", "external": ext}
    view.update(
        {
            "replyCount": post.replies,
            "repostCount": post.reposts,
            "likeCount": post.likes,
            "quoteCount": post.quotes,
            "indexedAt": fmt_iso_ms(post.epoch_ms + 700),
            "labels": [],
        }
    )
    return view


def write_bluesky(path: Path, posts: list[Post]) -> None:
    """An ``app.bsky.feed.searchPosts`` response with every post, newest first."""
    ordered = sorted(posts, key=lambda p: (p.epoch_ms, p.native_id), reverse=True)
    doc = {
        "cursor": str(len(ordered)),
        "hitsTotal": len(ordered),
        "posts": [_bsky_post(p) for p in ordered],
    }
    path.write_bytes(orjson.dumps(doc))
