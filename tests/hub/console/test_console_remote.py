"""The console's live hall counts the remote tickets waiting and how many of their visitors arrived."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.hub.console.conftest import log_in, service_id
from tests.support import LiveHub, bearer
from tests.web import check_accessibility, save_screenshot


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_hall_counts_remote_tickets_and_arrivals_live(console_hub: LiveHub, open_page, lang: str):
    """A phone's ticket for B shows in the B row, and
    the kiosk's arrival scan moves it to "arrived" without a reload."""
    kiosk = console_hub.enroll("kiosk", f"kiosk-remote-{lang}")
    b = service_id(console_hub, kiosk, "B")
    page = log_in(open_page, console_hub, lang=lang)
    row = page.locator("#services tr[data-service='B']")
    before_waiting = int(row.locator("[data-remote-waiting]").get_attribute("data-remote-waiting"))
    before_arrived = int(row.locator("[data-remote-arrived]").get_attribute("data-remote-arrived"))
    taken = httpx.post(f"{console_hub.url}/api/v1/public/remote-tickets", json={"service_id": b}, timeout=10)
    assert taken.status_code == 201, taken.text
    expect(row.locator("[data-remote-waiting]")).to_have_attribute("data-remote-waiting", str(before_waiting + 1))
    expect(row.locator("[data-remote-arrived]")).to_have_attribute("data-remote-arrived", str(before_arrived))
    arrived = httpx.post(f"{console_hub.url}/api/v1/tickets/{taken.json()['code']}/arrived", headers=bearer(kiosk), timeout=10)
    assert arrived.status_code == 200, arrived.text
    expect(row.locator("[data-remote-arrived]")).to_have_attribute("data-remote-arrived", str(before_arrived + 1))
    expect(page.locator("#services thead")).to_contain_text("ينتظرون عن بُعد" if lang == "ar" else "Waiting from phones")
    poster = page.locator("a[href='/join/poster']")
    expect(poster).to_have_text("افتح الملصق للطباعة" if lang == "ar" else "Open the poster to print")
    check_accessibility(page)
    save_screenshot(page, f"console-hall-remote-{lang}")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_today_shows_the_appointment_and_remote_figures(console_hub: LiveHub, open_page, lang: str):
    """Today and reports: the remote tickets of the day, per service and per day, in both languages."""
    kiosk = console_hub.enroll("kiosk", f"kiosk-today-{lang}")
    c = service_id(console_hub, kiosk, "C")
    # The module's hub is shared: this address may already hold its share of remote tickets.
    taken = httpx.post(f"{console_hub.url}/api/v1/public/remote-tickets", json={"service_id": c}, timeout=10)
    assert taken.status_code == 201 or taken.json()["error"] == "remote_client_full", taken.text
    admin = console_hub.enroll("admin", f"admin-today-{lang}")
    figures = httpx.get(f"{console_hub.url}/api/v1/stats", headers=bearer(admin), timeout=10).json()["visits"]
    page = log_in(open_page, console_hub, lang=lang)
    page.click("a[href='/console/today']")
    expect(page.locator("#visits-title")).to_have_text("المواعيد والانتظار عن بُعد" if lang == "ar" else "Appointments and the remote queue")
    row = page.locator("#visits_by_service tr[data-key='C']")
    c_figures = next(r for r in figures["by_service"] if r["code"] == "C")
    assert c_figures["remote_issued"] >= 1
    expect(row.locator("td").nth(9)).to_have_text(str(c_figures["remote_issued"]))
    expect(page.locator("#visits_by_day tbody tr")).to_have_count(len(figures["by_day"]))
    check_accessibility(page)
    save_screenshot(page, f"console-today-visits-{lang}")
