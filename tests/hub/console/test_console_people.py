"""Admins manage clerks, devices and the enrollment code from the console; supervisors cannot."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.hub.console.conftest import ADMIN, log_in
from tests.support import LiveHub, bearer
from tests.web import check_accessibility, save_screenshot


def test_a_supervisor_cannot_reach_the_admin_pages(console_hub: LiveHub, open_page):
    page = log_in(open_page, console_hub, lang="en")
    assert page.locator("a[href='/console/people']").count() == 0
    refused = page.goto(f"{console_hub.url}/console/people")
    assert refused.status == 403
    expect(page.locator("[role=alert]")).to_contain_text("only an admin", ignore_case=True)
    page.goto(f"{console_hub.url}/console/hall")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    for path, form in (("/console/devices/1/revoke", {}), ("/console/clerks/add", {"username": "x", "role": "admin", "pin": "5831"}),
                       ("/console/enroll-code/rotate", {})):
        answer = page.request.post(f"{console_hub.url}{path}", form={**form, "csrf": csrf}, max_redirects=0)
        assert answer.status == 403, (path, answer.status)


def test_an_admin_revokes_a_device_and_its_next_request_is_refused(console_hub: LiveHub, open_page):
    kiosk = console_hub.enroll("kiosk", "kiosk-to-revoke")
    assert httpx.get(f"{console_hub.url}/api/v1/services", headers=bearer(kiosk), timeout=10).status_code == 200
    page = log_in(open_page, console_hub, ADMIN, lang="en")
    page.goto(f"{console_hub.url}/console/people")
    row = page.locator("#device-list tr", has_text="kiosk-to-revoke")
    row.locator("input[name=name]").fill("kiosk-entrance-old")
    row.locator("form[action$='/rename'] button").click()
    expect(page.locator(".flash")).to_contain_text("rename a device")
    row = page.locator("#device-list tr", has_text="kiosk-entrance-old")
    row.locator("form[action$='/revoke'] button").click()
    expect(page.locator(".flash")).to_contain_text("revoke a device")
    expect(page.locator("#device-list tr", has_text="kiosk-entrance-old")).to_have_attribute("data-revoked", "1")
    refused = httpx.get(f"{console_hub.url}/api/v1/services", headers=bearer(kiosk), timeout=10)
    assert refused.status_code == 401 and refused.json()["error"] == "revoked_device"
    page.goto(f"{console_hub.url}/console/audit")
    expect(page.locator("#audit tr[data-action='device.revoke']").first).to_contain_text('"revoked": true')
    expect(page.locator("#audit tr[data-action='device.rename']").first).to_contain_text("kiosk-entrance-old")


def test_an_admin_manages_a_clerk_and_the_history_is_kept(console_hub: LiveHub, open_page):
    page = log_in(open_page, console_hub, ADMIN, lang="en")
    page.goto(f"{console_hub.url}/console/people")
    page.fill("#new-username", "noura")
    page.select_option("#new-role", "clerk")
    page.fill("#new-pin", "1234")  # too easy: refused with the rule
    page.click("form[action='/console/clerks/add'] button[type=submit]")
    expect(page.locator("[role=alert]")).to_be_visible()
    page.goto(f"{console_hub.url}/console/people")
    page.fill("#new-username", "noura")
    page.fill("#new-pin", "5831")
    page.click("form[action='/console/clerks/add'] button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("add a clerk")
    row = page.locator("#clerks tr[data-clerk='noura']")
    row.locator("select[name=role]").select_option("supervisor")
    row.locator("form[action$='/role'] button").click()
    expect(page.locator(".flash")).to_contain_text("change a role")
    row = page.locator("#clerks tr[data-clerk='noura']")
    row.locator("input[name=pin]").fill("7395")
    row.locator("form[action$='/pin'] button").click()
    expect(page.locator(".flash")).to_contain_text("new PIN")
    page.locator("#clerks tr[data-clerk='noura'] form[action$='/disable'] button").click()
    expect(page.locator("#clerks tr[data-clerk='noura']")).to_have_attribute("data-active", "0")
    page.locator("#clerks tr[data-clerk='noura'] form[action$='/enable'] button").click()
    expect(page.locator("#clerks tr[data-clerk='noura']")).to_have_attribute("data-active", "1")
    # the new supervisor logs in to the console with the new PIN
    other = log_in(open_page, console_hub, ("noura", "7395"), lang="en")
    expect(other.locator("header")).to_contain_text("noura")
    page.goto(f"{console_hub.url}/console/audit")
    for action in ("clerk.add", "clerk.role", "clerk.reset_pin", "clerk.disable", "clerk.enable"):
        expect(page.locator(f"#audit tr[data-action='{action}']").first).to_contain_text("noura")
    assert "5831" not in page.content() and "7395" not in page.content()


def test_an_admin_rotates_the_enrollment_code(console_hub: LiveHub, open_page):
    page = log_in(open_page, console_hub, ADMIN, lang="en")
    page.goto(f"{console_hub.url}/console/people")
    old = page.locator("#enroll-code").inner_text()
    page.click("form[action='/console/enroll-code/rotate'] button")
    expect(page.locator(".flash")).to_contain_text("new enrollment code")
    new = page.locator("#enroll-code").inner_text()
    assert new != old
    body = {"name": "kiosk-new-code", "kind": "kiosk"}
    refused = httpx.post(f"{console_hub.url}/api/v1/devices/enroll", json={**body, "code": old}, timeout=10)
    assert refused.status_code == 403
    taken = httpx.post(f"{console_hub.url}/api/v1/devices/enroll", json={**body, "code": new}, timeout=10)
    assert taken.status_code == 201
    console_hub.enroll_code = new  # the module's other tests enroll with it


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_people_page_passes_axe(console_hub: LiveHub, open_page, lang: str):
    page = log_in(open_page, console_hub, ADMIN, lang=lang)
    page.goto(f"{console_hub.url}/console/people")
    check_accessibility(page)
    save_screenshot(page, f"console-people-{lang}", full_page=False)
