"""One look for the kiosk, the counter and the display board.

Calm and high-contrast: white and very light grey surfaces, the Saudi flag green
(#006C35) as the primary colour, one clear colour per status, touch targets of at least
56 px, and a visible focus ring for keyboard users. Every text/background pair used
here meets WCAG 2.2 AA: 4.5:1 for text, 3:1 for control borders and the focus ring against
the surfaces they sit on; tests/qt_common/test_theme.py computes it from the style sheets
themselves. A second set of colours, HIGH_CONTRAST, goes further (7:1 text, black borders) for
visitors who ask for it at the kiosk and for boards and counters configured so.

A button's min-height is of its contents, inside the padding and the border: it is set so
the whole button is a touch target of TOUCH_TARGET_PX, no taller. There is no min-width: a
style sheet's min-width overrides the minimum a layout would keep for the button's text, and
squeezed layouts then cut labels; `widgets.TextButton` keeps that minimum instead.

Widgets pick a style through dynamic properties rather than their own stylesheets:
`set_role(button, "primary")`, `set_status(badge, "paused")`.
"""

from __future__ import annotations

import functools
import logging
import sys
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from qt_common.looks import LARGE_TEXT_SCALE, THEME_NAMES  # noqa: F401 — LARGE_TEXT_SCALE is read from here too

log = logging.getLogger(__name__)

TOUCH_TARGET_PX = 56
BASE_FONT_PT = 14


@dataclass(frozen=True, slots=True)
class Colours:
    window: str = "#F4F6F5"  # very light grey, a hint of green
    surface: str = "#FFFFFF"
    surface_alt: str = "#EAEFEC"
    border: str = "#7A8580"  # 3:1 on every surface: a control's edge must be seen (WCAG 1.4.11)
    text: str = "#1B1F1D"
    text_muted: str = "#4B5551"
    primary: str = "#006C35"  # the Saudi flag green
    primary_hover: str = "#005A2C"
    primary_pressed: str = "#004822"
    on_primary: str = "#FFFFFF"
    focus: str = "#8A5C00"  # dark gold ring, 3:1 or more on every surface
    disabled_text: str = "#59625E"
    disabled_surface: str = "#E3E7E5"
    # statuses: each is a background for white text
    status_open: str = "#006C35"
    status_serving: str = "#00693E"
    status_waiting: str = "#1F5FA8"
    status_called: str = "#A34A00"
    status_paused: str = "#8A5300"
    status_closed: str = "#5A6661"
    status_done: str = "#5A6661"
    status_error: str = "#B3261E"
    status_priority: str = "#6A3D9A"
    banner_offline: str = "#8A1C14"


COLOURS = Colours()

#: black on white, darker fills for white text: 7:1 and more for every text (WCAG AAA)
HIGH_CONTRAST = Colours(
    window="#FFFFFF",
    surface="#FFFFFF",
    surface_alt="#F0F0F0",
    border="#000000",
    text="#000000",
    text_muted="#333333",
    primary="#00401F",
    primary_hover="#003519",
    primary_pressed="#002A14",
    on_primary="#FFFFFF",
    focus="#8A5C00",
    disabled_text="#333333",
    disabled_surface="#DDDDDD",
    status_open="#00401F",
    status_serving="#00401F",
    status_waiting="#0B3D91",
    status_called="#6B3A00",
    status_paused="#5C3700",
    status_closed="#333333",
    status_done="#333333",
    status_error="#7A1A12",
    status_priority="#4A1F7A",
    banner_offline="#7A1A12",
)

#: the colour sets a board, a counter or a visitor can choose, by setting name
THEMES: dict[str, Colours] = dict(zip(THEME_NAMES, (COLOURS, HIGH_CONTRAST), strict=True))



def colours_named(name: str) -> Colours:
    """The colour set of a setting's value ("standard", "high-contrast"); ValueError otherwise."""
    if not isinstance(name, str) or name.strip().lower() not in THEMES:
        raise ValueError(f"theme must be one of {sorted(THEMES)}, not {name!r}")
    return THEMES[name.strip().lower()]


class Status(StrEnum):
    """The status styles a badge or banner can take (ticket and counter statuses map onto them)."""

    OPEN = "open"
    SERVING = "serving"
    WAITING = "waiting"
    CALLED = "called"
    PAUSED = "paused"
    CLOSED = "closed"
    DONE = "done"
    ERROR = "error"
    PRIORITY = "priority"


