"""The phone page sends a strict Content-Security-Policy, X-Frame-Options and nosniff, and works under them."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support import LiveHub, bearer


@pytest.fixture
def ticket(live_hub: LiveHub) -> dict:
    kiosk = live_hub.enroll("kiosk", "kiosk-headers")
    answer = httpx.post(f"{live_hub.url}/api/v1/tickets", json={"service_id": 1}, headers=bearer(kiosk), timeout=10)
    answer.raise_for_status()
    return answer.json()


def nonce_of(policy: str) -> str:
    found = re.search(r"script-src 'nonce-([A-Za-z0-9_-]+)'", policy)
    assert found, policy
    return found.group(1)


@pytest.mark.parametrize("known", [True, False])
def test_the_page_sends_its_security_headers(live_hub: LiveHub, ticket: dict, known: bool):
    """The page (and its 404) forbid framing, sniffing, foreign scripts and referrers; the nonce is per answer."""
    code = ticket["code"] if known else "unknown-code-123"
    first = httpx.get(f"{live_hub.url}/t/{code}", timeout=10)
    second = httpx.get(f"{live_hub.url}/t/{code}", timeout=10)
    assert first.status_code == (200 if known else 404)
    policy = first.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy, "nothing from elsewhere, no inline code without the nonce"
    assert first.headers["x-frame-options"] == "DENY"
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["referrer-policy"] == "no-referrer"
    nonce = nonce_of(policy)
    assert nonce != nonce_of(second.headers["content-security-policy"])
    tags = re.findall(r"<(script|style)([^>]*)>", first.text)
    assert tags and all(f'nonce="{nonce}"' in attributes for _, attributes in tags)


def test_the_page_runs_and_follows_live_under_its_policy(live_hub: LiveHub, ticket: dict, chromium_browser):
    """In Chromium with the policy enforced, the page's script fills the ticket in and nothing is blocked."""
    context = chromium_browser.new_context(locale="ar-SA")
    try:
        page = context.new_page()
        violations: list[str] = []
        page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
        page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.log('Content Security Policy: ' + e.violatedDirective))")
        page.goto(f"{live_hub.url}/t/{ticket['code']}", wait_until="load")
        page.wait_for_function("() => document.getElementById('status').textContent.length > 0", timeout=10_000)
        page.wait_for_function("() => document.getElementById('service').textContent.length > 0", timeout=10_000)
        header = page.evaluate("() => getComputedStyle(document.querySelector('header')).backgroundColor")
        assert header == "rgb(0, 108, 53)", "the page's own style sheet applied"
        assert violations == []
    finally:
        context.close()
