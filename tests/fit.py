"""Does a window fit? Every visible text whole inside its widget, every widget inside the window.

`fit_problems(window)` walks the widgets a person would see and returns one line per fault:

- a label, button, tab, header section, list or table cell, combo box or line edit whose text
  (measured with its own font's `horizontalAdvance`) is wider than the room its widget leaves
  for text once margins, style-sheet padding, borders and icons are taken off;
- a word-wrapped label that needs more lines than its height holds, or holds a word wider
  than itself;
- a board text (`FitText`) that had to be cut with "…";
- a widget that lies partly outside its parent or the window (cut off, or hidden under the
  edge of a scroll area that has to scroll).

The tests render each screen at the sizes branches have (`SCREENS`) in both languages, save
the picture under out/ for people to look at, and assert `fit_problems(...) == []`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollBar,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QTableWidget,
    QTabBar,
    QWidget,
)

#: (width, height) of the screens branches have: the commonest counter PC, full HD, 4K.
SCREENS = ((1366, 768), (1920, 1080), (3840, 2160))
#: What a desktop leaves an ordinary (maximised) window: a task bar of 48 px and a title bar of 32 px.
WINDOW_CHROME_PX = 80
TOLERANCE_PX = 1
OUT_DIR = Path(__file__).resolve().parent.parent / "out" / "screens"

_MNEMONIC = re.compile(r"&(.)")


def window_size(screen: tuple[int, int]) -> tuple[int, int]:
    """The client area of a maximised ordinary window on `screen`."""
    return screen[0], screen[1] - WINDOW_CHROME_PX


def _name(widget: QWidget) -> str:
    """A readable path to `widget`: class names and object names from the window down."""
    parts = []
    current: QWidget | None = widget
    while current is not None:
        label = type(current).__name__
        if current.objectName() and not current.objectName().startswith("qt_"):
            label += f"#{current.objectName()}"
        parts.append(label)
        if current.isWindow():
            break
        current = current.parentWidget()
    return "/".join(reversed(parts))


def _shown(widget: QWidget, window: QWidget) -> bool:
    """Visible and not empty."""
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def _internal(widget: QWidget) -> bool:
    """A scroll area's own scroll-bar holders: parts of its frame, checked through the area itself."""
    return widget.objectName() in ("qt_scrollarea_hcontainer", "qt_scrollarea_vcontainer")


def _lines(text: str) -> list[str]:
    return [line for line in text.replace("\u2028", "\n").split("\n")]


def _advance(metrics: QFontMetrics, text: str) -> int:
    return max((metrics.horizontalAdvance(line) for line in _lines(text)), default=0)


def _plain(label: QLabel) -> str:
    text = label.text()
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    ):
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setHtml(text)
        return document.toPlainText()
    return text


def label_problems(label: QLabel) -> list[str]:
    text = _plain(label)
    if not text.strip() or label.pixmap() is not None and not label.pixmap().isNull():
        return []
    metrics = label.fontMetrics()
    room = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(), -label.margin())
    indent = max(0, label.indent())
    width = room.width() - indent
    problems = []
    if label.wordWrap():
        widest_word = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
        if widest_word > width + TOLERANCE_PX:
            problems.append(f"a word needs {widest_word} px, the label has {width} px")
        needed = label.heightForWidth(label.width())
        if needed > label.height() + TOLERANCE_PX:
            problems.append(f"the wrapped text needs {needed} px of height, the label has {label.height()} px")
    else:
        needed = _advance(metrics, text)
        if needed > width + TOLERANCE_PX:
            problems.append(f"the text needs {needed} px, the label has {width} px")
        tall = metrics.height() * len(_lines(text))
        if tall > room.height() + metrics.descent() + TOLERANCE_PX:
            problems.append(f"the text needs {tall} px of height, the label has {room.height()} px")
    return [f"{_name(label)} {text!r}: {p}" for p in problems]


