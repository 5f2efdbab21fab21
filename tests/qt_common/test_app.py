"""The application factory."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from qt_common import theme
from qt_common.app import create_app
from qt_common.i18n import Language, current_language, set_language


def test_create_app_reuses_and_themes_the_application(qapp: QApplication) -> None:
    """The existing application is reused, styled, and given the Arabic-capable font."""
    app = create_app([], "ar")
    try:
        assert app is qapp
        assert app.palette().color(QPalette.ColorRole.Window) == QColor(theme.COLOURS.window)
        assert app.styleSheet() == theme.stylesheet()
        assert theme.arabic_font_family() in app.font().families()
        assert app.applicationName() == "Tabour"
    finally:
        set_language(app, "ar")


def test_create_app_sets_direction_per_language(qapp: QApplication) -> None:
    """English is left-to-right, Arabic right-to-left."""
    try:
        app = create_app([], "en")
        assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert current_language() is Language.EN
        app = create_app([], "ar")
        assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
    finally:
        set_language(qapp, "ar")


def test_create_app_refuses_a_bad_language_first(qapp: QApplication) -> None:
    """A bad language is refused before anything is changed."""
    qapp.setApplicationName("untouched")
    try:
        with pytest.raises(ValueError):
            create_app([], "de")
        assert qapp.applicationName() == "untouched"
    finally:
        create_app([], "ar")


def test_platform_is_left_to_the_environment(qapp: QApplication) -> None:
    """`QT_QPA_PLATFORM` is not overridden (offscreen under the tests)."""
    before = os.environ.get("QT_QPA_PLATFORM")
    create_app([], "ar")
    assert os.environ.get("QT_QPA_PLATFORM") == before
    assert QApplication.platformName() == (before or QApplication.platformName())


def test_full_screen_fills_the_screen_without_a_window_manager(qapp, qtbot):
    """A window shown full screen takes the whole screen even where no window manager honours the request."""
    from PySide6.QtWidgets import QWidget

    from qt_common.app import show_full_screen

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 300)
    show_full_screen(window)
    assert window.geometry() == window.screen().geometry()
    assert window.isFullScreen()

class _StyleEvents(QObject):
    """Counts the style, palette and font changes a widget is told of."""

    KINDS = (QEvent.Type.StyleChange, QEvent.Type.PaletteChange, QEvent.Type.FontChange)

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[QEvent.Type] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if event.type() in self.KINDS:
            self.seen.append(event.type())
        return False


def test_a_second_create_app_repolishes_nothing_but_a_change_still_applies(qapp: QApplication) -> None:
    """Re-applying the same theme leaves every widget alone; new colours or a text size reach them."""
    create_app([], "ar")
    label = QLabel("طابور")
    events = _StyleEvents()
    label.ensurePolished()
    QApplication.processEvents()
    label.installEventFilter(events)
    try:
        create_app([], "ar")
        QApplication.processEvents()
        assert events.seen == []
        create_app([], "ar", colours=theme.HIGH_CONTRAST, text_scale=1.25)
        QApplication.processEvents()
        assert app_styled_with(qapp, theme.HIGH_CONTRAST, 1.25)
        assert QEvent.Type.PaletteChange in events.seen and QEvent.Type.FontChange in events.seen
    finally:
        create_app([], "ar")
        label.removeEventFilter(events)
        label.deleteLater()
    assert app_styled_with(qapp, theme.COLOURS, 1.0)


def app_styled_with(app: QApplication, colours: theme.Colours, text_scale: float) -> bool:
    return (
        app.palette().color(QPalette.ColorRole.Window) == QColor(colours.window)
        and app.styleSheet() == theme.stylesheet(colours)
        and abs(app.font().pointSizeF() - theme.BASE_FONT_PT * text_scale) < 0.01
    )
