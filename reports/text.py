"""Arabic text for renderers that do not shape it (reportlab, matplotlib), and the fonts to draw it.

Neither reportlab nor matplotlib joins Arabic letters or orders right-to-left text. Each line
is therefore shaped with arabic-reshaper (letters to their joined presentation forms) and put
in visual order with python-bidi, then drawn left to right as it is. Numbers and times inside
Arabic text are wrapped in direction isolates (`ltr`) before that, so they keep their order.

Fonts: an Arabic TrueType font for Arabic letters and a Latin one for the rest, each chosen
from the fonts installed on the machine (Linux, macOS and Windows folders); a character is
drawn with the Arabic font when that font has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display

from core.bidi import ltr, strip_bidi
from core.errors import BilingualError
from core.fonts import font_dirs as shared_font_dirs
from core.fonts import index_fonts

__all__ = ["FontSet", "FontsMissing", "chart_text", "find_fonts", "font_dirs", "ltr", "visual"]

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def has_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


def visual(text: str, rtl: bool = True) -> str:
    """One line as it is drawn left to right: shaped, in visual order, without direction marks."""
    text = str(text).replace("\n", " ")
    if not text:
        return ""
    if has_arabic(text):
        text = arabic_reshaper.reshape(text)
    if rtl or has_arabic(text):
        text = _mirror(get_display(text, base_dir="R" if rtl else "L"))
    return strip_bidi(text)  # direction marks steer python-bidi but have no glyph in any font


_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}
_STRONG_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _mirror(line: str) -> str:
    """Mirror the brackets python-bidi laid out right to left (it moves them but keeps their glyphs).

    In the visual line a left-to-right pair reads "(…)"; a right-to-left pair, reversed but not
    mirrored, reads ")…(": those are turned round. A bracket without a partner is turned when
    Arabic, and no Latin letter, stands next to it.
    """
    if not any(ch in _OPENERS or ch in _CLOSERS for ch in line):
        return line
    chars = list(line)
    stack: list[tuple[str, int, bool]] = []  # (bracket, index, reads right to left)
    for index, ch in enumerate(line):
        if ch in _OPENERS:
            if stack and stack[-1][2] and stack[-1][0] == _OPENERS[ch]:
                _, start, _ = stack.pop()
                chars[start], chars[index] = _CLOSERS[chars[start]], _OPENERS[ch]
            else:
                stack.append((ch, index, False))
        elif ch in _CLOSERS:
            if stack and not stack[-1][2] and stack[-1][0] == _CLOSERS[ch]:
                stack.pop()
            else:
                stack.append((ch, index, True))

    def nearest(index: int, step: int) -> str | None:
        index += step
        while 0 <= index < len(chars):
            if has_arabic(chars[index]):
                return "ar"
            if _STRONG_LATIN.match(chars[index]):
                return "la"
            index += step
        return None

    for ch, index, _ in stack:
        sides = {nearest(index, -1), nearest(index, 1)}
        if "ar" in sides and "la" not in sides:
            chars[index] = _OPENERS.get(ch) or _CLOSERS[ch]
    return "".join(chars)


def chart_text(text: str, rtl: bool = True) -> str:
    """A label for matplotlib: from 3.11 it shapes and orders text itself; before, it is done here."""
    import matplotlib

    if tuple(int(part) for part in matplotlib.__version__.split(".")[:2] if part.isdigit()) >= (3, 11):
        return str(text)  # its layout engine honours the direction isolates too
    return visual(text, rtl)


# ── fonts ────────────────────────────────────────────────────────────────────────────────

# File names in order of preference: (regular, bold).
ARABIC_FONTS: tuple[tuple[str, str], ...] = (
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    ("Amiri-Regular.ttf", "Amiri-Bold.ttf"),
    ("NotoKufiArabic-Regular.ttf", "NotoKufiArabic-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),  # has the presentation forms too
    ("arial.ttf", "arialbd.ttf"),  # Windows
    ("tahoma.ttf", "tahomabd.ttf"),  # Windows
    ("segoeui.ttf", "segoeuib.ttf"),  # Windows
)
LATIN_FONTS: tuple[tuple[str, str], ...] = (
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
    ("segoeui.ttf", "segoeuib.ttf"),
    ("Amiri-Regular.ttf", "Amiri-Bold.ttf"),
)
# A font must have these to draw shaped Arabic (a few presentation forms) or English.
_ARABIC_PROBE = "\ufe8e\ufedf\ufee3\ufeea\u0661"
_LATIN_PROBE = "AZaz09%:-"


class FontsMissing(BilingualError, RuntimeError):
    """No installed font can draw Arabic (or Latin) text; the message says what to install."""


def font_dirs() -> list[Path]:
    """Folders to look for fonts in: `TABOUR_FONT_DIR(S)` first, then the system's."""
    return [d for d in shared_font_dirs() if d.is_dir()]


