"""The booking pages through the real app: every step as plain links and forms (no script),
the form token, and hostile input shown back as a clear message that stores nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.conftest import Hall
from tests.hub.test_bookings_api import open_hall
from tests.support import Clock

WEDNESDAY = "2026-11-25"


@pytest.fixture
def hall(tmp_path: Path, clock: Clock) -> Iterator[Hall]:
    yield from open_hall(tmp_path, clock, bookings_per_minute=100_000, booking_lookups_per_minute=100_000)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def slot_page(hall: Hall, lang: str = "ar") -> str:
    answer = hall.client.get(f"/book?service={hall.service_id('F')}&day={WEDNESDAY}&lang={lang}")
    assert answer.status_code == 200
    return answer.text


def post_booking(hall: Hall, html: str, **changes: str):
    form = {"csrf": csrf_of(html), "lang": "en", "service_id": str(hall.service_id("F")), "day": WEDNESDAY,
            "slot_start": f"{WEDNESDAY}T09:15", "mobile": "0501234567", **changes}
    return hall.client.post("/book?lang=en", data=form, follow_redirects=False)


def bookings_stored(hall: Hall) -> int:
    with hall.store.read() as conn:
        return conn.execute("SELECT COUNT(*) FROM bookings").fetchone()[0]


def test_service_day_slot_and_mobile_lead_to_the_booking_page(hall: Hall):
    """Links choose the service and the day (Gregorian and Hijri shown); the form books; the booking's page has its code and QR."""
    start = hall.client.get("/book")
    assert start.status_code == 200 and 'dir="rtl"' in start.text and "المواعيد المسبقة" in start.text
    assert "Content-Security-Policy" in start.headers and "form-action 'self'" in start.headers["Content-Security-Policy"]
    days = hall.client.get(f"/book?service={hall.service_id('F')}").text
    assert "الأربعاء \u206625\u2069 نوفمبر \u20662026\u2069" in days and "جمادى الآخرة" in days
    english = hall.client.get(f"/book?service={hall.service_id('F')}&lang=en").text
    assert "Wednesday 25 November 2026" in english and "15 Jumada al-Akhirah 1448 AH" in english
    made = post_booking(hall, slot_page(hall))
    assert made.status_code == 303 and made.headers["location"].startswith("/book/")
    page = hall.client.get(made.headers["location"])
    code = made.headers["location"].split("/")[2].split("?")[0]
    assert page.status_code == 200 and "<svg" in page.text and "09:15" in page.text
    assert "-".join(code[i:i + 4] for i in range(0, 10, 4)) in page.text and "05•••••567" in page.text
    assert "0501234567" not in page.text


def test_a_form_without_its_token_is_refused_and_stores_nothing(hall: Hall):
    """Another site's post (no cookie, or a token that does not match it) books nothing."""
    html = slot_page(hall)
    assert post_booking(hall, html, csrf="forged-token-that-does-not-match").status_code == 403
    hall.client.cookies.clear()
    assert post_booking(hall, html).status_code == 403
    assert bookings_stored(hall) == 0


@pytest.mark.parametrize("changes, words", [
    ({"mobile": "0112345678"}, "Saudi mobile"),
    ({"mobile": "<script>alert(1)</script>"}, "Saudi mobile"),
    ({"mobile": "5" * 10_000}, "Saudi mobile"),
    ({"mobile": ""}, "Saudi mobile"),
    ({"slot_start": ""}, "Choose one of the times"),
    ({"slot_start": "yesterday"}, "Choose one of the times"),
    ({"slot_start": f"{WEDNESDAY}T09:07"}, "no slot at"),
    ({"slot_start": "2026-11-24T08:00"}, "already begun"),
    ({"slot_start": "2027-02-01T09:00"}, "days ahead"),
    ({"service_id": str(1)}, "does not take appointments"),
    ({"service_id": "<b>x</b>"}, "Choose a service"),
])
def test_hostile_or_wrong_input_is_said_plainly_and_stores_nothing(hall: Hall, changes: dict, words: str):
    """A landline, HTML, 10 KB, empty, off-grid, past, far or another service's slot: the page says why, escaped."""
    answer = post_booking(hall, slot_page(hall), **changes)
    assert 400 <= answer.status_code < 500, answer.status_code
    assert words in answer.text, answer.text[-2000:]
    assert "<script>alert" not in answer.text and "<b>x</b>" not in answer.text
    assert bookings_stored(hall) == 0


