"""The counter's screens: login, serving (ticket, actions, queue, figures), compact bar, dialogs.

Views read the `CounterModel` and call its actions; they never talk to the hub themselves.
Every text is set in `retranslate()`, which runs again when the language changes, and
layouts are built start-to-end so that Qt mirrors them in Arabic.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from qt_common import theme
from qt_common.appointments import appointment_mark
from qt_common.i18n import (
    Language,
    both,
    current_language,
    format_duration,
    has_key,
    language_notifier,
    ltr,
    tr,
    tr_plural,
)
from qt_common.widgets import StatusBadge, TextButton, TicketNumberLabel

from core.contract import Counter, MyScorecard, Service, ServiceFigures
from core.models import CounterStatus, TicketStatus
from counter_ui.model import PAUSE_REASONS, CounterModel
from counter_ui.strings import SHORTCUTS

QUEUE_ROWS_SHOWN = 60
CALL_BUTTON_PX = theme.TOUCH_TARGET_PX * 3 // 2


def localized_name(item: Service | Counter | ServiceFigures | None, fallback: str = "") -> str:
    """A contract object's `name_ar` / `name_en` (`name` is a counter's English) in the current language."""
    if item is None:
        return fallback
    arabic = item.name_ar
    english = item.name if isinstance(item, Counter) else item.name_en
    if current_language() is Language.AR:
        return str(arabic or english or fallback)
    return str(english or arabic or fallback)


def clock_text(seconds: float | None) -> str:
    """A running time as `mm:ss` (or `h:mm:ss`), always left to right."""
    if seconds is None:
        return "—"
    whole = int(max(0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def with_shortcut(key: str, action: str) -> str:
    return tr("counter_ui.shortcut", action=tr(key), keys=SHORTCUTS[action])


def card() -> QFrame:
    frame = QFrame()
    theme.set_role(frame, theme.Role.CARD)
    return frame


def label(role: theme.Role | None = None, size_pt: float | None = None, bold: bool = False, wrap: bool = True) -> QLabel:
    widget = QLabel()
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(wrap)
    if size_pt is not None:
        widget.setFont(theme.app_font(size_pt, bold=bold))
    if role is not None:
        theme.set_role(widget, role)
    return widget


def fit_to_text(widget: QWidget) -> None:
    """Keep a styled label or button at least as wide as its text and padding.

    A layout keeps the size hint it read before the text (or the style's padding) was set;
    the widget's own hint is current.
    """
    if isinstance(widget, QLabel) and widget.contentsMargins().left() < 8:
        # The theme's badge padding does not reach the label's size hint; margins do.
        widget.setContentsMargins(10, 2, 10, 2)
    widget.setMinimumWidth(widget.sizeHint().width())


def counter_label(counter: Counter | None) -> str:
    if counter is None:
        return ""
    name = localized_name(counter)
    return name or tr("counter.name", number=counter.number)


# --- login ----------------------------------------------------------------------------------


class LoginPage(QWidget):
    """User name and PIN at a chosen counter (or the counter this device was set up for)."""

    enroll_requested = Signal(str)

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.title = label(theme.Role.TITLE)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counter_caption = label()
        self.counter_combo = QComboBox()
        self.counter_combo.setMinimumHeight(theme.TOUCH_TARGET_PX)
        self.counter_note = label(theme.Role.MUTED)
        self.username_caption = label()
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.username.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.pin_caption = label()
        self.pin = QLineEdit()
        self.pin.setMaxLength(12)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9]{0,12}"), self.pin))
        self.pin.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.submit = TextButton()
        theme.set_role(self.submit, theme.Role.PRIMARY)
        self.submit.setMinimumHeight(theme.TOUCH_TARGET_PX + 8)
        self.submit.clicked.connect(self.try_login)
        self.pin.returnPressed.connect(self.try_login)
        self.username.returnPressed.connect(self.pin.setFocus)

        self.enroll_box = QFrame()
        self.enroll_prompt = label()
        self.enroll_code = QLineEdit()
        self.enroll_code.setMaxLength(64)
        self.enroll_submit = TextButton()
        self.enroll_submit.clicked.connect(lambda: self.enroll_requested.emit(self.enroll_code.text().strip()))
        enroll_layout = QVBoxLayout(self.enroll_box)
        enroll_layout.setContentsMargins(0, 0, 0, 0)
        enroll_layout.addWidget(self.enroll_prompt)
        row = QHBoxLayout()
        row.addWidget(self.enroll_code, 1)
        row.addWidget(self.enroll_submit)
        enroll_layout.addLayout(row)
        self.enroll_box.hide()

        box = card()
        box.setMaximumWidth(620)
        self.form = QVBoxLayout(box)
        self.form.setContentsMargins(32, 28, 32, 28)
        self.form.setSpacing(10)
        self.form.addWidget(self.title)
        self.fields = QGridLayout()
        self.fields.setSpacing(10)
        self.form.addLayout(self.fields)
        self.form.addSpacing(8)
        self.form.addWidget(self.submit)
        self.form.addWidget(self.enroll_box)
        self._dense: bool | None = None
        self.set_dense(False)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(box, 4)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)

        model.counter_changed.connect(self.fill_counters)
        model.busy_changed.connect(lambda busy: self.submit.setEnabled(not busy))
        language_notifier().language_changed.connect(self.retranslate)
        self.retranslate()

    def set_dense(self, dense: bool) -> None:
        """Captions above their fields, or beside them on a short window."""
        if dense == self._dense:
            return
        self._dense = dense
        rows = ((self.counter_caption, self.counter_combo), (self.username_caption, self.username), (self.pin_caption, self.pin))
        for caption, field in rows:
            self.fields.removeWidget(caption)
            self.fields.removeWidget(field)
        self.fields.removeWidget(self.counter_note)
        line = 0
        for caption, field in rows:
            if dense:
                self.fields.addWidget(caption, line, 0)
                self.fields.addWidget(field, line, 1)
            else:
                self.fields.addWidget(caption, line, 0, 1, 2)
                line += 1
                self.fields.addWidget(field, line, 0, 1, 2)
            line += 1
            if field is self.counter_combo:
                self.fields.addWidget(self.counter_note, line, 0, 1, 2)
                line += 1
        self.fields.setColumnStretch(1, 1)
        self.form.setContentsMargins(*((24, 12, 24, 12) if dense else (32, 28, 32, 28)))
        self.form.setSpacing(6 if dense else 10)

    def retranslate(self, *_: object) -> None:
        self.title.setText(tr("counter_ui.login.title"))
        self.counter_caption.setText(tr("counter_ui.login.counter"))
        self.username_caption.setText(tr("counter_ui.login.username"))
        self.pin_caption.setText(tr("counter_ui.login.pin"))
        self.submit.setText(tr("counter_ui.login.submit"))
        self.enroll_prompt.setText(tr("counter_ui.enroll.prompt"))
        self.enroll_code.setPlaceholderText(tr("counter_ui.enroll.code"))
        self.enroll_submit.setText(tr("counter_ui.enroll.submit"))
        self.fill_counters()

    def fill_counters(self) -> None:
        chosen = self.counter_combo.currentData()
        counters = self.model.counters()
        self.counter_combo.blockSignals(True)
        self.counter_combo.clear()
        for counter in counters:
            self.counter_combo.addItem(counter_label(counter), counter.id)
        fixed = self.model.resolve_counter()
        if fixed is not None:
            chosen = fixed
        index = self.counter_combo.findData(chosen) if chosen is not None else -1
        if index < 0 and counters:
            # Prefer a closed counter: an open one has a clerk already.
            index = next((i for i, c in enumerate(counters) if c.status is CounterStatus.CLOSED), 0)
        self.counter_combo.setCurrentIndex(index)
        self.counter_combo.setEnabled(fixed is None and bool(counters))
        self.counter_combo.blockSignals(False)
        if not counters:
            self.counter_note.setText(tr("counter_ui.login.loading"))
        elif self.model.counter_number is not None and fixed is None:
            self.counter_note.setText(tr("counter_ui.login.unknown_counter", number=self.model.counter_number))
        else:
            counter = self.model.client.state.counter(self.counter_combo.currentData())
            clerk = counter.clerk if counter and counter.status is not CounterStatus.CLOSED else None
            self.counter_note.setText(tr("counter_ui.login.counter_busy", clerk=clerk) if clerk else "")
        self.counter_note.setVisible(bool(self.counter_note.text()))

    def try_login(self) -> None:
        counter_id = self.counter_combo.currentData()
        if counter_id is None:
            self.model.say(both("counter_ui.login.no_counter"), "error")
            return
        if not self.username.text().strip() or not self.pin.text().strip():
            self.model.say(both("counter_ui.login.missing"), "error")
            return
        self.model.login(self.username.text(), self.pin.text(), counter_id, self._after_login)

    def _after_login(self, error: object) -> None:
        self.pin.clear()
        if error is None:
            self.username.clear()

    def show_enrollment(self, visible: bool = True) -> None:
        self.enroll_box.setVisible(visible)


# --- the ticket in hand ---------------------------------------------------------------------


class TicketCard(QFrame):
    """The ticket at the counter: number, service, priority, wait, running service timer, recalls."""

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        theme.set_role(self, theme.Role.CARD)
        self.number = TicketNumberLabel(size_pt=48)
        self.status_badge = StatusBadge()
        self.priority_badge = label(wrap=False)
        self.priority_badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service = label(size_pt=16, bold=True)
        self.waited = label(size_pt=15)
        self.timer = label(size_pt=19, bold=True)
        self.recalls = label(theme.Role.MUTED, size_pt=14)
        self.transferred = label(theme.Role.MUTED, size_pt=14)
        self.empty_title = label(theme.Role.HEADING)
        self.empty_hint = label(theme.Role.MUTED)
        for widget in (self.service, self.waited, self.timer, self.recalls, self.transferred, self.empty_title, self.empty_hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        badges = QHBoxLayout()
        badges.setSpacing(10)
        badges.addStretch(1)
        badges.addWidget(self.status_badge)
        badges.addWidget(self.priority_badge)
        badges.addStretch(1)
        facts = QHBoxLayout()
        facts.setSpacing(24)
        facts.addStretch(1)
        facts.addWidget(self.waited)
        facts.addWidget(self.recalls)
        facts.addStretch(1)
        self.facts = facts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(2)
        layout.addStretch(1)
        layout.addWidget(self.number)
        layout.addLayout(badges)
        layout.addWidget(self.service)
        layout.addLayout(facts)
        for widget in (self.timer, self.transferred, self.empty_title, self.empty_hint):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.column = layout
        model.ticket_changed.connect(self.refresh)
        language_notifier().language_changed.connect(self.refresh)
        self.refresh()

    def set_dense(self, dense: bool) -> None:
        """Smaller figures for a short window, so the steps below stay on screen."""
        self.number.setFont(theme.app_font(36 if dense else 48, bold=True))
        self.timer.setFont(theme.app_font(16 if dense else 19, bold=True))
        self.service.setFont(theme.app_font(14 if dense else 16, bold=True))
        self.waited.setFont(theme.app_font(13 if dense else 15))
        self.column.setContentsMargins(*((16, 4, 16, 4) if dense else (16, 8, 16, 8)))
        # Dense: the running time joins the waited time and the recalls on one line.
        self.facts.removeWidget(self.timer)
        self.column.removeWidget(self.timer)
        if dense:
            self.facts.insertWidget(1, self.timer)
        else:
            self.column.insertWidget(self.column.indexOf(self.transferred), self.timer)

    def refresh(self, *_: object) -> None:
        ticket = self.model.ticket
        has = ticket is not None
        for widget in (self.number, self.status_badge, self.service, self.waited, self.timer, self.recalls):
            widget.setVisible(has)
        self.empty_title.setVisible(not has)
        self.empty_hint.setVisible(not has)
        if ticket is None:
            self.priority_badge.hide()
            self.transferred.hide()
            self.number.set_number("")
            self.empty_title.setText(tr("counter_ui.ticket.none"))
            self.empty_hint.setText(tr("counter_ui.ticket.none_hint"))
            return
        self.number.set_number(ticket.number or "?")
        status = ticket.status.value
        if has_key(f"ticket.status.{status}"):
            self.status_badge.set_ticket_status(status)
            fit_to_text(self.status_badge)
        priority = ticket.priority.value
        appointment = appointment_mark(ticket)
        self.priority_badge.setVisible(appointment is not None or (priority != "normal" and has_key(f"priority.{priority}")))
        if self.priority_badge.isVisible():
            self.priority_badge.setText(appointment or tr(f"priority.{priority}"))
            theme.set_status(self.priority_badge, theme.Status.PRIORITY)
            fit_to_text(self.priority_badge)
        service = self.model.service(ticket.service_id)
        self.service.setText(tr("counter_ui.ticket.service", name=localized_name(service, "?")))
        origin = self.model.service(ticket.transferred_from_service_id)
        self.transferred.setVisible(origin is not None)
        if origin is not None:
            self.transferred.setText(tr("counter_ui.ticket.transferred_from", name=localized_name(origin)))
        self.recalls.setText(tr_plural("counter_ui.ticket.recalls", max(0, ticket.recalls)))
        self.tick()

    def tick(self) -> None:
        ticket = self.model.ticket
        if ticket is None:
            return
        self.waited.setText(tr("counter_ui.ticket.waited", duration=format_duration(self.model.waited_seconds(ticket))))
        serving = self.model.service_seconds()
        if ticket.status is TicketStatus.SERVING:
            self.timer.setText(tr("counter_ui.ticket.serving_for", clock=ltr(clock_text(serving))))
        else:
            self.timer.setText(tr("counter_ui.ticket.called_for", clock=ltr(clock_text(self.model.since_call_seconds()))))


# --- actions ---------------------------------------------------------------------------------


class ActionPanel(QWidget):
    """Call next (big), the steps on the ticket in hand, serve a number, pause."""

    transfer_requested = Signal()
    pause_requested = Signal()

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.call_next = TextButton()
        theme.set_role(self.call_next, theme.Role.PRIMARY)
        self.call_next.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_dense(False)
        self.recall = TextButton()
        self.start = TextButton()
        self.finish = TextButton()
        self.no_show = TextButton()
        self.transfer = TextButton()
        self.pause = TextButton()
        theme.set_role(self.start, theme.Role.PRIMARY)
        theme.set_role(self.finish, theme.Role.PRIMARY)
        theme.set_role(self.no_show, theme.Role.DANGER)
        self.number_input = QLineEdit()
        self.number_input.setMaxLength(12)
        self.number_input.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.call_number = TextButton()

        self.call_next.clicked.connect(model.call_next)
        self.recall.clicked.connect(model.recall)
        self.start.clicked.connect(model.start)
        self.finish.clicked.connect(model.finish)
        self.no_show.clicked.connect(model.no_show)
        self.transfer.clicked.connect(self.transfer_requested.emit)
        self.pause.clicked.connect(self.pause_requested.emit)
        self.call_number.clicked.connect(self._call_number)
        self.number_input.returnPressed.connect(self._call_number)

        grid = QGridLayout()
        grid.setSpacing(8)
        grid.addWidget(self.recall, 0, 0)
        grid.addWidget(self.start, 0, 1)
        grid.addWidget(self.finish, 0, 2)
        grid.addWidget(self.no_show, 1, 0)
        grid.addWidget(self.transfer, 1, 1)
        grid.addWidget(self.pause, 1, 2)
        number_row = QHBoxLayout()
        number_row.addWidget(self.number_input, 1)
        number_row.addWidget(self.call_number)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.call_next)
        layout.addLayout(grid)
        layout.addLayout(number_row)

        for signal in (model.ticket_changed, model.counter_changed, model.busy_changed, model.session_changed):
            signal.connect(self.refresh)
        language_notifier().language_changed.connect(self.retranslate)
        self.retranslate()

    def set_dense(self, dense: bool) -> None:
        """A lower Call next for a short window; still the largest target on the page."""
        self.call_next.setMinimumHeight(theme.TOUCH_TARGET_PX + 8 if dense else CALL_BUTTON_PX)
        # A widget's own font loses to the application stylesheet; its own sheet does not.
        size = 20 if dense else 24
        self.call_next.setStyleSheet(f"QPushButton {{ font-size: {size}pt; font-weight: bold; }}")

    def retranslate(self, *_: object) -> None:
        self.call_next.setText(with_shortcut("counter_ui.action.call_next", "call_next"))
        self.recall.setText(with_shortcut("counter_ui.action.recall", "recall"))
        self.start.setText(with_shortcut("counter_ui.action.start", "start"))
        self.finish.setText(with_shortcut("counter_ui.action.finish", "finish"))
        self.no_show.setText(with_shortcut("counter_ui.action.no_show", "no_show"))
        self.transfer.setText(with_shortcut("counter_ui.action.transfer", "transfer"))
        self.pause.setText(with_shortcut("counter_ui.action.pause", "pause"))
        self.call_number.setText(tr("counter_ui.action.call_number"))
        self.number_input.setPlaceholderText(tr("counter_ui.action.number_hint"))
        self.refresh()

    def refresh(self, *_: object) -> None:
        model = self.model
        idle = model.logged_in and not model.busy
        open_ = model.status == "open"
        status = model.ticket_status
        # Call-next is offered while serving too: the hub finishes the visitor first.
        self.call_next.setEnabled(idle and open_ and status != "called")
        self.recall.setEnabled(idle and status == "called")
        self.start.setEnabled(idle and status == "called")
        self.no_show.setEnabled(idle and status == "called")
        self.finish.setEnabled(idle and status == "serving")
        self.transfer.setEnabled(idle and status == "serving")
        self.pause.setEnabled(idle and open_ and status is None)
        self.call_number.setEnabled(idle and open_ and status != "called")
        self.number_input.setEnabled(idle and open_)

    def _call_number(self) -> None:
        text = self.number_input.text()
        if not self.call_number.isEnabled():
            return
        self.model.call_number(text)
        self.number_input.clear()


# --- queue and figures ------------------------------------------------------------------------


class QueuePanel(QFrame):
    """This counter's waiting visitors, live, with those past their service's target wait marked."""

    counted = Signal(int)  # how many wait, after each redraw

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        theme.set_role(self, theme.Role.CARD)
        self.title = label(theme.Role.HEADING, wrap=False)
        self.count = label(size_pt=16, bold=True)
        self.breaches = label(wrap=True)
        theme.set_status(self.breaches, theme.Status.ERROR)
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.list.setWordWrap(True)  # a marked row (priority, remote, late) wraps rather than hides its end
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.count)
        layout.addWidget(self.breaches)
        layout.addWidget(self.list, 1)
        # A busy hall sends hundreds of events a second: redraw at most every REDRAW_MS.
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(self.REDRAW_MS)
        self._redraw.timeout.connect(self.refresh)
        model.queue_changed.connect(self.schedule)
        model.counter_changed.connect(self.schedule)
        language_notifier().language_changed.connect(self.refresh)
        self.refresh()

    REDRAW_MS = 150

    def schedule(self, *_: object) -> None:
        if not self._redraw.isActive():
            self._redraw.start()

    def refresh(self, *_: object) -> None:
        self._redraw.stop()
        self.title.setText(tr("counter_ui.queue.title"))
        queue = self.model.queue()
        self.count.setText(tr("counter_ui.queue.count", n=len(queue)))
        self.counted.emit(len(queue))
        breaches = [t for t in queue if self.model.is_breach(t)]
        self.breaches.setVisible(bool(breaches))
        self.breaches.setText(tr("counter_ui.queue.breaches", n=len(breaches)))
        self.list.clear()
        if not queue:
            item = QListWidgetItem(tr("counter_ui.queue.empty"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
            return
        late = theme.COLOURS.status_error
        for ticket in queue[:QUEUE_ROWS_SHOWN]:
            service = self.model.service(ticket.service_id)
            text = tr(
                "counter_ui.queue.item",
                number=ticket.number,
                service=localized_name(service, "?"),
                duration=format_duration(self.model.waited_seconds(ticket)),
            )
            priority = ticket.priority.value
            appointment = appointment_mark(ticket)
            if appointment is not None:
                text += f" · {appointment}"
            elif priority != "normal" and has_key(f"priority.{priority}"):
                text += f" · {tr(f'priority.{priority}')}"
            away = ticket.remote and ticket.arrived_at is None
            if ticket.remote:
                text += f" · {tr('counter_ui.queue.remote' if away else 'counter_ui.queue.remote_arrived')}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, ticket.id)
            if away:  # not in the hall: the hub skips it once if its turn comes first
                item.setForeground(QColor(theme.COLOURS.text_muted))
            if self.model.is_breach(ticket):
                item.setText(f"{text} · ⚠ {tr('counter_ui.queue.breach')}")
                item.setForeground(QColor(late))
                font = theme.app_font(theme.BASE_FONT_PT, bold=True)
                item.setFont(font)
            self.list.addItem(item)
        if len(queue) > QUEUE_ROWS_SHOWN:
            more = QListWidgetItem(tr("counter_ui.queue.more", n=len(queue) - QUEUE_ROWS_SHOWN))
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(more)


class FiguresPanel(QFrame):
    """The clerk's own figures of today: served, average service time; and their month's scorecard."""

    scorecard_requested = Signal()

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        theme.set_role(self, theme.Role.CARD)
        self.title = label(theme.Role.HEADING, wrap=False)
        self.served = label(size_pt=16)
        self.average = label(size_pt=16)
        self.month = TextButton()
        self.month.clicked.connect(self.scorecard_requested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.served)
        layout.addWidget(self.average)
        layout.addWidget(self.month)
        model.figures_changed.connect(self.refresh)
        language_notifier().language_changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_: object) -> None:
        self.title.setText(tr("counter_ui.figures.title"))
        self.month.setText(tr("counter_ui.figures.month"))
        self.served.setText(tr("counter_ui.figures.served", n=self.model.served_today))
        average = self.model.average_service_seconds
        self.average.setText(
            tr("counter_ui.figures.average", duration=format_duration(average))
            if average is not None
            else tr("counter_ui.figures.no_average")
        )


class PausedCard(QFrame):
    """Shown instead of the ticket while the counter is paused: the reason and a big Resume."""

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        theme.set_role(self, theme.Role.CARD)
        self.title = label(theme.Role.TITLE)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = label(size_pt=22, bold=True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.resume = TextButton()
        theme.set_role(self.resume, theme.Role.PRIMARY)
        self.resume.setMinimumHeight(CALL_BUTTON_PX)
        self.resume.setStyleSheet("QPushButton { font-size: 22pt; font-weight: bold; }")
        self.resume.clicked.connect(model.resume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.reason)
        layout.addSpacing(16)
        layout.addWidget(self.resume)
        layout.addStretch(1)
        model.counter_changed.connect(self.refresh)
        model.busy_changed.connect(self.refresh)
        language_notifier().language_changed.connect(self.refresh)
        self.refresh()

    def set_dense(self, dense: bool) -> None:
        self.layout().setContentsMargins(*((16, 8, 16, 8) if dense else (24, 24, 24, 24)))
        self.resume.setMinimumHeight(theme.TOUCH_TARGET_PX + 8 if dense else CALL_BUTTON_PX)
        theme.set_role(self.title, theme.Role.HEADING if dense else theme.Role.TITLE)

    def refresh(self, *_: object) -> None:
        self.title.setText(tr("counter_ui.paused.title"))
        self.reason.setText(pause_reason_text(self.model.pause_reason))
        self.resume.setText(tr("counter_ui.action.resume"))
        self.resume.setEnabled(not self.model.busy)


def pause_reason_text(reason: str | None) -> str:
    if not reason:
        return ""
    return tr(f"pause.{reason}") if has_key(f"pause.{reason}") else reason


# --- dialogs ----------------------------------------------------------------------------------


class TransferDialog(QDialog):
    """Pick the service to send the visitor on to; a search field narrows the list."""

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setModal(True)
        self.setMinimumSize(560, 520)
        self.heading = label(theme.Role.HEADING)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        self.list = QListWidget()
        self.list.setFont(theme.app_font(16))
        self.list.setStyleSheet(f"QListWidget::item {{ min-height: {theme.TOUCH_TARGET_PX}px; }}")
        self.list.itemDoubleClicked.connect(lambda _item: self.accept_choice())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.empty = label(theme.Role.MUTED)
        self.submit = TextButton()
        theme.set_role(self.submit, theme.Role.PRIMARY)
        self.submit.clicked.connect(self.accept_choice)
        self.cancel = TextButton()
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.chosen_service_id: int | None = None
        language_notifier().language_changed.connect(self.retranslate)
        self.retranslate()
        self.search.setFocus()

    def retranslate(self, *_: object) -> None:
        ticket = self.model.ticket
        self.setWindowTitle(tr("counter_ui.action.transfer"))
        self.heading.setText(tr("counter_ui.transfer.title", number=ticket.number if ticket else "?"))
        self.search.setPlaceholderText(tr("counter_ui.transfer.search"))
        self.submit.setText(tr("counter_ui.transfer.submit"))
        self.cancel.setText(tr("button.cancel"))
        self.empty.setText(tr("counter_ui.transfer.none"))
        self.filter()

    def candidates(self) -> list[Service]:
        current = self.model.ticket.service_id if self.model.ticket else None
        return [s for s in self.model.client.state.services.values() if s.id != current and s.enabled]

    def filter(self, *_: object) -> None:
        words = self.search.text().strip().casefold()
        chosen = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.list.clear()
        for service in self.candidates():
            haystack = " ".join(
                part or "" for part in (service.code, service.name_ar, service.name_en, service.group_ar, service.group_en)
            ).casefold()
            if words and not all(word in haystack for word in words.split()):
                continue
            text = tr(
                "counter_ui.transfer.item",
                code=service.code or "?",
                name=localized_name(service, "?"),
                waiting=tr_plural("waiting.people", service.waiting),
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, service.id)
            self.list.addItem(item)
            if service.id == chosen:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(self.list.count() == 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.submit.setEnabled(self.list.currentItem() is not None)

    def accept_choice(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen_service_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.accept()


def _share(value: float | None) -> str:
    return "—" if value is None else ltr(f"{value * 100:.1f}%")


def _score(value: float | None) -> str:
    return "—" if value is None else ltr(f"{value:.2f}")


def _seconds(value: float | None) -> str:
    return "—" if value is None else format_duration(value)


def shift_month(month: str, step: int) -> str:
    """`2026-11` moved by `step` months."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class ScorecardDialog(QDialog):
    """The logged-in clerk's own month beside the centre's (from the hub's typed scorecard):
    served, service times, target, absences and recalls, satisfaction, place in the league and
    the visits a complaint names (the ticket and where it stands, never what was written)."""

    ROWS = (
        ("served", "counter_ui.scorecard.served"),
        ("mean_service", "counter_ui.scorecard.mean_service"),
        ("median_service", "counter_ui.scorecard.median_service"),
        ("within_target", "counter_ui.scorecard.within_target"),
        ("no_show", "counter_ui.scorecard.no_show"),
        ("recall", "counter_ui.scorecard.recall"),
        ("satisfied", "counter_ui.scorecard.satisfied"),
        ("mean_score", "counter_ui.scorecard.mean_score"),
        ("ratings", "counter_ui.scorecard.ratings"),
        ("complaints", "counter_ui.scorecard.complaints"),
    )

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setModal(True)
        self.setMinimumSize(720, 660)
        self.month: str | None = None
        self.answer: Any = None
        self.heading = label(size_pt=18, bold=True)
        self.status = label(theme.Role.MUTED)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        self.head_mine = label(bold=True, size_pt=13)
        self.head_centre = label(bold=True, size_pt=13)
        for heading in (self.head_mine, self.head_centre):
            heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(self.head_mine, 0, 1)
        grid.addWidget(self.head_centre, 0, 2)
        self.names: dict[str, QLabel] = {}
        self.mine: dict[str, QLabel] = {}
        self.centre: dict[str, QLabel] = {}
        for row, (key, _text) in enumerate(self.ROWS, start=1):
            self.names[key] = label(size_pt=13, wrap=False)
            self.mine[key] = label(size_pt=15, bold=True)
            self.mine[key].setAccessibleName(key)
            self.centre[key] = label(size_pt=13)
            for value in (self.mine[key], self.centre[key]):
                # Centred: a number isolated left to right would otherwise sit at the wrong edge in Arabic.
                value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(self.names[key], row, 0)
            grid.addWidget(self.mine[key], row, 1)
            grid.addWidget(self.centre[key], row, 2)
        self.rank = label(size_pt=14, bold=True)
        self.fair = label(theme.Role.MUTED)
        self.complaints = QListWidget()
        self.complaints.setFont(theme.app_font(12))
        self.complaints.setMaximumHeight(120)
        self.previous = TextButton()
        self.previous.clicked.connect(lambda: self.load(shift_month(self.month, -1)) if self.month else None)
        self.next = TextButton()
        self.next.clicked.connect(lambda: self.load(shift_month(self.month, 1)) if self.month else None)
        self.close_button = TextButton()
        theme.set_role(self.close_button, theme.Role.PRIMARY)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous)
        buttons.addWidget(self.next)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addWidget(self.rank)
        layout.addWidget(self.fair)
        layout.addWidget(self.complaints)
        layout.addLayout(buttons)
        model.scorecard_loaded.connect(self.show_answer)
        language_notifier().language_changed.connect(self.retranslate)
        self.retranslate()
        self.load(None)

    def load(self, month: str | None) -> None:
        self.status.setText(tr("counter_ui.scorecard.loading"))
        self.status.setVisible(True)
        self.previous.setEnabled(False)
        self.next.setEnabled(False)
        self.model.load_scorecard(month)

    def show_answer(self, answer: Any) -> None:
        if not isinstance(answer, MyScorecard):
            self.status.setText(tr("counter_ui.scorecard.failed"))
            self.previous.setEnabled(self.month is not None)
            self.next.setEnabled(self.month is not None)
            return
        self.answer = answer
        self.month = answer.month
        self.status.setVisible(False)
        self.previous.setEnabled(True)
        self.next.setEnabled(True)
        self.retranslate()

    def retranslate(self, *_: object) -> None:
        self.setWindowTitle(tr("counter_ui.figures.month"))
        self.heading.setText(tr("counter_ui.scorecard.title", month=self.month or "…"))
        self.head_mine.setText(tr("counter_ui.scorecard.mine"))
        self.head_centre.setText(tr("counter_ui.scorecard.centre"))
        for key, text in self.ROWS:
            self.names[key].setText(tr(text))
        self.fair.setText(tr("counter_ui.scorecard.fair"))
        self.previous.setText(tr("counter_ui.scorecard.previous"))
        self.next.setText(tr("counter_ui.scorecard.next"))
        self.close_button.setText(tr("counter_ui.scorecard.close"))
        answer = self.answer
        if answer is None:
            return
        card, centre = answer.card, answer.centre
        mine = {
            "served": ltr(str(card.served)), "mean_service": _seconds(card.mean_service_seconds),
            "median_service": _seconds(card.median_service_seconds), "within_target": _share(card.within_target_share),
            "no_show": _share(card.no_show_rate), "recall": _share(card.recall_rate),
            "satisfied": _share(card.satisfaction.satisfied_share), "mean_score": _score(card.satisfaction.mean_score),
            "ratings": ltr(str(card.satisfaction.ratings)), "complaints": ltr(str(card.complaints)),
        }
        theirs = {
            "served": ltr(str(centre.served)), "mean_service": _seconds(centre.mean_service_seconds),
            "within_target": _share(centre.within_target_share), "satisfied": _share(centre.satisfaction.satisfied_share),
            "mean_score": _score(centre.satisfaction.mean_score), "ratings": ltr(str(centre.satisfaction.ratings)),
        }
        for key, _text in self.ROWS:
            self.mine[key].setText(mine[key])
            self.centre[key].setText(theirs.get(key, ""))
        if card.rank is not None:
            self.rank.setText(tr("counter_ui.scorecard.rank", rank=card.rank, ranked=answer.ranked))
        else:
            self.rank.setText(tr("counter_ui.scorecard.not_ranked", ratings=card.satisfaction.ratings, minimum=answer.min_ratings))
        self.complaints.clear()
        for visit in answer.complaints:
            self.complaints.addItem(tr("counter_ui.scorecard.complaint", number=visit.number, day=visit.business_day,
                                       status=tr(f"counter_ui.scorecard.status.{visit.status}")))
        if not answer.complaints:
            self.complaints.addItem(tr("counter_ui.scorecard.no_complaints"))


