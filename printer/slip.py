"""The small slip a kiosk prints after a visitor files a complaint, suggestion or thanks.

It carries the centre's name, what was filed, the reference the visitor follows the answer by
(drawn as large as the ticket's number) and when it was filed, in Arabic and English (the
visitor's language first). It is drawn with the ticket's own layout pieces, so Arabic is shaped
the same way on both paths (printer/layout.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from printer import fonts as _fonts
from printer import wording
from printer.layout import (
    MAX_QR_DATA, MAX_WIDTH, MIN_WIDTH, WIDTH_80MM, _Canvas, _clean, _number, _pair, _qr_image, _resolve_layout, _Styles,
)

__all__ = ["ReferenceSlip", "render_slip", "KIND_NAMES"]

KIND_NAMES = {
    "complaint": ("شكوى", "Complaint"),
    "suggestion": ("اقتراح", "Suggestion"),
    "thanks": ("شكر", "Thanks"),
}
HEADING = ("رقم المرجع", "Reference number")
KEEP_IT = ("احتفظ بهذا الرقم لمتابعة الرد على رسالتك.", "Keep this number to follow the answer to your message.")
SCAN_IT = ("امسح الرمز لمتابعة الرد على جوالك", "Scan to follow the answer on your phone")


@dataclass(frozen=True)
class ReferenceSlip:
    reference: str
    kind: str
    centre_name_ar: str
    centre_name_en: str
    filed_at: datetime
    language: str = "ar"
    follow_url: str | None = None  # the reference's page (/f/REFERENCE), drawn as a QR code

    def __post_init__(self) -> None:
        if self.kind not in KIND_NAMES:
            raise ValueError(f"kind must be one of {sorted(KIND_NAMES)}, not {self.kind!r}")
        if self.language not in ("ar", "en"):
            raise ValueError(f"language must be 'ar' or 'en', not {self.language!r}")
        if self.filed_at.tzinfo is None:
            raise ValueError("filed_at must carry its time zone (an aware datetime)")


def render_slip(slip: ReferenceSlip, width: int = WIDTH_80MM, *, text_layout: str = "auto") -> Image.Image:
    """The slip as a mode "1" image `width` dots wide; raises FontNotFoundError without an Arabic font."""
    if not isinstance(width, int) or isinstance(width, bool) or not (MIN_WIDTH <= width <= MAX_WIDTH) or width % 8:
        raise ValueError(f"width must be a multiple of 8 from {MIN_WIDTH} to {MAX_WIDTH} dots, not {width!r}")
    engine = _resolve_layout(text_layout)
    styles = _Styles(_fonts.find_fonts(), engine, max(0.8, width / WIDTH_80MM))
    canvas = _Canvas(width=width, margin=max(8, width // 36))
    lead_ar = slip.language == "ar"
    kind_ar, kind_en = KIND_NAMES[slip.kind]
    clock_ar, clock_en = wording.clock_text(slip.filed_at)
    greg_ar, greg_en = wording.gregorian_text(slip.filed_at)

    canvas.space(8)
    _pair(canvas, styles, lead_ar, _clean(slip.centre_name_ar), _clean(slip.centre_name_en), bold=True,
          base_ar=22, base_en=18, max_lines=2)
    canvas.rule(gap=8)
    _pair(canvas, styles, lead_ar, f"{HEADING[0]} - {kind_ar}", f"{HEADING[1]} - {kind_en}", bold=True,
          base_ar=24, base_en=19, max_lines=2)
    canvas.space(8)
    _number(canvas, styles, _clean(slip.reference))
    canvas.space(10)
    _pair(canvas, styles, lead_ar, *KEEP_IT, bold=False, base_ar=19, base_en=16, max_lines=3)
    if slip.follow_url:
        if len(slip.follow_url) > MAX_QR_DATA:
            canvas.warnings.append(f"follow address longer than {MAX_QR_DATA} characters; QR code left out")
        else:
            qr = _qr_image(slip.follow_url, int(width * 0.4))
            if qr is not None:
                canvas.space(6)
                block = Image.new("L", (width, qr.height), 255)
                block.paste(qr, ((width - qr.width) // 2, 0))
                canvas.add(block)
                _pair(canvas, styles, lead_ar, *SCAN_IT, bold=True, base_ar=17, base_en=15, max_lines=2)
    canvas.rule(gap=8)
    _pair(canvas, styles, lead_ar, f"{greg_ar} - {clock_ar}", f"{greg_en}, {clock_en}", bold=False,
          base_ar=18, base_en=16, max_lines=2)
    canvas.space(8)
    image = canvas.image()
    image.info["warnings"] = list(canvas.warnings)
    image.info["text_layout"] = engine
    return image
