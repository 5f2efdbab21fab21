"""An admin changes a service from the console: every device sees it at once, a restart keeps it,
and a changed configuration file wins over it (docs/decisions/console-config-source.md)."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from core import commands
from core.config import parse_config
from core.models import Role
from core.security import hash_pin
from tests.hub.console.conftest import ADMIN, log_in
from tests.support import LiveHub, bearer
from tests.web import check_accessibility, save_screenshot


@pytest.fixture
def own_hub(tmp_path):
    hub = LiveHub(tmp_path / "hub")
    with commands.open_store(hub.db_path, parse_config(hub.config_text)) as store:
        store.call(commands.add_clerk, ADMIN[0], Role.ADMIN, hash_pin(ADMIN[1]))
    hub.start()
    yield hub
    hub.stop()


def service_a(hub: LiveHub, token: str) -> dict:
    return next(s for s in httpx.get(f"{hub.url}/api/v1/services", headers=bearer(token), timeout=10).json() if s["code"] == "A")


def test_a_closed_service_reaches_the_kiosk_and_survives_a_restart(own_hub: LiveHub, open_page):
    kiosk = own_hub.enroll("kiosk", "kiosk-centre")
    arabic = log_in(open_page, own_hub, ADMIN, lang="ar")
    arabic.goto(f"{own_hub.url}/console/centre")
    check_accessibility(arabic)
    save_screenshot(arabic, "console-centre-ar", full_page=False)
    page = log_in(open_page, own_hub, ADMIN, lang="en")
    page.click("a[href='/console/centre']")
    check_accessibility(page)
    save_screenshot(page, "console-centre-en", full_page=False)
    row = page.locator("#service-settings tr[data-service='A']")
    row.locator("input[name=enabled]").uncheck()
    row.locator("input[name=target_wait_minutes]").fill("12")
    row.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("edit a service")
    started = time.monotonic()
    while service_a(own_hub, kiosk)["open_now"]:  # what the kiosk reads; the change is committed already
        assert time.monotonic() - started < 2
    assert service_a(own_hub, kiosk)["closed_reason"] == "disabled"
    assert service_a(own_hub, kiosk)["target_wait_seconds"] == 720
    own_hub.restart()
    assert service_a(own_hub, kiosk)["open_now"] is False  # the restart did not undo it
    assert "as last edited in the console" in own_hub.log_path.read_text()
    # someone edits the file afterwards: the file's settings apply, and the hub says so
    own_hub.config_path.write_text(own_hub.config_text.replace('name_en = "', 'name_en = "Main ', 1), encoding="utf-8")
    own_hub.restart()
    assert service_a(own_hub, kiosk)["open_now"] is True
    assert "changed since the console's last edit" in own_hub.log_path.read_text()



def kiosk_service(hub: LiveHub, token: str, code: str) -> dict | None:
    return next((s for s in httpx.get(f"{hub.url}/api/v1/services", headers=bearer(token), timeout=10).json()
                 if s["code"] == code), None)


def wait_for(condition, seconds: float = 2.0) -> None:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds


def test_a_service_added_in_the_browser_reaches_the_kiosk_and_closes_there(own_hub: LiveHub, open_page):
    kiosk = own_hub.enroll("kiosk", "kiosk-new-service")
    for lang in ("ar", "en"):
        page = log_in(open_page, own_hub, ADMIN, lang=lang)
        page.goto(f"{own_hub.url}/console/centre/services/new")
        check_accessibility(page)
        save_screenshot(page, f"console-service-new-{lang}", full_page=False)
    page.fill("#field-code", "q")
    page.fill("#field-name_ar", "تصديق الوثائق")
    page.fill("#field-name_en", "Document attestation")
    page.fill("#field-range_start", "9")
    page.fill("#field-range_end", "3")
    page.click("form.service-form button[type=submit]")
    expect(page.locator("#field-range_end-error")).to_contain_text("below its start")
    check_accessibility(page)
    save_screenshot(page, "console-service-error-en", full_page=False)
    page.fill("#field-range_start", "100")
    page.fill("#field-range_end", "299")
    page.click("form.service-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("add a service")
    wait_for(lambda: (kiosk_service(own_hub, kiosk, "Q") or {}).get("open_now") is True)
    page.goto(f"{own_hub.url}/console/centre/services/Q")
    save_screenshot(page, "console-service-edit-en", full_page=False)
    page.locator("#field-enabled").uncheck()
    page.click("form.service-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("edit a service")
    wait_for(lambda: kiosk_service(own_hub, kiosk, "Q")["closed_reason"] == "disabled")
    page.goto(f"{own_hub.url}/console/audit")
    expect(page.locator("body")).to_contain_text("Document attestation")


def test_opening_hours_changed_in_the_browser_close_the_kiosks_services(own_hub: LiveHub, open_page):
    kiosk = own_hub.enroll("kiosk", "kiosk-hours")
    for lang in ("ar", "en"):
        page = log_in(open_page, own_hub, ADMIN, lang=lang)
        for name in ("hours", "layout", "texts"):
            page.goto(f"{own_hub.url}/console/centre/{name}")
            check_accessibility(page)
            save_screenshot(page, f"console-{name}-{lang}", full_page=False)
    page.goto(f"{own_hub.url}/console/centre/hours")
    page.uncheck("#always")
    page.fill("#day-sun", "25:00-26:00")
    page.click("#hours-form button[type=submit]")
    expect(page.locator("#hours-day_sun-error")).to_contain_text("not a time of day")
    check_accessibility(page)
    # a span that has already ended today, on every day: every service is closed now
    for day in ("sun", "mon", "tue", "wed", "thu", "fri", "sat"):
        page.fill(f"#day-{day}", "00:00-00:01")
    page.click("#hours-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("opening hours")
    wait_for(lambda: kiosk_service(own_hub, kiosk, "A")["closed_reason"] == "outside_hours")
    page.fill("#special-name", "Ramadan")
    page.fill("#special-from", "1448-09-01")
    page.fill("#special-to", "1448-09-30")
    page.fill("#special-hours", "10:00-15:00")
    page.click("#special-form button[type=submit]")
    expect(page.locator("#special-days")).to_contain_text("1448-09-01")
    save_screenshot(page, "console-hours-special-en", full_page=True)
    page.check("#always")
    page.click("#hours-form button[type=submit]")
    wait_for(lambda: kiosk_service(own_hub, kiosk, "A")["open_now"] is True)