def status_colours(colours: Colours = COLOURS) -> dict[Status, str]:
    """Each status style's background (white text on it) in `colours`."""
    return {status: getattr(colours, f"status_{status.value}") for status in Status}


STATUS_COLOURS: dict[Status, str] = status_colours(COLOURS)

#: hub statuses (ticket and counter) → the style that shows them
STATUS_OF_HUB_VALUE: dict[str, Status] = {
    "open": Status.OPEN,
    "closed": Status.CLOSED,
    "paused": Status.PAUSED,
    "waiting": Status.WAITING,
    "called": Status.CALLED,
    "serving": Status.SERVING,
    "done": Status.DONE,
    "no_show": Status.ERROR,
    "transferred": Status.DONE,
    "cancelled": Status.DONE,
    "expired": Status.DONE,
}


class Role(StrEnum):
    """How a button or label presents itself."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"
    HEADING = "heading"
    TITLE = "title"
    MUTED = "muted"
    CARD = "card"


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two `#RRGGBB` colours (1 … 21)."""

    def luminance(hex_colour: str) -> float:
        colour = QColor(hex_colour)
        if not colour.isValid():
            raise ValueError(f"not a colour: {hex_colour!r}")
        channels = []
        for value in (colour.redF(), colour.greenF(), colour.blueF()):
            channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_pairs(colours: Colours = COLOURS) -> list[tuple[str, str, str]]:
    """(what, foreground, background) for every text colour this theme puts on a background."""
    c = colours
    pairs = [
        ("text on window", c.text, c.window),
        ("text on surface", c.text, c.surface),
        ("text on alt surface", c.text, c.surface_alt),
        ("muted text on window", c.text_muted, c.window),
        ("muted text on surface", c.text_muted, c.surface),
        ("disabled text on disabled surface", c.disabled_text, c.disabled_surface),
        ("primary button", c.on_primary, c.primary),
        ("primary button hovered", c.on_primary, c.primary_hover),
        ("primary button pressed", c.on_primary, c.primary_pressed),
        ("primary text on surface", c.primary, c.surface),
        ("danger button", c.on_primary, c.status_error),
        ("offline banner", c.on_primary, c.banner_offline),
    ]
    pairs += [(f"badge {status.value}", c.on_primary, colour) for status, colour in status_colours(c).items()]
    return pairs


def control_pairs(colours: Colours = COLOURS) -> list[tuple[str, str, str]]:
    """(what, edge, surface) for every control edge and focus ring: each needs 3:1 (WCAG 1.4.11)."""
    c = colours
    pairs = []
    for surface_name in ("window", "surface", "surface_alt"):
        surface = getattr(c, surface_name)
        pairs.append((f"control border on {surface_name}", c.border, surface))
        pairs.append((f"focus ring on {surface_name}", c.focus, surface))
        pairs.append((f"primary button on {surface_name}", c.primary, surface))
    return pairs


# --- fonts ----------------------------------------------------------------------------------

#: Arabic families in order of preference, per platform. Sans faces first: they stay legible
#: at a distance and at small sizes on screens (docs/decisions/qt-fonts.md).
ARABIC_FAMILIES: dict[str, tuple[str, ...]] = {
    "linux": ("Noto Sans Arabic", "Noto Naskh Arabic", "Noto Kufi Arabic", "Amiri", "DejaVu Sans"),
    "win32": ("Segoe UI", "Tahoma", "Arial"),
    "darwin": ("SF Arabic", "Geeza Pro", "Arial"),
}
#: the face for Latin letters and digits, listed before the Arabic face so both scripts
#: come from a matching sans family; on Windows Segoe UI covers both.
LATIN_FAMILIES: dict[str, tuple[str, ...]] = {
    "linux": ("Noto Sans", "DejaVu Sans", "Liberation Sans"),
    "win32": ("Segoe UI", "Arial"),
    "darwin": ("SF Pro Text", "Helvetica Neue", "Arial"),
}


def _platform_key() -> str:
    if sys.platform.startswith("win"):
        return "win32"
    if sys.platform == "darwin":
        return "darwin"
    return "linux"


def _require_gui() -> None:
    if QGuiApplication.instance() is None:
        raise RuntimeError("fonts need a QApplication; create it first (qt_common.app.create_app)")


