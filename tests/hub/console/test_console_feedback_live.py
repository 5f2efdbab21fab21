"""The feedback inbox and the visitor's phone page stay live in Chromium: two pages open, one
changes, the other shows it without a reload; and one visitor's entry exported, audited."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.hub.console.conftest import ADMIN, issue, log_in
from tests.support import LiveHub, bearer
from tests.web import check_accessibility, save_screenshot

STATUS_WORDS = {"ar": {"answered": "تم الرد", "closed": "مغلقة"}, "en": {"answered": "Answered", "closed": "Closed"}}


def file(hub: LiveHub, text: str, kind: str = "complaint", **extra) -> str:
    """Filed as a kiosk would (a phone's address may file five a minute; these tests file more)."""
    kiosk = hub.enroll("kiosk", "kiosk-voice-box")
    answer = httpx.post(f"{hub.url}/api/v1/public/feedback", json={"kind": kind, "text": text, **extra},
                        headers=bearer(kiosk), timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["reference"]


def served(hub: LiveHub) -> dict:
    """A ticket issued at a kiosk, called, served and finished at counter 1."""
    kiosk = hub.enroll("kiosk", "kiosk-live-voice")
    clerk, counter_id = hub.login(1)
    ticket = issue(hub, kiosk, "A")
    with httpx.Client(base_url=hub.url, headers=bearer(clerk), timeout=10) as http:
        called = http.post(f"/api/v1/counters/{counter_id}/call", json={"number": ticket["number"]})
        assert called.status_code == 200, called.text
        assert http.post(f"/api/v1/tickets/{ticket['id']}/start").status_code == 200
        assert http.post(f"/api/v1/tickets/{ticket['id']}/finish").status_code == 200
        assert http.delete("/api/v1/sessions/current").status_code == 204
    return ticket


def inbox(page: Page, hub: LiveHub, lang: str) -> Page:
    page.goto(f"{hub.url}/console/feedback?lang={lang}")
    expect(page.locator("#live-state")).to_have_class("live-state live")
    page.evaluate("window.notReloaded = true")
    return page


def row(page: Page, reference: str):
    return page.locator(f"tr[data-reference='{reference}']")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_inbox_shows_new_and_changed_feedback_without_a_reload(console_hub: LiveHub, open_page, lang: str):
    """A complaint filed from a phone appears in an open inbox; another supervisor's change of its
    status and assignee shows there too; the page was never reloaded."""
    watching = inbox(log_in(open_page, console_hub, lang=lang), console_hub, lang)
    text = f"لا توجد مقاعد كافية {lang}"
    reference = file(console_hub, text)
    expect(row(watching, reference)).to_contain_text(text)
    other = log_in(open_page, console_hub, ADMIN, lang=lang)
    other.goto(f"{console_hub.url}/console/feedback?lang={lang}")
    row(other, reference).locator("select[name=status]").select_option("in_progress")
    row(other, reference).locator("select[name=assignee]").select_option("super")
    row(other, reference).locator("button[value=save]").click()
    expect(other).to_have_url(f"{console_hub.url}/console/feedback?done=feedback.change")
    expect(row(watching, reference).locator("select[name=status]")).to_have_value("in_progress")
    expect(row(watching, reference).locator("select[name=assignee]")).to_have_value("super")
    assert watching.evaluate("window.notReloaded") is True
    check_accessibility(watching)
    save_screenshot(watching, f"console-feedback-live-{lang}")


def test_what_a_supervisor_is_typing_is_not_redrawn_away(console_hub: LiveHub, open_page):
    """Typing an answer holds the live redraw back (the page says so); saving brings the answer and what came meanwhile."""
    first = file(console_hub, "الصوت غير واضح")
    page = inbox(log_in(open_page, console_hub, lang="ar"), console_hub, "ar")
    reply = "شكراً، أصلحنا مكبر الصوت."
    row(page, first).locator("textarea[name=answer]").fill(reply)
    meanwhile = file(console_hub, "complaint filed while the answer is being typed")
    expect(page.locator("#live-state")).to_have_class("live-state held")
    expect(row(page, first).locator("textarea[name=answer]")).to_have_value(reply)
    expect(row(page, meanwhile)).to_have_count(0)
    row(page, first).locator("button[value=save]").click()
    expect(page).to_have_url(f"{console_hub.url}/console/feedback?done=feedback.change")
    expect(row(page, meanwhile)).to_have_count(1)
    public = httpx.get(f"{console_hub.url}/api/v1/public/feedback/{first}", timeout=10).json()
    assert public["status"] == "answered" and public["answer"] == reply


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_complaints_life_from_the_phone_to_answered_shows_on_the_phone(console_hub: LiveHub, open_page, lang: str):
    """Filed on the visit's phone page after the visit; the console answers it, then closes it; the
    open phone page shows each step without a reload and stops following once it is closed."""
    ticket = served(console_hub)
    phone = open_page(f"{console_hub.url}/t/{ticket['code']}?lang={lang}", lang=lang, width=390, height=844, mobile=True)
    phone.fill("#voice-text", "انتظرت ساعة رغم وجود موعد" if lang == "ar" else "I waited an hour despite an appointment")
    phone.click("#voice-form button[type=submit]")
    expect(phone.locator("#voice-filed")).to_be_visible()
    (entry,) = httpx.get(f"{console_hub.url}/api/v1/public/tickets/{ticket['code']}/feedback", timeout=10).json()
    reference = entry["reference"]
    expect(phone.locator("#voice-filed")).to_contain_text(reference)
    expect(phone.locator("#voice-entries")).to_contain_text(reference)
    phone.wait_for_function("() => feedSource !== null && feedSource.readyState === EventSource.OPEN")
    phone.evaluate("window.notReloaded = true")

    console = log_in(open_page, console_hub, lang=lang)
    console.goto(f"{console_hub.url}/console/feedback?lang={lang}")
    reply = "نعتذر، زدنا عدد الشبابيك للمواعيد." if lang == "ar" else "Sorry: appointments now have their own counter."
    row(console, reference).locator("textarea[name=answer]").fill(reply)
    row(console, reference).locator("button[value=save]").click()
    expect(console).to_have_url(f"{console_hub.url}/console/feedback?done=feedback.change")
    expect(phone.locator("#voice-entries")).to_contain_text(reply)
    expect(phone.locator("#voice-entries")).to_contain_text(STATUS_WORDS[lang]["answered"])
    check_accessibility(phone)
    save_screenshot(phone, f"phone-feedback-answered-{lang}")

    row(console, reference).locator("select[name=status]").select_option("closed")
    row(console, reference).locator("button[value=save]").click()
    expect(phone.locator("#voice-entries")).to_contain_text(STATUS_WORDS[lang]["closed"])
    phone.wait_for_function("() => feedSource === null")
    assert phone.evaluate("window.notReloaded") is True


def test_one_visitors_entry_exported_as_json_and_csv_is_audited(console_hub: LiveHub, open_page):
    """Both downloads hold the entry whole and the visit's rating; a formula stays text in the CSV;
    each export is in the audit log with its format and without the visitor's words."""
    ticket = served(console_hub)
    rated = httpx.post(f"{console_hub.url}/api/v1/public/tickets/{ticket['code']}/rating",
                       json={"score": 2, "comment": "الموظف لطيف لكن الانتظار طويل"}, timeout=10)
    assert rated.status_code == 201, rated.text
    hostile = '=HYPERLINK("http://example.invalid","اضغط")'
    reference = file(console_hub, hostile, mobile="٠٥٠١٢٣٤٥٦٧", ticket_code=ticket["code"])
    page = log_in(open_page, console_hub, lang="ar")
    page.goto(f"{console_hub.url}/console/feedback")
    with page.expect_download() as download:
        row(page, reference).locator(f"a[href$='{reference}.csv']").click()
    assert download.value.suggested_filename == f"feedback-{reference}.csv"
    raw = download.value.path().read_bytes()
    assert raw.startswith("\ufeff".encode())
    (exported,) = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert exported["text"] == "'" + hostile and exported["mobile"] == "0501234567"
    assert exported["visit_number"] == ticket["number"] and exported["rating_score"] == "2"
    assert exported["rating_comment"] == "الموظف لطيف لكن الانتظار طويل"
    as_json = page.request.get(f"{console_hub.url}/console/feedback/{reference}.json")
    assert as_json.headers["content-disposition"] == f'attachment; filename="feedback-{reference}.json"'
    whole = json.loads(as_json.body())
    assert whole["text"] == hostile and whole["visit"]["rating"]["comment"] == "الموظف لطيف لكن الانتظار طويل"
    for wrong in ("NOSUCHREF22", "ab%2F..%2Fx", "A" * 300):
        assert page.request.get(f"{console_hub.url}/console/feedback/{wrong}.csv").status == 404
    page.goto(f"{console_hub.url}/console/audit?lang=en")
    expect(page.locator("#audit")).to_contain_text("export a visitor's feedback")
    audit_text = page.locator("#audit").inner_text()
    assert '"csv"' in audit_text and '"json"' in audit_text and "HYPERLINK" not in audit_text


def test_deleting_a_visitors_data_clears_the_entry_and_the_visits_comment_only(console_hub: LiveHub, open_page):
    """Delete personal data: the entry's text and number and the same visit's rating comment go;
    the score, the kind and another visit's comment stay."""
    ticket, other = served(console_hub), served(console_hub)
    for visit, comment in ((ticket, "تعليق خاص"), (other, "تعليق زائر آخر")):
        assert httpx.post(f"{console_hub.url}/api/v1/public/tickets/{visit['code']}/rating",
                          json={"score": 4, "comment": comment}, timeout=10).status_code == 201
    reference = file(console_hub, "نص خاص", mobile="0509998888", ticket_code=ticket["code"])
    page = log_in(open_page, console_hub, lang="ar")
    page.goto(f"{console_hub.url}/console/feedback")
    row(page, reference).locator("button[value=erase]").click()
    expect(row(page, reference)).not_to_contain_text("نص خاص")
    whole = json.loads(page.request.get(f"{console_hub.url}/console/feedback/{reference}.json").body())
    assert (whole["text"], whole["mobile"], whole["redacted"], whole["kind"]) == (None, None, True, "complaint")
    assert whole["visit"]["rating"]["comment"] is None and whole["visit"]["rating"]["score"] == 4
    kept = file(console_hub, "x", kind="thanks", ticket_code=other["code"])
    other_whole = json.loads(page.request.get(f"{console_hub.url}/console/feedback/{kept}.json").body())
    assert other_whole["visit"]["rating"]["comment"] == "تعليق زائر آخر"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_phone_page_asks_for_a_rating_when_the_visit_ends_and_takes_one(console_hub: LiveHub, open_page, lang: str):
    """The page open while waiting shows the faces once the clerk finishes (no reload); a face and a
    comment are stored as the phone's rating; a second rating is refused and the page keeps its thanks."""
    kiosk = console_hub.enroll("kiosk", "kiosk-rating")
    ticket = issue(console_hub, kiosk, "A")
    phone = open_page(f"{console_hub.url}/t/{ticket['code']}?lang={lang}", lang=lang, width=390, height=844, mobile=True)
    expect(phone.locator("#rating")).to_be_hidden()
    clerk, counter_id = console_hub.login(1)
    with httpx.Client(base_url=console_hub.url, headers=bearer(clerk), timeout=10) as http:
        assert http.post(f"/api/v1/counters/{counter_id}/call", json={"number": ticket["number"]}).status_code == 200
        assert http.post(f"/api/v1/tickets/{ticket['id']}/start").status_code == 200
        assert http.post(f"/api/v1/tickets/{ticket['id']}/finish").status_code == 200
        http.delete("/api/v1/sessions/current")
    expect(phone.locator("#rating")).to_be_visible()
    check_accessibility(phone)
    save_screenshot(phone, f"phone-rating-{lang}")
    phone.click("#rating-form button[type=submit]")
    expect(phone.locator("#rating-error")).not_to_be_empty()  # no face chosen yet: said, nothing sent
    phone.locator(".face[data-score='4']").click()
    expect(phone.locator(".face[data-score='4']")).to_have_attribute("aria-pressed", "true")
    phone.fill("#rating-comment", "خدمة سريعة" if lang == "ar" else "Quick service")
    phone.click("#rating-form button[type=submit]")
    expect(phone.locator("#rating-thanks")).to_be_visible()
    expect(phone.locator("#rating")).to_be_hidden()
    state = httpx.get(f"{console_hub.url}/api/v1/public/tickets/{ticket['code']}/rating", timeout=10).json()
    assert state["rating"]["score"] == 4 and state["rating"]["source"] == "phone" and state["can_rate"] is False
    second = phone.evaluate(
        "async () => { const r = await fetch(API + '/rating', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({score: 1})}); return [r.status, (await r.json()).error]; }")
    assert second == [409, "already_rated"]
    phone.reload()
    expect(phone.locator("#rating-thanks")).to_be_visible()
    expect(phone.locator("#rating")).to_be_hidden()
    save_screenshot(phone, f"phone-rating-thanks-{lang}")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_kiosk_slips_reference_page_follows_the_answer_live(console_hub: LiveHub, open_page, lang: str):
    """/f/REFERENCE (the slip's QR code) shows the status and then the answer as the centre gives
    it, without a reload; it shows nothing the visitor wrote; an unknown or hostile reference is a 404 page."""
    reference = file(console_hub, "نص لا يظهر في الصفحة العامة", mobile="0501234567")
    page = open_page(f"{console_hub.url}/f/{reference.lower()}?lang={lang}", lang=lang, width=390, height=844, mobile=True)
    expect(page.locator("#status")).to_have_text("جديدة" if lang == "ar" else "New")
    expect(page.locator("main")).to_contain_text(reference)
    assert "نص لا يظهر" not in page.content() and "0501234567" not in page.content()
    page.evaluate("window.notReloaded = true")
    admin = console_hub.enroll("admin", "follow-page-answerer")
    reply = "تم حل المشكلة" if lang == "ar" else "It is fixed"
    changed = httpx.patch(f"{console_hub.url}/api/v1/feedback/{reference}", json={"answer": reply}, headers=bearer(admin), timeout=10)
    assert changed.status_code == 200, changed.text
    expect(page.locator("#answer")).to_have_text(reply)
    expect(page.locator("#status")).to_have_text(STATUS_WORDS[lang]["answered"])
    check_accessibility(page)
    save_screenshot(page, f"follow-reference-{lang}")
    httpx.patch(f"{console_hub.url}/api/v1/feedback/{reference}", json={"status": "closed"}, headers=bearer(admin), timeout=10)
    expect(page.locator("#status")).to_have_text(STATUS_WORDS[lang]["closed"])
    assert page.evaluate("window.notReloaded") is True
    for wrong in ("NOSUCHREF22", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "A" * 39):
        missing = page.goto(f"{console_hub.url}/f/{wrong}?lang={lang}")
        assert missing.status == 404
        assert "<script>alert" not in page.content()
    check_accessibility(page)


def test_a_visit_or_reference_may_be_followed_by_a_few_pages_only(console_hub: LiveHub):
    """Over a real socket: four pages follow one open reference, each first sent the entry; a fifth
    gets 429 too_many_streams with Retry-After; once one leaves, a page is let in again."""
    import asyncio

    from tests.support import run_async

    reference = file(console_hub, "how many pages may follow")
    path = f"/api/v1/public/feedback/{reference}/stream"

    async def scenario():
        async with httpx.AsyncClient(base_url=console_hub.url, timeout=10) as client:
            pages, readers = [], []
            for _ in range(4):
                context = client.stream("GET", path)
                answer = await context.__aenter__()
                assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
                lines = answer.aiter_lines()
                first = None
                async for line in lines:
                    if line.startswith("data: "):
                        first = json.loads(line[6:])
                        break
                assert first["reference"] == reference
                pages.append(context)
                readers.append(lines)  # a reader let go of closes its page
            refused = await client.get(path)
            await pages.pop().__aexit__(None, None, None)

            async def admitted() -> int:
                while True:  # the hub lets a page in once it has noticed the one that left
                    async with client.stream("GET", path) as again:
                        if again.status_code == 200:
                            return again.status_code
                    await asyncio.sleep(0.05)

            status = await asyncio.wait_for(admitted(), 10)
            for context in pages:
                await context.__aexit__(None, None, None)
            return refused, status

    refused, status = run_async(scenario())
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_streams" and refused.headers["Retry-After"]
    assert status == 200


def test_the_inbox_stream_and_exports_need_a_console_session(console_hub: LiveHub):
    """Without a session: the stream is 401, an export sends to the login page, a made-up cookie changes nothing."""
    for cookies in ({}, {"tabour_console": "made-up"}):
        with httpx.Client(base_url=console_hub.url, cookies=cookies, timeout=10) as http:
            assert http.get("/console/feedback/stream").status_code == 401
            export = http.get("/console/feedback/ABCDEFGHJK.csv", follow_redirects=False)
            assert export.status_code == 303 and export.headers["location"] == "/console/login"
