"""A real kiosk against a fake TCP printer that runs out of paper: the console's live hall shows
the alert, and it clears by itself once paper is back."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.hub.console.conftest import SUPERVISOR, log_in
from tests.kiosk.conftest import WAIT_MS
from tests.kiosk.test_printer_watch import follow_status_events, reports, touch
from tests.printer.fake_printer import FakePrinter
from tests.support import LiveHub
from tests.web import save_screenshot


def test_a_kiosks_paper_out_is_an_alert_in_the_hall_until_paper_returns(make_kiosk, demo_hub: LiveHub, qtbot, open_page):
    page = log_in(open_page, demo_hub, SUPERVISOR, lang="en")
    with FakePrinter("ready", mode_after_print="paper_out") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name="kiosk-hall-alert", printer_check_ms=300)
        follow_status_events(window)
        touch(window, qtbot, "A")
        qtbot.waitUntil(lambda: [r["printer"] for r in reports(window)] == ["paper_out"], timeout=WAIT_MS)
        alert = page.locator("#alerts li[data-alert=printer]", has_text="kiosk-hall-alert")
        expect(alert).to_contain_text("out of paper")
        save_screenshot(page, "console-hall-printer-alert-en", full_page=False)
        printer.mode = "ready"
        qtbot.waitUntil(lambda: [r["printer"] for r in reports(window)][-1:] == ["ready"], timeout=WAIT_MS)
        expect(alert).to_have_count(0)