def _index(dirs: tuple[Path, ...]) -> dict[str, Path]:
    return index_fonts(dirs, (".ttf",))  # fontTools reads their character maps; fpdf embeds them


@lru_cache(maxsize=64)
def _cmap(path: Path) -> frozenset[int]:
    import io

    from fontTools.ttLib import TTFont

    # From bytes: fontTools leaves the file open when a file is not a font.
    with TTFont(io.BytesIO(path.read_bytes()), lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


def _covers(path: Path, probe: str) -> bool:
    try:
        cmap = _cmap(path)
    except Exception:  # an unreadable or unusual font file: not one we can use
        return False
    return all(ord(ch) in cmap for ch in probe)


@dataclass(frozen=True)
class FontSet:
    """The Arabic and Latin font files, regular and bold."""

    arabic: Path
    arabic_bold: Path
    latin: Path
    latin_bold: Path
    arabic_chars: frozenset[int] = field(repr=False, default=frozenset())

    def runs(self, text: str) -> list[tuple[bool, str]]:
        """`text` (already visual) split into (is_arabic_font, piece) runs."""
        pieces: list[tuple[bool, str]] = []
        for ch in text:
            arabic = ord(ch) in self.arabic_chars and (has_arabic(ch) or not pieces or pieces[-1][0])
            if ch == " " and pieces:
                arabic = pieces[-1][0]
            if pieces and pieces[-1][0] == arabic:
                pieces[-1] = (arabic, pieces[-1][1] + ch)
            else:
                pieces.append((arabic, ch))
        return pieces


def _pick(index: dict[str, Path], choices: tuple[tuple[str, str], ...], probe: str) -> tuple[Path, Path] | None:
    for regular, bold in choices:
        path = index.get(regular.lower())
        if path is not None and _covers(path, probe):
            bold_path = index.get(bold.lower())
            return path, bold_path if bold_path is not None and _covers(bold_path, probe) else path
    return None


def find_fonts(dirs: list[Path] | None = None) -> FontSet:
    """The best installed fonts for an Arabic-first report, or FontsMissing saying what to install."""
    index = _index(tuple(dirs if dirs is not None else font_dirs()))
    arabic = _pick(index, ARABIC_FONTS, _ARABIC_PROBE)
    if arabic is None:
        raise FontsMissing(
            "No Arabic font found. Install one, e.g. on Debian/Ubuntu `apt install fonts-noto-core` or "
            "`fonts-hosny-amiri`, or put NotoSansArabic-Regular.ttf in a folder named by TABOUR_FONT_DIR.",
            "لم يُعثر على خط عربي؛ ثبّت خط Noto Sans Arabic أو Amiri (الحزمة fonts-noto-core أو fonts-hosny-amiri).",
        )
    latin = _pick(index, LATIN_FONTS, _LATIN_PROBE)
    if latin is None:
        if not _covers(arabic[0], _LATIN_PROBE):
            raise FontsMissing(
                "No font for Latin letters found; install fonts-dejavu-core or fonts-noto-core.",
                "لم يُعثر على خط للحروف اللاتينية؛ ثبّت حزمة fonts-dejavu-core أو fonts-noto-core.",
            )
        latin = arabic
    return FontSet(arabic[0], arabic[1], latin[0], latin[1], _cmap(arabic[0]))
