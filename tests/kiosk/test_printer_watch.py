"""A kiosk whose printer needs staff: a discreet badge, a re-check every interval, and the hub told when it recovers."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.contract import DeviceStatus, EventBase
from kiosk.app import build_kiosk_window
from qt_common.hub_client import HubClient
from tests.kiosk.conftest import WAIT_MS
from tests.printer.fake_printer import FakePrinter
from tests.support import LiveHub


def touch(window, qtbot, code: str) -> None:
    view = next(s for s in window.services if s.code == code)
    qtbot.mouseClick(window.home.service_cards[view.id], Qt.MouseButton.LeftButton)


def reports(window) -> list[dict]:
    """Every device.status of this kiosk the hub broadcast, oldest first (the kiosk hears its own)."""
    return [event.status for event in window.seen_status_events]


def hub_lines(hub: LiveHub, device: str) -> list[str]:
    """The hub's log lines about this device's status reports, oldest first."""
    text = hub.log_path.read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if "event=device.status" in line and device in line]


def follow_status_events(window) -> None:
    window.seen_status_events = []
    device_id = window.client.device_id

    def on_event(event: EventBase) -> None:
        if isinstance(event, DeviceStatus) and event.device.id == device_id:
            window.seen_status_events.append(event)

    window.client.event_received.connect(on_event)


def test_paper_out_shows_a_badge_and_clears_when_the_printer_recovers(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Paper runs out on a ticket: the staff badge shows, the kiosk keeps asking, and once paper is back the badge goes and the hub hears "ready"."""
    with FakePrinter("ready", mode_after_print="paper_out") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name="kiosk-watch", printer_check_ms=300)
        follow_status_events(window)
        assert window.header.staff_badge.isHidden()
        touch(window, qtbot, "A")
        qtbot.waitUntil(lambda: window.issued.phase == "failed", timeout=WAIT_MS)
        assert window.printer_trouble == "paper_out"
        assert not window.header.staff_badge.isHidden()
        assert "نفد ورق الطابعة" in window.header.staff_badge.text()
        qtbot.waitUntil(lambda: [r["printer"] for r in reports(window)] == ["paper_out"], timeout=WAIT_MS)
        # Still out: asked again and again, the badge stays, nothing new is reported.
        asked = len(printer.status_queries)
        qtbot.waitUntil(lambda: len(printer.status_queries) >= asked + 4, timeout=WAIT_MS)
        assert not window.header.staff_badge.isHidden()
        assert [r["printer"] for r in reports(window)] == ["paper_out"]
        # Staff put a roll in.
        printer.mode = "ready"
        qtbot.waitUntil(lambda: window.printer_trouble is None, timeout=WAIT_MS)
        assert window.header.staff_badge.isHidden()
        qtbot.waitUntil(lambda: [r["printer"] for r in reports(window)] == ["paper_out", "ready"], timeout=WAIT_MS)
        assert reports(window)[-1].get("checked") is True
        # The hub logged the paper out as a WARNING naming this kiosk (its test log keeps warnings only).
        device = f"device_id={window.client.device_id} "
        qtbot.waitUntil(lambda: bool(hub_lines(demo_hub, device)), timeout=WAIT_MS)
        (line,) = hub_lines(demo_hub, device)
        assert "level=WARNING" in line and "printer=paper_out" in line
        # Fine again: the kiosk stops asking between tickets.
        asked = len(printer.status_queries)
        qtbot.wait(1200)
        assert len(printer.status_queries) == asked
        assert printer.cuts == 1


def test_the_badge_follows_the_kiosks_language(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """The staff badge reads in the kiosk's current language, and never shows while the printer is fine."""
    with FakePrinter("cover_open") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name="kiosk-badge-lang", printer_check_ms=60_000)
        touch(window, qtbot, "B")
        qtbot.waitUntil(lambda: window.printer_trouble == "cover_open", timeout=WAIT_MS)
        assert "غطاء الطابعة مفتوح" in window.header.staff_badge.text()
        window.set_language("en")
        assert window.header.staff_badge.text() == "For staff: The printer's cover is open"
        window.set_language("ar")
        assert window.header.staff_badge.text().startswith("للموظفين")


def test_no_printer_means_no_badge_and_no_checks(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """A kiosk without a printer never shows the badge and never starts re-checking."""
    window = make_kiosk(demo_hub, printer=None, name="kiosk-no-printer", printer_check_ms=100)
    touch(window, qtbot, "C")
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    qtbot.wait(300)
    assert window.header.staff_badge.isHidden() and not window._printer_check_timer.isActive()


def test_bad_check_intervals_are_refused(app, tmp_path) -> None:
    """The re-check interval is 100 ms to a day; anything else is refused before a window exists."""
    import pytest

    client = HubClient("http://127.0.0.1:9", device_name="kiosk-x", kind="kiosk", config_dir=tmp_path)
    for wrong in (0, -5, 10**12, True, 1.5, "60"):
        with pytest.raises(ValueError):
            build_kiosk_window(client, printer="dummy://", printer_check_ms=wrong)  # type: ignore[arg-type]


def test_badge_fits_the_header_at_real_screen_sizes(make_kiosk, demo_hub: LiveHub, qtbot, out_dir) -> None:
    """At 1366×768 and 1920×1080, in both languages, the badge's text fits it and it lies inside the window (screenshots in out/kiosk/)."""
    with FakePrinter("paper_out") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name="kiosk-badge-shot", printer_check_ms=60_000)
        touch(window, qtbot, "D")
        qtbot.waitUntil(lambda: window.printer_trouble == "paper_out", timeout=WAIT_MS)
        window._return_home_after_ticket()
        for width, height in ((1366, 768), (1920, 1080)):
            window.resize(width, height)
            for language in ("ar", "en"):
                window.set_language(language)
                qtbot.wait(50)
                badge = window.header.staff_badge
                margins = badge.contentsMargins()
                room = badge.width() - margins.left() - margins.right()
                assert badge.fontMetrics().horizontalAdvance(badge.text()) <= room, (language, width, badge.text())
                corner = badge.mapTo(window, badge.rect().bottomRight())
                assert badge.mapTo(window, badge.rect().topLeft()).x() >= 0 and corner.x() <= window.width()
                assert window.grab().save(str(out_dir / f"staff-badge-{width}x{height}-{language}.png"))
        window.set_language("ar")
