"""``mastodon``: Mastodon REST API statuses, as saved from the API.

Reads the Status entities that ``GET /api/v1/timelines/public``, ``/timelines/tag/:tag``,
``/accounts/:id/statuses`` and the other timeline methods return
(https://docs.joinmastodon.org/entities/Status/), saved either as a file holding one JSON
array of statuses (``curl … > page.json``, or a whole collection dumped at once; streamed,
so its size does not matter), one pretty-printed status, or JSON Lines with one status or
one array page per line. Other servers speaking the same API (Pleroma, Akkoma, GoToSocial)
give the same shape.

Mapping (platform ``mastodon``):

- ``id`` → native_id, ``created_at``, ``language`` → lang, ``in_reply_to_id`` → reply_to,
  ``reblog.id`` → repost_of, ``quote.quoted_status.id`` (or a shallow quote's
  ``quoted_status_id``, Mastodon 4.4+) → quote_of; ``favourites_count``, ``reblogs_count``,
  ``replies_count`` → likes, reposts, replies (absent → ``None``); quotes and views are
  ``None`` (the API counts neither).
- ``content`` (HTML) → text as plain text: ``<br>`` is a line break, paragraphs are
  separated by a blank line, entities are unescaped. Its ``<a href>`` links are the urls,
  except mention and hashtag links (class ``mention``/``hashtag``, ``rel="tag"``, an
  ``href`` equal to a ``mentions[].url`` or ``tags[].url``, or a label starting with ``@``
  or ``#``); ``card.url`` is added when it is not already there. ``tags[].name`` →
  hashtags, ``mentions[]`` → mentions.
- A boost (``reblog`` set) keeps its own text (empty) and gets empty url, hashtag and
  mention lists: what it shares is the boosted status, which is its own record when the
  file holds it, linked through repost_of.
- ``account``: ``display_name``, ``created_at``, ``followers_count``, ``note`` (HTML, made
  plain) → the account's name, created_at, followers, description. ``bot`` stays in raw.

Account ids. The numeric ``account.id`` is local to the server the data was fetched from:
the same person has another id on every other server, so two collections from two servers
would not join. ``account.url`` host + ``/`` + ``id`` would mix the home server's host
with an id the *fetching* server assigned, which is no better. The account id is therefore
the person's fediverse address ``user@domain``: ``acct`` when it names the domain (remote
accounts), else ``acct`` + ``@`` + the host of ``account.url`` (accounts local to the
server). It is case-folded (Mastodon user names are case-insensitive); the handle keeps the
given case. Mentions use the same address, so they join to the accounts' handles. (A server
whose web host differs from its account domain gives its own local accounts the web host.)

Status ids are server-local too, but ``in_reply_to_id`` and ``reblog.id`` can only be
joined through them, so native_id is ``id`` as given; ``uri``, the federation-wide id,
stays in raw.

Errors: a status without ``id`` (``missing id``) or ``created_at``, or with a bad
timestamp, is rejected with its line (or its 1-based index in an array); a bad account
``created_at`` or count is dropped with a warning.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import orjson

from onevoice.ingest import values as v
from onevoice.ingest.jsonio import json_documents, json_items, json_lines
from onevoice.ingest.normalise import parse_timestamp
from onevoice.ingest.source import Sample, Source
from onevoice.ingest.stage import Stage

__all__ = ["DESCRIPTION", "NAME", "html_to_text", "read", "sniff"]

NAME = "mastodon"
DESCRIPTION = "Mastodon API statuses (a JSON array, or JSON Lines of statuses or array pages)"
PLATFORM = "mastodon"

_STATUS_KEYS = frozenset({"id", "content", "account"})
#: Keys only a Mastodon-API Status has (note the British "favourites").
_MASTODON_KEYS = frozenset({"favourites_count", "reblogs_count", "visibility", "spoiler_text"})
_COUNTS = {
    "favourites_count": "likes",
    "reblogs_count": "reposts",
    "replies_count": "replies",
}
#: How much of the file :func:`_layout` looks at to tell a JSON array from JSON Lines.
_HEAD = 1 << 22
_BLOCKS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4",
                     "h5", "h6"})  # fmt: skip


class _BadStatus(Exception):
    """A status that cannot be kept; the message is the reject reason."""


# -- sniffing and layout ---------------------------------------------------------------------
def sniff(sample: Sample) -> bool:
    """A status object, or an array of them, with Mastodon's own keys."""
    kind, keys = sample.json_top_keys()
    found = set(keys)
    return bool(kind) and found.issuperset(_STATUS_KEYS) and bool(found & _MASTODON_KEYS)