@functools.cache
def arabic_font_family() -> str:
    """The installed family that draws Arabic, by preference; a logged warning when falling back."""
    _require_gui()
    installed = set(QFontDatabase.families())
    for family in ARABIC_FAMILIES[_platform_key()]:
        if family in installed and QFontDatabase.WritingSystem.Arabic in QFontDatabase.writingSystems(family):
            return family
    with_arabic = sorted(QFontDatabase.families(QFontDatabase.WritingSystem.Arabic))
    if with_arabic:
        log.warning("none of the preferred Arabic fonts is installed; using %r", with_arabic[0])
        return with_arabic[0]
    fallback = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    log.warning("no installed font draws Arabic; Arabic text will show as boxes (using %r)", fallback)
    return fallback


@functools.cache
def latin_font_family() -> str | None:
    """A sans family for Latin letters and digits, or None to let the Arabic family draw them."""
    _require_gui()
    installed = set(QFontDatabase.families())
    for family in LATIN_FAMILIES[_platform_key()]:
        if family in installed:
            return family
    return None


def font_families() -> list[str]:
    """The families every widget uses, in fallback order."""
    arabic = arabic_font_family()
    latin = latin_font_family()
    return [arabic] if latin is None or latin == arabic else [latin, arabic]


def app_font(size_pt: float = BASE_FONT_PT, bold: bool = False) -> QFont:
    """The theme's font at `size_pt` points."""
    if isinstance(size_pt, bool) or not isinstance(size_pt, int | float) or not 1 <= size_pt <= 1000:
        raise ValueError(f"font size must be 1–1000 pt, got {size_pt!r}")
    font = QFont()
    font.setFamilies(font_families())
    font.setPointSizeF(float(size_pt))
    font.setBold(bold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


# --- palette and stylesheet -----------------------------------------------------------------


def palette(colours: Colours = COLOURS) -> QPalette:
    c = colours
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.surface,
        QPalette.ColorRole.AlternateBase: c.surface_alt,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.PlaceholderText: c.text_muted,
        QPalette.ColorRole.Button: c.surface,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.Highlight: c.primary,
        QPalette.ColorRole.HighlightedText: c.on_primary,
        QPalette.ColorRole.ToolTipBase: c.surface,
        QPalette.ColorRole.ToolTipText: c.text,
        QPalette.ColorRole.Link: c.primary,
        QPalette.ColorRole.BrightText: c.on_primary,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.disabled_text))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor(c.disabled_surface))
    return pal


def stylesheet(colours: Colours = COLOURS) -> str:
    c = colours
    status_rules = "\n".join(
        f'QLabel[status="{status.value}"], QFrame[status="{status.value}"] '
        f"{{ background: {colour}; color: {c.on_primary}; border-radius: 6px; padding: 4px 12px; }}"
        for status, colour in status_colours(c).items()
    )
    return f"""
QWidget {{ color: {c.text}; }}
QMainWindow, QDialog {{ background: {c.window}; }}
QPushButton {{
    min-height: {TOUCH_TARGET_PX - 2 * 8 - 2 * 2}px; padding: 8px 24px;
    background: {c.surface}; color: {c.text};
    border: 2px solid {c.border}; border-radius: 10px;
}}
QPushButton:hover {{ border-color: {c.primary}; }}
QPushButton:pressed {{ background: {c.surface_alt}; }}
QPushButton:focus {{ border: 3px solid {c.focus}; }}
QPushButton:disabled {{ background: {c.disabled_surface}; color: {c.disabled_text}; border-color: {c.disabled_surface}; }}
QPushButton[role="primary"] {{ background: {c.primary}; color: {c.on_primary}; border-color: {c.primary}; }}
QPushButton[role="primary"]:hover {{ background: {c.primary_hover}; }}
QPushButton[role="primary"]:pressed {{ background: {c.primary_pressed}; }}
QPushButton[role="primary"]:focus {{ border: 3px solid {c.focus}; }}
QPushButton[role="danger"] {{ background: {c.status_error}; color: {c.on_primary}; border-color: {c.status_error}; }}
QPushButton[role="danger"]:focus {{ border: 3px solid {c.focus}; }}
QPushButton[role="primary"]:disabled, QPushButton[role="danger"]:disabled {{
    background: {c.disabled_surface}; color: {c.disabled_text}; border-color: {c.disabled_surface};
}}
QLineEdit, QComboBox, QSpinBox {{
    min-height: 48px; padding: 4px 12px; background: {c.surface};
    border: 2px solid {c.border}; border-radius: 8px;
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus {{ border: 3px solid {c.focus}; }}
QLabel[role="title"] {{ font-size: 28pt; font-weight: bold; color: {c.primary}; }}
QLabel[role="heading"] {{ font-size: 20pt; font-weight: bold; }}
QLabel[role="muted"] {{ color: {c.text_muted}; }}
QFrame[role="card"] {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 12px; }}
{status_rules}
QFrame#OfflineBanner {{ background: {c.banner_offline}; border-radius: 0; }}
QFrame#OfflineBanner QLabel {{ color: {c.on_primary}; background: transparent; }}
QFrame#MessageBar[kind="error"] {{ background: {c.status_error}; border-radius: 8px; }}
QFrame#MessageBar[kind="info"] {{ background: {c.primary}; border-radius: 8px; }}
QFrame#MessageBar QLabel {{ color: {c.on_primary}; background: transparent; }}
QToolTip {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.border}; }}
"""


