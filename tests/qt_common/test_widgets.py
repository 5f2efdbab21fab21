"""The shared widgets: clock, offline banner, ticket number, status badge, toggle, message bar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from qt_common.hub_client import HubClient, HubError
from qt_common.i18n import (
    LRI,
    PDI,
    Language,
    current_language,
    set_language,
    strip_bidi,
)
from qt_common.widgets import (
    ClockWidget,
    LanguageToggle,
    MessageBar,
    OfflineBanner,
    StatusBadge,
    TicketNumberLabel,
    zone_from_name,
)

RIYADH_OFFSET = timezone(timedelta(hours=3))
REFERENCE = datetime(2026, 11, 24, 14, 5, 9, tzinfo=RIYADH_OFFSET)


def test_clock_shows_time_and_both_dates_in_arabic(app: QApplication, qtbot) -> None:
    """Large time, the Gregorian date, then the Hijri date, in Arabic."""
    clock = ClockWidget(now=lambda: REFERENCE)
    qtbot.addWidget(clock)
    assert clock.time_label.text() == "14:05"
    assert clock.gregorian_label.text() == "الثلاثاء 24 نوفمبر 2026"
    assert clock.hijri_label.text() == "14 جمادى الآخرة 1448هـ"
    assert clock.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert clock.time_label.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_clock_follows_a_language_switch(app: QApplication, qtbot) -> None:
    """Switching to English re-renders the dates and mirrors the layout."""
    clock = ClockWidget(now=lambda: REFERENCE, show_seconds=True)
    qtbot.addWidget(clock)
    set_language(app, "en")
    assert clock.time_label.text() == "14:05:09"
    assert clock.gregorian_label.text() == "Tuesday 24 November 2026"
    assert clock.hijri_label.text() == "14 Jumada al-Akhirah 1448 AH"
    assert clock.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_clock_shows_the_centres_time_zone(app: QApplication, qtbot) -> None:
    """A UTC instant shows as Riyadh wall-clock time when the centre is in Riyadh."""
    utc = datetime(2026, 11, 24, 21, 30, tzinfo=UTC)
    clock = ClockWidget(now=lambda: utc, time_zone="Asia/Riyadh")
    qtbot.addWidget(clock)
    assert clock.time_label.text() == "00:30"
    assert clock.gregorian_label.text() == "الأربعاء 25 نوفمبر 2026"
    clock.set_time_zone("UTC")
    assert clock.time_label.text() == "21:30"


@pytest.mark.parametrize("bad", ["Mars/Olympus", "", "../../etc/passwd", "A" * 500, None, 3])
def test_clock_refuses_unknown_zones(app: QApplication, bad: object) -> None:
    """An unknown or hostile zone name is a ValueError."""
    with pytest.raises(ValueError):
        zone_from_name(bad)  # type: ignore[arg-type]


def test_clock_ticks_by_itself(app: QApplication, qtbot) -> None:
    """The clock re-reads the time on its own timer, no caller needed."""
    moments = iter(REFERENCE + timedelta(minutes=minute) for minute in range(10_000))
    clock = ClockWidget(now=lambda: next(moments))
    qtbot.addWidget(clock)
    first = clock.time_label.text()
    qtbot.waitUntil(lambda: clock.time_label.text() != first, timeout=5000)


def test_clock_renders_in_both_languages(app: QApplication, qtbot, out_dir: Path) -> None:
    """The clock draws in Arabic and English (images saved for a look) with visible text."""
    for lang in (Language.AR, Language.EN):
        set_language(app, lang)
        clock = ClockWidget(now=lambda: REFERENCE)
        qtbot.addWidget(clock)
        clock.resize(520, 220)
        clock.show()
        image = clock.grab()
        path = out_dir / f"clock-{lang.value}.png"
        assert image.save(str(path))
        assert path.stat().st_size > 2000
        rendered = image.toImage()
        colours = {rendered.pixel(x, y) for x in range(0, rendered.width(), 4) for y in range(0, rendered.height(), 4)}
        assert len(colours) > 10  # anti-aliased text, not a blank panel


def test_offline_banner_appears_after_grace_and_hides_online(app: QApplication, qtbot) -> None:
    """Offline shows the bilingual banner; back online hides it."""
    banner = OfflineBanner(grace_ms=0)
    qtbot.addWidget(banner)
    assert banner.isHidden()
    banner.set_online(False)
    qtbot.waitUntil(lambda: not banner.isHidden())
    assert banner.arabic_label.text() == "جارٍ الاتصال بالخادم…"
    assert banner.english_label.text() == "Connecting to the hub…"
    banner.set_online(True)
    assert banner.isHidden()


def test_offline_banner_ignores_a_blip(app: QApplication, qtbot) -> None:
    """A reconnect within the grace period never shows the banner."""
    banner = OfflineBanner(grace_ms=60_000)
    qtbot.addWidget(banner)
    banner.set_online(False)
    banner.set_online(True)
    qtbot.wait(50)
    assert banner.isHidden()


def test_offline_banner_follows_a_client(app: QApplication, qtbot, config_dir: Path) -> None:
    """Bound to a HubClient it starts from the client's state and follows `online_changed`."""
    client = HubClient("http://127.0.0.1:9", device_name="board", kind="display", config_dir=config_dir)
    banner = OfflineBanner(grace_ms=0)
    qtbot.addWidget(banner)
    banner.bind(client)
    qtbot.waitUntil(lambda: not banner.isHidden())  # a client that has not connected is offline
    client.online_changed.emit(True)
    assert banner.isHidden()
    client.online_changed.emit(False)
    qtbot.waitUntil(lambda: not banner.isHidden())


