"""Small widgets the kiosk, the counter and the display board all use.

Each follows the language: it connects to `language_notifier().language_changed` and
redraws its texts, so switching language never needs a window rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from qt_common import theme
from qt_common.dates import HijriRangeError, format_gregorian, format_hijri, format_time
from qt_common.hub_errors import HubError
from qt_common.i18n import (
    Language,
    Text,
    current_language,
    has_key,
    language_notifier,
    ltr,
    set_language,
    text_of,
    tr,
    tr_in,
)


def zone_from_name(name: str) -> ZoneInfo:
    """The IANA zone `name` ("Asia/Riyadh"); a ValueError for anything else."""
    if not isinstance(name, str) or not name or len(name) > 64:
        raise ValueError(f"not a time zone name: {str(name)[:64]!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


class ClockWidget(QWidget):
    """The time in large figures with the Gregorian and Hijri dates below; updates every second.

    `time_zone` is the centre's zone (from `/state` → `centre.time_zone`); None is this
    machine's own. `now` replaces the real clock in tests.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        time_zone: str | None = None,
        show_seconds: bool = False,
        time_pt: float = 44,
        date_pt: float = 16,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._zone: ZoneInfo | None = zone_from_name(time_zone) if time_zone is not None else None
        self._show_seconds = show_seconds
        self._now = now
        self.time_label = QLabel(self)
        self.gregorian_label = QLabel(self)
        self.hijri_label = QLabel(self)
        self.time_label.setFont(theme.app_font(time_pt, bold=True))
        # A time is a number: it reads left to right in both languages.
        self.time_label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        for label in (self.gregorian_label, self.hijri_label):
            label.setFont(theme.app_font(date_pt))
        self.hijri_label.setProperty("role", theme.Role.MUTED.value)
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        for label in (self.time_label, self.gregorian_label, self.hijri_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        language_notifier().language_changed.connect(self.refresh)
        self._tick()

    def set_time_zone(self, name: str | None) -> None:
        self._zone = zone_from_name(name) if name is not None else None
        self.refresh()

    def current_time(self) -> datetime:
        moment = self._now() if self._now is not None else datetime.now().astimezone()
        return moment.astimezone(self._zone) if self._zone is not None and moment.tzinfo else moment

    def refresh(self, *_: object) -> None:
        moment = self.current_time()
        lang = current_language()
        self.time_label.setText(format_time(moment, lang, seconds=self._show_seconds))
        self.gregorian_label.setText(format_gregorian(moment.date(), lang))
        try:
            self.hijri_label.setText(format_hijri(moment.date(), lang))
        except HijriRangeError:
            self.hijri_label.setText("")

    def _tick(self) -> None:
        self.refresh()
        # Re-aim at the next whole second each time, so the display never drifts behind.
        millis_into_second = datetime.now().microsecond // 1000
        self._timer.start(1000 - millis_into_second + 5)


class OfflineBanner(QFrame):
    """"Connecting to the hub…" in Arabic and English, shown while the hub is out of reach.

    When the client knows why it cannot join (`HubClient.problem_changed`: the enrollment code
    was refused, the device was revoked, the hub at ADDRESS cannot be reached…) the banner
    says that, and what to do, instead. `grace_ms` hides blips: a reconnect faster than that
    never shows the banner.
    """

    def __init__(self, parent: QWidget | None = None, *, grace_ms: int = 1500) -> None:
        super().__init__(parent)
        self.setObjectName("OfflineBanner")
        self.arabic_label = QLabel(tr_in(Language.AR, "hub.connecting"), self)
        self.english_label = QLabel(tr_in(Language.EN, "hub.connecting"), self)
        self.arabic_label.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.english_label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.arabic_detail = QLabel(tr_in(Language.AR, "hub.connecting_detail"), self)
        self.english_detail = QLabel(tr_in(Language.EN, "hub.connecting_detail"), self)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(16, 10, 16, 10)
        for label in (self.arabic_label, self.arabic_detail, self.english_label, self.english_detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem = None
        self._dense: bool | None = None
        self.set_dense(False)
        self._online = True
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(max(0, int(grace_ms)))
        self._show_timer.timeout.connect(self.show)
        self.hide()

    def set_dense(self, dense: bool) -> None:
        """Arabic above English, or (on a short window) the two languages side by side, smaller."""
        if dense == self._dense:
            return
        self._dense = dense
        places = (
            ((self.arabic_label, 0, 0), (self.arabic_detail, 1, 0), (self.english_label, 0, 1), (self.english_detail, 1, 1))
            if dense
            else ((self.arabic_label, 0, 0), (self.arabic_detail, 1, 0), (self.english_label, 2, 0), (self.english_detail, 3, 0))
        )
        for label, row, column in places:
            self._grid.removeWidget(label)
            self._grid.addWidget(label, row, column)
            bold = label in (self.arabic_label, self.english_label)
            label.setFont(theme.app_font((15 if dense else 18) if bold else (12 if dense else 13), bold=bold))
        self._grid.setContentsMargins(*((12, 4, 12, 4) if dense else (16, 10, 16, 10)))
        self._grid.setVerticalSpacing(0 if dense else 6)

    @property
    def online(self) -> bool:
        return self._online

    def bind(self, client: QObject) -> None:
        """Follow `client.online_changed(bool)` (a HubClient), starting from its current state."""
        client.online_changed.connect(self.set_online)  # type: ignore[attr-defined]
        problem_changed = getattr(client, "problem_changed", None)
        if problem_changed is not None:
            problem_changed.connect(self.set_problem)
            self.set_problem(getattr(client, "problem", None))
        self.set_online(bool(getattr(client, "online", False)))

    def set_problem(self, problem: object) -> None:
        """Say why the device cannot join (a `qt_common.refusals.Refusal`), or None for "Connecting…"."""
        self.problem = problem
        title, action = getattr(problem, "title", None), getattr(problem, "action", None)
        if isinstance(title, Text) and isinstance(action, Text):
            texts = (title.ar, action.ar, title.en, action.en)
        else:
            texts = tuple(tr_in(lang, key) for lang, key in (
                (Language.AR, "hub.connecting"), (Language.AR, "hub.connecting_detail"),
                (Language.EN, "hub.connecting"), (Language.EN, "hub.connecting_detail"),
            ))
        for label, text in zip((self.arabic_label, self.arabic_detail, self.english_label, self.english_detail), texts):
            label.setText(text)
        self.setProperty("refused", problem is not None)
        theme._repolish(self)

    def set_online(self, online: bool) -> None:
        self._online = bool(online)
        if self._online:
            self._show_timer.stop()
            self.hide()
        elif self.isHidden() and not self._show_timer.isActive():
            self._show_timer.start()


class TicketNumberLabel(QLabel):
    """A ticket number ("A-105") that always reads left to right, even in an Arabic layout."""

    def __init__(self, number: str = "", parent: QWidget | None = None, *, size_pt: float = 40) -> None:
        super().__init__(parent)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setFont(theme.app_font(size_pt, bold=True))
        self._number = ""
        self.set_number(number)

    @property
    def number(self) -> str:
        return self._number

    def set_number(self, number: str) -> None:
        self._number = str(number)
        self.setText(ltr(self._number) if self._number else "")


class StatusBadge(QLabel):
    """A coloured label for a counter's or a ticket's status, in the current language."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._text_key: str | None = None
        self._detail: Text | str | None = None
        language_notifier().language_changed.connect(self._retranslate)

    def set_counter_status(self, status: str, pause_reason: str | None = None) -> None:
        """"open" / "closed" / "paused" (with the hub's pause reason: a known one or free text)."""
        self._show(f"counter.status.{status}", status)
        if status == "paused" and pause_reason:
            key = f"pause.{pause_reason}"
            self._detail = text_of(key) if has_key(key) else str(pause_reason)
        self._retranslate()

    def set_ticket_status(self, status: str) -> None:
        self._show(f"ticket.status.{status}", status)
        self._retranslate()

    def _show(self, key: str, status: str) -> None:
        if not has_key(key):
            raise ValueError(f"unknown status {status!r}")
        self._text_key = key
        self._detail = None
        theme.set_status(self, status)

    def _retranslate(self, *_: object) -> None:
        if self._text_key is None:
            self.setText("")
            return
        text = tr(self._text_key)
        if isinstance(self._detail, Text):
            text = f"{text} · {self._detail.in_language(current_language())}"
        elif self._detail:
            text = f"{text} · {self._detail}"
        self.setText(text)


def refresh_size_hints(root: QWidget) -> None:
    """Forget the sizes layouts keep for `root`'s widgets, so hints asked now are current.

    A layout caches each widget's minimum; a widget out of sight (a stack's other pages)
    never gets the layout request that would refresh it after its fonts or sizes change.
    """
    for widget in (*root.findChildren(QWidget), root):
        widget.updateGeometry()
    for layout in root.findChildren(QLayout):
        layout.invalidate()


_NAMED_FROM_TEXT = "accessibleNameFromText"


def name_buttons(root: QWidget) -> None:
    """Give every button under `root` its visible words as its accessible name, in the current language.

    Qt reads a button's text to a screen reader but leaves `accessibleName()` empty, and
    the kiosk's own speech and the tests read that property. A name set on purpose (a card
    naming its service and wait, a switch naming its language) is kept; one taken from the
    text follows the text when the language changes.
    """
    for button in root.findChildren(QAbstractButton):
        text = " ".join(button.text().replace("&&", "\0").replace("&", "").replace("\0", "&").split())
        name = button.accessibleName()
        if not text or (name and not button.property(_NAMED_FROM_TEXT)):
            continue
        if name != text:
            button.setAccessibleName(text)
        button.setProperty(_NAMED_FROM_TEXT, True)


class TextButton(QPushButton):
    """A push button that is never narrower than its text as it is drawn.

    QPushButton sizes itself by the text's size from QFontMetrics.size(), measured before a
    style sheet's font is applied; under the theme a bold label can come out a few pixels
    short of its `horizontalAdvance`, and its minimum size leaves out the text altogether, so
    a squeezed layout cut labels ("سجيل الخرو", "ompact moc"). This one adds what the text
    really needs to the style's padding and borders, in both hints.
    """

    def _text_width_needed(self, hint: QSize) -> int:
        text = self.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        if not text:
            return 0
        option = QStyleOptionButton()
        option.initFrom(self)
        option.rect = QRect(0, 0, max(hint.width(), 1), max(hint.height(), 1))
        option.text = self.text()
        contents = self.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, self)
        chrome = option.rect.width() - contents.width()
        needed = max(self.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
        if not self.icon().isNull():
            needed += self.iconSize().width() + 4
        return needed + chrome + 1

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt's name
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._text_width_needed(hint)), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 — Qt's name
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self._text_width_needed(hint)), hint.height())


