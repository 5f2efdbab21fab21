"""The visitor's voice on the phone page in a real Chromium: the rating after the visit and the complaints box."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.support import LiveHub, bearer
from tests.web import PHONE, check_accessibility, save_screenshot


def issue(hub: LiveHub) -> tuple[dict, str, int]:
    kiosk = hub.enroll("kiosk", "kiosk-voice")
    services = httpx.get(f"{hub.url}/api/v1/services", headers=bearer(kiosk), timeout=10).json()
    ticket = httpx.post(f"{hub.url}/api/v1/tickets", json={"service_id": services[0]["id"]}, headers=bearer(kiosk), timeout=10).json()
    clerk, counter_id = hub.login(1)
    return ticket, clerk, counter_id


def serve(hub: LiveHub, ticket: dict, clerk: str, counter_id: int) -> None:
    called = httpx.post(f"{hub.url}/api/v1/counters/{counter_id}/call", json={"number": ticket["number"]},
                        headers=bearer(clerk), timeout=10)
    assert called.status_code == 200, called.text
    for step in ("start", "finish"):
        httpx.post(f"{hub.url}/api/v1/tickets/{ticket['id']}/{step}", headers=bearer(clerk), timeout=10).raise_for_status()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_rating_appears_when_the_visit_ends_and_is_sent_once(fresh_hub: LiveHub, open_page, lang: str):
    """Open while waiting: the faces appear live once the visit is finished; a tap and a comment
    are stored as the ticket's one rating, the page thanks; axe-core finds nothing serious."""
    ticket, clerk, counter_id = issue(fresh_hub)
    suffix = "" if lang == "ar" else "?lang=en"
    page = open_page(f"{fresh_hub.url}/t/{ticket['code']}{suffix}", lang=lang, mobile=True, **PHONE)
    expect(page.locator("body")).to_contain_text(ticket["number"])
    expect(page.locator("#rating")).to_be_hidden()
    serve(fresh_hub, ticket, clerk, counter_id)
    question = "كيف كانت خدمتك اليوم؟" if lang == "ar" else "How was your service today?"
    expect(page.locator("#rating")).to_be_visible()
    expect(page.locator("#rating")).to_contain_text(question)
    check_accessibility(page)
    save_screenshot(page, f"phone-rating-{lang}")
    page.get_by_role("button", name="جيدة" if lang == "ar" else "Good").click()
    page.locator("#rating-comment").fill("الموظف لطيف <b>جداً</b>")
    page.locator("#rating-form button.send").click()
    expect(page.locator("#rating-thanks")).to_be_visible()
    expect(page.locator("#rating")).to_be_hidden()
    save_screenshot(page, f"phone-rating-thanks-{lang}")
    state = httpx.get(f"{fresh_hub.url}/api/v1/public/tickets/{ticket['code']}/rating", timeout=10).json()
    assert state["rating"]["score"] == 4 and state["rating"]["comment"] == "الموظف لطيف <b>جداً</b>"
    again = httpx.post(f"{fresh_hub.url}/api/v1/public/tickets/{ticket['code']}/rating", json={"score": 1}, timeout=10)
    assert again.status_code == 409
    page.reload()
    expect(page.locator("#rating-thanks")).to_be_visible()
    expect(page.locator("#rating")).to_be_hidden()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_complaint_from_the_phone_is_answered_and_shown_escaped(fresh_hub: LiveHub, open_page, lang: str):
    """The form files a complaint tied to the visit and shows its reference; the supervisor's answer,
    HTML and all, appears on the phone as text."""
    ticket, _, _ = issue(fresh_hub)
    suffix = "" if lang == "ar" else "?lang=en"
    page = open_page(f"{fresh_hub.url}/t/{ticket['code']}{suffix}", lang=lang, mobile=True, **PHONE)
    page.locator("#voice-text").fill("الانتظار طويل <img src=x onerror=alert(1)>")
    page.locator("#voice-mobile").fill("٠٥٠١٢٣٤٥٦٧")
    page.locator("#voice-form button.send").click()
    expect(page.locator("#voice-filed")).to_be_visible()
    reference = page.locator("#voice-filed bdi").inner_text()
    assert len(reference) == 10
    expect(page.locator("#voice-entries")).to_contain_text(reference)
    check_accessibility(page)
    admin = fresh_hub.enroll("admin", "console-voice")
    entry = httpx.get(f"{fresh_hub.url}/api/v1/feedback/{reference}", headers=bearer(admin), timeout=10).json()
    assert entry["mobile"] == "0501234567" and entry["kind"] == "complaint"
    reply = "نعتذر <script>x</script> وسنزيد الشبابيك"
    answered = httpx.patch(f"{fresh_hub.url}/api/v1/feedback/{reference}", json={"answer": reply}, headers=bearer(admin), timeout=10)
    assert answered.status_code == 200, answered.text
    page.reload()
    expect(page.locator("#voice-entries")).to_contain_text(reply)
    expect(page.locator("#voice-entries")).to_contain_text("تم الرد" if lang == "ar" else "Answered")
    assert page.locator("#voice-entries script").count() == 0 and page.locator("img").count() == 0
    save_screenshot(page, f"phone-feedback-answered-{lang}")
    page.locator("#voice-form button.send").click()  # empty text: the browser's own check stops it
    empty = httpx.post(f"{fresh_hub.url}/api/v1/public/feedback", json={"kind": "complaint", "text": ""}, timeout=10)
    assert empty.status_code == 422
