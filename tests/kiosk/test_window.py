"""The kiosk window against a real hub: services, groups, closed services, priority, double touch,
hub down, language mirroring, enrollment and the supervisor exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from qt_common.i18n import tr_plural_in
from tests.kiosk.conftest import WAIT_MS, api, hub_services
from tests.support import LiveHub


def card_for(window, code: str):
    view = next(s for s in window.services if s.code == code)
    return window.home.service_cards[view.id]


def test_home_lists_the_hubs_services_with_live_counts(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Every service shows with both names; a ticket issued elsewhere raises its waiting count on screen."""
    window = make_kiosk(demo_hub)
    token = demo_hub.enroll("admin", "other-kiosk")
    services = hub_services(demo_hub, token)
    assert {s.code for s in window.services} == set(services)
    card = card_for(window, "E")
    assert card.name_label.text() == services["E"]["name_ar"]
    assert card.other_label.text() == services["E"]["name_en"]
    before = services["E"]["waiting"]
    api(demo_hub, "POST", "/tickets", token, json={"service_id": services["E"]["id"]}).raise_for_status()
    qtbot.waitUntil(lambda: next(s for s in window.services if s.code == "E").waiting == before + 1, timeout=WAIT_MS)
    expected = tr_plural_in("ar", "waiting.people", before + 1)
    qtbot.waitUntil(lambda: card.status_label.text().startswith(expected), timeout=WAIT_MS)


