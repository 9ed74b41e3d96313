"""``telegram``: Telegram Desktop's JSON export (``result.json``).

Telegram Desktop writes it with *Export chat history → JSON* (one chat) or *Settings →
Advanced → Export Telegram data → JSON* (every chat). The writer is
``Telegram/SourceFiles/export/output/export_output_json.cpp`` in
https://github.com/telegramdesktop/tdesktop; there is no other documentation of the format.

Layouts read:

- one chat: ``{"name", "type", "id", "messages": [...]}``;
- all chats: ``{"about", "personal_information", ..., "chats": {"list": [chat, ...]},
  "left_chats": {"list": [...]}}``, each chat shaped as above.

A file can be gigabytes, so messages are streamed: for one chat, a first pass reads the
header fields (Telegram Desktop writes them before ``messages``) and
:func:`~onevoice.ingest.jsonio.json_items` then streams ``messages.item``; the all-chats
layout is read in one pass of ijson events, each chat's header travelling with its
messages. A file cut short keeps the messages before the cut and rejects the rest with
``truncated JSON after record N (...)``.

Mapping of a message (``type == "message"``):

- ``native_id`` = ``<chat id>/<message id>``, message ids being unique only within a chat.
  The chat id is written as the Bot API does (``-100<id>`` for channels and supergroups,
  ``-<id>`` for basic groups, ``<id>`` for users), as in ``telegram:-100123/45``: the export
  gives a bare id, and a channel and a user may share one.
- account = ``from_id`` (``user5678``, ``channel1234``; older exports give a bare number,
  a user id) with ``from`` as display name; channel posts without ``from_id`` fall back to
  the channel itself.
- ``created_at`` = ``date_unixtime`` (epoch seconds, UTC). ``date`` is *not* used when
  ``date_unixtime`` is there: it is the time on the exporting computer's clock, without a
  zone, so reading it as UTC would shift every post by the exporter's offset. Exports older
  than ``date_unixtime`` have only ``date``; it is then read as UTC with one warning.
- ``text`` = ``text_entities`` (or ``text``) parts joined. The parts are the platform's
  entities: ``link`` (its text, ``http://`` added when it has no scheme) and ``text_link``
  (``href``) → ``urls``; ``hashtag`` → ``hashtags``; ``mention`` (``@`` stripped) and
  ``mention_name`` (``user<user_id>``, like ``from_id``) → ``mentions``. A message without
  entity parts has none (``[]``).
- ``reply_to`` = ``reply_to_message_id`` in the same chat, or in ``reply_to_peer_id``'s chat.
- Forwards: ``forwarded_from``/``forwarded_from_id`` name the source chat or user but not
  the forwarded message, so ``repost_of`` stays None (a made-up id would join unrelated
  forwards of one channel); both are kept in ``raw``.
- ``likes`` = the sum of ``reactions[].count``; ``views`` when present (Telegram Desktop
  does not export them). Missing is None. ``edited``/``edited_unixtime`` are ignored.

Service messages (joins, pins, calls: ``type == "service"``) are not posts: they are skipped
without a reject, so they do not bury real problems. Other types (``unsupported``) are
rejected. ``source_line`` is the message's 1-based index in the file (over all chats),
service messages counted, so it points at the element itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import ijson
import orjson

from onevoice.errors import UnreadableInput
from onevoice.ingest import values as v
from onevoice.ingest.jsonio import json_items
from onevoice.ingest.normalise import parse_timestamp
from onevoice.ingest.source import Sample, Source
from onevoice.ingest.stage import Stage

__all__ = ["DESCRIPTION", "NAME", "read", "sniff"]

NAME = "telegram"
DESCRIPTION = "Telegram Desktop JSON export (result.json) of one chat or of all chats"
PLATFORM = "telegram"

CHANNELS = ("public_channel", "private_channel")
_SUPERGROUPS = ("public_supergroup", "private_supergroup", *CHANNELS)
_CHAT_TYPE = re.compile(
    rb'"type":\s*"(personal_chat|bot_chat|saved_messages|replies|private_group|'
    rb'private_supergroup|public_supergroup|private_channel|public_channel)"'
)
_PEER = re.compile(r"^(user|chat|channel)(\d+)$")
_SCALARS = ("string", "number", "integer", "double", "boolean", "null")
_HEADER = ("name", "type", "id")


def sniff(sample: Sample) -> bool:
    """A top-level object with a chat's ``id``, ``type`` (a Telegram chat type) and
    ``messages``, or the all-chats export's ``about`` with its personal/chats sections."""
    kind, keys = sample.json_top_keys()
    if kind != "object":
        return False
    if {"id", "type", "messages"} <= set(keys):
        return _CHAT_TYPE.search(sample.head) is not None
    return "about" in keys and bool({"personal_information", "chats", "left_chats"} & set(keys))


