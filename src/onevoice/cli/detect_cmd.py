"""``onevoice detect``: a detection run, its summary on stderr, output paths on stdout."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from onevoice.detect.params import DetectParams
from onevoice.detect.run import detect
from onevoice.store import Store


def run_detect(
    store_dir: str,
    kinds: tuple[str, ...],
    window: str,
    min_weight: tuple[str, ...],
    seed: int,
    text_threshold: float,
    resolution: float,
    platforms: tuple[str, ...],
    out_dir: str | None,
) -> None:
    win: float | str = window
    with contextlib.suppress(ValueError):
        win = float(window)
    overall: str = "2"
    per_kind: list[tuple[str, float | str]] = []
    for value in min_weight:
        if "=" in value:
            kind, _, w = value.partition("=")
            per_kind.append((kind.strip(), w.strip()))
        else:
            overall = value
    params = DetectParams(
        kinds=tuple(kinds) or DetectParams.kinds,
        window=win,
        min_weight=overall,
        kind_min_weight=tuple(per_kind),
        seed=seed,
        text_threshold=text_threshold,
        resolution=resolution,
        platforms=tuple(platforms),
    )
    with Store(store_dir) as store:
        result = detect(store, params, out_dir=Path(out_dir) if out_dir else None)
    for k in result.kinds:
        click.echo(
            f"{k.kind}: window {k.window:g} s, min weight {k.min_weight:g}, "
            f"{k.edges:,} edge{'s' if k.edges != 1 else ''}",
            err=True,
        )
    click.echo(
        f"run {result.run_id}: {result.networks:,} network{'s' if result.networks != 1 else ''}",
        err=True,
    )
    for path in result.outputs:
        click.echo(str(path))
