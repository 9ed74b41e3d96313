"""``bluesky``: Bluesky AppView responses, ``app.bsky.feed.getAuthorFeed`` and
``app.bsky.feed.searchPosts``.

Any AT Protocol client saves them (``curl https://public.api.bsky.app/xrpc/...``, the
``atproto`` Python SDK's ``model_dump(by_alias=True)``, ``goat``): one response per file,
or one per line (JSON Lines). Shapes are the lexicons
https://github.com/bluesky-social/atproto/tree/main/lexicons/app/bsky/feed
(``defs.json``: ``feedViewPost``, ``postView``, ``reasonRepost``; ``post.json``: the record):

- getAuthorFeed: ``{"feed": [{"post": PostView, "reason"?: {"$type":
  "app.bsky.feed.defs#reasonRepost", "by": ProfileViewBasic, "indexedAt"}}], "cursor"}``;
- searchPosts: ``{"posts": [PostView], "cursor", "hitsTotal"}``.

Mapping of a PostView:

- ``native_id`` = ``uri`` (``at://<did>/app.bsky.feed.post/<rkey>``); account = ``author.did``
  (the handle can change, the DID does not), ``author.handle``, ``displayName``,
  ``createdAt``.
- ``created_at`` = ``record.createdAt`` (the author's client's clock, as the app shows it;
  ``indexedAt``, the AppView's, when it is missing); ``text`` = ``record.text``; ``lang`` =
  ``record.langs[0]``.
- ``record.facets[].features[]``: ``#link`` → ``urls``, ``#tag`` (plus ``record.tags``) →
  ``hashtags``, ``#mention`` → ``mentions``. A mention names a DID, which is not a handle
  (``normalise_mention`` refuses its ``:``), so the mention's handle is read from the text
  at the facet's UTF-8 byte range; the DID stays in ``raw``.
- A post without ``facets`` (bots, third-party clients) still shares the URLs in its text:
  they are taken from the text, and ``#tags`` are found there later. Its mentions are
  ``[]``: an unlinked ``@name`` mentions nobody on Bluesky, and the generic mention pattern
  would cut a handle, a domain name, at its first dot (``@dave.example`` → ``dave``).
- ``record.embed``: an external card's ``uri`` → ``urls``; a quoted post
  (``app.bsky.embed.record`` or ``recordWithMedia``) → ``quote_of``; image and video blob
  CIDs (content hashes of the bytes) → ``media_hashes``.
- ``record.reply.parent.uri`` → ``reply_to``; ``likeCount``, ``repostCount``,
  ``replyCount``, ``quoteCount`` → engagement (missing is None).

A feed item with a ``reasonRepost`` is also a repost: a post of its own, ``native_id``
``<post uri>#repost/<reposter did>``, by ``reason.by`` at ``reason.indexedAt``, with
``repost_of`` the post's URI and no text or entities (co-link detection must not count the
original's links twice); the original post is stored too (duplicates merge).

``source_line`` is the line of a JSON Lines file, else the item's 1-based index in
``feed``/``posts``. ``raw`` is the feed item (getAuthorFeed) or the PostView (searchPosts).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from onevoice.ingest import values as v
from onevoice.ingest.finish import URL_RE
from onevoice.ingest.jsonio import json_pages
from onevoice.ingest.normalise import parse_timestamp
from onevoice.ingest.source import Sample, Source
from onevoice.ingest.stage import Stage

__all__ = ["DESCRIPTION", "NAME", "read", "sniff"]

NAME = "bluesky"
DESCRIPTION = "Bluesky getAuthorFeed / searchPosts API responses (JSON or JSON Lines)"
PLATFORM = "bluesky"

REPOST = "app.bsky.feed.defs#reasonRepost"
_FACET = "app.bsky.richtext.facet#"
_POST_COLLECTION = "/app.bsky.feed.post/"
_URL = re.compile(URL_RE)


def sniff(sample: Sample) -> bool:
    """A top-level object with ``feed`` or ``posts`` that holds ``at://`` post URIs."""
    kind, keys = sample.json_top_keys()
    return (
        kind == "object"
        and bool({"feed", "posts"} & set(keys))
        and b'"at://' in sample.head
        and b"app.bsky.feed.post" in sample.head
    )


