"""Real-browser checks for the web pages the hub (and the central) serve.

Chromium is Debian's own (`/usr/bin/chromium`, installed by the project's set-up), driven by
Playwright for Python; Playwright never downloads a browser here. axe-core is vendored from
its npm package (`tests/vendor/axe-core/`, version in `AXE_VERSION`) and injected into the
page under test, so the check runs offline in the same Chromium.

Fixtures (registered for the whole suite by `tests/conftest.py`):
- `chromium_browser`: one headless Chromium per test module (Playwright's sync API keeps an
  asyncio loop marked running on the main thread while it is open, so it must be closed
  before tests elsewhere call `asyncio.run`);
- `open_page(url, lang=..., width=..., height=...)`: a fresh context and page, closed after the test.
Helpers: `check_accessibility(page)` fails on any serious or critical axe violation;
`save_screenshot(page, name)` writes `out/screens/NAME.png` (git-ignored) to look at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("TABOUR_CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
SCREENSHOTS = ROOT / "out" / "screens"
# The flags that keep a headless Chromium quiet on a closed network: without the background
# networking ones it keeps trying (and failing) to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SERIOUS = ("serious", "critical")
# A phone the size most visitors hold (CSS pixels) and the commonest office PC screen.
PHONE = {"width": 390, "height": 844}
OFFICE_PC = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """Headless Debian Chromium for one test module."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the web pages are tested in Debian's Chromium; "
            "run `python3 scripts/bootstrap.py setup` as root, or `apt-get install chromium`."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_page(chromium_browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open `url` in a new browser context (own cookies, language and screen size)."""
    contexts = []

    def opener(url: str, *, lang: str = "ar", width: int = OFFICE_PC["width"], height: int = OFFICE_PC["height"],
               mobile: bool = False, wait_until: str = "load") -> Page:
        context = chromium_browser.new_context(
            locale="ar-SA" if lang == "ar" else "en-GB",
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
            # axe-core is injected as a script of its own; a page's strict CSP must not stop it.
            bypass_csp=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(url, wait_until=wait_until)
        return page

    yield opener
    for context in contexts:
        context.close()


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS) -> list[dict]:
    """The axe-core violations on the page as it is now, of the given impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary}))
            }));
        }"""
    )
    return [violation for violation in result if violation["impact"] in impacts]


def check_accessibility(page: Page, impacts: tuple[str, ...] = SERIOUS) -> None:
    """Fail, listing each rule and element, when axe-core finds a violation of these impacts."""
    found = axe_violations(page, impacts)
    assert not found, f"axe-core {AXE_VERSION} found on {page.url}:\n" + json.dumps(found, ensure_ascii=False, indent=1)


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Write the page to out/screens/NAME.png to be looked at (out/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
