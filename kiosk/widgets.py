"""The kiosk's building blocks: large touch cards, its own clock, a digit pad, a hidden hot corner.

Every widget here takes its language from the kiosk window (`retranslate(lang)`) rather
than from the application: the kiosk may share one QApplication with a counter and a
board, and a visitor switching the kiosk to English must not switch the clerk's screen.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from qt_common import theme
from qt_common.dates import HijriRangeError, format_gregorian, format_hijri, format_time
from qt_common.i18n import Language, tr_in
from qt_common.widgets import TextButton, zone_from_name


def start_alignment(language: Language) -> Qt.AlignmentFlag:
    """Where a line starts in `language`, whatever script the line itself is in.

    An English line under an Arabic one must still start on the right in an Arabic layout;
    Qt would otherwise align each paragraph by its own script.
    """
    side = Qt.AlignmentFlag.AlignRight if language.is_rtl else Qt.AlignmentFlag.AlignLeft
    return side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter


def label(text: str = "", *, pt: float = 16, bold: bool = False, name: str | None = None, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setFont(theme.app_font(pt, bold=bold))
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(wrap)
    if name:
        widget.setObjectName(name)
    return widget


def code_field(parent: QWidget, *, name: str, max_length: int, pt: float, masked: bool = False) -> QLineEdit:
    """The field a visitor or a supervisor types a code into: large, bold and centred, and
    left-to-right in both languages (codes, PINs and booking references are Latin letters and
    digits, read from the left); `masked` shows dots for what is typed."""
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setMaxLength(max_length)
    field.setAlignment(Qt.AlignmentFlag.AlignCenter)
    field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    field.setFont(theme.app_font(pt, bold=True))
    if masked:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class NoticeLabel(QLabel):
    """A screen's message line, centred and hidden until there is something to say: red for an
    error, the waiting colour for `kind="info"` (kiosk/style.py's `QLabel#Notice`)."""

    def __init__(self, *, pt: float = 16, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(theme.app_font(pt, bold=True))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setObjectName("Notice")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def set_kind(self, kind: str) -> None:
        """"error" or "info", restyled at once (a style sheet reads a property only when polished)."""
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)


def _repolish_tree(widget: QWidget) -> None:
    for item in (widget, *widget.findChildren(QWidget)):
        item.style().unpolish(item)
        item.style().polish(item)


class CardButton(QPushButton):
    """A large touch target holding several lines of text; the lines never take the touch."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "Card") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(110)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty("closed", "false")

    def set_closed(self, closed: bool) -> None:
        """Greyed out with its reason in red (Qt style sheets ignore ":disabled" on a parent)."""
        self.setEnabled(not closed)
        value = "true" if closed else "false"
        if self.property("closed") != value:
            self.setProperty("closed", value)
            _repolish_tree(self)

    def add_label(self, widget: QLabel) -> QLabel:
        widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        return widget

    def minimum_height_at(self, width: int) -> int:
        """The height its lines need at `width`, wrapped as they will be (a button ignores its layout)."""
        layout = self.layout()
        needed = layout.totalHeightForWidth(width) if layout is not None and layout.hasHeightForWidth() else 0
        if layout is not None:
            needed = max(needed, layout.totalMinimumSize().height())
        return max(self.minimumHeight(), needed)


class ServiceCard(CardButton):
    """One service: its letter, its name in both languages, the wait now or why it is closed."""

    def __init__(self, service_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, name="ServiceCard")
        self.service_id = service_id
        self.code_label = self.add_label(label(pt=26, bold=True, name="CodeBadge", wrap=False))
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setFixedSize(68, 68)
        self.name_label = self.add_label(label(pt=20, bold=True, name="CardTitle"))
        self.other_label = self.add_label(label(pt=14, name="CardSubtitle"))
        self.status_label = self.add_label(label(pt=14, bold=True, name="CardStatus"))
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addStretch(1)
        for widget in (self.name_label, self.other_label, self.status_label):
            widget.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
            texts.addWidget(widget)
        texts.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.setSpacing(16)
        row.addWidget(self.code_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(texts, 1)

    def set_compact(self, compact: bool) -> None:
        """Small fonts and no second-language line, for a small window (the all-in-one demo)."""
        self.setMinimumHeight(72 if compact else 110)
        self.code_label.setFont(theme.app_font(18 if compact else 26, bold=True))
        self.code_label.setFixedSize(*((44, 44) if compact else (68, 68)))
        self.name_label.setFont(theme.app_font(14 if compact else 20, bold=True))
        self.status_label.setFont(theme.app_font(11 if compact else 14, bold=True))
        self.other_label.setVisible(not compact)

    def show_service(self, code: str, name: str, other: str, status: str, *, is_open: bool, language: Language) -> None:
        for widget in (self.name_label, self.other_label, self.status_label):
            widget.setAlignment(start_alignment(language))
        self.code_label.setText(code)
        self.name_label.setText(name)
        self.other_label.setText(other)
        self.status_label.setText(status)
        self.set_closed(not is_open)
        self.setAccessibleName(f"{code} {name}")
        self.setAccessibleDescription(status)


class GroupCard(CardButton):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, name="GroupCard")
        self.key = key
        self.name_label = self.add_label(label(pt=22, bold=True, name="CardTitle"))
        self.other_label = self.add_label(label(pt=15, name="CardSubtitle"))
        self.status_label = self.add_label(label(pt=14, bold=True, name="CardStatus"))
        column = QVBoxLayout(self)
        column.setContentsMargins(22, 10, 22, 10)
        column.setSpacing(2)
        column.addStretch(1)
        for widget in (self.name_label, self.other_label, self.status_label):
            widget.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
            column.addWidget(widget)
        column.addStretch(1)

    def show_group(self, name: str, other: str, status: str, *, any_open: bool, language: Language) -> None:
        for widget in (self.name_label, self.other_label, self.status_label):
            widget.setAlignment(start_alignment(language))
        self.name_label.setText(name)
        self.other_label.setText(other)
        self.status_label.setText(status)
        self.set_closed(not any_open)
        self.setAccessibleName(name)


class KioskClock(QWidget):
    """The time, the Gregorian date and the Hijri date, in the kiosk's own language.

    The dates stand beside the time rather than under it, so the header stays one short band.
    """

    def __init__(self, parent: QWidget | None = None, *, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self._zone: ZoneInfo | None = None
        self._now = now
        self._language = Language.AR
        self.time_label = label(pt=30, bold=True, name="ClockTime", wrap=False)
        self.time_label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.gregorian_label = label(pt=14, wrap=False)
        self.hijri_label = label(pt=14, name="Muted", wrap=False)
        dates = QVBoxLayout()
        dates.setSpacing(0)
        for widget in (self.gregorian_label, self.hijri_label):
            dates.addWidget(widget)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addLayout(dates)
        row.addWidget(self.time_label, 0, Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def set_compact(self, compact: bool) -> None:
        for widget in (self.gregorian_label, self.hijri_label):
            widget.setVisible(not compact)

    def set_time_zone(self, name: str | None) -> None:
        try:
            self._zone = zone_from_name(name) if name else None
        except ValueError:
            self._zone = None
        self.refresh()

    def retranslate(self, language: Language) -> None:
        self._language = language
        for widget in (self.gregorian_label, self.hijri_label):
            widget.setAlignment(start_alignment(Language.EN if language.is_rtl else Language.AR))
        self.refresh()

    def refresh(self) -> None:
        moment = self._now() if self._now is not None else datetime.now().astimezone()
        if self._zone is not None and moment.tzinfo is not None:
            moment = moment.astimezone(self._zone)
        self.time_label.setText(format_time(moment, self._language))
        self.gregorian_label.setText(format_gregorian(moment.date(), self._language))
        try:
            self.hijri_label.setText(format_hijri(moment.date(), self._language))
        except HijriRangeError:
            self.hijri_label.setText("")


class DigitPad(QWidget):
    """0–9 in a telephone grid (always left to right), delete and clear."""

    digit = Signal(str)
    deleted = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        grid = QGridLayout(self)
        grid.setSpacing(10)
        self.buttons: dict[str, QPushButton] = {}
        for index, text in enumerate("123456789"):
            self._add(grid, text, index // 3, index % 3)
        self.clear_button = TextButton()
        self.delete_button = TextButton()
        for button in (self.clear_button, self.delete_button):
            button.setFont(theme.app_font(18, bold=True))
            button.setMinimumSize(96, 72)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.cleared.emit)
        self.delete_button.clicked.connect(self.deleted.emit)
        grid.addWidget(self.clear_button, 3, 0)
        self._add(grid, "0", 3, 1)
        grid.addWidget(self.delete_button, 3, 2)

    def _add(self, grid: QGridLayout, text: str, row: int, column: int) -> None:
        button = TextButton(text)
        button.setFont(theme.app_font(26, bold=True))
        button.setMinimumSize(96, 72)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _=False, t=text: self.digit.emit(t))
        grid.addWidget(button, row, column)
        self.buttons[text] = button

    def set_compact(self, compact: bool) -> None:
        """Smaller keys for a small window; still a touch target each."""
        for text, button in self.buttons.items():
            button.setMinimumSize(*((72, 56) if compact else (96, 72)))
            button.setFont(theme.app_font(20 if compact else 26, bold=True))
        for button in (self.clear_button, self.delete_button):
            button.setMinimumSize(*((72, 56) if compact else (96, 72)))
            button.setFont(theme.app_font(14 if compact else 18, bold=True))

    def retranslate(self, language: Language) -> None:
        self.clear_button.setText(tr_in(language, "kiosk.pad.clear"))
        self.delete_button.setText(tr_in(language, "kiosk.pad.delete"))


class CodePad(QWidget):
    """An on-screen keyboard for enrollment codes: digits, Latin letters (with a case key), '-' and '_'.

    Codes are whatever the hub was started with, so letters and their case matter; the rows
    follow a QWERTY keyboard, left to right in both languages, as the code itself is.
    """

    ROWS = ("1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm_")
    typed = Signal(str)
    deleted = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.upper = False
        grid = QGridLayout(self)
        grid.setSpacing(6)
        grid.setContentsMargins(0, 0, 0, 0)
        # One character per key, far narrower than the key: plain buttons, no text measuring
        # (forty Python size hints on every layout pass slowed the whole kiosk window).
        self.buttons: dict[str, QPushButton] = {}
        for row, keys in enumerate(self.ROWS):
            for column, key in enumerate(keys):
                button = QPushButton(key)
                button.setObjectName("PadKey")
                button.setFont(theme.app_font(19, bold=True))
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.clicked.connect(lambda _=False, k=key: self._type(k))
                grid.addWidget(button, row, column)
                self.buttons[key] = button
        self.case_button = TextButton()
        self.clear_button = TextButton()
        self.delete_button = TextButton()
        for button in (self.case_button, self.clear_button, self.delete_button):
            button.setObjectName("PadKey")
            button.setFont(theme.app_font(16, bold=True))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.case_button.setCheckable(True)
        self.case_button.toggled.connect(self.set_upper)
        self.clear_button.clicked.connect(self.cleared.emit)
        self.delete_button.clicked.connect(self.deleted.emit)
        last = len(self.ROWS)
        grid.addWidget(self.case_button, last, 0, 1, 3)
        grid.addWidget(self.clear_button, last, 3, 1, 3)
        grid.addWidget(self.delete_button, last, 6, 1, 4)
        self._language = Language.AR
        self.set_upper(False)

    def _type(self, key: str) -> None:
        self.typed.emit(key.upper() if self.upper and key.isalpha() else key)

    def set_upper(self, upper: bool) -> None:
        """Capital letters (the case key held down) or small ones; the keys show which."""
        self.upper = bool(upper)
        if self.case_button.isChecked() != self.upper:
            self.case_button.setChecked(self.upper)
        for key, button in self.buttons.items():
            button.setText(key.upper() if self.upper and key.isalpha() else key)
        self.retranslate(self._language)

    def set_compact(self, compact: bool) -> None:
        """Smaller letters on the keys for a small window; each key stays a touch target."""
        for button in self.buttons.values():
            button.setFont(theme.app_font(16 if compact else 19, bold=True))
        for button in (self.case_button, self.clear_button, self.delete_button):
            button.setFont(theme.app_font(14 if compact else 16, bold=True))

    def retranslate(self, language: Language) -> None:
        self._language = language
        self.case_button.setText(tr_in(language, "kiosk.pad.lower" if self.upper else "kiosk.pad.upper"))
        self.clear_button.setText(tr_in(language, "kiosk.pad.clear"))
        self.delete_button.setText(tr_in(language, "kiosk.pad.delete"))


class HotCorner(QObject):
    """A long press in the window's top-left corner (its physical corner in either direction).

    An event filter on the application, because the touch lands on whatever widget lies in
    the corner; only presses inside `window`'s corner square count.
    """

    long_pressed = Signal()

    def __init__(self, window: QWidget, *, size_px: int = 90, hold_ms: int = 3000) -> None:
        super().__init__(window)
        self._window = window
        self.size_px = size_px
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.long_pressed.emit)

    @property
    def pressing(self) -> bool:
        return self._timer.isActive()

    def corner_rect(self) -> QRect:
        return QRect(0, 0, self.size_px, self.size_px)

    def press_at(self, point: QPoint) -> None:
        if self.corner_rect().contains(point):
            self._timer.start()

    def release(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(watched, QWidget) and isinstance(event, QMouseEvent):
            if watched.window() is self._window.window():
                self.press_at(self._window.mapFromGlobal(event.globalPosition().toPoint()))
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchCancel):
            self._timer.stop()
        return False


class Spinner(QWidget):
    """Three dots that take turns, so "printing…" visibly moves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(90, 24)
        self._step = 0
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._advance)

    def set_running(self, running: bool) -> None:
        self.setVisible(running)
        if running:
            self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        self._step = (self._step + 1) % 3
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        for index in range(3):
            colour = theme.COLOURS.primary if index == self._step else theme.COLOURS.border
            painter.setBrush(QColorCache.get(colour))
            painter.drawEllipse(10 + index * 28, 4, 16, 16)
        painter.end()