def read(source: Source, stage: Stage) -> None:
    """Stage every post (and repost) of each response in the file."""
    for line, doc, per_line in json_pages(source, stage):
        if isinstance(doc, dict) and isinstance(doc.get("feed"), list):
            items, is_feed = doc["feed"], True
        elif isinstance(doc, dict) and isinstance(doc.get("posts"), list):
            items, is_feed = doc["posts"], False
        else:
            stage.reject(line, "not a getAuthorFeed or searchPosts response", doc)
            continue
        for i, item in enumerate(items, start=1):
            _add_item(stage, line if per_line else i, item, is_feed)


def _add_item(stage: Stage, line: int, item: Any, is_feed: bool) -> None:
    post = item.get("post") if is_feed and isinstance(item, dict) else item
    if not isinstance(post, dict):
        stage.reject(line, "not a PostView object", item)
        return
    raw = orjson.dumps(item).decode()
    try:
        stage.add(_post_row(line, post, raw))
    except ValueError as exc:
        stage.reject(line, str(exc), item)
        return
    reason = item.get("reason") if is_feed else None
    if isinstance(reason, dict) and reason.get("$type") == REPOST:
        try:
            stage.add(_repost_row(line, post["uri"], reason, raw))
        except ValueError as exc:
            stage.reject(line, str(exc), item)


def _post_row(line: int, post: dict[str, Any], raw: str) -> dict[str, Any]:
    uri = post.get("uri")
    if not isinstance(uri, str) or not uri:
        raise ValueError("missing uri")
    record = _obj(post.get("record"))
    when = record.get("createdAt") or post.get("indexedAt")
    if when is None:
        raise ValueError("missing record.createdAt and indexedAt")
    created = parse_timestamp(when)
    author = _obj(post.get("author"))
    text = record.get("text") if isinstance(record.get("text"), str) else None
    langs = record.get("langs")
    lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
    urls, hashtags, mentions = _facets(text, record)
    embed = _obj(record.get("embed"))
    embed_urls, quote_of, media = _embed(embed)
    reply = _obj(record.get("reply"))
    parent = _obj(reply.get("parent"))
    return {
        "source_line": line,
        "platform": PLATFORM,
        "native_id": uri,
        **_account(author, fallback_did=_authority(uri)),
        "created_at": created,
        "text": text or None,
        "lang": lang,
        "urls": urls + embed_urls,
        "hashtags": hashtags,
        "mentions": mentions,
        "media_hashes": media,
        "reply_to": parent.get("uri") if isinstance(parent.get("uri"), str) else None,
        "quote_of": quote_of,
        "likes": v.integer(post.get("likeCount")),
        "reposts": v.integer(post.get("repostCount")),
        "replies": v.integer(post.get("replyCount")),
        "quotes": v.integer(post.get("quoteCount")),
        "raw": raw,
    }


def _repost_row(line: int, uri: str, reason: dict[str, Any], raw: str) -> dict[str, Any]:
    by = _obj(reason.get("by"))
    did = by.get("did")
    if not isinstance(did, str) or not did:
        raise ValueError("repost without reason.by.did")
    when = reason.get("indexedAt")
    if when is None:
        raise ValueError("repost without reason.indexedAt")
    return {
        "source_line": line,
        "platform": PLATFORM,
        "native_id": f"{uri}#repost/{did}",
        **_account(by, fallback_did=did),
        "created_at": parse_timestamp(when),
        "urls": [],
        "hashtags": [],
        "mentions": [],
        "media_hashes": [],
        "repost_of": uri,
        "raw": raw,
    }


