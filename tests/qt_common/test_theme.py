"""The shared look: contrast, fonts with Arabic, touch targets, status colours."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from qt_common import theme


def test_every_text_colour_meets_wcag_aa() -> None:
    """Every text/background pair of the theme has a contrast of at least 4.5:1."""
    failing = [(what, round(theme.contrast_ratio(fg, bg), 2)) for what, fg, bg in theme.text_pairs()
               if theme.contrast_ratio(fg, bg) < 4.5]
    assert failing == []


def test_contrast_ratio_known_values() -> None:
    """Black on white is 21:1, a colour on itself 1:1; a non-colour is refused."""
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast_ratio("#006C35", "#006C35") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        theme.contrast_ratio("not-a-colour", "#FFFFFF")


def test_primary_is_the_flag_green() -> None:
    """The primary colour is the Saudi flag green."""
    assert theme.COLOURS.primary.upper() == "#006C35"


def test_arabic_font_is_installed_and_draws_arabic(app: QApplication) -> None:
    """The chosen family is installed and covers the Arabic writing system."""
    family = theme.arabic_font_family()
    assert family in QFontDatabase.families()
    assert QFontDatabase.WritingSystem.Arabic in QFontDatabase.writingSystems(family)
    assert family == "Noto Sans Arabic"  # installed on this machine, first preference on Linux


def test_app_font_lists_latin_then_arabic(app: QApplication) -> None:
    """The font carries both families so Latin and Arabic each get a matching face."""
    font = theme.app_font(20, bold=True)
    assert font.families()[-1] == theme.arabic_font_family()
    assert font.pointSizeF() == 20
    assert font.bold()
    assert QApplication.font().families() == theme.font_families()


@pytest.mark.parametrize("bad", [0, -3, 5000, True, "12", float("nan")])
def test_app_font_refuses_silly_sizes(app: QApplication, bad: object) -> None:
    """A size outside 1–1000 pt, or not a number, is refused."""
    with pytest.raises(ValueError):
        theme.app_font(bad)  # type: ignore[arg-type]


def test_font_fallback_logs_a_warning(app: QApplication, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    """Without any preferred family, another installed Arabic font is used and a warning logged."""
    monkeypatch.setitem(theme.ARABIC_FAMILIES, "linux", ("No Such Font",))
    monkeypatch.setitem(theme.ARABIC_FAMILIES, "win32", ("No Such Font",))
    monkeypatch.setitem(theme.ARABIC_FAMILIES, "darwin", ("No Such Font",))
    theme.arabic_font_family.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="qt_common.theme"):
            family = theme.arabic_font_family()
        assert QFontDatabase.WritingSystem.Arabic in QFontDatabase.writingSystems(family)
        assert "none of the preferred Arabic fonts" in caplog.text
    finally:
        theme.arabic_font_family.cache_clear()


def test_stylesheet_parses_without_qt_complaints(app: QApplication, qtlog) -> None:
    """Qt accepts the whole stylesheet (a typo would print "Could not parse")."""
    button = QPushButton("x")
    button.setStyleSheet(theme.stylesheet())
    button.ensurePolished()
    assert not [record for record in qtlog.records if "parse" in record.message.lower()]


def test_buttons_are_touch_sized(app: QApplication) -> None:
    """A themed button is at least the touch-target size."""
    button = QPushButton("OK")
    theme.set_role(button, theme.Role.PRIMARY)
    button.ensurePolished()
    assert button.sizeHint().height() >= theme.TOUCH_TARGET_PX
    assert button.minimumSizeHint().height() >= theme.TOUCH_TARGET_PX


@pytest.mark.parametrize(("status", "expected"), [("paused", theme.COLOURS.status_paused),
                                                 ("no_show", theme.COLOURS.status_error),
                                                 (theme.Status.OPEN, theme.COLOURS.status_open)])
def test_status_property_paints_the_status_colour(app: QApplication, qtbot, status: str, expected: str) -> None:
    """`set_status` paints a badge in its status colour (hub values map to styles)."""
    label = QLabel("    ")
    qtbot.addWidget(label)
    label.resize(80, 30)
    theme.set_status(label, status)
    label.show()
    image = label.grab().toImage()
    assert image.pixelColor(40, 15) == QColor(expected)


def test_unknown_status_or_role_is_refused(app: QApplication) -> None:
    """Only the theme's statuses and roles exist."""
    label = QLabel()
    with pytest.raises(ValueError):
        theme.set_status(label, "sparkly")
    with pytest.raises(ValueError):
        theme.set_role(label, "fancy")
