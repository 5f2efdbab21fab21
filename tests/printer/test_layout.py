"""Ticket layout: both Arabic paths legible, 58 and 80 mm, long names wrap, fonts and logo faults."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from printer import fonts
from printer.fonts import FontNotFoundError
from printer.layout import _Text, raqm_available, render_ticket
from printer.ticket import TicketPrint

OUT = Path(__file__).resolve().parents[2] / "out" / "printer"


def _save(image: Image.Image, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    image.save(OUT / name)


def _ink_columns(image: Image.Image) -> list[int]:
    """Columns with at least one black dot."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    return [x for x in range(width) if any(pixels[x, y] < 128 for y in range(height))]


def _similarity(a: Image.Image, b: Image.Image, scale: int = 1) -> float:
    """Share of inked dots in common (intersection over union); `scale` > 1 forgives shifts of a few dots."""
    if scale > 1:
        size = (a.width // scale, a.height // scale)
        a, b = (image.convert("L").resize(size, Image.Resampling.BOX) for image in (a, b))
    ink_a = a.convert("L").point(lambda v: 255 if v < 192 else 0)
    ink_b = b.convert("L").point(lambda v: 255 if v < 192 else 0)
    both = ImageChops.multiply(ink_a, ink_b).histogram()[255]
    either = ImageChops.lighter(ink_a, ink_b).histogram()[255]
    return both / either if either else 1.0


def _line(text: str, engine: str, *, shaped: bool = True) -> Image.Image:
    """One Arabic line drawn by the layout's own text style (or unshaped, for contrast)."""
    found = fonts.find_fonts()
    style = _Text(found.arabic_bold, 48, True, engine)
    visual = style.visual(text) if shaped else text
    image = Image.new("L", (700, 110), 255)
    draw = ImageDraw.Draw(image)
    left, _t, right, _b = style.font.getbbox(visual, **style.kwargs())
    draw.text(((700 - (right - left)) / 2 - left, 10), visual, font=style.font, fill=0, **style.kwargs())
    return image


@pytest.mark.skipif(not raqm_available(), reason="Pillow without raqm")
def test_basic_path_draws_arabic_like_raqm() -> None:
    """reshaper+bidi with the basic layout match raqm's shaping; unshaped, reversed text does not."""
    text = "مركز خدمات الأعمال"
    raqm = _line(text, "raqm")
    basic = _line(text, "basic")
    naive = _line(text, "basic", shaped=False)
    _save(raqm, "line-raqm.png")
    _save(basic, "line-basic.png")
    _save(naive, "line-unshaped.png")
    assert _similarity(raqm, basic) > 0.8
    assert _similarity(raqm, naive) < 0.5


@pytest.mark.parametrize("engine", ["raqm", "basic"])
def test_arabic_reads_right_to_left(engine: str) -> None:
    """The first word of an Arabic line is drawn at the right, in both paths."""
    if engine == "raqm" and not raqm_available():
        pytest.skip("Pillow without raqm")
    first, second = _line("مركز", engine), _line("خدمات", engine)
    both = _line("مركز خدمات", engine)
    columns = _ink_columns(both)
    middle = (columns[0] + columns[-1]) / 2
    # "مركز" alone, shifted to where it sits in the pair, must overlap the right half
    width_first = len(_ink_columns(first))
    right_part = both.crop((int(middle), 0, 700, 110))
    left_part = both.crop((0, 0, int(middle), 110))
    assert width_first > 0 and len(_ink_columns(second)) > width_first * 0.8
    # the right half holds the shorter first word; so it has less ink than the left half holding "خدمات"
    assert len(_ink_columns(right_part)) < len(_ink_columns(left_part))


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("width", [576, 384])
@pytest.mark.parametrize("engine", ["raqm", "basic"])
def test_ticket_renders_black_and_white_at_printer_width(language: str, width: int, engine: str) -> None:
    """The ticket is mode "1", exactly the printer's dot width, and written to out/printer for review."""
    if engine == "raqm" and not raqm_available():
        pytest.skip("Pillow without raqm")
    image = render_ticket(TicketPrint.sample(language), width, text_layout=engine)
    assert image.mode == "1" and image.width == width
    assert 300 < image.height < 2000
    assert image.info["text_layout"] == engine and image.info["warnings"] == []
    histogram = image.convert("L").histogram()
    assert sum(histogram[1:255]) == 0  # no grey, no dithered text
    _save(image, f"ticket-{language}-{width}-{engine}.png")


def test_both_paths_give_nearly_the_same_ticket() -> None:
    """A whole ticket drawn by the basic path matches the raqm one closely (same layout, same ink)."""
    if not raqm_available():
        pytest.skip("Pillow without raqm")
    raqm = render_ticket(TicketPrint.sample(), 576, text_layout="raqm")
    basic = render_ticket(TicketPrint.sample(), 576, text_layout="basic")
    assert raqm.size == basic.size
    assert _similarity(raqm, basic, scale=4) > 0.85  # a differently arranged ticket scores about 0.3


def test_language_changes_which_line_leads() -> None:
    """With language="en" the English centre name comes before the Arabic one."""
    ar = render_ticket(TicketPrint.sample("ar"), 576)
    en = render_ticket(TicketPrint.sample("en"), 576)
    top_ar, top_en = ar.crop((0, 0, 576, 60)), en.crop((0, 0, 576, 60))
    assert _similarity(top_ar, top_en) < 0.3


def test_priority_ticket_has_an_inverted_mark() -> None:
    """A non-normal priority adds a black band with white text; a normal ticket has none."""
    normal = render_ticket(TicketPrint.sample(), 576)
    elderly_ticket = dataclasses.replace(TicketPrint.sample(), priority="elderly")
    elderly = render_ticket(elderly_ticket, 576)
    _save(elderly, "ticket-priority-ar-576.png")
    _save(render_ticket(dataclasses.replace(elderly_ticket, language="en"), 384), "ticket-priority-en-384.png")

    def full_black_rows(image: Image.Image) -> int:
        grey = image.convert("L")
        margin = 40
        return sum(1 for y in range(grey.height) if all(grey.getpixel((x, y)) == 0 for x in range(margin, grey.width - margin, 7)))

    assert full_black_rows(normal) <= 6  # only the three thin rules
    assert full_black_rows(elderly) > 30
    assert elderly.height > normal.height


@pytest.mark.parametrize("width", [576, 384])
def test_long_service_names_wrap_and_never_overflow(width: int) -> None:
    """Very long names wrap onto lines within the margins, are cut with '…' past the limit, never clipped."""
    long_ticket = dataclasses.replace(
        TicketPrint.sample(),
        service_name_ar="خدمة إصدار وتجديد وتعديل السجلات التجارية للمؤسسات والشركات الصغيرة والمتوسطة " * 3,
        service_name_en="Issuing, renewing and amending commercial registrations for small and medium enterprises " * 3,
        centre_name_en="Supercalifragilisticexpialidociousandthensomemorelettersthatneverbreak" * 2,
        number="A-105",
    )
    image = render_ticket(long_ticket, width)
    short = render_ticket(TicketPrint.sample(), width)
    _save(image, f"ticket-long-names-{width}.png")
    columns = _ink_columns(image)
    margin = max(8, width // 36)
    assert columns[0] >= margin - 1 and columns[-1] <= width - margin
    assert short.height < image.height < short.height + 600


def test_hostile_text_does_not_break_the_layout() -> None:
    """Bidi overrides, control characters, empty names and huge numbers still give a sane ticket."""
    hostile = dataclasses.replace(
        TicketPrint.sample(),
        service_name_ar="\u202eخدمة\u202c \x00\x07 ",
        service_name_en="",
        centre_name_en="\u2066\u2066\u2066",
        number="Z-" + "9" * 60,
        ahead=10**9,
        eta_seconds=10**9,
        footer_ar="",
        footer_en="",
        status_url="http://hub/t/" + "x" * 5000,
    )
    image = render_ticket(hostile, 384)
    assert image.width == 384 and image.mode == "1"
    assert any("QR code left out" in w for w in image.info["warnings"])


def test_missing_arabic_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no Arabic font installed render_ticket raises FontNotFoundError saying what to install."""
    monkeypatch.setattr(fonts, "FONT_DIRS", (tmp_path,))
    with pytest.raises(FontNotFoundError) as caught:
        render_ticket(TicketPrint.sample(), 576)
    assert "fonts-noto-core" in str(caught.value)
    assert "fonts-noto-core" in caught.value.message_ar


def test_only_an_arabic_font_with_latin_is_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with just one Arabic font that also has Latin letters (Amiri) still draws the ticket."""
    amiri = fonts._index(fonts.default_font_dirs()).get("amiri-regular.ttf")
    if amiri is None:
        pytest.skip("Amiri not installed")
    (tmp_path / "Amiri-Regular.ttf").write_bytes(amiri.read_bytes())
    monkeypatch.setattr(fonts, "FONT_DIRS", (tmp_path,))
    image = render_ticket(TicketPrint.sample("en"), 384)
    _save(image, "ticket-amiri-only-en-384.png")
    assert image.width == 384 and len(_ink_columns(image)) > 200


def test_logo_is_drawn_and_a_broken_one_is_left_out(tmp_path: Path) -> None:
    """A readable logo appears at the top; a missing or corrupt one is skipped with a warning."""
    logo = tmp_path / "logo.png"
    picture = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(picture).ellipse((10, 10, 290, 110), fill=(0, 90, 60, 255))
    picture.save(logo)
    with_logo = render_ticket(dataclasses.replace(TicketPrint.sample(), logo_path=logo), 576)
    without = render_ticket(TicketPrint.sample(), 576)
    _save(with_logo, "ticket-logo-ar-576.png")
    assert with_logo.height > without.height + 50
    assert with_logo.info["warnings"] == []

    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG not really")
    for path in (tmp_path / "missing.png", corrupt, tmp_path):
        image = render_ticket(dataclasses.replace(TicketPrint.sample(), logo_path=path), 576)
        assert image.height == without.height
        assert image.info["warnings"] and str(path) in image.info["warnings"][0]


@pytest.mark.parametrize("width", [0, 100, 577, 4096, -576, True])
def test_bad_widths_are_refused(width: int) -> None:
    """Widths that no printer has are refused with a message naming 576 and 384."""
    with pytest.raises(ValueError, match="576 for 80 mm"):
        render_ticket(TicketPrint.sample(), width)


def test_unknown_text_layout_is_refused() -> None:
    """text_layout accepts only auto, raqm or basic."""
    with pytest.raises(ValueError, match="text_layout"):
        render_ticket(TicketPrint.sample(), 576, text_layout="harfbuzz")


def _find(haystack: Image.Image, needle: Image.Image, min_score: float = 0.9) -> bool:
    """True when `needle` appears in `haystack` (ink overlap above `min_score`) at some offset."""
    hay = haystack.convert("L").point(lambda v: 255 if v < 128 else 0)
    pin = needle.convert("L").point(lambda v: 255 if v < 128 else 0)
    pin_ink = pin.histogram()[255]
    box = hay.getbbox()
    if box is None or pin_ink == 0:
        return False
    for y in range(max(0, box[1] - needle.height), min(hay.height - needle.height, box[3]) + 1):
        for x in range(max(0, box[0] - needle.width), min(hay.width - needle.width, box[2]) + 1):
            window = hay.crop((x, y, x + needle.width, y + needle.height))
            common = ImageChops.multiply(window, pin).histogram()[255]
            if common / pin_ink >= min_score and window.histogram()[255] <= pin_ink * 1.1:
                return True
    return False


@pytest.mark.parametrize("engine", ["raqm", "basic"])
def test_numbers_keep_their_order_inside_arabic(engine: str) -> None:
    """In an Arabic line, the time 9:41 is drawn as 9:41 (not 41:9 or 14:9), in both paths."""
    if engine == "raqm" and not raqm_available():
        pytest.skip("Pillow without raqm")
    from printer import wording

    found = fonts.find_fonts()
    style = _Text(found.arabic, 40, True, engine)
    latin = _Text(found.arabic, 40, False, engine)

    def draw(text: str, s: _Text) -> Image.Image:
        image = Image.new("L", (600, 90), 255)
        ImageDraw.Draw(image).text((20, 10), s.visual(text), font=s.font, fill=0, **s.kwargs())
        box = image.point(lambda v: 255 if v < 128 else 0).getbbox()
        return image.crop(box) if text.isascii() else image

    line = draw(wording.wait_text(41 * 60)[0] + " " + wording.clock_text(datetime(2026, 1, 1, 9, 41, tzinfo=timezone.utc))[0], style)
    assert _find(line, draw("9:41", latin))
    assert _find(line, draw("41", latin))
    assert not _find(line, draw("14", latin))
    assert not _find(line, draw("41:9", latin))


def test_qr_code_on_the_ticket_carries_the_status_address() -> None:
    """The QR drawn on the ticket is the code of its status_url (and not of another address)."""
    from printer.layout import _qr_image

    ticket = TicketPrint.sample()
    image = render_ticket(ticket, 576)
    own = _qr_image(ticket.status_url, int(576 * 0.26))
    other = _qr_image(ticket.status_url.replace("q2Yd", "zzzz"), int(576 * 0.26))
    assert own is not None and other is not None and own.size == other.size
    margin = max(8, 576 // 36)
    strip = image.crop((margin, 0, margin + own.width, image.height)).convert("L")

    def occurs(code: Image.Image) -> bool:
        target = code.tobytes()
        return any(strip.crop((0, y, code.width, y + code.height)).tobytes() == target for y in range(strip.height - code.height + 1))

    assert occurs(own)
    assert not occurs(other)
