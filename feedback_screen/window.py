"""The feedback screen's one window: idle, the five faces after a visit at its counter, thanks.

Arabic first with English a tap away on the faces: the switch changes the words for this visitor
and restarts their 30 s; the next visit finds the screen in its own language again."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from core.contract import TicketFinished
from feedback_screen.strings import FACES, TEXT
from qt_common.hub_client import HubClient, HubEventHandlers

FACES_SECONDS = 30  # how long the faces wait for a tap after a visit
THANKS_SECONDS = 6


class FeedbackWindow(QWidget, HubEventHandlers):
    """Shows the faces for `FACES_SECONDS` after each `ticket.finished` at `counter_number`;
    a tap sends that ticket's rating and thanks the visitor; then the calm idle screen."""

    def __init__(self, client: HubClient, counter_number: int, *, language: str = "ar",
                 faces_seconds: float = FACES_SECONDS, thanks_seconds: float = THANKS_SECONDS) -> None:
        super().__init__()
        self.client = client
        self.counter_number = counter_number
        self.language = "ar" if language == "ar" else "en"
        self.default_language = self.language
        self.ticket_id: int | None = None
        self.last_error = None  # the hub's refusal of the last rating, if any (logged by the client)
        self.setObjectName("feedback-screen")
        self.setStyleSheet(
            "#feedback-screen{background:#f4f6f5} QLabel{color:#1b1f1d}"
            "QPushButton.face{background:#fff;border:3px solid #c9d1cc;border-radius:18px;min-width:120px;min-height:220px}"
            "QPushButton.face:pressed{border-color:#006c35;background:#e3f2e9}"
            "QPushButton.face:focus{border-color:#8a5c00}"
            "QPushButton#language{background:#fff;color:#006c35;border:2px solid #006c35;border-radius:12px;"
            "padding:8px 24px;min-height:56px}"
        )
        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)
        self.idle = self._page_idle()
        self.faces = self._page_faces()
        self.thanks = self._page_thanks()
        for page in (self.idle, self.faces, self.thanks):
            self.pages.addWidget(page)
        self.back_to_idle = QTimer(self)
        self.back_to_idle.setSingleShot(True)
        self.back_to_idle.timeout.connect(self.show_idle)
        self.faces_ms = int(faces_seconds * 1000)
        self.thanks_ms = int(thanks_seconds * 1000)
        self.connect_hub(client)
        self.retranslate()
        self.show_idle()

    # ── pages ────────────────────────────────────────────────────────────────────────────

    def _text(self, key: str):
        return TEXT[self.language][key]

    def _label(self, text: str, size: int, bold: bool = False) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        font = label.font()
        font.setPointSize(size)
        font.setBold(bold)
        label.setFont(font)
        return label

    def _page_idle(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.idle_label = self._label("", 40, True)
        self.idle_note = self._label("", 20)
        layout.addWidget(self.idle_label)
        layout.addWidget(self.idle_note)
        layout.addStretch(1)
        return page

    def _page_faces(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.language_button = QPushButton()
        self.language_button.setObjectName("language")
        font = self.language_button.font()
        font.setPointSize(18)
        font.setBold(True)
        self.language_button.setFont(font)
        self.language_button.clicked.connect(self.toggle_language)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.language_button)
        layout.addLayout(top)
        layout.addStretch(1)
        self.question = self._label("", 34, True)
        layout.addWidget(self.question)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.face_buttons: list[QPushButton] = []
        self.face_names: list[QLabel] = []
        for score, face in enumerate(FACES, start=1):
            button = QPushButton()
            button.setProperty("class", "face")
            button.setObjectName(f"face-{score}")
            # The face as large as the words are readable from a step back; the words under it.
            glyph = self._label(face, 60)
            glyph.setWordWrap(False)
            name = self._label("", 20, True)
            inner = QVBoxLayout(button)
            inner.setContentsMargins(4, 8, 4, 8)
            for part in (glyph, name):
                part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                inner.addWidget(part)
            button.clicked.connect(lambda _=False, s=score: self.rate(s))
            row.addWidget(button)
            self.face_buttons.append(button)
            self.face_names.append(name)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _page_thanks(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.thanks_label = self._label("", 32, True)
        layout.addWidget(self.thanks_label)
        layout.addStretch(1)
        return page

    def retranslate(self) -> None:
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if self.language == "ar" else Qt.LayoutDirection.LeftToRight)
        self.idle_label.setText(self._text("idle"))
        self.idle_note.setText(self._text("idle_note"))
        self.question.setText(self._text("question"))
        for button, name_label, name in zip(self.face_buttons, self.face_names, self._text("faces"), strict=True):
            name_label.setText(name)
            button.setAccessibleName(name)
        # The switch names the language it switches to, in that language.
        self.language_button.setText(self._text("switch"))
        self.language_button.setAccessibleName(self._text("switch"))
        if self.pages.currentWidget() is self.thanks and self.ticket_id is None:
            self.thanks_label.setText(self._text("thanks"))

    def toggle_language(self) -> None:
        """This visitor's language; they get their 30 s again to choose a face."""
        self.language = "en" if self.language == "ar" else "ar"
        self.retranslate()
        if self.pages.currentWidget() is self.faces:
            self.back_to_idle.start(self.faces_ms)

    # ── what happens ─────────────────────────────────────────────────────────────────────

    def show_idle(self) -> None:
        self.ticket_id = None
        if self.language != self.default_language:
            self.language = self.default_language
            self.retranslate()
        self.pages.setCurrentWidget(self.idle)

    def on_ticket_finished(self, event: TicketFinished) -> None:
        ticket = event.ticket
        if ticket.counter_number != self.counter_number or getattr(event, "closed_at_rollover", False):
            return
        self.ticket_id = ticket.id
        for button in self.face_buttons:
            button.setEnabled(True)
        self.pages.setCurrentWidget(self.faces)
        self.back_to_idle.start(self.faces_ms)

    def rate(self, score: int) -> None:
        if self.ticket_id is None:
            return
        for button in self.face_buttons:
            button.setEnabled(False)
        ticket_id = self.ticket_id
        self.client.post(f"/tickets/{ticket_id}/rating", {"score": score}, self._rated)

    def _rated(self, _answer, error) -> None:
        self.last_error = error
        # A refusal (rated already on the phone, say) still thanks the visitor: they did their part.
        self.thanks_label.setText(self._text("thanks") if error is None or getattr(error, "code", "") == "already_rated"
                                  else self._text("failed"))
        self.ticket_id = None
        self.pages.setCurrentWidget(self.thanks)
        self.back_to_idle.start(self.thanks_ms)

    def shutdown(self) -> None:
        self.back_to_idle.stop()
