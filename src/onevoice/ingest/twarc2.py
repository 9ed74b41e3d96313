"""``twarc2``: X/Twitter API v2 tweets as the twarc2 command-line tool writes them.

``twarc2 search``, ``timeline``, ``tweets`` and the other collecting commands
(https://twarc-project.readthedocs.io/en/latest/twarc2_en_us/) write JSON Lines with one
API response page per line: ``data`` (a list of tweets, or one tweet), ``includes``
(``users``, ``tweets`` referenced by the page, ``media``…), ``meta`` and twarc's own
``__twarc``. ``twarc2 flatten`` writes one tweet per line instead, with its author
embedded as ``author`` and the ``__twarc`` key copied in. Both are read, also mixed. The
tweet object is X's v2 data dictionary:
https://developer.x.com/en/docs/twitter-api/data-dictionary/object-model/tweet

Mapping (platform ``twitter``):

- ``id`` → native_id, ``author_id`` → account_native_id, ``created_at`` → created_at,
  ``text`` → text (``note_tweet.text``, the full text of a long post, when given),
  ``lang`` → lang (``und`` is passed on; normalisation makes it unknown).
- The author (from ``includes.users`` by ``author_id``, or the embedded ``author``):
  ``username`` → handle, ``name``, ``created_at``, ``public_metrics.followers_count``,
  ``verified``, ``description``.
- ``entities.urls[]``: ``unwound_url``, else ``expanded_url`` (never the t.co link);
  ``entities.hashtags[].tag``; ``entities.mentions[].username``. A tweet without
  ``entities`` gives ``None`` (found in the text later); with ``entities`` but without one
  of the lists, ``[]``. Links to the tweet's own attached photos and videos
  (``…/status/<id>/photo/1``, or an entry carrying a ``media_key``) are attachments, not
  shared links (v1.1 kept them apart in ``entities.media``), and are left out: every
  retweet repeats them, which would turn each co-retweet into a co-link as well.
- A retweet's ``text`` is X's truncated ``RT @user: …``; it is kept as it is, with the
  retweet's own entities.
- ``referenced_tweets[]``: ``retweeted`` → repost_of, ``replied_to`` → reply_to,
  ``quoted`` → quote_of.
- ``public_metrics``: ``like_count``, ``retweet_count``, ``reply_count``, ``quote_count``,
  ``impression_count`` → likes, reposts, replies, quotes, views (absent → ``None``).
- ``attachments.media_keys``: the API gives no perceptual hash, so media_hashes is ``None``.
- raw: the tweet object as read (for a page, the element of ``data``).

Only the tweets in ``data`` are posts: ``includes.tweets`` (quoted, replied-to and
retweeted originals) are context that the search did not return, and are not staged.

Errors: a line that is not JSON, or a page whose ``data`` is not a list, is one reject for
the line. A tweet without ``id`` (``missing id``), without ``created_at`` or with a bad one
(the parser's text) is rejected with its page's line; the page's other tweets are kept. A
bad value that is not needed to keep the post (an account's ``created_at``, a count) is
dropped with a warning. A page with ``meta`` or ``errors`` but no ``data`` (an empty result)
is skipped.
"""

from __future__ import annotations

import io
import re
from typing import Any

import ijson
import orjson

from onevoice.ingest import values as v
from onevoice.ingest.jsonio import json_lines
from onevoice.ingest.normalise import parse_timestamp
from onevoice.ingest.source import Sample, Source
from onevoice.ingest.stage import Stage

__all__ = ["DESCRIPTION", "NAME", "read", "sniff"]

NAME = "twarc2"
DESCRIPTION = "X/Twitter API v2 JSON Lines from twarc2 (response pages, or flattened tweets)"
PLATFORM = "twitter"

