"""One detection run over a store: edges per kind, thresholds, networks, outputs.

The run is one transaction and keeps its results under its ``run_id`` in ``detect_runs``,
``coord_edges``, ``networks`` and ``network_members``, so ``onevoice query`` (and later the
web app and the case files) can read them; nothing of an earlier run is changed.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import orjson

from onevoice.detect.cooccur import co_share_edges, estimate_window
from onevoice.detect.kinds import get_kind
from onevoice.detect.params import DetectParams
from onevoice.errors import UsageError
from onevoice.store import Store

__all__ = ["DetectResult", "KindResult", "detect", "latest_run"]


@dataclass
class KindResult:
    """What one kind gave."""

    kind: str
    window: float
    min_weight: float
    edges: int


@dataclass
class DetectResult:
    """What a run gave."""

    run_id: str
    kinds: list[KindResult] = field(default_factory=list)
    networks: int = 0
    outputs: list[Path] = field(default_factory=list)


def _threshold(value: float | str) -> tuple[float | None, float | None]:
    """(absolute weight, quantile) from ``2`` or ``"q0.95"``."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text.startswith("q"):
            try:
                q = float(text[1:])
            except ValueError:
                q = -1.0
            if not 0 < q < 1:
                raise UsageError(f"bad --min-weight '{value}'", hint="a number such as 2, or q0.95")
            return None, q
        try:
            return float(text), None
        except ValueError:
            raise UsageError(
                f"bad --min-weight '{value}'", hint="a number such as 2, or q0.95"
            ) from None
    return float(value), None


def detect(store: Store, params: DetectParams, *, out_dir: Path | None = None) -> DetectResult:
    """Run coordination detection on ``store`` with ``params``; write outputs to ``out_dir``.

    Raises:
        UsageError: an unknown kind, a bad window or threshold.
    """
    modules = [get_kind(k) for k in params.kinds]
    if not modules:
        raise UsageError("no coordination kind given", hint="e.g. --kind co-link")
    weight, _quantile = _threshold(params.min_weight)
    con = store.con
    digest = hashlib.sha256(orjson.dumps(params.as_json(), option=orjson.OPT_SORT_KEYS))
    seq = store.scalar("SELECT count(*) FROM detect_runs") + 1
    run_id = f"{seq:04d}-{digest.hexdigest()[:8]}"
    result = DetectResult(run_id=run_id)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO detect_runs VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
            [
                run_id,
                datetime.now(UTC),
                list(params.kinds),
                float(params.window) if not isinstance(params.window, str) else -1.0,
                weight if weight is not None else -1.0,
                orjson.dumps(params.as_json()).decode(),
                params.seed,
            ],
        )
        for module in modules:
            w, q = _threshold(params.min_weight_for(module.NAME))
            result.kinds.append(_one_kind(con, module, params, run_id, w, q))
        from onevoice.detect.networks import build_networks

        result.networks = build_networks(
            con,
            run_id,
            seed=params.seed,
            resolution=params.resolution,
            hub_share=params.hub_share,
        )
        from onevoice.detect.signals import account_signals

        account_signals(con, run_id)
        con.execute(
            "UPDATE detect_runs SET finished_at = ?, window_s = ?, min_weight = ? WHERE run_id = ?",
            [
                datetime.now(UTC),
                max(k.window for k in result.kinds),
                min(k.min_weight for k in result.kinds),
                run_id,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    if out_dir is not None:
        from onevoice.detect.export import write_outputs

        out_dir.mkdir(parents=True, exist_ok=True)
        from onevoice.detect.report import write_report

        result.outputs = write_outputs(con, run_id, out_dir)
        result.outputs.append(write_report(con, run_id, out_dir / "report.html"))
    return result


def _one_kind(
    con: duckdb.DuckDBPyConnection,
    module: object,
    params: DetectParams,
    run_id: str,
    weight: float | None,
    quantile: float | None,
) -> KindResult:
    name: str = module.NAME  # type: ignore[attr-defined]
    shares = module.shares_sql(con, params)  # type: ignore[attr-defined]
    if isinstance(params.window, str):
        if params.window.strip().lower() != "auto":
            raise UsageError(f"bad --window '{params.window}'", hint="seconds, or auto")
        window = estimate_window(con, shares).seconds
    else:
        window = float(params.window)
        if window <= 0:
            raise UsageError(f"bad --window '{params.window}'", hint="a positive number")
    co_share_edges(
        con,
        shares,
        window=window,
        kind=name,
        run_id=run_id,
        min_weight=weight if weight is not None else 1,
    )
    threshold = weight if weight is not None else 1.0
    if quantile is not None:
        row = con.execute(
            "SELECT quantile_disc(weight, ?) FROM coord_edges WHERE run_id = ? AND kind = ?",
            [quantile, run_id, name],
        ).fetchone()
        threshold = float(row[0]) if row and row[0] is not None else 1.0
        con.execute(
            "DELETE FROM coord_edges WHERE run_id = ? AND kind = ? AND weight < ?",
            [run_id, name, threshold],
        )
    n = con.execute(
        "SELECT count(*) FROM coord_edges WHERE run_id = ? AND kind = ?", [run_id, name]
    ).fetchone()
    return KindResult(kind=name, window=window, min_weight=threshold, edges=int(n[0]) if n else 0)


def latest_run(store: Store) -> str | None:
    """The run_id of the newest finished run, or ``None``."""
    row = store.execute(
        "SELECT run_id FROM detect_runs WHERE finished_at IS NOT NULL "
        "ORDER BY started_at DESC, run_id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])
