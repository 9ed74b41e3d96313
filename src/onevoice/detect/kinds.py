"""The coordination kinds and what each counts as "the same item".

One module per kind, each with ``NAME``, ``DESCRIPTION`` and
``shares_sql(con, params) -> str`` (a SELECT of ``account_id, post_id, item, ts``). Plain
reposts are left out of the content kinds (co-link, co-domain, co-hashtag): a repost copies
its original's links and tags, and re-counting them would make every co-repost a co-link
too; they are what co-repost is for.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from onevoice.errors import UsageError

__all__ = ["KINDS", "get_kind"]

KINDS: dict[str, str] = {
    "co-link": "onevoice.detect.co_link",
    "co-domain": "onevoice.detect.co_domain",
    "co-hashtag": "onevoice.detect.co_hashtag",
    "co-hashtag-set": "onevoice.detect.co_hashtag_set",
    "co-repost": "onevoice.detect.co_repost",
    "co-reply": "onevoice.detect.co_reply",
    "co-text": "onevoice.detect.co_text_kind",
    "co-image": "onevoice.detect.co_image",
}


def get_kind(name: str) -> ModuleType:
    """The module of coordination kind ``name``.

    Raises:
        UsageError: no such kind (the message lists them).
    """
    if name not in KINDS:
        raise UsageError(f"unknown kind '{name}'", hint=f"the kinds are: {', '.join(KINDS)}")
    return importlib.import_module(KINDS[name])