def _layout(source: Source) -> str:
    """``"array"`` (one JSON array document), ``"document"`` (one pretty-printed status) or
    ``"lines"`` (JSON Lines of statuses or array pages)."""
    with source.open() as f:
        head = f.read(_HEAD)
    body = head.lstrip(b"\xef\xbb\xbf").lstrip()
    newline = body.find(b"\n")
    first = (body if newline < 0 else body[:newline]).strip()
    rest = b"" if newline < 0 else body[newline:].strip()
    if body.startswith(b"["):
        if newline < 0 or (not rest and len(head) < _HEAD):
            return "array"  # all on one line: stream it rather than load it
        return "lines" if _parses(first) else "array"
    if first == b"{":
        return "document"
    return "lines"


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


# -- reading ---------------------------------------------------------------------------------
def read(source: Source, stage: Stage) -> None:
    """Stage every status of the file; see the module docstring for the layouts."""
    layout = _layout(source)
    if layout == "array":
        for index, status in json_items(source, stage, "item"):
            _add_status(index, status, stage)
        return
    records = json_documents(source, stage) if layout == "document" else json_lines(source, stage)
    for line, value in records:
        for status in value if isinstance(value, list) else [value]:
            _add_status(line, status, stage)


def _add_status(line: int, status: Any, stage: Stage) -> None:
    if not isinstance(status, dict):
        stage.reject(line, "not a status (a JSON object)", status)
        return
    warnings: list[str] = []
    try:
        row = _map_status(status, warnings)
    except _BadStatus as exc:
        stage.reject(line, str(exc), status)
        return
    row["source_line"] = line
    stage.add(row)
    for reason in warnings:
        stage.reject(line, reason, status, severity="warning")


