"""The shared look: contrast, fonts with Arabic, touch targets, status colours."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from qt_common import theme
from tests import contrast


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_every_text_colour_meets_wcag_aa(name: str) -> None:
    """Every text/background pair of each colour set has a contrast of at least 4.5:1 (7:1 in high contrast)."""
    colours = theme.colours_named(name)
    minimum = 7.0 if colours is theme.HIGH_CONTRAST else 4.5
    failing = [(what, round(theme.contrast_ratio(fg, bg), 2)) for what, fg, bg in theme.text_pairs(colours)
               if theme.contrast_ratio(fg, bg) < minimum]
    assert failing == []


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_control_edges_and_focus_ring_meet_3_to_1(name: str) -> None:
    """Control borders, the focus ring and primary fills stand out 3:1 from every surface (WCAG 1.4.11)."""
    colours = theme.colours_named(name)
    failing = [(what, round(theme.contrast_ratio(edge, bg), 2)) for what, edge, bg in theme.control_pairs(colours)
               if theme.contrast_ratio(edge, bg) < 3.0]
    assert failing == []


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_every_rule_of_every_screen_sheet_meets_wcag_aa(name: str) -> None:
    """Each text colour the kiosk, counter and board sheets set, on what it sits on, is 4.5:1 or more."""
    from counter_ui.devices import device_alert_stylesheet
    from display_board.window import _stylesheet as board_stylesheet
    from display_board.window import colour_pairs as board_pairs
    from kiosk.style import kiosk_stylesheet

    colours = theme.colours_named(name)
    sheets = {
        "theme": theme.stylesheet(colours),
        "kiosk": theme.stylesheet(colours) + kiosk_stylesheet(colours),
        "board": board_stylesheet(colours),
        "counter alerts": theme.stylesheet(colours) + device_alert_stylesheet(colours),
    }
    pairs = [pair for what, sheet in sheets.items() for pair in contrast.pairs_of(sheet, what)]
    pairs += [contrast.Pair(f"board: {what}", fg, bg) for what, fg, bg in board_pairs(colours)]
    assert len(pairs) > 100
    assert contrast.failing(pairs) == []


def test_the_sheet_check_finds_a_pale_text() -> None:
    """The checker fails a pale grey on white, an inherited white text on a pale fill, and a hover state."""
    sheet = """
    QLabel#Faint { color: #999999; background: #FFFFFF; }
    QFrame#Bar { background: #F0E68C; }
    QFrame#Bar QLabel { color: #FFFFFF; }
    QPushButton#Go { background: #006C35; color: #FFFFFF; }
    QPushButton#Go:hover { background: #8FD19E; }
    """
    found = contrast.failing(contrast.pairs_of(sheet, "sample"))
    assert len(found) == 3
    assert any("QLabel#Faint" in line for line in found)
    assert any("QFrame#Bar QLabel" in line for line in found)
    assert any("QPushButton#Go:hover" in line for line in found)


def test_colours_named_refuses_an_unknown_theme() -> None:
    """A setting naming no colour set is refused with the names that exist."""
    assert theme.colours_named(" High-Contrast ") is theme.HIGH_CONTRAST
    for bad in ("", "dark", None, "x" * 10_000):
        with pytest.raises(ValueError, match="high-contrast"):
            theme.colours_named(bad)  # type: ignore[arg-type]


def test_scale_fonts_scales_once_and_comes_back(app: QApplication) -> None:
    """Large text scales every own font by the factor, never twice, and 1.0 restores each size."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    root = QWidget()
    own, inherited = QLabel("own", root), QLabel("inherited", root)
    own.setFont(theme.app_font(20))
    QVBoxLayout(root).addWidget(own)
    base_inherited = inherited.font().pointSizeF()
    theme.scale_fonts(root, 1.25)
    theme.scale_fonts(root, 1.25)
    assert own.font().pointSizeF() == pytest.approx(25)
    assert inherited.font().pointSizeF() == pytest.approx(base_inherited * 1.25, abs=0.05)
    own.setFont(theme.app_font(16))  # a layout turning compact sets its own new size
    theme.scale_fonts(root, 1.25)
    assert own.font().pointSizeF() == pytest.approx(20)
    theme.scale_fonts(root, 1.0)
    assert own.font().pointSizeF() == pytest.approx(16)
    assert inherited.font().pointSizeF() == pytest.approx(base_inherited, abs=0.05)
    for bad in (0, 10, True, "2"):
        with pytest.raises(ValueError):
            theme.scale_fonts(root, bad)  # type: ignore[arg-type]


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
