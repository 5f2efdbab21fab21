"""The hall's line about the central, in Chromium: a hub shipping to a central it cannot reach."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.hub.console.conftest import log_in
from tests.support import LiveHub, demo_config_text
from tests.web import check_accessibility, save_screenshot


@pytest.fixture(scope="module")
def shipping_hub(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("shipping-hub")
    token_file = folder / "central-token"
    token_file.write_text("a-branch-token-that-no-central-will-see\n")
    token_file.chmod(0o600)
    # Port 9 (discard) has no listener here: the shipper keeps trying and says why.
    hub = LiveHub(folder, config_text=demo_config_text(), extra_args=[
        "--central", "http://127.0.0.1:9", "--branch", "RUH-01", "--central-token-file", str(token_file),
    ])
    hub.start()
    yield hub
    hub.stop()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_hall_says_the_central_has_acknowledged_nothing(shipping_hub: LiveHub, open_page, lang: str):
    page = log_in(open_page, shipping_hub, lang=lang)
    line = page.locator("#central")
    expect(line).to_contain_text("لم يؤكد الخادم المركزي الاستلام بعد" if lang == "ar" else "has not acknowledged anything yet")
    expect(line).to_contain_text("آخر خطأ" if lang == "ar" else "last error", timeout=15_000)
    check_accessibility(page)
    save_screenshot(page, f"console-hall-central-{lang}", full_page=False)
