"""The helpers every surface shares: direction isolates, image signatures, font folders, errors."""

from __future__ import annotations

from pathlib import Path

from core.bidi import LRI, PDI, ltr, strip_bidi
from core.errors import BilingualError
from core.fonts import index_fonts
from core.images import image_kind, media_type


def test_ltr_drops_overrides_and_keeps_only_balanced_isolates():
    assert ltr("A-105") == f"{LRI}A-105{PDI}"
    assert ltr("\u202eA-105") == f"{LRI}A-105{PDI}"  # a hostile override cannot reverse the line
    assert ltr(f"{ltr(5)} min") == f"{LRI}{LRI}5{PDI} min{PDI}"
    assert ltr(f"{LRI}5") == f"{LRI}5{PDI}"  # an unbalanced isolate is dropped
    assert strip_bidi(f"\u200f{ltr('9:41')}\u061c") == "9:41"


def test_image_kinds_from_their_first_bytes():
    assert image_kind(b"\x89PNG\r\n\x1a\n....") == "PNG"
    assert image_kind(b"\xff\xd8\xff\xe0") == "JPEG"
    assert image_kind(b"GIF89a") == image_kind(b"GIF87a") == "GIF"
    assert image_kind(b"<svg") is None and image_kind(b"") is None
    assert media_type(b"BM....") == "image/bmp"
    assert media_type(b"%PDF-1.7") == "application/octet-stream"


def test_font_index_keeps_the_first_folder_and_the_asked_endings(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b" / "deep"
    second.mkdir(parents=True)
    first.mkdir()
    (first / "Amiri-Regular.ttf").write_bytes(b"x")
    (second / "amiri-regular.ttf").write_bytes(b"y")
    (second / "Noto.otf").write_bytes(b"z")
    (second / "readme.txt").write_text("not a font")
    found = index_fonts((first, tmp_path / "b", tmp_path / "missing"))
    assert found == {"amiri-regular.ttf": first / "Amiri-Regular.ttf", "noto.otf": second / "Noto.otf"}
    assert index_fonts((first, tmp_path / "b"), (".ttf",)).keys() == {"amiri-regular.ttf"}


def test_bilingual_errors_say_a_summary_and_keep_both_messages():
    error = BilingualError("Wrong rate", "سرعة غير صحيحة", summary="rate: Wrong rate")
    assert str(error) == "rate: Wrong rate" and error.message_ar == "سرعة غير صحيحة"
    assert str(BilingualError("Plain", "عادي")) == "Plain"
