"""Write the Telegram, YouTube, Facebook (CrowdTangle) and generic-CSV files.

- Telegram Desktop's "Export chat history" JSON (``{"name", "type", "id", "messages"}``,
  https://core.telegram.org/import-export): ``date`` is the exporting computer's local time
  without a zone (here UTC+1), ``date_unixtime`` the epoch seconds as a string; ``text`` is a
  string, or a list of plain strings and entity objects (``link``, ``text_link`` with
  ``href``, ``hashtag``, ``mention``), mirrored in ``text_entities``.
- YouTube Data API v3 ``commentThreads.list`` response
  (https://developers.google.com/youtube/v3/docs/commentThreads).
- CrowdTangle historical-data CSV (Facebook pages; times in the dashboard's zone, EST).
- OneVoice's generic CSV (:mod:`onevoice.ingest.generic_csv`).
"""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from onevoice.demo.model import B64URL, IdMaker, Post, iso_seconds, render_plain

__all__ = ["write_crowdtangle", "write_generic_csv", "write_telegram", "write_youtube"]

EXPORT_OFFSET = 1.0  # the exporting analyst's clock (Central European Time)
FACEBOOK_HEADER = [
    "Page Name",
    "User Name",
    "Facebook Id",
    "Page Category",
    "Page Admin Top Country",
    "Page Created",
    "Likes at Posting",
    "Followers at Posting",
    "Post Created",
    "Post Created Date",
    "Post Created Time",
    "Type",
    "Total Interactions",
    "Likes",
    "Comments",
    "Shares",
    "Love",
    "Wow",
    "Haha",
    "Sad",
    "Angry",
    "Care",
    "Post Views",
    "Total Views",
    "URL",
    "Message",
    "Link",
    "Final Link",
    "Image Text",
    "Link Text",
    "Description",
    "Overperforming Score",
]
GENERIC_HEADER = [
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
    "reply_to",
    "quote_of",
]


def _tg_parts(post: Post) -> list[Any]:
    parts: list[Any] = []
    for kind, value in post.segs:
        if kind == "text":
            if parts and isinstance(parts[-1], str):
                parts[-1] += value
            else:
                parts.append(value)
        elif kind == "url":
            label = post.extra.get("text_link")
            parts.append(
                {"type": "text_link", "text": label, "href": value}
                if label
                else {"type": "link", "text": value}
            )
        elif kind == "tag":
            parts.append({"type": "hashtag", "text": "#" + value})
        else:
            parts.append({"type": "mention", "text": "@" + value.handle})
    return parts


def write_telegram(
    path: Path, meta: dict[str, Any], posts: list[Post], first_id: int, chat_type: str
) -> None:
    """One chat's export; message ids are assigned here, in time order after ``first_id``
    (the service message that created the chat)."""
    ordered = sorted(posts, key=lambda p: (p.epoch_ms, p.account.native_id))
    for i, post in enumerate(ordered):
        post.native_id = str(first_id + 1 + i)
    created = meta["created"]
    messages: list[dict[str, Any]] = [
        {
            "id": first_id,
            "type": "service",
            "date": iso_seconds(created, EXPORT_OFFSET, zone=False),
            "date_unixtime": str(created),
            "actor": meta["name"],
            "actor_id": f"channel{meta['id']}",
            "action": "create_channel",
            "title": meta["name"],
            "text": "",
            "text_entities": [],
        }
    ]
    for post in ordered:
        acc = post.account
        msg: dict[str, Any] = {
            "id": int(post.native_id),
            "type": "message",
            "date": iso_seconds(post.ts, EXPORT_OFFSET, zone=False),
            "date_unixtime": str(post.ts),
            "from": acc.name,
            "from_id": acc.native_id,
        }
        if "forwarded_from" in post.extra:
            msg["forwarded_from"] = post.extra["forwarded_from"]
        if post.reply_to is not None:
            msg["reply_to_message_id"] = int(post.reply_to.native_id)
        parts = _tg_parts(post)
        if all(isinstance(p, str) for p in parts):
            msg["text"] = "".join(parts)
            msg["text_entities"] = [{"type": "plain", "text": msg["text"]}] if parts else []
        else:
            msg["text"] = parts
            msg["text_entities"] = [
                {"type": "plain", "text": p} if isinstance(p, str) else p for p in parts
            ]
        messages.append(msg)
    doc = {"name": meta["name"], "type": chat_type, "id": meta["id"], "messages": messages}
    # UTF-8 as is, like Telegram Desktop (which also indents; compact keeps the demo small).
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _yt_comment(post: Post, ids: IdMaker) -> dict[str, Any]:
    video = post.extra["video"]
    html = []
    for kind, value in post.segs:
        if kind == "text":
            html.append(
                value.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace('"', "&quot;")
                .replace("'", "&#39;")
            )
        elif kind == "url":
            html.append(f'<a href="{value}">{value}</a>')
        elif kind == "tag":
            html.append(f'<a href="https://www.youtube.com/hashtag/{value.lower()}">#{value}</a>')
        else:
            html.append(
                f'<a href="http://www.youtube.com/channel/{value.native_id}">@{value.handle}</a>'
            )
    acc = post.account
    snippet: dict[str, Any] = {
        "channelId": video["channel"].native_id,
        "videoId": video["id"],
        "textDisplay": "".join(html),
        "textOriginal": render_plain(post.segs),
    }
    if post.reply_to is not None:
        snippet["parentId"] = post.reply_to.native_id
    published = iso_seconds(post.ts)
    snippet.update(
        {
            "authorDisplayName": "@" + acc.handle,
            "authorProfileImageUrl": "https://yt3.ggpht.com/ytc/" + ids.chars(B64URL, 24) + "=s48",
            "authorChannelUrl": "http://www.youtube.com/@" + acc.handle,
            "authorChannelId": {"value": acc.native_id},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": post.likes,
            "publishedAt": published,
            "updatedAt": published,
        }
    )
    return {
        "kind": "youtube#comment",
        "etag": ids.chars(B64URL, 27),
        "id": post.native_id,
        "snippet": snippet,
    }


