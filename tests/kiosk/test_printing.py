"""Touch → ticket at the hub → bytes at a loopback TCP printer; and every way printing can fail."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.printing import print_issued
from tests.kiosk.conftest import WAIT_MS, api
from tests.printer.fake_printer import FakePrinter, parse_commands
from tests.support import LiveHub


def touch(window, qtbot, code: str) -> None:
    view = next(s for s in window.services if s.code == code)
    qtbot.mouseClick(window.home.service_cards[view.id], Qt.MouseButton.LeftButton)


def printer_reports(window) -> list[dict]:
    device_id = window.client.device_id
    entry = window.client.state.device_statuses.get(device_id)
    return [entry.status] if entry else []


def test_touch_prints_the_ticket_the_hub_issued(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """One touch: the hub issues the ticket, the printer receives a raster image and a cut, the visitor is told to take it."""
    images = []
    with FakePrinter("ready") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, on_printed=lambda image, outcome: images.append((image, outcome)))
        touch(window, qtbot, "D")
        qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
        assert window.issued.phase == "printing"
        qtbot.waitUntil(lambda: window.issued.phase != "printing", timeout=WAIT_MS)
        assert window.issued.phase == "printed"
        assert window.issued.status_label.text() == "تفضّل بأخذ تذكرتك"
        assert printer.cuts == 1
        commands = [c.name for c in parse_commands(printer.received)]
        assert "raster" in commands and "cut" in commands
        assert max(i for i, name in enumerate(commands) if name == "raster") < commands.index("cut")
        (ticket_image,) = printer.tickets()
        assert ticket_image.width == 576 and ticket_image.height > 300
    token = demo_hub.enroll("admin", "observer")
    on_hub = api(demo_hub, "GET", f"/tickets/{window.current_ticket.id}", token).json()
    assert on_hub["number"] == window.current_ticket.number and on_hub["status"] == "waiting"
    (image, outcome), = images
    assert image.width == 576 and outcome.printed and outcome.bytes_sent > 0
    assert window.last_print.printed and window.last_print.state == "ready"


def test_narrow_printer_width(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """--width 384 draws the ticket for 58 mm paper."""
    with FakePrinter("ready") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, width=384)
        touch(window, qtbot, "A")
        qtbot.waitUntil(lambda: printer.cuts == 1, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.issued.phase == "printed", timeout=WAIT_MS)
        assert printer.tickets()[0].width == 384


@pytest.mark.parametrize("mode", ["paper_out", "cover_open", "silent"])
def test_printer_trouble_keeps_the_number_on_screen_and_tells_the_hub(make_kiosk, demo_hub: LiveHub, qtbot, mode: str) -> None:
    """Out of paper, cover open or silent: nothing cut, the number stays with "please note it", and a device.status reaches the hub."""
    with FakePrinter(mode) as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name=f"kiosk-{mode}")
        touch(window, qtbot, "B")
        qtbot.waitUntil(lambda: window.issued.phase == "failed", timeout=WAIT_MS)
        assert printer.cuts == 0
    assert window.screen_name == "issued"
    assert window.issued.number_label.number == window.current_ticket.number
    assert "احفظ رقمك" in window.issued.detail_label.text()
    qtbot.waitUntil(lambda: bool(printer_reports(window)), timeout=WAIT_MS)
    (status,) = printer_reports(window)
    assert status["printer"] == mode and status["printed"] is False
    assert status["ticket"] == window.current_ticket.number


def test_paper_running_out_on_this_ticket(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Paper ends while this ticket prints: the visitor is asked to note the number, the hub hears paper_out."""
    with FakePrinter("ready", mode_after_print="paper_out") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name="kiosk-runs-out")
        touch(window, qtbot, "C")
        qtbot.waitUntil(lambda: window.issued.phase == "failed", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(printer_reports(window)), timeout=WAIT_MS)
    assert printer_reports(window)[0]["printer"] == "paper_out"


