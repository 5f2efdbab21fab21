"""The fit checker (tests/fit.py) finds what a person would see cut off, and passes what fits."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from qt_common.widgets import TextButton
from tests.fit import fit_problems, settle


def window_with(*widgets: QWidget, width: int = 600, height: int = 200) -> QWidget:
    window = QWidget()
    layout = QHBoxLayout(window)
    for widget in widgets:
        layout.addWidget(widget)
    window.resize(width, height)
    window.show()
    settle()
    return window


def test_a_button_narrower_than_its_text_is_found(app, qtbot):
    """A push button squeezed below its label's horizontalAdvance (padding included) is reported."""
    button = QPushButton("تسجيل الخروج")
    button.setFixedWidth(70)  # the text alone needs more than this, before padding
    window = window_with(button)
    qtbot.addWidget(window)
    problems = fit_problems(window)
    assert len(problems) == 1 and "تسجيل الخروج" in problems[0] and "button leaves" in problems[0]
    button.setFixedWidth(button.fontMetrics().horizontalAdvance(button.text()) + 60)
    settle()
    assert fit_problems(window) == []


def test_padding_counts_against_the_text(app, qtbot):
    """A button as wide as its text but not its padding still cuts the text: the padding is taken off."""
    button = QPushButton("Compact mode")
    button.setFixedWidth(button.fontMetrics().horizontalAdvance(button.text()) + 4)  # theme padding is 24 px a side
    window = window_with(button)
    qtbot.addWidget(window)
    assert any("Compact mode" in p for p in fit_problems(window))


def test_a_label_and_a_wrapped_label_cut_short_are_found(app, qtbot):
    """A one-line label narrower than its text, and a wrapped label shorter than its lines, are both reported."""
    line = QLabel("Finish (F5) and more words")
    line.setFixedWidth(60)
    wrapped = QLabel("a long sentence " * 8)
    wrapped.setWordWrap(True)
    wrapped.setFixedSize(120, 30)
    window = window_with(line, wrapped)
    qtbot.addWidget(window)
    problems = fit_problems(window)
    assert any("Finish (F5)" in p and "label has" in p for p in problems)
    assert any("wrapped text needs" in p for p in problems)


def test_a_widget_outside_the_window_and_a_scrolling_page_are_found(app, qtbot):
    """A child placed past the window's edge, and a scroll area that must scroll to show its page, are reported."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(300, 200)
    stray = QLabel("x", window)
    stray.setGeometry(250, 150, 100, 100)
    page = QWidget()
    page.setMinimumSize(100, 500)
    scroll = QScrollArea(window)
    scroll.setWidgetResizable(True)
    scroll.setWidget(page)
    scroll.setGeometry(0, 0, 200, 150)
    window.show()
    settle()
    problems = fit_problems(window)
    assert any("QLabel" in p and "outside the window" in p for p in problems)
    assert any("has to scroll vertically" in p for p in problems)


def test_a_window_that_fits_has_no_problems(app, qtbot):
    """Labels and buttons with room to spare pass: the checker does not cry wolf."""
    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    column.addWidget(QLabel("الشباك 8 (جميع الخدمات)"))
    column.addWidget(TextButton("إنهاء الخدمة (F5)"))
    window.resize(500, 300)
    window.show()
    settle()
    assert fit_problems(window) == []


def test_the_theme_lets_no_layout_squeeze_a_button_below_its_text(app, qtbot):
    """The theme sets no min-width: a style sheet's minimum would replace the room a layout keeps for the text."""
    button = QPushButton("تسجيل الخروج")
    window = window_with(button, QPushButton("الوضع المصغّر"), width=10)
    qtbot.addWidget(window)
    assert fit_problems(window) == []


def test_a_text_button_makes_room_for_a_bold_style_sheet_font(app, qtbot):
    """Bold from a style sheet (the kiosk's language button) leaves QPushButton short of its text; TextButton is not."""
    from qt_common import theme

    buttons = []
    for kind in (QPushButton, TextButton):
        button = kind("English")
        button.setFont(theme.app_font(18, bold=True))
        button.setStyleSheet("QPushButton { font-weight: bold; }")
        button.setSizePolicy(button.sizePolicy().Policy.Fixed, button.sizePolicy().Policy.Fixed)
        buttons.append(button)
    window = window_with(*buttons)
    qtbot.addWidget(window)
    problems = fit_problems(window)
    assert any("/QPushButton 'English'" in p for p in problems)
    assert not any("TextButton" in p for p in problems)
