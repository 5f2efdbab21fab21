"""The console's league and the visitor's voice on the Today page, in Chromium against a real hub."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from core.commands import open_store
from core.config import parse_config
from tests.core.test_voice_league import build_month
from tests.hub.console.conftest import issue, log_in
from tests.support import LiveHub, bearer, demo_config_text
from tests.web import check_accessibility, save_screenshot


@pytest.fixture(scope="module")
def league_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """A hub whose database holds the constructed November of the league tests."""
    hub = LiveHub(tmp_path_factory.mktemp("league-hub"), config_text=demo_config_text())
    with open_store(hub.db_path, parse_config(hub.config_text)) as store:
        build_month(store, {})
    hub.start()
    yield hub
    hub.stop()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_league_page_ranks_fairly_and_passes_axe(league_hub: LiveHub, open_page, lang: str):
    """November's league: ana first (hard service), new listed as not ranked, the rule stated; another month is empty."""
    page = log_in(open_page, league_hub, lang=lang)
    page.click("a[href='/console/league']")
    page.fill("#month", "2026-11")
    page.click("form[action='/console/league'] button[type=submit]")
    expect(page.locator("#league tbody tr")).to_have_count(5)
    clerks = page.locator("#league tbody tr th").all_inner_texts()
    assert clerks == ["ana", "bea", "bob", "ali", "new"]
    expect(page.locator("tr[data-clerk='new'] td").first).to_have_text("غير مرتَّب" if lang == "ar" else "not ranked")
    expect(page.locator("#employee")).to_contain_text("ana")
    expect(page.locator("#employee")).to_contain_text("100")
    assert "comment" not in page.content() and "mobile" not in page.content()
    check_accessibility(page)
    save_screenshot(page, f"console-league-{lang}")
    with page.expect_download() as download:
        page.click("a[href^='/console/report-month.pdf']")
    assert download.value.suggested_filename == "tabour-month-2026-11.pdf"
    page.fill("#month", "2026-10")
    page.click("form[action='/console/league'] button[type=submit]")
    expect(page.locator("#league tbody")).to_contain_text("لا موظفين" if lang == "ar" else "No clerk served")


def test_a_bad_month_gets_a_clear_page(league_hub: LiveHub, open_page):
    """`month=2026-13`, SQL and 10 KB: a bilingual error page, never a server error."""
    page = log_in(open_page, league_hub)
    for month in ("2026-13", "2026-11'--", "9" * 10_240):
        answer = page.goto(f"{league_hub.url}/console/league?month={month}")
        assert answer is not None and answer.status in (400, 422), (month, answer.status)
        expect(page.locator("main")).to_contain_text("الشهر")
        answer = page.goto(f"{league_hub.url}/console/report-month.pdf?month={month}")
        assert answer is not None and answer.status in (400, 422)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_today_shows_a_new_rating_and_the_complaints(league_hub: LiveHub, open_page, lang: str):
    """A visit served and rated 5 through the hub shows on Today: its rating, the service's share, a complaint."""
    kiosk = league_hub.enroll("kiosk", f"kiosk-voice-{lang}")
    session, counter_id = league_hub.login(6, "clerk1")
    ticket = issue(league_hub, kiosk, "E")
    called = httpx.post(f"{league_hub.url}/api/v1/counters/{counter_id}/call-next", headers=bearer(session), timeout=10).json()
    assert called["id"] == ticket["id"]
    httpx.post(f"{league_hub.url}/api/v1/tickets/{called['id']}/start", headers=bearer(session), timeout=10)
    httpx.post(f"{league_hub.url}/api/v1/tickets/{called['id']}/finish", headers=bearer(session), timeout=10)
    page = log_in(open_page, league_hub, lang=lang)
    page.click("a[href='/console/today']")
    before = int(page.locator("#voice-totals li").nth(2).locator(".value").inner_text())
    complaints = page.locator("#feedback-figures tbody tr").first.locator("td").first
    filed_before = int(complaints.inner_text())
    rated = httpx.post(f"{league_hub.url}/api/v1/public/tickets/{ticket['code']}/rating", json={"score": 5}, timeout=10)
    assert rated.status_code == 201, rated.text
    filed = httpx.post(f"{league_hub.url}/api/v1/public/feedback", json={"kind": "complaint", "text": "x", "ticket_code": ticket["code"]}, timeout=10)
    assert filed.status_code == 201, filed.text
    page.reload()
    expect(page.locator("#voice-totals li").nth(2).locator(".value")).to_have_text(str(before + 1))
    expect(page.locator("#by_service tbody tr", has_text="E").first).to_contain_text("100.0%")
    expect(complaints).to_have_text(str(filed_before + 1))
    check_accessibility(page)
    save_screenshot(page, f"console-today-voice-{lang}")
