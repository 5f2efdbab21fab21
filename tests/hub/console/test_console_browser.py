"""The centre console in a real Chromium against a real hub: log in, the live hall, its actions."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.hub.console.conftest import SUPERVISOR, issue, log_in, service_id
from tests.support import CLERKS, LiveHub, bearer
from tests.web import check_accessibility, save_screenshot


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_login_page_in_both_languages_passes_axe(console_hub: LiveHub, open_page, lang: str):
    page = open_page(f"{console_hub.url}/console/login?lang={lang}", lang=lang)
    assert page.evaluate("() => document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    expect(page.locator("h1")).to_have_text("تسجيل الدخول" if lang == "ar" else "Log in")
    check_accessibility(page)
    save_screenshot(page, f"console-login-{lang}", full_page=False)


def test_a_clerk_cannot_log_in(console_hub: LiveHub, open_page):
    page = open_page(f"{console_hub.url}/console/login?lang=en", lang="en")
    page.fill("#username", "clerk1")
    page.fill("#pin", CLERKS["clerk1"][0])
    page.click("form[action='/console/login'] button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("for supervisors and admins")
    assert page.context.cookies() and not any(c["name"] == "tabour_console" for c in page.context.cookies())


def test_a_wrong_pin_is_refused_like_an_unknown_name(console_hub: LiveHub, open_page):
    page = open_page(f"{console_hub.url}/console/login?lang=en", lang="en")
    for name in ("super", "nobody-here"):
        page.fill("#username", name)
        page.fill("#pin", "0000")
        page.click("form[action='/console/login'] button[type=submit]")
        expect(page.locator("[role=alert]")).to_have_text("Wrong user name or PIN.")


def test_the_session_cookie_is_httponly_and_strict(console_hub: LiveHub, open_page):
    page = log_in(open_page, console_hub)
    cookie = next(c for c in page.context.cookies() if c["name"] == "tabour_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
    assert page.evaluate("() => document.cookie").find("tabour_console=") == -1


def test_a_form_without_its_csrf_token_is_refused(console_hub: LiveHub, open_page):
    page = log_in(open_page, console_hub, lang="en")
    counter_id = page.locator("#counter_id option").first.get_attribute("value")
    refused = page.request.post(f"{console_hub.url}/console/counters/action",
                                form={"counter_id": counter_id, "action": "close"}, max_redirects=0)
    assert refused.status == 403 and "security token" in refused.text()
    forged = page.request.post(f"{console_hub.url}/console/counters/action",
                               form={"counter_id": counter_id, "action": "close", "csrf": "forged"}, max_redirects=0)
    assert forged.status == 403
    page.goto(f"{console_hub.url}/console/audit")
    expect(page.locator("#audit tbody")).not_to_contain_text("close a counter")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_hall_follows_calls_live_and_passes_axe(console_hub: LiveHub, open_page, lang: str):
    """A ticket issued and called through the API reaches the open page without a reload."""
    kiosk = console_hub.enroll("kiosk", f"kiosk-live-{lang}")
    session, counter_id = console_hub.login(3 if lang == "ar" else 4, "clerk3")
    page = log_in(open_page, console_hub, lang=lang)
    page.evaluate("() => { window.__notReloaded = true; }")
    expect(page.locator("#live-state.live")).to_be_visible()
    ticket = issue(console_hub, kiosk, "C")
    called = httpx.post(f"{console_hub.url}/api/v1/counters/{counter_id}/call-next", headers=bearer(session), timeout=10)
    assert called.status_code == 200, called.text
    number = called.json()["number"]
    counter_number = 3 if lang == "ar" else 4
    expect(page.locator(f"#counters tr[data-counter='{counter_number}'] td[data-ticket]")).to_have_attribute("data-ticket", number)
    assert page.evaluate("() => window.__notReloaded") is True
    assert ticket["number"]
    check_accessibility(page)
    save_screenshot(page, f"console-hall-{lang}", full_page=False)


def test_pause_a_counter_and_move_a_ticket_are_audited(console_hub: LiveHub, open_page):
    kiosk = console_hub.enroll("kiosk", "kiosk-move")
    clerk, _ = console_hub.login(2, "clerk2")
    page = log_in(open_page, console_hub, lang="en")
    page.select_option("#counter_id", label="Counter 2")
    page.select_option("#reason", "prayer")
    page.click("button[name=action][value=pause]")
    expect(page.locator(".flash")).to_contain_text("pause a counter")
    expect(page.locator("#counters tr[data-counter='2']")).to_have_attribute("data-status", "paused")
    waiting = issue(console_hub, kiosk, "A")
    target = service_id(console_hub, kiosk, "B")
    page.fill("#label", waiting["number"])
    page.select_option("#service_id", str(target))
    page.click("button[name=action][value=move]")
    expect(page.locator(".flash")).to_contain_text("move a ticket")
    moved = httpx.get(f"{console_hub.url}/api/v1/tickets", params={"status": "waiting", "service_id": target},
                      headers=bearer(clerk), timeout=10)
    assert moved.status_code == 200, moved.text
    assert waiting["number"] in [t["number"] for t in moved.json()]
    page.fill("#label", waiting["number"])
    page.select_option("#service_id", str(target))
    page.click("button[name=action][value=move]")  # it is in B already: refused, said plainly
    expect(page.locator("[role=alert]")).to_contain_text("already in that service")
    page.goto(f"{console_hub.url}/console/audit")
    rows = page.locator("#audit tbody tr")
    expect(rows.filter(has_text="pause a counter").first).to_contain_text('"status": "paused"')
    expect(rows.filter(has_text="move a ticket").first).to_contain_text('"service": "B"')
    expect(rows.filter(has_text="move a ticket").first).to_contain_text(SUPERVISOR[0])
    # and the supervisor resumes it
    page.goto(f"{console_hub.url}/console/hall")
    page.select_option("#counter_id", label="Counter 2")
    page.click("button[name=action][value=resume]")
    expect(page.locator("#counters tr[data-counter='2']")).to_have_attribute("data-status", "open")


def test_a_printer_fault_appears_as_an_alert_and_clears(console_hub: LiveHub, open_page):
    kiosk = console_hub.enroll("kiosk", "kiosk-paper")
    page = log_in(open_page, console_hub, lang="en")
    report = httpx.post(f"{console_hub.url}/api/v1/devices/status", json={"status": {"printer": "paper_out"}},
                        headers=bearer(kiosk), timeout=10)
    assert report.status_code == 204
    alert = page.locator("#alerts li[data-alert=printer]", has_text="kiosk-paper")
    expect(alert).to_contain_text("out of paper")
    expect(alert).to_have_class("fault")
    httpx.post(f"{console_hub.url}/api/v1/devices/status", json={"status": {"printer": "ready"}}, headers=bearer(kiosk), timeout=10)
    expect(alert).to_have_count(0)
    expect(page.locator("#devices tr", has_text="kiosk-paper").locator("td[data-printer]")).to_have_attribute("data-printer", "ok")


def test_the_ticker_message_reaches_the_boards_state(console_hub: LiveHub, open_page):
    board = console_hub.enroll("display", "board-ticker")
    page = log_in(open_page, console_hub, lang="ar")
    page.fill("#text_ar", "الصلاة بعد \u2066١٠\u2069 دقائق")
    page.fill("#text_en", "Prayer in 10 minutes")
    page.click("button[name=action][value=put]")
    expect(page.locator(".flash")).to_be_visible()
    centre = httpx.get(f"{console_hub.url}/api/v1/state", headers=bearer(board), timeout=10).json()["centre"]
    assert centre["ticker_en"] == "Prayer in 10 minutes"
    page.click("button[name=action][value=clear]")
    expect(page.locator(".flash")).to_be_visible()
    centre = httpx.get(f"{console_hub.url}/api/v1/state", headers=bearer(board), timeout=10).json()["centre"]
    assert centre["ticker_en"] != "Prayer in 10 minutes"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_audit_page_passes_axe(console_hub: LiveHub, open_page, lang: str):
    page = log_in(open_page, console_hub, lang=lang)
    page.goto(f"{console_hub.url}/console/audit")
    expect(page.locator("h1")).to_have_text("سجل التغييرات" if lang == "ar" else "Audit log")
    check_accessibility(page)
    save_screenshot(page, f"console-audit-{lang}", full_page=False)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_today_page_with_charts_and_downloads_passes_axe(console_hub: LiveHub, open_page, lang: str):
    kiosk = console_hub.enroll("kiosk", f"kiosk-today-{lang}")
    session, counter_id = console_hub.login(6, "clerk1")
    for _ in range(3):
        issue(console_hub, kiosk, "E")
    called = httpx.post(f"{console_hub.url}/api/v1/counters/{counter_id}/call-next", headers=bearer(session), timeout=10).json()
    httpx.post(f"{console_hub.url}/api/v1/tickets/{called['id']}/start", headers=bearer(session), timeout=10)
    httpx.post(f"{console_hub.url}/api/v1/tickets/{called['id']}/finish", headers=bearer(session), timeout=10)
    page = log_in(open_page, console_hub, lang=lang)
    page.click("a[href='/console/today']")
    expect(page.locator("#chart_hours svg")).to_be_visible()
    expect(page.locator("#by_service")).to_contain_text("E")
    with page.expect_download() as download:
        page.click("a[href^='/console/report.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    check_accessibility(page)
    save_screenshot(page, f"console-today-{lang}", full_page=False)