def test_unreachable_printer_and_recovery(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """A printer nobody answers for fails quickly; once it works again the hub hears it is ready."""
    window = make_kiosk(demo_hub, printer=FakePrinter.refused_uri(), name="kiosk-recovers")
    window._touch_guard.setInterval(0)
    touch(window, qtbot, "E")
    qtbot.waitUntil(lambda: window.issued.phase == "failed", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(printer_reports(window)), timeout=WAIT_MS)
    assert printer_reports(window)[0]["printer"] in ("refused", "unreachable")
    with FakePrinter("ready") as printer:
        window.printer = printer.uri
        qtbot.wait(20)
        window._return_home_after_ticket()
        touch(window, qtbot, "E")
        qtbot.waitUntil(lambda: window.issued.phase == "printed", timeout=WAIT_MS)
        assert printer.cuts == 1
    qtbot.waitUntil(lambda: printer_reports(window)[0]["printer"] == "ready", timeout=WAIT_MS)


def test_hub_down_prints_nothing(make_kiosk, fresh_hub: LiveHub, qtbot) -> None:
    """With the hub gone a touch issues nothing and the printer receives not one byte."""
    with FakePrinter("ready") as printer:
        window = make_kiosk(fresh_hub, printer=printer.uri)
        window._offline_timer.setInterval(60_000)
        service_id = window.services[0].id
        fresh_hub.kill()
        window.choose_service(service_id)
        qtbot.waitUntil(lambda: not window.issuing, timeout=WAIT_MS)
        qtbot.wait(300)
        assert window.screen_name == "unavailable"
        assert printer.received == b"" and printer.connections == 0


def test_a_fault_in_printing_never_raises(demo_hub: LiveHub) -> None:
    """A ticket the printer package cannot lay out comes back as "not printed" with a bilingual reason."""
    result = print_issued("tcp://127.0.0.1:9", {"number": "A-001"}, service={}, centre={}, hub_url=None)
    assert not result.printed and result.state == "error"
    assert result.message is not None and result.message.ar and result.message.en


def test_wrong_printer_uri_is_reported_not_raised() -> None:
    """A wrong URI at print time is a "misconfigured" printer, not a crash."""
    ticket = {"id": 1, "number": "A-001", "service_id": 1, "priority": "normal", "issued_at": "2026-12-01T09:00:00+03:00", "code": "abcdefgh12"}
    service = {"id": 1, "name_ar": "خدمة", "name_en": "Service"}
    centre = {"name_ar": "مركز", "name_en": "Centre"}
    result = print_issued("lpt://nowhere", ticket, service=service, centre=centre, hub_url="http://127.0.0.1:1")
    assert not result.printed and result.state == "misconfigured"


def test_preview_without_a_printer(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """With no printer the on-screen preview still gets the rendered ticket, and the visitor is asked to note the number."""
    previews = []
    window = make_kiosk(demo_hub, printer=None, on_printed=lambda image, outcome: previews.append((image, outcome)))
    touch(window, qtbot, "F")
    qtbot.waitUntil(lambda: bool(previews), timeout=WAIT_MS)
    image, outcome = previews[0]
    assert outcome is None and image.width == 576 and image.height > 300
    assert window.issued.phase == "no_printer"
    assert "احفظ رقمك" in window.issued.detail_label.text()
    assert printer_reports(window) == []


def test_the_centre_logo_is_fetched_from_the_hub_and_printed(tmp_path) -> None:
    """With a logo in the hub's config the kiosk fetches it (with its token) and the ticket grows by it."""
    import json
    import urllib.request

    from PIL import Image

    from core.config import DEMO_CONFIG
    from kiosk.printing import fetch_logo
    from launcher.embedded import EmbeddedHub

    logo = Image.new("L", (300, 120), 255)
    logo.paste(0, (20, 20, 280, 100))
    logo.save(tmp_path / "logo.png")
    config = tmp_path / "centre.toml"
    config.write_text(DEMO_CONFIG.read_text(encoding="utf-8").replace("[centre]\n", '[centre]\nlogo = "logo.png"\n', 1), encoding="utf-8")
    hub = EmbeddedHub(tmp_path / "hub.sqlite", config_path=config, enroll_code="logo-code", simulated_clerks=0).start()
    try:
        def call(method: str, path: str, body=None, token=None):
            request = urllib.request.Request(
                f"{hub.url}/api/v1{path}", method=method, data=None if body is None else json.dumps(body).encode(),
                headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read())

        token = call("POST", "/devices/enroll", {"name": "kiosk-logo", "kind": "kiosk", "code": "logo-code"})["token"]
        state = call("GET", "/state", token=token)
        service = state["services"][0]
        ticket = call("POST", "/tickets", {"service_id": service["id"]}, token)
        centre = state["centre"]
        assert centre["logo_url"] == "/api/v1/centre/logo"
        assert fetch_logo(hub.url, centre["logo_url"], None, folder=tmp_path / "none") is None  # refused without a token
        plain = print_issued(None, ticket, service=service, centre=centre, hub_url=hub.url, want_image=True)
        with_logo = print_issued(
            None, ticket, service=service, centre=centre, hub_url=hub.url, want_image=True,
            logo_url=centre["logo_url"], token=token,
        )
    finally:
        hub.stop()
    assert with_logo.image.height > plain.image.height + 50
    # hostile addresses are never followed
    assert fetch_logo(hub.url, "http://elsewhere.example/logo.png", token) is None
    assert fetch_logo(hub.url, "/api/v1/../../etc/passwd", token) is None


def test_the_ticket_code_sends_phones_to_the_hubs_public_address(tmp_path):
    """A kiosk on the hub's PC reaches it as 127.0.0.1; the code on its tickets carries --public-url."""
    from kiosk import printing
    from tests.support import LiveHub

    hub = LiveHub(tmp_path / "hub", extra_args=["--public-url", "http://192.168.1.10:8470/"]).start()
    try:
        printing._phone_cache.clear()
        assert printing.phone_address(hub.url) == "http://192.168.1.10:8470"
    finally:
        hub.stop()
    printing._phone_cache.clear()
    # A hub that does not answer (or does not say) leaves the kiosk's own address on the ticket.
    assert printing.phone_address(hub.url, timeout=0.5) == hub.url
    printing._phone_cache.clear()