PICTOGRAM_DIR = Path(__file__).resolve().parent.parent / "assets" / "pictograms"


@functools.cache
def pictogram_svg(kind: str) -> str:
    """The SVG source of a priority kind's figure (assets/pictograms/KIND.svg), drawn in currentColor."""
    if kind not in Pictogram.KINDS:
        raise ValueError(f"no pictogram for {kind!r}")
    return (PICTOGRAM_DIR / f"{kind}.svg").read_text(encoding="utf-8")


class Pictogram(QWidget):
    """A plain figure for a priority kind, from an SVG asset, so it needs no emoji font."""

    KINDS = ("elderly", "disabled", "pregnant")

    def __init__(self, kind: str, parent: QWidget | None = None, *, size_px: int = 96) -> None:
        super().__init__(parent)
        if kind not in self.KINDS:
            raise ValueError(f"no pictogram for {kind!r}")
        self.kind = kind
        self.setFixedSize(size_px, size_px)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._renderers: dict[str, QSvgRenderer] = {}

    def renderer(self, colour: str) -> QSvgRenderer:
        """The figure in `colour` (the SVG draws in currentColor, which Qt's renderer leaves black)."""
        renderer = self._renderers.get(colour)
        if renderer is None:
            source = pictogram_svg(self.kind).replace("currentColor", colour)
            renderer = self._renderers[colour] = QSvgRenderer(QByteArray(source.encode("utf-8")), self)
            if not renderer.isValid():
                raise ValueError(f"pictogram {self.kind!r} is not a valid SVG")
        return renderer

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        colours = theme.applied_colours()
        colour = colours.status_priority if self.isEnabled() else colours.disabled_text
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.renderer(colour).render(painter, QRectF(self.rect()))
        painter.end()


class QColorCache:
    _cache: dict[str, object] = {}

    @classmethod
    def get(cls, name: str):  # noqa: ANN206
        from PySide6.QtGui import QColor

        colour = cls._cache.get(name)
        if colour is None:
            colour = cls._cache[name] = QColor(name)
        return colour
