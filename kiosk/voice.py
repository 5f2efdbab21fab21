"""The kiosk's complaints and suggestions box: a short form, filed at the hub, its reference
shown large and printed on a small slip.

`VoiceScreen` only draws and signals, like the kiosk's other screens; `VoiceDesk` is the part
that talks to the hub (`POST /api/v1/public/feedback` with the kiosk's token, so the hub files
it as the kiosk's) and to the printer (in the window's worker). Arabic is typed with the
system's input method (an Arabic keyboard layout or the tablet's own keyboard); the mobile
number has the kiosk's digit pad beside it, so a reply number needs no keyboard at all.

Nothing the visitor typed is lost to a refusal: a wrong number, a text too long, a hub out of
reach each leave the form as it was with the reason above the buttons. Only leaving (cancel,
done, or nobody touching for `idle_ms`) clears it, so the next visitor finds a blank form.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import kiosk.strings  # noqa: F401 — the pad's and the start button's texts
from core import contract
from kiosk.printing import PrintResult, print_reference_slip
from kiosk.widgets import DigitPad, NoticeLabel, Spinner, label, start_alignment
from qt_common import theme
from qt_common.hub_client import HubError
from qt_common.i18n import Language, Text, ltr, register_catalogue, text_of, tr_in
from qt_common.widgets import TextButton, TicketNumberLabel

if TYPE_CHECKING:
    from kiosk.window import KioskWindow

log = logging.getLogger(__name__)

KINDS = ("complaint", "suggestion", "thanks")
MAX_TEXT = 2000  # the hub's limit (core/voice.py MAX_FEEDBACK_TEXT)
MAX_MOBILE = 20
IDLE_MS = 90_000  # writing takes longer than choosing a service
DONE_RETURN_MS = 30_000

VOICE_STRINGS: dict[str, tuple[str, str]] = {
    "kiosk.voice.title": ("رأيك يهمنا", "Tell us what you think"),
    "kiosk.voice.kind": ("نوع الرسالة", "What kind of message"),
    "kiosk.voice.kind.complaint": ("شكوى", "Complaint"),
    "kiosk.voice.kind.suggestion": ("اقتراح", "Suggestion"),
    "kiosk.voice.kind.thanks": ("شكر", "Thanks"),
    "kiosk.voice.text": ("اكتب رسالتك", "Write your message"),
    "kiosk.voice.text_hint": (
        "اكتب بالعربية أو بالإنجليزية؛ لا تكتب رقم هويتك أو بيانات سرية.",
        "Write in Arabic or English; do not write your ID number or anything secret.",
    ),
    "kiosk.voice.count": ("{count} من {limit} حرف", "{count} of {limit} characters"),
    "kiosk.voice.mobile": ("رقم الجوال للرد (اختياري)", "Mobile number for a reply (optional)"),
    "kiosk.voice.send": ("إرسال", "Send"),
    "kiosk.voice.sending": ("جارٍ الإرسال…", "Sending…"),
    "kiosk.voice.choose_kind": ("اختر نوع الرسالة أولاً.", "Choose the kind of message first."),
    "kiosk.voice.empty": ("اكتب رسالتك أولاً.", "Write your message first."),
    "kiosk.voice.too_long": (
        "الرسالة طويلة: {count} حرفاً، والحد {limit} حرف. اختصرها ثم أرسلها.",
        "The message is {count} characters long; at most {limit} are kept. Shorten it, then send.",
    ),
    "kiosk.voice.unreachable": (
        "تعذّر الإرسال الآن؛ رسالتك باقية هنا. حاول مرة أخرى بعد قليل.",
        "It could not be sent just now; your message is still here. Please try again shortly.",
    ),
    "kiosk.voice.received": ("وصلتنا رسالتك، شكراً لك", "We received your message, thank you"),
    "kiosk.voice.reference": ("رقم المرجع", "Reference number"),
    "kiosk.voice.keep": (
        "احتفظ بهذا الرقم أو صوّره لمتابعة الرد.",
        "Keep or photograph this number to follow the answer.",
    ),
    "kiosk.voice.printing": ("جارٍ طباعة الإيصال…", "Printing your slip…"),
    "kiosk.voice.printed": ("تفضّل بأخذ الإيصال", "Please take your slip"),
    "kiosk.voice.not_printed": ("تعذّرت طباعة الإيصال؛ احفظ الرقم", "The slip could not be printed; please note the number"),
    "kiosk.voice.done": ("تم", "Done"),
}
register_catalogue(VOICE_STRINGS)

_FILED = TypeAdapter(contract.PublicFeedback)


def clean_text(text: str) -> str:
    """What the visitor typed, as the hub keeps it: no lone surrogates (half a character that
    cannot be sent) and no control characters but line breaks and tabs, trimmed."""
    kept = "".join(
        ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF and (ch in "\n\t" or ch.isprintable())
    )
    return kept.strip()


def text_is_rtl(text: str, *, default: bool) -> bool:
    """Whether the first letter with a direction of its own is right-to-left (Arabic, Hebrew…)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return default


