"""``onevoice query`` and ``onevoice info``: read-only views of the store."""

from __future__ import annotations

import csv
import sys
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import click
import orjson

from onevoice.store import Store


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return orjson.dumps(value, default=str).decode()
    return value


def run_query(store_dir: str, sql: str, as_json: bool) -> None:
    with Store(store_dir, read_only=True) as store:
        names, rows = store.query(sql)
        out = sys.stdout
        if as_json:
            for row in rows:
                out.write(
                    orjson.dumps(dict(zip(names, row, strict=True)), default=str).decode() + "\n"
                )
        else:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(names)
            for row in rows:
                writer.writerow([_cell(v) for v in row])
        out.flush()


def run_info(store_dir: str, as_json: bool) -> None:
    with Store(store_dir, read_only=True) as store:
        info = store.info()
    if as_json:
        sys.stdout.write(orjson.dumps(asdict(info), default=str).decode() + "\n")
        return
    span = (
        f"{info.first_post:%Y-%m-%d %H:%M} – {info.last_post:%Y-%m-%d %H:%M} UTC"
        if info.first_post and info.last_post
        else "(no posts)"
    )
    echo = click.echo
    echo(f"Store      {info.path} (schema v{info.schema_version}, {info.db_bytes / 1e6:,.1f} MB)")
    echo(f"Posts      {info.posts:,}")
    echo(f"Accounts   {info.accounts:,}")
    echo(f"Time span  {span}")
    echo(f"Imports    {info.imports:,}")
    echo(f"Rejects    {info.rejects:,} records dropped, {info.warnings:,} values dropped")
    if info.per_platform:
        echo("")
        echo(f"{'platform':<12}{'posts':>10}{'accounts':>10}")
        for platform, posts, accounts in info.per_platform:
            echo(f"{platform:<12}{posts:>10,}{accounts:>10,}")
    if info.per_format:
        w = max(12, *(len(f) + 2 for f, _n, _a in info.per_format))
        echo("")
        echo(f"{'format':<{w}}{'imports':>10}{'records added':>15}")
        for fmt, imports, added in info.per_format:
            echo(f"{fmt:<{w}}{imports:>10,}{added:>15,}")
    if info.analysis:
        echo("")
        for what, n, detail in info.analysis:
            echo(f"{what:<15}{n:>8,}  {detail}")
