"""The names of the screens' look settings, without Qt: command lines list them before Qt loads."""

#: the colour sets a board, a counter or a kiosk visitor can choose (qt_common.theme.THEMES)
THEME_NAMES = ("standard", "high-contrast")

#: how much larger "large text" draws every font; a kiosk screen has no scrolling, so this is
#: what still fits at 1366 × 768 (WCAG 1.4.4 asks up to 200 % where content can reflow)
LARGE_TEXT_SCALE = 1.25