def write_youtube(path: Path, posts: list[Post], ids: IdMaker) -> None:
    """A ``commentThreads.list`` response: top-level comments newest first, replies inside."""
    tops = sorted(
        (p for p in posts if p.reply_to is None),
        key=lambda p: (p.epoch_ms, p.native_id),
        reverse=True,
    )
    replies: dict[str, list[Post]] = {}
    for p in sorted(posts, key=lambda p: (p.epoch_ms, p.native_id)):
        if p.reply_to is not None:
            replies.setdefault(p.reply_to.native_id, []).append(p)
    items = []
    for top in tops:
        video = top.extra["video"]
        thread: dict[str, Any] = {
            "kind": "youtube#commentThread",
            "etag": ids.chars(B64URL, 27),
            "id": top.native_id,
            "snippet": {
                "channelId": video["channel"].native_id,
                "videoId": video["id"],
                "topLevelComment": _yt_comment(top, ids),
                "canReply": True,
                "totalReplyCount": len(replies.get(top.native_id, [])),
                "isPublic": True,
            },
        }
        if top.native_id in replies:
            thread["replies"] = {"comments": [_yt_comment(r, ids) for r in replies[top.native_id]]}
        items.append(thread)
    doc = {
        "kind": "youtube#commentThreadListResponse",
        "etag": ids.chars(B64URL, 27),
        "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
        "items": items,
    }
    path.write_bytes(orjson.dumps(doc))


def _est(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC) - timedelta(hours=5)


def write_crowdtangle(path: Path, posts: list[Post]) -> None:
    """A CrowdTangle historical-data export of Facebook page posts, newest first."""
    ordered = sorted(posts, key=lambda p: (p.epoch_ms, p.native_id), reverse=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(FACEBOOK_HEADER)
        for p in ordered:
            acc, e = p.account, p.extra["reactions"]
            created = _est(p.ts)
            ftype = p.extra.get("fb_type") or ("Link" if p.urls else "Status")
            link = p.urls[0] if ftype == "Link" and p.urls else ""
            kept = [s for s in p.segs if s[0] != "url" or s[1] != link or p.extra.get("in_text")]
            message = re.sub(r" {2,}", " ", render_plain(kept)).strip()
            total = sum(e.values()) + p.replies + p.reposts
            article = p.article
            views = p.views if ftype == "Native Video" else 0
            w.writerow(
                [
                    acc.name,
                    acc.handle,
                    acc.native_id,
                    acc.extra.get("category", "COMMUNITY"),
                    acc.extra.get("country", "US"),
                    _est(acc.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    int(acc.followers * 0.92),
                    acc.followers,
                    created.strftime("%Y-%m-%d %H:%M:%S") + " EST",
                    created.strftime("%Y-%m-%d"),
                    created.strftime("%H:%M:%S"),
                    ftype,
                    f"{total:,}",
                    e["like"],
                    p.replies,
                    p.reposts,
                    e["love"],
                    e["wow"],
                    e["haha"],
                    e["sad"],
                    e["angry"],
                    e["care"],
                    views,
                    views,
                    f"https://www.facebook.com/{acc.native_id}/posts/{p.native_id}",
                    message,
                    link,
                    "",
                    "",
                    article.title if article and link else "",
                    article.summary if article and link else "",
                    p.extra["overperforming"],
                ]
            )


def write_generic_csv(path: Path, posts: list[Post]) -> None:
    """OneVoice's generic CSV, oldest first, lists separated by spaces."""
    ordered = sorted(posts, key=lambda p: (p.epoch_ms, p.native_id))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(GENERIC_HEADER)
        for p in ordered:
            shown = p.repost_of or p
            w.writerow(
                [
                    p.native_id,
                    p.account.native_id,
                    iso_seconds(p.ts),
                    p.platform,
                    p.account.handle,
                    "" if p.repost_of else p.plain_text,
                    p.lang or "",
                    " ".join(shown.urls) if not p.repost_of else "",
                    " ".join(shown.hashtags) if not p.repost_of else "",
                    " ".join(a.handle for a in shown.mentions) if not p.repost_of else "",
                    p.repost_of.native_id if p.repost_of else "",
                    p.reply_to.native_id if p.reply_to else "",
                    p.quote_of.native_id if p.quote_of else "",
                ]
            )
