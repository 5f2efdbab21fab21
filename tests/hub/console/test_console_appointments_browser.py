"""The service form's appointments part in Chromium: both languages, a fault shown beside its
field, the change saved, and axe-core finding nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.hub.console.conftest import ADMIN, log_in
from tests.web import check_accessibility, save_screenshot


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_an_admin_sets_appointments_in_the_browser(open_page, console_hub, lang: str):
    """A capacity of 0 is refused beside its field in the page's language; 3 is saved and shown again."""
    page = log_in(open_page, console_hub, ADMIN, lang)
    page.goto(f"{console_hub.url}/console/centre/services/F?lang={lang}")
    expect(page.locator("#field-appointments_enabled")).to_be_checked()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    check_accessibility(page)
    save_screenshot(page, f"console-service-appointments-{lang}")
    page.fill("#field-appointments_capacity", "0")
    page.click("form.service-form button[type=submit]")
    error = page.locator("#field-appointments_capacity-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("قيمة غير مقبولة" if lang == "ar" else "greater than or equal to 1")
    check_accessibility(page)
    save_screenshot(page, f"console-service-appointments-error-{lang}")
    page.fill("#field-appointments_capacity", "3")
    page.click("form.service-form button[type=submit]")
    expect(page).to_have_url(f"{console_hub.url}/console/centre?done=service.edit")
    page.goto(f"{console_hub.url}/console/centre/services/F?lang={lang}")
    expect(page.locator("#field-appointments_capacity")).to_have_value("3")
