"""The network explorer pages: access, audit, empty states, and a real demo store.

``demo_store`` runs the library on the bundled demo data once per session (ingest, then
detect with the kinds of ``make demo``), so the pages are checked against real networks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client

from onevoice.web.audit.models import AuditEvent
from onevoice.web.explorer import views
from onevoice.web.explorer.data import load_detail, load_list
from onevoice.web.explorer.timeline import timeline_svg

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DETECT_ARGS = [
    *("--kind", "co-link", "--kind", "co-repost", "--kind", "co-hashtag", "--kind", "co-text"),
    *("--min-weight", "co-hashtag=3"),
]
_BUILT: dict[Path, tuple[Path, str]] = {}


def build_demo_store(base: Path) -> tuple[Path, str]:
    """Ingest ``demo/data/*`` (minus the ground truth) and detect; (store, run_id), cached."""
    if base in _BUILT:
        return _BUILT[base]
    from onevoice.cli.main import cli
    from onevoice.detect.run import latest_run
    from onevoice.store import Store

    store = base / "demo-store"
    files = sorted(
        str(p) for p in (ROOT / "demo" / "data").iterdir() if "ground_truth" not in p.name
    )
    runner = CliRunner()
    for args in (["ingest", "--store", str(store), *files], ["detect", "--store", str(store)]):
        args = args + DETECT_ARGS if args[0] == "detect" else args
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    with Store(store, read_only=True) as s:
        run_id = latest_run(s)
    assert run_id is not None
    _BUILT[base] = (store, run_id)
    return store, run_id


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_demo_store(tmp_path_factory.getbasetemp())


@pytest.fixture
def demo(settings: Any, demo_store: tuple[Path, str]) -> str:
    """Point the app at the demo store; the run_id."""
    settings.ONEVOICE_STORE = demo_store[0]
    return demo_store[1]


PAGES = ["/networks/", "/networks/run1/1/"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ["liaison", "member"])
def test_wrong_roles_are_refused(
    client_as: Callable[..., Client], web_store: Path, settings: Any, url: str, role: str
) -> None:
    settings.ONEVOICE_STORE = web_store
    assert client_as(role).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_goes_to_login(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "communicator"])
def test_staff_roles_see_both_pages(
    client_as: Callable[..., Client], web_store: Path, settings: Any, role: str
) -> None:
    settings.ONEVOICE_STORE = web_store
    client = client_as(role)
    assert client.get("/networks/").status_code == 200
    assert client.get("/networks/run1/2/").status_code == 200


def test_empty_state_without_store(client_as: Callable[..., Client]) -> None:
    html = client_as("analyst").get("/networks/").content.decode()
    assert "No data to show" in html and "No analytic store is configured" in html
    response = client_as("reviewer").get("/networks/run1/1/")
    assert response.status_code == 404 and "No data to show" in response.content.decode()


def test_empty_state_without_runs(
    client_as: Callable[..., Client], tmp_path: Path, settings: Any
) -> None:
    from onevoice.store import Store

    with Store(tmp_path / "s"):
        pass
    settings.ONEVOICE_STORE = tmp_path / "s"
    html = client_as("analyst").get("/networks/").content.decode()
    assert "No detection run yet" in html


def test_list_of_the_small_store(
    client_as: Callable[..., Client], web_store: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = web_store
    client = client_as("analyst")
    html = client.get("/networks/").content.decode()
    assert "Run run1" in html and "hub1" in html and "50 %" in html
    assert 'href="/networks/run1/1/"' in html and 'href="/networks/run1/2/"' in html
    assert html.index("Network 1<") < html.index("Network 2<")  # largest first
    html = client.get("/networks/?sort=start&kind=co-repost").content.decode()
    assert "No network of this run has co-repost coordination" in html


def test_unknown_run_or_network_is_404(
    client_as: Callable[..., Client], web_store: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = web_store
    client = client_as("analyst")
    assert client.get("/networks/?run=nope").status_code == 404
    assert client.get("/networks/run1/99/").status_code == 404
    assert client.get("/networks/nope/1/").status_code == 404


def test_views_are_audited(
    client_as: Callable[..., Client], web_store: Path, settings: Any
) -> None:
    settings.ONEVOICE_STORE = web_store
    client = client_as("reviewer")
    client.get("/networks/?kind=co-link")
    client.get("/networks/run1/2/")
    events = list(AuditEvent.objects.filter(action="view").order_by("id"))
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("view", "network_list", "run1"),
        ("view", "network", "run1/2"),
    ]
    assert events[0].detail == {"kind": "co-link", "sort": "size"}
    assert events[0].actor_username == "reviewer"


def test_list_of_the_demo_run(client_as: Callable[..., Client], demo: str) -> None:
    data = load_list(_store(demo))
    assert data.status == "ok" and data.run is not None and data.run.run_id == demo
    count = len(data.networks)
    assert count >= 5 and [n.size for n in data.networks] == sorted(
        (n.size for n in data.networks), reverse=True
    )
    client = client_as("analyst")
    html = client.get("/networks/").content.decode()
    assert f"Run {demo}" in html and f"{count} networks, sorted by size" in html
    assert 'name="run"' in html and 'hx-get="/networks/"' in html  # works with and without JS
    assert 'for="f-kind"' in html and 'id="f-kind"' in html  # every input has a label
    html = client.get("/networks/?kind=co-repost").content.decode()
    assert "1 network with co-repost" in html
    assert f'href="/networks/{demo}/3/"' in html and f'href="/networks/{demo}/1/"' not in html


def test_detail_of_a_demo_network(client_as: Callable[..., Client], demo: str) -> None:
    html = client_as("analyst").get(f"/networks/{demo}/1/").content.decode()
    for heading in ("Summary", "Hubs", "Graph", "Timeline", "Shared items", "Members"):
        assert f">{heading}</h2>" in html or f">{heading} <small>" in html, heading
    assert "co-link, co-text" in html and "window 60 s" in html and "co-hashtag 3" in html
    assert "summitwire-report.com" in html  # a top domain
    assert '<svg class="timeline"' in html and "The timeline as a table" in html
    assert f'data-graph-url="/api/networks/{demo}/1/graph"' in html
    assert "The graph view needs JavaScript" in html  # the fallback text
    assert "Not on the timeline: co-text" in html
    assert "<strong>hub</strong>" in html and "hints for an analyst, not verdicts" in html


def test_tables_are_capped_with_a_note(
    client_as: Callable[..., Client], demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    detail = load_detail(_store(demo), demo, 1, limit=5)
    assert len(detail.members) == 5 and detail.members_total == detail.network.size > 5
    assert len(detail.edges) == 5 and detail.edges_total > 5
    assert [m.is_hub for m in detail.members][:2] == [True, True]  # hubs first
    monkeypatch.setattr(views, "load_detail", functools.partial(load_detail, limit=5))
    html = client_as("analyst").get(f"/networks/{demo}/1/").content.decode()
    more = detail.members_total - 5
    assert f"The 5 members with the highest weighted degree are listed; {more} more" in html
    assert f"The 5 heaviest of {detail.edges_total} edges are listed" in html


def _store(run_id: str) -> Path:
    return next(path for path, run in _BUILT.values() if run == run_id)


def test_open_case_button_only_for_analysts(
    client_as: Callable[..., Client], demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "open_case_url", lambda: "/cases/open-from-network/")
    html = client_as("analyst").get(f"/networks/{demo}/2/").content.decode()
    assert 'action="/cases/open-from-network/"' in html
    assert f'name="run_id" value="{demo}"' in html and 'name="network_id" value="2"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for role in ("reviewer", "communicator", "admin"):
        html = client_as(role).get(f"/networks/{demo}/2/").content.decode()
        assert "Open a case from this network" not in html, role


def test_open_case_url_follows_the_cases_routes() -> None:
    from django.urls import NoReverseMatch, reverse

    try:
        expected: str | None = reverse("cases:open_from_network")
    except NoReverseMatch:
        expected = None
    assert views.open_case_url() == expected


def test_timeline_svg_has_a_text_alternative(demo: str) -> None:
    detail = load_detail(_store(demo), demo, 3)
    assert detail.timeline.unit == "day" and detail.timeline.posts > 0
    assert sum(b.posts for b in detail.timeline.buckets) >= detail.timeline.posts
    svg = timeline_svg(detail.timeline)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert svg.count('<rect class="bar"') == len(detail.timeline.buckets)
    assert "<script" not in svg and "style=" not in svg  # the CSP forbids both inline