_REFERENCES = {"retweeted": "repost_of", "replied_to": "reply_to", "quoted": "quote_of"}
_METRICS = {
    "like_count": "likes",
    "retweet_count": "reposts",
    "reply_count": "replies",
    "quote_count": "quotes",
    "impression_count": "views",
}
_MEDIA_LINK = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/status/\d+/(?:photo|video)/\d+/?$",
    re.IGNORECASE,
)
_TWEET_KEYS = frozenset({"id", "text"})
_TWEET_PREFIX: dict[str | None, str] = {"array": "data.item", "object": "data"}
_AUTHORED = frozenset({"author_id", "edit_history_tweet_ids"})


class _BadTweet(Exception):
    """A tweet that cannot be kept; the message is the reject reason."""


# -- sniffing --------------------------------------------------------------------------------
def _peek(head: bytes) -> tuple[list[str], str | None, set[str]]:
    """Read the start of the first JSON object of ``head``.

    Returns its top-level keys, the kind of its ``data`` value (``"array"``, ``"object"`` or
    ``None``) and the keys of the first tweet in ``data``. A twarc2 page line is often
    longer than the sample, so this works on a cut-off object too.
    """
    body = head.lstrip(b"\xef\xbb\xbf").lstrip()
    top: list[str] = []
    kind: str | None = None
    tweet: set[str] = set()
    if not body.startswith(b"{"):
        return top, kind, tweet
    first_done = False
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(body)):
            if prefix == "":
                if event == "map_key":
                    top.append(str(value))
                elif event == "end_map":
                    break
            elif prefix == "data" and event in ("start_array", "start_map") and kind is None:
                kind = "array" if event == "start_array" else "object"
            elif event == "map_key" and not first_done and prefix == _TWEET_PREFIX.get(kind):
                tweet.add(str(value))
            elif prefix == "data.item" and event == "end_map":
                first_done = True
    except (ijson.JSONError, UnicodeDecodeError):
        pass
    return top, kind, tweet


def sniff(sample: Sample) -> bool:
    """A twarc2 page (``data`` list of tweets with ``includes`` or ``meta``, or twarc's
    ``__twarc`` key) or a flattened v2 tweet (``id``, ``text``, ``author_id``)."""
    top, kind, tweet = _peek(sample.head)
    if "__twarc" in top:
        return True
    if kind is not None:
        tweet_like = tweet.issuperset(_TWEET_KEYS) and bool(_AUTHORED & tweet)
        return tweet_like or (kind == "array" and "includes" in top)
    return set(top).issuperset(_TWEET_KEYS) and "author_id" in top


# -- reading ---------------------------------------------------------------------------------
def read(source: Source, stage: Stage) -> None:
    """Stage every tweet of a twarc2 JSON Lines file (pages or flattened tweets)."""
    for line, value in json_lines(source, stage):
        if not isinstance(value, dict):
            stage.reject(line, "not a twarc2 page or tweet (a JSON object)", value)
        elif "data" in value:
            _read_page(line, value, stage)
        elif "id" in value or "text" in value or "author_id" in value:
            _add_tweet(line, value, value.get("author"), stage)
        elif "meta" in value or "errors" in value:
            continue  # a page without results
        else:
            stage.reject(line, "not a twarc2 page or tweet (no data, id or text)", value)


def _read_page(line: int, page: dict[str, Any], stage: Stage) -> None:
    data = page["data"]
    if isinstance(data, dict):
        tweets: list[Any] = [data]
    elif isinstance(data, list):
        tweets = data
    else:
        stage.reject(line, "bad page: 'data' is not a list of tweets", page)
        return
    users: dict[str, dict[str, Any]] = {}
    includes = page.get("includes")
    if isinstance(includes, dict) and isinstance(includes.get("users"), list):
        for user in includes["users"]:
            if isinstance(user, dict) and user.get("id") is not None:
                users[str(user["id"])] = user
    for tweet in tweets:
        if not isinstance(tweet, dict):
            stage.reject(line, "bad tweet: not a JSON object", tweet)
            continue
        author = users.get(str(tweet.get("author_id")))
        _add_tweet(line, tweet, author if author is not None else tweet.get("author"), stage)