def _map_status(status: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """Map one Status entity to a staging row; raise :class:`_BadStatus`."""
    native_id = v.native_id(status.get("id"))
    if native_id is None:
        raise _BadStatus("missing id")
    if status.get("created_at") is None:
        raise _BadStatus("missing created_at")
    try:
        created_at = parse_timestamp(status["created_at"])
    except ValueError as exc:
        raise _BadStatus(str(exc)) from None

    mentions = v.json_objects(status.get("mentions"))
    tags = v.json_objects(status.get("tags"))
    entity_links = {m.get("url") for m in mentions} | {t.get("url") for t in tags}
    content = status.get("content")
    text: str | None
    if isinstance(content, str):
        text, links = _parse_html(content, entity_links)
    else:  # a deleted status gives its source ``text`` instead
        text, links = v.text(status.get("text")), []
    reblog = status.get("reblog")
    if isinstance(reblog, dict):
        urls: list[str] = []
        hashtags: list[str] = []
        addresses: list[str] = []
    else:
        card = status.get("card")
        card_url = v.text(card.get("url")) if isinstance(card, dict) else None
        urls = links + ([card_url] if card_url and card_url not in links else [])
        hashtags = [name for t in tags if (name := v.text(t.get("name")))]
        addresses = [a for m in mentions if (a := _address(m))]

    account = status.get("account")
    account = account if isinstance(account, dict) else {}
    handle = _address(account)
    note = account.get("note")
    counts = {column: v.count(status.get(key), key, warnings) for key, column in _COUNTS.items()}
    return {
        "platform": PLATFORM,
        "native_id": native_id,
        "account_native_id": handle.casefold() if handle else None,
        "account_handle": handle,
        "account_name": v.text(account.get("display_name")),
        "account_created_at": v.optional_timestamp(
            account.get("created_at"), "account created_at", warnings
        ),
        "account_followers": v.count(account.get("followers_count"), "followers_count", warnings),
        "account_verified": None,
        "account_description": html_to_text(note) if isinstance(note, str) else None,
        "created_at": created_at,
        "text": text,
        "lang": v.text(status.get("language")),
        "urls": urls,
        "hashtags": hashtags,
        "mentions": addresses,
        "media_hashes": None,
        "repost_of": v.native_id(reblog.get("id")) if isinstance(reblog, dict) else None,
        "reply_to": v.native_id(status.get("in_reply_to_id")),
        "quote_of": _quoted(status.get("quote")),
        **counts,
        "quotes": None,
        "views": None,
        "raw": orjson.dumps(status).decode(),
    }


def _address(who: dict[str, Any]) -> str | None:
    """``user@domain`` of an Account or a Status::Mention (``acct``, completed with the host
    of ``url`` for an account local to the server)."""
    acct = (v.text(who.get("acct")) or v.text(who.get("username")) or "").strip().lstrip("@")
    if not acct:
        return None
    if "@" in acct:
        return acct
    for key in ("url", "uri"):
        value = v.text(who.get(key))
        if value:
            try:
                host = urlsplit(value).hostname
            except ValueError:
                host = None
            if host:
                return f"{acct}@{host}"
    return acct


def _quoted(quote: Any) -> str | None:
    if not isinstance(quote, dict):
        return None
    quoted = quote.get("quoted_status")
    if isinstance(quoted, dict):
        return v.native_id(quoted.get("id"))
    return v.native_id(quote.get("quoted_status_id"))


# -- HTML --------------------------------------------------------------------------------------
class _Content(HTMLParser):
    """Plain text and shared links of a status's HTML ``content``."""

    def __init__(self, entity_links: set[Any]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._entity_links = entity_links
        self._breaks = 0  # line breaks owed before the next text
        self._anchor: tuple[str | None, bool, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._write("\n")
        elif tag in _BLOCKS:
            self._breaks = max(self._breaks, 2)
        elif tag == "li":
            self._breaks = max(self._breaks, 1)
        elif tag == "a":
            a = dict(attrs)
            classes = (a.get("class") or "").split()
            href = a.get("href")
            entity = (
                "mention" in classes
                or "hashtag" in classes
                or "tag" in (a.get("rel") or "").split()
                or href in self._entity_links
            )
            self._anchor = (href, entity, len(self.parts))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._breaks = max(self._breaks, 2)
        elif tag == "a" and self._anchor is not None:
            href, entity, start = self._anchor
            self._anchor = None
            label = "".join(self.parts[start:]).strip()
            if (
                href
                and not entity
                and not label.startswith(("@", "#", "＠", "＃"))
                and href.lower().startswith(("http://", "https://"))
                and href not in self.links
            ):
                self.links.append(href)

    def handle_data(self, data: str) -> None:
        if data:
            self._write(data)

    def _write(self, text: str) -> None:
        if self._breaks and self.parts:
            self.parts.append("\n" * self._breaks)
        self._breaks = 0
        self.parts.append(text)


def _parse_html(html: str, entity_links: set[Any]) -> tuple[str, list[str]]:
    parser = _Content(entity_links)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip(), parser.links


def html_to_text(html: str) -> str:
    """Mastodon HTML (a status's content, an account's note) as plain text.

    >>> html_to_text("<p>Hello &amp; welcome<br />to <b>us</b></p><p>Bye</p>")
    'Hello & welcome\\nto us\\n\\nBye'
    """
    return _parse_html(html, set())[0]


# -- values ------------------------------------------------------------------------------------