class VoiceScreen(QWidget):
    """The form (kind, text, optional mobile) and, once filed, the reference very large."""

    submitted = Signal(str, str, str)  # kind, text, mobile ("" when none)
    cancelled = Signal()
    done_clicked = Signal()
    activity = Signal()  # any touch or keystroke: the idle timer starts again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("VoiceScreen")
        self._language = Language.AR
        self._message: Text | None = None
        self.kind: str | None = None
        self.reference = ""
        self.print_phase = "none"  # "printing", "printed", "failed", "none" (no printer)

        self.pages = QStackedWidget(self)
        self.form_page = QWidget(self.pages)
        self.result_page = QWidget(self.pages)
        self.pages.addWidget(self.form_page)
        self.pages.addWidget(self.result_page)
        # In a small window (the all-in-one demo) the form scrolls rather than making the whole
        # kiosk taller than its screen; on a kiosk's glass it fits as it is.
        scroller = QScrollArea(self)
        scroller.setObjectName("CodeScroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(self.pages)
        self.scroller = scroller
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 0, 24, 8)
        outer.addWidget(scroller)

        # ── the form ──
        self.title_label = label(pt=24, bold=True, wrap=False)
        self.kind_group = QButtonGroup(self)
        self.kind_group.setExclusive(True)
        self.kind_buttons: dict[str, TextButton] = {}
        # The title and the three kinds share one row: the screen must leave the text box its height.
        kinds_row = QHBoxLayout()
        kinds_row.setSpacing(16)
        kinds_row.addWidget(self.title_label, 0)
        for kind in KINDS:
            button = TextButton(self.form_page)
            button.setObjectName("VoiceKind")
            button.setCheckable(True)
            button.setFont(theme.app_font(20, bold=True))
            button.setMinimumHeight(64)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, k=kind: self._choose(k))
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
            kinds_row.addWidget(button, 1)

        self.text_label = label(pt=16, bold=True)
        self.text_edit = QPlainTextEdit(self.form_page)
        self.text_edit.setObjectName("VoiceText")
        self.text_edit.setFont(theme.app_font(18))
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(96)
        self.text_edit.textChanged.connect(self._text_changed)
        self.count_label = label(pt=13, name="Muted", wrap=False)
        self.hint_label = label(pt=13, name="Muted")
        text_column = QVBoxLayout()
        text_column.setSpacing(6)
        text_column.addWidget(self.text_label)
        text_column.addWidget(self.text_edit, 1)
        notes = QHBoxLayout()
        notes.addWidget(self.hint_label, 1)
        notes.addWidget(self.count_label, 0)
        text_column.addLayout(notes)

        self.mobile_label = label(pt=16, bold=True)
        self.mobile_field = QLineEdit(self.form_page)
        self.mobile_field.setObjectName("CodeField")
        self.mobile_field.setMaxLength(MAX_MOBILE)
        self.mobile_field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.mobile_field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mobile_field.setFont(theme.app_font(24, bold=True))
        self.mobile_field.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.mobile_field.textChanged.connect(lambda _text: self.activity.emit())
        self.pad = DigitPad(self.form_page)
        self.pad.set_compact(True)
        self.pad.digit.connect(self._type_digit)
        self.pad.deleted.connect(self.mobile_field.backspace)
        self.pad.cleared.connect(self.mobile_field.clear)
        mobile_column = QVBoxLayout()
        mobile_column.setSpacing(6)
        mobile_column.addWidget(self.mobile_label)
        mobile_column.addWidget(self.mobile_field)
        mobile_column.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        mobile_column.addStretch(1)

        body = QHBoxLayout()
        body.setSpacing(24)
        body.addLayout(text_column, 3)
        body.addLayout(mobile_column, 2)

        self.message_label = NoticeLabel()
        self.spinner = Spinner(self.form_page)
        self.send_button = TextButton(self.form_page)
        self.cancel_button = TextButton(self.form_page)
        for button in (self.send_button, self.cancel_button):
            button.setFont(theme.app_font(20, bold=True))
            button.setObjectName("BigButton")
        theme.set_role(self.send_button, "primary")
        self.send_button.clicked.connect(self._send)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button, 2)
        buttons.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons.addWidget(self.cancel_button, 1)

        form = QVBoxLayout(self.form_page)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(8)
        form.addLayout(kinds_row)
        form.addLayout(body, 1)
        form.addWidget(self.message_label)
        form.addLayout(buttons)

        # ── the reference ──
        self.received_label = label(pt=24, bold=True)
        self.reference_caption = label(pt=20)
        self.reference_label = TicketNumberLabel("", self.result_page, size_pt=72)
        self.reference_label.setObjectName("BigNumber")
        self.reference_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.print_label = label(pt=22, bold=True, name="PrintStatus")
        self.print_label.setMinimumHeight(56)
        self.keep_label = label(pt=18)
        self.done_button = TextButton(self.result_page)
        self.done_button.setFont(theme.app_font(20, bold=True))
        self.done_button.setObjectName("BigButton")
        theme.set_role(self.done_button, "primary")
        self.done_button.clicked.connect(self.done_clicked.emit)
        result = QVBoxLayout(self.result_page)
        result.setSpacing(12)
        result.addStretch(1)
        for widget in (self.received_label, self.reference_caption, self.reference_label, self.print_label, self.keep_label):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            result.addWidget(widget)
        result.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignHCenter)
        result.addStretch(1)

        # A touch anywhere on the form (the text box included) keeps it from going idle.
        for widget in (self, self.text_edit.viewport(), self.mobile_field):
            widget.installEventFilter(self)
        self.reset()

    # what the desk tells it

    @property
    def showing_reference(self) -> bool:
        return self.pages.currentWidget() is self.result_page

    def reset(self) -> None:
        """A blank form for the next visitor."""
        self.kind_group.setExclusive(False)
        for button in self.kind_buttons.values():
            button.setChecked(False)
        self.kind_group.setExclusive(True)
        self.kind = None
        self.text_edit.clear()
        self.mobile_field.clear()
        self.reference = ""
        self.reference_label.set_number("")
        self.print_phase = "none"
        self.set_message(None)
        self.set_sending(False)
        self.pages.setCurrentWidget(self.form_page)
        self.retranslate(self._language)

    def set_sending(self, sending: bool) -> None:
        """While the hub files it nothing can be changed or sent twice."""
        self.sending = sending
        self.send_button.setEnabled(not sending)
        self.cancel_button.setEnabled(not sending)
        for button in self.kind_buttons.values():
            button.setEnabled(not sending)
        self.text_edit.setReadOnly(sending)
        self.mobile_field.setReadOnly(sending)
        self.pad.setEnabled(not sending)
        self.spinner.set_running(sending)
        if sending:
            self.set_message(text_of("kiosk.voice.sending"), kind="info")
        elif self.message_label.property("kind") == "info":
            self.set_message(None)

    def set_message(self, message: Text | None, *, kind: str = "error") -> None:
        self._message = message
        self.message_label.set_kind(kind)
        self.message_label.setVisible(message is not None)
        if message is not None:
            self.message_label.setText(message.in_language(self._language))

    def show_reference(self, reference: str, *, printing: bool) -> None:
        self.reference = reference
        self.reference_label.set_number(reference)
        self.set_sending(False)
        self.pages.setCurrentWidget(self.result_page)
        self.set_print_phase("printing" if printing else "none")

    def set_print_phase(self, phase: str) -> None:
        self.print_phase = phase
        kind = {"printing": "working", "printed": "done", "failed": "failed", "none": "note"}[phase]
        self.print_label.setProperty("kind", kind)
        self.print_label.style().unpolish(self.print_label)
        self.print_label.style().polish(self.print_label)
        self.retranslate(self._language)

    # the visitor's touches

    def _choose(self, kind: str) -> None:
        self.kind = kind
        self.activity.emit()

    def _type_digit(self, digit: str) -> None:
        if len(self.mobile_field.text()) < MAX_MOBILE:
            self.mobile_field.insert(digit)
        self.activity.emit()

    def _text_changed(self) -> None:
        self.activity.emit()
        self._show_count()
        self._follow_direction()

    def _follow_direction(self) -> None:
        """The box reads the way its text starts, as a web page's dir="auto" does: Arabic typed on
        the English screen stands at the right; an empty box follows the kiosk's language."""
        rtl = text_is_rtl(self.text_edit.toPlainText(), default=self._language.is_rtl)
        direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        document = self.text_edit.document()
        option = document.defaultTextOption()
        if option.textDirection() == direction:
            return
        option.setTextDirection(direction)
        option.setAlignment(Qt.AlignmentFlag.AlignAbsolute | (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft))
        document.setDefaultTextOption(option)
        document.markContentsDirty(0, max(1, document.characterCount()))

    def _show_count(self) -> None:
        count = len(self.text_edit.toPlainText())
        self.count_label.setText(tr_in(self._language, "kiosk.voice.count", count=ltr(count), limit=ltr(MAX_TEXT)))
        self.count_label.setProperty("over", count > MAX_TEXT)

    def _send(self) -> None:
        if self.send_button.isEnabled():
            self.activity.emit()
            self.submitted.emit(self.kind or "", self.text_edit.toPlainText(), self.mobile_field.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.InputMethod,
                            QEvent.Type.TouchBegin):
            self.activity.emit()
        return False

    def retranslate(self, language: Language) -> None:
        self._language = language
        self.title_label.setText(tr_in(language, "kiosk.voice.title"))
        for kind, button in self.kind_buttons.items():
            button.setText(tr_in(language, f"kiosk.voice.kind.{kind}"))
            button.setAccessibleName(tr_in(language, f"kiosk.voice.kind.{kind}"))
            button.setAccessibleDescription(tr_in(language, "kiosk.voice.kind"))
        self.text_label.setText(tr_in(language, "kiosk.voice.text"))
        self.text_edit.setAccessibleName(tr_in(language, "kiosk.voice.text"))
        self._follow_direction()
        self.hint_label.setText(tr_in(language, "kiosk.voice.text_hint"))
        self.mobile_label.setText(tr_in(language, "kiosk.voice.mobile"))
        self.mobile_field.setAccessibleName(tr_in(language, "kiosk.voice.mobile"))
        self.send_button.setText(tr_in(language, "kiosk.voice.send"))
        self.cancel_button.setText(tr_in(language, "button.cancel"))
        self.pad.retranslate(language)
        for widget in (self.title_label, self.text_label, self.mobile_label, self.hint_label):
            widget.setAlignment(start_alignment(language))
        self._show_count()
        if self._message is not None:
            self.message_label.setText(self._message.in_language(language))
        self.received_label.setText(tr_in(language, "kiosk.voice.received"))
        self.reference_caption.setText(tr_in(language, "kiosk.voice.reference"))
        self.reference_label.setAccessibleName(f"{tr_in(language, 'kiosk.voice.reference')} {self.reference}")
        phase_key = {"printing": "kiosk.voice.printing", "printed": "kiosk.voice.printed",
                     "failed": "kiosk.voice.not_printed"}.get(self.print_phase)
        self.print_label.setText(tr_in(language, phase_key) if phase_key else "")
        self.print_label.setVisible(phase_key is not None)
        self.keep_label.setText(tr_in(language, "kiosk.voice.keep"))
        self.done_button.setText(tr_in(language, "kiosk.voice.done"))