def _add_tweet(line: int, tweet: dict[str, Any], author: Any, stage: Stage) -> None:
    warnings: list[str] = []
    try:
        row = _map_tweet(tweet, author if isinstance(author, dict) else {}, warnings)
    except _BadTweet as exc:
        stage.reject(line, str(exc), tweet)
        return
    row["source_line"] = line
    stage.add(row)
    for reason in warnings:
        stage.reject(line, reason, tweet, severity="warning")


def _map_tweet(
    tweet: dict[str, Any], author: dict[str, Any], warnings: list[str]
) -> dict[str, Any]:
    """Map one v2 tweet (and its author) to a staging row; raise :class:`_BadTweet`."""
    native_id = v.native_id(tweet.get("id"))
    if native_id is None:
        raise _BadTweet("missing id")
    if tweet.get("created_at") is None:
        raise _BadTweet("missing created_at")
    try:
        created_at = parse_timestamp(tweet["created_at"])
    except ValueError as exc:
        raise _BadTweet(str(exc)) from None

    text = v.text(tweet.get("text"))
    entity_sets = [tweet.get("entities")]
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        text = note["text"]
        entity_sets.append(note.get("entities") or {})
    urls, hashtags, mentions = _entities([e for e in entity_sets if isinstance(e, dict)])

    refs: dict[str, str] = {}
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") in _REFERENCES:
            ref_id = v.native_id(ref.get("id"))
            if ref_id is not None:
                refs.setdefault(_REFERENCES[ref["type"]], ref_id)

    metrics = tweet.get("public_metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    counts = {
        column: v.count(metrics.get(key), f"public_metrics.{key}", warnings)
        for key, column in _METRICS.items()
    }

    user_metrics = author.get("public_metrics")
    user_metrics = user_metrics if isinstance(user_metrics, dict) else {}
    verified = author.get("verified")
    return {
        "platform": PLATFORM,
        "native_id": native_id,
        "account_native_id": v.native_id(tweet.get("author_id")) or v.native_id(author.get("id")),
        "account_handle": v.text(author.get("username")),
        "account_name": v.text(author.get("name")),
        "account_created_at": v.optional_timestamp(
            author.get("created_at"), "author created_at", warnings
        ),
        "account_followers": v.count(
            user_metrics.get("followers_count"), "author followers_count", warnings
        ),
        "account_verified": verified if isinstance(verified, bool) else None,
        "account_description": v.text(author.get("description")),
        "created_at": created_at,
        "text": text,
        "lang": v.text(tweet.get("lang")),
        "urls": urls,
        "hashtags": hashtags,
        "mentions": mentions,
        "media_hashes": None,
        "repost_of": refs.get("repost_of"),
        "reply_to": refs.get("reply_to"),
        "quote_of": refs.get("quote_of"),
        **counts,
        "raw": orjson.dumps(tweet).decode(),
    }


def _entities(
    sets: list[dict[str, Any]],
) -> tuple[list[str] | None, list[str] | None, list[str] | None]:
    """URLs, hashtags and mentions of the given ``entities`` objects (``None``: none given)."""
    if not sets:
        return None, None, None
    urls: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for entities in sets:
        for entry in v.json_objects(entities.get("urls")):
            if entry.get("media_key") is not None:
                continue
            url = v.text(entry.get("unwound_url")) or v.text(entry.get("expanded_url"))
            if url and not _MEDIA_LINK.match(url):
                urls.append(url)
        hashtags += [
            t for e in v.json_objects(entities.get("hashtags")) if (t := v.text(e.get("tag")))
        ]
        mentions += [
            u for e in v.json_objects(entities.get("mentions")) if (u := v.text(e.get("username")))
        ]
    return urls, hashtags, mentions
