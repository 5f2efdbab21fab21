"""The remote queue in a real Chromium against a real hub: /join in both languages, the phone
page's warning when the ticket is near (sound, vibration, notification, banner), the kiosk's
arrival scan reaching the page, and a visitor who never came skipped once then absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support import LiveHub, bearer, demo_config_text
from tests.web import PHONE, check_accessibility, save_screenshot

# Every request of a test comes from 127.0.0.1: the per-address limits are opened up here
# (tests/hub/test_join.py proves them).
CONFIG = demo_config_text().replace("per_client_waiting = 3", "per_client_waiting = 500").replace(
    "join_per_minute = 6", "join_per_minute = 10000"
)

# Records what the page asked of the phone: notifications made, vibrations, sounds played.
RECORDER = """
window.__notes = []; window.__vibrations = []; window.__sounds = [];
const RealNotification = window.Notification;
class RecordedNotification extends RealNotification {
  constructor(title, options) { super(title, options); window.__notes.push({title, body: options && options.body}); }
}
Object.defineProperty(RecordedNotification, 'permission', { get: () => RealNotification.permission });
RecordedNotification.requestPermission = (...a) => RealNotification.requestPermission(...a);
window.Notification = RecordedNotification;
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
HTMLMediaElement.prototype.play = function () { window.__sounds.push(this.src); return Promise.resolve(); };
"""


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LiveHub]:
    live = LiveHub(tmp_path / "hub", config_text=CONFIG).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def phone(chromium_browser: Browser, hub: LiveHub) -> Iterator:
    """A phone's browser context that allowed notifications, with the recorder in every page."""
    contexts: list[BrowserContext] = []

    def open_phone(path: str, lang: str = "ar") -> Page:
        context = chromium_browser.new_context(
            locale="ar-SA" if lang == "ar" else "en-GB", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True,
        )
        context.grant_permissions(["notifications"], origin=hub.url)
        context.add_init_script(RECORDER)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{hub.url}{path}")
        return page

    yield open_phone
    for context in contexts:
        context.close()


def service_id(hub: LiveHub, token: str, code: str) -> int:
    state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(token), timeout=10).json()
    return next(s["id"] for s in state["services"] if s["code"] == code)


