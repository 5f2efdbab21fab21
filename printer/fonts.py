"""Find fonts for the ticket on the machine itself; no font file ships with Tabour.

Looked for, in order: Noto Sans/Naskh Arabic and Amiri (Debian `fonts-noto-core`,
`fonts-hosny-amiri`), Windows' own Tahoma, Segoe UI and Arial, DejaVu. `TABOUR_FONT_DIRS`
(os.pathsep-separated) adds folders to search first (core/fonts.py finds the files).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import BilingualError
from core.fonts import font_dirs, index_fonts


class FontNotFoundError(BilingualError, RuntimeError):
    """No font that can draw Arabic (or Latin) text was found; the message says what to install."""


ARABIC_REGULAR = ("NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "tahoma.ttf", "segoeui.ttf", "arial.ttf", "Amiri-Regular.ttf", "DejaVuSans.ttf")
ARABIC_BOLD = ("NotoSansArabic-Bold.ttf", "NotoNaskhArabic-Bold.ttf", "tahomabd.ttf", "segoeuib.ttf", "arialbd.ttf", "Amiri-Bold.ttf", "DejaVuSans-Bold.ttf")
# Arabic fonts that also draw Latin letters: used for an Arabic line that carries Latin text.
ARABIC_WITH_LATIN = ("tahoma.ttf", "segoeui.ttf", "arial.ttf", "Amiri-Regular.ttf", "DejaVuSans.ttf")
ARABIC_WITH_LATIN_BOLD = ("tahomabd.ttf", "segoeuib.ttf", "arialbd.ttf", "Amiri-Bold.ttf", "DejaVuSans-Bold.ttf")
LATIN_REGULAR = ("NotoSans-Regular.ttf", "DejaVuSans.ttf", "segoeui.ttf", "arial.ttf", "tahoma.ttf", "LiberationSans-Regular.ttf")
LATIN_BOLD = ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf", "segoeuib.ttf", "arialbd.ttf", "tahomabd.ttf", "LiberationSans-Bold.ttf")


def default_font_dirs() -> tuple[Path, ...]:
    return font_dirs()


FONT_DIRS: tuple[Path, ...] | None = None  # None: default_font_dirs(); tests may point it elsewhere


@dataclass(frozen=True)
class FontSet:
    arabic: Path
    arabic_bold: Path
    latin: Path
    latin_bold: Path
    arabic_with_latin: Path | None
    arabic_with_latin_bold: Path | None


def _index(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """File name (lower case) → first path found, over all font folders."""
    return index_fonts(dirs)


def _first(index: dict[str, Path], names: tuple[str, ...]) -> Path | None:
    for name in names:
        if name.lower() in index:
            return index[name.lower()]
    return None


def find_fonts(dirs: tuple[Path, ...] | None = None) -> FontSet:
    """The fonts to draw a ticket with, or FontNotFoundError saying what to install."""
    dirs = dirs if dirs is not None else (FONT_DIRS if FONT_DIRS is not None else default_font_dirs())
    index = _index(tuple(dirs))
    arabic = _first(index, ARABIC_REGULAR)
    if arabic is None:
        searched = ", ".join(str(d) for d in dirs) or "(no folders)"
        raise FontNotFoundError(
            "no font that can draw Arabic was found in " + searched + ". Install one: on Debian/Ubuntu "
            "`apt install fonts-noto-core` (Noto Sans Arabic) or `fonts-hosny-amiri`; Windows ships Tahoma and Arial; "
            "or set TABOUR_FONT_DIRS to a folder holding NotoSansArabic-Regular.ttf.",
            "لم يُعثر على خط يدعم العربية. ثبّت حزمة fonts-noto-core أو fonts-hosny-amiri، "
            "أو حدّد مجلد الخطوط في المتغير TABOUR_FONT_DIRS.",
        )
    arabic_with_latin = _first(index, ARABIC_WITH_LATIN)
    latin = _first(index, LATIN_REGULAR) or arabic_with_latin
    if latin is None:
        raise FontNotFoundError(
            "no font for Latin letters was found; install fonts-noto-core or fonts-dejavu-core",
            "لم يُعثر على خط للحروف اللاتينية؛ ثبّت حزمة fonts-noto-core أو fonts-dejavu-core",
        )
    return FontSet(
        arabic=arabic,
        arabic_bold=_first(index, ARABIC_BOLD) or arabic,
        latin=latin,
        latin_bold=_first(index, LATIN_BOLD) or latin,
        arabic_with_latin=arabic_with_latin,
        arabic_with_latin_bold=_first(index, ARABIC_WITH_LATIN_BOLD) or arabic_with_latin,
    )
