"""The console's feedback inbox in Chromium: a complaint answered there reaches the visitor's reference."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.hub.console.conftest import log_in
from tests.support import LiveHub
from tests.web import check_accessibility, save_screenshot


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_supervisor_answers_a_complaint_in_the_inbox(console_hub: LiveHub, open_page, lang: str):
    """The inbox lists the complaint (text escaped, its due day); saving an answer marks it answered,
    the visitor's reference shows the answer, the change is audited; export gives the whole entry."""
    text = f"<b>طال</b> الانتظار {lang}"
    filed = httpx.post(f"{console_hub.url}/api/v1/public/feedback",
                       json={"kind": "complaint", "text": text, "mobile": "0501234567"}, timeout=10).json()
    reference = filed["reference"]
    page = log_in(open_page, console_hub, lang=lang)
    page.goto(f"{console_hub.url}/console/feedback?lang={lang}")
    row = page.locator(f"tr[data-reference='{reference}']")
    expect(row).to_contain_text(text)
    assert row.locator("b").count() == 0
    check_accessibility(page)
    save_screenshot(page, f"console-feedback-{lang}")
    reply = "نعتذر، أضفنا شباكاً." if lang == "ar" else "Sorry: we opened a second counter."
    row.locator("textarea[name=answer]").fill(reply)
    row.locator("button[value=save]").click()
    expect(page).to_have_url(f"{console_hub.url}/console/feedback?done=feedback.change")
    public = httpx.get(f"{console_hub.url}/api/v1/public/feedback/{reference}", timeout=10).json()
    assert public["status"] == "answered" and public["answer"] == reply
    exported = page.request.get(f"{console_hub.url}/console/feedback/{reference}.json").json()
    assert exported["text"] == text and exported["mobile"] == "0501234567"
    page.goto(f"{console_hub.url}/console/audit?lang={lang}")
    expect(page.locator("#audit")).to_contain_text(reference)
    page.goto(f"{console_hub.url}/console/feedback?lang={lang}")
    page.locator(f"tr[data-reference='{reference}'] button[value=erase]").click()
    expect(page.locator(f"tr[data-reference='{reference}']")).not_to_contain_text("طال")
    save_screenshot(page, f"console-feedback-answered-{lang}")
