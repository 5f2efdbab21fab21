"""The kiosk's screens on their own: cards kept across updates, hostile hub texts, the pad, the pictograms."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QWidget

from kiosk.model import service_views
from kiosk.checkin import MAX_SCAN, CheckInScreen
from kiosk.screens import HomeScreen, IssuedScreen, PinEntryScreen
from core.contract import Service, Ticket
from kiosk.model import issued_ticket
from kiosk.style import kiosk_stylesheet
from kiosk.widgets import NoticeLabel, Pictogram
from qt_common import theme
from qt_common.theme import COLOURS
from qt_common.i18n import Language
from tests.contract_samples import service_json, ticket_json


def services(*codes: str, **extra):
    return service_views(
        [Service.model_validate(service_json(i, c, **{"name_ar": f"خدمة {c}", "name_en": f"Service {c}", "waiting": i, **extra}))
         for i, c in enumerate(codes, 1)]
    )


def test_cards_are_reused_and_dropped_when_the_hub_drops_a_service(app, qtbot) -> None:
    """Updates reuse the same card widgets; a service that disappears loses its card for good."""
    home = HomeScreen()
    qtbot.addWidget(home)
    home.resize(1280, 640)
    home.show_services(services("A", "B", "C"))
    first = dict(home.service_cards)
    home.show_services(services("A", "B", "C", waiting=9))
    assert home.service_cards == first
    home.forget_missing({1, 2}, set())
    home.show_services(services("A", "B"))
    assert set(home.service_cards) == {1, 2}
    assert home.grid.count() == 2


def test_hostile_names_cannot_reorder_the_card(app, qtbot) -> None:
    """A service name carrying an override mark is shown without it and cut to a sane length."""
    views = service_views([Service.model_validate(service_json(1, "A", name_ar="\u202eخدمة" + "x" * 500, name_en="Service"))])
    home = HomeScreen()
    qtbot.addWidget(home)
    home.show_services(views)
    text = home.service_cards[1].name_label.text()
    assert len(text) <= 120


def test_pin_pad_types_digits_left_to_right_and_caps_the_length(app, qtbot) -> None:
    """The pad writes 1-2-3 in that order in an Arabic layout, Delete and Clear work, 12 digits at most."""
    pin = PinEntryScreen("kiosk.supervisor.title", "kiosk.supervisor.prompt", "kiosk.supervisor.exit", masked=True, max_length=12)
    qtbot.addWidget(pin)
    pin.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    pin.retranslate(Language.AR)
    pin.resize(1280, 640)
    pin.show()
    qtbot.waitExposed(pin)
    for digit in "123":
        qtbot.mouseClick(pin.pad.buttons[digit], Qt.MouseButton.LeftButton)
    assert pin.field.text() == "123"
    assert pin.pad.buttons["1"].geometry().center().x() < pin.pad.buttons["3"].geometry().center().x()
    qtbot.mouseClick(pin.pad.delete_button, Qt.MouseButton.LeftButton)
    assert pin.field.text() == "12"
    for _ in range(20):
        qtbot.mouseClick(pin.pad.buttons["9"], Qt.MouseButton.LeftButton)
    assert len(pin.field.text()) == 12
    qtbot.mouseClick(pin.pad.clear_button, Qt.MouseButton.LeftButton)
    assert pin.field.text() == ""
    submitted = []
    pin.submitted.connect(submitted.append)
    pin.set_working(True)
    pin.field.setText("5")
    qtbot.mouseClick(pin.submit_button, Qt.MouseButton.LeftButton)
    assert submitted == []


@pytest.mark.parametrize(
    "make, name, length, pt, masked",
    [
        (lambda: PinEntryScreen("kiosk.supervisor.title", "kiosk.supervisor.prompt", "kiosk.supervisor.exit",
                                masked=True, max_length=12), "PinField", 12, 28, True),
        (lambda: PinEntryScreen("kiosk.enroll.title", "kiosk.enroll.prompt", "kiosk.enroll.submit",
                                masked=True, max_length=64, letters=True), "CodeField", 64, 24, True),
        (lambda: CheckInScreen(), "CodeField", MAX_SCAN, 24, False),
    ],
    ids=["supervisor-pin", "enroll-code", "check-in-code"],
)
def test_every_code_field_is_centred_left_to_right_in_an_arabic_layout(app, qtbot, make, name, length, pt, masked) -> None:
    """The PIN, the enrollment code and the check-in code are typed into the same kind of field:
    read from the left even on a right-to-left screen, centred, bold, capped, dotted when masked."""
    screen = make()
    qtbot.addWidget(screen)
    screen.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    screen.retranslate(Language.AR)
    field = screen.field
    assert field.objectName() == name and field.maxLength() == length
    assert field.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert field.alignment() & Qt.AlignmentFlag.AlignHCenter
    assert field.font().bold() and field.font().pointSizeF() == theme.app_font(pt, bold=True).pointSizeF()
    assert (field.echoMode() == QLineEdit.EchoMode.Password) is masked


def test_a_notice_is_hidden_until_used_and_its_kind_recolours_it_at_once(app, qtbot) -> None:
    """Red for an error, the waiting colour for information, without waiting for a restyle."""
    holder = QWidget()
    holder.setStyleSheet(kiosk_stylesheet())
    notice = NoticeLabel(parent=holder)
    qtbot.addWidget(holder)
    assert notice.isHidden() and notice.objectName() == "Notice"
    assert notice.alignment() & Qt.AlignmentFlag.AlignHCenter and notice.textFormat() == Qt.TextFormat.PlainText
    notice.setText("Type the code first")
    notice.resize(400, 60)
    colours = {}
    for kind in ("error", "info"):
        notice.set_kind(kind)
        colours[kind] = notice.grab().toImage().pixelColor(4, 30).name()
    assert colours["error"] == QColor(COLOURS.status_error).name()
    assert colours["info"] == QColor(COLOURS.status_waiting).name()


def test_issued_screen_keeps_the_number_left_to_right(app, qtbot) -> None:
    """In Arabic the number reads A-105, the people ahead and the wait sit on one line."""
    screen = IssuedScreen()
    qtbot.addWidget(screen)
    answer = Ticket.model_validate(ticket_json(1, "A-105", 1, priority="elderly", ahead=4, eta_seconds=600))
    ticket = issued_ticket(answer, 1, "elderly")
    screen.show_ticket(ticket, services("A")[0], printing=True)
    screen.retranslate(Language.AR)
    assert screen.number_label.text() == "\u2066A-105\u2069"
    assert "أمامك" in screen.wait_label.text() and "10 دقائق" in screen.wait_label.text()
    assert screen.priority_label.text().startswith("أولوية")
    assert screen.phase == "printing" and screen.hint_label.text() == ""
    with pytest.raises(KeyError):
        screen.set_phase("exploded")


@pytest.mark.parametrize("kind", Pictogram.KINDS)
def test_pictograms_draw_something(app, kind: str) -> None:
    """Each priority pictogram paints visible strokes (no emoji font needed)."""
    picture = Pictogram(kind, size_px=96)
    image = picture.grab().toImage()
    painted = sum(1 for x in range(0, 96, 3) for y in range(0, 96, 3) if image.pixelColor(x, y).alpha() > 0 and image.pixelColor(x, y).red() < 200)
    assert painted > 20
    with pytest.raises(ValueError):
        Pictogram("vip")


@pytest.mark.parametrize("kind", Pictogram.KINDS)
def test_pictograms_come_from_svg_assets_and_take_the_colour(app, kind: str) -> None:
    """Each figure is an SVG under assets/pictograms drawn in currentColor, rendered in the colour asked."""
    from kiosk.widgets import PICTOGRAM_DIR, pictogram_svg

    assert (PICTOGRAM_DIR / f"{kind}.svg").is_file()
    assert "currentColor" in pictogram_svg(kind) and "<title>" in pictogram_svg(kind)
    picture = Pictogram(kind, size_px=96)
    image = picture.grab().toImage()
    purple = theme.applied_colours().status_priority.lower()
    colours = {image.pixelColor(x, y).name() for x in range(96) for y in range(96) if image.pixelColor(x, y).alpha() == 255}
    assert purple in colours
    assert picture.renderer("#000000").isValid()
