"""Every kiosk screen lays out whole, full screen, at 1366×768, 1920×1080 and 3840×2160, in both languages.

Pictures go to out/screens/kiosk/; tests/fit.py checks that no text is wider than its widget
and nothing lies outside the window.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.contract import Ticket
from kiosk.model import issued_ticket
from kiosk.window import KioskWindow
from qt_common.i18n import Text
from tests.contract_samples import ticket_json
from tests.fit import OUT_DIR, SCREENS, fit_problems, settle, shoot
from tests.support import LiveHub

SHOTS = OUT_DIR / "kiosk"
PRINTER_OUT = Text("نفد الورق من الطابعة", "The printer is out of paper")


def states(window: KioskWindow) -> list[tuple[str, Callable[[], None]]]:
    """(name, how to get there) for every screen a visitor or a supervisor can see."""
    service = window.services[4]  # the demo's longest name: "Enquiries and complaints"
    ticket = issued_ticket(
        Ticket.model_validate(ticket_json(1, "E-105", service.id, priority="elderly", ahead=12, eta_seconds=1500)),
        service.id, "elderly",
    )

    def issued(phase: str) -> Callable[[], None]:
        def show() -> None:
            window.issued.show_ticket(ticket, service, printing=phase == "printing")
            if phase != "printing":
                window.issued.set_phase(phase, PRINTER_OUT if phase == "failed" else None)
            window.show_screen("issued")
        return show

    def enroll() -> None:
        window.enroll.set_message(Text("رمز التسجيل غير صحيح؛ اطلبه من مسؤول تقنية المعلومات في الفرع.",
                                       "The enrollment code is wrong; ask the branch's IT person for it."))
        window.show_screen("enroll")

    return [
        ("home", window.go_home),
        ("home-staff-badge", lambda: (window.header.set_staff_notice(PRINTER_OUT), window.go_home())),
        ("priority", lambda: (window.header.set_staff_notice(None), window.show_screen("priority"))),
        ("priority-home", lambda: window.set_priority("disabled")),
        ("pin", lambda: (window.set_priority(None), window.show_screen("pin"))),
        ("enroll", enroll),
        ("unavailable", lambda: window.show_screen("unavailable")),
        ("issued-printing", issued("printing")),
        ("issued-printed", issued("printed")),
        ("issued-failed", issued("failed")),
        ("issued-no-printer", issued("no_printer")),
    ]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_kiosk_screen_fits_every_screen_size(make_kiosk, demo_hub: LiveHub, qtbot, language: str) -> None:
    """Home (with the staff badge), priority, PIN, enrollment, unavailable and each printing outcome fit."""
    window = make_kiosk(demo_hub, language=language)
    problems: list[str] = []
    for screen in SCREENS:
        window.resize(*screen)
        for name, show in states(window):
            show()
            settle(60)
            tag = f"{name}-{language}-{screen[0]}x{screen[1]}"
            shoot(window, tag, SHOTS)
            problems += [f"{tag}: {p}" for p in fit_problems(window)]
            assert (window.width(), window.height()) == screen, f"{tag} pushed the window past the screen"
    assert not problems, "\n".join(problems)


def test_groups_fit_every_screen_size(make_kiosk, many_hub: LiveHub, qtbot) -> None:
    """Twelve services in four groups, some closed: the group screen and an opened group fit at each size."""
    window = make_kiosk(many_hub)
    problems: list[str] = []
    for screen in SCREENS:
        window.resize(*screen)
        for language in ("ar", "en"):
            window.set_language(language)
            for name, show in (("groups", window.go_home), ("group", lambda: window.open_group("documents"))):
                show()
                settle(60)
                tag = f"{name}-{language}-{screen[0]}x{screen[1]}"
                shoot(window, tag, SHOTS)
                problems += [f"{tag}: {p}" for p in fit_problems(window)]
    window.set_language("ar")
    assert not problems, "\n".join(problems)


def test_cards_per_row_follow_the_width(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Six services: three cards a row on a wide screen, two where three would be too narrow to read."""
    window = make_kiosk(demo_hub)
    def rows_and_columns() -> tuple[int, int]:
        cards = [card for card in window.home.service_cards.values() if card.isVisible()]
        return len({card.y() for card in cards}), len({card.x() for card in cards})

    window.resize(1366, 768)
    settle(60)
    assert rows_and_columns() == (2, 3)
    for width in (800, 640):  # a smaller layout first, as when a window is dragged narrower
        window.resize(width, 700)
        settle(60)
    assert window.width() < 720 and rows_and_columns() == (3, 2)
    assert fit_problems(window) == []
