"""Where the machine keeps its fonts, and which font files are there; no font ships with Tabour.

The printed ticket (printer/fonts.py) and the PDF report (reports/text.py) each choose their
own fonts from this one index. `TABOUR_FONT_DIRS` (os.pathsep-separated) and `TABOUR_FONT_DIR`
name folders searched before the system's.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def font_dirs() -> tuple[Path, ...]:
    """The folders to search, the ones named in the environment first (existing or not)."""
    dirs: list[Path] = [Path(p) for p in os.environ.get("TABOUR_FONT_DIRS", "").split(os.pathsep) if p]
    if os.environ.get("TABOUR_FONT_DIR"):
        dirs.append(Path(os.environ["TABOUR_FONT_DIR"]))
    home = Path.home()
    if sys.platform == "win32" or os.environ.get("WINDIR"):
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        dirs.append(Path(os.environ.get("LOCALAPPDATA", home)) / "Microsoft" / "Windows" / "Fonts")
    if sys.platform == "darwin":
        dirs += [Path("/Library/Fonts"), Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"), home / "Library" / "Fonts"]
    elif sys.platform != "win32":
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts", home / ".fonts"]
    return tuple(dict.fromkeys(dirs))


@lru_cache(maxsize=16)
def index_fonts(dirs: tuple[Path, ...], suffixes: tuple[str, ...] = FONT_SUFFIXES) -> dict[str, Path]:
    """File name (lower case) → the first such file found, over the folders in their order."""
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _subdirs, files in sorted(os.walk(folder)):
            for name in sorted(files):
                if name.lower().endswith(suffixes):
                    found.setdefault(name.lower(), Path(root) / name)
    return found
