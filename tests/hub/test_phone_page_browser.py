"""The visitor's phone page in a real Chromium: it shows the ticket, follows it live, and is accessible."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.support import LiveHub, bearer
from tests.web import PHONE, check_accessibility, save_screenshot


@pytest.fixture
def waiting_ticket(live_hub: LiveHub) -> dict:
    kiosk = live_hub.enroll("kiosk", "kiosk-phone-page")
    state = httpx.get(f"{live_hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
    service_id = next(s["id"] for s in state["services"] if s["code"] == "C")
    answer = httpx.post(f"{live_hub.url}/api/v1/tickets", json={"service_id": service_id}, headers=bearer(kiosk), timeout=10)
    answer.raise_for_status()
    return answer.json()


def call_until(hub: LiveHub, session: str, counter_id: int, ticket_id: int) -> None:
    """Serve whoever is ahead at this counter (marking them absent) until `ticket_id` is called."""
    # The hub is shared by the session's tests: another may have left a visitor at this counter.
    state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(session), timeout=10).json()
    held = next(c["current_ticket"] for c in state["counters"] if c["id"] == counter_id)
    if held is not None:
        step = "finish" if held["status"] == "serving" else "no-show"
        httpx.post(f"{hub.url}/api/v1/tickets/{held['id']}/{step}", headers=bearer(session), timeout=10).raise_for_status()
    while True:
        called = httpx.post(f"{hub.url}/api/v1/counters/{counter_id}/call-next", headers=bearer(session), timeout=10)
        assert called.status_code == 200, called.text
        if called.json()["id"] == ticket_id:
            return
        httpx.post(f"{hub.url}/api/v1/tickets/{called.json()['id']}/no-show", headers=bearer(session), timeout=10)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_phone_page_shows_the_ticket_and_passes_axe(live_hub: LiveHub, waiting_ticket: dict, open_page, lang: str):
    """The page shows the number in the page's language and direction, with no serious axe-core violation."""
    suffix = "" if lang == "ar" else "?lang=en"
    page = open_page(f"{live_hub.url}/t/{waiting_ticket['code']}{suffix}", lang=lang, mobile=True, **PHONE)
    expect(page.locator("body")).to_contain_text(waiting_ticket["number"])
    assert page.evaluate("() => document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.evaluate("() => document.documentElement.lang") == lang
    check_accessibility(page)
    save_screenshot(page, f"phone-page-waiting-{lang}")


def test_phone_page_follows_the_call_live(live_hub: LiveHub, waiting_ticket: dict, open_page):
    """Once the page is open, a call at a counter reaches it without a reload, naming the counter."""
    page = open_page(f"{live_hub.url}/t/{waiting_ticket['code']}", mobile=True, **PHONE)
    expect(page.locator("body")).to_contain_text(waiting_ticket["number"])
    page.evaluate("() => { window.__notReloaded = true; }")
    session, counter_id = live_hub.login(5, "clerk2")
    httpx.post(f"{live_hub.url}/api/v1/counters/{counter_id}/close", headers=bearer(session), timeout=10)
    httpx.post(f"{live_hub.url}/api/v1/counters/{counter_id}/open", headers=bearer(session), timeout=10)
    call_until(live_hub, session, counter_id, waiting_ticket["id"])
    try:
        expect(page.locator("body")).to_contain_text("حان دورك", timeout=15_000)
        expect(page.locator("body")).to_contain_text("5")
        assert page.evaluate("() => window.__notReloaded === true")
        check_accessibility(page)
        save_screenshot(page, "phone-page-called-ar")
        for step in ("start", "finish"):
            httpx.post(f"{live_hub.url}/api/v1/tickets/{waiting_ticket['id']}/{step}", headers=bearer(session), timeout=10)
        expect(page.locator("#status")).to_contain_text("انتهت الخدمة", timeout=15_000)
        # The visit is over: the page stops listening rather than reconnecting for ever.
        page.wait_for_function("() => source.readyState === EventSource.CLOSED", timeout=15_000)
        # ...and says so, instead of "connection lost, retrying".
        expect(page.locator("#live")).to_have_text("انتهت هذه التذكرة، ولن يتغير دورها بعد الآن.")
        save_screenshot(page, "phone-page-done-ar")
        # Opened after the visit, the page says it at once and never opens a stream.
        later = open_page(f"{live_hub.url}/t/{waiting_ticket['code']}?lang=en", lang="en", mobile=True, **PHONE)
        expect(later.locator("#live")).to_have_text("This ticket is over: its place in the queue no longer changes.")
        assert later.evaluate("() => source === null")
        save_screenshot(later, "phone-page-done-en")
    finally:
        # The hub is the session's: leave counter 5 holding nobody for the tests after this one.
        for step in ("start", "finish"):
            httpx.post(f"{live_hub.url}/api/v1/tickets/{waiting_ticket['id']}/{step}", headers=bearer(session), timeout=10)


def test_phone_page_speaks_its_changes_and_follows_the_phones_text_size(live_hub: LiveHub, waiting_ticket: dict, open_page):
    """A screen reader hears the ticket's progress (a polite live status) and the call (an alert);
    the text grows with the phone's own text size, since no font is sized in pixels."""
    from hub import page as phone_page

    assert not re.search(r"font-size\s*:\s*[\d.]+px", phone_page._STYLE)
    page = open_page(f"{live_hub.url}/t/{waiting_ticket['code']}", mobile=True, **PHONE)
    expect(page.locator("#progress")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#progress")).to_have_attribute("role", "status")
    assert page.locator("[role=alert] #called").count() == 1
    number_px = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.number')).fontSize)")
    page.evaluate("() => { document.documentElement.style.fontSize = '24px'; }")  # the phone's "larger text"
    larger_px = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.number')).fontSize)")
    assert larger_px == pytest.approx(number_px * 1.5, rel=0.01)
    check_accessibility(page)


def test_the_page_counts_minutes_with_the_same_arabic_plural_rule_as_the_hub(live_hub: LiveHub, waiting_ticket: dict, open_page):
    """The script's plural rule is core.plural's, count for count; "8 دقائق", never "8 دقيقة"."""
    from core.plural import minutes_parts

    page = open_page(f"{live_hub.url}/t/{waiting_ticket['code']}", mobile=True, **PHONE)
    counts = list(range(0, 260))
    for lang in ("ar", "en"):
        in_page = page.evaluate(
            "([counts, lang]) => counts.map(n => minutesParts(n, lang, lang === 'ar' ? T.minutes : {one: 'min', other: 'min'}))",
            [counts, lang],
        )
        assert [tuple(parts) for parts in in_page] == [minutes_parts(n, lang) for n in counts]
    for seconds, shown in ((8 * 60, "8 دقائق"), (2 * 60, "دقيقتان"), (15 * 60, "15 دقيقة"), (60, "دقيقة واحدة")):
        page.evaluate("(eta) => render({...FIRST, status: 'waiting', eta_seconds: eta})", seconds)
        expect(page.locator("#eta")).to_have_text(shown)
    save_screenshot(page, "phone-page-minutes-ar")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_phone_page_of_an_unknown_ticket_says_so_and_passes_axe(live_hub: LiveHub, open_page, lang: str):
    """A mistyped or expired code still gives a page a screen reader can use: no serious axe-core
    violation, in the page's language and direction."""
    response = httpx.get(f"{live_hub.url}/t/ZZZZZZZZ?lang={lang}", timeout=10)
    assert response.status_code in (200, 404) and "<html" in response.text.lower()
    page = open_page(f"{live_hub.url}/t/ZZZZZZZZ?lang={lang}", lang=lang, mobile=True, **PHONE)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    check_accessibility(page)
    save_screenshot(page, f"phone-unknown-{lang}")