class LanguageToggle(TextButton):
    """Shows the other language's name ("English" / "العربية"); a press switches to it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clicked.connect(self.toggle_language)
        language_notifier().language_changed.connect(self._retranslate)
        self._retranslate()

    def toggle_language(self) -> None:
        other = Language.EN if current_language() is Language.AR else Language.AR
        set_language(None, other)

    def _retranslate(self, *_: object) -> None:
        self.setText(tr("language.switch"))


class MessageBar(QFrame):
    """A one-line message (information or error) that hides itself after a while.

    Messages are kept in both languages so a language switch re-renders the one shown.
    """

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setFont(theme.app_font(16, bold=True))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.label, 1)
        self._message: Text | None = None
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.dismiss)
        language_notifier().language_changed.connect(self._retranslate)
        self.hide()

    def show_message(self, message: Text | str, *, kind: str = "info", timeout_ms: int = 6000) -> None:
        """Show `message` (a Text in both languages, or one string); `timeout_ms` 0 keeps it up."""
        if kind not in ("info", "error"):
            raise ValueError(f"kind must be 'info' or 'error', not {kind!r}")
        self._message = message if isinstance(message, Text) else Text(str(message), str(message))
        self.setProperty("kind", kind)
        theme._repolish(self)
        self._retranslate()
        self.show()
        if timeout_ms > 0:
            self._hide_timer.start(timeout_ms)
        else:
            self._hide_timer.stop()

    def show_error(self, error: BaseException, *, timeout_ms: int = 8000) -> None:
        """A HubError in the visitor's language; any other exception as a generic failure."""
        if isinstance(error, HubError):
            message = Text(error.message_ar, error.message_en)
        else:
            message = text_of("error.task_failed")
        self.show_message(message, kind="error", timeout_ms=timeout_ms)

    def dismiss(self) -> None:
        self._hide_timer.stop()
        self._message = None
        self.hide()
        self.closed.emit()

    def _retranslate(self, *_: object) -> None:
        if self._message is not None:
            self.label.setText(self._message.in_language(current_language()))
