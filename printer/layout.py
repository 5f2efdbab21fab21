"""Draw a ticket as a black-and-white image at the printer's dot width.

The image is drawn in grey with Pillow, then cut at 50 % into pure black and white (mode "1"):
text is never dithered, only a logo photo is. Arabic is shaped and laid out right to left by
Pillow's raqm layout where Pillow has raqm with FriBiDi; otherwise (Windows wheels lack FriBiDi)
by arabic-reshaper and python-bidi before Pillow's basic layout draws the glyphs in visual order.
`text_layout="basic"` forces the second path.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw, ImageFont, features

from core.bidi import BIDI_CONTROLS, strip_bidi
from printer import fonts as _fonts
from printer import wording
from printer.fonts import FontNotFoundError, FontSet
from printer.ticket import TicketPrint

__all__ = ["render_ticket", "FontNotFoundError", "raqm_available", "WIDTH_80MM", "WIDTH_58MM"]

WIDTH_80MM = 576
WIDTH_58MM = 384
MIN_WIDTH, MAX_WIDTH = 128, 1024
MAX_LOGO_BYTES = 8 * 1024 * 1024
MAX_QR_DATA = 600
QR_MASK = 2
_THRESHOLD = [0] * 128 + [255] * 128


def raqm_available() -> bool:
    """Pillow can shape Arabic itself (libraqm with FriBiDi present)."""
    return bool(features.check("raqm")) and bool(features.check("fribidi"))


def _resolve_layout(text_layout: str) -> str:
    if text_layout not in ("auto", "raqm", "basic"):
        raise ValueError(f"text_layout must be 'auto', 'raqm' or 'basic', not {text_layout!r}")
    if text_layout == "auto":
        return "raqm" if raqm_available() else "basic"
    if text_layout == "raqm" and not raqm_available():
        raise RuntimeError("this Pillow has no raqm/FriBiDi layout; use text_layout='basic' or 'auto'")
    return text_layout


@lru_cache(maxsize=128)
def _font(path: Path, size: int, engine: str) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if engine == "raqm" else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


@lru_cache(maxsize=4096)
def _has_glyph(path: Path, char: str) -> bool:
    if char.isspace() or char in BIDI_CONTROLS:
        return True
    return _glyph_pixels(path, char) != _glyph_pixels(path, "\uffff")


@lru_cache(maxsize=4096)
def _glyph_pixels(path: Path, char: str) -> bytes:
    font = _font(path, 24, "basic")
    image = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(image).text((8, 8), char, font=font, fill=255)
    return image.tobytes()


def _covers(path: Path, text: str) -> bool:
    return all(_has_glyph(path, ch) for ch in set(text))


@lru_cache(maxsize=8192)
def _measure(path: Path, size: int, rtl: bool, engine: str, text: str) -> float:
    style = _Text(path, size, rtl, engine)
    return style.font.getlength(style.visual(text), **style.kwargs())


@dataclass
class _Text:
    """How to draw one run of text: a font file, a size and a direction."""

    path: Path
    size: int
    rtl: bool
    engine: str

    @property
    def font(self) -> ImageFont.FreeTypeFont:
        return _font(self.path, self.size, self.engine)

    def visual(self, text: str) -> str:
        """The text as the basic layout must receive it (shaped and reordered for Arabic)."""
        if self.engine == "raqm":
            return text
        if self.rtl:
            import arabic_reshaper
            from bidi import get_display

            return strip_bidi(get_display(arabic_reshaper.reshape(text), base_dir="R"))
        return strip_bidi(text)

    def kwargs(self) -> dict:
        if self.engine == "raqm":
            return {"direction": "rtl" if self.rtl else "ltr", "language": "ar" if self.rtl else "en"}
        return {}

    def width(self, text: str) -> float:
        return _measure(self.path, self.size, self.rtl, self.engine, text)

    def line_height(self) -> int:
        ascent, descent = self.font.getmetrics()
        return ascent + descent


@dataclass
class _Canvas:
    width: int
    margin: int
    rows: list[Image.Image] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def inner(self) -> int:
        return self.width - 2 * self.margin

    def add(self, block: Image.Image) -> None:
        self.rows.append(block)

    def space(self, height: int) -> None:
        if height > 0:
            self.rows.append(Image.new("L", (self.width, height), 255))

    def rule(self, thickness: int = 2, gap: int = 10) -> None:
        block = Image.new("L", (self.width, thickness + 2 * gap), 255)
        ImageDraw.Draw(block).rectangle((self.margin, gap, self.width - self.margin - 1, gap + thickness - 1), fill=0)
        self.add(block)

    def grey(self) -> Image.Image:
        height = sum(r.height for r in self.rows)
        out = Image.new("L", (self.width, max(height, 1)), 255)
        y = 0
        for row in self.rows:
            out.paste(row, (0, y))
            y += row.height
        return out

    def image(self) -> Image.Image:
        return self.grey().point(_THRESHOLD, "1")


def _wrap(style: _Text, text: str, limit: int) -> list[str]:
    """Greedy word wrap by measured width; a word wider than the line is cut by characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if style.width(candidate) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while style.width(word) > limit:
            cut = len(word) - 1
            while cut > 1 and style.width(word[:cut]) > limit:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _fit_lines(make: Callable[[int], _Text], text: str, size: int, min_size: int, limit: int, max_lines: int) -> tuple[_Text, list[str]]:
    """Wrap `text`, shrinking the font down to `min_size` to stay within `max_lines`; then cut with '…'."""
    style = make(size)
    lines = _wrap(style, text, limit)
    while len(lines) > max_lines and size > min_size:
        size = max(min_size, int(size * 0.88))
        style = make(size)
        lines = _wrap(style, text, limit)
    if len(lines) > max_lines:
        ellipsis = "…" if _covers(style.path, "…") else "..."
        lines = lines[:max_lines]
        last = lines[-1]
        while last and style.width(last + ellipsis) > limit:
            last = last[:-1].rstrip()
        lines[-1] = last + ellipsis
    return style, lines