class _Chat:
    """The header of one chat: what every message of it needs."""

    def __init__(self, header: dict[str, Any]) -> None:
        self.name = header.get("name")
        self.type = header.get("type")
        bare = header.get("id")
        self.bare = bare if isinstance(bare, int) and not isinstance(bare, bool) else None
        self.key = None if self.bare is None else _bot_api_id(self.bare, self.type)


def _bot_api_id(bare: int, chat_type: Any) -> str:
    if chat_type in _SUPERGROUPS:
        return f"-100{bare}"
    if chat_type == "private_group":
        return f"-{bare}"
    return str(bare)


def _peer_key(peer: Any) -> str | None:
    """``channel123`` → ``-100123``, ``chat7`` → ``-7``, ``user5`` → ``5``."""
    m = _PEER.match(peer) if isinstance(peer, str) else None
    if m is None:
        return None
    kind, bare = m.groups()
    return {"channel": f"-100{bare}", "chat": f"-{bare}"}.get(kind, bare)


def read(source: Source, stage: Stage) -> None:
    """Stream every message of the export into ``stage`` (see the module docstring).

    Raises:
        UnreadableInput: a complete one-chat export without a chat id.
    """
    layout, header = _scan_header(source)
    state = {"local_date_warned": False}
    if layout == "all":
        for index, chat, message in _all_chats(source, stage):
            _add(stage, state, chat, index, message)
        return
    chat = _Chat(header)
    if chat.key is None and header.get("_complete"):
        raise UnreadableInput(
            f"cannot read {source.name}: the Telegram export has no chat id",
            hint="a one-chat result.json starts with the chat's name, type and id",
        )
    for index, message in json_items(source, stage, "messages.item"):
        _add(stage, state, chat, index, message)


def _scan_header(source: Source) -> tuple[str, dict[str, Any]]:
    """Read the top-level ``name``/``type``/``id`` and find the layout, stopping where the
    messages start (a file that puts the header after the messages is scanned to its end).

    ``header["_complete"]`` is set when the scan did not run into a cut or a syntax error
    (those are reported by the message reader, with the record count)."""
    header: dict[str, Any] = {}
    with source.open() as f:
        try:
            for prefix, event, value in ijson.parse(f, use_float=True):
                if prefix in _HEADER and event in _SCALARS:
                    header[prefix] = value
                elif prefix == "" and event == "map_key" and value in ("chats", "left_chats"):
                    return "all", header
                elif (
                    prefix == "messages"
                    and event == "start_array"
                    and "id" in header
                    and "type" in header
                ):
                    break
            header["_complete"] = True
        except ijson.JSONError:
            pass
    return "single", header


_CHAT_LISTS = ("chats.list.item", "left_chats.list.item")
_MESSAGE_LISTS = {f"{p}.messages" for p in _CHAT_LISTS}
_MESSAGE_ITEMS = {f"{p}.messages.item" for p in _CHAT_LISTS}


def _all_chats(source: Source, stage: Stage) -> Iterator[tuple[int, _Chat, Any]]:
    """Yield ``(record index, chat, message)`` from ``chats.list`` and ``left_chats.list``
    in one pass of ijson events; indexes count from 1 across all chats."""
    index = 0
    header: dict[str, Any] = {}
    chat = _Chat(header)
    builder: Any = None
    with source.open() as f:
        try:
            for prefix, event, value in ijson.parse(f, use_float=True):
                if builder is not None:
                    builder.event(event, value)
                    if event == "end_map" and prefix in _MESSAGE_ITEMS:
                        index += 1
                        yield index, chat, builder.value
                        builder = None
                elif prefix in _MESSAGE_ITEMS and event == "start_map":
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                elif prefix in _CHAT_LISTS and event == "start_map":
                    header = {}
                elif prefix in _MESSAGE_LISTS and event == "start_array":
                    chat = _Chat(header)
                elif event in _SCALARS:
                    parent, _, key = prefix.rpartition(".")
                    if parent in _CHAT_LISTS and key in _HEADER:
                        header[key] = value
        except ijson.IncompleteJSONError as exc:
            stage.reject(index + 1, f"truncated JSON after record {index} ({_why(exc)})")
        except ijson.JSONError as exc:
            stage.reject(index + 1, f"invalid JSON after record {index} ({_why(exc)})")


