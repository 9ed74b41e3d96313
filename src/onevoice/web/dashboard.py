"""What the dashboard shows, read from the analytic store (read-only).

Three panels: the most recent imports, the networks of the newest ``detect`` run (size,
coordination kinds, hubs) and the current alerts (ongoing bursts first, then the heaviest).
The store is opened read-only for each request and closed at once, so the web application
never holds DuckDB's lock while the CLI writes; if the CLI holds it, the page says so instead
of failing. The same :class:`Dashboard` object fills the HTML page and ``/api/dashboard``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from onevoice.errors import StoreError

__all__ = ["AlertRow", "Dashboard", "ImportRow", "NetworkRow", "load_dashboard"]

#: How many rows each panel shows.
LIMIT = 20


class ImportRow(BaseModel):
    import_id: str
    source_file: str
    format: str
    finished_at: datetime
    records_read: int
    posts_added: int
    rejected: int


class NetworkRow(BaseModel):
    network_id: int
    size: int
    kinds: list[str]
    hubs: list[str]
    edges: int
    first_ts: datetime | None
    last_ts: datetime | None


class AlertRow(BaseModel):
    alert_id: str
    subject_kind: str
    label: str
    start_ts: datetime
    end_ts: datetime
    ongoing: bool
    posts: int
    expected: float
    weight: float


class Dashboard(BaseModel):
    """The dashboard's data; ``status`` says why panels may be empty."""

    status: Literal["ok", "no_store", "unavailable"]
    message: str = ""
    detect_run: str | None = None
    imports: list[ImportRow] = []
    networks: list[NetworkRow] = []
    alerts: list[AlertRow] = []


def _rows(con: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def load_dashboard(store_path: Path | None, limit: int = LIMIT) -> Dashboard:
    """Read the dashboard panels from the store at ``store_path``.

    Args:
        store_path: the store directory (``ONEVOICE_STORE``), or None when none is set.
        limit: rows per panel.

    Returns:
        A :class:`Dashboard`; ``status`` is ``"no_store"`` when no store is configured or
        none exists there, ``"unavailable"`` when it cannot be opened (locked by a writer,
        another schema version), ``"ok"`` otherwise.
    """
    if store_path is None:
        return Dashboard(status="no_store", message="No analytic store is configured.")
    from onevoice.web.storecache import cached_read

    if not (store_path / "onevoice.duckdb").exists():
        return Dashboard(status="no_store", message=f"There is no store at {store_path} yet.")
    try:
        return cached_read(store_path, ("dashboard", limit), lambda s: _read(s, limit))
    except StoreError as exc:
        return Dashboard(status="unavailable", message=exc.message)


def _read(store: Any, limit: int) -> Dashboard:
    """The panels, from an open store; networks of the newest *finished* detect run."""
    from onevoice.detect.run import latest_run

    con = store.con
    imports = _rows(
        con,
        "SELECT import_id, source_file, format, finished_at, records_read, posts_added,"
        " rejected FROM imports ORDER BY finished_at DESC, import_id LIMIT ?",
        [limit],
    )
    run_id = latest_run(store)
    networks = (
        _rows(
            con,
            "SELECT network_id, size, kinds, hubs, edges, first_ts, last_ts FROM networks"
            " WHERE run_id = ? ORDER BY network_id LIMIT ?",
            [run_id, limit],
        )
        if run_id
        else []
    )
    alerts = _rows(
        con,
        "SELECT alert_id, subject_kind, label, start_ts, end_ts, ongoing, posts, expected,"
        " weight FROM alerts WHERE run_id = (SELECT run_id FROM alerts"
        " ORDER BY raised_at DESC, run_id DESC LIMIT 1)"
        " ORDER BY ongoing DESC, weight DESC, alert_id LIMIT ?",
        [limit],
    )
    return Dashboard(
        status="ok",
        detect_run=run_id,
        imports=[ImportRow(**r) for r in imports],
        networks=[NetworkRow(**r) for r in networks],
        alerts=[AlertRow(**r) for r in alerts],
    )