def test_touch_issues_one_ticket_even_on_a_double_touch(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Two quick touches on a service issue exactly one ticket at the hub, and show its number."""
    window = make_kiosk(demo_hub, printer=None)
    token = demo_hub.enroll("admin", "observer")
    before = hub_services(demo_hub, token)["C"]["issued_today"]
    card = card_for(window, "C")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    window.choose_service(card.service_id)  # a third touch arriving late
    qtbot.mouseClick(window.issued, Qt.MouseButton.LeftButton)  # lands on the number: ignored for a moment
    qtbot.wait(300)
    assert window.screen_name == "issued"
    after = hub_services(demo_hub, token)["C"]["issued_today"]
    assert after == before + 1
    assert window.issue_count == 1
    number = window.current_ticket.number
    assert number.startswith("C-") and window.issued.number_label.number == number
    answer = api(demo_hub, "GET", f"/tickets/{window.current_ticket.id}", token).json()
    assert answer["number"] == number and answer["status"] == "waiting"


def test_back_home_after_a_touch_or_by_itself(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """The number screen returns home on a touch once the guard has passed, or after its delay."""
    window = make_kiosk(demo_hub, touch_guard_ms=0)
    window._touch_guard.setInterval(50)
    window.failed_return_after_ms = 400
    qtbot.mouseClick(card_for(window, "A"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    qtbot.wait(120)
    qtbot.mouseClick(window.issued, Qt.MouseButton.LeftButton)
    assert window.screen_name == "home"
    qtbot.mouseClick(card_for(window, "A"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.screen_name == "home", timeout=5000)


def test_priority_button_issues_a_priority_ticket(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Priority → "pregnant" → a service issues a ticket with that priority, and the mode ends."""
    window = make_kiosk(demo_hub)
    assert window.home.priority_button.accessibleName()
    qtbot.mouseClick(window.home.priority_button, Qt.MouseButton.LeftButton)
    assert window.screen_name == "priority"
    qtbot.mouseClick(window.priority.cards["pregnant"], Qt.MouseButton.LeftButton)
    assert window.screen_name == "home" and window.priority_kind == "pregnant"
    assert window.home.priority_banner.isVisible()
    qtbot.mouseClick(card_for(window, "B"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    token = demo_hub.enroll("admin", "observer")
    assert api(demo_hub, "GET", f"/tickets/{window.current_ticket.id}", token).json()["priority"] == "pregnant"
    assert window.priority_kind is None and window.issued.priority_label.isVisible()


def test_priority_cancel_returns_to_normal_tickets(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Cancelling the priority mode hides its banner and issues normal tickets again."""
    window = make_kiosk(demo_hub)
    window.set_priority("elderly")
    qtbot.mouseClick(window.home.priority_cancel_button, Qt.MouseButton.LeftButton)
    assert window.priority_kind is None and not window.home.priority_banner.isVisible()
    with pytest.raises(ValueError):
        window.set_priority("vip")


def test_groups_first_when_many_services(make_kiosk, many_hub: LiveHub, qtbot) -> None:
    """Twelve services show as four groups; a group opens its services, Back returns to the groups."""
    window = make_kiosk(many_hub)
    assert window.home.mode == "groups"
    assert len(window.groups) == 4
    qtbot.mouseClick(window.home.group_cards["civil"], Qt.MouseButton.LeftButton)
    assert window.home.mode == "group"
    shown = [c for c in window.home.service_cards.values() if c.isVisible()]
    assert sorted(c.code_label.text() for c in shown) == ["G", "H", "J"]
    qtbot.mouseClick(window.home.back_button, Qt.MouseButton.LeftButton)
    assert window.home.mode == "groups"


def test_closed_services_show_the_reason_and_take_no_touch(make_kiosk, many_hub: LiveHub, qtbot) -> None:
    """Disabled, outside hours and cap reached are greyed out with the reason; touching them issues nothing."""
    window = make_kiosk(many_hub, language="en")
    token = many_hub.enroll("admin", "observer")
    before = hub_services(many_hub, token)
    expected = {"C": "Service unavailable", "F": "Outside working hours", "H": "Today's tickets are all issued"}
    for code, reason in expected.items():
        view = next(s for s in window.services if s.code == code)
        window.open_group(view.group)
        card = window.home.service_cards[view.id]
        assert not card.isEnabled()
        assert card.status_label.text() == reason
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
        window.choose_service(view.id)
        assert window.screen_name == "home"
    qtbot.wait(200)
    after = hub_services(many_hub, token)
    assert {c: after[c]["issued_today"] for c in expected} == {c: before[c]["issued_today"] for c in expected}


def test_language_switch_mirrors_the_layout(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Arabic is right to left with the service letter on the right; English mirrors it, texts change."""
    window = make_kiosk(demo_hub)
    card = card_for(window, "A")
    qtbot.wait(50)

    def badge_side() -> str:
        centre = card.code_label.mapTo(card, card.code_label.rect().center()).x()
        return "right" if centre > card.width() / 2 else "left"

    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert badge_side() == "right"
    arabic_title = window.home.title_label.text()
    qtbot.mouseClick(window.header.language_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert window.language.value == "en"
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert badge_side() == "left"
    assert window.home.title_label.text() == "Choose a service" != arabic_title
    assert card.name_label.text() == "Commercial registration"
    assert window.header.language_button.text() == "العربية"
    qtbot.mouseClick(window.header.language_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft and badge_side() == "right"


def test_kiosk_language_does_not_change_other_windows(make_kiosk, demo_hub: LiveHub, app) -> None:
    """A visitor switching the kiosk to English leaves the application (a counter beside it) in Arabic."""
    from qt_common.i18n import Language, current_language

    window = make_kiosk(demo_hub)
    window.toggle_language()
    assert window.language is Language.EN
    assert current_language() is Language.AR
    assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_idle_kiosk_returns_to_its_language(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """After a visitor leaves it in English, the kiosk goes back to Arabic by itself."""
    window = make_kiosk(demo_hub)
    window._idle_timer.setInterval(200)
    window.toggle_language()
    qtbot.waitUntil(lambda: window.language.value == "ar", timeout=5000)


def test_large_text_and_high_contrast_last_until_the_ticket(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """The visitor's switch enlarges every text and turns the colours to high contrast; the next
    visitor, after the ticket, finds the usual display."""
    from qt_common import theme

    window = make_kiosk(demo_hub, touch_guard_ms=0)
    card = card_for(window, "A")
    usual_pt = card.name_label.font().pointSizeF()
    assert window.home.look_button.accessibleName() == "خط أوضح"
    with qtbot.waitSignal(window.look_changed) as changed:
        qtbot.mouseClick(window.home.look_button, Qt.MouseButton.LeftButton)
    assert changed.args == [True] and window.larger_look
    assert card.name_label.font().pointSizeF() == pytest.approx(usual_pt * theme.LARGE_TEXT_SCALE)
    assert f"color: {theme.HIGH_CONTRAST.text}" in window.styleSheet()
    assert window.home.look_button.accessibleName() == "خط عادي"
    window.toggle_language()  # still large in the other language
    assert card.name_label.font().pointSizeF() == pytest.approx(usual_pt * theme.LARGE_TEXT_SCALE)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    assert window.larger_look  # the visitor reads the number large
    with qtbot.waitSignal(window.look_changed, timeout=WAIT_MS) as changed:
        window._return_home_after_ticket()
    assert changed.args == [False] and not window.larger_look
    assert card_for(window, "A").name_label.font().pointSizeF() == pytest.approx(usual_pt)
    assert f"color: {theme.HIGH_CONTRAST.text}" not in window.styleSheet()


def test_large_text_ends_when_the_kiosk_is_left_idle(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """A visitor who switched to large text and walked away: the idle timer brings the usual display back."""
    window = make_kiosk(demo_hub)
    window._idle_timer.setInterval(200)
    window.set_larger_look(True)
    assert window._idle_timer.isActive()
    with qtbot.waitSignal(window.look_changed, timeout=5000) as changed:
        pass
    assert changed.args == [False] and not window.home.look_button.isChecked()


def test_hub_down_shows_unavailable_and_comes_back(make_kiosk, fresh_hub: LiveHub, qtbot) -> None:
    """Killing the hub shows the bilingual unavailable screen; touches issue nothing; it recovers alone."""
    window = make_kiosk(fresh_hub)
    window._offline_timer.setInterval(100)
    service_id = window.services[0].id
    fresh_hub.kill()
    qtbot.waitUntil(lambda: window.screen_name == "unavailable", timeout=WAIT_MS)
    ar_title, _ = window.unavailable.labels[next(iter(window.unavailable.labels))]
    assert "غير متاحة" in ar_title.text()
    window.choose_service(service_id)
    assert window.issue_count == 0 and not window.issuing
    fresh_hub.start()
    qtbot.waitUntil(lambda: window.screen_name == "home", timeout=WAIT_MS)
    token = fresh_hub.enroll("admin", "observer")
    assert all(s["issued_today"] == 0 for s in hub_services(fresh_hub, token).values())


def test_touch_while_the_hub_just_died(make_kiosk, fresh_hub: LiveHub, qtbot) -> None:
    """A touch whose request cannot reach the hub ends on the unavailable screen, with no number shown."""
    window = make_kiosk(fresh_hub)
    window._offline_timer.setInterval(60_000)  # the touch comes before the kiosk notices
    service_id = window.services[0].id
    fresh_hub.kill()
    window.choose_service(service_id)
    qtbot.waitUntil(lambda: not window.issuing, timeout=WAIT_MS)
    assert window.screen_name == "unavailable"
    assert window.current_ticket is None


def test_first_start_enrolls_with_the_code_typed(make_kiosk, demo_hub: LiveHub, qtbot, tmp_path: Path) -> None:
    """Without a token or code the kiosk asks for one; a wrong code is refused, the right one is kept on disk."""
    window = make_kiosk(demo_hub, enroll_code=None, wait_home=False, name="kiosk-first-start")
    qtbot.waitUntil(lambda: window.screen_name == "enroll", timeout=WAIT_MS)
    window.enroll.field.setText("0000")
    qtbot.mouseClick(window.enroll.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.enroll.submit_button.isEnabled(), timeout=WAIT_MS)
    assert window.screen_name == "enroll" and window.enroll.message_label.isVisible()
    assert not window.client.is_enrolled
    window.enroll.field.setText(demo_hub.enroll_code)
    qtbot.mouseClick(window.enroll.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "home", timeout=WAIT_MS)
    stored = json.loads(window.client.token_path.read_text(encoding="utf-8"))
    assert window.client.token_path.is_relative_to(tmp_path)
    assert stored["kind"] == "kiosk" and stored["token"]


def test_long_press_in_the_corner_asks_for_a_supervisor_pin(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """A short press does nothing, a long press opens the PIN pad; only a supervisor's PIN (checked by the hub) lets the kiosk go."""
    window = make_kiosk(demo_hub, kiosk_mode=True)
    window.hot_corner._timer.setInterval(300)
    exits = []
    window.exit_requested.connect(lambda: exits.append(True))
    corner = window.header
    QTest.mousePress(corner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.wait(50)
    QTest.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.wait(400)
    assert window.screen_name == "home"
    QTest.mousePress(corner, Qt.MouseButton.LeftButton, pos=QPoint(window.width() // 2, 5))
    qtbot.wait(400)
    QTest.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=QPoint(window.width() // 2, 5))
    assert window.screen_name == "home"  # not in the corner
    QTest.mousePress(corner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: window.screen_name == "pin", timeout=3000)
    QTest.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.mouseClick(window.pin.submit_button, Qt.MouseButton.LeftButton)
    assert "PIN" in window.pin.message_label.text() or window.pin.message_label.text()
    # A clerk's PIN is not enough: the kiosk stays locked and says so.
    for digit in "1111":
        qtbot.mouseClick(window.pin.pad.buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.pin.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pin.submit_button.isEnabled(), timeout=WAIT_MS)
    assert not exits
    assert window.pin.message_label.isVisible() and window.pin.field.text() == ""
    window.close()
    assert window.isVisible()  # kiosk mode: closing is refused without a supervisor
    # The supervisor's PIN, checked by the hub, lets the kiosk go.
    for digit in "9999":
        qtbot.mouseClick(window.pin.pad.buttons[digit], Qt.MouseButton.LeftButton)
    assert window.pin.field.text() == "9999"
    with qtbot.waitSignal(window.exit_requested, timeout=WAIT_MS):
        qtbot.mouseClick(window.pin.submit_button, Qt.MouseButton.LeftButton)
    assert exits == [True]


def test_hostile_pin_never_reaches_the_hub(make_kiosk, demo_hub: LiveHub) -> None:
    """Letters, direction marks or a huge PIN are refused on the kiosk itself."""
    window = make_kiosk(demo_hub)
    window.open_supervisor()
    for bad in ("12a4", "1\u202e2", "9" * 500, " "):
        window.check_supervisor_pin(bad)
        assert window.pin.submit_button.isEnabled()
        assert window.pin.message_label.isVisible()


def test_kiosk_mode_is_full_screen_without_frame(make_kiosk, demo_hub: LiveHub, qtbot, monkeypatch) -> None:
    """Kiosk mode: frameless, full screen, Escape and close refused; the cursor hides on a touch screen."""
    import kiosk.window as kiosk_window

    monkeypatch.setattr(kiosk_window, "has_touch_screen", lambda: True)  # the hardware edge: no touch panel here
    window = make_kiosk(demo_hub, kiosk_mode=True)
    window.present()
    qtbot.waitUntil(window.isFullScreen, timeout=5000)
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.cursor().shape() == Qt.CursorShape.BlankCursor
    QTest.keyClick(window, Qt.Key.Key_Escape)
    window.close()
    assert window.isVisible()
    window.allow_exit()
    window.close()
    assert not window.isVisible()


def test_windowed_mode_keeps_frame_and_cursor(make_kiosk, demo_hub: LiveHub) -> None:
    """Without kiosk mode the window is an ordinary one: framed, with a cursor, closable."""
    window = make_kiosk(demo_hub)
    assert not window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.cursor().shape() != Qt.CursorShape.BlankCursor


def test_start_while_the_hub_is_down(make_kiosk, fresh_hub: LiveHub, qtbot) -> None:
    """A kiosk started before its hub shows "temporarily unavailable", then enrolls and opens by itself."""
    fresh_hub.stop()
    window = make_kiosk(fresh_hub, wait_home=False)
    qtbot.wait(500)
    assert window.screen_name == "unavailable"
    assert window.unavailable.spinner.isVisible()
    fresh_hub.start()
    qtbot.waitUntil(lambda: window.screen_name == "home" and bool(window.services), timeout=WAIT_MS)


def test_build_refuses_wrong_arguments(app, tmp_path: Path) -> None:
    """build_kiosk_window names the wrong argument: client, printer, width, callback."""
    from kiosk.app import build_kiosk_window
    from qt_common.hub_client import HubClient

    client = HubClient("http://127.0.0.1:9", device_name="kiosk-args", kind="kiosk", config_dir=tmp_path)
    with pytest.raises(TypeError):
        build_kiosk_window("http://127.0.0.1:9", printer=None)  # type: ignore[arg-type]
    for bad in (dict(printer=""), dict(printer=" "), dict(printer=None, width=500), dict(printer=None, language="fr")):
        with pytest.raises(ValueError):
            build_kiosk_window(client, **bad)
    with pytest.raises(TypeError):
        build_kiosk_window(client, printer=None, on_printed="preview")  # type: ignore[arg-type]
    client.stop()
