"""The QApplication every Tabour window runs in: theme, font, language and direction set."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from qt_common import theme
from qt_common.i18n import Language, parse_language, set_language


def create_app(
    argv: Sequence[str] | None = None,
    lang: str | Language = Language.AR,
    *,
    colours: theme.Colours = theme.COLOURS,
    text_scale: float = 1.0,
) -> QApplication:
    """The application (reused if one exists, as under pytest-qt), themed and in `lang`.

    `QT_QPA_PLATFORM` is left as the environment says: offscreen in tests, the desktop
    platform otherwise. `colours` and `text_scale` are the screen's contrast and text-size
    settings (`--theme high-contrast`, `--large-text`).
    """
    language = parse_language(lang)
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    if not isinstance(app, QApplication):
        raise RuntimeError("a non-widget Qt application already exists; Tabour windows need QApplication")
    app.setApplicationName("Tabour")
    app.setOrganizationName("Tabour")
    app.setApplicationDisplayName("طابور · Tabour")
    theme.apply_theme(app, colours, text_scale)
    set_language(app, language)
    return app


def show_full_screen(window: QWidget) -> None:
    """Full screen on the window's screen, with or without a window manager.

    `showFullScreen()` is a request to the window manager; a kiosk or a hall TV often runs a
    bare X session with none, where the request is ignored and the window keeps its small
    default size. Giving it the screen's whole geometry first makes both cases fill the screen.
    """
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(screen.geometry())
    window.showFullScreen()