def _account(profile: dict[str, Any], fallback_did: str) -> dict[str, Any]:
    """Account columns from a ProfileViewBasic; a bad ``createdAt`` is left out."""
    created = profile.get("createdAt")
    try:
        account_created = parse_timestamp(created) if created is not None else None
    except ValueError:
        account_created = None
    name = profile.get("displayName")
    return {
        "account_native_id": profile.get("did") or fallback_did or None,
        "account_handle": profile.get("handle"),
        "account_name": name if isinstance(name, str) and name else None,
        "account_created_at": account_created,
    }


def _authority(uri: str) -> str:
    """The DID (or handle) an ``at://`` URI names."""
    return uri[5:].split("/", 1)[0] if uri.startswith("at://") else ""


def _facets(
    text: str | None, record: dict[str, Any]
) -> tuple[list[str], list[str] | None, list[str]]:
    """``(urls, hashtags, mentions)`` from the facets. Without facets, URLs are taken from
    the text here (an embed's URL joins them), hashtags are left to the text extraction
    (None) and there are no mentions (see the module docstring)."""
    facets = record.get("facets")
    tags = [t for t in record.get("tags") or [] if isinstance(t, str)]
    if not isinstance(facets, list):
        found = _URL.findall(text) if text else []
        return found, (tags or None), []
    data = (text or "").encode("utf-8")
    urls: list[str] = []
    hashtags: list[str] = []
    mentions: list[str | None] = []
    for facet in facets:
        if not isinstance(facet, dict):
            continue
        for feature in facet.get("features") or []:
            kind = feature.get("$type", "") if isinstance(feature, dict) else ""
            if kind == _FACET + "link" and isinstance(feature.get("uri"), str):
                urls.append(feature["uri"])
            elif kind == _FACET + "tag" and isinstance(feature.get("tag"), str):
                hashtags.append(feature["tag"])
            elif kind == _FACET + "mention":
                mentions.append(_mentioned(data, facet.get("index"), feature.get("did")))
    return urls, hashtags + tags, [m for m in mentions if m]


def _mentioned(data: bytes, index: Any, did: Any) -> str | None:
    """The handle at the facet's byte range (``@alice.example`` → ``alice.example``)."""
    if isinstance(index, dict):
        start, end = index.get("byteStart"), index.get("byteEnd")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data):
            try:
                handle = data[start:end].decode("utf-8").strip()
            except UnicodeDecodeError:
                handle = ""
            if handle.startswith("@") and len(handle) > 1:
                return handle[1:]
    return did if isinstance(did, str) else None


def _embed(embed: dict[str, Any]) -> tuple[list[str], str | None, list[str]]:
    """``(external urls, quoted post uri, blob CIDs)`` of a record's embed."""
    kind = embed.get("$type")
    urls: list[str] = []
    quote: str | None = None
    media: list[str] = []
    if kind == "app.bsky.embed.recordWithMedia":
        inner = _obj(embed.get("record"))
        quote = _strong_ref_uri(inner.get("record"))
        more = _obj(embed.get("media"))
        urls, _, media = _embed(more)
    elif kind == "app.bsky.embed.record":
        quote = _strong_ref_uri(embed.get("record"))
    elif kind == "app.bsky.embed.external":
        external = _obj(embed.get("external"))
        if isinstance(external.get("uri"), str):
            urls.append(external["uri"])
    elif kind == "app.bsky.embed.images":
        for image in embed.get("images") or []:
            if isinstance(image, dict):
                media.append(_blob_cid(image.get("image")))
    elif kind == "app.bsky.embed.video":
        media.append(_blob_cid(embed.get("video")))
    return urls, quote, [m for m in media if m]


def _strong_ref_uri(ref: Any) -> str | None:
    """The URI of a quoted record, if it is a post (a quoted feed or list is not)."""
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri if isinstance(uri, str) and _POST_COLLECTION in uri else None


def _blob_cid(blob: Any) -> str:
    """A blob's CID: ``{"ref": {"$link": cid}}``, or ``{"cid": cid}`` in legacy blobs."""
    if not isinstance(blob, dict):
        return ""
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else blob.get("cid")
    return cid if isinstance(cid, str) else ""


def _obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}