def button_problems(button: QAbstractButton) -> list[str]:
    text = _MNEMONIC.sub(r"\1", button.text())
    if not text.strip():
        return []
    metrics = button.fontMetrics()
    needed = _advance(metrics, text)
    style = button.style()
    if isinstance(button, QPushButton):
        option = QStyleOptionButton()
        option.initFrom(button)
        option.rect = button.rect()
        option.text = button.text()
        option.icon = button.icon()
        option.iconSize = button.iconSize()
        if button.isDefault() or button.autoDefault():
            option.features |= QStyleOptionButton.ButtonFeature.AutoDefaultButton
        room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
        if not button.icon().isNull():
            needed += button.iconSize().width() + 4
        if button.menu() is not None:
            needed += style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, option, button)
    elif isinstance(button, QCheckBox | QRadioButton):
        indicator = QStyle.PixelMetric.PM_IndicatorWidth if isinstance(button, QCheckBox) else QStyle.PixelMetric.PM_ExclusiveIndicatorWidth
        room = button.contentsRect().adjusted(style.pixelMetric(indicator) + 4, 0, 0, 0)
    else:
        room = button.contentsRect()
    problems = []
    if needed > room.width() + TOLERANCE_PX:
        problems.append(f"the text needs {needed} px, the button leaves {room.width()} px for it")
    tall = metrics.height() * len(_lines(text))
    if tall > room.height() + metrics.descent() + TOLERANCE_PX:
        problems.append(f"the text needs {tall} px of height, the button leaves {room.height()} px")
    return [f"{_name(button)} {text!r}: {p}" for p in problems]


def tab_problems(bar: QTabBar) -> list[str]:
    problems = []
    for index in range(bar.count()):
        if not bar.isTabVisible(index) or not bar.tabText(index).strip():
            continue
        rect, hint = bar.tabRect(index), bar.tabSizeHint(index)
        if rect.width() + TOLERANCE_PX < hint.width():
            problems.append(f"{_name(bar)} tab {bar.tabText(index)!r}: needs {hint.width()} px, has {rect.width()} px")
    return problems


def _cell_margin(view: QWidget) -> int:
    return 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)


def header_problems(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None:
        return []
    metrics = header.fontMetrics()
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    problems = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole) or "")
        if not text.strip():
            continue
        needed = _advance(metrics, text) + margin
        size = header.sectionSize(section)
        if header.orientation() == Qt.Orientation.Horizontal and needed > size + TOLERANCE_PX:
            problems.append(f"{_name(header)} section {text!r}: needs {needed} px, has {size} px")
    return problems


def item_view_problems(view: QAbstractItemView) -> list[str]:
    """Cells of a list or table cut short (a list grows a scroll bar for width; that hides text too)."""
    problems = []
    margin = _cell_margin(view)
    if isinstance(view, QListWidget):
        width = view.viewport().width()
        for row in range(view.count()):
            item = view.item(row)
            if item.isHidden():
                continue
            metrics = QFontMetrics(item.font() if item.font() != view.font() else view.font())
            needed = _advance(metrics, item.text()) + margin
            if not item.icon().isNull():
                needed += view.iconSize().width() + 4
            if needed > width:  # a list or table elides at once: no pixel to spare
                problems.append(f"{_name(view)} row {item.text()!r}: needs {needed} px, the list is {width} px wide")
    elif isinstance(view, QTableWidget):
        for row in range(view.rowCount()):
            for column in range(view.columnCount()):
                item = view.item(row, column)
                if item is None or view.isColumnHidden(column) or not item.text().strip():
                    continue
                metrics = QFontMetrics(item.font())
                needed = _advance(metrics, item.text()) + margin
                width = view.columnWidth(column)
                if needed > width:
                    problems.append(f"{_name(view)} cell {item.text()!r}: needs {needed} px, the column is {width} px")
    return problems


def combo_problems(combo: QComboBox) -> list[str]:
    text = combo.currentText()
    if not text.strip():
        return []
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.rect = combo.rect()
    option.editable = combo.isEditable()
    option.currentText = text
    room = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    needed = _advance(combo.fontMetrics(), text)
    if needed > room.width() + TOLERANCE_PX:
        return [f"{_name(combo)} {text!r}: needs {needed} px, the box shows {room.width()} px"]
    return []


def line_edit_problems(edit: QLineEdit) -> list[str]:
    """A placeholder (the field's instructions) must be readable whole; typed text may scroll."""
    text = edit.placeholderText() if not edit.text() else ""
    if not text.strip():
        return []
    option = QStyleOptionFrame()
    option.initFrom(edit)
    option.rect = edit.rect()
    option.lineWidth = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, option, edit)
    room = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    width = room.width() - margins.left() - margins.right() - 4  # QLineEdit's own 2 px each side
    needed = _advance(edit.fontMetrics(), text)
    if needed > width + TOLERANCE_PX:
        return [f"{_name(edit)} placeholder {text!r}: needs {needed} px, the field shows {width} px"]
    return []