class VoiceDesk(QObject):
    """Files what the form holds at the hub, shows the reference, prints the slip."""

    filed = Signal(object)  # contract.PublicFeedback, as the hub answered
    slip_printed = Signal(object)  # PrintResult

    def __init__(self, window: KioskWindow, screen: VoiceScreen, *, idle_ms: int = IDLE_MS,
                 done_return_ms: int = DONE_RETURN_MS) -> None:
        super().__init__(window)
        self.window = window
        self.screen = screen
        self.last_filed: contract.PublicFeedback | None = None
        self.last_print: PrintResult | None = None
        self.idle_timer = self._single_shot(self._idle, idle_ms)
        self.done_timer = self._single_shot(self.leave, done_return_ms)
        screen.submitted.connect(self.submit)
        screen.cancelled.connect(self.leave)
        screen.done_clicked.connect(self.leave)
        screen.activity.connect(self._touched)

    def _single_shot(self, slot: Callable[[], None], interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(max(1, int(interval_ms)))
        timer.timeout.connect(slot)
        return timer

    def open(self) -> None:
        """The home screen's button: a blank form."""
        if self.window.issuing:
            return
        self.screen.reset()
        self.window.show_screen("voice")
        self.idle_timer.start()

    def leave(self) -> None:
        """Back to the start screen; the form is cleared for the next visitor."""
        self.idle_timer.stop()
        self.done_timer.stop()
        if self.screen.sending:
            return
        self.screen.reset()
        if self.window.screen_name == "voice":
            self.window.go_home()

    def _touched(self) -> None:
        if self.window.screen_name == "voice" and not self.screen.showing_reference:
            self.idle_timer.start()

    def _idle(self) -> None:
        if self.window.screen_name != "voice":
            return
        if self.screen.sending:  # the hub's answer (or the client's timeout) comes first
            self.idle_timer.start()
            return
        self.screen.reset()
        self.window._idle_reset()

    def submit(self, kind: str, text: str, mobile: str) -> None:
        if self.screen.sending:
            return
        if kind not in KINDS:
            self.screen.set_message(text_of("kiosk.voice.choose_kind"))
            return
        cleaned = clean_text(text)
        if not cleaned:
            self.screen.set_message(text_of("kiosk.voice.empty"))
            return
        if len(cleaned) > MAX_TEXT:
            limit_text = text_of("kiosk.voice.too_long")
            self.screen.set_message(Text(limit_text.ar.format(count=ltr(len(cleaned)), limit=ltr(MAX_TEXT)),
                                         limit_text.en.format(count=len(cleaned), limit=MAX_TEXT)))
            return
        body: dict[str, Any] = {"kind": kind, "text": cleaned}
        if mobile.strip():
            body["mobile"] = mobile.strip()
        self.screen.set_sending(True)
        self.window.client.post("/public/feedback", body, self.window._alive(self._on_filed), answer=_FILED)

    def _on_filed(self, answer: contract.PublicFeedback | None, error: HubError | None) -> None:
        self.screen.set_sending(False)
        if error is not None or answer is None:
            log.info("feedback not filed: %s", error)
            if error is None or error.unreachable or error.status == 0 or error.status >= 500:
                self.screen.set_message(text_of("kiosk.voice.unreachable"))
            else:
                self.screen.set_message(Text(error.message_ar, error.message_en))
            self.idle_timer.start()
            return
        self.last_filed = answer
        self.idle_timer.stop()
        printer = self.window.printer
        self.screen.show_reference(answer.reference, printing=printer is not None)
        self.filed.emit(answer)
        self.done_timer.start()
        if printer is not None:
            self._print(printer, answer)

    def _print(self, printer: str, filed: contract.PublicFeedback) -> None:
        centre = self.window.client.state.centre
        job = dict(
            centre=centre.to_dict() if centre is not None else {},
            filed_at=filed.created_at,
            language=self.window.language.value,
            width=self.window.width_dots,
            hub_url=self.window.client.hub_url,
        )
        reference, kind = filed.reference, filed.kind
        self.window.tasks.run(
            lambda: print_reference_slip(printer, reference, kind, **job),
            on_done=lambda result: self._printed(reference, result),
            on_error=lambda error: self._printed(reference, PrintResult(False, "error", text_of("kiosk.print_failed"))),
        )

    def _printed(self, reference: str, result: PrintResult) -> None:
        self.last_print = result
        self.slip_printed.emit(result)
        self.window._note_printer_state(result.state, result.message)
        if self.screen.showing_reference and self.screen.reference == reference:
            self.screen.set_print_phase("printed" if result.printed else "failed")

    def stop(self) -> None:
        self.idle_timer.stop()
        self.done_timer.stop()
