""""I have an appointment": the kiosk's check-in screen, its scan field, and its talk with the hub.

A barcode scanner is a keyboard: it types what the QR code holds, then Enter. `ScanListener`
takes those keys on the start screen without a touch (nothing there takes typing), and on the
check-in screen the code field takes them itself. A visitor without a scanner types the code on
the on-screen keys. The hub answers `POST /check-in` (core/checkin.py): an appointment ticket
(shown and printed like any other, with its slot), when to come back, a late offer of a normal
ticket, a remote ticket's arrival, or a refusal in both languages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import TypeAdapter
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from core import contract
from kiosk.widgets import CodePad, NoticeLabel, code_field, label
from qt_common import theme
from qt_common.appointments import clock_text
from qt_common.i18n import Language, Text, register_catalogue, tr_in
from qt_common.widgets import TextButton, TicketNumberLabel

if TYPE_CHECKING:
    from kiosk.window import KioskWindow
    from qt_common.hub_client import HubError

log = logging.getLogger(__name__)

CHECKIN_STRINGS: dict[str, tuple[str, str]] = {
    "kiosk.checkin.button": ("لدي موعد", "I have an appointment"),
    "kiosk.checkin.button_short": ("لدي موعد", "Appointment"),
    "kiosk.checkin.title": ("لدي موعد", "I have an appointment"),
    "kiosk.checkin.prompt": (
        "ضع رمز QR للحجز، أو لتذكرتك على الجوال، أمام الماسح، أو اكتب الرمز هنا",
        "Hold your booking's QR code, or your phone's ticket, to the scanner, or type the code here",
    ),
    "kiosk.checkin.submit": ("تسجيل الحضور", "Check in"),
    "kiosk.checkin.empty": ("اكتب الرمز أولاً", "Type the code first"),
    "kiosk.checkin.working": ("جارٍ التحقق…", "Checking…"),
    "kiosk.checkin.too_early.title": ("لم يبدأ تسجيل الحضور لموعدك بعد", "Check-in for your appointment has not opened yet"),
    "kiosk.checkin.too_early.detail": (
        "موعدك الساعة {slot}. يبدأ تسجيل الحضور الساعة {opens}، فعُد إلينا حينها من فضلك.",
        "Your appointment is at {slot}. Check-in opens at {opens}; please come back then.",
    ),
    "kiosk.checkin.late.title": ("فات وقت موعدك", "Your appointment time has passed"),
    "kiosk.checkin.late.detail": (
        "كان موعدك الساعة {slot}، وانتهت مهلة التأخر الساعة {closes}. يمكنك أخذ تذكرة عادية والانتظار في الدور.",
        "Your appointment was at {slot} and the time allowed for lateness ended at {closes}. "
        "You can take a normal ticket and wait your turn.",
    ),
    "kiosk.checkin.late.take": ("خذ تذكرة عادية", "Take a normal ticket"),
    "kiosk.checkin.arrived.title": ("أهلاً بك، أنت في الدور", "Welcome, you're in the queue"),
    "kiosk.checkin.arrived.detail": (
        "سيظهر رقمك على الشاشات حين يحين دورك.",
        "Your number will show on the screens when it is your turn.",
    ),
    "kiosk.checkin.already.title": ("سجّلت حضورك من قبل", "You have checked in already"),
    "kiosk.checkin.already.detail": (
        "هذا رقمك لموعد الساعة {slot}. سيظهر على الشاشات حين يحين دورك.",
        "This is your number for your {slot} appointment. It will show on the screens when it is your turn.",
    ),
    "kiosk.checkin.refused.title": ("تعذّر تسجيل الحضور", "We could not check you in"),
    "kiosk.checkin.again": ("حاول مرة أخرى", "Try again"),
    "kiosk.checkin.home": ("الشاشة الرئيسية", "Start screen"),
}
register_catalogue(CHECKIN_STRINGS)

_CHECK_IN = TypeAdapter(contract.CheckIn)
#: longer than any code or page address a QR code on a booking or a ticket holds
MAX_SCAN = 300
SCAN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./:?=&%#~+@")
#: a scanner types a whole code in well under this; a half-typed code is forgotten after it
SCAN_QUIET_MS = 1500


class ScanListener(QObject):
    """Keys a barcode scanner types into the kiosk while `accepting()`; `scanned(code)` at Enter.

    An event filter on the application: on the start screen no widget takes typing, so the keys
    reach whatever has focus. Only key presses for `window` count, so another window of the same
    application (the all-in-one demo's counter) keeps its keyboard.
    """

    scanned = Signal(str)

    def __init__(self, window: QWidget, accepting: Callable[[], bool]) -> None:
        super().__init__(window)
        self.window = window
        self.accepting = accepting
        self.buffer = ""
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(SCAN_QUIET_MS)
        self._quiet.timeout.connect(self.clear)

    def clear(self) -> None:
        self.buffer = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not (isinstance(watched, QWidget) and watched.window() is self.window.window()) or not self.accepting():
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.buffer:
                return False  # a keyboard user's Enter on a focused button is theirs
            code, self.buffer = self.buffer, ""
            self._quiet.stop()
            self.scanned.emit(code)
            return True
        text = event.text()
        # Only what a code or a page address holds: Space (press the focused card) and the
        # keypad's * (spoken guidance) stay a keyboard user's.
        if len(text) == 1 and text in SCAN_CHARACTERS:
            if len(self.buffer) < MAX_SCAN:
                self.buffer += text
            self._quiet.start()
            return True
        return False


class CheckInScreen(QWidget):
    """Two pages: the code (scan or type), then what the hub said with what the visitor can do."""

    submitted = Signal(str)
    walk_in_clicked = Signal()
    again_clicked = Signal()
    home_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = QStackedWidget(self)
        # the entry page
        entry = QWidget()
        self.title_label = label(pt=26, bold=True)
        self.prompt_label = label(pt=17)
        self.field = code_field(entry, name="CodeField", max_length=MAX_SCAN, pt=24)
        self.field.returnPressed.connect(self._submit)
        self.pad = CodePad(entry)
        self.pad.set_upper(True)  # booking codes are shown in capitals
        self.pad.typed.connect(self.field.insert)
        self.pad.deleted.connect(self.field.backspace)
        self.pad.cleared.connect(self.field.clear)
        self.message_label = NoticeLabel()
        self.submit_button = TextButton(entry)
        theme.set_role(self.submit_button, "primary")
        self.submit_button.clicked.connect(self._submit)
        self.back_button = TextButton(entry)
        self.back_button.clicked.connect(self.home_clicked.emit)
        for button in (self.submit_button, self.back_button):
            button.setObjectName("CheckInButton")
            button.setFont(theme.app_font(20, bold=True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.back_button)
        column = QVBoxLayout(entry)
        column.setContentsMargins(24, 4, 24, 8)
        column.setSpacing(8)
        for widget in (self.title_label, self.prompt_label):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(widget)
        column.addWidget(self.field)
        column.addWidget(self.message_label)
        column.addWidget(self.pad)
        column.addLayout(buttons)
        column.addStretch(1)
        # the answer page
        answer = QWidget()
        self.answer_title = label(pt=28, bold=True, name="CheckInTitle")
        self.answer_number = TicketNumberLabel("", answer, size_pt=72)
        self.answer_number.setObjectName("BigNumber")
        self.answer_detail = label(pt=20)
        for widget in (self.answer_title, self.answer_number, self.answer_detail):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.walk_in_button = TextButton(answer)
        theme.set_role(self.walk_in_button, "primary")
        self.walk_in_button.clicked.connect(self.walk_in_clicked.emit)
        self.again_button = TextButton(answer)
        self.again_button.clicked.connect(self.again_clicked.emit)
        self.home_button = TextButton(answer)
        self.home_button.clicked.connect(self.home_clicked.emit)
        answer_buttons = QHBoxLayout()
        for button in (self.walk_in_button, self.again_button, self.home_button):
            button.setObjectName("CheckInButton")
            button.setFont(theme.app_font(20, bold=True))
            answer_buttons.addWidget(button)
        answer_column = QVBoxLayout(answer)
        answer_column.setContentsMargins(40, 24, 40, 24)
        answer_column.setSpacing(16)
        answer_column.addStretch(1)
        answer_column.addWidget(self.answer_title)
        answer_column.addWidget(self.answer_number)
        answer_column.addWidget(self.answer_detail)
        answer_column.addStretch(1)
        answer_column.addLayout(answer_buttons)
        # In a small window (the all-in-one demo) each page scrolls rather than making the whole
        # kiosk taller than its screen; on a kiosk's glass they fit as they are.
        for page in (entry, answer):
            scroller = QScrollArea(self)
            scroller.setObjectName("CodeScroller")
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            page.setMaximumWidth(1100)  # keys a finger's width, not a third of a 4K screen
            scroller.setWidget(page)
            scroller.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.pages.addWidget(scroller)
        self._entry, self._answer_page = entry, answer
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self._language = Language.AR
        self._message: Text | None = None
        self.outcome: str | None = None  # what the answer page shows
        self._answer: contract.CheckIn | None = None
        self._refusal: Text | None = None
        self.retranslate(self._language)

    @property
    def page(self) -> str:
        return "entry" if self.pages.currentIndex() == 0 else "answer"

    def reset(self) -> None:
        """An empty field, no message, the entry page."""
        self.field.clear()
        self.set_working(False)
        self.set_message(None)
        self.outcome, self._answer, self._refusal = None, None, None
        self.pages.setCurrentIndex(0)
        self.field.setFocus()

    def set_working(self, working: bool) -> None:
        self.submit_button.setEnabled(not working)
        self.walk_in_button.setEnabled(not working)
        self.pad.setEnabled(not working)
        self.field.setReadOnly(working)
        if working:
            self.set_message(Text(tr_in(Language.AR, "kiosk.checkin.working"), tr_in(Language.EN, "kiosk.checkin.working")), kind="info")

    def set_message(self, message: Text | None, *, kind: str = "error") -> None:
        self._message = message
        self.message_label.set_kind(kind)
        self.message_label.setVisible(message is not None)
        self.retranslate(self._language)

    def show_answer(self, answer: contract.CheckIn) -> None:
        """too_early, late, arrived or already: what it means and what the visitor can do."""
        self.outcome, self._answer, self._refusal = answer.outcome, answer, None
        self.set_message(None)
        self.pages.setCurrentIndex(1)
        self.retranslate(self._language)

    def show_refusal(self, message: Text) -> None:
        """Unknown, cancelled, other-day or malformed code: the hub's words, and a way back."""
        self.outcome, self._answer, self._refusal = "refused", None, message
        self.set_message(None)
        self.pages.setCurrentIndex(1)
        self.retranslate(self._language)

    def _submit(self) -> None:
        if self.submit_button.isEnabled():
            self.submitted.emit(self.field.text())

    def retranslate(self, language: Language) -> None:
        self._language = language
        self.title_label.setText(tr_in(language, "kiosk.checkin.title"))
        self.prompt_label.setText(tr_in(language, "kiosk.checkin.prompt"))
        self.submit_button.setText(tr_in(language, "kiosk.checkin.submit"))
        self.back_button.setText(tr_in(language, "kiosk.back"))
        self.pad.retranslate(language)
        self.message_label.setText(self._message.in_language(language) if self._message is not None else "")
        self.walk_in_button.setText(tr_in(language, "kiosk.checkin.late.take"))
        self.again_button.setText(tr_in(language, "kiosk.checkin.again"))
        self.home_button.setText(tr_in(language, "kiosk.checkin.home"))
        outcome, answer = self.outcome, self._answer
        number = answer.ticket.number if answer is not None and answer.ticket is not None else ""
        slot = clock_text(answer.slot_start, language) if answer is not None else ""
        if outcome == "too_early" and answer is not None:
            title = tr_in(language, "kiosk.checkin.too_early.title")
            detail = tr_in(language, "kiosk.checkin.too_early.detail", slot=slot, opens=clock_text(answer.opens_at, language))
        elif outcome == "late" and answer is not None:
            title = tr_in(language, "kiosk.checkin.late.title")
            detail = tr_in(language, "kiosk.checkin.late.detail", slot=slot, closes=clock_text(answer.closes_at, language))
        elif outcome == "arrived":
            title, detail = tr_in(language, "kiosk.checkin.arrived.title"), tr_in(language, "kiosk.checkin.arrived.detail")
        elif outcome == "already":
            title = tr_in(language, "kiosk.checkin.already.title")
            detail = tr_in(language, "kiosk.checkin.already.detail", slot=slot) if slot else ""
        elif outcome == "refused" and self._refusal is not None:
            title, detail = tr_in(language, "kiosk.checkin.refused.title"), self._refusal.in_language(language)
        else:
            title, detail = "", ""
        self.answer_title.setText(title)
        self.answer_detail.setText(detail)
        self.answer_number.set_number(number)
        self.answer_number.setVisible(bool(number) and outcome in ("arrived", "already"))
        self.walk_in_button.setVisible(outcome == "late")
        self.again_button.setVisible(outcome == "refused")
        self.answer_title.setProperty("kind", "refused" if outcome in ("refused", "late", "too_early") else "welcome")
        self.answer_title.style().unpolish(self.answer_title)
        self.answer_title.style().polish(self.answer_title)


class CheckInFlow(QObject):
    """The window's check-in: opens the screen, asks the hub, and hands a new ticket to the
    window's usual show-and-print path."""

    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self.window = window
        self.screen = CheckInScreen(window)
        self.busy = False
        self.code = ""
        self.screen.submitted.connect(self.submit)
        self.screen.walk_in_clicked.connect(lambda: self.submit(self.code, walk_in=True))
        self.screen.again_clicked.connect(self.open)
        self.screen.home_clicked.connect(window.go_home)
        self.listener = ScanListener(window, self._accepting_scans)
        self.listener.scanned.connect(self.scanned)
        # A visitor typing, or reading an answer, is not idle: the start screen waits for them.
        self.screen.field.textChanged.connect(self._still_here)

    def _still_here(self, *_: object) -> None:
        if self.window.screen_name == "checkin":
            self.window._idle_timer.start()

    def _accepting_scans(self) -> bool:
        """On the start screen, and on the answer page (the next visitor's scan); the entry page's field takes its own keys."""
        window = self.window
        if self.busy or window.issuing:
            return False
        return window.screen_name == "home" or (window.screen_name == "checkin" and self.screen.page == "answer")

    def open(self) -> None:
        self.screen.reset()
        self.window.show_screen("checkin")

    def scanned(self, code: str) -> None:
        """A scanner's code on the start screen: the check-in screen, and the hub asked at once."""
        self.open()
        self.screen.field.setText(code[:MAX_SCAN])
        self.submit(code)

    def submit(self, code: str, *, walk_in: bool = False) -> None:
        if self.busy:
            return
        code = (code or "").strip()
        if not code:
            self.screen.set_message(Text(tr_in(Language.AR, "kiosk.checkin.empty"), tr_in(Language.EN, "kiosk.checkin.empty")))
            return
        if not self.window.client.online:
            self.window.show_screen("unavailable")
            return
        self.busy = True
        self.code = code[:MAX_SCAN]
        self.screen.set_working(True)
        self.window.client.post(
            "/check-in", {"code": self.code, "walk_in": walk_in}, self.window._alive(self._answered), answer=_CHECK_IN
        )

    def _answered(self, answer: contract.CheckIn | None, error: HubError | None) -> None:
        self.busy = False
        self.screen.set_working(False)
        self.screen.set_message(None)
        window = self.window
        if error is not None:
            log.info("check-in refused: %s", error)
            if error.unreachable or error.status >= 500 or error.status == 0:
                window.show_screen("unavailable")
                return
            self.screen.show_refusal(Text(error.message_ar, error.message_en))
            self._still_here()
            return
        if answer is None:
            return
        if answer.outcome in ("ticket", "walk_in") and answer.ticket is not None:
            # Shown and printed as any ticket the kiosk issued (the slot goes on the paper).
            window._on_issued(answer.ticket.service_id, answer.ticket.priority.value, answer.ticket, None)
            return
        self.screen.show_answer(answer)
        self._still_here()


__all__ = ["CheckInFlow", "CheckInScreen", "ScanListener"]