def apply_theme(app: QApplication, colours: Colours = COLOURS, text_scale: float = 1.0) -> None:
    """Fusion style (the same on every platform), the palette, the stylesheet and the font."""
    global _applied_colours
    _applied_colours = colours
    # Each of these re-polishes every widget alive, even when it sets what is already there; a
    # process that builds many windows (a test run, the all-in-one demo) pays for each of them at
    # every call. So each is set only when it differs.
    restyled = not _fusion_is_set(app)
    if restyled:
        app.setStyle("Fusion")
        app.setProperty(_STYLE_PROPERTY, "fusion")
    wanted_palette = palette(colours)
    if restyled or app.palette() != wanted_palette:
        app.setPalette(wanted_palette)
    wanted_font = app_font(BASE_FONT_PT * text_scale)
    if restyled or app.font() != wanted_font:
        app.setFont(wanted_font)
    wanted_sheet = stylesheet(colours)
    if restyled or app.styleSheet() != wanted_sheet:
        app.setStyleSheet(wanted_sheet)


_STYLE_PROPERTY = "tabourStyle"


def _fusion_is_set(app: QApplication) -> bool:
    """Whether the application's own style is Fusion (under a style sheet, the one set above)."""
    style = app.style()
    if style.metaObject().className() == "QStyleSheetStyle":
        # A style sheet wraps the application's style and hides its name: only `apply_theme`
        # sets a style, and it marks the application when it does.
        return app.property(_STYLE_PROPERTY) == "fusion"
    return style.name().lower() == "fusion"


_applied_colours = COLOURS


def applied_colours() -> Colours:
    """The colour set `apply_theme` last gave the application (a window's own additions follow it)."""
    return _applied_colours


_BASE_PT = "textScaleBasePt"
_SHOWN_PT = "textScaleShownPt"


def scale_fonts(root: QWidget, factor: float) -> None:
    """Draw every font under `root` `factor` times its own size (1.0: back to normal).

    Widgets set their own fonts (and change them when a layout turns compact), so each one's
    size is remembered the first time; a size changed since is taken as the widget's new own one.
    """
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not 0.5 <= factor <= 3:
        raise ValueError(f"text scale must be 0.5–3, got {factor!r}")
    # Children before their parents: a font set on a child first is its own, so the parent's
    # new font cannot reach it and scale it a second time.
    for widget in reversed((root, *root.findChildren(QWidget))):
        font = widget.font()
        size = font.pointSizeF()
        if size <= 0:
            continue
        base, shown = widget.property(_BASE_PT), widget.property(_SHOWN_PT)
        if base is None or shown is None or abs(float(shown) - size) > 0.01:
            base = size
        wanted = round(float(base) * factor, 2)
        widget.setProperty(_BASE_PT, float(base))
        widget.setProperty(_SHOWN_PT, wanted)
        if abs(wanted - size) > 0.01:
            font.setPointSizeF(wanted)
            widget.setFont(font)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def set_role(widget: QWidget, role: Role | str | None) -> None:
    """Style `widget` as `role` (primary button, heading label…); None for the plain look."""
    widget.setProperty("role", Role(role).value if role is not None else None)
    _repolish(widget)


def set_status(widget: QWidget, status: Status | str | None) -> None:
    """Colour `widget` for `status`: a Status, or a hub ticket/counter status such as "no_show"."""
    if status is None:
        widget.setProperty("status", None)
    else:
        value = STATUS_OF_HUB_VALUE.get(status, None) if isinstance(status, str) else None
        widget.setProperty("status", (value or Status(status)).value)
    _repolish(widget)
