"""The board's pieces: text that fills its box, the latest call, the previous calls, the
clock and the ticker.

Sizes are never fixed in points: every text is as large as its box allows (the boxes are
shares of the screen), so the same board reads the same from 10 m on a 720p set, a 4K set
or a portrait screen (docs/decisions/board-layout.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QElapsedTimer, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QTextOption
from PySide6.QtWidgets import QBoxLayout, QFrame, QSizePolicy, QVBoxLayout, QWidget

from display_board.model import BoardCall
from qt_common import theme
from qt_common.appointments import appointment_mark
from qt_common.dates import HijriRangeError, format_gregorian, format_hijri, format_time
from qt_common.i18n import Language, ltr, tr_in

REFERENCE_PX = 100
HIGHLIGHT = "#FFD166"  # warm yellow: the fresh call, black text on it (contrast 13:1)
HIGHLIGHT_TEXT = "#1B1F1D"
ON_DARK = "#FFFFFF"


@functools.lru_cache(maxsize=16)
def board_font(pixel_size: int, bold: bool) -> QFont:
    font = QFont()
    font.setFamilies(theme.font_families())
    font.setPixelSize(max(1, pixel_size))
    font.setBold(bold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


@functools.lru_cache(maxsize=512)
def _reference_extent(text: str, bold: bool, tight: bool) -> tuple[float, float, float]:
    """(width, height, top offset) of `text` at REFERENCE_PX; tight: the ink, not the line."""
    metrics = QFontMetricsF(board_font(REFERENCE_PX, bold))
    if tight:
        ink = metrics.tightBoundingRect(text)
        return max(1.0, metrics.horizontalAdvance(text)), max(1.0, ink.height()), ink.top()
    return max(1.0, metrics.horizontalAdvance(text)), max(1.0, metrics.height()), 0.0


class FitText(QWidget):
    """One line of text, as large as its box allows (never clipped, never wrapped).

    `fill` is the share of the box's height the line may take; `tight` sizes by the ink
    (digits and Latin capitals, which have no descenders) so ticket numbers come out
    larger. `max_px` caps the size; `rtl` sets the text's base direction. A text so long
    that it would shrink below `min_ratio` of the box's size is cut with "…" at that size
    instead of becoming unreadable.
    """

    min_ratio = 0.4

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        rtl: bool = False,
        bold: bool = True,
        tight: bool = False,
        fill: float = 0.9,
        alignment: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
        colour: str | None = None,
        max_px: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._text = text
        self.rtl = rtl
        self.bold = bold
        self.tight = tight
        self.fill = fill
        self.alignment = alignment
        self.colour = colour
        self.max_px = max_px
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def set_colour(self, colour: str | None) -> None:
        if colour != self.colour:
            self.colour = colour
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt's name
        return QSize(40, 20)

    def pixel_size(self) -> int:
        """The font size the text is drawn at in the current box."""
        if not self._text:
            return 0
        width, height, _top = _reference_extent(self._text, self.bold, self.tight)
        box_w = max(1.0, self.width() * 0.98)
        by_height = REFERENCE_PX * max(1.0, self.height() * self.fill) / height
        size = max(min(by_height, REFERENCE_PX * box_w / width), by_height * self.min_ratio)
        if self.max_px is not None:
            size = min(size, self.max_px)
        return max(1, int(size))

    def displayed_text(self) -> str:
        """The text as drawn: whole, or cut with "…" when it is too long for its box."""
        if not self._text:
            return ""
        metrics = QFontMetricsF(board_font(self.pixel_size(), self.bold))
        available = max(1.0, self.width() * 0.98)
        if metrics.horizontalAdvance(self._text) <= available:
            return self._text
        return metrics.elidedText(self._text, Qt.TextElideMode.ElideRight, available)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        if not self._text:
            return
        size = self.pixel_size()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        font = board_font(size, self.bold)
        painter.setFont(font)
        painter.setPen(QColor(self.colour) if self.colour else self.palette().windowText().color())
        option = QTextOption(self.alignment)
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        option.setTextDirection(Qt.LayoutDirection.RightToLeft if self.rtl else Qt.LayoutDirection.LeftToRight)
        rect = QRectF(self.rect())
        if self.tight:
            # Centre the ink, not the line box: digits sit high in a line that has room for descenders.
            metrics = QFontMetricsF(font)
            ink = metrics.tightBoundingRect(self.displayed_text())
            baseline = rect.center().y() - ink.center().y()
            line_top = baseline - metrics.ascent()
            rect = QRectF(rect.left(), line_top, rect.width(), metrics.height())
            option.setAlignment((self.alignment & ~Qt.AlignmentFlag.AlignVertical_Mask) | Qt.AlignmentFlag.AlignTop)
        painter.drawText(rect, self.displayed_text(), option)
        painter.end()


def _stack(parent: QWidget, margins: tuple[int, int, int, int] = (0, 0, 0, 0)) -> QVBoxLayout:
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(*margins)
    layout.setSpacing(0)
    return layout


class LatestCallPanel(QFrame):
    """The newest call, very large: "الرقم · Number", the ticket number, then the counter."""

    painted = Signal(int)  # seq of the call just drawn on screen
    highlight_changed = Signal(bool)  # lit (a fresh call, or a flash's bright half) or not

    def __init__(self, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LatestCall")
        self.language = language
        self.call: BoardCall | None = None
        self.highlighted = False
        rtl = language is Language.AR
        self.caption = FitText(rtl=rtl, fill=0.8, colour=ON_DARK)
        self.number = FitText(tight=True, fill=0.88, colour=ON_DARK)
        self.counter_primary = FitText(rtl=rtl, fill=0.85, colour=ON_DARK)
        self.counter_secondary = FitText(rtl=not rtl, fill=0.8, bold=False, colour=ON_DARK)
        layout = _stack(self, (24, 12, 24, 16))
        layout.addWidget(self.caption, 10)
        layout.addWidget(self.number, 44)
        layout.addWidget(self.counter_primary, 22)
        layout.addWidget(self.counter_secondary, 12)
        self._painted_seq: int | None = None
        self.set_call(None)

    def set_call(self, call: BoardCall | None) -> None:
        self.call = call
        primary, secondary = self.language, (Language.EN if self.language is Language.AR else Language.AR)
        if call is None:
            self.caption.set_text(tr_in(primary, "board.now_calling") + " · " + tr_in(secondary, "board.now_calling"))
            self.number.set_text("")
            self.counter_primary.set_text(tr_in(primary, "board.waiting_first_call"))
            self.counter_secondary.set_text(tr_in(secondary, "board.waiting_first_call"))
        else:
            key = "board.recall" if call.recall else "board.number"
            if call.slot_start and not call.recall:
                # An appointment's call names its slot: the visitor who booked knows it is theirs.
                self.caption.set_text(f"{appointment_mark(call, primary)} · {appointment_mark(call, secondary)}")
            else:
                self.caption.set_text(f"{tr_in(primary, key)} · {tr_in(secondary, key)}")
            self.number.set_text(ltr(call.number))
            self.counter_primary.set_text(counter_text(call, primary))
            self.counter_secondary.set_text(counter_text(call, secondary))
            self._painted_seq = call.seq
        # What a screen reader says of the panel: the call in both languages, the board's first one first.
        self.setAccessibleName(" · ".join(
            " ".join(part for part in (tr_in(lang, "board.recall" if call and call.recall else "board.number" if call else "board.now_calling"),
                                       call.number if call else "", counter_text(call, lang) if call else tr_in(lang, "board.waiting_first_call")) if part)
            for lang in (primary, secondary)
        ))
        self.update()

    def set_highlight(self, on: bool) -> None:
        changed = on != self.highlighted
        self.highlighted = on
        self.setProperty("fresh", "yes" if on else "no")
        colour = HIGHLIGHT_TEXT if on else ON_DARK
        for label in (self.caption, self.number, self.counter_primary, self.counter_secondary):
            label.set_colour(colour)
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()
        if changed:
            self.highlight_changed.emit(on)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        super().paintEvent(event)
        if self._painted_seq is not None:
            seq, self._painted_seq = self._painted_seq, None
            # The children (the number itself) paint in this same frame, right after their parent.
            self.painted.emit(seq)


def counter_text(call: BoardCall, language: Language) -> str:
    """"الشباك 3" / "Counter 3", or the counter's own name from the configuration."""
    name = call.counter_name_ar if language is Language.AR else call.counter_name_en
    if name:
        # A number in a name stays in its own order inside Arabic text.
        return "".join(ltr(part) if part.isdigit() else part for part in _split_digits(name))
    return tr_in(language, "counter.name", number=call.counter_number)


