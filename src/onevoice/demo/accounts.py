"""Accounts of the simulated population: people with names in their language, news outlets.

A person's handle is made from the romanised form of a name drawn for the language (ASCII,
as platforms require), unique per platform; a sock puppet's handle is ``first_last`` plus
four or five digits, the pattern of mass-created accounts. Follower counts are log-normal,
activity Pareto-distributed; outlets have hundreds of thousands of followers.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from onevoice.demo.model import START, Account
from onevoice.demo.texts import LANGS

__all__ = ["AccountFactory", "ascii_fold"]


def ascii_fold(text: str) -> str:
    """``Lefèvre`` → ``lefevre`` (handles are ASCII)."""
    text = text.replace("ı", "i").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _split_name(entry: str) -> tuple[str, str]:
    native, _, roman = entry.partition("/")
    return native, roman or ascii_fold(native)


class AccountFactory:
    """Makes accounts; :class:`onevoice.demo.world.World` is one."""

    rng: random.Random

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._handles: dict[str, set[str]] = {}

    def person(
        self,
        platform: str,
        lang: str,
        native_id: str,
        *,
        kind: str = "person",
        created_after: int | None = None,
    ) -> Account:
        """A person-like account with a name in ``lang`` and a unique handle."""
        rng = self.rng
        res: Any = LANGS[lang]
        g_native, g_roman = _split_name(rng.choice(res["given"]))
        s_native, s_roman = _split_name(rng.choice(res["surnames"]))
        name = (s_native + g_native) if res.get("order") == "sg" else f"{g_native} {s_native}"
        g, s = ascii_fold(g_roman), ascii_fold(s_roman)
        if kind == "network":
            base = f"{g}_{s}{rng.randrange(1000, 99999)}"
        else:
            base = rng.choice(
                [
                    f"{g}{s}",
                    f"{g}_{s}",
                    f"{g}{rng.randrange(10, 99)}",
                    f"{s}{g[:1]}",
                    f"{g}.{s}",
                    f"the{g}{s[:3]}",
                ]
            )
        handle = self.unique_handle(platform, base.replace(".", "_")[:15])
        offsets = res["offsets"]
        offset = rng.choices([o for o, _ in offsets], weights=[w for _, w in offsets])[0]
        if kind == "network":
            followers = rng.randrange(3, 160)
            created = (created_after or START - 40 * 86400) + rng.randrange(0, 20 * 86400)
        else:
            followers = int(rng.lognormvariate(5.2, 1.7))
            created = START - rng.randrange(60 * 86400, 16 * 365 * 86400)
        return Account(
            platform=platform,
            native_id=native_id,
            handle=handle,
            name=name,
            lang=lang,
            utc_offset=offset,
            followers=followers,
            following=int(rng.lognormvariate(5.5, 1.0)),
            created_at=created,
            activity=min(rng.paretovariate(1.25), 60.0) if kind != "network" else 1.0,
            kind=kind,
        )

    def outlet(
        self, platform: str, entry: tuple[str, str, str, str, float], native_id: str
    ) -> Account:
        rng = self.rng
        name, handle, domain, lang, offset = entry
        return Account(
            platform=platform,
            native_id=native_id,
            handle=self.unique_handle(platform, handle),
            name=name,
            lang=lang,
            utc_offset=offset,
            followers=int(rng.lognormvariate(13.0, 1.0)),
            following=rng.randrange(50, 900),
            created_at=START - rng.randrange(9, 16) * 365 * 86400,
            activity=rng.uniform(8.0, 20.0),
            kind="news",
            domain=domain,
            verified=True,
            description=f"News from {domain}" if domain else "Live coverage of the G20 summit",
        )

    def unique_handle(self, platform: str, base: str) -> str:
        taken = self._handles.setdefault(platform, set())
        handle = base
        while handle.lower() in taken:
            handle = f"{base[:12]}{self.rng.randrange(10, 999)}"
        taken.add(handle.lower())
        return handle