def _draw_lines(width: int, margin: int, style: _Text, lines: list[str], *, inverted: bool = False) -> Image.Image:
    step = style.line_height()
    pad = max(4, style.size // 5) if inverted else 0
    block = Image.new("L", (width, step * len(lines) + 2 * pad), 255)
    draw = ImageDraw.Draw(block)
    ink = 255 if inverted else 0
    if inverted:  # white on black: raster bytes depend on rows, not on dots, so a solid band costs nothing extra
        draw.rectangle((margin, 0, width - margin - 1, block.height - 1), fill=0)
    for index, line in enumerate(lines):
        visual = style.visual(line)
        left, _top, right, _bottom = style.font.getbbox(visual, **style.kwargs())
        x = (width - (right - left)) / 2 - left
        draw.text((x, pad + index * step), visual, font=style.font, fill=ink, **style.kwargs())
    return block


class _Styles:
    def __init__(self, font_set: FontSet, engine: str, scale: float) -> None:
        self.fonts = font_set
        self.engine = engine
        self.scale = scale

    def px(self, base: float) -> int:
        return max(10, round(base * self.scale))

    def arabic(self, bold: bool, text: str) -> Callable[[int], _Text]:
        path = self.fonts.arabic_bold if bold else self.fonts.arabic
        if not _covers(path, text):
            alternative = self.fonts.arabic_with_latin_bold if bold else self.fonts.arabic_with_latin
            if alternative is not None and _covers(alternative, text):
                path = alternative
        return lambda size: _Text(path, size, True, self.engine)

    def latin(self, bold: bool, text: str) -> Callable[[int], _Text]:
        path = self.fonts.latin_bold if bold else self.fonts.latin
        if not _covers(path, text) and _covers(self.fonts.arabic, text):
            return self.arabic(bold, text)  # an "English" line written in Arabic
        return lambda size: _Text(path, size, False, self.engine)


def _paragraph(canvas: _Canvas, styles: _Styles, text: str, *, arabic: bool, bold: bool, base: float, max_lines: int, inverted: bool = False) -> None:
    text = " ".join(text.split())
    if text:
        canvas.add(_paragraph_block(styles.fonts, styles.engine, styles.scale, canvas.width, canvas.margin, text, arabic, bold, base, max_lines, inverted))


@lru_cache(maxsize=256)
def _paragraph_block(font_set: FontSet, engine: str, scale: float, width: int, margin: int, text: str, arabic: bool, bold: bool, base: float, max_lines: int, inverted: bool) -> Image.Image:
    """One wrapped, centred paragraph. Cached: a centre's names and footer repeat on every ticket."""
    styles = _Styles(font_set, engine, scale)
    make = styles.arabic(bold, text) if arabic else styles.latin(bold, text)
    size = styles.px(base)
    limit = width - 2 * margin - (2 * max(4, size // 5) if inverted else 0)
    style, lines = _fit_lines(make, text, size, max(12, int(size * 0.7)), limit, max_lines)
    return _draw_lines(width, margin, style, lines, inverted=inverted)


def _pair(canvas: _Canvas, styles: _Styles, lead_ar: bool, ar: str, en: str, *, bold: bool, base_ar: float, base_en: float, max_lines: int = 3, inverted: bool = False, gap: int = 0) -> None:
    parts = [(True, ar, base_ar), (False, en, base_en)]
    if not lead_ar:
        parts.reverse()
    for index, (arabic, text, base) in enumerate(parts):
        _paragraph(canvas, styles, text, arabic=arabic, bold=bold, base=base, max_lines=max_lines, inverted=inverted)
        if index == 0:
            canvas.space(gap)


def _priority_band(canvas: _Canvas, styles: _Styles, lead_ar: bool, ar: str, en: str) -> None:
    """The priority mark, white on black: both languages on one band when they fit, else two bands."""
    style_ar = styles.arabic(True, ar)(styles.px(24))
    style_en = styles.latin(True, en)(styles.px(20))
    pad = max(6, style_ar.size // 4)
    width_ar, width_en = style_ar.width(ar), style_en.width(en)
    if width_ar + width_en + 4 * pad > canvas.inner:
        _pair(canvas, styles, lead_ar, ar, en, bold=True, base_ar=24, base_en=20, max_lines=1, inverted=True, gap=4)
        return
    height = max(style_ar.line_height(), style_en.line_height()) + 2 * pad
    block = Image.new("L", (canvas.width, height), 255)
    draw = ImageDraw.Draw(block)
    draw.rectangle((canvas.margin, 0, canvas.width - canvas.margin - 1, height - 1), fill=0)
    half = canvas.width // 2
    # As on bilingual signs: Arabic on the right, English on the left, whichever language leads.
    spots = {"ar": (half, canvas.width - canvas.margin), "en": (canvas.margin, half)}
    for key, style, text in (("ar", style_ar, ar), ("en", style_en, en)):
        left_edge, right_edge = spots[key]
        visual = style.visual(text)
        left, _top, right, _bottom = style.font.getbbox(visual, **style.kwargs())
        x = left_edge + (right_edge - left_edge - (right - left)) / 2 - left
        y = (height - style.line_height()) / 2
        draw.text((x, y), visual, font=style.font, fill=255, **style.kwargs())
    canvas.add(block)


def _number(canvas: _Canvas, styles: _Styles, number: str) -> None:
    number = " ".join(number.split())[:24] or "?"
    make = styles.latin(True, number)
    target_height = int(canvas.width * 0.19)
    size = max(16, int(target_height / 0.72))  # cap height of a bold sans is about 0.72 em
    style = make(size)
    while size > 16 and style.width(number) > canvas.inner:
        size = int(size * 0.92)
        style = make(size)
    if style.width(number) > canvas.inner:
        _paragraph(canvas, styles, number, arabic=False, bold=True, base=16 / styles.scale, max_lines=2)
        return
    font = style.font
    left, top, right, bottom = font.getbbox(style.visual(number), **style.kwargs())
    block = Image.new("L", (canvas.width, bottom - top), 255)
    x = (canvas.width - (right - left)) / 2 - left
    ImageDraw.Draw(block).text((x, -top), style.visual(number), font=font, fill=0, **style.kwargs())
    canvas.add(block)


def _logo(canvas: _Canvas, path: Path) -> None:
    try:
        if not path.is_file():
            raise FileNotFoundError("no such file")
        if path.stat().st_size > MAX_LOGO_BYTES:
            raise ValueError(f"larger than {MAX_LOGO_BYTES // (1024 * 1024)} MB")
        with Image.open(path) as source:
            if source.width * source.height > 40_000_000:
                raise ValueError(f"{source.width}x{source.height} pixels is too large")
            source.load()
            logo = source.convert("RGBA")
    except Exception as exc:  # noqa: BLE001 - a broken logo must never stop a ticket
        canvas.warnings.append(f"logo {path} not used: {exc}")
        return
    background = Image.new("RGBA", logo.size, (255, 255, 255, 255))
    logo = Image.alpha_composite(background, logo).convert("L")
    max_w, max_h = canvas.inner // 2, int(canvas.width * 0.2)
    ratio = min(max_w / logo.width, max_h / logo.height)
    size = (max(1, int(logo.width * ratio)), max(1, int(logo.height * ratio)))
    logo = logo.resize(size, Image.Resampling.LANCZOS).convert("1").convert("L")  # photos dither, text does not
    block = Image.new("L", (canvas.width, logo.height), 255)
    block.paste(logo, ((canvas.width - logo.width) // 2, 0))
    canvas.add(block)
    canvas.space(8)


def _qr_image(url: str, max_side: int) -> Image.Image | None:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    # A fixed mask skips scoring all eight (a third of a ticket's drawing time); any mask is valid.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=0, mask_pattern=QR_MASK)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    module = min(6, max_side // modules)
    if module < 2:
        return None
    side = modules * module
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                x, y = col * module, row * module
                draw.rectangle((x, y, x + module - 1, y + module - 1), fill=0)
    return image


def _dates_and_qr(canvas: _Canvas, styles: _Styles, ticket: TicketPrint) -> None:
    """Issue date and time (Gregorian and Hijri) beside the QR code of the ticket's phone page."""
    lead_ar = ticket.language == "ar"
    moment = ticket.issued_at
    clock_ar, clock_en = wording.clock_text(moment)
    greg_ar, greg_en = wording.gregorian_text(moment)
    hijri = wording.hijri_text(moment)
    lines_ar = [f"{greg_ar} - {clock_ar}"] + ([hijri[0]] if hijri else [])
    lines_en = [f"{greg_en}, {clock_en}"] + ([hijri[1]] if hijri else [])
    qr = None
    if ticket.status_url:
        if len(ticket.status_url) > MAX_QR_DATA:
            canvas.warnings.append(f"status address longer than {MAX_QR_DATA} characters; QR code left out")
        else:
            wide = canvas.width >= 512
            qr = _qr_image(ticket.status_url, int(canvas.width * (0.26 if wide else 0.4)))
    side_by_side = qr is not None and canvas.width >= 512
    gap = 12
    if side_by_side:
        column = _Canvas(width=canvas.inner - qr.width - gap, margin=0)
    else:
        column = _Canvas(width=canvas.width, margin=canvas.margin)
    blocks = [(True, line, 20) for line in lines_ar] + [(False, line, 17) for line in lines_en]
    if not lead_ar:
        blocks = blocks[len(lines_ar):] + blocks[: len(lines_ar)]
    for arabic, line, base in blocks:
        _paragraph(column, styles, line, arabic=arabic, bold=False, base=base, max_lines=2)
    if qr is not None:
        column.space(4)
        _pair(column, styles, lead_ar, *wording.QR_CAPTION, bold=True, base_ar=17, base_en=15, max_lines=2)
    canvas.warnings.extend(column.warnings)
    text = column.grey()
    if not side_by_side:
        canvas.add(text)
        if qr is not None:
            canvas.space(6)
            block = Image.new("L", (canvas.width, qr.height), 255)
            block.paste(qr, ((canvas.width - qr.width) // 2, 0))
            canvas.add(block)
        return
    block = Image.new("L", (canvas.width, max(text.height, qr.height)), 255)
    qr_x = canvas.margin if lead_ar else canvas.width - canvas.margin - qr.width
    text_x = canvas.margin + qr.width + gap if lead_ar else canvas.margin
    block.paste(qr, (qr_x, (block.height - qr.height) // 2))
    block.paste(text, (text_x, (block.height - text.height) // 2))
    canvas.add(block)


def _clean(text: str) -> str:
    """User text without control characters or bidi embeddings/overrides that could reorder the ticket."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text if ch not in BIDI_CONTROLS)


def render_ticket(ticket: TicketPrint, width: int = WIDTH_80MM, *, text_layout: str = "auto") -> Image.Image:
    """The ticket as a mode "1" image `width` dots wide (576 for 80 mm paper, 384 for 58 mm).

    Raises FontNotFoundError when no Arabic font is installed. A logo that cannot be read is
    left out; the reason is in `image.info["warnings"]` (a list of strings).
    """
    if not isinstance(width, int) or isinstance(width, bool) or not (MIN_WIDTH <= width <= MAX_WIDTH) or width % 8:
        raise ValueError(f"width must be a multiple of 8 from {MIN_WIDTH} to {MAX_WIDTH} dots (576 for 80 mm, 384 for 58 mm), not {width!r}")
    engine = _resolve_layout(text_layout)
    ticket = dataclasses.replace(
        ticket,
        number=_clean(ticket.number),
        service_name_ar=_clean(ticket.service_name_ar),
        service_name_en=_clean(ticket.service_name_en),
        centre_name_ar=_clean(ticket.centre_name_ar),
        centre_name_en=_clean(ticket.centre_name_en),
        footer_ar=_clean(ticket.footer_ar),
        footer_en=_clean(ticket.footer_en),
    )
    styles = _Styles(_fonts.find_fonts(), engine, max(0.8, width / WIDTH_80MM))
    canvas = _Canvas(width=width, margin=max(8, width // 36))
    lead_ar = ticket.language == "ar"

    canvas.space(8)
    if ticket.logo_path is not None:
        _logo(canvas, Path(ticket.logo_path))
    _pair(canvas, styles, lead_ar, ticket.centre_name_ar, ticket.centre_name_en, bold=True, base_ar=24, base_en=19, max_lines=2)
    canvas.rule(gap=8)
    _pair(canvas, styles, lead_ar, ticket.service_name_ar, ticket.service_name_en, bold=True, base_ar=30, base_en=23, max_lines=2)
    canvas.space(8)
    _number(canvas, styles, ticket.number)
    canvas.space(10)
    if ticket.is_appointment:
        _priority_band(canvas, styles, lead_ar, *wording.appointment_mark(ticket.slot_start))
        canvas.space(8)
    elif ticket.is_priority:
        _priority_band(canvas, styles, lead_ar, *wording.priority_mark(ticket.priority))
        canvas.space(8)
    queue = wording.queue_text(ticket.ahead, ticket.eta_seconds)
    if queue is not None:
        _pair(canvas, styles, lead_ar, *queue, bold=True, base_ar=22, base_en=18, max_lines=2)
    canvas.rule(gap=8)
    _dates_and_qr(canvas, styles, ticket)
    if ticket.footer_ar or ticket.footer_en:
        canvas.rule(gap=8)
        _pair(canvas, styles, lead_ar, ticket.footer_ar, ticket.footer_en, bold=False, base_ar=19, base_en=17, max_lines=3)
    canvas.space(8)
    image = canvas.image()
    image.info["warnings"] = list(canvas.warnings)
    image.info["text_layout"] = engine
    return image
