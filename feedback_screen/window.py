"""The feedback screen's one window: idle, the five faces after a visit at its counter, thanks."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QHBoxLayout, QWidget

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
        self.ticket_id: int | None = None
        self.last_error = None  # the hub's refusal of the last rating, if any (logged by the client)
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if self.language == "ar" else Qt.LayoutDirection.LeftToRight)
        self.setObjectName("feedback-screen")
        self.setStyleSheet(
            "#feedback-screen{background:#f4f6f5} QLabel{color:#1b1f1d}"
            "QPushButton.face{background:#fff;border:3px solid #c9d1cc;border-radius:18px;min-width:120px;min-height:150px}"
            "QPushButton.face:pressed{border-color:#006c35;background:#e3f2e9}"
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
        layout.addWidget(self._label(self._text("idle"), 40, True))
        layout.addWidget(self._label(self._text("idle_note"), 20))
        layout.addStretch(1)
        return page

    def _page_faces(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.question = self._label(self._text("question"), 34, True)
        layout.addWidget(self.question)
        row = QHBoxLayout()
        self.face_buttons: list[QPushButton] = []
        for score, face in enumerate(FACES, start=1):
            name = self._text("faces")[score - 1]
            button = QPushButton(f"{face}\n{name}")
            button.setProperty("class", "face")
            button.setObjectName(f"face-{score}")
            button.setAccessibleName(name)
            font = button.font()
            font.setPointSize(26)
            button.setFont(font)
            button.clicked.connect(lambda _=False, s=score: self.rate(s))
            row.addWidget(button)
            self.face_buttons.append(button)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _page_thanks(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.thanks_label = self._label(self._text("thanks"), 32, True)
        layout.addWidget(self.thanks_label)
        layout.addStretch(1)
        return page

    # ── what happens ─────────────────────────────────────────────────────────────────────

    def show_idle(self) -> None:
        self.ticket_id = None
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
