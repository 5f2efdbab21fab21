"""Enrollment cannot be guessed: limits per address and hub-wide, long codes, admin devices vouched for."""

from __future__ import annotations

import re

import httpx
import pytest

from core.security import ENROLL_CODE_DIGITS, enroll_code_problem, new_enroll_code, normalise_code
from tests.support import LiveHub


def enroll(hub: LiveHub, code: str, kind: str = "kiosk", source: str = "127.0.0.1", **extra) -> httpx.Response:
    """POST /devices/enroll from a given loopback source address (Linux answers all of 127/8)."""
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, timeout=10) as client:
        return client.post(f"{hub.url}/api/v1/devices/enroll", json={"name": f"dev-{kind}", "kind": kind, "code": code, **extra})


@pytest.fixture
def hub(tmp_path) -> LiveHub:
    """A hub of the test's own: the limits it keeps are the subject."""
    live = LiveHub(tmp_path / "hub").start()
    yield live
    live.stop()


def test_while_an_address_is_limited_even_the_right_code_is_refused(hub: LiveHub):
    """After ten wrong codes the right one gets 429 too (today it got 201), and each refusal is logged."""
    statuses = [enroll(hub, f"wrong-code-{n:04d}").status_code for n in range(10)]
    assert statuses == [403] * 10
    limited = enroll(hub, hub.enroll_code)
    assert limited.status_code == 429 and limited.json()["error"] == "rate_limited" and limited.json()["message_ar"]
    assert int(limited.headers["retry-after"]) >= 1
    assert enroll(hub, hub.enroll_code, source="127.0.0.2").status_code == 201  # another address is not limited
    log = hub.log_path.read_text(encoding="utf-8", errors="replace")
    assert len(re.findall(r"event=enroll.refused reason=wrong_enroll_code client=address:127.0.0.1", log)) == 10
    assert "event=enroll.refused reason=rate_limited" in log


def test_guesses_from_many_addresses_hit_the_hub_wide_limit(hub: LiveHub):
    """Wrong codes spread over addresses still stop at 30 a minute for the whole hub; then every code is refused."""
    answers = [enroll(hub, f"guess-{n:05d}", source=f"127.0.1.{1 + n // 8}").status_code for n in range(32)]
    assert answers == [403] * 30 + [429] * 2
    refused = enroll(hub, hub.enroll_code, source="127.0.2.1")
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"


def test_an_admin_device_needs_a_supervisors_name_and_pin(hub: LiveHub):
    """The shared code alone does not make an admin device; a clerk's PIN does not either; five wrong PINs lock out."""
    alone = enroll(hub, hub.enroll_code, "admin")
    assert alone.status_code == 403 and alone.json()["error"] == "staff_pin_required" and alone.json()["message_ar"]
    clerk = enroll(hub, hub.enroll_code, "admin", username="clerk1", pin="1111")
    assert clerk.status_code == 401 and clerk.json()["error"] == "wrong_pin"
    assert enroll(hub, hub.enroll_code, "admin", username="super", pin="9999").status_code == 201
    for _ in range(5):
        assert enroll(hub, hub.enroll_code, "admin", source="127.0.0.3", username="super", pin="0000").status_code == 401
    locked = enroll(hub, hub.enroll_code, "admin", source="127.0.0.3", username="super", pin="9999")
    assert locked.status_code == 429 and locked.json()["error"] == "locked_out"
    for body in ({"username": "super"}, {"pin": "9999"}, {"username": "", "pin": "9999"}, {"username": "super", "pin": 9999}):
        answer = enroll(hub, hub.enroll_code, "admin", source="127.0.0.4", **body)
        assert answer.status_code in (403, 422), body


def test_hyphens_and_spaces_in_the_code_do_not_count(hub: LiveHub):
    """A code typed without its group hyphens, or with spaces, is the same code."""
    assert enroll(hub, hub.enroll_code.replace("-", " ")).status_code == 201
    assert enroll(hub, hub.enroll_code.replace("-", "")).status_code == 201


def test_the_hub_prints_a_long_random_code_when_given_none(tmp_path):
    """Without --enroll-code the hub makes a 12-digit code (grouped by four) and prints it."""
    hub = LiveHub(tmp_path / "hub")
    hub.enroll_code = ""
    try:
        hub.start()
        printed = re.search(r"enrollment code: (\S+)", hub.log_path.read_text(encoding="utf-8"))
        assert printed is not None
        code = printed.group(1)
        assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", code)
        hub.enroll_code = code
        assert hub.enroll("display")
    finally:
        hub.stop()


def test_generated_codes_are_long_enough_and_short_hand_chosen_ones_are_refused():
    """Generated codes have 12 random digits; a chosen code needs 12 letters or digits besides hyphens and spaces."""
    codes = {new_enroll_code() for _ in range(50)}
    assert len(codes) == 50 and all(len(normalise_code(c)) == ENROLL_CODE_DIGITS for c in codes)
    assert all(enroll_code_problem(c) is None for c in codes)
    for weak in ("4711", "demo-0000", "1234 5678 90", "------------------", "a" * 11):
        assert enroll_code_problem(weak) is not None, weak
    assert enroll_code_problem("x" * 65) and enroll_code_problem("tab\there-and-more")
    assert enroll_code_problem("branch-riyadh-north-7731") is None