def fit_text_problems(widget: QWidget) -> list[str]:
    text, shown = widget.text(), widget.displayed_text()  # type: ignore[attr-defined]
    if text and shown != text:
        return [f"{_name(widget)} {text!r}: cut to {shown!r}"]
    return []


def placement_problems(widget: QWidget, window: QWidget) -> list[str]:
    """Part of `widget` outside its parent, or outside the window, is not seen."""
    if widget is window:
        return []
    parent = widget.parentWidget()
    problems = []
    if parent is not None and not widget.isWindow():
        inside = parent.rect()
        geometry = widget.geometry()
        if not inside.adjusted(-TOLERANCE_PX, -TOLERANCE_PX, TOLERANCE_PX, TOLERANCE_PX).contains(geometry):
            problems.append(f"{_name(widget)} at {_rect(geometry)} sticks out of its parent ({_rect(inside)})")
    top_left = widget.mapTo(window, QPoint(0, 0))
    on_window = QRect(top_left, widget.size())
    if not window.rect().adjusted(-TOLERANCE_PX, -TOLERANCE_PX, TOLERANCE_PX, TOLERANCE_PX).contains(on_window):
        problems.append(f"{_name(widget)} at {_rect(on_window)} lies outside the window ({_rect(window.rect())})")
    return problems


def scroll_problems(area: QAbstractScrollArea) -> list[str]:
    """A page in a scroll area that has to scroll hides part of itself at this size."""
    if isinstance(area, QAbstractItemView):
        # Lists and tables scroll their rows by design; their width must still fit.
        bar = area.horizontalScrollBar()
        return [f"{_name(area)} needs a horizontal scroll bar"] if bar.isVisible() and bar.maximum() > 0 else []
    problems = []
    for bar, direction in ((area.horizontalScrollBar(), "horizontally"), (area.verticalScrollBar(), "vertically")):
        if bar.maximum() > 0:
            problems.append(f"{_name(area)} has to scroll {direction} by {bar.maximum()} px")
    return problems


def _rect(rect: QRect) -> str:
    return f"{rect.x()},{rect.y()} {rect.width()}×{rect.height()}"


def _widgets(window: QWidget) -> Iterable[QWidget]:
    yield window
    yield from window.findChildren(QWidget)


def fit_problems(window: QWidget) -> list[str]:
    """Every fault in `window` as it is laid out now (call after it is shown and settled)."""
    window.ensurePolished()
    problems: list[str] = []
    for widget in _widgets(window):
        if widget is not window and not _shown(widget, window):
            continue
        if any(not _shown(ancestor, window) for ancestor in _ancestors(widget, window)):
            continue
        if isinstance(widget, QScrollBar) or _internal(widget):
            continue
        problems += placement_problems(widget, window)
        if isinstance(widget, QLabel):
            problems += label_problems(widget)
        elif isinstance(widget, QAbstractButton) and type(widget).__name__ != "QTabBar":
            problems += button_problems(widget)
        elif isinstance(widget, QTabBar):
            problems += tab_problems(widget)
        elif isinstance(widget, QHeaderView):
            problems += header_problems(widget)
        elif isinstance(widget, QComboBox):
            problems += combo_problems(widget)
        elif isinstance(widget, QLineEdit):
            problems += line_edit_problems(widget)
        elif hasattr(widget, "displayed_text") and hasattr(widget, "text"):
            problems += fit_text_problems(widget)
        if isinstance(widget, QAbstractItemView):
            problems += item_view_problems(widget)
        if isinstance(widget, QAbstractScrollArea):
            problems += scroll_problems(widget)
    return problems


def _ancestors(widget: QWidget, window: QWidget) -> Iterable[QWidget]:
    current = widget.parentWidget()
    while current is not None and current is not window:
        yield current
        current = current.parentWidget()


def settle(milliseconds: int = 50) -> None:
    """Let layouts, coalesced redraws and single-shot fitting timers run."""
    from PySide6.QtTest import QTest

    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()
        QTest.qWait(milliseconds // 3 or 1)


def shoot(window: QWidget, name: str, folder: Path = OUT_DIR) -> Path:
    """Save what `window` shows to out/screens/<name>.png for people to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert window.grab().save(str(path)), f"could not write {path}"
    return path