def _why(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _add(stage: Stage, state: dict[str, bool], chat: _Chat, index: int, msg: Any) -> None:
    if not isinstance(msg, dict):
        stage.reject(index, "not a JSON object", msg)
        return
    kind = msg.get("type")
    if kind == "service":
        return
    try:
        row = _map(chat, index, msg)
    except ValueError as exc:
        stage.reject(index, str(exc), msg)
        return
    if msg.get("date_unixtime") is None and not state["local_date_warned"]:
        state["local_date_warned"] = True
        stage.reject(
            index,
            "no date_unixtime: 'date' is the exporting computer's local time without a "
            "zone; read as UTC",
            msg,
            severity="warning",
        )
    stage.add(row)


def _map(chat: _Chat, index: int, msg: dict[str, Any]) -> dict[str, Any]:
    kind = msg.get("type")
    if kind != "message":
        raise ValueError(f"not a message (type {kind!r})")
    mid = msg.get("id")
    if mid is None:
        raise ValueError("missing id")
    if not isinstance(mid, int) or isinstance(mid, bool):
        raise ValueError(f"bad id {mid!r}: expected an integer")
    if chat.key is None:
        raise ValueError("missing chat id (the chat's id must come before its messages)")
    when = msg.get("date_unixtime", msg.get("date"))
    if when is None:
        raise ValueError("missing date_unixtime and date")
    created = parse_timestamp(when)
    account, name = _account(chat, msg)
    text, urls, hashtags, mentions = _text(msg)
    return {
        "source_line": index,
        "platform": PLATFORM,
        "native_id": f"{chat.key}/{mid}",
        "account_native_id": account,
        "account_name": name,
        "created_at": created,
        "text": text,
        "urls": urls,
        "hashtags": hashtags,
        "mentions": mentions,
        "reply_to": _reply_to(chat, msg),
        "likes": _reactions(msg.get("reactions")),
        "views": v.integer(msg.get("views")),
        "raw": orjson.dumps(msg).decode(),
    }


def _account(chat: _Chat, msg: dict[str, Any]) -> tuple[str | None, str | None]:
    from_id = msg.get("from_id")
    name = msg.get("from") if isinstance(msg.get("from"), str) else None
    if isinstance(from_id, str) and from_id:
        return from_id, name
    if isinstance(from_id, int) and not isinstance(from_id, bool):
        return f"user{from_id}", name
    if chat.type in CHANNELS:
        return f"channel{chat.bare}", name or chat.name
    return None, name


def _reply_to(chat: _Chat, msg: dict[str, Any]) -> str | None:
    target = msg.get("reply_to_message_id")
    if not isinstance(target, int) or isinstance(target, bool):
        return None
    peer = msg.get("reply_to_peer_id")
    where = _peer_key(peer) if peer is not None else chat.key
    return f"{where}/{target}" if where is not None else None


def _text(msg: dict[str, Any]) -> tuple[str | None, list[str], list[str], list[str]]:
    """Plain text and the entity lists from ``text_entities`` (or ``text``)."""
    parts = msg.get("text_entities")
    if not isinstance(parts, list):
        parts = msg.get("text")
    if isinstance(parts, str):
        return parts or None, [], [], []
    if not isinstance(parts, list):
        return None, [], [], []
    pieces: list[str] = []
    urls: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        if not isinstance(part, dict):
            continue
        value = part.get("text")
        value = value if isinstance(value, str) else ""
        pieces.append(value)
        kind = part.get("type")
        if kind == "link" and value:
            urls.append(value if "://" in value else "http://" + value)
        elif kind == "text_link" and isinstance(part.get("href"), str):
            urls.append(part["href"])
        elif kind == "hashtag" and value:
            hashtags.append(value)
        elif kind == "mention" and value:
            mentions.append(value.lstrip("@"))
        elif kind == "mention_name" and part.get("user_id") is not None:
            mentions.append(f"user{part['user_id']}")
    return "".join(pieces) or None, urls, hashtags, mentions


def _reactions(reactions: Any) -> int | None:
    if not isinstance(reactions, list):
        return None
    counts = [v.integer(r.get("count")) for r in reactions if isinstance(r, dict)]
    return sum(c for c in counts if c is not None)
