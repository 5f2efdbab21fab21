"""Within a wheelchair user's reach: where each touch target of the kiosk is, in millimetres.

The kiosk is told where its glass is: the height of the screen's visible bottom edge above
the floor and the visible area's width and height (`--screen-bottom-mm 750 --screen-size-mm
400x710`, or the centre file's `[kiosk]` section). The kiosk fills its screen, so a pixel row
of the window is a height above the floor. The ADA 2010 Standards (§308.2.1) put an
unobstructed forward reach between 380 and 1220 mm above the floor; a target must also be
big enough to hit (WCAG 2.5.8 asks 24 CSS px; a kiosk gets at least 9 mm square).

When the usual layout leaves a control above the reach (the top of a tall floor-standing
screen), the kiosk offers a «تخطيط منخفض» / "Low layout" button, low on the screen: it keeps
the top for information (the centre, the clock) and moves every choice below the reach line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

REACH_LOW_MM = 380.0
REACH_HIGH_MM = 1220.0
MIN_TARGET_MM = 9.0
MAX_BOTTOM_MM = 2500.0
MAX_SIZE_MM = 3000.0


class PlacementError(ValueError):
    """A screen placement that cannot be used, said in both languages."""

    def __init__(self, message_en: str, message_ar: str) -> None:
        super().__init__(message_en)
        self.message_en, self.message_ar = message_en, message_ar


def _millimetres(value: object, what_en: str, what_ar: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not low <= value <= high:
        raise PlacementError(
            f"{what_en} must be a number of millimetres from {low:g} to {high:g}, not {value!r:.40}",
            f"{what_ar} يجب أن يكون عدد مليمترات من \u2066{low:g}\u2069 إلى \u2066{high:g}\u2069",
        )
    return float(value)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the screen is: its visible bottom edge above the floor and its visible size, in mm."""

    bottom_mm: float
    width_mm: float
    height_mm: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "bottom_mm", _millimetres(self.bottom_mm, "the screen's bottom edge", "ارتفاع الحافة السفلية للشاشة", 0, MAX_BOTTOM_MM))
        object.__setattr__(self, "width_mm", _millimetres(self.width_mm, "the screen's width", "عرض الشاشة", 50, MAX_SIZE_MM))
        object.__setattr__(self, "height_mm", _millimetres(self.height_mm, "the screen's height", "ارتفاع الشاشة", 50, MAX_SIZE_MM))

    @property
    def top_mm(self) -> float:
        return self.bottom_mm + self.height_mm

    def height_at(self, y_px: float, window_height_px: int) -> float:
        """Millimetres above the floor of the window's pixel row `y_px` (0 is the top)."""
        return self.bottom_mm + (window_height_px - y_px) * self.height_mm / max(1, window_height_px)

    def mm_per_px(self, window_width_px: int, window_height_px: int) -> tuple[float, float]:
        return self.width_mm / max(1, window_width_px), self.height_mm / max(1, window_height_px)

    def reach_top_px(self, window_height_px: int) -> int:
        """The first pixel row (from the top) within reach; 0 if the whole screen is."""
        if self.top_mm <= REACH_HIGH_MM:
            return 0
        return math.ceil((self.top_mm - REACH_HIGH_MM) * window_height_px / self.height_mm)


def parse_size(text: str) -> tuple[float, float]:
    """"400x710" (width × height in mm) → (400.0, 710.0); PlacementError otherwise."""
    if not isinstance(text, str) or len(text) > 40:
        raise PlacementError("give the screen's size as WIDTHxHEIGHT in mm, e.g. 400x710", "اكتب مقاس الشاشة بالمليمتر هكذا: 400x710")
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (float(part) for part in parts)
    except ValueError:
        raise PlacementError(
            f"{text!r} is not WIDTHxHEIGHT in mm, e.g. 400x710", "اكتب مقاس الشاشة بالمليمتر هكذا: 400x710"
        ) from None
    return width, height


@dataclass(frozen=True, slots=True)
class TargetPlace:
    """One touch target as the visitor meets it: its name, lowest and highest point, size."""

    name: str
    low_mm: float
    high_mm: float
    width_mm: float
    height_mm: float

    def problems(self) -> list[str]:
        found = []
        if self.high_mm > REACH_HIGH_MM + 0.01:
            found.append(f"{self.name!r} reaches up to {self.high_mm:.0f} mm (above {REACH_HIGH_MM:.0f})")
        if self.low_mm < REACH_LOW_MM - 0.01:
            found.append(f"{self.name!r} goes down to {self.low_mm:.0f} mm (below {REACH_LOW_MM:.0f})")
        if min(self.width_mm, self.height_mm) < MIN_TARGET_MM:
            found.append(f"{self.name!r} is {self.width_mm:.1f} × {self.height_mm:.1f} mm (under {MIN_TARGET_MM:g} mm)")
        return found


REACH_STRINGS: dict[str, tuple[str, str]] = {
    "kiosk.reach.low": ("تخطيط منخفض", "Low layout"),
    "kiosk.reach.usual": ("تخطيط عادي", "Usual layout"),
    "kiosk.reach.information": ("المعلومات في الأعلى، والخيارات في متناول اليد أدناه", "Information above; every choice within reach below"),
}


def register_strings() -> None:
    from qt_common.i18n import register_catalogue

    register_catalogue(REACH_STRINGS)
