"""Generate the demo data set: a simulated G20-summit news cycle in real export formats.

:func:`generate` writes one file per platform, in the format the platform's export tool
writes (twarc2 JSON Lines, Telegram Desktop JSON, Mastodon statuses, a Bluesky
``searchPosts`` response, a YouTube ``commentThreads.list`` response, a CrowdTangle CSV,
OneVoice's generic CSV), plus ``ground_truth.json`` listing the planted coordinated
networks (:mod:`onevoice.demo.networks`). Everything comes from one
``random.Random(seed)``: the same seed and scale give byte-identical files, on any machine
and Python run (no wall clock, no hash-ordered iteration).

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> paths = generate(Path(tempfile.mkdtemp()), seed=1, scale=0.05)
    >>> sorted(p.name for p in paths)[:3]
    ['bluesky.json', 'facebook.csv', 'ground_truth.json']
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson

from onevoice.demo.model import B32, END, START, Post, iso_seconds
from onevoice.demo.networks import Network, plant_networks
from onevoice.demo.organic import PLATFORMS, run_timeline
from onevoice.demo.organic_pages import facebook, telegram, youtube
from onevoice.demo.world import World
from onevoice.demo.write_fediverse import write_bluesky, write_mastodon
from onevoice.demo.write_pages import (
    write_crowdtangle,
    write_generic_csv,
    write_telegram,
    write_youtube,
)
from onevoice.demo.write_twitter import write_twarc2

__all__ = ["generate"]

#: Platforms written to ``other.csv`` (OneVoice's generic CSV).
OTHER_PLATFORMS = ("vk", "weibo", "threads")


def generate(out_dir: Path, *, seed: int = 20, scale: float = 1.0) -> list[Path]:
    """Write the demo data set into ``out_dir`` and return the files written.

    Args:
        out_dir: created if missing; files of the same names are overwritten.
        seed: the seed of the one random generator everything is drawn from.
        scale: multiplies the organic population and its volume (1.0: about 10,000 posts
            and 1,500 accounts in 5.9 MB; 10: 88,000 posts); the planted networks keep their
            size.

    Returns:
        the paths, data files first and ``ground_truth.json`` last.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = World(random.Random(seed), scale)
    for platform in ("twitter", "mastodon", "bluesky"):
        run_timeline(world, platform, PLATFORMS[platform])
    telegram(world)
    youtube(world)
    facebook(world)
    for platform in OTHER_PLATFORMS:
        run_timeline(world, platform, PLATFORMS[platform])
    networks = plant_networks(world)
    _assign_ids(world)
    _engagement(world)
    return _write(world, networks, out_dir, seed, scale)


def _assign_ids(world: World) -> None:
    """Platform-style post ids, in time order (X and Mastodon ids encode the time)."""
    ids = world.ids
    for platform in sorted(world.posts):
        posts = sorted(world.posts[platform], key=lambda p: p.epoch_ms)
        for p in posts:
            if platform == "twitter":
                p.native_id = ids.snowflake(p.epoch_ms)
            elif platform == "mastodon":
                p.native_id = ids.mastodon(p.epoch_ms)
            elif platform == "bluesky":
                p.native_id = ids.tid(p.epoch_ms)
                p.extra["cid"] = ids.chars(B32, 52, prefix="bafyrei")
            elif platform == "facebook":
                p.native_id = ids.digits(16, "1")
            elif platform == "weibo":
                p.native_id = ids.digits(16, "5")
            elif platform == "threads":
                p.native_id = ids.digits(19, "3")
            elif platform == "vk":
                p.native_id = ids.digits(7)


def _engagement(world: World) -> None:
    """Counts in proportion to reach, plus the reposts/replies/quotes the data set holds;
    network posts get little engagement (sock puppets are seldom liked)."""
    rng = world.rng
    for platform in sorted(world.posts):
        posts = world.posts[platform]
        captured: dict[int, list[int]] = {}
        for p in posts:
            for i, ref in enumerate((p.repost_of, p.reply_to, p.quote_of)):
                if ref is not None:
                    captured.setdefault(id(ref), [0, 0, 0])[i] += 1
        for p in posts:
            if p.repost_of is not None:
                continue
            reposts, replies, quotes = captured.get(id(p), [0, 0, 0])
            reach = (p.account.followers + 5) ** 0.5
            damp = 1.0 if p.kind == "organic" else 0.1
            likes = int(reach * rng.lognormvariate(-1.0, 1.0) * damp + 3 * reposts)
            p.likes = likes
            p.reposts = reposts + int(likes * rng.uniform(0, 0.25))
            p.replies = replies + int(likes * rng.uniform(0, 0.06))
            p.quotes = quotes + int(likes * rng.uniform(0, 0.02))
            p.views = int((likes + 1) * rng.uniform(25, 90)) + p.account.followers // 25
            if platform == "facebook":
                _reactions(rng, p)


def _reactions(rng: random.Random, p: Post) -> None:
    kinds = ["like", "love", "wow", "haha", "sad", "angry", "care"]
    shares = [rng.uniform(0.5, 0.8)] + [rng.uniform(0, 0.08) for _ in kinds[1:]]
    p.extra["reactions"] = {k: int(p.likes * s) for k, s in zip(kinds, shares, strict=True)}
    p.extra["overperforming"] = f"{rng.uniform(-4, 6):.2f}"


def _write(world: World, networks: list[Network], out: Path, seed: int, scale: float) -> list[Path]:
    posts = world.posts
    paths: list[Path] = []
    counts: dict[str, int] = {}

    def done(name: str, n: int) -> None:
        paths.append(out / name)
        counts[name] = n

    write_twarc2(out / "twitter.jsonl", posts["twitter"], world.ids)
    done("twitter.jsonl", len(posts["twitter"]))
    tg = world.meta["telegram"]
    channel = [p for p in posts["telegram"] if p.extra.get("chat") == "channel"]
    chat = [p for p in posts["telegram"] if p.extra.get("chat") != "channel"]
    write_telegram(out / "telegram.json", tg["channel"], channel, 1, "public_channel")
    done("telegram.json", len(channel))
    write_telegram(out / "telegram_chat.json", tg["chat"], chat, 1040, "public_supergroup")
    done("telegram_chat.json", len(chat))
    write_mastodon(out / "mastodon.json", posts["mastodon"])
    done("mastodon.json", len(posts["mastodon"]))
    write_bluesky(out / "bluesky.json", posts["bluesky"])
    done("bluesky.json", len(posts["bluesky"]))
    write_youtube(out / "youtube.json", posts["youtube"], world.ids)
    done("youtube.json", len(posts["youtube"]))
    write_crowdtangle(out / "facebook.csv", posts["facebook"])
    done("facebook.csv", len(posts["facebook"]))
    other = [p for platform in OTHER_PLATFORMS for p in posts[platform]]
    write_generic_csv(out / "other.csv", other)
    done("other.csv", len(other))
    truth: dict[str, Any] = {
        "description": "Planted coordinated networks in the OneVoice demo data "
        "(onevoice.demo.generate). Member ids are as in the store: "
        "<platform>:<native id>.",
        "seed": seed,
        "scale": scale,
        "window": {"start": iso_seconds(START), "end": iso_seconds(END)},
        "files": counts,
        "networks": [n.ground_truth() for n in networks],
    }
    (out / "ground_truth.json").write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n")
    paths.append(out / "ground_truth.json")
    return paths