def _split_digits(text: str) -> list[str]:
    parts: list[str] = []
    for character in text:
        if parts and parts[-1][-1].isdigit() == character.isdigit():
            parts[-1] += character
        else:
            parts.append(character)
    return parts


class CallRow(QFrame):
    """One previous call: number and counter."""

    def __init__(self, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CallRow")
        self.number = FitText(tight=True, fill=0.7)
        self.counter = FitText(tight=True, fill=0.7)
        layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        layout.setContentsMargins(12, 0, 12, 0)
        layout.setSpacing(0)
        layout.addWidget(self.number, 3)
        layout.addWidget(self.counter, 2)
        self.call: BoardCall | None = None
        self.set_call(None, False)

    def set_call(self, call: BoardCall | None, fresh: bool) -> None:
        self.call = call
        self.number.set_text(ltr(call.number) if call else "")
        self.counter.set_text(ltr(call.counter_number) if call else "")
        self.setProperty("fresh", "yes" if fresh and call else "no")
        self.style().unpolish(self)
        self.style().polish(self)


class RecentCallsList(QFrame):
    """The calls before the latest, newest first, under "الرقم Number | الشباك Counter"."""

    def __init__(self, language: Language, rows: int = 6, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RecentCalls")
        self.language = language
        secondary = Language.EN if language is Language.AR else Language.AR
        rtl = language is Language.AR
        header = QFrame(self)
        header.setObjectName("RecentHeader")
        header_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, header)
        header_layout.setContentsMargins(12, 0, 12, 0)
        header_layout.setSpacing(0)
        self.number_heading = FitText(
            f"{tr_in(language, 'board.number')}  {tr_in(secondary, 'board.number')}", rtl=rtl, fill=0.6, colour=ON_DARK
        )
        self.counter_heading = FitText(
            f"{tr_in(language, 'board.counter')}  {tr_in(secondary, 'board.counter')}", rtl=rtl, fill=0.6, colour=ON_DARK
        )
        header_layout.addWidget(self.number_heading, 3)
        header_layout.addWidget(self.counter_heading, 2)
        # The bottom margin keeps the last row inside the frame's rounded corners.
        self._layout = _stack(self, (0, 0, 0, 14))
        self._layout.addWidget(header, 8)
        self.rows: list[CallRow] = []
        self.set_row_count(rows)

    def set_row_count(self, count: int) -> None:
        count = max(1, min(20, count))
        while len(self.rows) < count:
            row = CallRow(self.language, self)
            self.rows.append(row)
            self._layout.addWidget(row, 10)
        while len(self.rows) > count:
            row = self.rows.pop()
            self._layout.removeWidget(row)
            row.deleteLater()

    def set_calls(self, calls: list[BoardCall], fresh: Callable[[BoardCall], bool]) -> None:
        for index, row in enumerate(self.rows):
            call = calls[index] if index < len(calls) else None
            row.set_call(call, bool(call and fresh(call)))

    def shown_numbers(self) -> list[str]:
        return [row.call.number for row in self.rows if row.call is not None]


class BoardClock(QWidget):
    """The time, with the Gregorian and Hijri dates, in the board's language and the centre's zone."""

    def __init__(self, language: Language, parent: QWidget | None = None, *, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self._now = now
        self._zone = None
        rtl = language is Language.AR
        self.time = FitText(tight=True, fill=0.85, colour=ON_DARK)
        self.gregorian = FitText(rtl=rtl, fill=0.85, bold=False, colour=ON_DARK)
        self.hijri = FitText(rtl=rtl, fill=0.85, bold=False, colour=ON_DARK)
        layout = _stack(self)
        layout.addWidget(self.time, 10)
        layout.addWidget(self.gregorian, 6)
        layout.addWidget(self.hijri, 6)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._tick()

    def set_time_zone(self, zone) -> None:  # a ZoneInfo or None
        self._zone = zone
        self.refresh()

    def current_time(self) -> datetime:
        moment = self._now() if self._now is not None else datetime.now().astimezone()
        return moment.astimezone(self._zone) if self._zone is not None and moment.tzinfo else moment

    def refresh(self) -> None:
        moment = self.current_time()
        self.time.set_text(format_time(moment, self.language))
        self.gregorian.set_text(format_gregorian(moment.date(), self.language))
        try:
            self.hijri.set_text(format_hijri(moment.date(), self.language))
        except HijriRangeError:
            self.hijri.set_text("")

    def _tick(self) -> None:
        self.refresh()
        self._timer.start(1000 - datetime.now().microsecond // 1000 + 5)


class Ticker(QWidget):
    """The centre's message, scrolling: Arabic from left to right, then English from right to left.

    Each text is drawn once to a cached layout and moved by a timer; an empty message hides
    the strip.
    """

    FRAME_MS = 33

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Ticker")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._messages: list[tuple[str, bool]] = []  # (text, rtl)
        self._index = 0
        self._offset = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(self.FRAME_MS)
        self._timer.timeout.connect(self._step)
        self.background = theme.COLOURS.primary_pressed
        self.colour = ON_DARK

    def set_messages(self, messages: list[tuple[str, bool]]) -> None:
        messages = [(" ".join(text.split()), rtl) for text, rtl in messages if isinstance(text, str) and text.strip()]
        if messages == self._messages:
            return
        self._messages = messages
        self._index = 0
        self._offset = 0.0
        self.setVisible(bool(messages))
        if messages:
            self._clock.start()
            self._timer.start()
        else:
            self._timer.stop()
        self.update()

    def messages(self) -> list[tuple[str, bool]]:
        return list(self._messages)

    def _font(self) -> QFont:
        return board_font(max(8, int(self.height() * 0.55)), False)

    def _speed(self) -> float:
        """Pixels per second: about 2.5 character widths, comfortable to read while walking."""
        return max(40.0, self.height() * 1.6)

    def _step(self) -> None:
        if not self._messages or not self.isVisible():
            return
        elapsed = self._clock.restart() / 1000.0
        self._offset += self._speed() * min(elapsed, 0.25)
        text, _rtl = self._messages[self._index]
        width = QFontMetricsF(self._font()).horizontalAdvance(text)
        if self._offset > width + self.width():
            self._offset = 0.0
            self._index = (self._index + 1) % len(self._messages)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(self.background))
        if self._messages:
            text, rtl = self._messages[self._index]
            font = self._font()
            painter.setFont(font)
            painter.setPen(QColor(self.colour))
            metrics = QFontMetricsF(font)
            width = metrics.horizontalAdvance(text)
            # Arabic enters from the left and moves right, so its first word leads; English the other way.
            x = self._offset - width if rtl else self.width() - self._offset
            baseline = (self.height() - metrics.height()) / 2 + metrics.ascent()
            option_direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
            painter.setLayoutDirection(option_direction)
            painter.drawText(QPointF(x, baseline), text)
        painter.end()