def take_remote(hub: LiveHub, service: int) -> dict:
    answer = httpx.post(f"{hub.url}/api/v1/public/remote-tickets", json={"service_id": service}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()


def serve_next(hub: LiveHub, session: str, counter_id: int) -> dict | None:
    called = httpx.post(f"{hub.url}/api/v1/counters/{counter_id}/call-next", headers=bearer(session), timeout=10)
    if called.status_code == 204:
        return None
    assert called.status_code == 200, called.text
    httpx.post(f"{hub.url}/api/v1/tickets/{called.json()['id']}/start", headers=bearer(session), timeout=10).raise_for_status()
    return called.json()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_join_page_takes_a_ticket_in_both_languages(hub: LiveHub, phone, lang: str):
    """/join lists the services in the page's language and direction, passes axe-core, and its
    button leads to the new ticket's page with the arrival QR and "not yet confirmed"."""
    page = phone("/join" if lang == "ar" else "/join?lang=en", lang)
    assert page.evaluate("() => document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    expect(page.locator("h1")).to_have_text("خذ دورك من جوالك" if lang == "ar" else "Take your turn from your phone")
    expect(page.locator("form")).to_have_count(3)
    check_accessibility(page)
    save_screenshot(page, f"join-{lang}")
    page.get_by_role("button", name="خذ تذكرة" if lang == "ar" else "Take a ticket").first.click()
    page.wait_for_url("**/t/**")
    expect(page.locator("#arrival-state")).to_have_text("لم تؤكد حضورك بعد" if lang == "ar" else "Not yet confirmed at the kiosk")
    expect(page.locator("svg.qr")).to_be_visible()
    expect(page.locator(".number")).to_contain_text("A-")
    check_accessibility(page)


def test_join_poster_in_chromium(hub: LiveHub, phone):
    """The poster renders Arabic above English with its QR, and is accessible."""
    page = phone("/join/poster")
    expect(page.locator("svg.poster-qr")).to_be_visible()
    expect(page.locator("h1")).to_have_text("انتظر دورك من جوالك")
    check_accessibility(page)
    save_screenshot(page, "join-poster")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_phone_warns_when_near_and_shows_the_arrival(hub: LiveHub, phone, lang: str):
    """Four ahead and a warning distance of 3: nothing yet. One served: the banner, one
    notification, a vibration and the sound, once. The kiosk's scan then shows "confirmed"."""
    kiosk = hub.enroll("kiosk", "kiosk-door")
    c = service_id(hub, kiosk, "C")
    for _ in range(4):
        httpx.post(f"{hub.url}/api/v1/tickets", json={"service_id": c}, headers=bearer(kiosk), timeout=10).raise_for_status()
    taken = take_remote(hub, c)
    page = phone(taken["page"] + ("?lang=en" if lang == "en" else ""), lang)
    expect(page.locator("#ahead")).to_have_text("4")
    expect(page.locator("#near")).to_be_hidden()
    assert page.evaluate("() => window.__notes.length") == 0
    session, counter_id = hub.login(5, "clerk1")
    serve_next(hub, session, counter_id)
    expect(page.locator("#ahead")).to_have_text("3")
    expect(page.locator("#near")).to_be_visible()
    expect(page.locator("#near")).to_contain_text("اقترب دورك" if lang == "ar" else "Your turn is near")
    notes = page.evaluate("() => window.__notes")
    assert len(notes) == 1 and taken["ticket"]["number"] in notes[0]["body"]
    assert page.evaluate("() => window.__vibrations") == [[200, 100, 200, 100, 400]]
    assert page.evaluate("() => window.__sounds") == [f"{hub.url}/sounds/nearly-due.wav"]
    check_accessibility(page)
    save_screenshot(page, f"phone-remote-warning-{lang}")
    serve_next(hub, session, counter_id)  # nearer still: no second warning
    expect(page.locator("#ahead")).to_have_text("2")
    assert page.evaluate("() => window.__notes.length") == 1
    arrived = httpx.post(f"{hub.url}/api/v1/tickets/{taken['code']}/arrived", headers=bearer(kiosk), timeout=10)
    assert arrived.status_code == 200, arrived.text
    expect(page.locator("#arrival-state")).to_have_text("تم تأكيد حضورك، انتظر النداء" if lang == "ar" else "You are confirmed here; wait for your call")
    expect(page.locator("#near")).to_contain_text("ابقَ قريباً" if lang == "ar" else "stay close")
    save_screenshot(page, f"phone-remote-arrived-{lang}")


def test_unarrived_visitor_is_skipped_once_then_absent_on_the_page(hub: LiveHub, phone):
    """Its turn comes unconfirmed: the page says it went to the back once; the next turn marks
    it absent, never called, and the page says why."""
    kiosk = hub.enroll("kiosk", "kiosk-door")
    c = service_id(hub, kiosk, "C")
    taken = take_remote(hub, c)
    walk_in = httpx.post(f"{hub.url}/api/v1/tickets", json={"service_id": c}, headers=bearer(kiosk), timeout=10).json()
    page = phone(taken["page"])
    expect(page.locator("#near")).to_have_text("أنت التالي! توجّه إلى المركز وأكّد حضورك عند جهاز التذاكر.")  # nobody ahead
    session, counter_id = hub.login(5, "clerk1")
    assert serve_next(hub, session, counter_id)["id"] == walk_in["id"]
    expect(page.locator("#skipped")).to_be_visible()
    save_screenshot(page, "phone-remote-skipped-ar")
    assert serve_next(hub, session, counter_id) is None
    expect(page.locator("#status")).to_have_text("لم تؤكد حضورك حين جاء دورك، فعُدّت التذكرة غياباً. خذ تذكرة جديدة إن احتجت.")
    expect(page.locator("#arrival")).to_be_hidden()
    public = httpx.get(f"{hub.url}/api/v1/public/tickets/{taken['code']}", timeout=10).json()
    assert public["status"] == "no_show" and public["called_at"] is None
