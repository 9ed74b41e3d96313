"""report.html in a real browser (Debian's Chromium through Playwright), opened from file://.

No console error, no network request, no script of an account's handle run; the graph is
drawn; an overview row jumps to its network; hover/click show the evidence. CI installs
Chromium with ``.ci/browser-deps``; the tests are skipped only where /usr/bin/chromium is
missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing: run .ci/browser-deps (apt-get install chromium)",
)

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from onevoice.detect.report import write_report
    from onevoice.store import Store
    from tests.detect.test_report import build_run

    tmp = tmp_path_factory.mktemp("report")
    with Store(tmp / "store") as store:
        run_id = build_run(store.con, networks=3, signals=True)
        return write_report(store.con, run_id, tmp / "report.html")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@dataclass
class Opened:
    page: Any
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.console == [], self.console
        assert self.errors == [], self.errors
        assert self.requests == [], self.requests
        assert self.dialogs == [], self.dialogs


@pytest.fixture
def opened(browser: Any, report_file: Path) -> Iterator[Opened]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    state = Opened(page)
    page.on(
        "console",
        lambda m: (
            state.console.append(f"{m.type}: {m.text}")
            if m.type in {"error", "warning", "assert"}
            else None
        ),
    )
    page.on("pageerror", lambda e: state.errors.append(str(e)))

    def on_request(request: Any) -> None:
        if not request.url.startswith(("file://", "data:", "about:")):
            state.requests.append(request.url)

    page.on("request", on_request)

    def on_dialog(dialog: Any) -> None:
        state.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    # nothing may leave the machine even if the page asked
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file://", "data:"))
            else route.abort()
        ),
    )
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")
    yield state
    context.close()


def _graph(page: Any, network: int) -> dict[str, Any]:
    page.locator(f"#net-{network}").scroll_into_view_if_needed()
    result: dict[str, Any] = page.evaluate(
        """(n) => {
            const cy = window.ovGraph(n);
            const box = document.getElementById('cy-' + n).getBoundingClientRect();
            return {nodes: cy.nodes().length, edges: cy.edges().length,
                    hubs: cy.nodes('.hub').length, width: box.width, height: box.height};
        }""",
        network,
    )
    return result


def test_opens_offline_without_errors_and_draws_the_graph(opened: Opened) -> None:
    page = opened.page
    page.wait_for_function("typeof window.ovGraph === 'function'")
    g = _graph(page, 1)
    assert g["width"] > 300 and g["height"] > 200
    assert (g["nodes"], g["edges"], g["hubs"]) == (6, 19, 2)
    # the canvases have pixels on them (copied once into a canvas made for reading)
    page.wait_for_timeout(300)
    painted = page.evaluate(
        """() => {
            let painted = 0;
            for (const c of document.querySelectorAll('#cy-1 canvas')) {
                if (!c.width || !c.height) continue;
                const copy = document.createElement('canvas');
                copy.width = c.width;
                copy.height = c.height;
                const ctx = copy.getContext('2d', {willReadFrequently: true});
                ctx.drawImage(c, 0, 0);
                const px = ctx.getImageData(0, 0, c.width, c.height).data;
                for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
            }
            return painted; }"""
    )
    assert painted > 2000
    assert _graph(page, 2)["nodes"] == 3
    opened.assert_clean()


def test_hostile_handle_is_shown_as_text(opened: Opened) -> None:
    page = opened.page
    assert "<script>alert(1)</script>" in page.locator("#overview").inner_text()
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    opened.assert_clean()


def test_clicking_an_overview_row_scrolls_to_its_network(opened: Opened) -> None:
    page = opened.page
    page.evaluate("window.scrollTo(0, 0)")
    page.locator('tr[data-target="net-3"] td').nth(2).click()
    page.wait_for_function(
        "Math.abs(document.getElementById('net-3').getBoundingClientRect().top) < 40"
    )
    assert page.evaluate("location.hash") == "#net-3"
    assert page.evaluate("window.scrollY") > 500
    assert _graph(page, 3)["nodes"] == 3
    opened.assert_clean()


def test_pointing_at_a_node_and_an_edge_shows_the_evidence(opened: Opened) -> None:
    page = opened.page
    page.locator("#net-1").scroll_into_view_if_needed()
    page.evaluate("() => { window.ovGraph(1); }")

    def at(node: str | None) -> tuple[float, float]:
        """Where on the screen a node is (or the first edge, for ``None``)."""
        x, y = page.evaluate(
            """(id) => { const cy = window.ovGraph(1);
               const r = cy.container().getBoundingClientRect();
               const p = id ? cy.getElementById(id).renderedPosition()
                            : cy.edges()[0].renderedMidpoint();
               return [r.left + p.x, r.top + p.y]; }""",
            node,
        )
        return float(x), float(y)

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    def click(node: str | None, expect: str) -> None:
        """Click where the element is once the view has settled (scrolling and the graph's
        fit can still move it for a moment after the page asks for it), as a user would."""
        for _ in range(5):
            before = at(node)
            page.wait_for_timeout(100)
            if at(node) == before:
                break
        for _ in range(3):
            page.mouse.click(*at(node))
            try:
                page.wait_for_function(
                    "(t) => document.getElementById('info-1').innerText.includes(t)",
                    arg=expect,
                    timeout=1500,
                )
                return
            except PlaywrightTimeout:  # it moved under the pointer: look again
                continue
        raise AssertionError(f"clicking {node or 'the first edge'} never showed {expect!r}")

    click("twitter:102", "twitter:102")
    info = page.locator("#info-1")
    assert "<script>alert(1)</script>" in info.inner_text()
    assert "twitter:102" in info.inner_text() and "(hub)" in info.inner_text()
    box = page.locator("#cy-1").bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + 4)  # the background: back to the hint
    assert "Point at or click" in info.inner_text()
    click(None, "distinct items")
    assert "distinct items" in info.inner_text()
    assert "</script><script>alert(4)</script>" in info.inner_text()  # an item, as text
    links = info.locator("a.item")
    assert links.count() >= 1
    assert links.first.get_attribute("href").startswith(("https://", "http://"))
    opened.assert_clean()


def test_more_evidence_rows_open_from_the_data(opened: Opened) -> None:
    page = opened.page
    details = page.locator('details[data-rows="1"]')
    details.locator("summary").click()
    rows = details.locator("tbody tr")
    assert rows.count() == 7
    text = details.inner_text()
    assert "origin_account: “The <b>original</b> claim & more”" in text
    assert details.locator('a.item[href="https://news.example/a?x=1&y=2"]').count() >= 1
    assert details.locator('a[href^="javascript:"]').count() == 0
    opened.assert_clean()


def test_screenshot(opened: Opened, tmp_path: Path) -> None:
    page = opened.page
    page.locator("#net-1").scroll_into_view_if_needed()
    page.evaluate("() => { window.ovGraph(1); }")
    page.wait_for_timeout(200)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    opened.assert_clean()
