"""Arabic for renderers that do not shape it: joined letters, visual order, mirrored brackets, fonts."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.text import FontsMissing, find_fonts, ltr, visual


def test_arabic_is_joined_and_reversed_for_drawing():
    """'مركز' becomes its joined presentation forms, in visual (left-to-right) order."""
    line = visual("مركز")
    # Drawn left to right: zay (final), kaf (initial: reh does not join on), reh (final), meem (initial).
    assert line == "\ufeb0\ufedb\ufeae\ufee3"
    assert all("\ufe70" <= ch <= "\ufeff" for ch in line)


def test_numbers_keep_their_order_inside_arabic():
    """An isolated number or date stays left to right and the direction marks are gone."""
    line = visual(f"من {ltr('2026-11-01')} إلى {ltr('2026-11-24')}")
    assert "2026-11-01" in line and "2026-11-24" in line
    assert line.index("2026-11-24") < line.index("2026-11-01")  # the later date is read last, so drawn left
    assert not any(ch in line for ch in "\u2066\u2067\u2068\u2069\u200e\u200f")


def test_brackets_face_the_right_way_in_arabic():
    """Brackets laid out right to left are mirrored (so they enclose their words); left-to-right ones are not."""
    line = visual("الانتظار (دقيقة)")
    assert line.startswith("(") and line.index("(") < line.index(")")
    assert visual("Wait (min)", rtl=False) == "Wait (min)"
    assert "(Service)" in visual("الخدمة (Service)")  # the pair takes the Arabic paragraph's direction
    assert "(12:30)" in visual(f"الموعد {ltr('(12:30)')}")  # isolated: left to right, as written
    assert visual("Service (الخدمة)", rtl=False).startswith("Service (")


def test_english_is_left_as_it_is():
    """An English line is not reordered."""
    assert visual("Served 12 of 15", rtl=False) == "Served 12 of 15"


def test_fonts_are_found_and_split_into_runs():
    """An Arabic and a Latin font are found; Arabic letters go to the Arabic font, Latin ones to the Latin."""
    fonts = find_fonts()
    assert fonts.arabic.is_file() and fonts.latin.is_file()
    runs = fonts.runs(visual("الشباك A-105"))
    assert any(arabic and "\ufe8e" <= piece[0] <= "\ufefc" for arabic, piece in runs)
    assert any(not arabic and "A" in piece for arabic, piece in runs)


def test_no_arabic_font_is_a_clear_error(tmp_path: Path):
    """A machine without an Arabic font is told which package to install."""
    (tmp_path / "NotoSansArabic-Regular.ttf").write_bytes(b"not a font")
    with pytest.raises(FontsMissing) as missing:
        find_fonts([tmp_path])
    assert "fonts-noto-core" in str(missing.value)