def test_ticket_number_reads_left_to_right(app: QApplication, qtbot) -> None:
    """A ticket number is isolated left-to-right even in an Arabic window."""
    label = TicketNumberLabel("A-105")
    qtbot.addWidget(label)
    assert label.text() == f"{LRI}A-105{PDI}"
    assert label.number == "A-105"
    assert label.layoutDirection() == Qt.LayoutDirection.LeftToRight
    label.set_number("")
    assert label.text() == ""


def test_status_badge_counter_states_in_both_languages(app: QApplication, qtbot) -> None:
    """A paused counter shows its known reason translated, and retranslates on a switch."""
    badge = StatusBadge()
    qtbot.addWidget(badge)
    badge.set_counter_status("paused", "prayer")
    assert badge.text() == "متوقف مؤقتًا · وقت الصلاة"
    assert badge.property("status") == "paused"
    set_language(app, "en")
    assert badge.text() == "Paused · Prayer time"
    badge.set_counter_status("paused", "Meeting with supervisor")
    assert badge.text() == "Paused · Meeting with supervisor"
    badge.set_ticket_status("no_show")
    assert badge.text() == "No-show"
    assert badge.property("status") == "error"


@pytest.mark.parametrize("bad", ["exploded", "", "open; drop table"])
def test_status_badge_refuses_unknown_status(app: QApplication, qtbot, bad: str) -> None:
    """An unknown status is refused rather than shown as a raw key."""
    badge = StatusBadge()
    qtbot.addWidget(badge)
    with pytest.raises(ValueError):
        badge.set_counter_status(bad)


def test_language_toggle_switches_language_and_direction(app: QApplication, qtbot) -> None:
    """The toggle names the other language and switches to it when pressed."""
    toggle = LanguageToggle()
    qtbot.addWidget(toggle)
    assert toggle.text() == "English"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert current_language() is Language.EN
    assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert toggle.text() == "العربية"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert current_language() is Language.AR


def test_message_bar_shows_hub_errors_in_the_current_language(app: QApplication, qtbot) -> None:
    """A HubError shows in Arabic, then in English after a switch, then hides by itself."""
    bar = MessageBar()
    qtbot.addWidget(bar)
    error = HubError(409, "impossible_step", "Ticket A-105 is done already.", "التذكرة A-105 منتهية.")
    bar.show_error(error, timeout_ms=200)
    assert not bar.isHidden()
    assert bar.label.text() == "التذكرة A-105 منتهية."
    assert bar.property("kind") == "error"
    set_language(app, "en")
    assert bar.label.text() == "Ticket A-105 is done already."
    with qtbot.waitSignal(bar.closed, timeout=5000):
        pass
    assert bar.isHidden()


def test_message_bar_shows_other_failures_generically(app: QApplication, qtbot) -> None:
    """An exception that is not a HubError is shown as a generic failure, not its Python text."""
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_error(OSError("errno 5 /dev/usb/lp0"), timeout_ms=0)
    assert "lp0" not in bar.label.text()
    assert bar.label.text() == "تعذّر إتمام العملية."
    with pytest.raises(ValueError):
        bar.show_message("x", kind="sparkle")


def test_widgets_render_together(app: QApplication, qtbot, out_dir: Path) -> None:
    """All shared widgets in one window in each language (images saved for a look)."""
    for lang in (Language.AR, Language.EN):
        set_language(app, lang)
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        layout.addWidget(ClockWidget(now=lambda: REFERENCE))
        banner = OfflineBanner(grace_ms=0)
        banner.show()
        layout.addWidget(banner)
        layout.addWidget(TicketNumberLabel("A-105"))
        badge = StatusBadge()
        badge.set_counter_status("open")
        layout.addWidget(badge)
        layout.addWidget(LanguageToggle())
        bar = MessageBar()
        bar.show_message("Number A-105, counter 3" if lang is Language.EN else "الرقم A-105، الشباك 3", timeout_ms=0)
        layout.addWidget(bar)
        window.resize(600, 640)
        window.show()
        path = out_dir / f"widgets-{lang.value}.png"
        assert window.grab().save(str(path))
        assert strip_bidi(bar.label.text()).endswith("3")
