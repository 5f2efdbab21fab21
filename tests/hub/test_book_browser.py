"""The booking pages in Chromium on a phone-sized screen, in Arabic and in English: a visitor
books by clicks, sees the code and QR code, moves and cancels the booking; axe-core finds no
serious or critical fault on any step."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support import LiveHub, demo_config_text
from tests.web import PHONE, check_accessibility, save_screenshot


@pytest.fixture(scope="module")
def booking_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    hub = LiveHub(tmp_path_factory.mktemp("booking-hub"), config_text=demo_config_text(bookings_per_minute=1000)).start()
    yield hub
    hub.stop()


@pytest.mark.parametrize("lang, mobile", [("ar", "٠٥٠١٢٣٤٥٦٧"), ("en", "+966 55 123 4567")])
def test_a_visitor_books_moves_and_cancels_by_clicks(open_page, booking_hub: LiveHub, lang: str, mobile: str):
    """Service → day → slot → mobile → code and QR; then another time, then cancelled; each step checked by axe."""
    words = {
        "ar": {"dir": "rtl", "service": "المواعيد المسبقة", "book": "احجز", "moved": "تم نقل موعدك.", "cancel": "نعم، ألغِ هذا الحجز",
               "cancelled": "تم إلغاء الحجز.", "bad": "أدخل رقم جوال سعودياً", "hijri": "هـ"},
        "en": {"dir": "ltr", "service": "Pre-booked appointments", "book": "Book", "moved": "Your appointment was moved.",
               "cancel": "Yes, cancel this booking", "cancelled": "The booking was cancelled.", "bad": "Give a Saudi mobile number",
               "hijri": "AH"},
    }[lang]
    page = open_page(f"{booking_hub.url}/book?lang={lang}", lang=lang, mobile=True, **PHONE)
    expect(page.locator("html")).to_have_attribute("dir", words["dir"])
    check_accessibility(page)
    save_screenshot(page, f"book-1-services-{lang}")
    page.get_by_role("link", name=re.compile(words["service"])).click()
    days = page.locator(".choices a")
    expect(days.first).to_contain_text(words["hijri"])
    check_accessibility(page)
    save_screenshot(page, f"book-2-days-{lang}")
    days.nth(1).click()
    slot = page.locator(".slot:has(input:not([disabled]))").first
    slot.click()
    page.fill("#mobile", "0112345678")
    page.get_by_role("button", name=words["book"]).click()
    expect(page.get_by_role("alert")).to_contain_text(words["bad"])
    check_accessibility(page)
    save_screenshot(page, f"book-3-refused-{lang}")
    page.locator(".slot:has(input:not([disabled]))").first.click()
    page.fill("#mobile", mobile)
    check_accessibility(page)
    save_screenshot(page, f"book-3-slot-{lang}")
    page.get_by_role("button", name=words["book"]).click()
    expect(page).to_have_url(re.compile(r"/book/[2-9A-HJKMNP-Z]{10}\?"))
    expect(page.locator(".code")).to_have_text(re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$"))
    expect(page.locator("svg.qr")).to_be_visible()
    first_day = page.locator(".row").nth(1).inner_text()
    check_accessibility(page)
    save_screenshot(page, f"book-4-booking-{lang}")
    page.locator("#reschedule ~ .choices a").nth(2).click()
    page.locator("#new-time .slot:has(input:not([disabled]))").nth(3).click()
    page.locator("#new-time button").click()
    expect(page.get_by_role("status")).to_have_text(words["moved"])
    expect(page.locator(".row").nth(1)).not_to_have_text(first_day)  # two days later now
    check_accessibility(page)
    save_screenshot(page, f"book-5-moved-{lang}")
    page.get_by_role("button", name=words["cancel"]).click()
    expect(page.get_by_role("status")).to_have_text(words["cancelled"])
    expect(page.locator("svg.qr")).to_have_count(0)
    check_accessibility(page)
    save_screenshot(page, f"book-6-cancelled-{lang}")


def test_the_steps_work_without_javascript(open_page, booking_hub: LiveHub, chromium_browser):
    """With scripts off in the browser the whole booking still goes through (links and forms only)."""
    context = chromium_browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ar-SA")
    try:
        page = context.new_page()
        page.goto(f"{booking_hub.url}/book")
        page.locator(".choices a").first.click()
        page.locator(".choices a").first.click()
        page.locator(".slot:has(input:not([disabled]))").last.click()
        page.fill("#mobile", "0509876543")
        page.locator("form[action^='/book'] button").click()
        expect(page.locator(".code")).to_be_visible()
    finally:
        context.close()
