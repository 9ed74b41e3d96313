"""``youtube``: YouTube Data API v3 comment responses, ``commentThreads.list`` (and
``comments.list``).

Saved by any API client (``google-api-python-client``'s ``execute()`` dumped as JSON, or
``curl https://www.googleapis.com/youtube/v3/commentThreads?part=snippet,replies&...``), one
response per file or one per line (JSON Lines). Resources:
https://developers.google.com/youtube/v3/docs/commentThreads and
https://developers.google.com/youtube/v3/docs/comments:

- ``{"kind": "youtube#commentThreadListResponse", "items": [{"kind":
  "youtube#commentThread", "id", "snippet": {"videoId", "channelId", "topLevelComment":
  comment, "totalReplyCount"}, "replies": {"comments": [comment, ...]}}]}``;
- ``{"kind": "youtube#commentListResponse", "items": [comment, ...]}`` (replies fetched with
  ``comments.list?parentId=...``); a comment is ``{"kind": "youtube#comment", "id",
  "snippet": {"authorDisplayName", "authorChannelUrl", "authorChannelId": {"value"},
  "textDisplay", "textOriginal", "parentId"?, "likeCount", "publishedAt", "updatedAt"}}``.

Each top-level comment and each reply is a post:

- ``native_id`` = the comment ``id``; ``reply_to`` = ``parentId``, or for a reply inside a
  thread without one, the thread's top-level comment.
- account = ``authorChannelId.value``; handle = the ``@handle`` of ``authorChannelUrl`` when
  it has one (older channel URLs do not); name = ``authorDisplayName``.
- ``created_at`` = ``publishedAt`` (``updatedAt``, the last edit, is ignored).
- ``text`` = ``textOriginal`` (the comment as typed); when absent (it is only guaranteed to
  the comment's author), ``textDisplay`` with its HTML removed. YouTube gives no entity
  list: URLs, hashtags and mentions are found in the text.
- ``likes`` = ``likeCount``; ``replies`` = the thread's ``totalReplyCount`` on the top-level
  comment (None on replies: the API does not count replies to replies).

The video (``snippet.videoId``) is kept in ``raw`` only: putting its URL in ``urls`` would
make every commenter of a popular video "co-share" a link, a giant false co-link network.

``source_line`` is the line of a JSON Lines file, else the item's 1-based index in
``items`` (a thread's replies share its index). ``raw`` is the thread without its
``replies`` (each reply is stored as its own post) or the reply's comment resource.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson

from onevoice.ingest import values as v
from onevoice.ingest.jsonio import json_pages
from onevoice.ingest.normalise import parse_timestamp
from onevoice.ingest.source import Sample, Source
from onevoice.ingest.stage import Stage

__all__ = ["DESCRIPTION", "NAME", "read", "sniff"]

NAME = "youtube"
DESCRIPTION = "YouTube Data API v3 commentThreads.list / comments.list responses (JSON, JSONL)"
PLATFORM = "youtube"

THREAD = "youtube#commentThread"
COMMENT = "youtube#comment"
_KINDS = re.compile(rb'"kind":\s*"youtube#comment(Thread)?(ListResponse)?"')
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def sniff(sample: Sample) -> bool:
    """JSON whose ``kind`` is a YouTube comment, comment thread, or a list of them."""
    kind, _keys = sample.json_top_keys()
    return kind in ("object", "array") and _KINDS.search(sample.head) is not None


def read(source: Source, stage: Stage) -> None:
    """Stage every top-level comment and reply of each response in the file."""
    for line, doc, per_line in json_pages(source, stage):
        if isinstance(doc, dict) and isinstance(doc.get("items"), list):
            items = doc["items"]
        elif isinstance(doc, dict) and doc.get("kind") in (THREAD, COMMENT):
            items = [doc]
        elif isinstance(doc, list):
            items = doc
        else:
            stage.reject(line, "not a commentThreads.list or comments.list response", doc)
            continue
        for i, item in enumerate(items, start=1):
            _add_item(stage, line if per_line else i, item)


def _add_item(stage: Stage, line: int, item: Any) -> None:
    if not isinstance(item, dict):
        stage.reject(line, "not a JSON object", item)
        return
    if item.get("kind") == COMMENT:
        _add(stage, line, item, item, reply_to=None, replies=None)
        return
    if item.get("kind") != THREAD:
        stage.reject(line, f"not a comment thread (kind {item.get('kind')!r})", item)
        return
    snippet = _obj(item.get("snippet"))
    top = snippet.get("topLevelComment")
    thread = {k: v for k, v in item.items() if k != "replies"}
    if not isinstance(top, dict):
        stage.reject(line, "missing snippet.topLevelComment", thread)
    else:
        count = v.integer(snippet.get("totalReplyCount"))
        _add(stage, line, top, thread, reply_to=None, replies=count)
    top_id = top.get("id") if isinstance(top, dict) else None
    replies = _obj(item.get("replies"))
    for reply in replies.get("comments") or []:
        if not isinstance(reply, dict):
            stage.reject(line, "reply is not a JSON object", reply)
            continue
        _add(stage, line, reply, reply, reply_to=top_id, replies=None)


def _add(
    stage: Stage,
    line: int,
    comment: dict[str, Any],
    raw: dict[str, Any],
    *,
    reply_to: Any,
    replies: int | None,
) -> None:
    try:
        stage.add(_row(line, comment, raw, reply_to, replies))
    except ValueError as exc:
        stage.reject(line, str(exc), raw)


def _row(
    line: int, comment: dict[str, Any], raw: dict[str, Any], reply_to: Any, replies: int | None
) -> dict[str, Any]:
    cid = comment.get("id")
    if not isinstance(cid, str) or not cid:
        raise ValueError("missing id")
    snippet = comment.get("snippet")
    if not isinstance(snippet, dict):
        raise ValueError("missing snippet")
    published = snippet.get("publishedAt")
    if published is None:
        raise ValueError("missing snippet.publishedAt")
    created = parse_timestamp(published)
    parent = snippet.get("parentId")
    if isinstance(parent, str) and parent:
        reply_to = parent
    name = snippet.get("authorDisplayName")
    return {
        "source_line": line,
        "platform": PLATFORM,
        "native_id": cid,
        "account_native_id": _channel_id(snippet.get("authorChannelId")),
        "account_handle": _handle(snippet.get("authorChannelUrl")),
        "account_name": name if isinstance(name, str) and name else None,
        "created_at": created,
        "text": _text(snippet),
        "reply_to": reply_to if isinstance(reply_to, str) else None,
        "likes": v.integer(snippet.get("likeCount")),
        "replies": replies,
        "raw": orjson.dumps(raw).decode(),
    }


def _channel_id(value: Any) -> str | None:
    """``{"value": "UC…"}``; a bare string in some older responses."""
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, str) and value else None


def _handle(url: Any) -> str | None:
    """``http://www.youtube.com/@Some.Handle`` → ``Some.Handle`` (percent-decoded)."""
    if not isinstance(url, str):
        return None
    path = urlsplit(url).path
    if not path.startswith("/@") or len(path) < 3:
        return None
    return unquote(path[2:].split("/", 1)[0])


def _text(snippet: dict[str, Any]) -> str | None:
    original = snippet.get("textOriginal")
    if isinstance(original, str):
        return original or None
    shown = snippet.get("textDisplay")
    if not isinstance(shown, str):
        return None
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", shown))) or None


def _obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}