class PauseDialog(QDialog):
    """Three big reasons (prayer, break, back office) or a typed one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setMinimumWidth(480)
        self.heading = label(theme.Role.HEADING)
        self.reason_buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        for reason in PAUSE_REASONS:
            button = TextButton()
            button.setMinimumHeight(theme.TOUCH_TARGET_PX + 8)
            button.setStyleSheet("QPushButton { font-size: 18pt; font-weight: bold; }")
            button.clicked.connect(lambda _checked=False, r=reason: self.choose(r))
            self.reason_buttons[reason] = button
            layout.addWidget(button)
        self.other_caption = label()
        self.other = QLineEdit()
        self.other.setMaxLength(80)
        self.other_submit = TextButton()
        self.other_submit.clicked.connect(lambda: self.choose(self.other.text()))
        self.other.returnPressed.connect(lambda: self.choose(self.other.text()))
        row = QHBoxLayout()
        row.addWidget(self.other, 1)
        row.addWidget(self.other_submit)
        self.cancel = TextButton()
        self.cancel.clicked.connect(self.reject)
        layout.addSpacing(8)
        layout.addWidget(self.other_caption)
        layout.addLayout(row)
        layout.addWidget(self.cancel)
        self.reason: str | None = None
        language_notifier().language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_: object) -> None:
        self.setWindowTitle(tr("counter_ui.action.pause"))
        self.heading.setText(tr("counter_ui.pause.title"))
        for reason, button in self.reason_buttons.items():
            button.setText(tr(f"pause.{reason}"))
        self.other_caption.setText(tr("counter_ui.pause.other"))
        self.other.setPlaceholderText(tr("counter_ui.pause.other_hint"))
        self.other_submit.setText(tr("counter_ui.pause.other_submit"))
        self.cancel.setText(tr("button.cancel"))

    def choose(self, reason: str) -> None:
        text = reason.strip()
        if not text or len(text) > 80 or not text.isprintable():
            self.other.setFocus()
            self.other_caption.setText(tr("counter_ui.pause.invalid"))
            return
        self.reason = text
        self.accept()


# --- compact ----------------------------------------------------------------------------------


class CompactBar(QWidget):
    """A small strip for an always-on-top window: the ticket, the queue size and the main steps."""

    expand_requested = Signal()
    texts_changed = Signal()

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.number = TicketNumberLabel(size_pt=30)
        self.number.setMinimumWidth(150)
        self.status = label(size_pt=13, wrap=False)
        self.waiting = label(size_pt=13, bold=True, wrap=False)
        self.call_next = TextButton()
        theme.set_role(self.call_next, theme.Role.PRIMARY)
        self.call_next.setStyleSheet("QPushButton { font-weight: bold; padding: 6px 14px; }")
        self.step = TextButton()  # Start while called, Finish while serving
        self.recall = TextButton()
        self.no_show = TextButton()
        theme.set_role(self.no_show, theme.Role.DANGER)
        self.expand = TextButton()
        self.call_next.clicked.connect(model.call_next)
        self.step.clicked.connect(self._step)
        self.recall.clicked.connect(model.recall)
        self.no_show.clicked.connect(model.no_show)
        self.expand.clicked.connect(self.expand_requested.emit)
        info = QVBoxLayout()
        info.setSpacing(0)
        info.addWidget(self.status)
        info.addWidget(self.waiting)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(8)
        layout.addWidget(self.number)
        layout.addLayout(info)
        layout.addStretch(1)
        for button in (self.call_next, self.step, self.recall, self.no_show, self.expand):
            # Never narrower than its text: the strip grows instead of clipping a word.
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            if button is not self.call_next:
                button.setStyleSheet("QPushButton { padding: 6px 14px; }")
            layout.addWidget(button)
        for signal in (model.ticket_changed, model.counter_changed, model.busy_changed):
            signal.connect(self.refresh)
        self._waiting_timer = QTimer(self)
        self._waiting_timer.setSingleShot(True)
        self._waiting_timer.setInterval(QueuePanel.REDRAW_MS)
        self._waiting_timer.timeout.connect(self._refresh_waiting)
        model.queue_changed.connect(lambda: self._waiting_timer.isActive() or self._waiting_timer.start())
        language_notifier().language_changed.connect(self.refresh)
        self.refresh()

    def _refresh_waiting(self) -> None:
        self.waiting.setText(tr("counter_ui.compact.waiting", n=len(self.model.queue())))

    def _step(self) -> None:
        status = self.model.ticket_status
        if status == "called":
            self.model.start()
        elif status == "serving":
            self.model.finish()

    def refresh(self, *_: object) -> None:
        model = self.model
        ticket = model.ticket
        status = model.ticket_status
        idle = model.logged_in and not model.busy
        self.number.set_number(ticket.number if ticket else "—")
        if ticket:
            self.status.setText(tr(f"ticket.status.{status}") if has_key(f"ticket.status.{status}") else "")
        elif model.status == "paused":
            self.status.setText(tr("counter.status.paused") + " · " + pause_reason_text(model.pause_reason))
        else:
            self.status.setText(tr("counter_ui.ticket.none"))
        self.waiting.setText(tr("counter_ui.compact.waiting", n=len(model.queue())))
        self.call_next.setText(tr("counter_ui.action.call_next"))
        self.step.setText(tr("counter_ui.action.finish") if status == "serving" else tr("counter_ui.action.start"))
        self.recall.setText(tr("counter_ui.action.recall"))
        self.no_show.setText(tr("counter_ui.action.no_show"))
        self.expand.setText(tr("counter_ui.full"))
        self.call_next.setEnabled(idle and model.status == "open" and status != "called")
        self.step.setEnabled(idle and status in ("called", "serving"))
        self.recall.setEnabled(idle and status == "called")
        self.no_show.setEnabled(idle and status == "called")
        for button in (self.call_next, self.step, self.recall, self.no_show, self.expand):
            fit_to_text(button)
        self.texts_changed.emit()


def shortcut_sequence(action: str) -> QKeySequence:
    return QKeySequence(SHORTCUTS[action])