def test_a_full_slot_is_shown_full_and_refused(hall: Hall):
    """Once its hour's share is taken a slot is shown full and cannot be chosen; a stale form hears "full"."""
    html = slot_page(hall)
    for n, minute in enumerate((0, 0, 15, 15)):
        assert post_booking(hall, html, slot_start=f"{WEDNESDAY}T09:{minute:02d}", mobile=f"05500000{n:02d}").status_code == 303
    again = slot_page(hall, "en")
    assert re.search(r'value="2026-11-25T09:30" disabled', again)
    late = post_booking(hall, html, slot_start=f"{WEDNESDAY}T09:30", mobile="0559999999")
    assert late.status_code == 409 and "That slot is full" in late.text


def test_reschedule_and_cancel_from_the_booking_page(hall: Hall):
    """The page lists days, then that day's times; moving frees the old place; cancelling says so and hides the forms."""
    location = post_booking(hall, slot_page(hall)).headers["location"]
    code = location.split("/")[2].split("?")[0]
    page = hall.client.get(f"/book/{code}?day={WEDNESDAY}&lang=en").text
    assert 'action="/book/' + code + '/reschedule?lang=en#new-time"' in page
    moved = hall.client.post(f"/book/{code}/reschedule", data={"csrf": csrf_of(page), "lang": "en", "slot_start": f"{WEDNESDAY}T12:45"},
                             follow_redirects=False)
    assert moved.status_code == 303 and "done=moved" in moved.headers["location"]
    shown = hall.client.get(moved.headers["location"]).text
    assert "12:45" in shown and "Your appointment was moved." in shown
    bad = hall.client.post(f"/book/{code}/reschedule", data={"csrf": csrf_of(shown), "lang": "en", "slot_start": "2026-11-24T08:00"})
    assert bad.status_code == 409 and "already begun" in bad.text
    assert hall.client.post(f"/book/{code}/cancel", data={"csrf": "nope", "lang": "en"}).status_code == 403
    cancelled = hall.client.post(f"/book/{code}/cancel", data={"csrf": csrf_of(shown), "lang": "ar"}, follow_redirects=True)
    assert cancelled.status_code == 200 and "تم إلغاء الحجز." in cancelled.text and "ملغى" in cancelled.text
    assert "/cancel" not in cancelled.text and "<svg" not in cancelled.text and "امسحه" not in cancelled.text


@pytest.mark.parametrize("code", ["nope", "ABCD-EFGH-JK", "<script>", "A" * 5000, "0O1IL0O1IL"])
def test_an_unknown_or_malformed_code_gets_a_plain_not_found_page(hall: Hall, code: str):
    """Unknown, hostile or ambiguous codes: 404 with a message in the page's language, nothing echoed raw."""
    answer = hall.client.get(f"/book/{code}?lang=en")
    assert answer.status_code == 404 and "No booking has this code." in answer.text
    assert "<script>" not in answer.text
    found = hall.client.get("/book/find", params={"code": "abcd efgh jk", "lang": "en"}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == "/book/ABCDEFGHJK?lang=en"


def test_booking_pages_are_rate_limited_per_address(tmp_path: Path, clock: Clock):
    """Past the lookups allowed a minute, the booking page answers 429 with a message, not the booking."""
    for hall in open_hall(tmp_path, clock, booking_lookups_per_minute=3):
        for _ in range(3):
            assert hall.client.get("/book/ABCD-EFGH-JK").status_code == 404
        limited = hall.client.get("/book/ABCD-EFGH-JK?lang=en")
        assert limited.status_code == 429 and "Too many booking requests" in limited.text


def test_the_hubs_home_page_links_to_booking(hall: Hall):
    """Whoever opens the hub's address finds the booking page, in the page's language."""
    assert 'href="/book?lang=ar"' in hall.client.get("/", headers={"Accept": "text/html"}).text
    assert 'href="/book?lang=en"' in hall.client.get("/?lang=en", headers={"Accept": "text/html"}).text
